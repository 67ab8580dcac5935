"""The released figures as files: one CSV per table, header first, a distinct name each, metadata beside."""

import csv
import io
import json

import pyarrow.csv
import pytest

from ustoo.movement.downloads import TABLES
from ustoo.movement.tests.conftest import PARTIAL_DAYS, REAL_COLUMNS

EXPECTED_NAMES = {
    "totals": "partial-totals.csv",
    "posts-by-variant": "partial-posts-by-variant.csv",
    "posts-per-day": "partial-posts-per-day-utc.csv",
    "posts-per-hour": "partial-posts-per-hour-utc.csv",
    "posts-per-day-by-variant": "partial-posts-per-day-by-variant-utc.csv",
    "posts-per-hour-by-variant": "partial-posts-per-hour-by-variant-utc.csv",
    "posts-by-language": "partial-posts-by-language.csv",
    "cooccurring-hashtags": "partial-cooccurring-hashtags.csv",
    "experience-share-per-day": "partial-experience-share-per-day-utc.csv",
}


@pytest.fixture
def released(release_dataset):
    release_dataset(PARTIAL_DAYS, "partial", columns=REAL_COLUMNS, classify=True)


def attachment_name(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    return disposition.split('filename="', 1)[1].rstrip('"')


@pytest.mark.django_db
def test_each_csv_has_a_distinct_name_saying_dataset_table_and_time_zone(client, released):
    names = {}
    for table in TABLES:
        response = client.get(f"/movement/partial/{table}.csv")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8; header=present"
        names[table] = attachment_name(response)
    assert names == EXPECTED_NAMES
    metadata = client.get("/movement/partial/metadata.json")
    report = client.get("/movement/partial/report.json")
    assert attachment_name(metadata) == "partial-metadata-utc.json"
    assert attachment_name(report) == "partial-report-utc.json"


@pytest.mark.django_db
def test_the_first_row_of_every_csv_is_its_header_and_no_comment_precedes_it(client, released):
    for name, table in TABLES.items():
        body = client.get(f"/movement/partial/{name}.csv").content.decode()
        assert not any(line.startswith("#") for line in body.splitlines()), name
        rows = list(csv.reader(io.StringIO(body)))
        assert rows[0] == list(table.columns), name
        # Read with pyarrow's defaults, as pandas reads it: the first row names the columns.
        read = pyarrow.csv.read_csv(io.BytesIO(body.encode()))
        assert read.column_names == list(table.columns), name
        assert read.num_rows == len(rows) - 1 > 0, name


@pytest.mark.django_db
def test_partial_days_and_hours_are_flagged_in_the_csv(client, released):
    per_day = list(
        csv.DictReader(io.StringIO(client.get("/movement/partial/posts-per-day.csv").content.decode()))
    )
    assert [(row["day"], row["posts"], row["partial"]) for row in per_day] == [
        ("2019-10-15", "3", "true"),
        ("2019-10-16", "4", "false"),
        ("2019-10-17", "2", "true"),
    ]
    per_hour = pyarrow.csv.read_csv(io.BytesIO(client.get("/movement/partial/posts-per-hour.csv").content))
    flagged = dict(zip(per_hour["hour"].to_pylist(), per_hour["partial"].to_pylist(), strict=True))
    assert [str(hour) for hour, partial in flagged.items() if partial] == [
        "2019-10-15 17:00:00",  # ISO 8601, read as times by pyarrow
        "2019-10-17 09:00:00",
    ]
    assert per_hour.schema.field("partial").type == pyarrow.bool_()


@pytest.mark.django_db
def test_the_metadata_file_says_what_the_csv_files_cannot(client, released):
    metadata = json.loads(client.get("/movement/partial/metadata.json").content)
    assert metadata["dataset"] == "partial"
    assert metadata["timezone"] == "UTC"
    assert metadata["window"]["first_post"] == "2019-10-15T17:46:00"
    assert metadata["partial"] == {
        "per_day": ["2019-10-15", "2019-10-17"],
        "per_hour": ["2019-10-15T17", "2019-10-17T09"],
    }
    assert metadata["definitions"]["partial"].startswith("the days and hours the window does not cover whole")
    assert metadata["deduplication"] == "Every post was de-duplicated on its platform id."
    assert metadata["released_at"]
    files = {entry["name"]: entry for entry in metadata["files"]}
    assert set(files) == set(EXPECTED_NAMES.values())
    assert files["partial-posts-per-day-utc.csv"]["columns"]["partial"].startswith("true if the window")
    assert metadata["report"] == "partial-report-utc.json"


@pytest.mark.django_db
def test_the_whole_report_as_json(client, released):
    report = json.loads(client.get("/movement/partial/report.json").content)
    assert report["per_day"] == {"2019-10-15": 3, "2019-10-16": 4, "2019-10-17": 2}
    assert report["partial"]["per_day"] == ["2019-10-15", "2019-10-17"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/movement/unknown/totals.csv", "/movement/partial/nonsense.csv", "/movement/unknown/metadata.json"],
)
def test_what_was_not_released_is_not_found(client, released, path):
    assert client.get(path).status_code == 404
