"""Tags of the layout every page extends (templates/base.html)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_link(context, name: str, label: str, section: str = "", link_id: str = "") -> str:
    """A menu link that says when it is the page being read (aria-current="page") or the part of the
    site it belongs to (aria-current="true"), so the reader knows where they are. `section` names the
    URL namespaces of that part, separated by commas."""
    url = reverse(name)
    request = context.get("request")
    current = ""
    if request is not None:
        match = request.resolver_match
        if request.path == url:
            current = "page"
        elif match is not None and url != "/" and set(section.split(",")) & set(match.namespaces):
            current = "true"
    return format_html(
        '<a class="nav__link" href="{}"{}{}>{}</a>',
        url,
        format_html(' id="{}"', link_id) if link_id else "",
        format_html(' aria-current="{}"', current) if current else "",
        label,
    )
