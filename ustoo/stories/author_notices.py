"""What apps above stories want an author to see on their own pages ("a campaign asks to show your
story"). They register a provider from AppConfig.ready(); stories never imports them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True, slots=True)
class AuthorNotice:
    text: str
    url: str
    link_text: str


NoticeProvider = Callable[[HttpRequest], "AuthorNotice | None"]
_providers: list[NoticeProvider] = []


def register_author_notices(provider: NoticeProvider) -> None:
    """`provider(request)` returns a notice for the visitor whose statements these are, or None."""
    if provider not in _providers:
        _providers.append(provider)


def author_notices(request: HttpRequest) -> list[AuthorNotice]:
    return [notice for provider in _providers if (notice := provider(request)) is not None]
