"""The contact page: a message reaches the operator's address by e-mail (a real SMTP server on
loopback, or a file as under `make run`), is never stored or logged, comes back with what was
typed when anything is wrong, and is rate-limited per client."""

import email
import email.policy

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from ustoo.campaigns.tests.conftest import Mailbox, free_port
from ustoo.core.mail import mailer_from_url

pytestmark = pytest.mark.django_db

OPERATOR = "team@metoo.example.org"
MESSAGE = "The search box on the wall shows nothing after the second page. Unique words: quiet heron."
SENT = {"topic": "problem", "message": MESSAGE, "reply_to": "ada@example.org"}


@pytest.fixture
def operator(settings):
    settings.OPERATOR_EMAIL = OPERATOR
    settings.DEFAULT_FROM_EMAIL = "site@metoo.example.org"


@pytest.fixture
def smtp(settings, operator) -> Mailbox:
    """A real SMTP server on 127.0.0.1, with the site sending to it through EMAIL_URL's settings."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {"default": mailer_from_url(f"smtp://127.0.0.1:{port}?timeout=5", mail_dir=None)}
    yield mailbox
    controller.stop()


def test_a_message_reaches_the_operator_with_the_address_to_answer(client, smtp):
    response = client.post(reverse("contact"), SENT)
    assert response.status_code == 302 and response["Location"] == reverse("contact_sent")
    (received,) = smtp.to(OPERATOR)
    assert received.message["Reply-To"] == "ada@example.org"
    assert received.subject == "[ustoo] A problem with the site"
    assert MESSAGE in received.body and "ada@example.org" in received.body
    sent = client.get(response["Location"])
    assert sent.status_code == 200 and "Your message is sent" in sent.content.decode()


def test_a_message_from_a_french_page_is_written_to_the_operator_in_the_sites_language(client, smtp):
    response = client.post(
        reverse("contact"), {**SENT, "topic": "privacy", "reply_to": ""}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 302
    (received,) = smtp.to(OPERATOR)
    assert received.subject == "[ustoo] A privacy request: what is kept about me, or deleting it"
    assert "Their page's language: fr" in received.body
    assert "They gave no address" in received.body and received.message["Reply-To"] is None


def test_under_make_run_the_message_is_written_to_a_file_in_the_data_directory(
    client, settings, operator, tmp_path
):
    settings.MAILERS = {"default": mailer_from_url("", mail_dir=tmp_path)}
    assert client.post(reverse("contact"), SENT).status_code == 302
    (written,) = tmp_path.iterdir()
    message = email.message_from_bytes(written.read_bytes().split(b"\n" + b"-" * 79)[0])
    assert message["To"] == OPERATOR and MESSAGE in message.get_payload(decode=True).decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"message": ""}, "message"),
        ({"message": "x" * 5001}, "message"),
        ({"topic": ""}, "topic"),
        ({"topic": "complaint"}, "topic"),
        ({"reply_to": "not an address"}, "reply_to"),
    ],
)
def test_bad_input_comes_back_with_what_was_typed_and_nothing_is_sent(client, smtp, data, field):
    typed = {**SENT, **data}
    response = client.post(reverse("contact"), typed)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    html = response.content.decode()
    assert "There is a problem" in html and f'href="#id_{field}' in html
    if field != "message":
        assert MESSAGE in html
    if field != "reply_to":
        assert 'value="ada@example.org"' in html
    assert smtp.messages == []


def test_when_the_mail_server_is_down_the_message_comes_back_and_is_not_logged(
    client, settings, operator, caplog
):
    nobody_listens = f"smtp://127.0.0.1:{free_port()}?timeout=2"
    settings.MAILERS = {"default": mailer_from_url(nobody_listens, mail_dir=None)}
    with caplog.at_level("DEBUG"):
        response = client.post(reverse("contact"), SENT)
    assert response.status_code == 503
    html = response.content.decode()
    assert "could not be sent just now" in html and MESSAGE in html and 'value="ada@example.org"' in html
    assert [record.getMessage() for record in caplog.records if record.name == "ustoo.core"] == [
        "A contact message was not sent: ConnectionRefusedError"
    ]
    assert "quiet heron" not in caplog.text and "ada@example.org" not in caplog.text


def test_a_sent_message_is_not_logged_or_stored(client, smtp, caplog, django_assert_num_queries):
    with caplog.at_level("DEBUG"), django_assert_num_queries(0):
        assert client.post(reverse("contact"), SENT).status_code == 302
    assert len(smtp.messages) == 1
    site_logs = "\n".join(the_sites(caplog))
    assert "quiet heron" not in site_logs and "ada@example.org" not in site_logs


def the_sites(caplog) -> list[str]:
    """What the site logged (the loopback SMTP server, a stand-in for another machine, logs its own)."""
    return [record.getMessage() for record in caplog.records if not record.name.startswith("mail.log")]


def test_without_an_operator_address_the_form_is_off_and_says_why(client, settings, smtp):
    settings.OPERATOR_EMAIL = ""
    page = client.get(reverse("contact")).content.decode()
    assert 'id="contact-off"' in page and "<textarea" not in page
    assert client.post(reverse("contact"), SENT).status_code == 503
    assert smtp.messages == []


def test_the_form_works_without_javascript_in_plain_html(client, operator):
    html = client.get(reverse("contact")).content.decode()
    assert 'method="post"' in html and f'action="{reverse("contact")}"' in html and "novalidate" in html
    assert 'type="radio" name="topic"' in html and '<button type="submit"' in html


def test_messages_are_rate_limited_per_client_and_the_last_one_comes_back(client, settings, smtp):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "contact": ((3, 3600), (3, 3600))}
    for _ in range(3):
        assert client.post(reverse("contact"), SENT).status_code == 302
    refused = client.post(reverse("contact"), SENT)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    html = refused.content.decode()
    assert "Many messages came from here" in html and MESSAGE in html
    assert len(smtp.to(OPERATOR)) == 3
    # Another client (another address) may still write.
    from django.test import Client

    assert Client(REMOTE_ADDR="198.51.100.9").post(reverse("contact"), SENT).status_code == 302
