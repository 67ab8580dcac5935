// Quick exit: the button, or Shift pressed three times on its own, blanks this page at once and
// replaces it in the history with a neutral site, so Back does not come back here.
//
// Loaded in <head> without `defer`, so that the keys work from the first moment and the page knows
// JavaScript runs before it is drawn (the menu folds without a flash).
//
// Counting follows GOV.UK's "Exit this page": a press counts only when Shift goes down and up with no
// other key in between, so typing capitals ("I Told Him") never counts, and any other key starts the
// count again. Presses count while each comes within five seconds of the last; while a text field has
// focus, all three must come within a shorter window, so nobody typing loses their words.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js-enabled");

  var GAP_MS = 5000;          // between two presses, anywhere else
  var TYPING_WINDOW_MS = 2000; // first to third press, while a text field has focus
  var presses = [];
  var shiftIsAlone = false;
  var expiry = null;
  var target = null;
  var statusText = {};

  function exitUrl() {
    var link = document.getElementById("quick-exit");
    return target || (link && (link.getAttribute("data-exit-url") || link.href));
  }

  function announce(message) {
    var status = document.getElementById("quick-exit-status");
    if (status) { status.textContent = message; }
  }

  function showDots(count) {
    var dots = document.querySelectorAll(".quick-exit__dots span");
    for (var i = 0; i < dots.length; i++) { dots[i].className = i < count ? "on" : ""; }
  }

  function reset(expired) {
    if (presses.length && expired) { announce(statusText.expired || ""); }
    presses = [];
    showDots(0);
    if (expiry) { clearTimeout(expiry); expiry = null; }
  }

  function exitNow(event) {
    if (event) { event.preventDefault(); }
    var url = exitUrl();
    if (!url) { return; }
    root.classList.add("exiting");
    document.title = "";
    try { window.open(url, "_self", "noopener,noreferrer"); } catch (e) { /* replaced below anyway */ }
    window.location.replace(url);
  }

  function inTextField() {
    var element = document.activeElement;
    if (!element) { return false; }
    if (element.isContentEditable || element.tagName === "TEXTAREA") { return true; }
    if (element.tagName !== "INPUT") { return false; }
    return ["button", "checkbox", "radio", "submit", "reset", "image", "file", "range", "color"]
      .indexOf((element.type || "").toLowerCase()) === -1;
  }

  function countPress() {
    var now = Date.now();
    presses.push(now);
    if (inTextField() && now - presses[0] > TYPING_WINDOW_MS) {
      presses = presses.filter(function (time) { return now - time <= TYPING_WINDOW_MS; });
    }
    if (presses.length >= 3) {
      reset(false);
      exitNow();
      return;
    }
    showDots(presses.length);
    var left = 3 - presses.length;
    announce((left === 1 ? statusText.one : statusText.many || "").replace("%(count)s", left));
    if (expiry) { clearTimeout(expiry); }
    expiry = setTimeout(function () { reset(true); }, GAP_MS);
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Shift") {
      if (!event.repeat) { shiftIsAlone = true; }
      return;
    }
    shiftIsAlone = false;
    if (presses.length) { reset(true); }
  }, true);

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") { return; }
    if (shiftIsAlone) { countPress(); }
    shiftIsAlone = false;
  }, true);

  // A mouse click between presses also breaks the sequence.
  document.addEventListener("mousedown", function () { shiftIsAlone = false; }, true);

  document.addEventListener("DOMContentLoaded", function () {
    var link = document.getElementById("quick-exit");
    if (!link) { return; }
    target = link.getAttribute("data-exit-url") || link.href;
    statusText = {
      one: link.getAttribute("data-status-one") || "",
      many: link.getAttribute("data-status-many") || "",
      expired: link.getAttribute("data-status-expired") || ""
    };
    link.addEventListener("click", exitNow);
  });

  // A page restored from the back-forward cache must not stay blank, nor keep old presses.
  window.addEventListener("pageshow", function () {
    reset(false);
    root.classList.remove("exiting");
  });
})();
