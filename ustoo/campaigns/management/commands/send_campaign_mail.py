"""Send the e-mails signers are owed (confirmation links, notes that an address signed already), close
campaigns past their end date, ask decision makers for a response at the threshold, and e-mail
updates, responses, victories and escalations to signers who asked for news.

This is the site's only sender of campaign mail. Run it with --loop beside the web server, so signers
get their link within seconds (`make run` does), or from cron every minute."""

import logging
import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from ustoo.campaigns.outbox import Sent, send_campaign_mail

logger = logging.getLogger("ustoo.campaigns")


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=200, help="messages per SMTP connection")
        parser.add_argument(
            "--loop", action="store_true", help="keep sending until stopped (SIGTERM or Ctrl-C)"
        )
        parser.add_argument(
            "--interval", type=float, default=2.0, help="with --loop, seconds between two looks (2)"
        )

    def handle(self, *args, batch_size: int, loop: bool, interval: float, **options):
        if not loop:
            self.report(send_campaign_mail(batch_size=batch_size))
            return
        stopping = threading.Event()
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stopping.set())  # finish the batch in hand, then stop
        while not stopping.is_set():
            try:
                sent = send_campaign_mail(batch_size=batch_size)
            except Exception:  # the database was unavailable, say: what is owed stays owed
                logger.exception("Campaign mail: this look failed; the next one tries again")
            else:
                if sent.anything():
                    self.report(sent)
            finally:
                close_old_connections()
            stopping.wait(interval)

    def report(self, sent: Sent) -> None:
        owed = sent.owed
        self.stdout.write(
            f"sent {owed.sent} signer e-mails ({owed.refused} refused, {owed.deferred} waiting for "
            f"the next try, {owed.dropped} given up), "
            f"closed {sent.closed} campaigns, sent {sent.response_requests} response requests "
            f"and {sent.updates} update e-mails ({sent.refused} addresses refused by the server)"
        )
