"""Shared personas and factories for every app's tests."""

import os
import secrets
import string

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client, override_settings
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from ustoo.accounts.models import Member, Role, TrustLevel
from ustoo.stories import services
from ustoo.stories.services import Details, StoryDraft

PASSPHRASE = "correct horse battery staple"


def unique_marker() -> str:
    """Ten random lowercase letters that make a story's text unique. Not hex: eight hex digits are all
    figures about one time in forty, and the naming guard rightly takes some of those for a phone number and
    stops the story before it is sent (0.5% of stories with a hex marker, measured)."""
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(10))


# In CI, property tests draw the same examples every run: a red build must be reproducible.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(scope="session", autouse=True)
def _site_caches(tmp_path_factory):
    # The site's own caches, the shared one in a directory of this test run (the data directory's
    # is shared with `make run`, and tests clear it). Set once: each change of CACHES opens the
    # caches anew.
    default = {**settings.CACHES["default"], "LOCATION": str(tmp_path_factory.mktemp("cache"))}
    with override_settings(CACHES={**settings.CACHES, "default": default}):
        yield
        caches.close_all()


@pytest.fixture(autouse=True)
def _plain_http_and_clean_cache(settings):
    # The test client speaks plain HTTP; HTTPS redirects are tested on their own in core.
    settings.SECURE_SSL_REDIRECT = False
    # Pages are rendered afresh for each request in tests (test_wall_cache turns the wall's cache on).
    settings.WALL_CACHE_SECONDS = 0
    # Rate limits are tested on their own (moderation/tests/test_rate_limits.py).
    settings.RATE_LIMITS_ENABLED = False
    # Refusals are answered at once; test_rate_limits.py tests the pause.
    settings.REFUSAL_HOLD_MS = 0
    for cache in caches.all():  # what the test before left
        cache.clear()
    yield
    # A request in another language leaves it active in this thread (LocaleMiddleware activates it and
    # nothing deactivates it): the next test would render in Hindi.
    translation.deactivate()


def make_member(
    username: str = "supporter",
    *,
    role: str = Role.MEMBER,
    trust_level: str = TrustLevel.MEMBER,
    passphrase: str = PASSPHRASE,
) -> Member:
    """A member in good standing (trusted unless trust_level says otherwise)."""
    return Member.objects.create_user(username, passphrase, role=role, trust_level=trust_level)


def make_story(
    *,
    text: str = "It happened at work, more than once. #MeToo",
    title: str = "",
    visibility: str = "public",
    warnings: tuple[str, ...] = ("harassment",),
    member=None,
    anonymous: bool = True,
    replies_enabled: bool = False,
    language: str = "en",
    publish: bool = True,
    **details,
):
    """A shared story; published at once (as if approved) unless publish=False."""
    spoken = services.say_me_too(
        member=member,
        anonymous=anonymous,
        details=Details(**details),
        draft=StoryDraft(
            text=text,
            title=title,
            visibility=visibility,
            content_warnings=list(warnings),
            replies_enabled=replies_enabled,
            language=language,
        ),
    )
    if publish and visibility != "moderators" and spoken.story.status != "published":
        spoken.story.publish()
    return spoken


def logged_in_client(member: Member) -> Client:
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def survivor() -> Client:
    """Someone who speaks without an account."""
    return Client()


@pytest.fixture
def stranger() -> Client:
    """Someone else, who has never spoken here and is not the author."""
    return Client()


@pytest.fixture
def supporter_member(db) -> Member:
    return make_member("supporter")


@pytest.fixture
def supporter(supporter_member) -> Client:
    return logged_in_client(supporter_member)


@pytest.fixture
def author_member(db) -> Member:
    return make_member("author")


@pytest.fixture
def author(author_member) -> Client:
    return logged_in_client(author_member)


@pytest.fixture
def csrf_client() -> Client:
    """A browser that enforces CSRF checks like a real one would be held to."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def moderator_member(db) -> Member:
    return make_member("moderator", role=Role.MODERATOR)


@pytest.fixture
def moderator(moderator_member) -> Client:
    """A moderator who has just confirmed their passphrase."""
    client = logged_in_client(moderator_member)
    client.post("/moderate/confirm/", {"passphrase": PASSPHRASE})
    return client


@pytest.fixture
def new_member_account(db) -> Member:
    return make_member("newcomer", trust_level=TrustLevel.NEW)


@pytest.fixture
def new_member(new_member_account) -> Client:
    return logged_in_client(new_member_account)


def magnitude_counters() -> dict[tuple[str, str], int]:
    """{(dimension, bucket): count} over the shards, leaving out those that add up to nothing."""
    from django.db.models import Sum

    from ustoo.magnitude.models import Counter

    grouped = Counter.objects.values_list("dimension", "bucket").annotate(total=Sum("count")).order_by()
    return {(dimension, bucket): total for dimension, bucket, total in grouped if total}


def counted_total() -> int:
    """The total the magnitude publishes each day: the sum of its day counters, kept on every write."""
    from django.db.models import Sum

    from ustoo.magnitude.buckets import DAY
    from ustoo.magnitude.models import Counter

    return Counter.objects.filter(dimension=DAY).aggregate(total=Sum("count"))["total"] or 0
