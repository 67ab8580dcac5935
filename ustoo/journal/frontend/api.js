// The journal's JSON API (PROTOCOL.md, "API"): every request names the journal by its lookup, and the
// site never learns more than the protocol sends.
import { base64url } from "./crypto.js";

// Why a request did not succeed: `status` is the HTTP status, 0 when the site could not be reached.
export class ApiError extends Error {
  constructor(status, message, retryAfter = null) {
    super(message || `HTTP ${status}`);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

export class JournalApi {
  constructor(base, lookup) {
    this.base = base.endsWith("/") ? base : base + "/";
    this.authorization = "Journal " + (typeof lookup === "string" ? lookup : base64url(lookup));
  }

  async request(method, path, { json, bytes, binary = false } = {}) {
    const headers = { Authorization: this.authorization, Accept: "application/json" };
    let body;
    if (bytes) {
      headers["Content-Type"] = "application/octet-stream";
      body = bytes;
    } else if (method !== "GET") {
      // json_write wants a JSON body on every write, an empty object when there is nothing to say.
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(json ?? {});
    }
    let response;
    try {
      response = await fetch(this.base + path, {
        method,
        headers,
        body,
        cache: "no-store",
        credentials: "same-origin",
        redirect: "error",
      });
    } catch (error) {
      throw new ApiError(0, String(error));
    }
    if (!response.ok) {
      let message = "";
      try {
        message = (await response.json()).error || "";
      } catch {
        // not JSON: the status says enough
      }
      throw new ApiError(response.status, message, response.headers.get("Retry-After"));
    }
    if (binary) return new Uint8Array(await response.arrayBuffer());
    if (response.status === 204) return null;
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }

  createJournal(accesses) {
    return this.request("POST", "journals", { json: { accesses } });
  }

  open() {
    return this.request("POST", "open");
  }

  writeEntry(entry) {
    return this.request("POST", "entries", { json: entry });
  }

  uploadAttachment(ciphertext) {
    return this.request("POST", "attachments", { bytes: ciphertext });
  }

  attachment(id) {
    return this.request("GET", "attachments/" + encodeURIComponent(id), { binary: true });
  }

  addAccess(access) {
    return this.request("POST", "accesses", { json: access });
  }

  removeCurrentAccess() {
    return this.request("DELETE", "accesses/current");
  }

  proofs() {
    return this.request("GET", "proofs");
  }

  deleteJournal() {
    return this.request("DELETE", "journals/current");
  }
}
