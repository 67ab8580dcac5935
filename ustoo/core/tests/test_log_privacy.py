"""No client address in any log: gunicorn's own lines, Django's, and a traceback's."""

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ustoo.core.log_privacy import REDACTED, RedactAddresses, redact_addresses

GUNICORN = Path(sys.executable).with_name("gunicorn")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Invalid request from ip=127.0.0.1: bad line", f"Invalid request from ip={REDACTED}: bad line"),
        ("peer 203.0.113.7:51234 closed", f"peer {REDACTED}:51234 closed"),
        ("from ::1.", f"from {REDACTED}."),
        ("[2001:db8::8a2e:370:7334]:443", f"[{REDACTED}]:443"),
        ("mapped ::ffff:192.0.2.1 here", f"mapped {REDACTED} here"),
        ("link fe80::1%eth0 up", f"link {REDACTED} up"),
        # Not addresses: left as they are.
        ("at 12:30:45 worker 3 of 4", "at 12:30:45 worker 3 of 4"),
        ("gunicorn 27.0.1 booted", "gunicorn 27.0.1 booted"),
    ],
)
def test_addresses_are_blanked_and_nothing_else(line, expected):
    assert redact_addresses(line) == expected


def test_the_filter_blanks_arguments_and_tracebacks():
    logger = logging.getLogger("ustoo.tests.log_privacy")
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    handler = Keep()
    handler.addFilter(RedactAddresses())
    logger.addHandler(handler)
    try:
        logger.warning("client %s sent %d bytes", "198.51.100.23", 12)
        try:
            raise ConnectionError("reset by 2001:db8::2")
        except ConnectionError:
            logger.exception("Socket error processing request.")
        logger.warning("%s %s", "arguments that do not fit")  # would be a logging error
    finally:
        logger.removeHandler(handler)
    assert records[0] == f"client {REDACTED} sent 12 bytes"
    assert "ConnectionError: reset by " + REDACTED in records[1]
    assert "arguments that do not fit" in records[2]
    assert not any("198.51.100.23" in record or "2001:db8::2" in record for record in records)


def test_every_handler_of_djangos_loggers_blanks_addresses():
    for name in ("django", "django.request", "django.security", "ustoo"):
        # Leaving out the handlers pytest adds to capture logs.
        handlers = [
            each
            for each in logging.getLogger(name).handlers
            if not type(each).__module__.startswith("_pytest")
        ]
        assert handlers, name
        for handler in handlers:
            assert any(isinstance(each, RedactAddresses) for each in handler.filters), (name, handler)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _send(port: int, raw: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(raw)
        connection.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := connection.recv(4096):
            answer += chunk
    return answer


def test_gunicorn_never_logs_the_client_address(tmp_path):
    """Garbage sent to the real server on loopback: gunicorn warns about it, without the address."""
    port = _free_port()
    environment = {
        **os.environ,
        "USTOO_DATA_DIR": str(tmp_path),
        "USTOO_WORKERS": "1",
        "USTOO_THREADS": "1",
        "DJANGO_SETTINGS_MODULE": "ustoo.settings",
    }
    server = subprocess.Popen(
        [GUNICORN, "ustoo.wsgi", "--config", "python:ustoo.gunicorn_conf", "--bind", f"127.0.0.1:{port}"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = _send(port, b"NOT AN HTTP REQUEST\r\n\r\n")
                break
            except OSError:
                assert server.poll() is None, server.communicate()[1].decode()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert answer.startswith(b"HTTP/1.1 400")
        assert _send(port, b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n").startswith(b"HTTP/1.1 400")
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=60)
    # The server's own address, which it says once it is ready, is not a client's.
    ready = f"ustoo is ready at http://127.0.0.1:{port}\n"
    assert out.decode().count(ready) == 1
    logged = (out + err).decode().replace(ready, "")
    assert f"Invalid request from ip={REDACTED}" in logged  # gunicorn did log the refusals...
    assert "127.0.0.1" not in logged  # ...but not who sent them
