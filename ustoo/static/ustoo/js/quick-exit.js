// Quick exit: the button, or Shift pressed three times within five seconds, blanks this page at
// once and replaces it in the history with a neutral site, so Back does not come back here.
(function () {
  "use strict";
  var link = document.getElementById("quick-exit");
  if (!link) { return; }
  var target = link.getAttribute("data-exit-url") || link.href;
  var presses = [];

  function exitNow(event) {
    if (event) { event.preventDefault(); }
    document.documentElement.classList.add("exiting");
    document.title = "";
    try { window.open(target, "_self", "noopener,noreferrer"); } catch (e) { /* ignore */ }
    window.location.replace(target);
  }

  link.addEventListener("click", exitNow);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift" || event.repeat) { return; }
    var now = Date.now();
    presses = presses.filter(function (time) { return now - time < 5000; });
    presses.push(now);
    if (presses.length >= 3) { presses = []; exitNow(); }
  });
  // A page restored from the back-forward cache must not stay blank, nor count old presses.
  window.addEventListener("pageshow", function () {
    presses = [];
    document.documentElement.classList.remove("exiting");
  });
})();
