"""Screening of what someone is about to publish: does it name someone, or signal danger?

The detectors live in moderation (above stories), which registers them here from its AppConfig;
stories asks through this module and never imports moderation."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


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
