"""Matching fixtures: the OPRF service as a real process (as the site runs it), the counselors' key,
survivors whose accounts may make entries, and a counselor."""

import datetime
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.utils import timezone

from ustoo.accounts.models import Member
from ustoo.conftest import logged_in_client, make_member
from ustoo.matching import hpke, services
from ustoo.matching.tests.client import SurvivorBrowser

ROOT = Path(__file__).resolve().parents[3]
# The counselors' key of the tests: DeriveKeyPair of a fixed ikm, as tests/vectors/entries.json says.
COUNSELOR_IKM = bytes(range(32))
COUNSELOR_PRIVATE, COUNSELOR_PUBLIC = hpke.derive_key_pair(COUNSELOR_IKM)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_service(
    key_dir: Path, *, budget_per_hour: int = 100_000, workers: int = 1, stderr: Path | None = None
):
    """`ustoo matching oprf-service` in its own process; returns (process, url) once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ustoo",
            "matching",
            "oprf-service",
            "--bind",
            f"127.0.0.1:{port}",
            "--key-dir",
            str(key_dir),
            "--workers",
            str(workers),
            "--budget-per-hour",
            str(budget_per_hour),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=stderr.open("ab") if stderr else subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/public-key", timeout=2):  # noqa: S310 (loopback)
                return process, url
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("the OPRF service stopped at once") from None
            assert time.monotonic() < deadline, "the OPRF service did not start"
            time.sleep(0.1)


def stop_service(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def oprf_service(tmp_path_factory):
    """The URL of an OPRF service started once for the session, with its own key directory."""
    process, url = start_service(tmp_path_factory.mktemp("oprf-service"))
    yield url
    stop_service(process)


@pytest.fixture
def matching_site(db, settings, oprf_service):
    """The site talking to the service, with the counselors' key set and no delay (test_budgets checks
    the delay by recording the pause)."""
    settings.MATCHING_OPRF_URL = oprf_service
    settings.MATCHING_DELAY_MS = 0
    services.set_counselor_key(COUNSELOR_PUBLIC)
    return settings


def make_survivor(username: str) -> Member:
    """A member who may make entries: trusted, and whose account is old enough."""
    member = make_member(username)
    Member.objects.filter(pk=member.pk).update(date_joined=timezone.now() - datetime.timedelta(days=60))
    member.refresh_from_db()
    return member


@pytest.fixture
def survivor_a(matching_site) -> SurvivorBrowser:
    return SurvivorBrowser(logged_in_client(make_survivor("survivor_a")))


@pytest.fixture
def survivor_b(matching_site) -> SurvivorBrowser:
    return SurvivorBrowser(logged_in_client(make_survivor("survivor_b")))


@pytest.fixture
def counselor_member(matching_site) -> Member:
    member = make_member("counselor")
    member.email = "counselor@lawfirm.example"
    member.save()
    services.appoint_counselor(member)
    return member
