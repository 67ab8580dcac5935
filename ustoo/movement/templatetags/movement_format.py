"""Times of a movement report as people read them (ustoo/movement/readable.py); counts use
Django's `intcomma` (django.contrib.humanize)."""

from django import template

from ustoo.movement import readable

register = template.Library()
register.filter("periods", readable.partial_periods_text)


@register.filter
def when(iso: str | None, zone: str) -> str:
    return readable.when(iso, zone)
