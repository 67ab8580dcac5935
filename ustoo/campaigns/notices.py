"""What campaigns tell an author on their own pages (registered with stories.author_notices)."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ustoo.campaigns.access import pending_story_links_for_author
from ustoo.stories.author_notices import AuthorNotice


def story_link_requests(request: HttpRequest) -> AuthorNotice | None:
    """Campaigns asking to show one of this author's stories, while the author has not answered."""
    waiting = pending_story_links_for_author(request).count()
    if not waiting:
        return None
    return AuthorNotice(
        text=ngettext(
            "A campaign asks to show one of your stories. It is shown only if you agree.",
            "%(count)d campaigns ask to show your stories. A story is shown only if you agree.",
            waiting,
        )
        % {"count": waiting},
        url=reverse("campaigns:story_links"),
        link_text=_("Answer"),
    )
