"""`make run` says where the site is once it answers: gunicorn's workers print "ustoo is ready at
http://…" (ustoo/gunicorn_conf.py), once, when the first of them can serve."""

import os
import select
import subprocess
import sys
import urllib.request
from pathlib import Path
from types import SimpleNamespace

from ustoo import gunicorn_conf
from ustoo.campaigns.tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[3]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def test_the_site_answers_as_soon_as_it_says_it_is_ready(tmp_path):
    port = free_port()
    environment = {
        **os.environ,
        "USTOO_DATA_DIR": str(tmp_path),
        "USTOO_HTTPS": "0",
        "USTOO_WORKERS": "1",
        "USTOO_THREADS": "4",
    }
    environment.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [GUNICORN, "ustoo.wsgi", "--config", "python:ustoo.gunicorn_conf", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert first_line(server) == f"ustoo is ready at http://127.0.0.1:{port}\n"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as answer:
            assert answer.status == 200 and answer.read() == b"ok"
    finally:
        server.terminate()
        server.wait()


def first_line(server: subprocess.Popen) -> str:
    """The first line the server prints. The wait only bounds how long a server that never says it
    is ready takes to fail the test (a loaded machine may take long to start it): no speed limit."""
    readable, _, _ = select.select([server.stdout], [], [], 180)
    assert readable, "the server said nothing"
    return server.stdout.readline()


class Listener:
    """A stand-in for gunicorn's listening socket, which reads as its address."""

    def __str__(self) -> str:
        return "http://127.0.0.1:8000"


def test_it_is_said_once_however_many_workers_there_are(monkeypatch, capsys):
    monkeypatch.setattr(gunicorn_conf._announced, "value", False)
    for _ in range(3):
        gunicorn_conf.post_worker_init(SimpleNamespace(sockets=[Listener()]))
    assert capsys.readouterr().out == "ustoo is ready at http://127.0.0.1:8000\n"


def test_make_run_serves_with_this_configuration():
    commands = subprocess.run(
        ["make", "--no-print-directory", "-n", "run"],
        cwd=ROOT,
        env={**os.environ, "MAKEFLAGS": ""},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "--config python:ustoo.gunicorn_conf" in commands
