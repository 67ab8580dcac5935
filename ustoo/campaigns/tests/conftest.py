"""Campaign fixtures: a real SMTP server on loopback, and open campaigns ready to sign."""

import datetime
import email
import email.policy
import re
import socket
import threading
import time
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from ustoo.campaigns import services
from ustoo.campaigns.models import Campaign
from ustoo.campaigns.outbox import send_owed_mail
from ustoo.conftest import logged_in_client, make_member
from ustoo.core.mail import mailer_from_url


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: email.message.EmailMessage

    @property
    def to(self) -> str:
        return self.recipients[0]

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    def links(self) -> list[str]:
        return re.findall(r"https?://\S+", self.body)

    def path(self, marker: str) -> str:
        """The path of the first link containing `marker`, as the test client requests it."""
        link = next(link for link in self.links() if marker in link)
        return re.sub(r"^https?://[^/]+", "", link)


@dataclass
class Mailbox:
    """What the loopback SMTP server received, in order. `refuse` maps an address to the reply
    the server gives when asked to deliver to it ("550 ..." for good, "451 ..." for now)."""

    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    refuse: dict[str, str] = field(default_factory=dict)
    # The EMAIL_URL that reaches this server.
    url: str = ""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if reply := self.refuse.get(address):
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [received for received in self.messages if address in received.recipients]

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()

    def wait_for(self, address: str, *, count: int = 1, seconds: float = 10.0) -> list[Received]:
        """What reached `address` once `count` messages have: for mail another process or thread
        sends. Fails after `seconds`."""
        deadline = time.monotonic() + seconds
        while len(received := self.to(address)) < count:
            assert time.monotonic() < deadline, f"{len(received)} of {count} messages arrived"
            time.sleep(0.02)
        return received


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings) -> Mailbox:
    """A real SMTP server on 127.0.0.1, with the site sending to it through EMAIL_URL's settings."""
    port = free_port()
    mailbox = Mailbox(url=f"smtp://127.0.0.1:{port}?timeout=5")
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {"default": mailer_from_url(mailbox.url, mail_dir=None)}
    settings.SITE_URL = "https://petitions.example.org"
    settings.DEFAULT_FROM_EMAIL = "campaigns@example.org"
    yield mailbox
    controller.stop()


class MailOutage:
    """Points the site's mail settings at a port where nothing listens, and back."""

    def __init__(self, settings) -> None:
        self.settings, self.working = settings, None

    def begin(self) -> None:
        self.working = self.settings.MAILERS
        dead = mailer_from_url(f"smtp://127.0.0.1:{free_port()}?timeout=2", mail_dir=None)
        self.settings.MAILERS = {"default": dead}

    def end(self) -> None:
        self.settings.MAILERS = self.working


@pytest.fixture
def mail_outage(settings) -> MailOutage:
    return MailOutage(settings)


@pytest.fixture
def starter_member(db):
    return make_member("starter")


@pytest.fixture
def starter(starter_member):
    return logged_in_client(starter_member)


def make_campaign(
    starter=None, *, title="Give back the donation", goal=1000, days=60, status="open", **extra
):
    """An open campaign (as if five members supported it and a moderator published it)."""
    starter = starter or make_member(f"starter{Campaign.objects.count()}")
    campaign = services.start_campaign(
        starter=starter,
        draft=services.CampaignDraft(
            title=title,
            asks_for="Return the $5 million donation.",
            decision_maker_name="Dana Dean",
            decision_maker_role="President",
            decision_maker_organisation="Example University",
            why="Because survivors deserve better.",
            goal=goal,
            ends_on=timezone.localdate() + datetime.timedelta(days=days),
            decision_maker_email=extra.pop("decision_maker_email", "president@university.example"),
        ),
    )
    if status == "open":
        now = timezone.now()
        Campaign.objects.filter(pk=campaign.pk).update(status="open", published_at=now, decided_at=now)
        campaign.refresh_from_db()
    return campaign


@pytest.fixture
def campaign(db):
    return make_campaign()


SIGNER = {
    "name": "Ada Lovelace",
    "email": "ada@example.org",
    "country": "GB",
    "postcode": "SW1A 1AA",
    "reason": "It matters.",
    "wants_updates": "on",
}


def deliver() -> None:
    """Send the mail signing owed, as `send_campaign_mail --loop` does within seconds."""
    send_owed_mail()


def sign_and_confirm(client, smtp, slug: str, **fields) -> None:
    """Sign through the form, then follow the link the loopback server received."""
    data = {**SIGNER, **fields}
    response = client.post(f"/campaigns/{slug}/sign/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    deliver()
    confirm_path = smtp.to(data["email"])[-1].path("/confirm/")
    assert client.post(confirm_path).status_code == 200
