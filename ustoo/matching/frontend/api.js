// The escrow's JSON API (PROTOCOL.md §6), as the page calls it: the member's session cookie and the
// CSRF token on every write, nothing cached, no redirect followed.
import { ApiError, requestJson } from "../../core/frontend/api.js";

import { base64url, fromBase64url } from "./escrow.js";

export { ApiError };

export class MatchingApi {
  constructor(base) {
    this.base = base.endsWith("/") ? base : base + "/";
    this.csrfToken = "";
  }

  // json_write wants the CSRF token on every write.
  request(method, path, json = undefined) {
    const headers = method === "GET" ? {} : { "X-CSRFToken": this.csrfToken };
    return requestJson(this.base + path, { method, headers, json });
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
