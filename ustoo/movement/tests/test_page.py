"""/movement through HTTP: released aggregates only, server-rendered, nothing of a person."""

import pytest
from django.core.management import call_command

from ustoo.movement.tests.conftest import FIXTURES


@pytest.fixture
def released_demo(connection, run_import, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    run_import(FIXTURES / "twarc2.jsonl", dataset="demo", keep_text=True)
    connection.close()
    call_command("movement", "release", "--dataset", "demo", stdout=None)


@pytest.mark.django_db
def test_the_page_shows_released_counts_and_no_person(client, released_demo):
    response = client.get("/movement/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Dataset: demo" in page
    assert page.count("<svg") == 6
    assert "#balancetonporc" in page
    for private in ("alice", "bob", "carol", "I was 15", "1001"):
        assert private not in page
    assert "style=" not in page.split("<main", 1)[1] and "<script" not in page.split("<main", 1)[1]


@pytest.mark.django_db
def test_a_withdrawn_dataset_leaves_the_page(client, released_demo):
    call_command("movement", "release", "--dataset", "demo", "--withdraw", stdout=None)
    page = client.get("/movement/").content.decode()
    assert "Dataset: demo" not in page
    assert "No dataset has been released yet." in page
