"""Demo content: `ustoo load_demo` fills an empty site with the fictional stories of its data file,
through the same services as real speech, so the total, hashtags and search all work on it."""

import datetime
import io
import json
import re
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from ustoo.conftest import counted_total, make_story
from ustoo.core.hashtags import extract_hashtags, variant_of
from ustoo.stories.management.commands import load_demo
from ustoo.stories.models import Reply, Setting, Statement, Story, StoryHashtag

pytestmark = pytest.mark.django_db

# Read with plain json, not through the command, so the expectations do not share its code.
DEMO = json.loads(load_demo.DEMO_FILE.read_text(encoding="utf-8"))
PUBLIC = [entry for entry in DEMO["stories"] if entry.get("visibility", "public") == "public"]


@pytest.fixture(autouse=True)
def _cheap_passphrase_hashing(settings):
    # Demo members get real Argon2 passphrase hashes otherwise; their cost is not what is tested here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def words_of(entry: dict) -> list[str]:
    return re.findall(r"\b[a-z]{7,}\b", entry["text"].lower())


def hashtags_of(entry: dict) -> list[str]:
    return extract_hashtags(f"{entry.get('title', '')}\n{entry['text']}")


def ids_on(response) -> list[int]:
    return [story.pk for story in response.context["stories"]]


def story_for(entry: dict) -> Story:
    return Story.objects.get(text=entry["text"])


def test_loads_what_the_file_holds_once():
    output = run("--if-empty")
    assert f"Loaded {len(DEMO['stories'])} demo stories (fictional)" in output

    statements = len(DEMO["stories"]) + len(DEMO["statements"])
    assert Story.objects.count() == len(DEMO["stories"])
    assert Statement.objects.count() == statements
    assert counted_total() == statements
    assert Reply.objects.count() == sum(len(entry.get("replies", [])) for entry in DEMO["stories"])
    for kind in ("me_too", "believe_you", "not_alone"):
        expected = sum(entry["solidarity"].get(kind, 0) for entry in DEMO["stories"])
        assert sum(Story.objects.values_list(f"{kind}_count", flat=True)) == expected, kind

    stories = Story.objects.select_related("statement")
    assert {story.statement.setting for story in stories} == set(Setting.values)
    languages = set(stories.values_list("language", flat=True))
    assert languages == {entry["language"] for entry in DEMO["stories"]}
    assert len(languages) >= 8

    # Spread over the last weeks, with the hashtag index moved along with each story.
    now = timezone.now()
    published = list(stories.values_list("published_at", flat=True))
    assert all(now - datetime.timedelta(days=61) < moment < now for moment in published)
    assert len(set(published)) == len(published)
    assert not StoryHashtag.objects.exclude(published_at=F("story__published_at")).exists()

    assert "not loaded" in run("--if-empty")
    assert Statement.objects.count() == statements
    assert counted_total() == statements


def test_demo_hashtags_are_movement_variants():
    tags = {tag for entry in DEMO["stories"] for tag in hashtags_of(entry)}
    named_in_the_issue = {"metoo", "balancetonporc", "yotambién", "quellavoltache", "metooindia"}
    assert named_in_the_issue | {"米兔", "أنا_كمان"} <= tags
    assert all(variant_of(tag) is not None for tag in tags), [tag for tag in tags if variant_of(tag) is None]


def test_demo_stories_are_found_by_hashtag_and_by_search(stranger, tmp_path, monkeypatch):
    # A word that occurs in exactly one demo story must find that story and nothing else.
    counts = Counter(word for entry in DEMO["stories"] for word in set(words_of(entry)))
    searched, word = next((entry, word) for entry in PUBLIC for word in words_of(entry) if counts[word] == 1)
    hashtags = ("balancetonporc", "أنا_كمان", "米兔")
    tagged = [entry for entry in PUBLIC if set(hashtags) & set(hashtags_of(entry))]
    # Only the stories these checks read, so the test stays fast on PostgreSQL too.
    others = [entry for entry in tagged if entry is not searched]
    write_demo(tmp_path, monkeypatch, stories=[searched, *others])
    run()

    for hashtag in hashtags:
        expected = {story_for(entry).pk for entry in tagged if hashtag in hashtags_of(entry)}
        assert expected, hashtag
        assert set(ids_on(stranger.get("/", {"hashtag": hashtag}))) == expected, hashtag
    assert ids_on(stranger.get("/", {"q": word})) == [story_for(searched).pk]


def write_demo(tmp_path, monkeypatch, **data) -> None:
    """Point the command at a small demo file, to test its rules without the cost of the full load."""
    path = tmp_path / "demo.json"
    small = {**DEMO, "stories": DEMO["stories"][:2], "statements": DEMO["statements"][:1]}
    path.write_text(json.dumps({**small, **data}))
    monkeypatch.setattr(load_demo, "DEMO_FILE", path)


def test_a_site_with_statements_is_left_alone_unless_forced(tmp_path, monkeypatch):
    write_demo(tmp_path, monkeypatch)
    make_story(text="Someone real spoke first")
    with pytest.raises(CommandError, match="--force"):
        run()
    assert "already has statements (1)" in run("--if-empty")
    assert Statement.objects.count() == 1

    assert "Loaded 2 demo stories (fictional)" in run("--force")
    assert Statement.objects.count() == counted_total() == 1 + 3


def test_bad_entries_stop_the_load_before_anything_is_written(tmp_path, monkeypatch):
    write_demo(tmp_path, monkeypatch, statements=[{"setting": "moon"}])
    with pytest.raises(CommandError, match="statement 1"):
        run()
    write_demo(tmp_path, monkeypatch, demo=False)
    with pytest.raises(CommandError, match="not marked as demo"):
        run()
    assert not Statement.objects.exists()
    assert counted_total() == 0


def test_the_spread_over_time_is_the_same_on_every_load(tmp_path, monkeypatch):
    write_demo(tmp_path, monkeypatch)
    now = timezone.now()
    data = load_demo.read_demo_file()
    load_demo.load(data, now=now)
    first = sorted(Statement.objects.values_list("created_at", flat=True))
    Statement.objects.all().delete()
    load_demo.load(data, now=now)
    assert sorted(Statement.objects.values_list("created_at", flat=True)) == first


LABEL = "Demo content — fictional"


def test_demo_stories_are_labelled_fictional_wherever_they_appear(stranger):
    real = make_story(text="This one is a real person's story. #MeToo").story
    run("--force")
    demo = Story.objects.filter(demo=True, status="published", visibility="public").first()
    assert Story.objects.filter(demo=True).count() == len(DEMO["stories"])
    assert not Story.objects.filter(pk=real.pk, demo=True).exists()

    wall = stranger.get("/").content.decode()
    assert 'id="demo-notice"' in wall
    labelled = re.findall(r'<article class="story" id="story-(\d+)"[^>]*>\s*<p class="demo-label"', wall)
    on_wall = re.findall(r'<article class="story" id="story-(\d+)"', wall)
    assert set(labelled) == {
        str(pk) for pk in Story.objects.filter(demo=True).values_list("pk", flat=True)
    } & set(on_wall)
    assert labelled, "no demo story on the first page of the wall"

    assert LABEL in stranger.get(demo.get_absolute_url()).content.decode()
    assert LABEL not in stranger.get(real.get_absolute_url()).content.decode()
    assert stranger.get(f"/api/v1/stories/{demo.pk}").json()["demo"] is True
    assert stranger.get(f"/api/v1/stories/{real.pk}").json()["demo"] is False


def test_a_wall_without_demo_stories_has_no_demo_notice(stranger):
    make_story()
    wall = stranger.get("/").content.decode()
    assert 'id="demo-notice"' not in wall
    assert LABEL not in wall
