"""Forms for speaking, editing and replying. The API feeds its JSON through the same forms, so a rule
lives in one place."""

import secrets

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries

from ustoo.core.form_input import UndecodableTextMixin
from ustoo.core.hashtags import MAX_HASHTAG_LENGTH, normalise_hashtag
from ustoo.core.validators import MaxCharactersValidator, validate_encodable
from ustoo.stories.models import (
    AgeAtTime,
    ContentWarning,
    Harm,
    Relation,
    Setting,
    SolidarityKind,
    Visibility,
)
from ustoo.stories.models.solidarity import MAX_REPLY_LENGTH
from ustoo.stories.models.story import MAX_CW_NOTE_LENGTH, MAX_TEXT_LENGTH, MAX_TITLE_LENGTH
from ustoo.stories.services import Details, StoryDraft

EARLIEST_YEAR = 1900
ONGOING = "ongoing"


class TextField(forms.CharField):
    """Text as people type it: storable as UTF-8, and a length error that says how long it is."""

    default_validators = [validate_encodable]

    def __init__(self, *, max_length: int | None = None, **kwargs) -> None:
        super().__init__(max_length=max_length, **kwargs)
        self.validators = [
            MaxCharactersValidator(max_length) if isinstance(validator, MaxLengthValidator) else validator
            for validator in self.validators
        ]


def _blank_first(choices, label=_("Prefer not to say")):  # noqa: B008 (a lazy translation)
    return [("", label), *choices]


class DetailsForm(forms.Form):
    """Optional details: every one may be left out."""

    setting = forms.ChoiceField(
        label=_("Where did it happen?"), choices=_blank_first(Setting.choices), required=False
    )
    relation = forms.ChoiceField(
        label=_("Who did it, to you?"), choices=_blank_first(Relation.choices), required=False
    )
    age_at_time = forms.ChoiceField(
        label=_("How old were you?"), choices=_blank_first(AgeAtTime.choices), required=False
    )
    year = forms.CharField(
        label=_("Year"),
        required=False,
        max_length=10,
        help_text=_("A year such as 2017, or “ongoing”."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 8}),
    )
    country = forms.ChoiceField(
        label=_("Country"), choices=lambda: _blank_first(list(countries)), required=False
    )
    harms = forms.MultipleChoiceField(
        label=_("What kind of harm?"),
        choices=Harm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_year(self):
        value = (self.cleaned_data.get("year") or "").strip()
        if not value:
            return None
        if value.casefold() in {ONGOING, str(_("ongoing")).casefold()}:
            return ONGOING
        # Decimal digits of any script ("2017", "٢٠١٧", "２０１７"), which int() reads. Not isdigit(): it
        # also accepts superscripts and circled digits ("²", "①"), which int() refuses.
        if not value.isdecimal():
            raise forms.ValidationError(_("Write a year such as 2017, or “ongoing”."), code="invalid")
        year = int(value)
        if not EARLIEST_YEAR <= year <= timezone.now().year:
            raise forms.ValidationError(
                _("Write a year between %(first)s and %(last)s.")
                % {"first": EARLIEST_YEAR, "last": timezone.now().year},
                code="range",
            )
        return year

    def details(self) -> Details:
        data = self.cleaned_data
        year = data.get("year")
        return Details(
            setting=data.get("setting") or "",
            relation=data.get("relation") or "",
            age_at_time=data.get("age_at_time") or "",
            year=year if isinstance(year, int) else None,
            ongoing=year == ONGOING,
            country=data.get("country") or "",
            harms=list(data.get("harms") or []),
        )


class StoryFieldsForm(UndecodableTextMixin):
    title = TextField(label=_("Title (optional)"), max_length=MAX_TITLE_LENGTH, required=False)
    text = TextField(
        label=_("Your story"),
        max_length=MAX_TEXT_LENGTH,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 10, "dir": "auto", "maxlength": MAX_TEXT_LENGTH}),
        help_text=_("Up to 20,000 characters. Share only what you want to share."),
    )
    content_warnings = forms.MultipleChoiceField(
        label=_("Content warnings"),
        choices=ContentWarning.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Readers see these before your story, which stays folded until they open it."),
    )
    cw_note = TextField(
        label=_("Content warning in your words (optional)"), max_length=MAX_CW_NOTE_LENGTH, required=False
    )
    visibility = forms.ChoiceField(
        label=_("Who can read it?"),
        choices=Visibility.choices,
        initial=Visibility.PUBLIC,
        required=False,
        widget=forms.RadioSelect,
    )
    replies_enabled = forms.BooleanField(label=_("Let members reply to my story"), required=False)
    language = forms.ChoiceField(
        label=_("Language of your story"),
        choices=lambda: _blank_first(STORY_LANGUAGES, label=_("Detect it for me")),
        required=False,
    )

    def clean_story_fields(self, cleaned: dict) -> None:
        # A field that already has an error (too long, an unknown choice) is not also called missing.
        if not cleaned.get("text") and "text" not in self.errors:
            self.add_error(
                "text",
                forms.ValidationError(
                    _("Write your story, or go back and choose “Count me” to be counted without one."),
                    code="required",
                ),
            )
        if not cleaned.get("content_warnings") and "content_warnings" not in self.errors:
            self.add_error(
                "content_warnings",
                forms.ValidationError(
                    _("Choose at least one content warning for your readers."), code="required"
                ),
            )

    def draft(self) -> StoryDraft:
        data = self.cleaned_data
        return StoryDraft(
            text=data["text"],
            title=data.get("title") or "",
            visibility=data.get("visibility") or Visibility.PUBLIC,
            content_warnings=list(data.get("content_warnings") or []),
            cw_note=data.get("cw_note") or "",
            replies_enabled=bool(data.get("replies_enabled")),
            language=data.get("language") or detect_language(data["text"]),
        )


# Languages a story may be written in: those with a movement variant, plus the interface languages.
STORY_LANGUAGES = [
    ("ar", "العربية"),
    ("de", "Deutsch"),
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("hi", "हिन्दी"),
    ("it", "Italiano"),
    ("ja", "日本語"),
    ("ko", "한국어"),
    ("nl", "Nederlands"),
    ("pl", "Polski"),
    ("pt", "Português"),
    ("ru", "Русский"),
    ("sv", "Svenska"),
    ("ur", "اردو"),
    ("zh", "中文"),
]
_STORY_LANGUAGE_CODES = {code for code, _name in STORY_LANGUAGES}


def detect_language(text: str) -> str:
    """The story's language by an offline detector, when the author did not say."""
    import py3langid

    code, _score = py3langid.classify(text)
    return code if code in _STORY_LANGUAGE_CODES else ""


class SpeakingFormMixin(UndecodableTextMixin):
    """What both ways of saying "me too" carry: the form's one-time token (sending the same form
    twice counts once, see services.say_me_too) and, for members, whether to speak anonymously."""

    once = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    anonymous = forms.BooleanField(
        label=_("Post anonymously: nobody, moderators included, sees that it was me"),
        required=False,
        initial=True,
    )

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(16)


class CountMeForm(SpeakingFormMixin, DetailsForm):
    """Count me: one click, and the optional details that feed the magnitude."""


class ShareStoryForm(SpeakingFormMixin, StoryFieldsForm, DetailsForm):
    """Count me and share my story."""

    field_order = [
        "title",
        "text",
        "content_warnings",
        "cw_note",
        "visibility",
        "replies_enabled",
        "language",
    ]

    def clean(self):
        cleaned = super().clean()
        self.clean_story_fields(cleaned)
        return cleaned


def wants_to_share_a_story(data) -> bool:
    """A story typed is a story shared: words are never dropped for a count-only "me too", whichever
    form or client sent them (and "mode=story", which older pages and clients send, says so too)."""
    values = (data.get(name) for name in ("text", "title"))
    return data.get("mode") == "story" or any(isinstance(value, str) and value.strip() for value in values)


class EditStoryForm(StoryFieldsForm, DetailsForm):
    def clean(self):
        cleaned = super().clean()
        self.clean_story_fields(cleaned)
        return cleaned


class DeleteForm(forms.Form):
    keep_in_total = forms.TypedChoiceField(
        label=_("Should your “me too” still count in the total?"),
        choices=[
            ("yes", _("Yes, keep counting me (nothing else is kept)")),
            ("no", _("No, remove me from the total")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )


class SolidarityForm(forms.Form):
    kind = forms.ChoiceField(choices=SolidarityKind.choices)


class ReplyForm(UndecodableTextMixin):
    text = TextField(
        label=_("Your reply"),
        max_length=MAX_REPLY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto", "maxlength": MAX_REPLY_LENGTH}),
    )


class ReceiptForm(forms.Form):
    receipt = TextField(
        label=_("Your receipt"),
        max_length=300,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class ReaderPreferencesForm(forms.Form):
    expand = forms.MultipleChoiceField(
        label=_("Open these stories without asking"),
        choices=ContentWarning.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    hide = forms.MultipleChoiceField(
        label=_("Hide stories with these warnings entirely"),
        choices=ContentWarning.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self):
        cleaned = super().clean()
        both = set(cleaned.get("expand") or []) & set(cleaned.get("hide") or [])
        if both:
            raise forms.ValidationError(
                _("A warning cannot be both opened automatically and hidden."), code="both"
            )
        return cleaned


class WallFilterForm(forms.Form):
    # No filter by where it happened, or by any other detail: details are published as totals only,
    # never next to anyone's words, and a filter would put them there.
    hashtag = forms.CharField(label=_("Hashtag"), max_length=100, required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=lambda: _blank_first(STORY_LANGUAGES, label=_("Any language")),
        required=False,
    )
    q = TextField(label=_("Search"), max_length=200, required=False)
    before = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)

    def clean_hashtag(self):
        tag = normalise_hashtag((self.cleaned_data.get("hashtag") or "").strip())
        if len(tag) > MAX_HASHTAG_LENGTH:
            raise forms.ValidationError(
                ngettext(
                    "A hashtag has at most %(limit)s character.",
                    "A hashtag has at most %(limit)s characters.",
                    MAX_HASHTAG_LENGTH,
                )
                % {"limit": MAX_HASHTAG_LENGTH},
                code="max_length",
            )
        return tag
