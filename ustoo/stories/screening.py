"""Screening of what someone is about to publish: does it name someone, or signal danger? And the
help to offer them once they have spoken.

The detectors and the directory of support services live in moderation (above stories), which
registers them here from its AppConfig; stories asks through this module and never imports moderation."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Finding:
    kind: str  # "name", "email", "phone", "handle", "profile_url"
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Screening:
    findings: Sequence[Finding] = field(default_factory=tuple)
    urgent: bool = False

    @property
    def identifies_someone(self) -> bool:
        return bool(self.findings)


@dataclass(frozen=True)
class _Screeners:
    find: Callable[[str], Sequence[Finding]]
    redact: Callable[[str], str]
    signals_danger: Callable[[str], bool]


_registered: _Screeners | None = None


def register(
    *,
    find: Callable[[str], Sequence[Finding]],
    redact: Callable[[str], str],
    signals_danger: Callable[[str], bool],
) -> None:
    global _registered
    _registered = _Screeners(find=find, redact=redact, signals_danger=signals_danger)


def screen(text: str) -> Screening:
    if _registered is None or not text:
        return Screening()
    return Screening(findings=tuple(_registered.find(text)), urgent=_registered.signals_danger(text))


def redact(text: str) -> str:
    return _registered.redact(text) if _registered is not None else text


@dataclass(frozen=True)
class HelpOffer:
    """Support to show someone who has just spoken: services for their country (`country`, empty
    when unknown), and, when what they wrote signals danger, the crisis lines to reach at once.
    Services are moderation's `Service` objects (their `as_dict()` is what the API shows)."""

    country: str = ""
    services: Sequence[Any] = ()
    crisis_lines: Sequence[Any] = ()


_help: Callable[[HttpRequest, str, bool], HelpOffer] | None = None


def register_help(offer: Callable[[HttpRequest, str, bool], HelpOffer]) -> None:
    global _help
    _help = offer


def help_after_speaking(request: HttpRequest, *, country: str, urgent: bool) -> HelpOffer:
    """The help to offer after someone spoke: for the country they gave with what they said, else the
    one chosen on the page (?country=), else their browser's language region."""
    if _help is None:
        return HelpOffer()
    return _help(request, country, urgent)
