// The words a page's script shows, from Django's JavaScript catalogue (django.views.i18n.JavaScriptCatalog,
// which core/script_text.py serves as /script-words/<language>.js and the page loads before its script).
// Its ngettext picks the plural form by the catalogue's own Plural-Forms, as gettext does on the server:
// Arabic's six forms, French's singular 0, Chinese's one. `make messages` extracts the gettext and
// ngettext calls of the front ends (their words.js) into the djangojs domain.

// Without a catalogue (English, or a test outside a page) the English words, by English's rule.
const catalogue = () => globalThis.django;

export function gettext(msgid) {
  return catalogue()?.gettext ? catalogue().gettext(msgid) : msgid;
}

export function ngettext(singular, plural, count) {
  return catalogue()?.ngettext ? catalogue().ngettext(singular, plural, count) : count === 1 ? singular : plural;
}

// `%(name)s` filled in from `values`, as Python's %-format writes it (the catalogues' placeholders).
export function fill(template, values = {}) {
  return template.replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));
}

// A page's `t(key, values)` over its table of words (a front end's words.js): a key names a string, or
// for a counted message a function of `values.count` (an ngettext call).
export function wordsOf(table) {
  return (key, values = {}) => {
    const words = table[key];
    const template = typeof words === "function" ? words(values.count) : words;
    return fill(template ?? key, values);
  };
}
