"""The forms of the site's own pages (the contact page)."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from ustoo.core.form_input import UndecodableTextMixin
from ustoo.core.validators import MaxCharactersValidator, validate_encodable

MESSAGE_MAX = 5000


class Topic(models.TextChoices):
    PROBLEM = "problem", _("A problem with the site")
    ACCESSIBILITY = "accessibility", _("Something hard to use or read (accessibility)")
    PRIVACY = "privacy", _("A privacy request: what is kept about me, or deleting it")
    OTHER = "other", _("Something else")


class ContactForm(UndecodableTextMixin, forms.Form):
    topic = forms.ChoiceField(label=_("What is it about?"), choices=Topic.choices, widget=forms.RadioSelect)
    message = forms.CharField(
        label=_("Your message"),
        strip=True,
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=[validate_encodable, MaxCharactersValidator(MESSAGE_MAX)],
        help_text=_(
            "What happened, on which page, and what you expected. Please do not write your story or your "
            "receipt here: this goes by e-mail, and no one will ask for them."
        ),
    )
    reply_to = forms.EmailField(
        label=_("Your e-mail address (optional)"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        help_text=_("Only if you want an answer. It goes with your message and nowhere else."),
    )
