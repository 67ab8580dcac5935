// The fetch both front ends make to their JSON API: nothing cached, no redirect followed, the site's
// cookies only; a refusal becomes an ApiError with the site's own words.

// Why a request did not succeed: `status` is the HTTP status, 0 when the site could not be reached;
// `retryAfter` the seconds a 429 says to wait, or null.
export class ApiError extends Error {
  constructor(status, message, retryAfter = null) {
    super(message || `HTTP ${status}`);
    this.status = status;
    this.retryAfter = retryAfter === null ? null : Number.parseInt(retryAfter, 10) || null;
  }
}

// `json` is sent as the body of a write ({} when there is nothing to say: json_write wants a body),
// `bytes` as application/octet-stream. Returns the parsed answer, its bytes when `binary`, or null.
export async function requestJson(url, { method = "GET", headers = {}, json, bytes, binary = false } = {}) {
  const sent = { Accept: "application/json", ...headers };
  let body;
  if (bytes) {
    sent["Content-Type"] = "application/octet-stream";
    body = bytes;
  } else if (method !== "GET") {
    sent["Content-Type"] = "application/json";
    body = JSON.stringify(json ?? {});
  }
  let response;
  try {
    response = await fetch(url, { method, headers: sent, body, cache: "no-store", credentials: "same-origin", redirect: "error" });
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
