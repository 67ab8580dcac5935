"""The demo content of the Step up pages: fictional, labelled so, counted like real content, loaded once."""

import pytest
from django.core.management import call_command

from ustoo.conftest import magnitude_counters
from ustoo.magnitude.services import count_from_rows
from ustoo.upstanders import demo
from ustoo.upstanders.models import Intervention, OwnWords, Pledge, WordsStatus
from ustoo.upstanders.tests.conftest import counted

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_counted_as_rows_are(stranger):
    call_command("load_demo_upstanders", "--if-empty", verbosity=0)
    pledges, interventions = Pledge.objects.count(), Intervention.objects.count()
    assert pledges > 2 * demo.PLEDGERS_PER_MONTH and interventions == 2 * demo.INTERVENTIONS_PER_MONTH
    assert counted("pledges") == pledges and counted("interventions") == interventions
    assert magnitude_counters() == {key: value for key, value in count_from_rows().items() if value}

    call_command("load_demo_upstanders", "--if-empty", verbosity=0)
    assert Pledge.objects.count() == pledges


def test_demo_words_are_published_and_labelled_fictional(stranger):
    call_command("load_demo_upstanders", verbosity=0)
    assert OwnWords.objects.filter(demo=True, status=WordsStatus.PUBLISHED).count() == len(
        demo.read_demo_file()["words"]
    )
    html = stranger.get("/step-up/i-stepped-up/").content.decode()
    assert "Fictional example" in html


def test_the_demo_file_is_marked_as_demo_content():
    assert demo.read_demo_file()["demo"] is True
