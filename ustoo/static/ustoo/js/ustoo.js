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

  // The menu: on small screens it folds behind its button (CSS), which says whether it is open.
  var toggle = document.querySelector(".header__toggle");
  var menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (toggle && menu) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("nav--open", open);
    });
  }

  // An error summary takes the focus, so the person hears at once what to change (without JavaScript
  // its autofocus attribute does the same).
  var summary = document.querySelector(".error-summary");
  if (summary && document.activeElement !== summary) { summary.focus(); }

  // A submitted form is not submitted twice by a second click while the first is on its way; the
  // server counts a form once anyway (its idempotency token), this only spares the wait.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    // A submission another script holds back (the proof of work, htmx) is not on its way yet.
    if (event.defaultPrevented || form.method.toLowerCase() !== "post") { return; }
    if (form.getAttribute("data-submitted") === "1") { event.preventDefault(); return; }
    form.setAttribute("data-submitted", "1");
    window.setTimeout(function () { form.removeAttribute("data-submitted"); }, 5000);
  });
})();
