"""Uploads no entry named within a day are deleted by `ustoo prune_expired`, rows and files; what an
entry named is kept, and a file left without a row by a process that died is removed too."""

import datetime
import os
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from ustoo.journal.models import Attachment, Journal

pytestmark = pytest.mark.django_db


def test_unclaimed_uploads_are_pruned_after_a_day_and_named_ones_kept(
    writer, attachments_dir, capsys, django_capture_on_commit_callbacks
):
    named = writer.upload(b"named by an entry")
    writer.write(attachments=[named])
    loose = writer.upload(b"never named")
    recent = writer.upload(b"uploaded just now")
    assert Attachment.objects.get(pk=named["id"]).unclaimed_since is None
    a_day_ago = timezone.now() - datetime.timedelta(hours=25)
    Attachment.objects.filter(pk__in=[loose["id"], named["id"]]).update(unclaimed_since=a_day_ago)
    stored_before = Journal.objects.get().stored_bytes
    with django_capture_on_commit_callbacks(execute=True):
        call_command("prune_expired")
    assert "Deleted 1 journal attachments no entry named." in capsys.readouterr().out
    assert set(Attachment.objects.values_list("pk", flat=True)) == {named["id"], recent["id"]}
    assert sorted(p.name for p in attachments_dir.iterdir()) == sorted([named["id"], recent["id"]])
    assert Journal.objects.get().stored_bytes == stored_before - (64 * 1024 + 28)


def test_a_file_without_a_row_is_removed_once_a_day_old(writer, attachments_dir, capsys):
    writer.upload(b"a real one")
    old_orphan = attachments_dir / ("a" * 32)
    old_orphan.write_bytes(b"half an upload from a process that died")
    two_days_ago = time.time() - 2 * 86400
    os.utime(old_orphan, (two_days_ago, two_days_ago))
    new_orphan = attachments_dir / ("b" * 32)
    new_orphan.write_bytes(b"an upload being written right now")
    call_command("prune_expired")
    assert "Deleted 1 journal attachments" in capsys.readouterr().out
    assert not old_orphan.exists() and new_orphan.exists()
    assert len(list(attachments_dir.iterdir())) == 2
