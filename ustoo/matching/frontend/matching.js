// The page that makes an entry (templates/matching/new.html). Everything the survivor types is
// canonicalised, checked with the OPRF service without showing it what was typed, encrypted and sealed
// here, before anything leaves (PROTOCOL.md): the site receives indexes, sealed shares and a ciphertext.
// Nothing is kept in the browser either: what was typed lives in this page until it is sent, left, or
// the quick exit is used. The page's words come from the site's JavaScript catalogue, in its language.
import { getCountries } from "libphonenumber-js/max";

import { $, element, forgetAddress, readJson } from "../../core/frontend/dom.js";
import { clearErrors, FormError, showErrors as showFormErrors } from "../../core/frontend/errors.js";
import { wordsOf } from "../../core/frontend/text.js";

import { ApiError, MatchingApi } from "./api.js";
import * as e from "./escrow.js";
import { NotAnIdentifier, oprfInput } from "./identifiers.js";
import { words } from "./words.js";

const app = $("matching-app");
const lang = document.documentElement.lang || "en";
let t = (key) => key; // the page's words, once it starts
let api = null;
let params = null; // the last `GET params`: keys, owner, budgets

function show(view, { focus = true } = {}) {
  for (const section of app.querySelectorAll("[data-view]")) section.hidden = section.dataset.view !== view;
  window.scrollTo(0, 0);
  const heading = app.querySelector(`[data-view="${view}"] h1`);
  if (heading && focus) heading.focus();
}

function notice(message, kind = "error") {
  const box = $("matching-notice");
  box.className = `notification notification--${kind}`;
  box.replaceChildren(element("p", { text: message }));
  box.hidden = false;
}

function clearNotice() {
  $("matching-notice").hidden = true;
  $("matching-notice").replaceChildren();
}

// --- Identifiers: 1 to 5 rows, each a kind, a text and (for phones) a country ------------------------

const countryNames = (() => {
  try {
    return new Intl.DisplayNames([lang], { type: "region" });
  } catch {
    return null;
  }
})();

// The country the browser's languages name first (fr-BE: Belgium), for numbers written without +.
function likelyRegion(countries) {
  for (const tag of navigator.languages || [navigator.language]) {
    try {
      const region = new Intl.Locale(tag).maximize().region;
      if (region && countries.includes(region)) return region;
    } catch {
      // not a language tag: try the next
    }
  }
  return "";
}

let regionOptions = null;

function fillRegions(select) {
  if (!regionOptions) {
    const countries = getCountries();
    const named = countries.map((code) => [code, countryNames?.of(code) || code]);
    named.sort((a, b) => a[1].localeCompare(b[1], lang));
    regionOptions = { named, likely: likelyRegion(countries) };
  }
  select.append(element("option", { value: "", text: t("country_none") }));
  for (const [code, name] of regionOptions.named) select.append(element("option", { value: code, text: name }));
  select.value = regionOptions.likely;
}

const rows = () => [...$("identifier-rows").querySelectorAll("[data-identifier]")];
const part = (row, name) => row.querySelector(`[data-part="${name}"]`);

function updateRow(row) {
  const kind = part(row, "kind");
  row.querySelector('[data-field="region"]').hidden = kind.value !== "phone";
  const chosen = kind.selectedOptions[0];
  row.querySelector('[data-label="text"]').textContent = chosen?.dataset.label || "";
  part(row, "hint").textContent = chosen?.dataset.hint || "";
  part(row, "text").inputMode = kind.value === "phone" ? "tel" : kind.value === "email" ? "email" : "text";
}

// Ids, labels and names follow the rows' order: "Identifier 2" is always the second one.
function numberRows() {
  const all = rows();
  all.forEach((row, i) => {
    const number = i + 1;
    part(row, "title").textContent = t("identifier_field", { number });
    for (const name of ["kind", "region", "text"]) {
      const id = `identifier-${number}-${name}`;
      part(row, name).id = id;
      row.querySelector(`[data-label="${name}"]`).htmlFor = id;
    }
    const hint = part(row, "hint");
    hint.id = `identifier-${number}-hint`;
    part(row, "text").setAttribute("aria-describedby", hint.id);
    const remove = part(row, "remove");
    remove.textContent = t("remove_identifier");
    remove.setAttribute("aria-label", t("remove_identifier_named", { number }));
    remove.hidden = all.length === 1;
  });
  $("add-identifier").hidden = all.length >= e.MAX_IDENTIFIERS;
}

function addRow({ focus = false } = {}) {
  if (rows().length >= e.MAX_IDENTIFIERS) return;
  const row = $("identifier-row").content.firstElementChild.cloneNode(true);
  fillRegions(part(row, "region"));
  part(row, "kind").addEventListener("change", () => updateRow(row));
  part(row, "remove").addEventListener("click", () => {
    row.remove();
    numberRows();
    part(rows()[0], "text").focus();
  });
  $("identifier-rows").append(row);
  updateRow(row);
  numberRows();
  if (focus) part(row, "kind").focus();
}

// --- Errors: named at the top of the form and at each field; nothing typed is lost -------------------

const showErrors = (form, errors) => showFormErrors(form, errors, t);

function waitWords(seconds) {
  if (!seconds) return t("in_hours", { count: 24 });
  if (seconds < 2 * 3600) return t("in_minutes", { count: Math.max(1, Math.ceil(seconds / 60)) });
  return t("in_hours", { count: Math.ceil(seconds / 3600) });
}

function apiMessage(error) {
  if (error instanceof e.ProofRefused) return t("error_proof");
  if (!(error instanceof ApiError)) return t("error_unexpected");
  if (error.status === 0) return t("error_network");
  if (error.status === 429) return t("error_too_many", { time: waitWords(error.retryAfter) });
  if (error.status === 503) return error.message || t("error_service");
  if (error.status >= 500) return t("error_server");
  return error.message || t("error_unexpected");
}

// --- Making an entry --------------------------------------------------------------------------------

function localDate() {
  const now = new Date();
  const two = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`;
}

function checked(name) {
  return $("entry-form").querySelector(`input[name="${name}"]:checked`)?.value || "";
}

// What the form holds, checked as the protocol wants it; throws nothing, returns the errors.
function readForm() {
  const errors = [];
  const typed = [];
  for (const row of rows()) {
    const text = part(row, "text");
    if (text.value.trim() === "") continue;
    typed.push({ kind: part(row, "kind").value, text: text.value, region: part(row, "region").value, input: text });
  }
  if (!typed.length) errors.push([part(rows()[0], "text"), t("error_identifier_missing")]);
  for (const item of typed) {
    try {
      oprfInput(item.kind, item.text, item.region);
    } catch (error) {
      if (!(error instanceof NotAnIdentifier)) throw error;
      errors.push([item.input, t(`reason_${error.reason}`)]);
    }
  }
  const inputs = errors.length ? [] : e.inputsOf(typed);
  const onMatch = checked("on_match");
  if (!onMatch) errors.push([$("entry-on-match-contact"), t("error_on_match")]);
  const how = checked("contact_how");
  const value = $("entry-contact-value").value;
  if (onMatch && onMatch !== "do_not_contact" && (!how || !value.trim())) {
    errors.push([how ? $("entry-contact-value") : $("entry-contact-email"), t("error_contact_missing")]);
  }
  const fields = {
    contact: { how: how || "other", value },
    onMatch,
    what: $("entry-what").value,
    when: $("entry-when").value,
    where: $("entry-where").value,
    who: $("entry-who").value,
    written: localDate(),
  };
  if (!errors.length) {
    try {
      e.pad(e.recordBytes(e.recordOf({ ...fields, identifiers: inputs })));
    } catch (error) {
      if (!(error instanceof e.RecordTooLong)) throw error;
      errors.push([$("entry-what"), t("error_record_too_long")]);
    }
  }
  return { errors, inputs, fields };
}

function showParams(given) {
  params = given;
  $("entry-counselor-fingerprint").textContent = given.counselor_key ? e.readable(given.counselor_key.fingerprint) : "";
  $("entry-oprf-key").textContent = e.readable(e.bytesToHex(e.fromBase64url(given.oprf.public_key)));
  const left = Math.min(given.limits.evaluations_left_today, given.limits.evaluations_left_month);
  $("entry-budget").textContent = left > 0 ? `${t("budget_left", { count: left })} ${t("budget_month", { count: given.limits.evaluations_left_month })}` : t("error_budget_none");
}

// The checks this account has left, before spending any: the site counts too, and answers 429.
function budgetErrors(inputs) {
  const left = Math.min(params.limits.evaluations_left_today, params.limits.evaluations_left_month);
  if (left <= 0) return [[null, t("error_budget_none")]];
  if (inputs.length > left) return [[part(rows()[0], "text"), `${t("error_budget_named", { count: inputs.length })} ${t("error_budget_short", { count: left })}`]];
  return [];
}

async function busy(form, label, work) {
  const box = form.querySelector(".matching-progress");
  const buttons = [...form.querySelectorAll("button")];
  buttons.forEach((button) => (button.disabled = true));
  box.querySelector(".matching-progress__label").textContent = label;
  box.hidden = false;
  const relabel = (next) => (box.querySelector(".matching-progress__label").textContent = next);
  try {
    await work(relabel);
    return true;
  } catch (error) {
    if (error instanceof FormError) showErrors(form, [[error.input, error.message]]);
    else {
      if (!(error instanceof ApiError) && !(error instanceof e.ProofRefused)) console.error(error);
      showErrors(form, [[null, apiMessage(error)]]);
    }
    return false;
  } finally {
    box.hidden = true;
    buttons.forEach((button) => (button.disabled = false));
  }
}

// Seals the entry for the counselors' key of `current` and sends it; a key changed meanwhile (409)
// seals it again for the new key, once (the OPRF outputs stay good: no evaluation is spent again).
async function sendEntry(current, inputs, outputs, fields, retried = false) {
  const { body } = await e.sealEntry({
    owner: e.fromBase64url(current.owner),
    counselorKey: e.fromBase64url(current.counselor_key.public_key),
    counselorFingerprint: current.counselor_key.fingerprint,
    inputs,
    outputs,
    fields,
  });
  try {
    return await api.makeEntry(body);
  } catch (error) {
    if (error.status === 409 && !retried) {
      const fresh = await api.params();
      if (fresh.counselor_key && fresh.counselor_key.fingerprint !== current.counselor_key.fingerprint) {
        showParams(fresh);
        return sendEntry(fresh, inputs, outputs, fields, true);
      }
    }
    throw error;
  }
}

async function makeEntry(event) {
  event.preventDefault();
  const form = event.currentTarget;
  clearNotice();
  const { errors, inputs, fields } = readForm();
  if (showErrors(form, errors)) return;
  await busy(form, t("checking"), async (relabel) => {
    const current = await api.params(); // the keys and budgets as they are now
    showParams(current);
    if (!current.may_enter) throw new FormError(null, current.why_not);
    if (!current.counselor_key) throw new FormError(null, t("error_no_key"));
    const budget = budgetErrors(inputs);
    if (budget.length) throw new FormError(...budget[0]);
    const { outputs } = await e.outputsOf(inputs, e.fromBase64url(current.oprf.public_key), (blinded) => api.evaluate(blinded));
    relabel(t("locking"));
    const held = await sendEntry(current, inputs, outputs, fields);
    wipe();
    $("sent-date").textContent = formatHeld(held.held_since);
    show("sent");
    api.params().then(showParams, () => {});
  });
}

function formatHeld(day) {
  const date = new Date(`${day}T12:00:00`);
  let text = day;
  if (!Number.isNaN(date.getTime())) {
    try {
      text = new Intl.DateTimeFormat(lang, { year: "numeric", month: "long", day: "numeric" }).format(date);
    } catch {
      // the day as the site wrote it
    }
  }
  return t("held_since", { date: text });
}

// What the page holds of an entry goes: what was typed, the rows, the errors.
function wipe() {
  forgetAddress();
  const form = $("entry-form");
  form.reset();
  clearErrors(form);
  $("identifier-rows").replaceChildren();
  addRow();
}

async function loadParams() {
  try {
    showParams(await api.params());
  } catch (error) {
    notice(apiMessage(error));
  }
}

function start() {
  t = wordsOf(words());
  const config = readJson("matching-params");
  api = new MatchingApi(config.api);
  forgetAddress();
  $("matching-needs-js").hidden = true;
  app.hidden = false;
  for (const heading of app.querySelectorAll("[data-view] h1")) heading.tabIndex = -1;
  addRow();
  $("add-identifier").addEventListener("click", () => addRow({ focus: true }));
  $("entry-form").addEventListener("submit", makeEntry);
  $("another-entry").addEventListener("click", () => {
    wipe();
    show("form");
    loadParams();
  });
  // The quick exit (static/ustoo/js/quick-exit.js) marks the page as exiting before it leaves: what was
  // typed goes from the page at that moment, and whenever the page is hidden.
  new MutationObserver(() => {
    if (document.documentElement.classList.contains("exiting")) wipe();
  }).observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
  window.addEventListener("pagehide", wipe);
  // A page brought back by Back (the back-forward cache) starts again, from nothing.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      wipe();
      show("form", { focus: false });
    }
  });
  show("form", { focus: false });
  loadParams();
}

// Every escrow page loads this script (index, entries, withdrawal too): none of them leaves the address
// behind in the browser. Only the entry page has an app to start.
forgetAddress();
const capable = globalThis.crypto?.subtle && typeof String.prototype.toWellFormed === "function" && window.Intl && typeof BigInt === "function";
if (app && capable) start();
