"""What stories holds about a member, for their export and their account deletion."""

from ustoo.stories import services
from ustoo.stories.access import member_responder_key
from ustoo.stories.models import Reply, Solidarity, Statement, Story


def export_statements(member) -> list[dict]:
    result = []
    for statement in Statement.objects.owned_by_member(member).order_by("created_at"):
        entry = {
            "id": statement.pk,
            "created_at": statement.created_at.isoformat(),
            "anonymous": statement.member_id is None,
            "counted": statement.counted,
            "setting": statement.setting,
            "relation": statement.relation,
            "age_at_time": statement.age_at_time,
            "year": statement.year,
            "ongoing": statement.ongoing,
            "country": statement.country.code if statement.country else "",
            "harms": statement.harms,
            "story": None,
        }
        story = Story.objects.filter(statement=statement).first()
        if story is not None:
            entry["story"] = {
                "id": story.pk,
                "title": story.title,
                "text": story.text,
                "language": story.language,
                "visibility": story.visibility,
                "status": story.status,
                "content_warnings": story.content_warnings,
                "cw_note": story.cw_note,
                "replies_enabled": story.replies_enabled,
                "solidarity": story.solidarity_counts,
            }
        result.append(entry)
    return result


def export_replies(member) -> list[dict]:
    return [
        {"story": reply.story_id, "text": reply.text, "created_at": reply.created_at.isoformat()}
        for reply in Reply.objects.filter(member=member).order_by("created_at")
    ]


def export_solidarity(member) -> list[dict]:
    return [
        {"story": row.story_id, "kind": row.kind, "created_at": row.created_at.isoformat()}
        for row in Solidarity.objects.filter(responder=member_responder_key(member.pk)).order_by("created_at")
    ]


def erase_statements(member) -> None:
    for statement in Statement.objects.owned_by_member(member):
        services.delete_statement(statement=statement, keep_in_total=False)


def erase_replies(member) -> None:
    Reply.objects.filter(member=member).delete()


def erase_solidarity(member) -> None:
    services.withdraw_solidarity(responder=member_responder_key(member.pk))
