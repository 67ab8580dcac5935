"""Stories in the JSON API. Bodies go through the same forms and services as the pages."""

import datetime
import functools
import hashlib
from typing import Annotated

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.decorators import decorate_view
from pydantic import BeforeValidator, WithJsonSchema

from ustoo.core import ratelimit
from ustoo.core.api import (
    BAD_BODY,
    INVALID,
    NOT_JSON,
    NOTHING_HERE,
    OTHER_SITE,
    TOO_LARGE,
    TOO_MANY,
    ApiError,
    json_write,
    proof_of_work_when_flooded,
    rate_limited,
    refusals,
)
from ustoo.core.form_fields import LARGEST_ID
from ustoo.safety import resources
from ustoo.stories import access, services
from ustoo.stories.forms import ShareStoryForm, SolidarityForm
from ustoo.stories.models import Story
from ustoo.stories.wall import Cursor, wall_page

router = Router(tags=["stories"])
# A client's fingerprint changes every day: a mark of its answers need not outlive that.
ANSWER_MARK_SECONDS = 24 * 60 * 60


def _year_as_text(value):
    # A number is read as what it writes, then the form checks it like a typed year, and says what is
    # wrong in its own words ("Write a year such as 2017") for 1.5 as for "soon".
    return value if value is None or isinstance(value, str) else str(value)


# One type, so that an error is named "story.year" (a union would name each member it tried).
YearIn = Annotated[
    str | None,
    BeforeValidator(_year_as_text),
    WithJsonSchema({"anyOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]}),
]


class StoryIn(Schema):
    text: str = Field(..., description="The story, at most 20,000 characters.")
    title: str = ""
    visibility: str = Field("public", description="public, members or moderators")
    content_warnings: list[str] = Field(
        ...,
        description="One or more of: sexual_assault, child_abuse, harassment, physical_violence, "
        "self_harm, other",
    )
    cw_note: str = ""
    replies_enabled: bool = False
    language: str = ""
    setting: str = ""
    relation: str = ""
    age_at_time: str = ""
    year: YearIn = Field(None, description='A year (a number or a string), or "ongoing"')
    country: str = Field("", description="ISO 3166-1 alpha-2 code")
    harms: list[str] = []


class StatementIn(Schema):
    story: StoryIn | None = None


class HelpServiceOut(Schema):
    name: str
    country: str = Field(..., description="ISO 3166-1 alpha-2 code, or INT for international lines")
    phone: str | None = None
    sms: str | None = None
    web: str | None = None
    hours: str = Field("", description="Opening hours in the request's language; empty when unknown")
    languages: list[str]
    crisis: bool = Field(..., description="Answers at once someone in danger")


class StatementOut(Schema):
    id: int
    receipt: str | None = Field(None, description="Shown once: keep it to come back, edit or delete.")
    story_id: int | None = None
    story_status: str | None = None
    help_country: str | None = Field(
        None,
        description="The country whose services `help` lists: the story's country, "
        "else ?country=, else the Accept-Language region",
    )
    help: list[HelpServiceOut] = Field(
        default_factory=list, description="Support services to offer the person who spoke"
    )
    crisis_lines: list[HelpServiceOut] = Field(
        default_factory=list, description="Lines to reach at once; only when the story signals danger"
    )


class StoryOut(Schema):
    id: int
    title: str
    text: str
    language: str
    content_warnings: list[str]
    cw_note: str
    published_at: datetime.datetime
    solidarity: dict[str, int]
    replies_enabled: bool
    demo: bool = Field(False, description="Written for the demo, fictional: not a real person's words")


class StoryPage(Schema):
    stories: list[StoryOut]
    next: str | None = Field(None, description="Pass as ?before= for the next, older page.")


class SolidarityIn(Schema):
    kind: str = Field(..., description="me_too, believe_you or not_alone")


class SolidarityOut(Schema):
    added: bool
    solidarity: dict[str, int]


def _form_errors(form) -> dict[str, str]:
    return {name: " ".join(str(message) for message in errors) for name, errors in form.errors.items()}


def _story_out(story: Story) -> dict:
    return {
        "id": story.pk,
        "title": story.title,
        "text": story.text,
        "language": story.language,
        "content_warnings": story.content_warnings,
        "cw_note": story.cw_note,
        "published_at": story.published_at,
        "solidarity": story.solidarity_counts,
        "replies_enabled": story.replies_enabled,
        "demo": story.demo,
    }


@router.post(
    "/statements",
    auth=None,
    summary="Say “me too”",
    **refusals(
        {201: StatementOut},
        {
            400: BAD_BODY,
            403: OTHER_SITE,
            413: TOO_LARGE,
            415: NOT_JSON,
            422: INVALID,
            429: f"{TOO_MANY} While the site is flooded, the body also holds a proof-of-work `challenge` "
            "and its `difficulty` (see the description).",
        },
    ),
)
@decorate_view(json_write)
def create_statement(request: HttpRequest, payload: StatementIn):
    """Without `story`, a count-only “me too”. With it, the story is shared too. Either way the answer
    carries a receipt, shown once, that opens the statement again to edit or delete it.

    Limited per client (429 with Retry-After). While the site is flooded, the request must carry
    `X-Proof-Of-Work: <challenge> <nonce>`; without it the 429 answer holds a fresh `challenge` and
    its `difficulty` (SHA-256 of "challenge:nonce" must start with that many zero bits)."""
    rate_limited(request, "speak")
    proof_of_work_when_flooded(request, "speak")
    if payload.story is None:
        # A count-only "me too" has nothing to validate: the most frequent write stays cheap.
        spoken = services.say_me_too(member=None, anonymous=True, language=get_language() or "")
        details = services.Details()
    else:
        data = payload.story.dict()
        data["year"] = "" if data["year"] is None else str(data["year"])
        form = ShareStoryForm(data)
        if not form.is_valid():
            raise ApiError(400, _("Some fields are not valid."), _form_errors(form))
        details = form.details()
        spoken = services.say_me_too(
            member=None,
            anonymous=True,
            details=details,
            draft=form.draft(),
            language=get_language() or "",
        )
    offer = resources.help_after_speaking(
        request,
        country=details.country,
        urgent=bool(spoken.story and spoken.story.urgent),
    )
    body = {
        "id": spoken.statement.pk,
        "receipt": spoken.receipt,
        "story_id": spoken.story.pk if spoken.story else None,
        "story_status": spoken.story.status if spoken.story else None,
        "help_country": offer.country or None,
        **_help_lists(offer, get_language() or ""),
    }
    return Status(201, body)


def _help_lists(offer: resources.HelpOffer, language: str) -> dict[str, list[dict]]:
    return _services_as_shown(tuple(offer.services), tuple(offer.crisis_lines), language)


@functools.lru_cache(maxsize=256)
def _services_as_shown(services: tuple, crisis_lines: tuple, language: str) -> dict[str, list[dict]]:
    """Services as the API shows them, in the request's language (`language` is part of the key: the
    opening hours are translated)."""
    return {
        "help": [service.as_dict() for service in services],
        "crisis_lines": [service.as_dict() for service in crisis_lines],
    }


@router.get(
    "/stories",
    summary="Published public stories, newest first",
    **refusals(
        {200: StoryPage},
        {
            400: "`before` is not a page token from an earlier answer, or a filter is not valid; "
            "`fields` names it."
        },
    ),
)
def list_stories(
    request: HttpRequest,
    before: str = "",
    hashtag: str = "",
    language: str = "",
    q: str = "",
):
    cursor = None
    if before:
        cursor = Cursor.decode(before)
        if cursor is None:
            raise ApiError(
                400, _("Some fields are not valid."), {"before": _("This is not a page token from us.")}
            )
    from ustoo.stories.forms import WallFilterForm

    filters = WallFilterForm({"hashtag": hashtag, "language": language, "q": q})
    if not filters.is_valid():
        raise ApiError(400, _("Some fields are not valid."), _form_errors(filters))
    page = wall_page(
        reader=None,
        size=settings.WALL_PAGE_SIZE,
        cursor=cursor,
        hashtag=filters.cleaned_data["hashtag"],
        language=filters.cleaned_data["language"],
        query=filters.cleaned_data["q"],
    )
    return {
        "stories": [_story_out(story) for story in page.stories],
        "next": page.next_cursor.encode() if page.next_cursor else None,
    }


def _public_story(story_id: int) -> Story:
    story = Story.objects.visible_to(None).select_related("statement").filter(pk=story_id).first()
    if story is None:
        raise ApiError(404, _("There is no public story with this id."))
    return story


StoryId = Annotated[int, Path(ge=1, le=LARGEST_ID, description="The story's number.")]


@router.get(
    "/stories/{story_id}",
    summary="One published public story",
    **refusals({200: StoryOut}, {404: NOTHING_HERE, 422: INVALID}),
)
def get_story(request: HttpRequest, story_id: StoryId):
    return _story_out(_public_story(story_id))


@router.post(
    "/stories/{story_id}/solidarity",
    auth=None,
    summary="Stand with the author",
    **refusals(
        {200: SolidarityOut, 201: SolidarityOut},
        {
            400: BAD_BODY,
            403: f"{OTHER_SITE} Also: a member's request without its CSRF token (X-CSRFToken), or a "
            "member who may not take part now (suspended).",
            404: NOTHING_HERE,
            413: TOO_LARGE,
            415: NOT_JSON,
            422: INVALID,
            429: TOO_MANY,
        },
    ),
)
@decorate_view(json_write)
def add_solidarity(request: HttpRequest, story_id: StoryId, payload: SolidarityIn):
    """One answer of each kind per person: per member when logged in; without an account, per
    browser session (the answer sets a session cookie) and, since a script can drop that cookie, per
    client address for the day (known only by its daily fingerprint). 201 when added, 200 with the
    unchanged counts when this person had already sent it."""
    story = _public_story(story_id)
    rate_limited(request, "solidarity")
    form = SolidarityForm({"kind": payload.kind})
    if not form.is_valid():
        raise ApiError(400, _("Some fields are not valid."), _form_errors(form))
    if request.user.is_authenticated:
        _require_csrf(request)
    elif not _first_answer_from_this_client(request, story, form.cleaned_data["kind"]):
        story.refresh_from_db()
        return Status(200, {"added": False, "solidarity": story.solidarity_counts})
    try:
        added = services.stand_with(
            story=story,
            kind=form.cleaned_data["kind"],
            responder=access.responder_key(request),
            member=request.user,
        )
    except services.NotAllowedNow as refusal:
        raise ApiError(403, str(refusal), {"account": str(refusal)}) from None
    story.refresh_from_db()
    return Status(201 if added else 200, {"added": added, "solidarity": story.solidarity_counts})


def _first_answer_from_this_client(request: HttpRequest, story: Story, kind: str) -> bool:
    """Whether this client (by its daily fingerprint) has not yet sent this answer to this story today;
    it is marked as sent. The mark lives only in the cache, keyed by a hash: no address is stored."""
    subject = f"{story.pk}:{kind}:{ratelimit.client_fingerprint(request)}"
    key = "solidarity-client:" + hashlib.sha256(subject.encode()).hexdigest()[:40]
    return cache.add(key, True, timeout=ANSWER_MARK_SECONDS)


def _require_csrf(request: HttpRequest) -> None:
    """A member's session cookie authorises this write, so it needs the CSRF token like a form."""
    from django.middleware.csrf import CsrfViewMiddleware

    reason = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
    if reason is not None:
        raise ApiError(
            403, _("The CSRF token is missing or wrong."), {"csrf": _("Send the X-CSRFToken header.")}
        )
