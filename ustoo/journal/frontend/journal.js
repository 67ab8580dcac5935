// The journal page (templates/journal/journal.html). Everything the writer types is encrypted here
// before it leaves: the site receives ciphertext, commitments and a lookup, nothing else. Nothing is
// kept in the browser either: keys and text live in this page's memory until it is closed, left, or
// the quick exit is used. The page's words come from the site's JavaScript catalogue, in its language.
import { $, element, forgetAddress, readJson } from "../../core/frontend/dom.js";
import { clearErrors, FormError, showErrors as showFormErrors } from "../../core/frontend/errors.js";
import { wordsOf } from "../../core/frontend/text.js";

import { accessFor, addWayIn, opens as opensJournal, replaceWayIn, STATE, WayInError } from "./access.js";
import { ApiError, JournalApi } from "./api.js";
import { bundleFileName, makeBundle } from "./bundle.js";
import * as c from "./crypto.js";
import { exifSummary, REDACTABLE, redactedCopy } from "./exif.js";
import { nextPlace, openEntries, threads } from "./ledger.js";
import { words as journalWords } from "./words.js";

const b64 = c.base64url;

const app = $("journal-app");
const params = readJson("journal-params");
const TEXT = journalWords();
const QUESTIONS = readJson("journal-questions");
const lang = document.documentElement.lang || "en";
const t = wordsOf(TEXT);

// --- State: only in this page's memory ------------------------------------------------------------

// { api, keys, via, journalKey, entryKey, opened, originals: Map(id -> bytes) }: `keys` ({lookup, kek})
// are those of the way in the page opened the journal with, `via` "codename" or "recovery".
let session = null;
let draft = newDraft();
let words = null;
// A recovery key made for the "recovery" view, until it is in use or the view is left: { key, old },
// `old` the keys of the recovery key to stop (the one the journal was opened with), if asked to.
let newRecovery = null;

function newDraft() {
  return { amends: null, kind: null, extraFields: {}, files: [] };
}

// Whatever the page holds of the journal goes: keys, entries, drafts, the codename shown once.
function wipe() {
  forgetAddress();
  session = null;
  draft = newDraft();
  for (const form of app.querySelectorAll("form")) form.reset();
  newRecovery = null;
  for (const id of ["journal-entries", "write-file-list", "created-codename", "created-recovery", "recovery-key", "journal-print"]) {
    $(id).replaceChildren();
  }
  clearNotice();
}

// --- Showing things -------------------------------------------------------------------------------

function show(view, { focus = true } = {}) {
  // A new recovery key not put in use leaves the page with its view.
  if (view !== "recovery") forgetNewRecovery();
  for (const section of app.querySelectorAll("[data-view]")) section.hidden = section.dataset.view !== view;
  const heading = app.querySelector(`[data-view="${view}"] h1`);
  window.scrollTo(0, 0);
  // Each view is a page of its own: its heading takes the focus, as a new page's reader would start.
  if (heading && focus) heading.focus();
}

function notice(message, kind = "success") {
  const box = $("journal-notice");
  box.className = `notification notification--${kind}`;
  box.replaceChildren(Object.assign(document.createElement("p"), { textContent: message }));
  box.hidden = false;
}

function clearNotice() {
  $("journal-notice").hidden = true;
  $("journal-notice").replaceChildren();
}

const dateTime = (options) => new Intl.DateTimeFormat(lang, options);
const DAY = { year: "numeric", month: "long", day: "numeric" };
const MINUTE = { ...DAY, hour: "2-digit", minute: "2-digit" };

// Dates as people read them in the page's language, with the zone named; a date the browser cannot
// read is shown as written, never an error.
function formatDate(iso, options) {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return iso || "";
  try {
    return dateTime(options).format(date);
  } catch {
    return iso;
  }
}

const formatStamp = (iso) => formatDate(iso, { ...MINUTE, second: "2-digit", timeZone: "UTC", timeZoneName: "short" });
const formatWritten = (written) => formatDate(written, { ...MINUTE, timeZoneName: "short" });

function formatSize(bytes) {
  const [unit, value] = bytes >= 1e6 ? ["megabyte", bytes / 1e6] : ["kilobyte", Math.max(bytes / 1e3, 0.1)];
  return new Intl.NumberFormat(lang, { style: "unit", unit, maximumFractionDigits: 1 }).format(value);
}

// --- Forms: errors named at the top and at each field, nothing typed lost --------------------------

const showErrors = (form, errors) => showFormErrors(form, errors, t);

function apiMessage(error) {
  if (!(error instanceof ApiError)) return t("error_unexpected");
  if (error.status === 0) return t("error_network");
  if (error.status === 429) return t("error_too_many", { count: error.retryAfter || 60 });
  if (error.status === 413) return t("error_too_large");
  if (error.status === 507) return t("error_full");
  if (error.status >= 500) return t("error_server");
  return error.message || t("error_unexpected");
}

// Runs `work` with the form's buttons held and a progress line under them; an error comes back as a
// message at the top of the form, which keeps everything typed in it.
async function busy(form, label, work) {
  const progressBox = form.querySelector(".journal-progress");
  const bar = progressBox.querySelector("progress");
  const buttons = [...form.querySelectorAll("button")];
  buttons.forEach((button) => (button.disabled = true));
  let shown = -1;
  // A step of the work, with its own line and its bar from the start.
  const say = (text) => {
    progressBox.querySelector(".journal-progress__label").textContent = text;
    bar.removeAttribute("value");
    shown = -1;
  };
  say(label);
  progressBox.hidden = false;
  const progress = (fraction) => {
    const percent = Math.floor(fraction * 100);
    if (percent !== shown) bar.value = shown = percent;
  };
  bar.max = 100;
  try {
    await work(progress, say);
    return true;
  } catch (error) {
    if (error instanceof FormError) showErrors(form, [[error.input, error.message]]);
    else {
      if (!(error instanceof ApiError)) console.error(error);
      showErrors(form, [[null, apiMessage(error)]]);
    }
    return false;
  } finally {
    progressBox.hidden = true;
    buttons.forEach((button) => (button.disabled = false));
  }
}

// --- Creating a journal ---------------------------------------------------------------------------

async function wordList() {
  if (!words) {
    const response = await fetch(params.words, { cache: "no-store", credentials: "same-origin" });
    if (!response.ok) throw new ApiError(response.status, "");
    words = (await response.text()).split("\n").map((word) => word.trim()).filter(Boolean);
  }
  return words;
}

const apiFor = (lookup) => new JournalApi(params.api, lookup);

async function createJournal(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const understand = $("create-understand");
  const passphrase = $("create-passphrase");
  const again = $("create-passphrase-again");
  const errors = [];
  if (!understand.checked) errors.push([understand, t("error_understand")]);
  if (passphrase.value !== again.value) errors.push([again, t("error_passphrase_again")]);
  if (showErrors(form, errors)) return;
  await busy(form, t("creating"), async (progress) => {
    const codename = c.newCodename(await wordList());
    const master = await c.deriveMaster(codename, passphrase.value, params.site_salt, params.argon2, progress);
    const keys = c.accessKeys(master);
    const journalKey = c.randomBytes(32);
    const accesses = [await accessFor(keys, journalKey)];
    let recovery = null;
    if ($("create-recovery").checked) {
      recovery = c.randomBytes(c.RECOVERY_BYTES);
      accesses.push(await accessFor(c.accessKeys(c.recoveryMaster(recovery, params.site_salt)), journalKey));
    }
    const api = apiFor(keys.lookup);
    await api.createJournal(accesses);
    startSession(api, keys, "codename", journalKey, []);
    form.reset();
    $("created-codename").textContent = codename;
    $("created-recovery-box").hidden = !recovery;
    $("created-recovery").textContent = recovery ? c.formatRecoveryKey(recovery) : "";
    clearNotice();
    show("created");
  });
}

function leaveCreated(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const saved = $("created-saved");
  if (showErrors(form, saved.checked ? [] : [[saved, t("error_saved")]])) return;
  // The codename is shown once: it leaves the page now.
  $("created-codename").replaceChildren();
  $("created-recovery").replaceChildren();
  form.reset();
  renderJournal();
  show("journal");
  notice(t("created"));
}

// --- Opening --------------------------------------------------------------------------------------

async function openJournal(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const codename = $("open-codename");
  const passphrase = $("open-passphrase");
  const recoveryInput = $("open-recovery");
  const usingRecovery = recoveryInput.value.trim() !== "";
  const recovery = usingRecovery ? c.parseRecoveryKey(recoveryInput.value) : null;
  const errors = [];
  if (usingRecovery && !recovery) errors.push([recoveryInput, t("error_recovery_format")]);
  if (!usingRecovery && !c.normaliseCodename(codename.value)) errors.push([codename, t("error_codename_missing")]);
  if (showErrors(form, errors)) return;
  await busy(form, t("opening"), async (progress) => {
    let keys;
    if (recovery) {
      keys = c.accessKeys(c.recoveryMaster(recovery, params.site_salt));
    } else {
      keys = c.accessKeys(await c.deriveMaster(codename.value, passphrase.value, params.site_salt, params.argon2, progress));
    }
    const api = apiFor(keys.lookup);
    let answer;
    try {
      answer = await api.open();
    } catch (error) {
      // An unknown journal and a wrong codename or passphrase are the same answer.
      if (error.status === 404) throw new FormError(recovery ? recoveryInput : codename, t(recovery ? "error_not_found_recovery" : "error_not_found"));
      throw error;
    }
    let journalKey;
    try {
      journalKey = await c.unwrapKey(keys.kek, c.fromBase64url(answer.wrapped_key));
    } catch (error) {
      if (error instanceof c.CannotOpen) throw new FormError(null, t("error_key_damaged"));
      throw error;
    }
    startSession(api, keys, recovery ? "recovery" : "codename", journalKey, await openStored(c.entryKeyOf(journalKey), answer.entries));
    form.reset();
    renderJournal();
    show("journal");
    const problems = session.opened.filter((record) => record.problem).length;
    if (problems) notice(t("opened_with_problems", { count: problems }), "error");
    else notice(t("opened"));
  });
}

function openStored(entryKey, entries) {
  return openEntries(
    entryKey,
    entries.map((entry) => ({ ...entry, ciphertext: c.fromBase64url(entry.ciphertext) })),
  );
}

function startSession(api, keys, via, journalKey, opened) {
  session = { api, keys, via, journalKey, entryKey: c.entryKeyOf(journalKey), opened, originals: new Map() };
}

function closeJournal() {
  wipe();
  show("start");
  notice(t("closed"));
}

// --- Reading the journal --------------------------------------------------------------------------

function kindLabel(kind) {
  return t(`kind_${kind}`) === `kind_${kind}` ? kind : t(`kind_${kind}`);
}

function questionsOf(kind) {
  return QUESTIONS[kind] || [];
}

function fieldRows(body) {
  const list = element("dl", { className: "summary-list journal-answers" });
  const known = questionsOf(body.kind);
  const ids = [...known.map((question) => question.id), ...Object.keys(body.fields || {}).filter((id) => !known.some((q) => q.id === id))];
  for (const id of ids) {
    const answer = body.fields?.[id];
    if (typeof answer !== "string" || answer === "") continue;
    const label = known.find((question) => question.id === id)?.label || id;
    list.append(
      element(
        "div",
        { className: "summary-list__row" },
        element("dt", { className: "summary-list__key", text: label }),
        element("dd", { className: "summary-list__value journal-written-text", dir: "auto", text: answer }),
      ),
    );
  }
  return list.children.length ? list : null;
}

function problemText(record) {
  return t(`problem_${record.problem}`, { seq: record.seq });
}

function entryMeta(record) {
  const parts = [];
  if (record.body?.written) parts.push(t("written_at", { time: formatWritten(record.body.written) }));
  if (record.time) parts.push(t("stamped_at", { time: formatStamp(record.time) }));
  return element("p", { className: "hint journal-meta", text: parts.join(" · ") });
}

function renderVersion(record) {
  const part = element("div", { className: "journal-version" });
  if (record.problem && !record.body) {
    part.append(element("p", { className: "warning-text" }, element("span", { text: problemText(record) })));
    return part;
  }
  part.append(entryMeta(record));
  if (record.problem) part.append(element("p", { className: "warning-text" }, element("span", { text: problemText(record) })));
  part.append(fieldRows(record.body) || "");
  if (record.body.text) part.append(element("div", { className: "journal-written-text journal-free-text", dir: "auto", text: record.body.text }));
  return part;
}

function renderThread(group) {
  const latest = group.latest;
  const card = element("article", { className: "card journal-entry", id: `entry-${group.seq}`, "aria-labelledby": `entry-${group.seq}-title` });
  const title = element("h2", { className: "heading-m card__title", id: `entry-${group.seq}-title` });
  title.append(t("entry_heading", { seq: group.seq }));
  if (latest.body) title.append(" · ", kindLabel(latest.body.kind));
  card.append(title);
  if (group.versions.length > 1) {
    card.append(element("p", {}, element("strong", { className: "tag tag--blue", text: t("corrected_tag") }), " ", t("corrected_by", { seq: latest.seq })));
  }
  if (latest.problem) card.classList.add("journal-entry--problem");
  card.append(renderVersion(latest));
  const attachments = [];
  const seen = new Set();
  for (const version of group.versions) {
    for (const attachment of version.body?.attachments || []) {
      if (!seen.has(attachment.id)) attachments.push(attachment), seen.add(attachment.id);
    }
  }
  if (attachments.length) card.append(renderAttachments(attachments));
  if (latest.body) {
    const amend = element("button", { type: "button", className: "button button--secondary button--small", text: t("amend_button") });
    amend.addEventListener("click", () => startWriting(latest));
    card.append(element("div", { className: "button-group" }, amend));
  }
  if (group.versions.length > 1) {
    const history = element("details", { className: "details" }, element("summary", { text: t("history_summary", { count: group.versions.length - 1 }) }));
    const inner = element("div", { className: "details__text stack" });
    for (const version of group.versions.slice(0, -1).reverse()) {
      inner.append(element("h3", { className: "heading-s", text: t("version_heading", { seq: version.seq }) }), renderVersion(version));
    }
    history.append(inner);
    card.append(history);
  }
  return card;
}

function exifRows(exif) {
  const keys = Object.keys(exif || {});
  if (!keys.length) return null;
  const list = element("dl", { className: "summary-list journal-exif" });
  for (const key of keys) {
    list.append(
      element(
        "div",
        { className: "summary-list__row" },
        element("dt", { className: "summary-list__key", text: t(`exif_${key}`) === `exif_${key}` ? key : t(`exif_${key}`) }),
        element("dd", { className: "summary-list__value", dir: "auto", text: exif[key] }),
      ),
    );
  }
  return list;
}

function renderAttachments(attachments) {
  const box = element("div", { className: "journal-attachments" }, element("h3", { className: "heading-s", text: t("attachments_heading") }));
  const list = element("ul", { className: "journal-attachment-list" });
  for (const attachment of attachments) {
    const item = element("li", { className: "journal-attachment" });
    item.append(
      element("p", {}, element("strong", { dir: "auto", text: attachment.name }), ` (${formatSize(attachment.size)}) `,
        element("span", { className: `tag ${attachment.redacted_of ? "tag--green" : "tag--grey"}`, text: t(attachment.redacted_of ? "attachment_copy" : "attachment_original") })),
    );
    const exif = exifRows(attachment.exif);
    if (exif) item.append(element("p", { className: "hint", text: t("exif_found") }), exif);
    const buttons = element("div", { className: "button-group" });
    const view = element("button", { type: "button", className: "button button--secondary button--small", text: t("attachment_show") });
    const download = element("button", { type: "button", className: "button button--secondary button--small", text: t("attachment_download") });
    const status = element("p", { className: "hint", role: "status" });
    view.addEventListener("click", () => showAttachment(attachment, item, status, view));
    download.addEventListener("click", () => downloadAttachment(attachment, status));
    if (!attachment.type?.startsWith("image/")) view.hidden = true;
    buttons.append(view, download);
    item.append(buttons, status);
    list.append(item);
  }
  box.append(list);
  return box;
}

async function originalOf(attachment) {
  if (!session.originals.has(attachment.id)) {
    const ciphertext = await session.api.attachment(attachment.id);
    const bytes = await c.openAttachment(c.fromBase64url(attachment.key), ciphertext);
    if ((await c.digestHex(bytes)) !== attachment.sha256) throw new c.CannotOpen("sha256");
    session.originals.set(attachment.id, bytes);
  }
  return session.originals.get(attachment.id);
}

async function withAttachment(attachment, status, use) {
  status.textContent = t("attachment_opening");
  try {
    await use(await originalOf(attachment));
    status.textContent = "";
  } catch (error) {
    status.textContent = error instanceof c.CannotOpen ? t("attachment_damaged") : apiMessage(error);
  }
}

function showAttachment(attachment, item, status, button) {
  withAttachment(attachment, status, async (bytes) => {
    // A data: address, which the site's CSP allows for images (blob: it does not).
    const url = `data:${attachment.type};base64,${btoaBytes(bytes)}`;
    item.querySelector("img")?.remove();
    button.after(element("img", { src: url, alt: attachment.name, className: "journal-image" }));
  });
}

function btoaBytes(bytes) {
  return c.base64url(bytes).replace(/-/g, "+").replace(/_/g, "/");
}

function downloadAttachment(attachment, status) {
  withAttachment(attachment, status, async (bytes) => saveFile(new Blob([bytes], { type: attachment.type || "application/octet-stream" }), attachment.name));
}

function saveFile(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = element("a", { href: url, download: name, hidden: "" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function renderJournal() {
  const list = $("journal-entries");
  list.replaceChildren();
  const groups = threads(session.opened);
  $("journal-count").textContent = groups.length ? t("entry_count", { count: session.opened.length }) : t("no_entries");
  for (const group of [...groups].reverse()) list.append(renderThread(group));
}

// --- Writing --------------------------------------------------------------------------------------

function selectedKind() {
  return $("write-form").querySelector("input[name=kind]:checked")?.value || "incident";
}

function showKindQuestions() {
  const kind = selectedKind();
  for (const group of $("write-form").querySelectorAll("[data-kind-questions]")) {
    group.hidden = group.dataset.kindQuestions !== kind;
  }
}

function startWriting(amending = null) {
  const form = $("write-form");
  clearErrors(form);
  if (amending || draft.amends !== null) {
    // A new correction, or a new entry after a correction was left: the form starts again.
    form.reset();
    draft = newDraft();
    $("write-file-list").replaceChildren();
  }
  for (const radio of form.querySelectorAll("input[name=kind]")) radio.disabled = false;
  if (amending) {
    const body = amending.body;
    draft.amends = amending.seq;
    const radio = form.querySelector(`input[name=kind][value="${body.kind}"]`);
    if (radio) radio.checked = true;
    for (const other of form.querySelectorAll("input[name=kind]")) other.disabled = other !== radio;
    const known = new Set(questionsOf(body.kind).map((question) => question.id));
    for (const [id, answer] of Object.entries(body.fields || {})) {
      const input = form.querySelector(`[data-kind-questions="${body.kind}"] [data-question="${id}"]`);
      if (input && known.has(id)) input.value = answer;
      else draft.extraFields[id] = answer;
    }
    $("write-text").value = body.text || "";
  }
  $("write-heading").textContent = amending ? t("write_amend_heading", { seq: amending.seq }) : t("write_heading");
  $("write-amend-note").hidden = !amending;
  showKindQuestions();
  clearNotice();
  show("write");
}

function attachmentLimit() {
  return params.limits?.attachment_bytes ?? Infinity;
}

// The size of an attachment's ciphertext as sent: its padding and AES-GCM's nonce and tag.
function sealedSize(bytes) {
  return Math.ceil((bytes + 8) / c.ATTACHMENT_BLOCK) * c.ATTACHMENT_BLOCK + 28;
}

async function addFiles(event) {
  const input = event.currentTarget;
  const form = $("write-form");
  const errors = [];
  const most = params.limits?.attachments_per_entry ?? Infinity;
  for (const file of [...input.files]) {
    const copies = draft.files.reduce((count, item) => count + (item.copy ? 2 : 1), 0);
    if (copies >= most) {
      errors.push([input, t("error_too_many_files", { count: most })]);
      break;
    }
    if (sealedSize(file.size) > attachmentLimit()) {
      errors.push([input, t("error_file_too_large", { name: file.name, size: formatSize(attachmentLimit() - 64 * 1024) })]);
      continue;
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (bytes.length !== file.size) {
      errors.push([input, t("error_file_unreadable", { name: file.name })]);
      continue;
    }
    const item = { name: file.name, type: file.type || "application/octet-stream", bytes, exif: await exifSummary(bytes), copy: null };
    draft.files.push(item);
    uploadEarly(item, "original");
  }
  input.value = "";
  showErrors(form, errors);
  renderFiles();
}

function renderFiles() {
  const list = $("write-file-list");
  list.replaceChildren();
  draft.files.forEach((item, index) => {
    const row = element("li", { className: "journal-file" });
    row.append(element("p", {}, element("strong", { dir: "auto", text: item.name }), ` (${formatSize(item.bytes.length)})`));
    const exif = exifRows(item.exif);
    if (exif) {
      row.append(element("p", { className: "warning-text" }, element("span", { text: t("exif_warning") })), exif);
    } else {
      row.append(element("p", { className: "hint", text: t("exif_none") }));
    }
    const buttons = element("div", { className: "button-group" });
    if (REDACTABLE.has(item.type) && !item.copy) {
      const redact = element("button", { type: "button", className: "button button--secondary button--small", text: t("redact_button") });
      redact.addEventListener("click", () => makeCopy(item, row));
      buttons.append(redact);
    }
    const remove = element("button", { type: "button", className: "button button--secondary button--small", text: t("file_remove") });
    remove.addEventListener("click", () => {
      draft.files.splice(index, 1);
      renderFiles();
    });
    buttons.append(remove);
    row.append(buttons);
    if (item.copy) {
      row.append(
        element("p", { className: "notification notification--success journal-copy-made" },
          t("redact_made", { name: item.copy.name, size: formatSize(item.copy.bytes.length) }), " ",
          t(Object.keys(item.copy.exif).length ? "redact_still" : "redact_clean")),
      );
    }
    list.append(row);
  });
}

async function makeCopy(item, row) {
  try {
    const copy = await redactedCopy(new Blob([item.bytes], { type: item.type }), item.name);
    copy.exif = await exifSummary(copy.bytes);
    item.copy = copy;
    uploadEarly(item, "copy");
  } catch {
    row.append(element("p", { className: "error-message", text: t("redact_failed") }));
    return;
  }
  renderFiles();
}

async function uploadAttachment(bytes, record) {
  const sealed = await c.sealAttachment(bytes);
  const { id } = await session.api.uploadAttachment(sealed.ciphertext);
  session.originals.set(id, bytes);
  return { ...record, id, key: b64(sealed.key), sha256: sealed.sha256, size: bytes.length };
}

// A file is encrypted and uploaded as soon as it is chosen, while the person goes on writing, so
// Save has only the entry left to send (PROTOCOL.md: attachments first; one no entry names is
// deleted by the site a day later). A failed upload is tried again when Save needs it.
function uploaded(item, part) {
  const key = `${part}Upload`;
  if (!item[key]) {
    const upload =
      part === "original"
        ? uploadAttachment(item.bytes, { exif: item.exif, name: item.name, redacted_of: null, type: item.type })
        : uploaded(item, "original").then((original) =>
            uploadAttachment(item.copy.bytes, { exif: item.copy.exif, name: item.copy.name, redacted_of: original.id, type: item.copy.type }),
          );
    item[key] = upload;
    upload.catch(() => {
      if (item[key] === upload) item[key] = null;
    });
  }
  return item[key];
}

function uploadEarly(item, part) {
  if (session) uploaded(item, part).catch(() => {}); // Save reports a failure, and tries again
}

async function saveEntry(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const kind = selectedKind();
  const fields = {};
  for (const input of form.querySelectorAll(`[data-kind-questions="${kind}"] [data-question]`)) {
    if (input.value.trim()) fields[input.dataset.question] = input.value;
  }
  Object.assign(fields, draft.extraFields);
  const text = $("write-text").value;
  if (!Object.keys(fields).length && !text.trim() && !draft.files.length) {
    const first = form.querySelector(`[data-kind-questions="${kind}"] [data-question]`) || $("write-text");
    showErrors(form, [[kind === "note" ? $("write-text") : first, t("error_empty")]]);
    return;
  }
  await busy(form, t("saving"), async () => {
    const attachments = [];
    for (const item of draft.files) {
      attachments.push(await uploaded(item, "original"));
      if (item.copy) attachments.push(await uploaded(item, "copy"));
    }
    const record = await writeEntry({ kind, fields, text, amends: draft.amends, attachments });
    draft = newDraft();
    form.reset();
    $("write-file-list").replaceChildren();
    renderJournal();
    show("journal");
    notice(t("saved", { seq: record.seq, time: formatStamp(record.time) }));
  });
}

// Writes an entry after the last one stored. When another window wrote one meanwhile (409), the
// journal is read again and the entry takes the next place.
async function writeEntry(content, retried = false) {
  const place = nextPlace(session.opened);
  const body = c.entryBody({ ...content, seq: place.seq, prev: place.prev });
  const sealed = await c.sealEntry(session.entryKey, body);
  let answer;
  try {
    answer = await session.api.writeEntry({
      seq: place.seq,
      ciphertext: b64(sealed.ciphertext),
      commitment: sealed.commitment,
      attachments: content.attachments.map((attachment) => attachment.id),
    });
  } catch (error) {
    if (error.status === 409 && !retried) {
      const stored = await session.api.open();
      session.opened = await openStored(session.entryKey, stored.entries);
      return writeEntry(content, true);
    }
    throw error;
  }
  const record = {
    seq: place.seq,
    commitment: sealed.commitment,
    token: answer.token,
    leafIndex: answer.leaf_index,
    time: answer.time,
    attachmentIds: content.attachments.map((attachment) => attachment.id),
    body,
    committed: sealed.committed,
    bodyBytes: sealed.bodyBytes,
    problem: null,
  };
  session.opened.push(record);
  return record;
}

// --- Export: print view and evidence bundle -------------------------------------------------------

function printArea(build) {
  const area = $("journal-print");
  area.replaceChildren();
  build(area);
  document.documentElement.classList.add("journal-printing");
  window.print();
}

window.addEventListener("afterprint", () => {
  document.documentElement.classList.remove("journal-printing");
  $("journal-print").replaceChildren();
});

function printJournal() {
  printArea((area) => {
    area.append(
      element("h1", { text: t("print_title") }),
      element("p", { text: t("print_meta", { time: formatDate(new Date().toISOString(), { ...MINUTE, timeZoneName: "short" }) }) }),
      element("p", { className: "hint", text: t("print_note") }),
    );
    for (const record of session.opened) {
      const section = element("section", { className: "journal-print__entry" });
      const heading = element("h2", { text: t("entry_heading", { seq: record.seq }) });
      if (record.body) heading.append(" · ", kindLabel(record.body.kind));
      section.append(heading);
      if (record.body && Number.isInteger(record.body.amends)) section.append(element("p", { text: t("print_amends", { seq: record.body.amends }) }));
      section.append(renderVersion(record));
      for (const attachment of record.body?.attachments || []) {
        section.append(element("p", { className: "journal-print__file", dir: "auto", text: t("print_attachment", { name: attachment.name, sha256: attachment.sha256 }) }));
      }
      if (record.commitment) section.append(element("p", { className: "journal-print__hash", text: t("print_commitment", { commitment: record.commitment }) }));
      area.append(section);
    }
  });
}

function printRecoveryKey(source) {
  const key = $(source).textContent;
  printArea((area) => {
    area.append(
      element("h1", { text: t("recovery_print_title") }),
      element("p", { className: "journal-print__key", text: key }),
      element("p", { text: t("recovery_print_note") }),
      element("p", { text: t("recovery_print_where", { address: window.location.origin + window.location.pathname }) }),
    );
  });
}

async function downloadBundle(event) {
  const button = event.currentTarget;
  const status = $("export-status");
  button.disabled = true;
  status.textContent = t("bundle_making");
  try {
    const entries = session.opened.filter((record) => !record.problem && record.token);
    const proofs = await session.api.proofs();
    const originals = new Map();
    for (const entry of entries) {
      for (const attachment of entry.body.attachments || []) {
        originals.set(attachment.id, await originalOf(attachment));
      }
    }
    const exported = new Date().toISOString();
    const zip = makeBundle({ entries, originals, proofs, exported, text: TEXT });
    saveFile(new Blob([zip], { type: "application/zip" }), bundleFileName(exported));
    const notes = [t("bundle_made", { count: entries.length })];
    const left = session.opened.length - entries.length;
    if (left) notes.push(t("bundle_left_out", { count: left }));
    if (proofs.pending?.length) notes.push(t("bundle_pending", { count: proofs.pending.length }));
    status.textContent = notes.join(" ");
  } catch (error) {
    status.textContent = error instanceof c.CannotOpen ? t("attachment_damaged") : apiMessage(error);
  } finally {
    button.disabled = false;
  }
}

// --- Ways in: a new passphrase, a new recovery key (access.js: the old goes only once the new opens) ---

// The page goes on with the new way in when the old one was the page's own (it may be gone now).
function followWayIn(old, fresh) {
  if (b64(session.keys.lookup) !== b64(old.lookup)) return;
  session.keys = fresh;
  session.api = apiFor(fresh.lookup);
}

// What a failure left, then why it failed: `kind` is "passphrase" or "recovery".
function wayInFailure(kind, error) {
  return new FormError(null, `${t(`${kind}_${error.state}`)} ${apiMessage(error.cause)}`);
}

function startPassphrase() {
  const form = $("passphrase-form");
  clearErrors(form);
  form.reset();
  clearNotice();
  show("passphrase");
}

async function changePassphrase(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const codename = $("passphrase-codename");
  const current = $("passphrase-current");
  const fresh = $("passphrase-new");
  const again = $("passphrase-new-again");
  const errors = [];
  if (!c.normaliseCodename(codename.value)) errors.push([codename, t("error_codename_missing")]);
  if (!fresh.value) errors.push([fresh, t("error_passphrase_new_missing")]);
  else if (fresh.value !== again.value) errors.push([again, t("error_passphrase_again")]);
  else if (c.normalisePassphrase(fresh.value) === c.normalisePassphrase(current.value)) {
    errors.push([fresh, t("error_passphrase_same")]);
  }
  if (showErrors(form, errors)) return;
  await busy(form, t("passphrase_checking"), async (progress, say) => {
    const derive = (passphrase) => c.deriveMaster(codename.value, passphrase, params.site_salt, params.argon2, progress);
    const old = c.accessKeys(await derive(current.value));
    let found;
    try {
      found = await opens(old);
    } catch (error) {
      throw new FormError(null, `${t("passphrase_unconfirmed")} ${apiMessage(error)}`);
    }
    if (found === "other") throw new FormError(codename, t("error_codename_other_journal"));
    say(t("passphrase_locking"));
    const next = c.accessKeys(await derive(fresh.value));
    if (found === "none") {
      // Unless an earlier try removed it after its answer was lost: then the change is made.
      if ((await opens(next).catch(() => "none")) !== "this") throw new FormError(codename, t("error_passphrase_current"));
    } else {
      try {
        await replaceWayIn({ apiFor, journalKey: session.journalKey, old, next });
      } catch (error) {
        if (!(error instanceof WayInError)) throw error;
        if (error.state !== STATE.UNCONFIRMED) followWayIn(old, next);
        throw wayInFailure("passphrase", error);
      }
    }
    followWayIn(old, next);
    form.reset();
    renderJournal();
    show("journal");
    notice(t("passphrase_changed"));
  });
}

const opens = (keys) => opensJournal(apiFor, keys, session.journalKey);

function startRecovery() {
  const form = $("recovery-form");
  clearErrors(form);
  form.reset();
  newRecovery = { key: c.randomBytes(c.RECOVERY_BYTES), old: session.via === "recovery" ? session.keys : null };
  $("recovery-key").textContent = c.formatRecoveryKey(newRecovery.key);
  $("recovery-replace-box").hidden = !newRecovery.old;
  clearNotice();
  show("recovery");
}

function forgetNewRecovery() {
  newRecovery = null;
  $("recovery-key")?.replaceChildren();
}

async function addRecovery(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const kept = $("recovery-kept");
  if (showErrors(form, kept.checked ? [] : [[kept, t("error_recovery_kept")]])) return;
  if (!newRecovery) return startRecovery();
  const { key, old } = newRecovery;
  const replacing = Boolean(old) && $("recovery-replace").checked;
  await busy(form, t("recovery_adding"), async () => {
    const next = c.accessKeys(c.recoveryMaster(key, params.site_salt));
    try {
      if (replacing) await replaceWayIn({ apiFor, journalKey: session.journalKey, old, next });
      else await addWayIn({ apiFor, journalKey: session.journalKey, via: session.keys, next });
    } catch (error) {
      if (!(error instanceof WayInError)) throw error;
      // The key stays on the page, to try again with: the person has kept it.
      if (replacing && error.state !== STATE.UNCONFIRMED) followWayIn(old, next);
      throw wayInFailure(replacing ? "recovery_replace" : "recovery", error);
    }
    if (replacing) followWayIn(old, next);
    form.reset();
    renderJournal();
    show("journal");
    notice(t(replacing ? "recovery_replaced" : "recovery_added"));
  });
}

// --- Deleting -------------------------------------------------------------------------------------

async function deleteJournal(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const confirm = $("delete-confirm");
  if (showErrors(form, confirm.checked ? [] : [[confirm, t("error_delete_confirm")]])) return;
  await busy(form, t("deleting"), async () => {
    await session.api.deleteJournal();
    wipe();
    show("start");
    notice(t("deleted"));
  });
}

// --- Wiring ---------------------------------------------------------------------------------------

function requireSession(handler) {
  return (event) => {
    if (!session) {
      event.preventDefault();
      show("start");
      return;
    }
    return handler(event);
  };
}

function start() {
  forgetAddress();
  $("journal-needs-js").hidden = true;
  app.hidden = false;
  for (const heading of app.querySelectorAll("[data-view] h1")) heading.tabIndex = -1;
  app.addEventListener("click", (event) => {
    const go = event.target.closest("[data-go]");
    if (!go) return;
    event.preventDefault();
    const view = go.dataset.go;
    if (["journal", "export", "delete", "write", "passphrase", "recovery"].includes(view) && !session) show("start");
    else if (view === "write") startWriting();
    else if (view === "passphrase") startPassphrase();
    else if (view === "recovery") startRecovery();
    else {
      clearNotice();
      show(view);
    }
  });
  $("create-form").addEventListener("submit", createJournal);
  $("created-form").addEventListener("submit", leaveCreated);
  $("open-form").addEventListener("submit", openJournal);
  $("write-form").addEventListener("submit", requireSession(saveEntry));
  $("delete-form").addEventListener("submit", requireSession(deleteJournal));
  $("passphrase-form").addEventListener("submit", requireSession(changePassphrase));
  $("recovery-form").addEventListener("submit", requireSession(addRecovery));
  $("recovery-print").addEventListener("click", () => printRecoveryKey("recovery-key"));
  $("write-files").addEventListener("change", addFiles);
  for (const radio of $("write-form").querySelectorAll("input[name=kind]")) radio.addEventListener("change", showKindQuestions);
  $("journal-close").addEventListener("click", closeJournal);
  $("export-print").addEventListener("click", requireSession(printJournal));
  $("export-bundle").addEventListener("click", requireSession(downloadBundle));
  $("created-print-recovery").addEventListener("click", () => printRecoveryKey("created-recovery"));
  // The quick exit (static/ustoo/js/quick-exit.js) marks the page as exiting before it leaves: the
  // journal goes from memory and from the page at that moment, and whenever the page is hidden.
  new MutationObserver(() => {
    if (document.documentElement.classList.contains("exiting")) wipe();
  }).observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
  window.addEventListener("pagehide", wipe);
  // A page brought back by Back (the back-forward cache) starts again, from nothing.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) show("start", { focus: false });
  });
  show("start", { focus: false });
}

const capable = globalThis.crypto?.subtle && typeof String.prototype.toWellFormed === "function" && window.Intl;
if (app && capable) start();
