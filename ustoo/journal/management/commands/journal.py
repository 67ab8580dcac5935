"""`ustoo journal publish-head` signs a tree head of the time-stamp log (run it daily from cron; `make
run` runs it in a loop); `ustoo journal verify BUNDLE.zip` checks an evidence bundle offline; `ustoo
journal authority init` makes the deployment's time-stamping authority once, before the app servers
start (docs/DEPLOY.md), or checks that this node holds it."""

import datetime
import logging
import signal
import threading
from pathlib import Path

from cryptography import x509
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from ustoo.journal import authority, bundle, log

logger = logging.getLogger("ustoo.journal")


class Command(BaseCommand):
    help = "The journal's time-stamp log: publish a signed tree head, or verify an evidence bundle."
    # verify reads a file and no database: Django's checks would only slow it down.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        publish = actions.add_parser(
            "publish-head",
            help="sign a tree head of the log when it grew (or the last head is a day old)",
        )
        publish.add_argument("--loop", action="store_true", help="keep publishing until stopped")
        publish.add_argument(
            "--interval", type=float, default=3600.0, help="with --loop, seconds between two heads (3600)"
        )
        keys = actions.add_parser("authority", help="the deployment's time-stamping authority")
        keys.add_argument(
            "step",
            choices=["init"],
            help="init: make it if the deployment has none, else check that this node holds it",
        )
        verify = actions.add_parser("verify", help="check an evidence bundle offline")
        verify.add_argument("bundle", type=Path, help="the bundle (.zip) exported from a journal")
        verify.add_argument(
            "--ca", type=Path, help="the site's CA certificate (PEM), to compare the bundle's with"
        )
        verify.add_argument("--no-openssl", action="store_true", help="skip the checks run with openssl")

    def handle(self, *args, action: str, **options) -> None:
        if action == "publish-head":
            self.publish(loop=options["loop"], interval=options["interval"])
        elif action == "authority":
            self.init_authority()
        else:
            self.verify(options["bundle"], ca_path=options["ca"], use_openssl=not options["no_openssl"])

    def publish(self, *, loop: bool, interval: float) -> None:
        if not loop:
            self.report(log.publish_head(at_least_every=datetime.timedelta(days=1)))
            return
        stopping = threading.Event()
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stopping.set())
        while not stopping.is_set():
            try:
                self.report(log.publish_head(at_least_every=datetime.timedelta(days=1)))
            except Exception:  # the database was unavailable, say: the next turn publishes
                logger.exception("Journal: publishing a tree head failed; the next turn tries again")
            finally:
                close_old_connections()
            stopping.wait(interval)

    def init_authority(self) -> None:
        try:
            deployment = authority.current()
        except authority.Unavailable:
            raise CommandError(
                "This node does not hold the deployment's time-stamping authority (the log line above says "
                "which): copy it from the node that made it, see docs/DEPLOY.md."
            ) from None
        self.stdout.write(
            f"The deployment's time-stamping authority is in {Path(settings.JOURNAL_AUTHORITY_DIR)}, "
            f"CA certificate SHA-256 {authority.fingerprint(deployment.ca)}."
        )

    def report(self, published: log.Published) -> None:
        if published.head is None:
            self.stdout.write("The log has not grown since its last tree head: nothing published.")
            return
        head = published.head
        self.stdout.write(
            f"Published the tree head of {head.tree_size} tokens, root {bytes(head.root_hash).hex()}."
        )

    def verify(self, path: Path, *, ca_path: Path | None, use_openssl: bool) -> None:
        ca = None
        if ca_path is not None:
            try:
                ca = x509.load_pem_x509_certificate(ca_path.read_bytes())
            except (OSError, ValueError) as error:
                raise CommandError(f"--ca {ca_path}: not a PEM certificate ({error})") from None
        report = bundle.verify_bundle(path, ca=ca, use_openssl=use_openssl)
        for status, text in report.lines:
            self.stdout.write(f"{status:<8}{text}")
        if not report.passed:
            raise CommandError(f"{len(report.failures())} checks failed: this bundle is not intact.")
        self.stdout.write("Every check passed.")
