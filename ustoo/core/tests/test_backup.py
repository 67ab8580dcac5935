"""`ustoo backup` and `ustoo restore` (docs/DEPLOY.md): a backup taken while the site runs, restored, gives
back every row and count, on SQLite (make test-sqlite) and on PostgreSQL (make test-postgres)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from ustoo.accounts.models import Member
from ustoo.conftest import make_member, make_story
from ustoo.magnitude.models import Counter
from ustoo.stories import services
from ustoo.stories.models import Statement, Story

pytestmark = pytest.mark.django_db(transaction=True)


def figures() -> tuple:
    return (
        Statement.objects.count(),
        Story.objects.count(),
        Member.objects.count(),
        Counter.objects.aggregate(total=Sum("count"))["total"],
        sorted(Story.objects.values_list("text", flat=True)),
    )


def test_a_backup_restored_gives_back_every_row_and_count(tmp_path):
    make_member("keeper")
    spoken = [make_story(text=f"It happened at work, story {number}.") for number in range(3)]
    services.say_me_too(member=None, anonymous=True)
    kept = figures()
    assert kept[:4] == (4, 3, 1, 4)

    backup = tmp_path / "ustoo.backup"
    call_command("backup", str(backup), stdout=io.StringIO())
    assert backup.stat().st_mode & 0o777 == 0o600

    # What happens after the backup is what a restore takes back.
    services.delete_statement(statement=spoken[0].statement, keep_in_total=False)
    make_story(text="Written after the backup.")
    assert figures() != kept

    call_command("restore", str(backup), "--noinput", stdout=io.StringIO())
    assert figures() == kept


def test_a_backup_never_overwrites_a_file(tmp_path):
    existing = tmp_path / "earlier.backup"
    existing.write_text("an earlier backup")
    with pytest.raises(CommandError, match="exists"):
        call_command("backup", str(existing))
    assert existing.read_text() == "an earlier backup"
