"""Send the e-mails signers are owed that are still waiting (the server process stopped, or the
mail server was down), close campaigns past their end date, ask decision makers for a response at
the threshold, and e-mail updates, responses, victories and escalations to signers who asked for
news. Run it every few minutes."""

from django.core.management.base import BaseCommand

from ustoo.campaigns.outbox import send_campaign_mail


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=200, help="messages per SMTP connection")

    def handle(self, *args, batch_size: int, **options):
        sent = send_campaign_mail(batch_size=batch_size)
        owed = sent.owed
        self.stdout.write(
            f"sent {owed.sent} signer e-mails ({owed.refused} refused, {owed.deferred} waiting for "
            f"the next try, {owed.dropped} given up), "
            f"closed {sent.closed} campaigns, sent {sent.response_requests} response requests "
            f"and {sent.updates} update e-mails ({sent.refused} addresses refused by the server)"
        )
