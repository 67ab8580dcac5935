"""Everything a member has here, gathered for export and erased on deletion.

Apps higher up (stories, campaigns, ...) hold data about a member; accounts must not import them. So
each registers one exporter and one eraser here from its AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ustoo.accounts.models import Member


@dataclass(frozen=True)
class MemberDataSection:
    name: str
    export: Callable[[Member], object]
    erase: Callable[[Member], None]


_sections: dict[str, MemberDataSection] = {}


def register(name: str, *, export: Callable[[Member], object], erase: Callable[[Member], None]) -> None:
    _sections[name] = MemberDataSection(name=name, export=export, erase=erase)


def export_member_data(member: Member) -> dict:
    data: dict[str, object] = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": member.username,
            "email": member.email,
            "role": member.role,
            "date_joined": member.date_joined.isoformat(),
            "last_login": member.last_login.isoformat() if member.last_login else None,
            "content_warning_preferences": {"expand": member.cw_expand, "hide": member.cw_hide},
        },
    }
    for section in _sections.values():
        data[section.name] = section.export(member)
    return data


def delete_member(member: Member) -> None:
    with transaction.atomic():
        for section in _sections.values():
            section.erase(member)
        member.delete()
