"""The OPRF service as a process: its key in its own directory, only its owner can read it, it proves
its evaluations with the key it publishes, and it keeps its own budget whoever asks."""

import json
import stat
import urllib.error
import urllib.request

import pytest

from ustoo.matching import oprf, oprf_service
from ustoo.matching.tests.client import b64u, from_b64u
from ustoo.matching.tests.conftest import start_service, stop_service


def post(url: str, body: dict) -> tuple[int, dict, dict]:
    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"{url}/evaluate", json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_the_key_is_made_once_in_its_own_directory(tmp_path):
    directory = tmp_path / "service"
    first = oprf_service.load_or_create_key(directory)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE((directory / "oprf.key").stat().st_mode) == 0o600
    assert oprf_service.load_or_create_key(directory) == first


def test_a_key_others_can_read_is_refused(tmp_path):
    oprf_service.load_or_create_key(tmp_path)
    (tmp_path / "oprf.key").chmod(0o644)
    with pytest.raises(oprf_service.KeyFileError, match="chmod 600"):
        oprf_service.load_or_create_key(tmp_path)


def test_the_service_evaluates_with_the_key_it_publishes(oprf_service):
    with urllib.request.urlopen(f"{oprf_service}/public-key", timeout=5) as response:  # noqa: S310
        public_key = from_b64u(json.loads(response.read())["public_key"])
    _blinds, blinded = zip(*(oprf.blind(m) for m in (b"x:one", b"email:two@example.org")), strict=True)
    status, _headers, answer = post(oprf_service, {"blinded": [b64u(b) for b in blinded]})
    assert status == 200
    evaluated = [from_b64u(e) for e in answer["evaluated"]]
    oprf.verify(public_key, list(blinded), evaluated, from_b64u(answer["proof"]))


@pytest.mark.parametrize(
    "body",
    [
        {"blinded": []},
        {"blinded": ["AAAA"]},
        {"blinded": [b64u(bytes(32))]},
        {"nothing": 1},
        {"blinded": ["x"] * 6},
    ],
)
def test_the_service_refuses_what_is_not_a_batch_of_elements(oprf_service, body):
    assert post(oprf_service, body)[0] == 400


def test_the_service_keeps_its_own_budget(tmp_path):
    process, url = start_service(tmp_path / "tight", budget_per_hour=3)
    try:
        element = b64u(oprf.blind(b"x:someone")[1])
        assert post(url, {"blinded": [element] * 2})[0] == 200
        status, headers, _answer = post(url, {"blinded": [element] * 2})
        assert status == 429
        assert int(headers["Retry-After"]) > 0
        assert post(url, {"blinded": [element]})[0] == 200
    finally:
        stop_service(process)


def test_the_web_app_answers_429_when_the_service_budget_is_spent(survivor_a, tmp_path, settings):
    from django.core.cache import cache

    process, url = start_service(tmp_path / "tight", budget_per_hour=1)
    try:
        settings.MATCHING_OPRF_URL = url
        cache.delete("matching:oprf-public-key")
        element = b64u(oprf.blind(b"x:someone")[1])
        assert survivor_a.post("evaluate", {"blinded": [element]}).status_code == 200
        refused = survivor_a.post("evaluate", {"blinded": [element]})
        assert refused.status_code == 429
        assert "Retry-After" in refused
    finally:
        stop_service(process)
