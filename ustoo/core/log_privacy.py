"""No network address reaches a log: a filter that blanks every IPv4 or IPv6 address in a record.

Gunicorn writes the client's address into some of its own lines ("Invalid request from ip=…"), and
an access log, if someone turns one on, starts with it. Rather than trust every library's wording, the
filter rewrites each record's message and traceback as it is emitted. It sits on gunicorn's loggers
(GunicornLogger, named in gunicorn_conf.py) and on the handler of Django's logging (settings.LOGGING).
"""

import ipaddress
import logging
import re

from gunicorn.glogging import Logger

REDACTED = "[address removed]"

_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\d)")
# At least two colons: what could be an IPv6 address (with an IPv4 tail or a zone). Each candidate is
# checked with the ipaddress module, so clock times such as 12:30:45 are left alone.
_IPV6_CANDIDATE = re.compile(r"(?<![\w:])[0-9A-Fa-f]*:[0-9A-Fa-f]*:[0-9A-Fa-f:.]*(?:%[\w.-]+)?")


def _ipv6_or_not(match: re.Match) -> str:
    candidate = match.group(0)
    trailing = len(candidate) - len(candidate.rstrip("."))  # the full stop of a sentence
    address = candidate[: len(candidate) - trailing] if trailing else candidate
    try:
        ipaddress.IPv6Address(address)
    except ValueError:
        return candidate
    return REDACTED + candidate[len(address) :]


def redact_addresses(text: str) -> str:
    if ":" in text:
        text = _IPV6_CANDIDATE.sub(_ipv6_or_not, text)
    if "." in text:
        text = _IPV4.sub(REDACTED, text)
    return text


class RedactAddresses(logging.Filter):
    """Rewrites the record so that its message, traceback and stack carry no address. Keeps every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit the message: log both, as text
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = redact_addresses(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_addresses(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_addresses(record.stack_info)
        return True


_FILTER = RedactAddresses()


class GunicornLogger(Logger):
    """Gunicorn's logger with every line, error or access, passed through RedactAddresses."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(_FILTER)  # a logger keeps one copy of a filter, however often setup runs
