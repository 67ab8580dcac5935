from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def grouped(value) -> str:
    """A count with the current language's thousands separator (1,234 / 1 234)."""
    try:
        return number_format(int(value), force_grouping=True)
    except (TypeError, ValueError):
        return ""
