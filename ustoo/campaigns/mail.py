"""The e-mails campaigns send, written in the reader's language, with links to the configured site
address (USTOO_SITE_URL). Signers get mail only to confirm, when their address is used to sign
again (a note that it signed already), and, if they asked, with updates; a survivor never gets
mail from here by default."""

import enum
import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ustoo.campaigns import tokens
from ustoo.campaigns.models import (
    Campaign,
    CampaignUpdate,
    ConfirmedEmail,
    Signature,
    SignatureStatus,
    UpdateKind,
)

logger = logging.getLogger("ustoo.campaigns")


def site_url(path: str) -> str:
    base = settings.SITE_URL.rstrip("/")
    return f"{base}{path}"


def confirm_link(signature: Signature) -> str:
    return site_url(
        reverse("campaigns:confirm", args=[tokens.make("confirm", signature.pk, signature.nonce)])
    )


def manage_link(signature: Signature) -> str:
    return site_url(
        reverse("campaigns:signature", args=[tokens.make("manage", signature.pk, signature.manage_key)])
    )


def _message(subject: str, template: str, context: dict, to: str) -> EmailMessage:
    context = {"SITE_NAME": settings.SITE_NAME, **context}
    return EmailMessage(
        subject=f"[{settings.SITE_NAME}] {subject}",
        body=render_to_string(template, context),
        to=[to],
        headers={"Auto-Submitted": "auto-generated"},
    )


def confirmation(signature: Signature) -> EmailMessage:
    with translation.override(signature.language):
        return _message(
            _("Confirm your signature"),
            "campaigns/mail/confirm.txt",
            {
                "campaign": signature.campaign,
                "confirm_url": confirm_link(signature),
                "campaign_url": site_url(signature.campaign.get_absolute_url()),
                "hours": confirm_hours(),
            },
            signature.email,
        )


def already_signed(signature: Signature) -> EmailMessage:
    """To an address that signed already: sent in place of a confirmation link, so that signing
    again looks the same from outside, and the real owner hears that someone used their address."""
    with translation.override(signature.language):
        return _message(
            _("You already signed this campaign"),
            "campaigns/mail/already_signed.txt",
            {
                "campaign": signature.campaign,
                "campaign_url": site_url(signature.campaign.get_absolute_url()),
                "counted": signature.status == SignatureStatus.CONFIRMED,
                "manage_url": manage_link(signature) if signature.manage_key else "",
            },
            signature.email,
        )


def owed_to(signature: Signature) -> EmailMessage:
    """The e-mail a signer is owed (Signature.mail_due_at), written when it is sent from the
    signature's state then: a link to confirm while it waits for one, otherwise a note that the
    address signed."""
    if signature.status == SignatureStatus.PENDING and signature.nonce:
        return confirmation(signature)
    return already_signed(signature)


def member_email_confirmation(address: ConfirmedEmail, language: str) -> EmailMessage:
    link = site_url(
        reverse("campaigns:confirm_email", args=[tokens.make("email", address.pk, address.nonce)])
    )
    with translation.override(language):
        return _message(
            _("Confirm your e-mail address"),
            "campaigns/mail/confirm_email.txt",
            {"confirm_url": link, "hours": confirm_hours()},
            address.email,
        )


def update(update: CampaignUpdate, signature: Signature) -> EmailMessage:
    subjects = {
        UpdateKind.UPDATE: _("News from a campaign you signed"),
        UpdateKind.RESPONSE: _("The decision maker responded"),
        UpdateKind.VICTORY: _("Victory: a campaign you signed won"),
        UpdateKind.ESCALATION: _("A campaign you signed was escalated"),
    }
    with translation.override(signature.language):
        return _message(
            str(subjects[update.kind]),
            "campaigns/mail/update.txt",
            {
                "campaign": update.campaign,
                "update": update,
                "campaign_url": site_url(update.campaign.get_absolute_url()),
                "manage_url": manage_link(signature),
                "escalation_threshold": update.campaign.escalation_threshold,
            },
            signature.email,
        )


def response_request(campaign: Campaign) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        return _message(
            _("A request for your response"),
            "campaigns/mail/response_request.txt",
            {"campaign": campaign, "campaign_url": site_url(campaign.get_absolute_url())},
            campaign.decision_maker_email,
        )


def confirm_hours() -> int:
    return settings.CAMPAIGN_CONFIRM_HOURS


class Outcome(enum.Enum):
    SENT = "sent"
    # The server refused this one address for good (5xx at RCPT, or it cannot be written): the
    # other messages can still go.
    REFUSED = "refused"


def send_each(messages: Iterable[EmailMessage]) -> list[Outcome]:
    """Send one message at a time over one connection, and say what became of each.

    A server takes or refuses each message on its own: Django's SMTP backend raises at the first
    refusal after earlier messages were delivered, so batches are never sent as a whole. A refused
    address is reported and the next message tried; anything else (the server down, a temporary
    refusal) stops there, so the list returned is shorter than `messages` and the rest were not
    sent. Failures are logged without addresses."""
    messages = list(messages)
    outcomes: list[Outcome] = []
    if not messages:
        return outcomes
    try:
        with mailers.default as connection:
            for message in messages:
                try:
                    connection.send_messages([message])
                except smtplib.SMTPRecipientsRefused as refusal:
                    if not _refused_for_good(refusal):
                        raise
                    outcomes.append(Outcome.REFUSED)
                except ValueError:  # an address SMTP cannot carry (Django's prep_address)
                    outcomes.append(Outcome.REFUSED)
                else:
                    outcomes.append(Outcome.SENT)
    except OSError as error:  # smtplib's errors are OSErrors too
        logger.error(
            "Campaign mail stopped: %s (%d of %d messages done)",
            type(error).__name__,
            len(outcomes),
            len(messages),
        )
    refused = outcomes.count(Outcome.REFUSED)
    if refused:
        logger.warning("Campaign mail: the server refused %d addresses", refused)
    return outcomes


def _refused_for_good(refusal: smtplib.SMTPRecipientsRefused) -> bool:
    return all(code >= 500 for code, _reply in refusal.recipients.values())


def send(messages: Iterable[EmailMessage]) -> int:
    """How many of `messages` the server took (see send_each)."""
    return send_each(messages).count(Outcome.SENT)
