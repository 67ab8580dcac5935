from django import template

from ustoo.moderation.models import ReasonCode

register = template.Library()


@register.filter
def reason_label(code: str) -> str:
    """A reason code as its author reads it: stories keep the code, moderation names it."""
    return ReasonCode(code).label if code in ReasonCode.values else code
