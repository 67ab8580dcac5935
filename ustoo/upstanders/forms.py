"""Forms for pledging, reporting that one stepped up and owning harm done. The API feeds its JSON
through the same forms, so a rule lives in one place."""

import secrets

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ustoo.core.form_input import UndecodableTextMixin
from ustoo.moderation.models import ReasonCode
from ustoo.stories.forms import TextField
from ustoo.upstanders.guides import APPROACH_SUMMARY
from ustoo.upstanders.models import (
    COMMITMENT_TEXT,
    MAX_ACCOUNT_LENGTH,
    MAX_PLEDGE_WORDS,
    PLEDGE_TEXT,
    Approach,
    Outcome,
    Place,
)

CHOOSE_FROM_THE_LIST = _("Choose one of the options shown.")


class OnceForm(UndecodableTextMixin):
    """A form carrying its one-time token: sent twice, it counts once (see services)."""

    once = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(16)


def _words_field(label, help_text, max_length: int) -> TextField:
    return TextField(
        label=label,
        help_text=help_text,
        max_length=max_length,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto", "maxlength": max_length}),
    )


class PledgeForm(OnceForm):
    actions = forms.MultipleChoiceField(
        label=_("What will you do?"),
        help_text=_("Choose as many as you mean."),
        choices=list(PLEDGE_TEXT.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": CHOOSE_FROM_THE_LIST},
    )
    own_words = _words_field(
        _("A pledge in your own words (optional)"),
        _(
            "Up to 500 characters. A moderator reads it before anyone else sees it. Do not name anyone, "
            "or say where they can be found."
        ),
        MAX_PLEDGE_WORDS,
    )
    text_field = "own_words"

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("actions") and not cleaned.get("own_words") and not self.errors:
            self.add_error(
                "actions",
                forms.ValidationError(
                    _("Choose at least one thing you will do, or write your pledge in your own words."),
                    code="required",
                ),
            )
        return cleaned


def _described(choices, descriptions) -> list[tuple[str, str]]:
    return [(value, format_lazy("{}: {}", label, descriptions[value])) for value, label in choices]


class InterventionForm(OnceForm):
    approach = forms.ChoiceField(
        label=_("What did you do?"),
        help_text=_("If you did several, choose the one that mattered most."),
        choices=_described(Approach.choices, APPROACH_SUMMARY),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what you did: one of the five ways of stepping up."),
            "invalid_choice": CHOOSE_FROM_THE_LIST,
        },
    )
    setting = forms.ChoiceField(
        label=_("Where was it?"),
        choices=Place.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose where it was."), "invalid_choice": CHOOSE_FROM_THE_LIST},
    )
    outcome = forms.ChoiceField(
        label=_("Did it help?"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether it helped, or “I do not know”."),
            "invalid_choice": CHOOSE_FROM_THE_LIST,
        },
    )
    account = _words_field(
        _("What happened, in a few words (optional)"),
        _(
            "Up to 2,000 characters. A moderator reads it before anyone else sees it, and it is shown "
            "without your other answers. Do not name anyone, or say exactly where it was."
        ),
        MAX_ACCOUNT_LENGTH,
    )
    text_field = "account"


class AcknowledgementForm(OnceForm):
    commitment = forms.ChoiceField(
        label=_("What will you do now?"),
        choices=list(COMMITMENT_TEXT.items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what you will do now."),
            "invalid_choice": CHOOSE_FROM_THE_LIST,
        },
    )
    text = _words_field(
        _("What you want to say (optional)"),
        _(
            "Up to 2,000 characters. A moderator reads it before anyone else sees it. Do not write "
            "anything that could identify you, the person you harmed, or where it happened."
        ),
        MAX_ACCOUNT_LENGTH,
    )
    text_field = "text"


class WordsDecisionForm(forms.Form):
    PUBLISH, REJECT = "publish", "reject"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(PUBLISH, _("Publish")), (REJECT, _("Do not publish"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to publish it.")},
    )
    code = forms.ChoiceField(
        label=_("Reason (when not published)"),
        choices=[("", _("Choose a reason")), *ReasonCode.choices],
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REJECT and not cleaned.get("code"):
            self.add_error(
                "code", forms.ValidationError(_("Choose why it is not published."), code="required")
            )
        return cleaned
