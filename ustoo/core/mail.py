"""Outgoing e-mail: EMAIL_URL parsed into a Django mailer (MAILERS), and a backend that writes each message
as an .eml file (RFC 5322) for a local site with no SMTP server, so its links can be clicked."""

import itertools
import os
import threading
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

_SCHEMES = {"smtp": (25, False, False), "smtp+tls": (587, True, False), "smtps": (465, False, True)}


def mailer_from_url(url: str, *, mail_dir: Path | None) -> dict:
    """The ``MAILERS["default"]`` entry for `url`:

    - ``smtp://user:pass@host:port`` plain SMTP (port 25 by default);
    - ``smtp+tls://...`` STARTTLS (587 by default); ``smtps://...`` implicit TLS (465 by default);
    - ``?timeout=10`` seconds to wait for the server (default 10);
    - empty: messages become .eml files in `mail_dir`.

    In settings: ``MAILERS = {"default": mailer_from_url(env_secret("EMAIL_URL"), mail_dir=...)}``.
    """
    if not url:
        return {"BACKEND": "ustoo.core.mail.EmlFileBackend", "OPTIONS": {"file_path": str(mail_dir or "")}}
    parts = urlsplit(url)
    if parts.scheme not in _SCHEMES or not parts.hostname:
        raise ImproperlyConfigured(
            "EMAIL_URL must look like smtp://user:password@host:port (or smtp+tls://, smtps://)."
        )
    port, use_tls, use_ssl = _SCHEMES[parts.scheme]
    query = parse_qs(parts.query)
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": parts.hostname,
            "port": parts.port or port,
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_tls": use_tls,
            "use_ssl": use_ssl,
            "timeout": int(query.get("timeout", ["10"])[0]),
        },
    }


class EmlFileBackend(BaseEmailBackend):
    """Each message in a file of its own, ``<time>-<pid>-<n>.eml``, openable by any mail program.

    Django's file backend appends every message of a process to one .log file, which a mail program
    cannot open; this one writes one RFC 5322 message per file, atomically (write, then rename)."""

    _sequence = itertools.count()
    _lock = threading.Lock()

    def __init__(self, *args, file_path: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        location = file_path or Path(settings.DATA_DIR) / "mail"
        self.directory = Path(location)

    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            with self._lock:
                number = next(self._sequence)
            stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
            name = f"{stamp}-{os.getpid()}-{number:06d}.eml"
            partial = self.directory / f".{name}.part"
            try:
                partial.write_bytes(message.message().as_bytes())
                partial.replace(self.directory / name)
            except OSError:
                partial.unlink(missing_ok=True)
                if not self.fail_silently:
                    raise
                continue
            sent += 1
        return sent
