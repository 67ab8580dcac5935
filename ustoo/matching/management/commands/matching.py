"""`ustoo matching oprf-service|keygen|set-key|counselor|notify|open|protect-key`: the escrow's processes
and the administrator's and counselor's steps (PROTOCOL.md, COUNSELORS.md)."""

import getpass
import json
import os
import sys
from pathlib import Path

import orjson
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ustoo.matching import counselor_tool, hpke, keyfile


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
        keygen.add_argument(
            "--out",
            type=Path,
            required=True,
            help="where to write the private key (0600, under your passphrase)",
        )
        self._passphrase_argument(keygen)

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
        self._passphrase_argument(opening)
        opening.add_argument(
            "--allow-unprotected-key",
            action="store_true",
            help="use a key file that has no passphrase (made before they were asked); protect-key fixes it",
        )

        protect = actions.add_parser(
            "protect-key", help="(counselor) put a passphrase on a key file that has none, in place"
        )
        protect.add_argument("--key", type=Path, required=True, help="your private key file")
        self._passphrase_argument(protect)

    @staticmethod
    def _passphrase_argument(parser: CommandParser) -> None:
        parser.add_argument(
            "--passphrase-file",
            type=Path,
            help="read the key's passphrase from this file's first line ('-': standard input) instead of "
            "asking for it; for scripts and tests",
        )

    def handle(self, *args, action: str, **options) -> None:
        try:
            getattr(self, "_" + action.replace("-", "_"))(**options)
        except (counselor_tool.ToolError, keyfile.KeyFileError) as error:
            raise CommandError(str(error), returncode=2) from None

    def _passphrase(self, passphrase_file: Path | None, *, new: bool) -> str:
        """Asked at the terminal (twice for a new one), never taken from the command line or the
        environment, where other processes and the shell's history could read it."""
        if passphrase_file is not None:
            try:
                text = sys.stdin.readline() if str(passphrase_file) == "-" else passphrase_file.read_text()
                passphrase = text.splitlines()[0]
            except (OSError, IndexError) as error:
                raise keyfile.KeyFileError(
                    f"Cannot read a passphrase from {passphrase_file}: {error}"
                ) from None
        else:
            try:
                if not new:
                    return getpass.getpass("Passphrase of the key file: ")
                passphrase = getpass.getpass("A passphrase for the key file: ")
                again = getpass.getpass("The same passphrase again: ")
            except (EOFError, KeyboardInterrupt):
                raise keyfile.KeyFileError("No passphrase was given. Nothing was done.") from None
            if passphrase != again:
                raise keyfile.KeyFileError("The two passphrases are different. Nothing was written.")
        if new:
            keyfile.check_new_passphrase(passphrase)
        return passphrase

    def _oprf_service(
        self, *, bind: str, key_dir: Path, workers: int, budget_per_hour: int, **_options
    ) -> None:
        from ustoo.matching import oprf_service

        try:
            oprf_service.serve(bind=bind, directory=key_dir, workers=workers, per_hour=budget_per_hour)
        except oprf_service.KeyFileError as error:
            raise CommandError(str(error)) from None

    def _keygen(self, *, out: Path, passphrase_file: Path | None, **_options) -> None:
        if out.exists():  # before asking a passphrase for nothing; write_new refuses it again
            raise keyfile.KeyFileError(
                f"{out} exists already: a key is never overwritten. Choose another file."
            )
        passphrase = self._passphrase(passphrase_file, new=True)
        private, public = hpke.generate_key_pair()
        keyfile.write_new(out, private, passphrase)
        fingerprint = hpke.readable_fingerprint(hpke.fingerprint(public))
        self.stdout.write(
            f"Private key written to {out}, protected by your passphrase (only you can read it; keep it on "
            "this machine).\n"
            f"Public key, for the administrator:\n  {counselor_tool._b64u(public)}\n"
            f"Fingerprint, to read to them and to publish:\n  {fingerprint}"
        )

    def _protect_key(self, *, key: Path, passphrase_file: Path | None, **_options) -> None:
        key_file = keyfile.KeyFile.read(key)
        if key_file.protected:
            raise keyfile.KeyFileError(f"{key} is protected by a passphrase already. Nothing was changed.")
        key_file.unprotected_key()  # a file that is not a key is refused before asking anything
        public = keyfile.protect_in_place(key, self._passphrase(passphrase_file, new=True))
        fingerprint = hpke.readable_fingerprint(hpke.fingerprint(public))
        self.stdout.write(
            f"{key} is now protected by your passphrase (the key {fingerprint}).\n"
            "Copies of the old file (a USB stick, a backup) still open without it: replace each with this "
            "file and destroy the old ones. If one may have been copied, treat the key as exposed "
            "(COUNSELORS.md, Replacing a counselor or a key)."
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

    def _open(
        self,
        *,
        key: Path,
        export: Path,
        out: Path | None,
        passphrase_file: Path | None,
        allow_unprotected_key: bool,
        **_options,
    ) -> None:
        try:
            document = orjson.loads(export.read_bytes())
        except (OSError, ValueError) as error:
            raise counselor_tool.ToolError(f"Cannot read {export}: {error}") from None
        key_file = keyfile.KeyFile.read(key)
        if key_file.protected:
            private = key_file.unlock(self._passphrase(passphrase_file, new=False))
        elif allow_unprotected_key:
            private = key_file.unprotected_key()
            self.stderr.write(
                f"Warning: {key} has no passphrase: anyone who copies it can open matches. Protect it now "
                f"with `ustoo matching protect-key --key {key}`, then replace every copy of it (the USB "
                "stick too) and destroy the old ones."
            )
        else:
            raise keyfile.KeyFileError(
                f"{key} has no passphrase: anyone who copies it can open matches, so it is not used as it "
                f"is. Protect it with `ustoo matching protect-key --key {key}` (then replace every copy of "
                "it), or add --allow-unprotected-key to use it once as it is. Nothing was opened."
            )
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
