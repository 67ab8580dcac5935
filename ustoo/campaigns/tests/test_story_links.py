"""An author hears that a campaign asks to show their story: on their own pages (members and
people who opened their statement with a receipt) and in the campaigns' navigation."""

import pytest

from ustoo.campaigns.models import Campaign
from ustoo.conftest import logged_in_client, make_member, make_story

from .conftest import make_campaign

pytestmark = pytest.mark.django_db

NOTICE = "A campaign asks to show one of your stories."


def _request(story, *, title="Change the policy"):
    """A campaign started by someone else, asking to show `story`."""
    return make_campaign(title=title).story_links.create(story=story)


def test_a_member_author_sees_the_request_on_their_pages_until_they_answer(author, author_member, stranger):
    spoken = make_story(member=author_member, anonymous=False, title="Their story")
    link = _request(spoken.story)
    for path in ("/mine/", f"/mine/{spoken.statement.pk}/"):
        page = author.get(path).content.decode()
        notices = page.split('id="author-notices"')[1].split("</ul>")[0]
        assert NOTICE in notices and 'href="/campaigns/story-links/"' in notices
    index = author.get("/campaigns/").content.decode()
    assert "(1 request waiting)" in index.split('id="story-requests"')[1].split("</a>")[0]
    # Nobody else hears of it.
    assert 'id="author-notices"' not in logged_in_client(make_member("other")).get("/mine/").content.decode()
    assert 'id="story-requests"' not in stranger.get("/campaigns/").content.decode()

    assert author.post("/campaigns/story-links/", {"link": link.pk, "agree": "yes"}).status_code == 302
    assert 'id="author-notices"' not in author.get("/mine/").content.decode()
    assert "request waiting" not in author.get("/campaigns/").content.decode()


def test_an_author_without_an_account_sees_it_after_opening_their_receipt(survivor):
    spoken = make_story(title="Anonymous story")
    _request(spoken.story)
    assert survivor.post("/receipt/", {"receipt": spoken.receipt}).status_code == 302
    page = survivor.get(f"/mine/{spoken.statement.pk}/").content.decode()
    assert NOTICE in page
    assert "(1 request waiting)" in survivor.get("/campaigns/").content.decode()
    assert "Change the policy" in survivor.get("/campaigns/story-links/").content.decode()


def test_a_rejected_campaigns_request_is_not_announced(author, author_member):
    spoken = make_story(member=author_member, anonymous=False)
    link = _request(spoken.story)
    Campaign.objects.filter(pk=link.campaign_id).update(status="rejected", rejection_code="offensive")
    assert 'id="author-notices"' not in author.get("/mine/").content.decode()
