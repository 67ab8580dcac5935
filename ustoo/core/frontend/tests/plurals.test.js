// A counted message takes the form its language's catalogue says for that count, in every language the
// site offers: the catalogues as the site serves them (core/script_text.py), run as a page runs them.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import vm from "node:vm";

import { words as journalWords } from "../../../journal/frontend/words.js";
import { words as matchingWords } from "../../../matching/frontend/words.js";
import { fill, gettext, ngettext, wordsOf } from "../text.js";

const PYTHON = process.env.PYTHON || ".venv/bin/python";
const SERVE = `
import json, django
django.setup()
from django.conf import settings
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client
client = Client()
served = {code: client.get(f"/i18n/script-words/{code}.js", secure=True) for code, _name in settings.LANGUAGES}
assert all(answer.status_code == 200 for answer in served.values())
print(json.dumps({code: answer.content.decode() for code, answer in served.items()}))
`;
const CATALOGUES = JSON.parse(
  execFileSync(PYTHON, ["-c", SERVE], { encoding: "utf8", env: { ...process.env, DJANGO_SETTINGS_MODULE: "ustoo.settings" } }),
);

// Runs `use` as a page would after loading the catalogue of `language`; returns what it returns and the
// catalogue's entries.
function inLanguage(language, use) {
  const page = {};
  vm.runInNewContext(CATALOGUES[language], page);
  globalThis.django = page.django;
  try {
    return use(page.django.catalog);
  } finally {
    delete globalThis.django;
  }
}

const ENTRY = ["%(count)s entry", "%(count)s entries"];

// [language, count, the index of the catalogue's form it must take]
const CHOSEN = [
  // Arabic: zero, one, two, few (3-10), many (11-99), other (100-102…), by n % 100.
  ["ar", 0, 0],
  ["ar", 1, 1],
  ["ar", 2, 2],
  ["ar", 3, 3],
  ["ar", 10, 3],
  ["ar", 11, 4],
  ["ar", 99, 4],
  ["ar", 100, 5],
  ["ar", 101, 5],
  ["ar", 103, 3],
  ["ar", 111, 4],
  // French: 0 is singular.
  ["fr", 0, 0],
  ["fr", 1, 0],
  ["fr", 2, 1],
  ["fr", 1000, 1],
  // Hindi, as its catalogue says (plural=n > 1): 0 and 1 are singular.
  ["hi", 0, 0],
  ["hi", 1, 0],
  ["hi", 2, 1],
  ["hi", 5, 1],
  // Chinese has one form.
  ["zh-hans", 0, 0],
  ["zh-hans", 1, 0],
  ["zh-hans", 2, 0],
  ["zh-hans", 100, 0],
  // Spanish: a third form for whole millions.
  ["es", 0, 2],
  ["es", 1, 0],
  ["es", 2, 2],
  ["es", 1000000, 1],
  ["it", 0, 1],
  ["it", 1, 0],
  ["it", 2, 1],
];

for (const [language, count, index] of CHOSEN) {
  test(`${language}: ${count} takes form ${index} of a counted message`, () => {
    inLanguage(language, (catalog) => {
      const forms = catalog[ENTRY[0]];
      assert.ok(Array.isArray(forms) && forms[index], `${language} has form ${index} of ${ENTRY[0]}`);
      const t = wordsOf(journalWords());
      assert.equal(t("entry_count", { count }), fill(forms[index], { count }));
      assert.equal(ngettext(...ENTRY, count), forms[index]);
    });
  });
}

test("Arabic's six forms are six different texts, and none is the English", () => {
  inLanguage("ar", () => {
    const t = wordsOf(journalWords());
    const shown = [0, 1, 2, 3, 11, 100].map((count) => t("entry_count", { count }));
    assert.equal(new Set(shown).size, 6);
    for (const text of shown) assert.doesNotMatch(text, /entr/);
  });
});

test("every counted message of both front ends has every form of each language", () => {
  for (const language of Object.keys(CATALOGUES)) {
    inLanguage(language, (catalog) => {
      const nplurals = { ar: 6, "zh-hans": 1, es: 3, en: 2 }[language] ?? 2;
      for (const table of [journalWords(), matchingWords()]) {
        for (const [key, words] of Object.entries(table)) {
          if (typeof words !== "function") continue;
          for (const count of [0, 1, 2, 3, 11, 100, 1000000]) assert.ok(words(count), `${language} ${key} ${count}`);
          if (language === "en") continue;
          const singular = words.toString().match(/ngettext\(\s*"([^"]+)"/)[1];
          const entry = catalog[singular];
          assert.ok(Array.isArray(entry) && entry.length === nplurals && entry.every(Boolean), `${language} ${key}: ${entry}`);
        }
      }
    });
  }
});

test("a message with a count is a counted message (ngettext), never plain words", () => {
  for (const table of [journalWords(), matchingWords()]) {
    for (const [key, words] of Object.entries(table)) {
      if (typeof words === "string") assert.doesNotMatch(words, /%\(count\)s/, `${key} needs ngettext`);
    }
  }
});

test("an English page, without any catalogue, takes English's forms", () => {
  const t = wordsOf(journalWords());
  assert.equal(t("entry_count", { count: 1 }), "1 entry");
  assert.equal(t("entry_count", { count: 0 }), "0 entries");
  assert.equal(t("entry_count", { count: 2 }), "2 entries");
  assert.equal(gettext("Error:"), "Error:");
  inLanguage("en", () => {
    assert.equal(t("entry_count", { count: 1 }), "1 entry");
    assert.equal(t("entry_count", { count: 0 }), "0 entries");
  });
});

test("words are filled in by name, and a key without words shows itself", () => {
  const t = wordsOf({ saved: "Entry %(seq)s is saved: %(time)s.", counted: (n) => ngettext("%(count)s a", "%(count)s b", n) });
  assert.equal(t("saved", { seq: 3, time: "now" }), "Entry 3 is saved: now.");
  assert.equal(t("counted", { count: 1 }), "1 a");
  assert.equal(t("nothing"), "nothing");
  assert.equal(fill("%(a)s and %(b)s", { a: 1 }), "1 and ");
});

test("the escrow's waits are counted too", () => {
  inLanguage("ar", (catalog) => {
    const t = wordsOf(matchingWords());
    assert.equal(t("in_hours", { count: 2 }), catalog["about %(count)s hour"][2]);
    assert.equal(t("in_minutes", { count: 1 }), catalog["about %(count)s minute"][1]);
  });
  const t = wordsOf(matchingWords());
  assert.equal(t("in_minutes", { count: 1 }), "about 1 minute");
  assert.equal(t("in_hours", { count: 24 }), "about 24 hours");
});
