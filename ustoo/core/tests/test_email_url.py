"""EMAIL_URL, read by dj-email-url, becomes the site's mailer (Django's MAILERS setting)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from ustoo.core.mail import mailer_from_url

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_smtp_with_a_password_that_needs_quoting():
    mailer = mailer_from_url("smtp://site%40example.org:p%40ss%2Fword@mail.example.org:2525", mail_dir=None)
    assert mailer["BACKEND"] == SMTP
    assert mailer["OPTIONS"] == {
        "host": "mail.example.org",
        "port": 2525,
        "username": "site@example.org",
        "password": "p@ss/word",
        "use_tls": False,
        "use_ssl": False,
        "timeout": 10,  # never wait forever for a server that stopped answering
    }


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("submission://u:p@mail.example.org", {"port": 587, "use_tls": True, "use_ssl": False}),
        ("smtp://u:p@mail.example.org:465?ssl=1", {"port": 465, "use_tls": False, "use_ssl": True}),
        ("smtp://mail.example.org?timeout=3", {"port": 25, "timeout": 3}),
    ],
)
def test_encryption_port_and_timeout(url, expected):
    options = mailer_from_url(url, mail_dir=None)["OPTIONS"]
    assert {key: options[key] for key in expected} == expected


def test_without_a_url_mail_is_written_to_files_in_the_data_directory(tmp_path):
    assert mailer_from_url("", mail_dir=tmp_path / "mail") == {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(tmp_path / "mail")},
    }


def test_an_unknown_scheme_is_refused_at_start():
    with pytest.raises(ImproperlyConfigured, match="smtp://"):
        mailer_from_url("smtp+tls://u:p@mail.example.org", mail_dir=None)
