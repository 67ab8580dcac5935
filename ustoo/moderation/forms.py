from django import forms
from django.utils.translation import gettext_lazy as _

from ustoo.core.validators import validate_encodable
from ustoo.moderation.models import FlagReason, ReasonCode


class DecisionForm(forms.Form):
    APPROVE, REJECT, REQUEST_CHANGES, HIDE = "approve", "reject", "request_changes", "hide"
    action = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (APPROVE, _("Approve and publish")),
            (REJECT, _("Reject")),
            (REQUEST_CHANGES, _("Ask the author to change something")),
            (HIDE, _("Hide it")),
        ],
        widget=forms.RadioSelect,
    )
    code = forms.ChoiceField(label=_("Reason"), choices=[("", "—"), *ReasonCode.choices], required=False)
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
        ("pending", _("Waiting for review")),
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
        label=_("Minimum seconds between one member's replies (0: off)"), min_value=0, max_value=7 * 24 * 3600
    )


class ReplyDecisionForm(forms.Form):
    reply = forms.IntegerField(min_value=1)
    hidden = forms.ChoiceField(choices=[("1", _("Hide")), ("0", _("Restore"))])


class MemberActionForm(forms.Form):
    PROMOTE, MAKE_MODERATOR, SUSPEND, BAN, REINSTATE = (
        "promote",
        "make_moderator",
        "suspend",
        "ban",
        "reinstate",
    )
    action = forms.ChoiceField(
        choices=[
            (PROMOTE, _("Promote to member")),
            (SUSPEND, _("Suspend")),
            (BAN, _("Ban")),
            (REINSTATE, _("Reinstate")),
            (MAKE_MODERATOR, _("Make a moderator (administrators)")),
        ],
        widget=forms.RadioSelect,
    )
    days = forms.IntegerField(label=_("Days of suspension"), min_value=1, max_value=365, required=False)
    # The member's standing as the moderator saw it (services.member_state): refused if it changed.
    state = forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={"required": _("This form is out of date: reload the page and try again.")},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.SUSPEND and not cleaned.get("days"):
            self.add_error("days", _("Say for how many days."))
        return cleaned
