"""The e-mails campaigns send, written in the reader's language, with links to the configured site
address (USTOO_SITE_URL). Signers get mail only to confirm and, if they asked, with updates; a
survivor never gets mail from here by default."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ustoo.campaigns import tokens
from ustoo.campaigns.models import Campaign, CampaignUpdate, ConfirmedEmail, Signature, UpdateKind
from ustoo.core.mail import EmlFileBackend

logger = logging.getLogger("ustoo.campaigns")


def site_url(path: str) -> str:
    base = getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")
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
    return getattr(settings, "CAMPAIGN_CONFIRM_HOURS", 72)


def _connection():
    """The site's mailer; until settings name one (MAILERS, from EMAIL_URL), .eml files in the data
    directory rather than Django's default of SMTP on localhost:25, which a new site does not run."""
    nothing_configured = (
        not hasattr(settings, "MAILERS")
        and settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
        and settings.EMAIL_HOST == "localhost"
    )
    if nothing_configured:
        return EmlFileBackend(alias="campaigns-eml")
    return mailers.default


def send(messages: Iterable[EmailMessage]) -> int:
    """Send over one connection. A failure is logged (without addresses) and reported as 0 sent:
    nothing is lost, as signing again or the next `send_campaign_mail` run sends it again."""
    messages = list(messages)
    if not messages:
        return 0
    try:
        with _connection() as connection:
            return connection.send_messages(messages) or 0
    except OSError as error:
        logger.error("Campaign mail not sent: %s (%d messages)", type(error).__name__, len(messages))
        return 0
