"""Counted words take the plural form of their number in every language (Arabic has six: 1, 2, 3-10,
11-99, 100…), so a sentence with a count goes through ngettext or {% blocktranslate count %}."""

import re

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from ustoo.campaigns.models import response_threshold_problem
from ustoo.core.tests.test_translations import read_po

# The templates' and views' words, and the page scripts' (djangojs).
POTS = [settings.BASE_DIR / "locale" / "django.pot", settings.BASE_DIR / "locale" / "djangojs.pot"]

# Placeholders that name a number of things: a sentence holding one must be a plural entry.
COUNT_NAME = re.compile(
    r"(n|count|counter|total|number|size|length|limit|digits|days|hours|minutes|seconds|months|years|weeks"
    r"|max_\w+|min_\w+|\w+_days|\w+_count|goal|needed|supporters|signatures|statements|posts|accounts"
    r"|authors|top|kept|merged|cells|counted|originals|times|stories|left|evaluations_per_day|pending)"
)
PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")

# Reviewed: these hold such a placeholder but count nothing in words that agree with it.
NOT_A_COUNT = {
    "Story %(number)s": "an identifier",
    "story %(number)s": "an identifier",
    "flagged story %(number)s": "an identifier",
    "flagged reply %(number)s": "an identifier",
    "text %(number)s": "an identifier",
    "Identifier %(number)s": "an identifier (escrow page)",
    "Remove identifier %(number)s": "an identifier (escrow page)",
    'Text %(word)s to <span dir="ltr">%(number)s</span>': "a phone number",
    "%(number)s%%": "a percentage",
    "%(days)s, %(opens)s–%(closes)s": "names of days and opening hours",
    "at least %(count)s": "a figure alone in a table cell, no counted word",
    "This journal holds as many attachments as it can (%(limit)s).": "a figure alone in brackets",
    "Counters rebuilt: %(cells)d. Statements counted: %(counted)d.": "label: figure",
    "It is more than %(limit)s, far more than a story can hold (20,000 characters). Go back: what you "
    "typed may still be there. Shorten it and send it again.": "a size in words (filesizeformat)",
    "%(name)s is too large to attach: files of up to %(size)s can be attached.": "a size in words",
    "Copy without details made: %(name)s (%(size)s).": "a size in words",
    "About %(low)d%% of those who said who did it named someone they knew.": "a percentage",
    "Between %(low)d%% and %(high)d%% of those who said who did it named someone they knew.": "percentages",
    "About %(low)d%% of those who gave their age at the time were children (under 18).": "a percentage",
    "Between %(low)d%% and %(high)d%% of those who gave their age at the time were children (under 18).": (
        "percentages"
    ),
}
DURATION_IN_WORDS = "a duration already in words, with its own plural (core.views._duration)"
NOT_A_COUNT_PREFIXES = {
    "For your safety some things end on their own: a visit after %(length)s": DURATION_IN_WORDS,
    "Three cookies at most, all needed for the site to work:": DURATION_IN_WORDS,
    "To slow down abuse, attempts (to speak, sign, log in, write to us)": DURATION_IN_WORDS,
}
# Counts in the journal's and the escrow's page_text.py, which another change owns (issue 20): they
# move to core.script_text.counted there. Listed so that nothing else slips in meanwhile.
def counted_sentences_without_plural(pot) -> list[str]:
    _header, entries = read_po(pot)
    found = []
    for entry in entries:
        if entry.msgid_plural:
            continue
        names = PLACEHOLDER.findall(entry.msgid)
        if not any(kind == "d" or COUNT_NAME.fullmatch(name) for name, kind in names):
            continue
        if entry.msgid in NOT_A_COUNT:
            continue
        if any(entry.msgid.startswith(prefix) for prefix in NOT_A_COUNT_PREFIXES):
            continue
        found.append(entry.describe())
    return found


def test_every_sentence_with_a_count_is_a_plural_entry():
    missing = [sentence for pot in POTS for sentence in counted_sentences_without_plural(pot)]
    assert not missing, "use ngettext or {% blocktranslate count %} for:\n" + "\n".join(missing)


def test_the_scan_finds_a_count_written_without_ngettext(tmp_path):
    pot = tmp_path / "django.pot"
    pot.write_text(
        'msgid ""\nmsgstr ""\n\n#: x.html:1\nmsgid "Your %(count)s pledges are counted."\nmsgstr ""\n\n'
        '#: x.html:2\nmsgid "Story %(number)s"\nmsgstr ""\n\n'
        '#: x.html:3\nmsgid "%(n)s day"\nmsgid_plural "%(n)s days"\nmsgstr[0] ""\nmsgstr[1] ""\n',
        encoding="utf-8",
    )
    assert counted_sentences_without_plural(pot) == ["'Your %(count)s pledges are counted.' (x.html:1)"]


@pytest.mark.django_db
def test_arabic_counts_take_their_own_forms():
    with translation.override("ar"):
        said = {goal: response_threshold_problem(goal, goal + 1) for goal in (1, 2, 3, 11, 100)}
    assert "1 توقيع." in said[1]
    assert "2 توقيعين." in said[2]
    assert "3 توقيعات." in said[3]
    assert "11 توقيعًا." in said[11]
    assert "100 توقيع." in said[100]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "one", "two"),
    [
        ("en", "Shift, press 1 more time to exit.", "Shift, press 2 more times to exit."),
        ("es", "Mayús: pulsa 1 vez más para salir.", "Mayús: pulsa 2 veces más para salir."),
    ],
)
def test_quick_exit_says_each_count_in_its_own_form(code, one, two):
    request = RequestFactory().get("/")
    with translation.override(code):
        bar = render_to_string("layout/quick_exit.html", {"QUICK_EXIT_URL": "https://example.org"}, request)
    assert f'data-status-1="{one}"' in bar
    assert f'data-status-2="{two}"' in bar


@pytest.mark.django_db
def test_a_campaign_page_writes_its_goal_in_the_form_of_its_number(stranger):
    from ustoo.campaigns.tests.conftest import make_campaign

    pages = {
        goal: stranger.get(make_campaign(goal=goal).get_absolute_url(), headers={"accept-language": "ar"})
        for goal in (3, 11)
    }
    assert "الهدف: 3 توقيعات" in pages[3].content.decode()
    assert "الهدف: 11 توقيعًا" in pages[11].content.decode()
