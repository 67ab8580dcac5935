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

  function exitUrl() {
    var link = document.getElementById("quick-exit");
    return link && (link.getAttribute("data-exit-url") || link.href);
  }

  function statusText(name) {
    var link = document.getElementById("quick-exit");
    return (link && link.getAttribute("data-status-" + name)) || "";
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
    if (presses.length && expired) { announce(statusText("expired")); }
    presses = [];
    showDots(0);
    if (expiry) { clearTimeout(expiry); expiry = null; }
  }

  // A receipt opened in this browser is closed as the page is left: nobody after this person can
  // come back to what they wrote. Sent as a beacon, so leaving never waits for it.
  function forgetReceipt() {
    var link = document.getElementById("quick-exit");
    var forget = link && link.getAttribute("data-forget-url");
    if (!forget || !navigator.sendBeacon) { return; }
    var form = new FormData();
    form.append("csrfmiddlewaretoken", link.getAttribute("data-forget-token"));
    form.append("quiet", "1");
    try { navigator.sendBeacon(forget, form); } catch (e) { /* leaving matters more */ }
  }

  function exitNow(event) {
    if (event) { event.preventDefault(); }
    var url = exitUrl();
    if (!url) { return; }
    root.classList.add("exiting");
    document.title = "";
    forgetReceipt();
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
    announce(statusText(String(left)));
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

  // Listened for on the document from the first moment, so a click that comes before the page has
  // finished loading exits just the same.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("#quick-exit");
    if (link) { exitNow(event); }
  }, true);

  // A page restored from the back-forward cache must not stay blank, nor keep old presses.
  window.addEventListener("pageshow", function () {
    reset(false);
    root.classList.remove("exiting");
  });
})();
