"""ustoo restore FILE: replace the database with a backup made by `ustoo backup` (docs/DEPLOY.md).

Stop the site, its scheduled commands and every other app server first: what they write meanwhile
would be lost or mixed with the backup."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ustoo.core.management.commands.backup import run_postgres_client


class Command(BaseCommand):
    help = "Replace the whole database with the backup in FILE (stop the site first)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="do not ask first"
        )

    def handle(self, *args, file: Path, interactive: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        if interactive:
            answer = input(f"Replace everything in the database with {file}? Type 'yes' to go on: ")
            if answer != "yes":
                raise CommandError("Nothing was changed.")
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            backup = connection.Database.connect(str(file))
            try:
                backup.backup(connection.connection)
            finally:
                backup.close()
        elif connection.vendor == "postgresql":
            connection.close()  # pg_restore drops the tables this connection may hold
            # The parameters end with --dbname: the connection settings add the database's name last.
            run_postgres_client(
                "pg_restore",
                ["--clean", "--if-exists", "--no-owner", "--single-transaction", str(file), "--dbname"],
                what="pg_restore",
            )
        else:
            raise CommandError(f"No restore for {connection.vendor}.")
        self.stdout.write(f"Restored the database from {file}.")
