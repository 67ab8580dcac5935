// Canonical identifiers, exactly as ustoo/matching/PROTOCOL.md §1 says (and identifiers.py does): two
// spellings of one phone number, address or handle give the same OPRF input, so two survivors who wrote
// them differently still match. tests/vectors/identifiers.json holds the cases both sides must give alike.
import { parsePhoneNumberWithError } from "libphonenumber-js/max";

export const MAX_INPUT_BYTES = 256;
export const KINDS = ["phone", "email", "x", "instagram", "tiktok", "facebook", "snapchat", "telegram", "linkedin", "bluesky", "mastodon"];

// Why a text is not an identifier of its kind: `reason` names the rule, so the page can say it in the
// reader's language.
export class NotAnIdentifier extends Error {
  constructor(reason) {
    super(reason);
    this.reason = reason;
  }
}

const PHONE_CHARACTERS = /^[0-9 +\-()./]+$/;
const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;
const STRIP = /^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g;

// Providers whose addresses have other spellings that deliver to the same mailbox.
const GMAIL = new Set(["gmail.com", "googlemail.com"]);
const PROTON = new Set(["proton.me", "protonmail.com", "protonmail.ch", "pm.me"]);
const PLUS_ONLY = new Set(["outlook.com", "hotmail.com", "live.com", "msn.com", "outlook.fr", "hotmail.fr", "live.fr", "hotmail.co.uk", "live.co.uk"]);
const ICLOUD = new Set(["icloud.com", "me.com", "mac.com"]);
const FASTMAIL = new Set(["fastmail.com", "fastmail.fm"]);

// NFKC, without format characters (zero-width spaces, bidirectional marks, the soft hyphen), trimmed.
function common(text) {
  return text.normalize("NFKC").replace(/\p{Cf}/gu, "").replace(STRIP, "");
}

const beforePlus = (local) => local.split("+", 1)[0];

export function phone(text, region) {
  text = common(text);
  if (!text || !PHONE_CHARACTERS.test(text)) throw new NotAnIdentifier("phone_characters");
  let number;
  try {
    number = parsePhoneNumberWithError(text, (region || "").toUpperCase() || undefined);
  } catch {
    throw new NotAnIdentifier("phone_unparsed");
  }
  if (!number || !number.isPossible()) throw new NotAnIdentifier("phone_length");
  return number.number; // E.164
}

export function email(text) {
  text = common(text);
  const at = text.lastIndexOf("@");
  let local = at < 0 ? "" : text.slice(0, at);
  let domain = at < 0 ? "" : text.slice(at + 1);
  if (!local || !domain) throw new NotAnIdentifier("email_shape");
  domain = domain.toLowerCase();
  if (domain.endsWith(".")) domain = domain.slice(0, -1);
  if (!DOMAIN.test(domain)) throw new NotAnIdentifier("email_domain");
  local = local.toLowerCase();
  if (GMAIL.has(domain)) {
    domain = "gmail.com";
    local = beforePlus(local).replaceAll(".", "");
  } else if (PROTON.has(domain)) {
    domain = "proton.me";
    local = beforePlus(local).replace(/[._-]/g, "");
  } else if (PLUS_ONLY.has(domain)) {
    local = beforePlus(local);
  } else if (ICLOUD.has(domain)) {
    domain = "icloud.com";
    local = beforePlus(local);
  } else if (FASTMAIL.has(domain)) {
    domain = "fastmail.com";
    local = beforePlus(local);
  }
  if (!local) throw new NotAnIdentifier("email_local_empty");
  return `${local}@${domain}`;
}

// kind: [hosts, how to take the handle from an address's path segments, pattern, removed characters]
export const HANDLE_PLATFORMS = {
  x: [["x.com", "twitter.com"], "first", /^[a-z0-9_]{1,15}$/, ""],
  instagram: [["instagram.com"], "first", /^[a-z0-9._]{1,30}$/, ""],
  tiktok: [["tiktok.com"], "at-first", /^[a-z0-9._]{2,24}$/, ""],
  facebook: [["facebook.com", "fb.com"], "facebook", /^[a-z0-9]{1,50}$/, "."],
  snapchat: [["snapchat.com"], "after:add", /^[a-z0-9._-]{3,15}$/, ""],
  telegram: [["t.me", "telegram.me"], "first", /^[a-z0-9_]{5,32}$/, ""],
  linkedin: [["linkedin.com"], "after:in", /^[a-z0-9-]{3,100}$/, ""],
  bluesky: [["bsky.app"], "after:profile", /^(?=.{1,253}$)[a-z0-9-]+(\.[a-z0-9-]+)+$/, ""],
};
const ADDRESS = /^(?:https?:\/\/)?(?:www\.|m\.|mobile\.)?([^/?#]+)(\/[^?#]*)?(\?[^#]*)?(#.*)?$/i;

const segmentsOf = (path) => (path || "").split("/").filter((segment) => segment !== "");

// The handle in a profile address on one of `hosts`, or null when the text is no such address.
function fromAddress(text, hosts, how) {
  const match = ADDRESS.exec(text);
  if (match === null || !hosts.includes(match[1].toLowerCase())) return null;
  const segments = segmentsOf(match[2]);
  if (how === "facebook" && segments[0] === "profile.php") {
    return new URLSearchParams((match[3] || "").slice(1)).get("id") || "";
  }
  if (how.startsWith("after:")) {
    if (segments.length < 2 || segments[0].toLowerCase() !== how.slice("after:".length)) return "";
    return segments[1];
  }
  const handle = segments[0] || "";
  if (how === "at-first") return handle.startsWith("@") ? handle.slice(1) : "";
  return handle;
}

const withoutAt = (text) => (text.startsWith("@") ? text.slice(1) : text);

export function handle(kind, text) {
  const [hosts, how, pattern, removed] = HANDLE_PLATFORMS[kind];
  text = common(text);
  const taken = fromAddress(text, hosts, how);
  let value = (taken !== null ? taken : withoutAt(text)).toLowerCase();
  for (const character of removed) value = value.replaceAll(character, "");
  if (!pattern.test(value)) throw new NotAnIdentifier("handle");
  return value;
}

export function mastodon(text) {
  text = common(text);
  const match = ADDRESS.exec(text);
  const segments = segmentsOf(match ? match[2] : "");
  let value;
  if (match && !match[1].includes("@") && segments.length === 1 && segments[0].startsWith("@")) {
    value = `${segments[0].slice(1)}@${match[1]}`;
  } else {
    value = withoutAt(text);
  }
  value = value.toLowerCase();
  const at = value.indexOf("@");
  const user = at < 0 ? value : value.slice(0, at);
  const host = at < 0 ? "" : value.slice(at + 1);
  if (at < 0 || !/^[a-z0-9_]{1,30}$/.test(user) || !DOMAIN.test(host)) throw new NotAnIdentifier("mastodon");
  return `${user}@${host}`;
}

// What the OPRF is evaluated on: `kind:canonical`, as a string (its UTF-8 is the input).
export function oprfInput(kind, text, region = "") {
  let canonical;
  if (kind === "phone") canonical = phone(text, region);
  else if (kind === "email") canonical = email(text);
  else if (kind === "mastodon") canonical = mastodon(text);
  else if (Object.hasOwn(HANDLE_PLATFORMS, kind)) canonical = handle(kind, text);
  else throw new NotAnIdentifier("kind");
  const input = `${kind}:${canonical}`;
  if (new TextEncoder().encode(input).length > MAX_INPUT_BYTES) throw new NotAnIdentifier("too_long");
  return input;
}
