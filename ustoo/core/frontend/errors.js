// A form's errors as the site's own forms show them (templates/_error_summary.html, _field.html): a
// summary above the view's heading that links to each field, the message at the field, the tab's title
// starting with "Error:". Nothing typed is touched.
import { element } from "./dom.js";

// An error about one input (or the whole form: `input` null), thrown by a page's work to be shown so.
export class FormError extends Error {
  constructor(input, message) {
    super(message);
    this.input = input;
  }
}

const pageTitle = typeof document === "undefined" ? "" : document.title;

export function clearErrors(form) {
  document.title = pageTitle;
  form.closest("[data-view]").querySelector(".error-summary")?.remove();
  for (const field of form.querySelectorAll(".field--error")) field.classList.remove("field--error");
  for (const message of form.querySelectorAll(".error-message[data-script-error]")) message.remove();
  for (const input of form.querySelectorAll("[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
    const describedBy = (input.getAttribute("aria-describedby") || "").split(" ").filter((id) => !id.endsWith("-error"));
    if (describedBy.length) input.setAttribute("aria-describedby", describedBy.join(" "));
    else input.removeAttribute("aria-describedby");
  }
}

// Where a field's message goes: after its own label (or legend), and after the label's help text.
function messagePlace(field) {
  const label =
    field.querySelector(":scope > .label, :scope > label, :scope > legend") || field.querySelector(".label, label, legend");
  if (label?.nextElementSibling?.classList.contains("helptext")) return label.nextElementSibling;
  return label || field.firstChild;
}

// errors: [[input or null, message], ...]; `t` gives the page's words (error_prefix, error_title,
// nothing_lost). Returns whether there were any.
export function showErrors(form, errors, t) {
  clearErrors(form);
  if (!errors.length) return false;
  const list = element("ul", { className: "error-summary__list" });
  for (const [input, message] of errors) {
    if (input) {
      input.closest("details")?.setAttribute("open", "");
      const field = input.closest(".field") || input.closest("fieldset") || input.parentElement;
      field.classList.add("field--error");
      const id = `${input.id}-error`;
      const line = element("p", { className: "error-message", id, "data-script-error": "" });
      line.append(element("span", { className: "visually-hidden", text: t("error_prefix") }), ` ${message}`);
      messagePlace(field).after(line);
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", `${input.getAttribute("aria-describedby") || ""} ${id}`.trim());
      list.append(element("li", {}, element("a", { href: `#${input.id}`, text: message })));
    } else {
      list.append(element("li", { text: message }));
    }
  }
  const titleId = `${form.id}-error-title`;
  const summary = element(
    "div",
    { className: "error-summary", role: "alert", tabindex: "-1", "aria-labelledby": titleId },
    element("h2", { className: "error-summary__title", id: titleId, text: t("error_title") }),
    list,
    element("p", { className: "hint", text: t("nothing_lost") }),
  );
  const section = form.closest("[data-view]");
  section.insertBefore(summary, section.querySelector("h1"));
  // As the site's own forms do: the tab says there is a problem before anything else.
  document.title = `${t("error_prefix")} ${pageTitle}`;
  summary.focus();
  return true;
}
