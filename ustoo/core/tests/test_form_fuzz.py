"""Every form of the site, fuzzed: hostile values in each field, POSTed by the person who uses it.

For every URL pattern of the site (the JSON API has its own fuzzer, test_openapi_fuzz.py), Hypothesis
draws a request body from the fields of the forms its view reads, with values that are huge, not numbers,
unicode (lone surrogates and NUL included), missing or repeated, in a url-encoded, multipart, JSON, plain
or empty body; the request is sent by the persona the page is for. Whatever is sent, the answer is not a
server error, is not cached, and nothing that was typed reaches the log (caplog at DEBUG, with a canary
in the text values). Each request is undone afterwards, so every one meets the same site.

test_every_form_of_the_site_is_fuzzed fails when a form class is added that no target below sends."""

import copy
import datetime
import json
import logging
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from django import forms
from django.db import transaction
from django.test import Client
from django.test.client import encode_multipart
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ustoo.accounts.forms import ChangePassphraseForm, ConfirmPassphraseForm, LoginForm, RegisterForm
from ustoo.campaigns import forms as campaign_forms
from ustoo.conftest import PASSPHRASE
from ustoo.core.form_input import UndecodableTextMixin
from ustoo.core.forms import ContactForm
from ustoo.core.tests.site_map import Route, populate, site_routes
from ustoo.matching import forms as matching_forms
from ustoo.moderation import forms as moderation_forms
from ustoo.stories import forms as story_forms
from ustoo.upstanders import forms as upstander_forms

pytestmark = pytest.mark.django_db

EXAMPLES = 500
CANARY = "qzcanary7"


@dataclass(frozen=True)
class Target:
    """What one URL pattern reads from a request, and who sends it."""

    persona: str = "anonymous"
    forms: tuple = ()
    extras: tuple[str, ...] = ()  # names the view reads without a form
    method: str = "POST"
    arguments: dict = field(default_factory=dict)  # overrides of site_map's, by name of attribute of Site


VERSION = ("version",)
UPSTANDING = ("website", "guard", "pow_challenge", "pow_nonce")
TARGETS: dict[str, Target] = {
    # Stories
    "stories:wall": Target(forms=(story_forms.WallFilterForm,), method="GET"),
    "stories:speak": Target(
        forms=(story_forms.CountMeForm,), extras=("mode", "website", "guard", "pow_challenge", "pow_nonce")
    ),
    "stories:share": Target(forms=(story_forms.ShareStoryForm,), extras=("website", "guard", "pow_nonce")),
    "stories:stand_with": Target(forms=(story_forms.SolidarityForm,)),
    "stories:reply": Target(persona="replier", forms=(story_forms.ReplyForm,)),
    "stories:enter_receipt": Target(forms=(story_forms.ReceiptForm,)),
    "stories:forget_receipt": Target(extras=("quiet",)),
    "stories:edit": Target(forms=(story_forms.EditStoryForm,)),
    "stories:delete": Target(forms=(story_forms.DeleteForm,)),
    "stories:hide_reply": Target(extras=("hidden",)),
    "stories:preferences": Target(forms=(story_forms.ReaderPreferencesForm,)),
    # Accounts
    "accounts:register": Target(forms=(RegisterForm,)),
    "accounts:login": Target(forms=(LoginForm,)),
    "accounts:change_passphrase": Target(persona="member", forms=(ChangePassphraseForm,)),
    "accounts:export": Target(persona="member", forms=(ConfirmPassphraseForm,)),
    "accounts:delete": Target(persona="member", forms=(ConfirmPassphraseForm,)),
    # Moderation
    "moderation:confirm": Target(persona="moderator", forms=(ConfirmPassphraseForm,), extras=("next",)),
    "moderation:queue": Target(
        persona="moderator", forms=(moderation_forms.QueueFilterForm,), extras=("page",), method="GET"
    ),
    "moderation:members": Target(
        persona="moderator", forms=(moderation_forms.MemberSearchForm,), extras=("page",), method="GET"
    ),
    "moderation:flagged": Target(persona="moderator", extras=("page", "replies_page"), method="GET"),
    "moderation:decide": Target(
        persona="moderator",
        forms=(moderation_forms.DecisionForm, moderation_forms.ReplyDecisionForm),
        extras=("block_receipt",),
    ),
    "moderation:slow_mode": Target(persona="moderator", forms=(moderation_forms.SlowModeForm,)),
    "moderation:member": Target(persona="moderator", forms=(moderation_forms.MemberActionForm,)),
    "flags:story": Target(persona="replier", forms=(moderation_forms.FlagForm,)),
    "flags:reply": Target(persona="member", forms=(moderation_forms.FlagForm,)),
    # Campaigns
    "campaigns:start": Target(persona="member", forms=(campaign_forms.CampaignForm,)),
    # Matching escrow
    "matching:counselor": Target(persona="counselor", forms=(matching_forms.ExportForm,)),
    "campaigns:edit": Target(
        persona="member", forms=(campaign_forms.CampaignEditForm,), arguments={"slug": "gathering_slug"}
    ),
    "campaigns:sign": Target(forms=(campaign_forms.SignForm,)),
    "campaigns:sign_as_member": Target(persona="member", forms=(campaign_forms.MemberSignForm,)),
    "campaigns:member_email": Target(persona="member", forms=(campaign_forms.MemberEmailForm,)),
    "campaigns:post_update": Target(persona="member", forms=(campaign_forms.UpdateForm,)),
    "campaigns:declare_victory": Target(persona="member", forms=(campaign_forms.VictoryForm,)),
    "campaigns:story_links": Target(persona="member", forms=(campaign_forms.StoryLinkAnswerForm,)),
    "campaigns:signature": Target(extras=("action",)),
    "campaigns:index": Target(extras=("page",), method="GET"),
    "campaign_moderation:decide": Target(persona="moderator", forms=(campaign_forms.ReviewForm,)),
    "campaign_moderation:integrity": Target(
        persona="moderator", forms=(campaign_forms.IntegrityFilterForm,), extras=("page",), method="GET"
    ),
    "campaign_moderation:invalidate": Target(
        persona="moderator", forms=(campaign_forms.InvalidateForm,), extras=("all_matching",)
    ),
    "campaign_moderation:response": Target(persona="moderator", forms=(campaign_forms.ResponseForm,)),
    "campaign_moderation:decision_maker_email": Target(
        persona="moderator", forms=(campaign_forms.DecisionMakerEmailForm,)
    ),
    # Step up
    "upstanders:pledge": Target(forms=(upstander_forms.PledgeForm,), extras=UPSTANDING),
    "upstanders:stepped_up": Target(forms=(upstander_forms.InterventionForm,), extras=UPSTANDING),
    "upstanders:own_it": Target(forms=(upstander_forms.AcknowledgementForm,), extras=UPSTANDING),
    "upstanders:report": Target(extras=("country",), method="GET"),
    "upstanders_moderation:decide": Target(persona="moderator", forms=(upstander_forms.WordsDecisionForm,)),
    # The site's own pages
    "contact": Target(forms=(ContactForm,)),
    "set_language": Target(extras=("language", "next")),
}
# Forms that no view uses alone: their fields reach the fuzzer through the forms built on them.
BASES = {
    UndecodableTextMixin,
    story_forms.DetailsForm,
    story_forms.StoryFieldsForm,
    story_forms.SpeakingFormMixin,
    moderation_forms.StoryVersionForm,
    upstander_forms.OnceForm,
}
# Which persona a page without its own target is for, by the start of its name.
PERSONA_BY_PREFIX = {
    "moderation:": "moderator",
    "campaign_moderation:": "moderator",
    "upstanders_moderation:": "moderator",
    "accounts:": "member",
}


def target_for(route: Route) -> Target:
    if route.name in TARGETS:
        return TARGETS[route.name]
    persona = next(
        (persona for prefix, persona in PERSONA_BY_PREFIX.items() if route.name.startswith(prefix)),
        "anonymous",
    )
    return Target(persona=persona)


def fuzzed_routes() -> list[Route]:
    return [route for route in site_routes() if not route.is_api]


def _site_forms(base=forms.BaseForm) -> set[type]:
    found = set()
    for subclass in base.__subclasses__():
        if subclass.__module__.startswith("ustoo.") and ".tests" not in subclass.__module__:
            found.add(subclass)
        found |= _site_forms(subclass)
    return found


def test_every_form_of_the_site_is_fuzzed():
    fuzzed = {form for target in TARGETS.values() for form in target.forms}
    assert _site_forms() - BASES - fuzzed == set(), "add these forms to TARGETS"
    for base in BASES:
        assert any(issubclass(form, base) for form in fuzzed), f"{base} is fuzzed through no form"
    assert set(TARGETS) <= {route.name for route in fuzzed_routes()}, "TARGETS names a page that is gone"


# --- Values ----------------------------------------------------------------------------------------

HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        f"{CANARY}\x00{CANARY}",
        f"\ud800{CANARY}",
        f"{CANARY}\udfff",
        "\u202e\ufeff\u200b",
        "%00",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "../../etc/passwd",
        f"{CANARY}\r\nSet-Cookie: x=y",
        "99999999999999999999",
        "-99999999999999999999",
        "1.5",
        "1e400",
        "NaN",
        "-1",
        "0",
        "0x1F",
        "١٢٣",
        "9" * 5000,
        "2027-02-30",
        "0000-00-00",
        "99999-12-31",
        "@",
        "a@b",
        f"{CANARY}@mailinator.com",
    ]
)
CANARY_TEXT = st.builds(
    lambda before, after: f"{before}{CANARY}{after}", st.text(max_size=12), st.text(max_size=12)
)
UNICODE = st.text(st.characters(exclude_categories=()), max_size=30)  # surrogates included
LONG = st.sampled_from([CANARY * 2300, "é" * 20_001, "x" * 1_100_000])  # past each limit, and 1 MiB


def _good_values(name: str, form_field: forms.Field) -> list[str]:
    """Values the field accepts, so that fuzzing also goes past its first check."""
    values = []
    choices = getattr(form_field, "choices", None)
    if choices is not None:
        values += [str(key) for key, label in choices if not isinstance(label, list | tuple)][:30]
    if isinstance(form_field, forms.BooleanField):
        values += ["on", "true", "false"]
    if isinstance(form_field, forms.IntegerField):
        values += [
            str(limit) for limit in (form_field.min_value, form_field.max_value, 1, 2) if limit is not None
        ]
    if isinstance(form_field, forms.DateField):
        today = timezone.localdate()
        values += [(today + datetime.timedelta(days=days)).isoformat() for days in (30, 400)]
    if isinstance(form_field, forms.EmailField):
        values += ["ada@example.org", "ada@example.org\x00"]
    if "passphrase" in name:
        values += [PASSPHRASE, "a new long passphrase for fuzz"]
    return values or ["1", "words"]


NUMBERS = st.integers(min_value=-(2**80), max_value=2**80).map(str)


def value_strategy(name: str, form_field: forms.Field | None):
    good = st.sampled_from(_good_values(name, form_field) if form_field is not None else ["1", "yes", "no"])
    return st.one_of(good, good, HOSTILE, NUMBERS, CANARY_TEXT, UNICODE, LONG)


def body_strategy(target: Target):
    fields = {**_fields(target), f"unexpected{CANARY}": None}
    pairs = [
        st.tuples(st.just(name), st.lists(value_strategy(name, form_field), max_size=3))
        for name, form_field in fields.items()
    ]
    return st.tuples(*pairs).map(
        lambda drawn: [(name, value) for name, values in drawn for value in values]  # none: missing
    )


def _urlencoded(pairs) -> bytes:
    # Lone surrogates go as the bytes a hostile client would send: not UTF-8.
    return "&".join(
        f"{quote(name.encode('utf-8', 'surrogatepass'))}={quote(value.encode('utf-8', 'surrogatepass'))}"
        for name, value in pairs
    ).encode()


def _encodable(value: str) -> str:
    return value.encode("utf-8", "replace").decode()


ENCODINGS = ["form", "form", "form", "multipart", "json", "text", "empty"]


def send(client: Client, method: str, path: str, pairs, encoding: str):
    if method == "GET":
        return client.get(path, QUERY_STRING=_urlencoded(pairs).decode())
    if encoding == "form":
        return client.post(path, data=_urlencoded(pairs), content_type="application/x-www-form-urlencoded")
    if encoding == "multipart":
        data = {}
        for name, value in pairs:
            data.setdefault(_encodable(name), []).append(_encodable(value))
        return client.post(
            path,
            data=encode_multipart("BoUnDaRy", data),
            content_type="multipart/form-data; boundary=BoUnDaRy",
        )
    if encoding == "json":
        body = json.dumps(dict(pairs), ensure_ascii=True).encode("utf-8", "surrogatepass")
        return client.post(path, data=body, content_type="application/json")
    if encoding == "text":
        return client.post(path, data=_urlencoded(pairs), content_type="text/plain")
    return client.post(path, data=b"", content_type="")


# --- The fuzzer ------------------------------------------------------------------------------------


@pytest.fixture
def site(db, settings, tmp_path, monkeypatch):
    settings.OPERATOR_EMAIL = "team@example.org"  # the contact form is on
    settings.FLOOD_THRESHOLD_PER_MINUTE = 10**9  # anonymous speaking is not asked for a proof of work
    return populate(settings, tmp_path, monkeypatch)


def _typed(pairs) -> set[str]:
    """What was typed that a log must never hold: the values long enough to be someone's words."""
    return {value for _name, value in pairs if len(value.strip()) >= 6}


def _fields(target: Target) -> dict[str, forms.Field | None]:
    fields: dict[str, forms.Field | None] = {}
    for form in target.forms:
        fields.update(form.base_fields)
    fields.update(dict.fromkeys(target.extras))
    return fields


def _answer(site, route: Route, target: Target, pairs, encoding: str = "form"):
    """One request as the target's persona, undone afterwards."""
    arguments = {name: getattr(site, attribute) for name, attribute in target.arguments.items()}
    path = site.path(route, target.persona, **arguments)
    with transaction.atomic():
        client = Client()
        client.cookies = copy.deepcopy(site.people[target.persona].cookies)
        response = send(client, target.method, path, pairs, encoding)
        transaction.set_rollback(True)
    return response


def _check(route: Route, response, pairs, log: str) -> None:
    assert response.status_code < 500, (route.name, response.status_code, pairs)
    assert response["Cache-Control"] == "no-store", route.name
    assert CANARY not in log, route.name
    for typed in _typed(pairs):
        assert typed not in log, (route.name, typed)


# One of each kind, in every field of every form in turn, the other fields holding values they accept:
# text that PostgreSQL or UTF-8 cannot hold, and, where a number or a choice may be read, what is none.
TEXT_KINDS = [f"{CANARY}\x00", f"{CANARY}\ud800"]
EACH_KIND = [*TEXT_KINDS, "99999999999999999999", f"{CANARY}abc", "1.5"]


def _kinds(form_field: forms.Field | None) -> list[str]:
    is_text = isinstance(form_field, forms.CharField) and not isinstance(form_field, forms.EmailField)
    return TEXT_KINDS if is_text else EACH_KIND


def test_each_field_of_each_form_takes_each_kind_of_hostile_value(site, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="ustoo")
    for route in fuzzed_routes():
        target = target_for(route)
        fields = _fields(target)
        good = [(name, _good_values(name, form_field)[0]) for name, form_field in fields.items()]
        bodies = [[], [(name, value) for name, value in good for _ in range(2)]]  # missing, repeated
        for index, (name, _value) in enumerate(good):
            kinds = _kinds(fields[name])
            bodies += [[*good[:index], (name, hostile), *good[index + 1 :]] for hostile in kinds]
        for pairs in bodies:
            caplog.clear()
            _check(route, _answer(site, route, target, pairs), pairs, caplog.text)


@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_no_form_of_the_site_answers_a_server_error_or_logs_what_was_typed(site, caplog, data):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="ustoo")
    # Pages that read forms are drawn three times as often as the others.
    routes = [route for route in fuzzed_routes() for _ in range(3 if route.name in TARGETS else 1)]
    route = data.draw(st.sampled_from(routes), label="page")
    target = target_for(route)
    pairs = data.draw(body_strategy(target), label="fields")
    encoding = data.draw(st.sampled_from(ENCODINGS), label="body")
    caplog.clear()
    _check(route, _answer(site, route, target, pairs, encoding), pairs, caplog.text)
