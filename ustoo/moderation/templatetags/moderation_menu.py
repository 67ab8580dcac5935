"""The moderation menu, on every moderation page (stories and campaigns alike)."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from ustoo.moderation import queue

register = template.Library()

# Which menu item each moderation page belongs to, by URL name: the item is marked as the current one.
_SECTIONS = {
    "moderation:queue": "queue",
    "moderation:review": "queue",
    "moderation:decide": "queue",
    "moderation:slow_mode": "queue",
    "moderation:flagged": "flagged",
    "moderation:members": "members",
    "moderation:member": "members",
    "moderation:log": "log",
}


@register.inclusion_tag("moderation/_menu.html", takes_context=True)
def moderation_menu(context) -> dict[str, object]:
    request = context["request"]
    match = request.resolver_match
    section = _SECTIONS.get(match.view_name if match else "", "")
    if match and "campaign_moderation" in match.namespaces:
        section = "campaigns"
    if match and "upstanders_moderation" in match.namespaces:
        section = "upstanders"
    waiting = queue.counts()
    items = [
        ("queue", reverse("moderation:queue"), _("Queue"), waiting.pending, "q"),
        ("flagged", reverse("moderation:flagged"), _("Flagged"), waiting.flagged, "f"),
        ("campaigns", reverse("campaign_moderation:queue"), _("Campaigns"), None, ""),
        ("upstanders", reverse("upstanders_moderation:queue"), _("Step up"), waiting.upstanders, ""),
        ("members", reverse("moderation:members"), _("Members"), None, "m"),
        ("log", reverse("moderation:log"), _("Log"), None, "l"),
    ]
    return {
        "items": [
            {
                "url": url,
                "label": label,
                "count": count,
                "accesskey": accesskey,
                # "page" on the item's own page, "true" on the pages inside it (a story under review).
                "current": ("page" if request.path == url else "true") if key == section else "",
            }
            for key, url, label, count, accesskey in items
        ]
    }
