// The fetch both front ends make: what a refusal, a failure and each kind of answer become.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import { ApiError, requestJson } from "../api.js";

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

function answering(response, seen = []) {
  globalThis.fetch = async (url, init) => {
    seen.push({ url, init });
    if (response instanceof Error) throw response;
    return response;
  };
  return seen;
}

test("a write sends JSON (an empty object when there is nothing to say), never cached, no redirect", async () => {
  const seen = answering(new Response(JSON.stringify({ ok: 1 }), { status: 201 }));
  assert.deepEqual(await requestJson("/api/x", { method: "POST", headers: { "X-CSRFToken": "t" } }), { ok: 1 });
  const { url, init } = seen[0];
  assert.equal(url, "/api/x");
  assert.equal(init.body, "{}");
  assert.equal(init.headers["Content-Type"], "application/json");
  assert.equal(init.headers["X-CSRFToken"], "t");
  assert.equal(init.headers.Accept, "application/json");
  assert.deepEqual([init.cache, init.credentials, init.redirect], ["no-store", "same-origin", "error"]);
});

test("a read sends no body; bytes go as octet-stream; answers come back parsed, as bytes, or null", async () => {
  const seen = answering(new Response(new Uint8Array([1, 2, 3]), { status: 200 }));
  assert.deepEqual(await requestJson("/a", { binary: true }), new Uint8Array([1, 2, 3]));
  assert.equal(seen[0].init.body, undefined);
  answering(new Response(null, { status: 204 }));
  assert.equal(await requestJson("/a", { method: "DELETE" }), null);
  const sent = answering(new Response("", { status: 200 }));
  assert.equal(await requestJson("/a", { method: "POST", bytes: new Uint8Array([9]) }), null);
  assert.equal(sent[0].init.headers["Content-Type"], "application/octet-stream");
});

test("a refusal carries its status, the site's words and the seconds to wait", async () => {
  answering(new Response(JSON.stringify({ error: "Slow down." }), { status: 429, headers: { "Retry-After": "30" } }));
  const refused = await requestJson("/a").catch((error) => error);
  assert.ok(refused instanceof ApiError);
  assert.deepEqual([refused.status, refused.message, refused.retryAfter], [429, "Slow down.", 30]);
  answering(new Response("<html>oops</html>", { status: 502 }));
  const failed = await requestJson("/a").catch((error) => error);
  assert.deepEqual([failed.status, failed.message, failed.retryAfter], [502, "HTTP 502", null]);
});

test("a site that cannot be reached is status 0", async () => {
  answering(new TypeError("Failed to fetch"));
  const failed = await requestJson("/a").catch((error) => error);
  assert.ok(failed instanceof ApiError);
  assert.equal(failed.status, 0);
});
