"""What is made from a release (the page's figures, the API's JSON, the CSV, the charts) is made once per
process and release, then reused: the live total still moves on every request, a new release
replaces it, each language gets its own, and nothing but the release's figures is ever in it."""

import datetime
import re
import threading
import time

import orjson
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ustoo.magnitude import figures, per_release, services
from ustoo.magnitude.models import Release
from ustoo.magnitude.per_release import once_per_release
from ustoo.stories import services as stories
from ustoo.stories.services import Details

pytestmark = pytest.mark.django_db

MAGNITUDE_TABLES = re.compile(r"magnitude_(counter|release)")


def speak(count: int, **details) -> None:
    for _ in range(count):
        stories.say_me_too(member=None, anonymous=True, language="en", details=Details(**details))


@pytest.fixture
def released(settings):
    """Fourteen statements from workplaces (released), three from schools (held back)."""
    settings.MAGNITUDE_EPSILON = 10_000  # noise almost always 0, so figures can be checked
    settings.MAGNITUDE_K = 10
    speak(14, setting="workplace", country="GB")
    speak(3, setting="school", country="IS")


def everything(client) -> dict[str, str]:
    return {
        "page": client.get("/magnitude/").content.decode(),
        "json": client.get("/api/v1/magnitude").content.decode(),
        "csv": client.get("/api/v1/magnitude", {"format": "csv"}).content.decode(),
        "setting_csv": client.get(
            "/api/v1/magnitude", {"format": "csv", "breakdowns": "setting"}
        ).content.decode(),
        "chart": client.get("/magnitude/charts/setting.svg").content.decode(),
        "map": client.get("/magnitude/charts/country.svg").content.decode(),
    }


def assert_schools_held_back(shown: dict[str, str]) -> None:
    body = orjson.loads(shown["json"])
    assert body["breakdowns"]["setting"] == {"workplace": 14}
    assert "school" in body["suppressed"]["setting"]
    assert "setting,school,,held_back" in shown["csv"] and "setting,school,,held_back" in shown["setting_csv"]
    assert ">Workplace<" in shown["page"] and "School or university" not in shown["page"]
    assert "Workplace" in shown["chart"] and "School or university" not in shown["chart"]
    assert "Iceland: too few to show" in shown["map"] and "Iceland: 3" not in shown["map"]


def test_the_json_made_once_per_release_is_what_the_schema_says(stranger, released):
    from ustoo.api import api  # noqa: F401 - the site's API first: it registers the magnitude's
    from ustoo.magnitude.api import MagnitudeOut

    first = stranger.get("/api/v1/magnitude")
    again = stranger.get("/api/v1/magnitude")  # from this process's memory
    document = stranger.get("/api/v1/openapi.json").json()
    schema = document["components"]["schemas"]["MagnitudeOut"]
    for response in (first, again):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        body = orjson.loads(response.content)
        MagnitudeOut.model_validate_json(response.content, strict=False)
        assert set(body) == set(MagnitudeOut.model_fields) == set(schema["properties"])
        assert set(schema["required"]) <= set(body)
        assert body["statements"] == 17 and body["unit"] == "statements"
        assert datetime.datetime.fromisoformat(body["as_of"]) <= timezone.now()
    assert first.content == again.content


def test_requests_after_the_first_read_neither_counters_nor_releases(stranger, released):
    paths = [
        "/magnitude/",
        "/api/v1/magnitude",
        "/api/v1/magnitude?format=csv",
        "/api/v1/magnitude?breakdowns=setting,country",
        "/magnitude/charts/setting.svg",
        "/magnitude/how-we-count",
    ]
    for path in paths:
        assert stranger.get(path).status_code == 200, path
    with CaptureQueriesContext(connection) as queries:
        for path in paths:
            assert stranger.get(path).status_code == 200, path
    assert queries.captured_queries  # the exact total is read on each request
    assert not [query["sql"] for query in queries if MAGNITUDE_TABLES.search(query["sql"])]


def test_the_live_total_moves_while_the_release_is_reused(stranger, released):
    before = everything(stranger)
    # Enough schools to be released, were the counters read: they are not, until the next release.
    speak(12, setting="school", country="IS")
    after = everything(stranger)
    assert orjson.loads(after["json"])["statements"] == 29
    assert "total,,29,exact" in after["csv"] and "total,,29,exact" in after["setting_csv"]
    assert 'data-total="29"' in after["page"]
    assert 'data-total="29"' in stranger.get("/magnitude/total").content.decode()
    assert orjson.loads(after["json"])["as_of"] >= orjson.loads(before["json"])["as_of"]
    assert_schools_held_back(before)
    assert_schools_held_back(after)
    assert Release.objects.count() == 1


def test_a_new_release_replaces_what_was_made_from_the_last(stranger, released, monkeypatch):
    assert_schools_held_back(everything(stranger))
    speak(12, setting="school", country="IS")
    next_period = timezone.now() + datetime.timedelta(seconds=services.release_seconds())
    monkeypatch.setattr(timezone, "now", lambda: next_period)
    shown = everything(stranger)
    body = orjson.loads(shown["json"])
    assert body["breakdowns"]["setting"] == {"workplace": 14, "school": 15}
    assert "setting,school,15,noisy" in shown["csv"] and "setting,school,15,noisy" in shown["setting_csv"]
    assert ">School or university<" in shown["page"] and "School or university: 15" in shown["chart"]
    assert "Iceland: 15" in shown["map"]
    assert Release.objects.count() == 2


def test_each_language_gets_its_own_page_and_charts(stranger, released):
    for _ in range(2):  # the second time from this process's memory
        english = stranger.get("/magnitude/", headers={"Accept-Language": "en"}).content.decode()
        french = stranger.get("/magnitude/", headers={"Accept-Language": "fr"}).content.decode()
        assert "Where it happened" in english and "Où cela s&#x27;est passé" not in english
        assert "Où cela s&#x27;est passé" in french and "Where it happened" not in french
        english_map = stranger.get("/magnitude/charts/country.svg", headers={"Accept-Language": "en"})
        french_map = stranger.get("/magnitude/charts/country.svg", headers={"Accept-Language": "fr"})
        assert "United Kingdom: 14" in english_map.content.decode()
        assert "Royaume-Uni: 14" in french_map.content.decode()


def test_a_window_or_a_set_of_breakdowns_of_the_readers_choosing_is_made_afresh_not_kept(
    stranger, released, monkeypatch
):
    made = []
    open_data = figures.open_data

    def counted(**arguments):
        made.append(arguments["window"])
        return open_data(**arguments)

    monkeypatch.setattr(figures, "open_data", counted)
    for _ in range(3):
        assert stranger.get("/api/v1/magnitude").status_code == 200
    assert len(made) == 1  # the default window: once per release
    for _ in range(2):
        assert stranger.get("/api/v1/magnitude", {"breakdowns": "setting"}).status_code == 200
    assert len(made) == 2  # one breakdown, as the page links to it: once per release too
    for day in ("2026-01-01", "2026-01-02", "2026-01-01"):
        assert stranger.get("/api/v1/magnitude", {"since": "2025-12-01", "until": day}).status_code == 200
    for _ in range(2):
        assert stranger.get("/api/v1/magnitude", {"breakdowns": "setting,country"}).status_code == 200
    assert len(made) == 7  # kept, any number of windows and sets of breakdowns could fill the memory


def test_breakdowns_asked_in_any_order_are_one_and_the_same_answer(stranger, released):
    one = stranger.get("/api/v1/magnitude", {"breakdowns": "country,setting"}).json()
    other = stranger.get("/api/v1/magnitude", {"breakdowns": "setting,country,setting"}).json()
    assert one == other and list(one["breakdowns"]) == ["setting", "country"]


def test_when_many_threads_ask_at_once_it_is_made_once(released):
    services.current_release()  # made and kept in memory, as it is before any page is drawn
    made = []
    started = threading.Barrier(8)
    found = []

    def make(release: Release) -> str:
        made.append(release.pk)
        time.sleep(0.05)  # long enough for every other thread to arrive meanwhile
        return f"drawn from release {release.pk}"

    def ask() -> None:
        started.wait()
        try:
            found.append(once_per_release("test", "once", make=make))
        finally:
            connection.close()  # as each request does when it ends (back to the pool on PostgreSQL)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1
    assert found == [f"drawn from release {made[0]}"] * 8


def test_a_database_connection_is_taken_before_the_lock_never_while_holding_it(released, monkeypatch):
    # With a pool of a few connections (PostgreSQL), a thread waiting for a connection while holding
    # the lock could wait on threads that hold connections and wait for the lock.
    services.current_release()
    taken = []

    def ensure_connection() -> None:
        taken.append(any(lock.locked() for lock in per_release._MAKE_LOCKS))

    monkeypatch.setattr(connection, "ensure_connection", ensure_connection)
    assert once_per_release("test", "connection", make=lambda release: "made") == "made"
    assert taken == [False]
