"""Recent signers on a campaign's page: only those who agreed (off by default), only once their
signature counts, first name only, their reason with names and contacts removed; a moderator can
hide one, the signer can take theirs back, and anonymisation removes them all."""

import datetime

import pytest
from django.utils import timezone

from ustoo.campaigns import services
from ustoo.campaigns.models import Campaign, CampaignDecision, Signature
from ustoo.campaigns.retention import anonymise_expired_signatures
from ustoo.campaigns.views import reverse_manage

from .conftest import SIGNER, deliver, sign_and_confirm

pytestmark = pytest.mark.django_db


def _recent(client, campaign) -> str:
    """The recent signers' section of the page, or "" when there is none."""
    page = client.get(campaign.get_absolute_url()).content.decode()
    if 'id="recent-signers"' not in page:
        return ""
    return page.split('id="recent-signers"')[1].split("</section>")[0]


def test_showing_a_signer_is_off_by_default(smtp, campaign, stranger):
    form = stranger.get(f"/campaigns/{campaign.slug}/sign/").content.decode()
    assert 'name="show_on_page"' in form and not form.split('name="show_on_page"')[1].split(">")[0].count(
        "checked"
    )
    sign_and_confirm(stranger, smtp, campaign.slug)
    assert Signature.objects.get().show_on_page is False
    assert _recent(stranger, campaign) == ""
    assert "Ada" not in stranger.get(campaign.get_absolute_url()).content.decode()


def test_a_signer_who_agreed_shows_by_first_name_with_their_reason_once_confirmed(smtp, campaign, stranger):
    stranger.post(f"/campaigns/{campaign.slug}/sign/", {**SIGNER, "show_on_page": "on"})
    deliver()
    assert _recent(stranger, campaign) == ""  # not before the e-mail link is followed
    stranger.post(smtp.messages[-1].path("/confirm/"))
    shown = _recent(stranger, campaign)
    assert '<strong dir="auto">Ada</strong>' in shown and "It matters." in shown
    page = stranger.get(campaign.get_absolute_url()).content.decode()
    assert "Lovelace" not in page and "ada@example.org" not in page


def test_an_invalidated_signature_is_not_shown(smtp, campaign, stranger, moderator_member):
    sign_and_confirm(stranger, smtp, campaign.slug, show_on_page="on")
    assert "Ada" in _recent(stranger, campaign)
    signature = Signature.objects.get()
    services.invalidate_signatures(
        campaign=campaign, moderator=moderator_member, signature_ids=[signature.pk]
    )
    assert _recent(stranger, campaign) == ""


def test_names_and_contact_details_in_a_shown_reason_are_removed(smtp, campaign, stranger):
    reason = "My manager John Smith did this. Write to him at john.smith@example.com."
    sign_and_confirm(stranger, smtp, campaign.slug, show_on_page="on", reason=reason)
    shown = _recent(stranger, campaign)
    assert "[name removed]" in shown and "[contact removed]" in shown
    assert "John" not in shown and "Smith" not in shown and "john.smith" not in shown


@pytest.mark.parametrize(
    ("name", "hide_name", "shown_as"),
    [
        ("Dr. Grace Hopper", "", "Grace"),
        ("ada@example.org", "", "A signer"),  # never an e-mail address typed as a name
        ("Ada Lovelace", "on", "A signer"),  # the name was not to be shown at all
    ],
)
def test_only_a_first_name_is_ever_shown(smtp, campaign, stranger, name, hide_name, shown_as):
    sign_and_confirm(stranger, smtp, campaign.slug, show_on_page="on", name=name, hide_name=hide_name)
    shown = _recent(stranger, campaign)
    assert f'<strong dir="auto">{shown_as}</strong>' in shown
    assert "Hopper" not in shown and "Lovelace" not in shown and "@" not in shown


def test_a_moderator_can_hide_a_signer_from_the_page(smtp, campaign, stranger, moderator, supporter):
    sign_and_confirm(stranger, smtp, campaign.slug, show_on_page="on")
    signature = Signature.objects.get()
    hide = f"/moderate/campaigns/{campaign.pk}/signers/{signature.pk}/hide/"
    assert hide in _recent(moderator, campaign)
    assert hide not in _recent(stranger, campaign)
    assert supporter.post(hide).status_code == 403
    assert "Ada" in _recent(stranger, campaign)
    response = moderator.post(hide)
    assert response.status_code == 302 and response["Location"].endswith("#recent-signers")
    assert _recent(stranger, campaign) == ""
    signature.refresh_from_db()
    assert signature.status == "confirmed" and Campaign.objects.get().signature_count == 1  # still counted
    [entry] = CampaignDecision.objects.filter(campaign_id=campaign.pk, action="hide_signer")
    assert (entry.actor_name, entry.count) == ("moderator", 1)


def test_the_signer_can_stop_showing_from_their_own_link(smtp, campaign, stranger):
    sign_and_confirm(stranger, smtp, campaign.slug, show_on_page="on")
    path = reverse_manage(Signature.objects.get())
    assert 'value="stop_showing"' in stranger.get(path).content.decode()
    assert stranger.post(path, {"action": "stop_showing"}).status_code == 302
    assert _recent(stranger, campaign) == ""
    assert Signature.objects.get().status == "confirmed"  # still counted


def test_anonymisation_removes_them(smtp, campaign, stranger):
    sign_and_confirm(stranger, smtp, campaign.slug, show_on_page="on")
    Campaign.objects.filter(pk=campaign.pk).update(
        ends_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    anonymise_expired_signatures(timezone.now())  # closes it
    assert "Ada" in _recent(stranger, campaign)  # shown while the campaign's data is kept
    anonymise_expired_signatures(timezone.now() + datetime.timedelta(days=184))
    assert _recent(stranger, campaign) == ""
    signature = Signature.objects.get()
    assert (signature.show_on_page, signature.name, signature.reason) == (False, "", "")


def test_recent_signers_are_read_from_their_own_index_already_in_order(campaign):
    """However many signed, the page reads the few shown signers from the partial index, in the
    order it shows them, without sorting all the campaign's shown signatures first."""
    from django.db import connection

    from ustoo.campaigns import figures

    query = figures.recent_signers_query(campaign)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is small enough to scan
    plan = query.explain()
    assert "signature_shown_on_page" in plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan
