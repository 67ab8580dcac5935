"""ustoo create_moderator USERNAME [--passphrase-file PATH] [--admin]"""

import getpass
from pathlib import Path

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ustoo.accounts.models import Member, Role, TrustLevel


class Command(BaseCommand):
    help = "Create a moderator, or make a member one; the passphrase is asked for or read from a file."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--passphrase-file", type=Path, help="read the passphrase from this file's first line"
        )
        parser.add_argument("--admin", action="store_true", help="an administrator rather than a moderator")

    def handle(self, *args, username: str, passphrase_file: Path | None, admin: bool, **options):
        if passphrase_file is not None:
            try:
                passphrase = passphrase_file.read_text().splitlines()[0]
            except (OSError, IndexError) as error:
                raise CommandError(f"Cannot read a passphrase from {passphrase_file}: {error}") from None
        else:
            passphrase = getpass.getpass("Passphrase: ")
            if passphrase != getpass.getpass("Passphrase again: "):
                raise CommandError("The two passphrases are different.")
        member = Member.objects.filter(username__iexact=username).first() or Member(username=username)
        try:
            password_validation.validate_password(passphrase, member)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        member.set_password(passphrase)
        member.role = Role.ADMIN if admin else Role.MODERATOR
        member.trust_level = TrustLevel.MEMBER
        member.is_superuser = admin
        member.save()
        self.stdout.write(f"{member.username} is now {'an administrator' if admin else 'a moderator'}.")
