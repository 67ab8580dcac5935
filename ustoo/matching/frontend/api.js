// The escrow's JSON API (PROTOCOL.md §6), as the page calls it: the member's session cookie and the
// CSRF token on every write, nothing cached, no redirect followed.
import { base64url, fromBase64url } from "./escrow.js";

// Why a request did not succeed: `status` is the HTTP status, 0 when the site could not be reached.
export class ApiError extends Error {
  constructor(status, message, retryAfter = null) {
    super(message || `HTTP ${status}`);
    this.status = status;
    this.retryAfter = retryAfter === null ? null : Number.parseInt(retryAfter, 10) || null;
  }
}

export class MatchingApi {
  constructor(base) {
    this.base = base.endsWith("/") ? base : base + "/";
    this.csrfToken = "";
  }

  async request(method, path, json = undefined) {
    const headers = { Accept: "application/json" };
    let body;
    if (method !== "GET") {
      // json_write wants a JSON body on every write ({} for a withdrawal) and the CSRF token.
      headers["Content-Type"] = "application/json";
      headers["X-CSRFToken"] = this.csrfToken;
      body = JSON.stringify(json ?? {});
    }
    let response;
    try {
      response = await fetch(this.base + path, { method, headers, body, cache: "no-store", credentials: "same-origin", redirect: "error" });
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
    if (response.status === 204) return null;
    return response.json();
  }

  async params() {
    const params = await this.request("GET", "params");
    this.csrfToken = params.csrf_token;
    return params;
  }

  // Sends the blinded elements; returns the evaluated elements and the batch proof, as bytes.
  async evaluate(blinded) {
    const answer = await this.request("POST", "evaluate", { blinded: blinded.map(base64url) });
    if (!Array.isArray(answer?.evaluated) || typeof answer.proof !== "string") throw new ApiError(502, "");
    return { evaluated: answer.evaluated.map(fromBase64url), proof: fromBase64url(answer.proof) };
  }

  makeEntry(body) {
    return this.request("POST", "entries", body);
  }
}
