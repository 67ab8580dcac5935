"""The upstanders' part of the movement: pledges, interventions reported and harm acknowledged, each
counted as a row with no link to who sent it, and what anyone wrote in their own words, which waits
for a moderator.

Every row keeps the day it was made (UTC), never a time: the figures are released a day at a time, so
nothing finer is worth keeping. Stored values never change; labels may."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ustoo.core.audit import AppendOnlyLog

# The three kinds of rows the magnitude releases, by the name of their day counters and cohorts.
PLEDGES, INTERVENTIONS, ACKNOWLEDGEMENTS = "pledges", "interventions", "acknowledgements"

MAX_PLEDGE_WORDS = 500
MAX_ACCOUNT_LENGTH = 2_000


class Action(models.TextChoices):
    """What someone pledges to do: short labels for charts and lists (the pledge itself is PLEDGES)."""

    STEP_IN = "step_in", _("Step in safely")
    BELIEVE = "believe", _("Listen and believe")
    SPEAK_UP = "speak_up", _("Speak up against excuses")
    CONSENT = "consent", _("Ask, and respect the answer")
    KNOW_HOW_TO_REPORT = "know_reporting", _("Know how to report")
    BACK_UP = "back_up", _("Back up people who report")
    WRITE_DOWN = "write_down", _("Write down what I see")
    TALK_WITH_YOUNG = "talk_young", _("Talk with young people")


PLEDGE_TEXT = {
    Action.STEP_IN: _(
        "When I see someone being harassed, I will step in, in a way that is safe for them and for me."
    ),
    Action.BELIEVE: _(
        "When someone tells me it happened to them, I will listen, believe them, and let them decide what "
        "happens next."
    ),
    Action.SPEAK_UP: _("When someone jokes about harassment or excuses it, I will say that I disagree."),
    Action.CONSENT: _("I will ask before I touch anyone, and take “no”, silence or hesitation as a no."),
    Action.KNOW_HOW_TO_REPORT: _(
        "I will find out how harassment is reported where I work, study or volunteer."
    ),
    Action.BACK_UP: _("I will stand by people who report harassment, even when it is unpopular."),
    Action.WRITE_DOWN: _(
        "When I witness harassment, I will write down what I saw and offer my notes to the person it "
        "happened to."
    ),
    Action.TALK_WITH_YOUNG: _("I will talk about consent and respect with the young people in my life."),
}


class Approach(models.TextChoices):
    """The five Ds of bystander intervention (as Right To Be teaches them)."""

    DISTRACT = "distract", _("Distract")
    DELEGATE = "delegate", _("Delegate")
    DOCUMENT = "document", _("Document")
    DELAY = "delay", _("Delay")
    DIRECT = "direct", _("Direct")


class Place(models.TextChoices):
    STREET = "street", _("Street or public transport")
    WORK = "work", _("Work")
    SCHOOL = "school", _("School or university")
    ONLINE = "online", _("Online")
    HOME = "home", _("Home or family")
    OTHER = "other", pgettext_lazy("place", "Somewhere else")


class Outcome(models.TextChoices):
    HELPED = "helped", _("It helped")
    DID_NOT = "did_not", _("It did not help")
    UNKNOWN = "unknown", _("I do not know")


class Commitment(models.TextChoices):
    """What someone who caused harm commits to (the commitment itself is COMMITMENT_TEXT)."""

    STOP = "stop", _("Stop, and not do it again")
    GET_HELP = "get_help", _("Get help to change")
    LEARN = "learn", _("Learn what my actions did")
    ACCOUNTABLE = "accountable", _("Answer for it if asked")
    STOP_OTHERS = "stop_others", _("Stop others who do it")


COMMITMENT_TEXT = {
    Commitment.STOP: _("I will stop, and I will not do it again."),
    Commitment.GET_HELP: _(
        "I will talk to a helpline or a professional about what I did, and how to change."
    ),
    Commitment.LEARN: _("I will learn how what I did affects people, and listen without defending myself."),
    Commitment.ACCOUNTABLE: _(
        "If the person I harmed, or the place where it happened, asks me to answer for it, I will, without "
        "excuses. I will not contact the person I harmed unless they want me to."
    ),
    Commitment.STOP_OTHERS: _("When I see others do what I did, I will tell them to stop."),
}


class Pledge(models.Model):
    """One person pledging one action: counted once per person and per action."""

    action = models.CharField(max_length=16, choices=Action.choices)
    # Who pledged, as a keyed hash of the member or the browser session (see services.pledger_key): it
    # enforces one pledge of each action per person without saying who.
    pledger = models.BinaryField(max_length=32, editable=False)
    # A keyed hash of the form's one-time token: the same form sent again counts nothing more.
    # Cleared after a day (retention.py).
    once_key = models.BinaryField(max_length=32, null=True, blank=True, editable=False)
    day = models.DateField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pledger", "action"], name="pledge_once_per_person"),
            models.UniqueConstraint(fields=["once_key", "action"], name="pledge_once_per_form"),
        ]

    def __str__(self) -> str:
        return f"pledge {self.pk}: {self.action}"


class Intervention(models.Model):
    """Someone stepped up: how, where, and whether it helped. Nothing else, and no link to anyone."""

    approach = models.CharField(max_length=16, choices=Approach.choices)
    setting = models.CharField(max_length=16, choices=Place.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    once_key = models.BinaryField(max_length=32, null=True, blank=True, editable=False, unique=True)
    day = models.DateField(db_index=True)

    def __str__(self) -> str:
        return f"intervention {self.pk}: {self.approach}, {self.setting}, {self.outcome}"


class Acknowledgement(models.Model):
    """Someone owned the harm they did, and committed to one thing."""

    commitment = models.CharField(max_length=16, choices=Commitment.choices)
    once_key = models.BinaryField(max_length=32, null=True, blank=True, editable=False, unique=True)
    day = models.DateField(db_index=True)

    def __str__(self) -> str:
        return f"acknowledgement {self.pk}: {self.commitment}"


class WordsKind(models.TextChoices):
    PLEDGE = "pledge", _("A pledge in their own words")
    INTERVENTION = "intervention", _("How they stepped up")
    ACKNOWLEDGEMENT = "acknowledgement", _("What they own")


class WordsStatus(models.TextChoices):
    # Contexts: the state agrees with "words" (plural in most languages), not with a story or a campaign.
    PENDING = "pending", pgettext_lazy("an upstander's own words", "Waiting for review")
    PUBLISHED = "published", pgettext_lazy("an upstander's own words", "Published")
    REJECTED = "rejected", pgettext_lazy("an upstander's own words", "Not published")


class OwnWordsQuerySet(models.QuerySet["OwnWords"]):
    def waiting(self) -> "OwnWordsQuerySet":
        """What moderators have to read: what signals danger first, then the oldest."""
        return self.filter(status=WordsStatus.PENDING).order_by("-urgent", "day", "id")

    def published(self, kind: str) -> "OwnWordsQuerySet":
        return self.filter(kind=kind, status=WordsStatus.PUBLISHED).order_by("-decided_on", "-id")


class OwnWords(models.Model):
    """What someone wrote with a pledge, a report or an acknowledgement. It is kept apart from the
    row that was counted (nothing links them), waits for a moderator, and is shown only once approved,
    without any of the answers it came with."""

    kind = models.CharField(max_length=16, choices=WordsKind.choices)
    text = models.TextField(max_length=MAX_ACCOUNT_LENGTH)
    language = models.CharField(max_length=8, blank=True)
    status = models.CharField(max_length=12, choices=WordsStatus.choices, default=WordsStatus.PENDING)
    # Set when it was sent: it names or identifies someone, or signals danger (stories.screening).
    identifies_someone = models.BooleanField(default=False)
    urgent = models.BooleanField(default=False)
    once_key = models.BinaryField(max_length=32, null=True, blank=True, editable=False, unique=True)
    day = models.DateField()
    decided_on = models.DateField(null=True, blank=True)
    # Written for the demo (`ustoo load_demo_upstanders`), not by a person: pages label it fictional.
    demo = models.BooleanField(default=False, editable=False)

    objects = OwnWordsQuerySet.as_manager()

    class Meta:
        verbose_name = _("words")
        verbose_name_plural = _("words")
        indexes = [models.Index(fields=["status", "-urgent", "day", "id"], name="own_words_queue_idx")]

    def __str__(self) -> str:
        return f"{self.kind} words {self.pk}"


class WordsDecision(AppendOnlyLog):
    """One moderator's decision on words: who, which, when, why. Never the words themselves."""

    PUBLISH, REJECT = "publish", "reject"
    ACTIONS = [
        (PUBLISH, pgettext_lazy("an upstander's own words", "Published")),
        (REJECT, pgettext_lazy("an upstander's own words", "Not published")),
    ]

    action = models.CharField(max_length=8, choices=ACTIONS)
    words_id = models.BigIntegerField(db_index=True)
    kind = models.CharField(max_length=16, choices=WordsKind.choices)
    code = models.CharField(max_length=16, blank=True)

    def __str__(self) -> str:
        return f"{self.action} of words {self.words_id} by {self.actor_name or 'the system'}"
