"""Moderation's and campaigns' logs are append-only: no way the ORM offers changes or deletes a row."""

import pytest
from django.db import IntegrityError, transaction

from ustoo.campaigns.models import CampaignDecision
from ustoo.conftest import PASSPHRASE, make_story
from ustoo.moderation.models import Decision

pytestmark = pytest.mark.django_db

# One entry of each log, written as the apps write them.
ENTRIES = {
    "moderation": (Decision, {"action": "hide", "code": "spam", "story_id": 1}, ("code", "other")),
    "campaigns": (CampaignDecision, {"action": "publish", "campaign_id": 1}, ("code", "other")),
}


@pytest.fixture(params=ENTRIES.values(), ids=ENTRIES.keys())
def entry(request):
    model, fields, change = request.param
    row = model.objects.create(**fields)
    before = model.objects.values().get(pk=row.pk)
    yield row, change
    # Whatever was tried, the row is still there as it was written.
    assert model.objects.values().get(pk=row.pk) == before


def test_saving_a_changed_row_is_refused(entry):
    row, (field, value) = entry
    setattr(row, field, value)
    with pytest.raises(TypeError, match="append-only"):
        row.save()
    with pytest.raises(TypeError, match="append-only"):
        row.save(update_fields=[field])


def test_a_new_instance_with_a_rows_id_cannot_overwrite_it(entry):
    row, (field, value) = entry
    impostor = type(row).objects.values().get(pk=row.pk)
    impostor[field] = value
    with pytest.raises(IntegrityError), transaction.atomic():
        type(row)(**impostor).save()


def test_deleting_a_row_is_refused(entry):
    row, _change = entry
    with pytest.raises(TypeError, match="append-only"):
        row.delete()


def test_queryset_update_and_delete_are_refused(entry):
    row, (field, value) = entry
    rows = type(row).objects.filter(pk=row.pk)
    with pytest.raises(TypeError, match="append-only"):
        rows.update(**{field: value})
    with pytest.raises(TypeError, match="append-only"):
        rows.delete()
    with pytest.raises(TypeError, match="append-only"):
        type(row).objects.all().delete()


def test_bulk_update_and_update_or_create_are_refused(entry):
    row, (field, value) = entry
    setattr(row, field, value)
    with pytest.raises(TypeError, match="append-only"):
        type(row).objects.bulk_update([row], [field])
    with pytest.raises(TypeError, match="append-only"):
        type(row).objects.update_or_create(pk=row.pk, defaults={field: value})


def test_bulk_create_adds_rows_but_may_not_update_on_conflict(entry):
    row, (field, value) = entry
    model = type(row)
    impostor = model(**{**model.objects.values().get(pk=row.pk), field: value})
    with pytest.raises(TypeError, match="append-only"):
        model.objects.bulk_create(
            [impostor], update_conflicts=True, unique_fields=["id"], update_fields=[field]
        )
    impostor.pk = None
    model.objects.bulk_create([impostor])
    assert model.objects.count() == 2


def test_deleting_a_moderators_account_keeps_their_decisions_under_their_name(moderator, moderator_member):
    """Account deletion is the one change a log row sees: its actor goes, the name it was written under
    stays, so moderation can still be checked (as the privacy notice says)."""
    story = make_story().story
    moderator.post(
        f"/moderate/stories/{story.pk}/decide/",
        {"action": "hide", "code": "spam", "version": story.version},
    )
    CampaignDecision.record(actor=moderator_member, action="publish", campaign_id=1)
    response = moderator.post("/account/delete/", {"passphrase": PASSPHRASE})
    assert response.status_code == 302
    for model in (Decision, CampaignDecision):
        assert list(model.objects.values_list("actor_id", "actor_name")) == [(None, "moderator")]
