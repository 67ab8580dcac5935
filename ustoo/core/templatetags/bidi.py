"""Filters for text in any script on pages in any direction."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ustoo.core.hashtags import hashtag_spans

register = template.Library()


@register.filter
def hashtags_whole(text: str) -> SafeString:
    """`text`, escaped, with each hashtag isolated in a <bdi>: in an Arabic sentence "#MeToo" keeps its
    `#` before the word (unisolated, the bidi algorithm moves it to the other end: "MeToo#"), and
    #أنا_كمان reads right to left inside an English one."""
    text = str(text or "")
    pieces, last = [], 0
    for start, end in hashtag_spans(text):
        pieces += [escape(text[last:start]), '<bdi class="hashtag">', escape(text[start:end]), "</bdi>"]
        last = end
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of the text is escaped


@register.filter
def isolated(text) -> SafeString:
    """`text`, escaped, in a <bdi>: a name or title put into a translated sentence keeps its own
    direction and does not reorder the words around it ("إلى Prof. Alex Example, Vice-Chancellor")."""
    return mark_safe(f"<bdi>{escape(str(text))}</bdi>")  # noqa: S308 - the text is escaped
