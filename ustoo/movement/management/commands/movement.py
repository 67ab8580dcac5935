"""`ustoo movement import|report|label|evaluate|export|export-partitions|release|datasets`: measure a hashtag
movement from public data."""

import json
import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from ustoo.core.hashtags import families
from ustoo.movement import release, render, store
from ustoo.movement.formats import FORMATS, UnknownFormat
from ustoo.movement.formats.csvexport import DEDUPE
from ustoo.movement.report import (
    ReportError,
    Selection,
    build_report,
    check_timezone,
    own_hashtags,
    parse_bound,
)

REPORT_FORMATS = ("table", "json", "csv", "html", "png")


class Command(BaseCommand):
    help = "Import public social-media data and count a hashtag movement, every figure naming its unit."
    # Django's system checks cost a third of a second per run and check nothing this command uses.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--db", type=Path, help="DuckDB file (default: DATA_DIR/movement.duckdb)")
        actions = parser.add_subparsers(dest="action", required=True)

        importing = actions.add_parser("import", help="read files into the store")
        importing.add_argument("paths", nargs="+", type=Path)
        importing.add_argument("--dataset", default="default")
        importing.add_argument("--format", default="auto", choices=["auto", *FORMATS])
        importing.add_argument(
            "--columns", help="CSV column mapping, e.g. text=Text,created_at=Created_at,id=Id"
        )
        importing.add_argument(
            "--dedupe",
            choices=DEDUPE,
            default="none",
            help="CSV rows whose ids are lossy (1.1846E+18): none keeps every row (default; identical rows "
            "can be distinct retweets), content counts rows identical in every column once",
        )
        importing.add_argument(
            "--keep-text", action="store_true", help="store each post's text (off by default)"
        )
        importing.add_argument("--no-classify", action="store_true", help="do not label originals")
        importing.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="processes parsing large plain line files (default: one per core)",
        )
        importing.add_argument("--batch-size", type=int, default=20_000)
        importing.add_argument("--no-progress", action="store_true")

        reporting = actions.add_parser("report", help="print or write a dataset's figures")
        reporting.add_argument("--dataset", default="default")
        reporting.add_argument("--from", dest="start", help="YYYY-MM-DD[THH:MM], local to --tz")
        reporting.add_argument(
            "--to", dest="end", help="YYYY-MM-DD (the whole day) or YYYY-MM-DDTHH:MM (exclusive)"
        )
        reporting.add_argument("--tz", default="UTC", help="IANA time zone for days and hours (default UTC)")
        reporting.add_argument(
            "--variants", choices=sorted(families()), help="only posts carrying this family"
        )
        reporting.add_argument(
            "--hashtags", help="your own tags to count, separated by commas or spaces (with or without #)"
        )
        reporting.add_argument(
            "--hashtags-file", type=Path, help="a file of your own tags, one or more a line"
        )
        reporting.add_argument("--format", default="table", choices=REPORT_FORMATS)
        reporting.add_argument("--output", type=Path, help="file (html, json, csv) or folder (png)")
        reporting.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="language of the html report and the png charts (table, json and csv are in English)",
        )
        reporting.add_argument(
            "--engine",
            default="duckdb",
            choices=["duckdb", "dask"],
            help="duckdb: the store, on this machine (default); dask: the Parquet partitions, on a cluster",
        )
        reporting.add_argument(
            "--partitions", type=Path, help="with --engine dask: the folder export-partitions wrote"
        )
        reporting.add_argument(
            "--scheduler", help="with --engine dask: the scheduler's address, e.g. tls://10.0.0.5:8786"
        )
        for option, what in (
            ("ca", "certificate authority"),
            ("cert", "certificate"),
            ("key", "private key"),
        ):
            reporting.add_argument(
                f"--tls-{option}", type=Path, help=f"with --engine dask: this client's TLS {what} (PEM)"
            )

        evaluating = actions.add_parser(
            "evaluate",
            help="the classifier's precision, recall and F1: held out from its training set, on the "
            "project's real labelled tweets, or on a dataset's own labels",
        )
        evaluating.add_argument("--dataset", help="a dataset labelled with `ustoo movement label`")
        evaluating.add_argument(
            "--real-csv",
            type=Path,
            help="the 2019 #MeToo CSV (shared/data/metoo-tweets-2019-10.csv), for the project's real set",
        )
        evaluating.add_argument(
            "--write-validation",
            action="store_true",
            help="with --real-csv: rewrite data/validation_2019.json, the counts reports are corrected with",
        )

        labelling = actions.add_parser(
            "label",
            help="label a sample of a dataset's originals by hand, in the terminal (needs --keep-text)",
        )
        labelling.add_argument("--dataset", default="default")
        labelling.add_argument("--sample", type=int, required=True, help="how many posts to draw")
        labelling.add_argument("--seed", type=int, default=2017)
        labelling.add_argument(
            "--stratify",
            choices=["candidates"],
            help="draw only candidate disclosures (a first-person cue of harm), to find rare experience "
            "posts; every figure is weighted back to the whole dataset",
        )
        actions.add_parser("datasets", help="list imported datasets and their files")

        exporting = actions.add_parser(
            "export",
            help="write a dataset's posts to a Parquet file, one row per post (schema: movement/DATA.md)",
        )
        exporting.add_argument("--dataset", default="default")
        exporting.add_argument("--output", type=Path, required=True, help="the Parquet file to write")

        partitioning = actions.add_parser(
            "export-partitions",
            help="write datasets' posts as Parquet partitions by day and author bucket, for --engine dask",
        )
        partitioning.add_argument(
            "directory", type=Path, help="the folder (shared with the cluster's workers)"
        )
        partitioning.add_argument(
            "--dataset", action="append", help="this dataset (repeatable; default: all)"
        )
        partitioning.add_argument(
            "--buckets",
            type=int,
            default=16,
            help="author buckets, the most tasks a report runs at once: at least the cluster's threads",
        )

        releasing = actions.add_parser("release", help="publish a dataset's aggregates on /movement")
        releasing.add_argument("--dataset", default="default")
        releasing.add_argument("--variants", choices=sorted(families()))
        releasing.add_argument("--tz", default="UTC")
        releasing.add_argument("--withdraw", action="store_true", help="take the dataset off the page")

    def handle(self, *args, action: str, db: Path | None, **options) -> None:
        try:
            getattr(self, f"handle_{action.replace('-', '_')}")(db, **options)
        except (ReportError, UnknownFormat, ValueError) as error:
            raise CommandError(str(error)) from error

    def handle_import(
        self,
        db,
        *,
        paths,
        dataset,
        format,
        columns,
        dedupe,
        keep_text,
        no_classify,
        workers,
        batch_size,
        no_progress,
        **_options,
    ) -> None:
        from ustoo.movement.importer import import_paths  # Arrow, numpy and the parsers: not for reports

        missing = [str(path) for path in paths if not path.is_file()]
        if missing:
            raise CommandError("no such file: " + ", ".join(missing))
        connection = store.connect(db)
        try:
            outcomes = import_paths(
                paths,
                connection,
                dataset=dataset,
                fmt=format,
                columns=columns,
                dedupe=dedupe,
                keep_text=keep_text,
                classify=not no_classify,
                workers=workers,
                batch_size=batch_size,
                show_progress=not no_progress and sys.stderr.isatty(),
            )
        finally:
            connection.close()
        failed = [outcome for outcome in outcomes if outcome.status == "failed"]
        for outcome in outcomes:
            if outcome.status == "failed":
                self.stderr.write(outcome.error)
                continue
            rate = outcome.posts_read / outcome.seconds if outcome.seconds else 0
            self.stdout.write(
                f"{outcome.path} [{outcome.format}] {outcome.status}: {outcome.posts_read} posts read, "
                f"{outcome.inserted} new, {outcome.duplicates} duplicates skipped, "
                f"{outcome.malformed} malformed"
                + (f", {outcome.content_keyed} keyed by content (lossy ids)" if outcome.content_keyed else "")
                + _repeated_rows(outcome, dedupe)
                + (f" in {outcome.seconds:.1f} s ({rate:,.0f} posts/s)" if outcome.seconds else "")
            )
            where = "{path}:{number}" if outcome.unit == "line" else "{path} item {number}"
            for number, reason in outcome.malformed_examples:
                self.stderr.write(f"  {where.format(path=outcome.path, number=number)}: malformed: {reason}")
            if outcome.malformed > len(outcome.malformed_examples):
                self.stderr.write(
                    f"  … {outcome.malformed - len(outcome.malformed_examples)} more malformed "
                    "(`ustoo movement datasets` lists the first thousand per file)"
                )
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(outcomes)} files could not be read: "
                + ", ".join(outcome.path for outcome in failed)
            )

    def handle_report(
        self,
        db,
        *,
        dataset,
        start,
        end,
        tz,
        variants,
        hashtags,
        hashtags_file,
        format,
        output,
        language,
        engine,
        partitions,
        scheduler,
        tls_ca,
        tls_cert,
        tls_key,
        **_options,
    ) -> None:
        selection = Selection(
            dataset=dataset,
            timezone=check_timezone(tz),
            start=parse_bound(start, end=False),
            end=parse_bound(end, end=True),
            family=variants,
            hashtags=own_hashtags(hashtags, hashtags_file),
        )
        if engine == "dask":
            report = _report_on_cluster(selection, partitions, scheduler, tls_ca, tls_cert, tls_key)
        else:
            connection = store.connect(db, read_only=True)
            try:
                if dataset not in store.datasets(connection):
                    raise CommandError(
                        f"no dataset {dataset!r}; imported: {', '.join(store.datasets(connection)) or 'none'}"
                    )
                report = build_report(connection, selection)
            finally:
                connection.close()
        if format == "png":
            folder = output or Path(f"movement-{dataset}")
            with translation.override(language):
                written = render.write_png(report, folder)
            for path in written:
                self.stdout.write(str(path))
            return
        with translation.override(language):
            text = {
                "table": render.as_table,
                "json": render.as_json,
                "csv": render.as_csv,
                "html": render.as_html,
            }[format](report)
        if output:
            output.write_text(text, encoding="utf-8")
            self.stdout.write(str(output))
        else:
            self.stdout.write(text, ending="" if text.endswith("\n") else "\n")

    def handle_evaluate(self, db, *, dataset, real_csv, write_validation, **_options) -> None:
        from ustoo.movement import validation
        from ustoo.movement.classify import evaluate, predict

        if dataset:
            connection = store.connect(db, read_only=True)
            try:
                labelled = validation.dataset_validation(connection, dataset)
            finally:
                connection.close()
            if labelled is None:
                raise CommandError(
                    f"no usable labels in {dataset!r}: label posts with `ustoo movement label --dataset "
                    f"{dataset}` (experience posts and others are both needed)"
                )
            figures = {
                "dataset": dataset,
                "validated_on": labelled.description,
                "languages_validated": labelled.languages,
                **validation.metrics(labelled.strata),
                "experience_share_by_hand": validation.share_of_experience(labelled.strata),
            }
            self.stdout.write(json.dumps(figures, indent=2))
            return
        figures = {"held_out_synthetic": evaluate()}
        if real_csv:
            if not real_csv.is_file():
                raise CommandError(f"no such file: {real_csv}")
            strata = validation.real_strata(real_csv, predict)
            figures["real_2019"] = {
                **validation.metrics(strata),
                "experience_share_by_hand": validation.share_of_experience(strata),
            }
            if write_validation:
                counts = validation.project_validation_counts(real_csv, predict)
                validation.PROJECT_VALIDATION.write_text(
                    json.dumps(counts, indent=1) + "\n", encoding="utf-8"
                )
        self.stdout.write(json.dumps(figures, indent=2))

    def handle_label(self, db, *, dataset, sample, seed, stratify, **_options) -> None:
        from ustoo.movement import labelling

        connection = store.connect(db)
        try:
            if dataset not in store.datasets(connection):
                raise CommandError(f"no dataset {dataset!r}")
            labelling.label_in_terminal(
                connection,
                dataset,
                size=sample,
                seed=seed,
                stratify=stratify == "candidates",
                ask=input,
                say=self.stdout.write,
            )
        finally:
            connection.close()

    def handle_export(self, db, *, dataset, output, **_options) -> None:
        from ustoo.movement.export import export_parquet

        connection = store.connect(db, read_only=True)
        try:
            if dataset not in store.datasets(connection):
                raise CommandError(f"no dataset {dataset!r}")
            rows = export_parquet(connection, dataset, output)
        finally:
            connection.close()
        self.stdout.write(f"{rows} posts written to {output}")

    def handle_export_partitions(self, db, *, directory, dataset, buckets, **_options) -> None:
        from ustoo.movement.export import dataset_folder, export_partitions

        if buckets < 1:
            raise CommandError("--buckets: at least 1")
        connection = store.connect(db, read_only=True)
        try:
            known = store.datasets(connection)
            for name in dataset or known:
                if name not in known:
                    raise CommandError(f"no dataset {name!r}; imported: {', '.join(known) or 'none'}")
                posts = export_partitions(connection, directory, name, buckets)
                self.stdout.write(f"{name}: {posts} posts in {dataset_folder(directory, name)}")
        finally:
            connection.close()

    def handle_datasets(self, db, **_options) -> None:
        connection = store.connect(db, read_only=True)
        try:
            files = connection.execute(
                "SELECT dataset, path, format, status, posts_read, inserted, duplicates, malformed "
                "FROM files "
                "ORDER BY dataset, started_at"
            ).fetchall()
            malformed = connection.execute(
                "SELECT dataset, path, line, coalesce(unit, 'line'), reason FROM malformed "
                "ORDER BY dataset, path, line"
            ).fetchall()
        finally:
            connection.close()
        for dataset, path, fmt, status, read, inserted, duplicates, bad in files:
            self.stdout.write(
                f"{dataset}\t{path}\t{fmt}\t{status}\tread={read} new={inserted} "
                f"duplicates={duplicates} malformed={bad}"
            )
        for dataset, path, number, unit, reason in malformed:
            where = f"{path}:{number}" if unit == "line" else f"{path} item {number}"
            self.stdout.write(f"{dataset}\t{where}: {reason}")

    def handle_release(self, db, *, dataset, variants, tz, withdraw, **_options) -> None:
        if withdraw:
            release.withdraw(dataset)
            self.stdout.write(f"{dataset} withdrawn from /movement")
            return
        connection = store.connect(db, read_only=True)
        try:
            if dataset not in store.datasets(connection):
                raise CommandError(f"no dataset {dataset!r}")
            report = build_report(
                connection, Selection(dataset=dataset, timezone=check_timezone(tz), family=variants)
            )
        finally:
            connection.close()
        path = release.publish(report)
        self.stdout.write(f"{dataset} released: {path}")


def _repeated_rows(outcome, dedupe: str) -> str:
    """Both figures, whichever --dedupe was chosen: rows identical to an earlier row of the file."""
    if not outcome.repeated_rows:
        return ""
    if dedupe == "none":
        return (
            f"; {outcome.repeated_rows} rows repeat an earlier row in every column and were kept "
            f"(--dedupe content would count {outcome.posts_read - outcome.repeated_rows} rows)"
        )
    return (
        f"; {outcome.repeated_rows} rows repeat an earlier row in every column and were counted once "
        f"(--dedupe none would keep all {outcome.posts_read})"
    )


def _report_on_cluster(selection, partitions, scheduler, tls_ca, tls_cert, tls_key) -> dict:
    from distributed import Client

    from ustoo.movement.cluster import build_report_on_cluster, security
    from ustoo.movement.export import FACTS_FILE, dataset_folder

    if not partitions or not scheduler:
        raise CommandError("--engine dask needs --partitions (export-partitions' folder) and --scheduler")
    if not (dataset_folder(partitions, selection.dataset) / FACTS_FILE).is_file():
        raise CommandError(
            f"no partitions of {selection.dataset!r} in {partitions}: run `ustoo movement export-partitions`"
        )
    with Client(scheduler, security=security(tls_ca, tls_cert, tls_key), timeout="30s") as client:
        return build_report_on_cluster(client, partitions, selection)
