"""Pledging, reporting that one stepped up, and owning harm done: each writes everything it touches in
one transaction, counts it on write (observers.counted), and counts nothing more when the same form
is sent again (its one-time token, as for saying "me too")."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ustoo.core import keys, ratelimit
from ustoo.stories.access import member_responder_key, responder_key
from ustoo.stories.screening import screen
from ustoo.stories.services import ensure_may_take_part
from ustoo.upstanders.models import (
    ACKNOWLEDGEMENTS,
    INTERVENTIONS,
    PLEDGES,
    Acknowledgement,
    Intervention,
    OwnWords,
    Pledge,
    WordsDecision,
    WordsKind,
    WordsStatus,
)
from ustoo.upstanders.observers import counted

# The rate limits of pledging, reporting and acknowledging (settings.RATE_LIMITS), and the name of
# their flood measure, for the pages and the API alike.
RATE_SCOPE = "upstand"


def today() -> datetime.date:
    """The day rows count on: UTC, like every day of the magnitude."""
    return timezone.now().astimezone(datetime.UTC).date()


def pledger_key(request: HttpRequest) -> bytes:
    """Who is pledging: the member, or else this browser session, as stories know a person who stands
    with an author, hashed again under a purpose of its own so that nobody can link someone's pledges to
    their answers to stories."""
    return keys.keyed_hash("pledger", responder_key(request).hex())


def member_pledger_key(member_id: int) -> bytes:
    """The key a member's pledges carry, wherever they logged in (as pledger_key makes it)."""
    return keys.keyed_hash("pledger", member_responder_key(member_id).hex())


def client_pledger_key(request: HttpRequest) -> bytes:
    """Who is pledging through the API: a script keeps no session, so the client, known only by its
    fingerprint of the day (ratelimit.client_fingerprint): one pledge of each action per client a day."""
    return keys.keyed_hash("pledger", "client:" + ratelimit.client_fingerprint(request))


@dataclass(frozen=True)
class Sent:
    """What one form counted. `counted` holds the choices counted now; for a pledge, `already` holds
    the actions this person had pledged before (each counts once). `repeated`: the same form was sent
    again, and nothing more was counted or kept."""

    counted: tuple[str, ...] = ()
    already: tuple[str, ...] = ()
    words: OwnWords | None = None
    repeated: bool = False
    urgent: bool = False  # the words signal danger: the page offers crisis lines


def _once_key(purpose: str, once: str) -> bytes | None:
    return keys.keyed_hash(purpose, once) if once else None


def _words_once_key(kind: str, once: str) -> bytes | None:
    return _once_key("words-once", f"{kind}:{once}") if once else None


def _keep_words(kind: str, text: str, *, language: str, once: str, day: datetime.date) -> OwnWords | None:
    """Keep what someone wrote, for a moderator to read before anyone else does. Screened like a story:
    whether it names or identifies someone, and whether it signals danger (then it is read first)."""
    if not text:
        return None
    screening = screen(text)
    return OwnWords.objects.create(
        kind=kind,
        text=text,
        language=language[:8],
        identifies_someone=screening.identifies_someone,
        urgent=screening.urgent,
        once_key=_words_once_key(kind, once),
        day=day,
    )


def _earlier_words(kind: str, once: str) -> OwnWords | None:
    key = _words_once_key(kind, once)
    return OwnWords.objects.filter(once_key=key).first() if key else None


def pledge(
    *,
    actions: Iterable[str],
    pledger: bytes,
    words: str = "",
    language: str = "",
    once: str = "",
    member=None,
    day: datetime.date | None = None,
) -> Sent:
    """Count this person's pledge of each action, once per person and per action, and keep their own
    words for a moderator. A suspended or banned member is refused (stories' NotAllowedNow). `day` is
    for the demo; by default today."""
    ensure_may_take_part(member)
    actions = sorted(set(actions))
    once_key = _once_key("pledge-once", once)
    if once_key is not None:
        earlier = tuple(Pledge.objects.filter(once_key=once_key).values_list("action", flat=True))
        earlier_words = _earlier_words(WordsKind.PLEDGE, once)
        if earlier or earlier_words is not None:
            return Sent(already=tuple(actions), words=earlier_words, repeated=True)
    day = day or today()
    added, already = [], []
    with transaction.atomic():
        for action in actions:
            try:
                # Each in its own savepoint: an action this person pledged before leaves the others.
                with transaction.atomic():
                    Pledge.objects.create(action=action, pledger=pledger, once_key=once_key, day=day)
            except IntegrityError:
                already.append(action)
            else:
                added.append(action)
        counted(PLEDGES, day, len(added))
        kept = _keep_or_find_words(WordsKind.PLEDGE, words, language=language, once=once, day=day)
    return Sent(counted=tuple(added), already=tuple(already), words=kept, urgent=bool(kept and kept.urgent))


def _keep_or_find_words(kind: str, text: str, *, language: str, once: str, day) -> OwnWords | None:
    try:
        with transaction.atomic():
            return _keep_words(kind, text, language=language, once=once, day=day)
    except IntegrityError:  # the same form sent twice at once: the other request kept them
        return _earlier_words(kind, once)


def _count_once(
    model, purpose: str, kind: str, *, once: str, words: str, language: str, population, day, **choices
):
    """Count one row (an intervention or an acknowledgement) and keep its words, unless the same form
    was sent before: then nothing more is counted or kept."""
    once_key = _once_key(purpose, once)
    if once_key is not None and model.objects.filter(once_key=once_key).exists():
        return Sent(words=_earlier_words(kind, once), repeated=True)
    day = day or today()
    try:
        with transaction.atomic():
            model.objects.create(once_key=once_key, day=day, **choices)
            counted(population, day, 1)
            kept = _keep_words(kind, words, language=language, once=once, day=day)
    except IntegrityError:
        # The same form sent twice at once: the other request counted it.
        if once_key is not None and model.objects.filter(once_key=once_key).exists():
            return Sent(words=_earlier_words(kind, once), repeated=True)
        raise
    return Sent(counted=tuple(choices.values()), words=kept, urgent=bool(kept and kept.urgent))


def report_intervention(
    *,
    approach: str,
    setting: str,
    outcome: str,
    words: str = "",
    language: str = "",
    once: str = "",
    member=None,
    day: datetime.date | None = None,
) -> Sent:
    """Count that someone stepped up: which of the five Ds, where, and whether it helped. `day` is for
    the demo; by default today."""
    ensure_may_take_part(member)
    return _count_once(
        Intervention,
        "intervention-once",
        WordsKind.INTERVENTION,
        once=once,
        words=words,
        language=language,
        population=INTERVENTIONS,
        day=day,
        approach=approach,
        setting=setting,
        outcome=outcome,
    )


def acknowledge(
    *,
    commitment: str,
    words: str = "",
    language: str = "",
    once: str = "",
    member=None,
    day: datetime.date | None = None,
) -> Sent:
    """Count that someone owned the harm they did, with what they commit to."""
    ensure_may_take_part(member)
    return _count_once(
        Acknowledgement,
        "acknowledgement-once",
        WordsKind.ACKNOWLEDGEMENT,
        once=once,
        words=words,
        language=language,
        population=ACKNOWLEDGEMENTS,
        day=day,
        commitment=commitment,
    )


# --- Moderation ------------------------------------------------------------------------------------


class DecisionRefused(Exception):
    """A decision that cannot be applied; the message says why, in plain words."""


def decide_on_words(*, words: OwnWords, publish: bool, moderator, code: str = "") -> OwnWords:
    """Publish or reject words that wait for review, and write the decision in the log. Words someone
    else decided on meanwhile are left as they are (DecisionRefused)."""
    with transaction.atomic():
        current = OwnWords.objects.select_for_update().filter(pk=words.pk).first()
        if current is None or current.status != WordsStatus.PENDING:
            raise DecisionRefused(_("Someone else decided on these words meanwhile. Nothing was changed."))
        current.status = WordsStatus.PUBLISHED if publish else WordsStatus.REJECTED
        current.decided_on = today()
        current.save(update_fields=["status", "decided_on"])
        WordsDecision.record(
            actor=moderator,
            action=WordsDecision.PUBLISH if publish else WordsDecision.REJECT,
            words_id=current.pk,
            kind=current.kind,
            code="" if publish else code,
        )
    return current
