"""Forms for starting, signing and running a campaign. The API feeds its JSON through the same
forms, so each rule lives in one place."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries

from ustoo.campaigns import addresses
from ustoo.campaigns.models import (
    ASK_MAX,
    NAME_MAX,
    POSTCODE_MAX,
    REASON_MAX,
    TITLE_MAX,
    UPDATE_MAX,
    WHY_MAX,
    Campaign,
    RejectionCode,
    Status,
    response_threshold_problem,
    site_response_threshold,
)
from ustoo.campaigns.services import CampaignDraft, SignerDetails, longest_run_days
from ustoo.core.form_fields import LARGEST_ID, RowIdField, RowIdsField
from ustoo.core.validators import validate_encodable

GOAL_MAX = 100_000_000


class TextField(forms.CharField):
    default_validators = [validate_encodable]


def validate_signer_email(value: str) -> None:
    if addresses.is_disposable(value):
        raise ValidationError(
            _("Addresses at throwaway e-mail services cannot sign. Use an address you keep."),
            code="disposable",
        )


validate_postcode = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z \-]*$", _("A postcode has only letters, digits, spaces and hyphens.")
)


class LongSelect(forms.Select):
    """A <select> written directly: Django renders each <option> through a template, which for
    250 countries costs more than the rest of a campaign's page together."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = "" if value is None else str(value)
        options = [
            f'<option value="{escape(choice)}"{" selected" if str(choice) == selected else ""}>'
            f"{escape(label)}</option>"
            for choice, label in self.choices
        ]
        final = self.build_attrs(self.attrs, attrs)
        return mark_safe(f'<select name="{escape(name)}"{flatatt(final)}>{"".join(options)}</select>')  # noqa: S308


def _country_choices():
    return [("", _("Choose your country")), *countries]


class CountryChoiceField(forms.ChoiceField):
    """A country code, checked against the list by lookup: ChoiceField walks every (translated)
    choice to validate one, which costs more than the rest of signing's form."""

    def __init__(self, **kwargs) -> None:
        super().__init__(choices=_country_choices, widget=LongSelect, **kwargs)

    def valid_value(self, value) -> bool:
        return str(value) in countries


class CampaignForm(forms.Form):
    title = TextField(
        label=_("Title"), max_length=TITLE_MAX, error_messages={"required": _("Give your campaign a title.")}
    )
    asks_for = TextField(
        label=_("What do you ask for?"),
        max_length=ASK_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One clear action the decision maker can take."),
        error_messages={"required": _("Say what you ask the decision maker to do.")},
    )
    decision_maker_name = TextField(
        label=_("Decision maker's name"),
        max_length=120,
        error_messages={"required": _("Name the person who can make the change.")},
    )
    decision_maker_role = TextField(
        label=_("Their role"),
        max_length=120,
        error_messages={"required": _("Give the decision maker's role.")},
    )
    decision_maker_organisation = TextField(
        label=_("Their organisation"),
        max_length=160,
        error_messages={"required": _("Give the decision maker's organisation.")},
    )
    decision_maker_email = forms.EmailField(
        label=_("Their e-mail address (optional, never shown)"),
        max_length=254,
        required=False,
        help_text=_(
            "At the response threshold we ask them for a response at this address. Without it, "
            "the site's moderators reach them another way."
        ),
    )
    why = TextField(
        label=_("Why it matters"),
        max_length=WHY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Say why it matters.")},
    )
    goal = forms.IntegerField(
        label=_("Signature goal"),
        min_value=1,
        max_value=GOAL_MAX,
        initial=1000,
        error_messages={
            "required": _("Give a goal: the number of signatures you aim for."),
            "invalid": _("Give the goal as a whole number, like 1000."),
        },
    )
    response_threshold = forms.IntegerField(
        label=_("Ask the decision maker to respond at (optional)"),
        min_value=1,
        max_value=GOAL_MAX,
        required=False,
        error_messages={"invalid": _("Give the number of signatures as a whole number, like 1000.")},
    )
    ends_on = forms.DateField(
        label=_("End date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("At most six months from today."),
        error_messages={
            "required": _("Give the date the campaign ends."),
            "invalid": _("Give the end date as a date, like 2027-03-31."),
        },
    )
    stories = forms.CharField(
        label=_("Stories to link (optional)"),
        required=False,
        max_length=500,
        help_text=_(
            "Numbers or addresses of published stories, separated by spaces. A story shows with the "
            "campaign only once its author agrees."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        threshold = site_response_threshold()
        self.fields["response_threshold"].help_text = ngettext(
            "A number of signatures, at most your goal. Left empty: at %(number)s signature, or at "
            "your goal if it is lower.",
            "A number of signatures, at most your goal. Left empty: at %(number)s signatures, or at "
            "your goal if it is lower.",
            threshold,
        ) % {"number": number_format(threshold, force_grouping=True)}

    def clean(self):
        data = super().clean()
        goal = data.get("goal")
        if goal is not None and (problem := response_threshold_problem(goal, data.get("response_threshold"))):
            self.add_error("response_threshold", problem)
        return data

    def clean_ends_on(self) -> datetime.date:
        ends_on = self.cleaned_data["ends_on"]
        today = timezone.localdate()
        if ends_on <= today:
            raise ValidationError(_("The end date must be after today."))
        if ends_on > today + datetime.timedelta(days=longest_run_days()):
            raise ValidationError(_("A campaign runs for at most six months."))
        return ends_on

    def clean_stories(self) -> list[int]:
        """Each story as its number or its address (the number is the last one in it)."""
        numbers = []
        for item in re.split(r"[\s,]+", self.cleaned_data["stories"]):
            if match := re.search(r"(\d+)\D*$", item):
                numbers.append(int(match.group(1)))
        if any(number > LARGEST_ID for number in numbers):
            raise ValidationError(
                _("One of these numbers is too large to be a story's. Copy the story's address again."),
                code="invalid",
            )
        return numbers[:10]

    def draft(self) -> CampaignDraft:
        data = self.cleaned_data
        return CampaignDraft(
            title=data["title"],
            asks_for=data["asks_for"],
            decision_maker_name=data["decision_maker_name"],
            decision_maker_role=data["decision_maker_role"],
            decision_maker_organisation=data["decision_maker_organisation"],
            decision_maker_email=data["decision_maker_email"],
            why=data["why"],
            goal=data["goal"],
            ends_on=data["ends_on"],
            response_threshold=data["response_threshold"],
        )


class CampaignEditForm(CampaignForm):
    """The same questions, less the stories (asked for once, when it starts), filled with the
    campaign as it stands."""

    stories = None

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        initial = {field: getattr(campaign, field) for field in self.declared_fields}
        super().__init__(*args, initial=initial, **kwargs)


class SignForm(forms.Form):
    name = TextField(label=_("Your name"), max_length=NAME_MAX, required=False)
    hide_name = forms.BooleanField(label=_("Don't show my name"), required=False)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        validators=[validate_signer_email],
        help_text=_("We send one link to confirm it. It is never shown, shared or sold."),
        error_messages={
            "required": _("Give your e-mail address: your signature counts once you open the link we send."),
            "invalid": _("Give your e-mail address in full, like name@example.org."),
        },
    )
    country = CountryChoiceField(
        label=_("Country"),
        error_messages={
            "required": _("Choose your country."),
            "invalid_choice": _("Choose your country from the list."),
        },
    )
    postcode = TextField(
        label=_("Postcode (optional)"),
        max_length=POSTCODE_MAX,
        required=False,
        validators=[validate_postcode],
    )
    reason = TextField(
        label=_("Why you sign (optional)"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    show_on_page = forms.BooleanField(
        label=_("Show my first name and my reason on the campaign page"),
        required=False,
        help_text=_(
            "Once your signature counts, this page can show your first name (never your surname or "
            "e-mail address) and why you sign. Any names or contact details in your reason are removed."
        ),
    )
    wants_updates = forms.BooleanField(label=_("E-mail me news of this campaign"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("hide_name") and not (data.get("name") or "").strip() and not self.has_error("name"):
            self.add_error("name", _("Give your name, or tick “Don't show my name”."))
        return data

    def signer(self, language: str) -> SignerDetails:
        data = self.cleaned_data
        return SignerDetails(
            name=data["name"].strip(),
            show_name=not data["hide_name"],
            email=data["email"],
            country=data["country"],
            postcode=data["postcode"],
            reason=data["reason"].strip(),
            wants_updates=data["wants_updates"],
            language=language,
            show_on_page=data["show_on_page"],
        )


class MemberSignForm(forms.Form):
    wants_updates = forms.BooleanField(label=_("E-mail me news of this campaign"), required=False)


class MemberEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        validators=[validate_signer_email],
        error_messages={
            "required": _("Give the e-mail address you sign with."),
            "invalid": _("Give your e-mail address in full, like name@example.org."),
        },
    )
    name = TextField(
        label=_("Name to show when you sign (optional)"),
        max_length=NAME_MAX,
        required=False,
        help_text=_("Leave empty to sign without showing a name."),
    )
    country = CountryChoiceField(
        label=_("Country"),
        error_messages={
            "required": _("Choose your country."),
            "invalid_choice": _("Choose your country from the list."),
        },
    )
    postcode = TextField(
        label=_("Postcode (optional)"),
        max_length=POSTCODE_MAX,
        required=False,
        validators=[validate_postcode],
    )


class UpdateForm(forms.Form):
    text = TextField(label=_("Your update"), max_length=UPDATE_MAX, widget=forms.Textarea(attrs={"rows": 6}))


class VictoryForm(forms.Form):
    text = TextField(label=_("What was won"), max_length=UPDATE_MAX, widget=forms.Textarea(attrs={"rows": 6}))


class ResponseForm(forms.Form):
    text = TextField(
        label=_("The decision maker's response, as received"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 10}),
    )


class DecisionMakerEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("The decision maker's e-mail address (never shown)"),
        max_length=254,
        help_text=_("The request for a response goes to it with the next batch of mail."),
    )


class ReviewForm(forms.Form):
    PUBLISH = "publish"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(PUBLISH, _("Publish")), *RejectionCode.choices],
        widget=forms.RadioSelect,
    )
    duplicate_of = forms.CharField(
        label=_("If a duplicate: the original campaign's address"), required=False, max_length=200
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == RejectionCode.DUPLICATE:
            slug = (data.get("duplicate_of") or "").rstrip("/").rsplit("/", 1)[-1]
            original = Campaign.objects.filter(slug=slug, status__in=[Status.OPEN, Status.CLOSED]).first()
            if original is None:
                self.add_error("duplicate_of", _("Give the address of a published campaign."))
            data["original"] = original
        return data


class InvalidateForm(forms.Form):
    # Signatures of other campaigns are left alone by the service, whatever numbers are sent.
    signatures = RowIdsField(
        label=_("Signatures"),
        error_messages={
            "required": _("Tick the signatures to invalidate."),
            "invalid": _("Tick the signatures to invalidate from the list."),
        },
    )


class IntegrityFilterForm(forms.Form):
    """The integrity page's filters; a value that is not valid is left out of the selection."""

    hours = forms.IntegerField(min_value=1, max_value=72, required=False)
    domain = forms.CharField(max_length=253, required=False)
    client = forms.CharField(max_length=64, required=False)


class StoryLinkAnswerForm(forms.Form):
    """An author's answer to a campaign that asks to show their story."""

    link = RowIdField(
        label=_("Request"),
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_value"),
            _("The request you answered could not be read. Choose your answer again."),
        ),
    )
    agree = forms.ChoiceField(
        label=_("Answer"),
        choices=[("yes", _("Agree")), ("no", _("Decline"))],
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose Agree or Decline."),
            "invalid_choice": _("Choose Agree or Decline."),
        },
    )
