// While the site is flooded, a form carrying data-pow-challenge solves a small proof of work before
// it is sent: SHA-256(challenge + ":" + nonce) must start with the given number of zero bits.
(function () {
  "use strict";
  function leadingZeroBits(bytes) {
    var bits = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { bits += 8; continue; }
      var b = bytes[i];
      while ((b & 0x80) === 0) { bits += 1; b <<= 1; }
      return bits;
    }
    return bits;
  }
  function pause() { return new Promise(function (resolve) { setTimeout(resolve, 0); }); }
  async function solve(challenge, difficulty) {
    var encoder = new TextEncoder();
    for (var counter = 0; ; counter++) {
      var nonce = counter.toString(16);
      var digest = await crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + nonce));
      if (leadingZeroBits(new Uint8Array(digest)) >= difficulty) { return nonce; }
      // Let the page breathe (show the status, stay responsive) every few thousand tries.
      if (counter % 4096 === 4095) { await pause(); }
    }
  }
  document.querySelectorAll("form[data-pow-challenge]").forEach(function (form) {
    form.addEventListener("submit", async function (event) {
      var field = form.querySelector("input[name=pow_nonce]");
      if (field.value) { return; }
      event.preventDefault();
      var submitter = event.submitter || undefined;
      var status = form.querySelector("[data-pow-status]");
      if (status) { status.hidden = false; }
      field.value = await solve(form.getAttribute("data-pow-challenge"),
                                parseInt(form.getAttribute("data-pow-difficulty"), 10));
      // Submit from a fresh task: a submit requested while the first submit event is still being
      // dispatched is silently dropped.
      setTimeout(function () { form.requestSubmit(submitter); }, 0);
    });
  });
})();
