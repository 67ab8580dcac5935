from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def error_target(field: BoundField) -> str:
    """The id an error summary links to: the control itself, or the first choice of a group."""
    if field.use_fieldset:
        return f"{field.auto_id}_0"
    return field.id_for_label
