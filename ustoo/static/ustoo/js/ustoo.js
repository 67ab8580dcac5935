// Small improvements over pages that already work without JavaScript.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    if (!source || !navigator.clipboard) { return; }
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      var done = button.getAttribute("data-copied-label");
      if (done) { button.textContent = done; }
    });
  });
  // Buttons that need JavaScript stay hidden without it.
  document.querySelectorAll("[data-needs-js]").forEach(function (element) { element.hidden = false; });
})();
