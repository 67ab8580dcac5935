// The journal's JSON API (PROTOCOL.md, "API"): every request names the journal by its lookup, and the
// site never learns more than the protocol sends.
import { requestJson } from "../../core/frontend/api.js";

import { base64url } from "./crypto.js";

export { ApiError } from "../../core/frontend/api.js";

export class JournalApi {
  constructor(base, lookup) {
    this.base = base.endsWith("/") ? base : base + "/";
    this.authorization = "Journal " + (typeof lookup === "string" ? lookup : base64url(lookup));
  }

  request(method, path, options = {}) {
    return requestJson(this.base + path, { method, headers: { Authorization: this.authorization }, ...options });
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
