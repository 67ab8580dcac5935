"""Screening of what someone is about to publish: does it name someone, or signal danger?"""

from collections.abc import Sequence
from dataclasses import dataclass

from ustoo.safety import crisis, naming_guard


@dataclass(frozen=True)
class Screening:
    findings: Sequence[naming_guard.Finding] = ()
    urgent: bool = False

    @property
    def identifies_someone(self) -> bool:
        return bool(self.findings)


def screen(text: str) -> Screening:
    if not text:
        return Screening()
    return Screening(findings=naming_guard.find_identifiers(text), urgent=crisis.signals_danger(text))
