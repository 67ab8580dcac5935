"""Run by test_retention.py in its own process, on a SQLite file in a fresh data directory:
posts stories carrying canary words, rejects or deletes them (some after they were published and
then hidden or rejected), checks that the deleted words are already gone from the database file and
its write-ahead log, runs prune_expired, and exits. The test then searches every file the site wrote
(database, WAL, cache) and this process's output (the logs) for the canaries."""

import datetime
import os
import sys

os.environ["DJANGO_SETTINGS_MODULE"] = "ustoo.settings"

import django

django.setup()

from django.test.utils import setup_test_environment  # noqa: E402

setup_test_environment()  # the test client then records each response's context

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from ustoo.accounts.models import Member, Role, TrustLevel  # noqa: E402
from ustoo.stories.models import Reply, Story  # noqa: E402

REJECTED, DELETED_KEPT, DELETED_GONE, REPLY, HIDDEN_THEN_DELETED, REJECTED_THEN_DELETED = sys.argv[1:7]
PASSPHRASE = "canary moderator passphrase"


def speak(client: Client, text: str, **extra) -> str:
    response = client.post(
        "/speak/",
        {
            "mode": "story",
            "text": text,
            "title": text,
            "content_warnings": ["other"],
            "replies_enabled": "on",
            **extra,
        },
    )
    assert response.status_code == 200, response.status_code
    assert "receipt" in response.context, response.content.decode()[:3000]
    return response.context["receipt"]


def assert_gone_from_the_files(*canaries: str) -> None:
    """Right after a deletion commits, not only after the nightly prune."""
    for name in ("ustoo.sqlite3", "ustoo.sqlite3-wal"):
        path = settings.DATA_DIR / name
        content = path.read_bytes() if path.exists() else b""
        for canary in canaries:
            assert canary.encode() not in content, f"{canary} still in {name} right after its deletion"


def delete_with_receipt(receipt: str, keep: str) -> None:
    owner = Client()
    opened = owner.post("/receipt/", {"receipt": receipt})
    statement_id = int(opened["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert owner.post(f"/mine/{statement_id}/delete/", {"keep_in_total": keep}).status_code == 302


call_command("migrate", verbosity=0)
moderator = Member.objects.create_user(
    "canary-mod", PASSPHRASE, role=Role.MODERATOR, trust_level=TrustLevel.MEMBER
)
replier = Member.objects.create_user("canary-replier", PASSPHRASE, trust_level=TrustLevel.MEMBER)

author = Client()
speak(author, f"The first words {REJECTED} were rejected")
kept_receipt = speak(Client(), f"Second story {DELETED_KEPT} deleted but counted")
gone_receipt = speak(Client(), f"Third story {DELETED_GONE} deleted entirely")
hidden_receipt = speak(Client(), f"Fourth story {HIDDEN_THEN_DELETED} published, hidden, deleted")
rejected_receipt = speak(Client(), f"Fifth story {REJECTED_THEN_DELETED} published, rejected, deleted")
speak(Client(), "A story that stays published")

mod = Client()
mod.force_login(moderator)
mod.post("/moderate/confirm/", {"passphrase": PASSPHRASE})
for story in Story.objects.all():
    decision = {"action": "approve"} if REJECTED not in story.text else {"action": "reject", "code": "spam"}
    assert (
        mod.post(f"/moderate/stories/{story.pk}/decide/", {"version": story.version, **decision}).status_code
        == 302
    )

reply_client = Client()
reply_client.force_login(replier)
target = Story.objects.get(text__contains=DELETED_GONE)
reply_client.post(f"/stories/{target.pk}/reply/", {"text": f"A reply {REPLY} to delete"})
assert Reply.objects.count() == 1
# Read the published stories once, so the shared page cache and the search index have seen them.
Client().get("/")
Client().get("/", {"q": DELETED_KEPT})

for receipt, keep in ((kept_receipt, "yes"), (gone_receipt, "no")):
    delete_with_receipt(receipt, keep)
assert_gone_from_the_files(DELETED_KEPT, DELETED_GONE, REPLY)

# Published (and read) first, then taken off the wall by a moderator, then deleted by the author.
for canary, decision in (
    (HIDDEN_THEN_DELETED, {"action": "hide", "code": "hateful"}),
    (REJECTED_THEN_DELETED, {"action": "reject", "code": "other"}),
):
    story = Story.objects.get(text__contains=canary)
    assert story.status == "published"
    assert (
        mod.post(f"/moderate/stories/{story.pk}/decide/", {"version": story.version, **decision}).status_code
        == 302
    )
for receipt, keep in ((hidden_receipt, "no"), (rejected_receipt, "yes")):
    delete_with_receipt(receipt, keep)
assert_gone_from_the_files(DELETED_KEPT, DELETED_GONE, REPLY, HIDDEN_THEN_DELETED, REJECTED_THEN_DELETED)
print("deleted words gone from the database file and its log at once")

# The rejection is older than the retention period.
Story.objects.filter(text__contains=REJECTED).update(rejected_at=timezone.now() - datetime.timedelta(days=31))
call_command("prune_expired")
assert list(Story.objects.values_list("text", flat=True)) == ["A story that stays published"]
for connection in connections.all():
    connection.close()
print("canary run done")
