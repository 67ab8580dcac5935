"""/movement through HTTP: released aggregates only, server-rendered, nothing of a person, as people read."""

import re

import pytest
from django.core.management import call_command
from django.template import Context
from django.template.loader import get_template
from django.template.loader_tags import BlockNode

from ustoo.movement.tests.conftest import FIXTURES, PARTIAL_DAYS, REAL_COLUMNS

NARROW_NBSP = "\u202f"


@pytest.fixture
def released_demo(release_dataset):
    release_dataset(FIXTURES / "twarc2.jsonl", "demo", keep_text=True)


def main_of(response) -> str:
    return response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]


@pytest.mark.django_db
def test_the_page_shows_released_counts_and_no_person(client, released_demo):
    response = client.get("/movement/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Dataset: demo" in page
    # Six charts, each drawn for a phone and for a wide screen.
    assert page.count('<svg class="chart chart--narrow"') == 6
    assert page.count('<svg class="chart chart--wide"') == 6
    assert "#balancetonporc" in page
    for private in ("alice", "bob", "carol", "I was 15", "1001"):
        assert private not in page
    assert "style=" not in main_of(response) and "<script" not in main_of(response)


@pytest.mark.django_db
def test_a_withdrawn_dataset_leaves_the_page(client, released_demo):
    call_command("movement", "release", "--dataset", "demo", "--withdraw", stdout=None)
    page = client.get("/movement/").content.decode()
    assert "Dataset: demo" not in page
    assert "No dataset has been released yet." in page


def test_the_page_has_a_neutral_title():
    template = get_template("movement/index.html").template
    blocks = {node.name: node for node in template.nodelist.get_nodes_by_type(BlockNode)}
    assert blocks["title"].nodelist.render(Context()) == "The movement"


@pytest.mark.django_db
def test_times_are_written_as_people_read_them(client, release_dataset):
    release_dataset(PARTIAL_DAYS, "partial", columns=REAL_COLUMNS)
    main = main_of(client.get("/movement/"))
    assert "15\u00a0October\u00a02019, 17:46 UTC" in main  # the first post
    assert "17\u00a0October\u00a02019, 09:10 UTC" in main  # the last
    assert re.search(r"Released</dt>\s*<dd[^>]*>\d+\u00a0\w+\u00a0\d{4}, \d\d:\d\d UTC<", main)
    # Hours as a span, in the tables of figures.
    assert "15\u00a0October\u00a02019, 17:00–18:00" in main
    # No ISO 8601 string, and no microseconds, anywhere a person reads.
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d", main)
    assert ".000001" not in main


@pytest.mark.django_db
def test_times_are_in_the_readers_language(client, release_dataset):
    release_dataset(PARTIAL_DAYS, "partial", columns=REAL_COLUMNS)
    main = main_of(client.get("/movement/", HTTP_ACCEPT_LANGUAGE="fr"))
    assert "15\u00a0octobre\u00a02019, 17:46 UTC" in main


@pytest.mark.django_db
def test_partial_days_are_said_in_words_and_marked_in_the_tables(client, release_dataset):
    release_dataset(PARTIAL_DAYS, "partial", columns=REAL_COLUMNS)
    main = main_of(client.get("/movement/"))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).replace("\u00a0", " ")
    assert "partial days: 15 October 2019 and 17 October 2019" in text
    assert "partial hours: 15 October 2019, 17:00–18:00 and 17 October 2019, 09:00–10:00" in text
    assert "a partial day is not a rise or a fall" in text
    rows = re.findall(r"<tr><th scope=\"row\">([^<]*)(.*?)</tr>", main)
    marked = {label.replace("\u00a0", " ").strip() for label, rest in rows if "partial</strong>" in rest}
    # In the three charts per day (by variant, by kind, experience) and the one per hour.
    assert marked == {
        "15 October 2019",
        "17 October 2019",
        "15 October 2019, 17:00–18:00",
        "17 October 2019, 09:00–10:00",
    }
    whole = {label.replace("\u00a0", " ").strip() for label, rest in rows if "partial</strong>" not in rest}
    assert "16 October 2019" in whole


@pytest.mark.django_db
def test_counts_have_thousands_separators_in_the_readers_language(client, release_dataset, real_csv):
    release_dataset(real_csv, "metoo2019", columns=REAL_COLUMNS)
    english = main_of(client.get("/movement/"))
    assert ">15,054<" in english  # posts
    assert ">11,071<" in english  # retweets
    assert ">8,029<" in english  # posts carrying #metoo
    assert ">15054<" not in english
    french = main_of(client.get("/movement/", HTTP_ACCEPT_LANGUAGE="fr"))
    assert f">15{NARROW_NBSP}054<" in french  # French groups digits with a narrow no-break space
    assert f">11{NARROW_NBSP}071<" in french
    # The chart axes too.
    assert f">2{NARROW_NBSP}000</text>" in french


@pytest.mark.django_db
def test_every_table_links_to_its_download(client, release_dataset):
    release_dataset(PARTIAL_DAYS, "partial", columns=REAL_COLUMNS)
    main = main_of(client.get("/movement/"))
    links = re.findall(r'href="(/movement/partial/[^"]+)"', main)
    assert "/movement/partial/posts-per-day.csv" in links
    assert "/movement/partial/metadata.json" in links
    assert "partial-metadata-utc.json" in main  # where the metadata is, said in words
    for link in set(links):
        assert client.get(link).status_code == 200, link


@pytest.mark.django_db
def test_the_page_shows_the_corrected_share_its_interval_and_the_languages_not_validated(
    client, release_dataset, tmp_path
):
    from ustoo.movement.tests.test_validation import _small_dataset

    release_dataset(_small_dataset(tmp_path), "small", classify=True)
    main = main_of(client.get("/movement/"))
    assert "Share of originals telling their own experience" in main
    assert re.search(r"<strong>[\d.]+%</strong> of 40 originals \(95% interval: [\d.]+% to [\d.]+%\)", main)
    assert "labelled by hand" in main  # what it was validated on
    assert "Not validated in French (fr)" in main
