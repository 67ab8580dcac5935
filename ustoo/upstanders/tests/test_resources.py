"""Services for people who have harmed: the data file is read with the support services' own checks,
and each entry names the page it was checked against."""

import copy
import json

import pytest

from ustoo.safety.resources import InvalidServiceData
from ustoo.upstanders import resources


def raw() -> dict:
    return json.loads(resources.DATA_FILE.read_text(encoding="utf-8"))


def test_the_data_file_is_valid_and_every_entry_has_its_source():
    directory = resources.directory()
    assert directory.checked == raw()["checked"]
    assert directory.services and all(entry.source.startswith("https://") for entry in directory.services)
    assert all("harm-prevention" in entry.service.purposes for entry in directory.services)
    assert {code for code, _name in resources.listed_countries()} >= {"US", "GB", "FR", "AU"}


@pytest.mark.parametrize(
    "source", [None, "http://www.stopitnow.org", "not a link", "https://user@evil.example/"]
)
def test_an_entry_without_a_checked_source_stops_the_site(source):
    data = copy.deepcopy(raw())
    if source is None:
        del data["services"][0]["source"]
    else:
        data["services"][0]["source"] = source
    with pytest.raises(InvalidServiceData, match=r"services\[0\]: source"):
        resources.parse(data)


def test_the_support_services_checks_apply_too():
    data = copy.deepcopy(raw())
    data["services"][1]["phone"] = "call us maybe"
    data["checked"] = "last year"
    with pytest.raises(InvalidServiceData) as raised:
        resources.parse(data)
    assert any("services[1]: phone" in problem for problem in raised.value.problems)
    assert any('"checked"' in problem for problem in raised.value.problems)


def test_services_are_chosen_by_country():
    assert [entry.service.name for entry in resources.services_in("de")] == ["Kein Täter werden"]
    assert resources.services_in("ZZ") == [] and resources.services_in(None) == []
