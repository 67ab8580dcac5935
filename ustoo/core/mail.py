"""Outgoing e-mail: EMAIL_URL parsed into a Django mailer (MAILERS), a backend that writes each message
as an .eml file (RFC 5322) for a local site with no SMTP server, so its links can be clicked, and a
plain-text message that is cheap to write."""

import email.header
import email.message
import email.policy
import email.utils
import itertools
import os
import quopri
import threading
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.utils import DNS_NAME
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


class PlainTextEmail(EmailMessage):
    """A message of plain text only (no attachments, no HTML), for mail sent in numbers.

    Django's EmailMessage.message() builds its MIME form with the email package's header registry,
    about a millisecond a message; this writes the same thing (UTF-8 text, quoted-printable, headers
    encoded per RFC 2047 where they are not ASCII) as a compat32 message, in a tenth of that. Any
    Django backend sends it, since each asks for ``message()``. An address that cannot be written
    in a header (a local part that is not ASCII, a line break) raises ValueError, as Django does."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.attachments:
            raise ValueError("PlainTextEmail carries text only.")

    def message(self, *, policy=email.policy.default) -> email.message.Message:
        headers = [("From", _header_address(str(self.from_email)))]
        for name, addresses in (("To", self.to), ("Cc", self.cc), ("Reply-To", self.reply_to)):
            if addresses:
                headers.append((name, ", ".join(_header_address(str(address)) for address in addresses)))
        headers.append(("Subject", _header_text(str(self.subject))))
        extra = {name.lower(): (name, value) for name, value in self.extra_headers.items()}
        date = extra.pop("date", ("Date", None))[1]
        headers.append(("Date", date or email.utils.formatdate(localtime=settings.EMAIL_USE_LOCALTIME)))
        message_id = extra.pop("message-id", ("Message-ID", None))[1]
        headers.append(("Message-ID", message_id or email.utils.make_msgid(domain=DNS_NAME.get_fqdn())))
        headers += [
            ("MIME-Version", "1.0"),
            ("Content-Type", 'text/plain; charset="utf-8"'),
            ("Content-Transfer-Encoding", "quoted-printable"),
            *((name, _header_text(str(value))) for name, value in extra.values()),
        ]
        body = str(self.body).replace("\r\n", "\n")
        return _WrittenMessage(headers, quopri.encodestring(body.encode()).decode("ascii"))


class _WrittenMessage(email.message.Message):
    """A compat32 message written once: as_bytes() and as_string() give that writing (the email
    package would fold every header again, through its Header class, at each call). With a policy
    or a Unix From line, the email package writes it as usual."""

    def __init__(self, headers: list[tuple[str, str]], payload: str) -> None:
        super().__init__(policy=email.policy.compat32)
        for name, value in headers:
            self[name] = value
        self.set_payload(payload)
        self._written = "".join(_header_line(name, value) for name, value in headers) + "\n" + payload

    def as_string(self, unixfrom=False, maxheaderlen=0, policy=None) -> str:
        if unixfrom or policy is not None:
            return super().as_string(unixfrom, maxheaderlen, policy)
        return self._written

    def as_bytes(self, unixfrom=False, policy=None) -> bytes:
        if unixfrom or policy is not None:
            return super().as_bytes(unixfrom, policy)
        return self._written.encode("ascii")


def _header_line(name: str, value: str) -> str:
    """One header, folded as RFC 5322 asks when it is longer than 78 characters."""
    line = f"{name}: {value}"
    if len(line) > 78 and "\n" not in value:  # encoded values come folded already
        line = f"{name}: {email.header.Header(value, header_name=name).encode()}"
    return line + "\n"


def _header_text(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError("Header values cannot contain line breaks.")
    return value if value.isascii() else email.header.Header(value, "utf-8").encode()


def _header_address(value: str) -> str:
    """`value` ("addr" or "Name <addr>") as a header writes it: the name encoded if it is not
    ASCII, the domain in its IDNA form."""
    if "\n" in value or "\r" in value:
        raise ValueError("Addresses cannot contain line breaks.")
    name, address = email.utils.parseaddr(value)
    local, _at, domain = address.rpartition("@")
    if not local or not local.isascii():
        raise ValueError("This address cannot be written in a header.")  # never logged with the address
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError("This address cannot be written in a header.") from None
    return email.utils.formataddr((name, f"{local}@{domain}"), charset="utf-8")
