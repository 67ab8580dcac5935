from django import template

from ustoo.stories import author_notices as notices
from ustoo.stories.forms import STORY_LANGUAGES
from ustoo.stories.models import ContentWarning, Harm

register = template.Library()

_CW_LABELS = dict(ContentWarning.choices)
_HARM_LABELS = dict(Harm.choices)
_LANGUAGE_NAMES = dict(STORY_LANGUAGES)


@register.filter
def opens_for(story, preferences) -> bool:
    """Whether the reader asked to open stories with these warnings without asking."""
    return preferences is not None and preferences.opens(story)


@register.filter
def warning_labels(codes) -> list[str]:
    return [str(_CW_LABELS.get(code, code)) for code in codes or []]


@register.filter
def story_language(code: str) -> str:
    """A story's language named in itself, as the form offers it (its code if the form does not)."""
    return _LANGUAGE_NAMES.get(code, code)


@register.filter
def harm_labels(codes) -> list[str]:
    return [str(_HARM_LABELS.get(code, code)) for code in codes or []]


@register.inclusion_tag("stories/_author_notices.html", takes_context=True)
def author_notices(context) -> dict:
    """Notices from other apps for the author reading their own statements (author_notices.py)."""
    return {"notices": notices.author_notices(context["request"])}
