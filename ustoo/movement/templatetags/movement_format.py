"""Times of a movement report as people read them (ustoo/movement/readable.py); counts use
Django's `intcomma` (django.contrib.humanize)."""

from django import template

from ustoo.movement import readable

register = template.Library()
register.filter("periods", readable.partial_periods_text)
register.filter("period", readable.period)
register.filter("language", readable.language)


@register.filter
def when(iso: str | None, zone: str) -> str:
    return readable.when(iso, zone)


register.filter("validation", readable.validation_text)
register.filter("unvalidated", readable.unvalidated_text)


@register.filter
def percent(value: float | None) -> str:
    return "" if value is None else readable.share(value)
