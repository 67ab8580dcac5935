"""`ustoo matching oprf-service|keygen|set-key|counselor|notify|open`: the escrow's processes and the
administrator's and counselor's steps (PROTOCOL.md, COUNSELORS.md)."""

import json
import os
from pathlib import Path

import orjson
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ustoo.matching import counselor_tool, hpke


class Command(BaseCommand):
    help = "The matching escrow: the OPRF service, the counselors' key and tool, notifications."
    # The counselor's machine has no database; the service needs none either.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)

        service = actions.add_parser("oprf-service", help="run the OPRF service (its own process and key)")
        service.add_argument("--bind", required=True, help="127.0.0.1:PORT or unix:/PATH")
        service.add_argument(
            "--key-dir",
            type=Path,
            default=settings.MATCHING_OPRF_DIR,
            help="its own directory (0700), holding oprf.key (0600); default $USTOO_MATCHING_OPRF_DIR",
        )
        service.add_argument("--workers", type=int, default=2)
        service.add_argument("--budget-per-hour", type=int, default=1200)

        keygen = actions.add_parser(
            "keygen", help="(counselor, on your own machine) make the counselors' key"
        )
        keygen.add_argument("--out", type=Path, required=True, help="where to write the private key (0600)")

        set_key = actions.add_parser("set-key", help="(administrator) set the counselors' public key")
        set_key.add_argument("public_key", help="the public key keygen printed (base64url)")
        set_key.add_argument(
            "--fingerprint", required=True, help="the fingerprint the counselor read to you, to compare"
        )

        counselor = actions.add_parser("counselor", help="(administrator) appoint or remove a counselor")
        counselor.add_argument("change", choices=["add", "remove"])
        counselor.add_argument("username")

        actions.add_parser("notify", help="e-mail the counselors a count of new matches (run from cron)")

        opening = actions.add_parser("open", help="(counselor, offline) open an export's matches")
        opening.add_argument("--key", type=Path, required=True, help="your private key file")
        opening.add_argument("--export", type=Path, required=True, help="the export downloaded from the site")
        opening.add_argument(
            "--out", type=Path, help="write one JSON file per match here instead of printing"
        )

    def handle(self, *args, action: str, **options) -> None:
        try:
            getattr(self, "_" + action.replace("-", "_"))(**options)
        except counselor_tool.ToolError as error:
            raise CommandError(str(error), returncode=2) from None

    def _oprf_service(
        self, *, bind: str, key_dir: Path, workers: int, budget_per_hour: int, **_options
    ) -> None:
        from ustoo.matching import oprf_service

        try:
            oprf_service.serve(bind=bind, directory=key_dir, workers=workers, per_hour=budget_per_hour)
        except oprf_service.KeyFileError as error:
            raise CommandError(str(error)) from None

    def _keygen(self, *, out: Path, **_options) -> None:
        public = counselor_tool.write_key_file(out)
        fingerprint = hpke.readable_fingerprint(hpke.fingerprint(counselor_tool._from_b64u(public)))
        self.stdout.write(
            f"Private key written to {out} (only you can read it; keep it on this machine).\n"
            f"Public key, for the administrator:\n  {public}\n"
            f"Fingerprint, to read to them and to publish:\n  {fingerprint}"
        )

    def _set_key(self, *, public_key: str, fingerprint: str, **_options) -> None:
        from ustoo.matching import services

        try:
            key = counselor_tool._from_b64u(public_key)
        except ValueError:
            raise CommandError("This is not a public key from `ustoo matching keygen`.") from None
        if len(key) != hpke.KEY_BYTES:
            raise CommandError("This is not a public key from `ustoo matching keygen`.")
        expected = hpke.fingerprint(key)
        if fingerprint.replace(" ", "").lower() != expected:
            raise CommandError(
                f"The fingerprint does not match this key ({hpke.readable_fingerprint(expected)}): "
                "nothing was set. Check the key with the counselor."
            )
        services.set_counselor_key(key)
        self.stdout.write(f"Entries are now sealed to the key {hpke.readable_fingerprint(expected)}.")

    def _counselor(self, *, change: str, username: str, **_options) -> None:
        from ustoo.accounts.models import Member
        from ustoo.matching import services

        member = Member.objects.filter(username__iexact=username).first()
        if member is None:
            raise CommandError(f"No member is called {username}.")
        if change == "add":
            services.appoint_counselor(member)
            note = "" if member.email else " They have no e-mail address: they will not be told of matches."
            self.stdout.write(f"{member.username} is a counselor.{note}")
        elif services.remove_counselor(member):
            self.stdout.write(f"{member.username} is no longer a counselor.")
        else:
            raise CommandError(f"{member.username} is not a counselor.")

    def _notify(self, **_options) -> None:
        from ustoo.matching import services

        notified = services.notify_counselors()
        self.stdout.write(
            f"{notified.new} new match(es), {notified.total} in all; {notified.sent} counselor(s) told."
        )

    def _open(self, *, key: Path, export: Path, out: Path | None, **_options) -> None:
        private = counselor_tool.read_key_file(key)
        try:
            document = orjson.loads(export.read_bytes())
        except (OSError, ValueError) as error:
            raise counselor_tool.ToolError(f"Cannot read {export}: {error}") from None
        opened = counselor_tool.open_export(document, private)
        if out is None:
            self.stdout.write(counselor_tool.describe(opened))
            return
        out.mkdir(mode=0o700, parents=True, exist_ok=True)
        for number, match in enumerate(opened.matches, 1):
            path = out / f"match-{number:04d}.json"
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w") as file:
                json.dump(
                    {
                        "people": match.people,
                        "records": [r.record | {"entry": r.reference} for r in match.records],
                    },
                    file,
                    indent=2,
                    ensure_ascii=False,
                )
        self.stdout.write(counselor_tool.describe(opened).splitlines()[0] + f" Written to {out}.")
