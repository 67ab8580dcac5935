"""EMAIL_URL, read by dj-email-url, as the entry of Django's MAILERS setting."""

from pathlib import Path

import dj_email_url
from django.core.exceptions import ImproperlyConfigured

# A mail server that stops answering must not hold the sender forever.
SMTP_TIMEOUT_SECONDS = 10


def mailer_from_url(url: str, *, mail_dir: Path | None) -> dict:
    """The ``MAILERS["default"]`` entry for `url` (see dj-email-url's schemes: ``smtp://``,
    ``submission://`` for STARTTLS, ``?ssl=1``, ``?timeout=``, ``console://``...). Empty: Django's
    file backend, each batch of messages in a file of `mail_dir`, so a local site's links can be
    opened by hand."""
    if not url:
        return {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(mail_dir)},
        }
    config = dj_email_url.parse(url)
    backend = config.get("EMAIL_BACKEND")
    if backend is None:
        raise ImproperlyConfigured("EMAIL_URL must look like smtp://user:password@host:port.")
    if backend.endswith(".smtp.EmailBackend"):
        options = {
            "host": config["EMAIL_HOST"],
            "port": config["EMAIL_PORT"],
            "username": config["EMAIL_HOST_USER"] or "",
            "password": config["EMAIL_HOST_PASSWORD"] or "",
            "use_tls": config["EMAIL_USE_TLS"],
            "use_ssl": config["EMAIL_USE_SSL"],
            "timeout": config["EMAIL_TIMEOUT"] or SMTP_TIMEOUT_SECONDS,
        }
    elif backend.endswith(".filebased.EmailBackend"):
        options = {"file_path": config["EMAIL_FILE_PATH"]}
    else:
        options = {}
    return {"BACKEND": backend, "OPTIONS": options}
