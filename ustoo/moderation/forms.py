from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ustoo.accounts.models import Member, Role, TrustLevel
from ustoo.core.validators import validate_encodable
from ustoo.moderation.models import FlagReason, ReasonCode


class DecisionForm(forms.Form):
    APPROVE, REJECT, REQUEST_CHANGES, HIDE = "approve", "reject", "request_changes", "hide"
    action = forms.ChoiceField(
        label=_("What happens to this story?"),
        choices=[
            (APPROVE, _("Approve and publish")),
            (REJECT, _("Reject")),
            (REQUEST_CHANGES, _("Ask the author to change something")),
            (HIDE, _("Hide it")),
        ],
        widget=forms.RadioSelect,
    )
    code = forms.ChoiceField(
        label=_("Reason"),
        help_text=_(
            "Needed to reject or hide it: the author reads it with their receipt or on their account."
        ),
        choices=[("", "—"), *ReasonCode.choices],
        required=False,
    )
    message = forms.CharField(
        label=_("Message to the author (optional, they see it with the reason)"),
        max_length=500,
        required=False,
        validators=[validate_encodable],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action in (self.REJECT, self.HIDE) and not cleaned.get("code"):
            self.add_error("code", _("Choose the reason the author will see."))
        if action == self.REQUEST_CHANGES and not cleaned.get("message"):
            self.add_error("message", _("Say what the author should change."))
        return cleaned


class QueueFilterForm(forms.Form):
    STATES = [
        ("pending", pgettext_lazy("story state", "Waiting for review")),
        ("hidden", _("Hidden after flags or by moderators")),
        ("identifies", _("Flagged as identifying someone")),
        ("urgent", _("Signals danger")),
    ]
    state = forms.ChoiceField(label=_("Show"), choices=STATES, required=False)
    language = forms.CharField(label=_("Language"), max_length=8, required=False)


class MemberSearchForm(forms.Form):
    # A search that cannot be (a NUL character, which PostgreSQL refuses) finds everyone.
    q = forms.CharField(label=_("Username"), required=False)


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=FlagReason.choices, widget=forms.RadioSelect
    )


class StoryVersionForm(forms.Form):
    """The version of the story the moderator read: a decision on a story changed since is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class SlowModeForm(StoryVersionForm):
    seconds = forms.IntegerField(
        label=_("Minimum seconds between one member's replies (0: off)"),
        min_value=0,
        max_value=7 * 24 * 3600,
        widget=forms.NumberInput(attrs={"class": "input--short"}),
    )


class ReplyDecisionForm(forms.Form):
    reply = forms.IntegerField(min_value=1)
    hidden = forms.ChoiceField(choices=[("1", _("Hide")), ("0", _("Restore"))])


class MemberActionForm(forms.Form):
    """One decision about one member. Nothing is chosen beforehand: a moderator picks each decision
    on purpose, and the ones that take something away are confirmed on a second page."""

    PROMOTE, MAKE_MODERATOR, SUSPEND, BAN, REINSTATE = (
        "promote",
        "make_moderator",
        "suspend",
        "ban",
        "reinstate",
    )
    NEEDS_CONFIRMATION = (SUSPEND, BAN)
    action = forms.ChoiceField(
        choices=[
            (PROMOTE, _("Promote to member: their stories publish without waiting for review")),
            (SUSPEND, _("Suspend for some days: they can still read, but not share, reply or flag")),
            (BAN, _("Ban: logged out at once, and the receipts of what they said stop opening")),
            (REINSTATE, _("Reinstate: end the ban or the suspension")),
            (MAKE_MODERATOR, _("Make a moderator (administrators only)")),
        ],
        widget=forms.RadioSelect,
    )
    days = forms.IntegerField(
        label=_("Days of suspension"),
        help_text=_("Only for a suspension: from 1 to 365."),
        min_value=1,
        max_value=365,
        required=False,
        widget=forms.NumberInput(attrs={"class": "input--short"}),
    )
    # The member's standing as the moderator saw it (services.member_state): refused if it changed.
    state = forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={"required": _("This form is out of date: reload the page and try again.")},
    )
    # Sent by the confirmation page of a suspension or a ban.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, member: Member, moderator: Member, **kwargs):
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        action.label = _("Action for %(name)s") % {"name": member.username}
        action.error_messages["required"] = _("Choose an action for %(name)s.") % {"name": member.username}
        # Only the decisions that apply now are offered. Any is still accepted, so that one sent
        # anyway (the member changed meanwhile) is refused by the service, saying why.
        applies = {
            self.PROMOTE: member.trust_level == TrustLevel.NEW,
            self.SUSPEND: not member.is_banned,
            self.BAN: not member.is_banned,
            self.REINSTATE: member.is_banned or member.suspended_until is not None,
            self.MAKE_MODERATOR: moderator.role == Role.ADMIN
            and member.role == Role.MEMBER
            and member.may_take_part,
        }
        action.widget.choices = [(value, label) for value, label in action.choices if applies[value]]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.SUSPEND and not cleaned.get("days"):
            self.add_error("days", _("Say for how many days."))
        return cleaned
