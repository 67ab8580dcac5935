"""Messages from the contact page: written into an e-mail to the operator's address (OPERATOR_EMAIL)
and sent through the site's mailer. Nothing of a message is stored or logged: if the mail server
cannot take it, the person gets their form back with what they wrote, to send again."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.template.loader import render_to_string
from django.utils import translation

from ustoo.core.forms import ContactForm, Topic

logger = logging.getLogger("ustoo.core")


class NotSent(Exception):
    """The mail server did not take the message (it is down, or refused it for now)."""


def send_contact_message(form: ContactForm, *, language: str) -> None:
    """E-mail a valid contact form to the operator, in the site's default language (the operator's),
    with the person's address as Reply-To when they gave one. Raises NotSent if the server did not
    take it, and ValueError for a reply address a mail header cannot carry."""
    data = form.cleaned_data
    with translation.override(settings.LANGUAGE_CODE):
        topic = str(Topic(data["topic"]).label)
        message = EmailMessage(
            subject=f"[{settings.SITE_NAME}] {topic}",
            body=render_to_string(
                "core/mail/contact.txt",
                {
                    "SITE_NAME": settings.SITE_NAME,
                    "topic": topic,
                    "message": data["message"],
                    "reply_to": data["reply_to"],
                    "language": language,
                },
            ),
            to=[settings.OPERATOR_EMAIL],
            reply_to=[data["reply_to"]] if data["reply_to"] else [],
        )
    try:
        mailers.default.send_messages([message])
    except OSError as error:  # smtplib's errors are OSErrors too
        # The kind of failure only: never the message, nor the addresses.
        logger.error("A contact message was not sent: %s", type(error).__name__)
        raise NotSent from error
