"""ustoo backup FILE: a consistent copy of the database while the site runs (docs/DEPLOY.md).

SQLite: SQLite's online backup into FILE (a database file). PostgreSQL: pg_dump's custom format into FILE,
with the site's connection settings; behind pgbouncer in transaction mode, run it with DATABASE_URL
naming PostgreSQL itself. `ustoo restore FILE` puts it back."""

import os
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Copy the database into FILE, consistently, while the site runs."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if file.exists():
            raise CommandError(f"{file} exists: name a new file (a backup never overwrites another).")
        file.touch(mode=0o600)  # what people wrote: readable by the site's user alone
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            copy = connection.Database.connect(str(file))
            try:
                connection.connection.backup(copy)
            finally:
                copy.close()
        elif connection.vendor == "postgresql":
            run_postgres_client(
                "pg_dump", ["--format=custom", "--no-owner", "--file", str(file)], what="pg_dump"
            )
        else:
            raise CommandError(f"No backup for {connection.vendor}.")
        self.stdout.write(f"Backed up the database to {file} ({file.stat().st_size:,} bytes).")


def run_postgres_client(program: str, parameters: list[str], *, what: str) -> None:
    """Run a PostgreSQL client program with the site's connection settings (as `ustoo dbshell` does)."""
    arguments, env = connection.client.settings_to_cmd_args_env(connection.settings_dict, parameters)
    arguments[0] = program
    # The program is ours and the arguments are the site's own settings, never a request's.
    answer = subprocess.run(arguments, env={**os.environ, **(env or {})}, capture_output=True, text=True)  # noqa: S603
    if answer.returncode:
        raise CommandError(f"{what} failed: {answer.stderr.strip()}")
