"""`ustoo movement report`: the figures of one dataset, each naming its unit, window and time zone.

Definitions (also written into every report):
- posts: distinct posts (after de-duplication) in the window; originals: posts that are not retweets
  (replies and quotes included); authors: distinct keyed author hashes, i.e. accounts.
- by_hashtag: for each of the movement's variants found, the posts carrying it; a post counts once per
  distinct hashtag it carries, so the rows add up to more than `posts`.
- by_language, per_day, per_hour: posts; days and hours are in the report's time zone (outside UTC an hour
  names its UTC offset, so the hour repeated when summer time ends is two hours, not one).
- partial: the first or last day and hour when the window covers only part of it (see partial_periods).
- top_cooccurring: other hashtags on the posts that carry one of the anchor family's variants, counted in
  posts.
- experience_share: per day, originals labelled `experience` divided by originals labelled at all (an
  original with no word the model knows is not labelled, and so not in the denominator).
"""

import operator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from ustoo.core.hashtags import normalise_hashtag, variants
from ustoo.movement.validation import LANGUAGE_SQL, Correction, Validation, validation_for

DEFINITIONS = {
    "posts": "distinct posts after de-duplication, in the window",
    "originals": "posts that are not retweets (replies and quotes included)",
    "retweets": "retweets, boosts and reposts",
    "authors": (
        "distinct accounts (keyed hashes), not people; null where no source named the author; counted "
        "exactly, never estimated (on a cluster each account's posts are in one task's partitions)"
    ),
    "by_hashtag": "posts carrying each variant; a post counts once per distinct hashtag it carries",
    "by_language": "posts, by the platform's language tag, else the offline detector's, else 'und'",
    "per_day": "posts per calendar day in the report's time zone",
    "per_hour": "posts per hour in the report's time zone; outside UTC each hour names its UTC offset",
    "top_cooccurring": "other hashtags on posts carrying an anchor variant, counted in posts",
    "experience_share": (
        "the share of originals (posts that are not retweets) in which the poster says it happened to them, "
        "overall and per day: the classifier's share (classified) corrected by its true and false positive "
        "rates measured on posts labelled by hand (adjusted classify-and-count), with a 95% interval (low, "
        "high) from a bootstrap of those labels; validated_on names the labels, note the languages they do "
        "not cover"
    ),
    "partial": (
        "the days and hours the window does not cover whole (it starts after the period begins or ends "
        "before it ends): their counts hold part of a period only; without --from and --to the window runs "
        "from the first post to the last"
    ),
    "malformed": "records that could not be read, over every import of the dataset (not windowed)",
    "duplicates_skipped": "posts read but already stored, over every import of the dataset (not windowed)",
    "lower_bounds": "the totals that can only be undercounted from this dataset's sources, and why",
    "text_kept": "posts whose text was kept at import (--keep-text); a report never shows it",
    "own_hashtags": "the researcher's own tags (--hashtags, --hashtags-file): posts, originals, authors",
    "top_hashtags": "every hashtag, by posts carrying it (the most used, whatever the family)",
    "by_variant_spellings_merged": (
        "a variant's spellings counted together (#YoTambien, #YoTambién): posts with any of them, each once"
    ),
    "by_language_family": (
        "posts carrying any variant of a language (#MeToo, #MoiAussi, #BalanceTonPorc…), each post once"
    ),
    "authors_per_day": "distinct accounts posting each day, in the report's time zone",
    "author_concentration": "the share of posts from the 1% of accounts that posted most (at least one)",
    "repeated_texts": (
        "accounts that posted one original text at least `at_least` times (a sign of automation or spam): "
        "how many, their posts, and the most one account posted one text"
    ),
    "deduplication": (
        "how posts were told apart: by platform id, else (lossy ids) by a hash of the whole row; "
        "repeated_rows_kept: rows identical to an earlier row of their file, kept (--dedupe none, windowed); "
        "content_key_duplicates: rows counted once as identical to another (--dedupe content, not windowed); "
        "posts_with_dedupe_none and posts_with_dedupe_content: the posts figure either way"
    ),
}
TOP_COOCCURRING = 20


class ReportError(ValueError):
    pass


@dataclass(frozen=True)
class Selection:
    dataset: str
    timezone: str = "UTC"
    start: datetime | None = None  # local to `timezone`
    end: datetime | None = None  # local, exclusive
    family: str | None = None
    hashtags: tuple[str, ...] = ()  # the researcher's own tags (--hashtags, --hashtags-file), normalised

    def anchor_tags(self) -> list[str]:
        family = self.family or "metoo"
        return sorted(tag for tag, variant in variants().items() if variant.family == family)

    def reported_tags(self) -> list[str]:
        return sorted(tag for tag, variant in variants().items() if self.family in (None, variant.family))


def own_hashtags(listed: str | None, path=None) -> tuple[str, ...]:
    """The researcher's own tags: comma- or space-separated on the command line, one per line (or several,
    separated by commas or spaces) in a file, with or without `#`; `#` comments in the file are ignored."""
    words = (listed or "").replace(",", " ").split()
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise ReportError(f"cannot read {path}: {error.strerror}") from error
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("# ") or line == "#":
                continue
            words += line.replace(",", " ").split()
    tags = [normalise_hashtag(word) for word in words]
    return tuple(dict.fromkeys(tag for tag in tags if tag))


def parse_bound(value: str | None, *, end: bool) -> datetime | None:
    """`2017-10-15` or `2017-10-15T20:00`; a date alone as --to includes that whole day."""
    if not value:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime.combine(day + timedelta(days=1) if end else day, time())
        return datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError as error:
        raise ReportError(f"not a date or time: {value!r}") from error


def check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ReportError(f"unknown time zone {name!r}") from error
    return name


# The columns a report reads. The store's posts and the Parquet partitions (export.py) give them alike;
# neither gives a report the text, only whether it was kept.
REPORT_COLUMNS = "platform, key, created_at, author, lang, lang_detected, hashtags, kind, label, text_hash"
STORE_POSTS = f"""
    SELECT {REPORT_COLUMNS}, text IS NOT NULL AS text_kept, rowid AS post FROM posts WHERE dataset = $dataset
"""  # noqa: S608 - constant columns


def _selected(selection: Selection, source: str = STORE_POSTS) -> tuple[str, dict]:
    """SQL for the selected posts of `source` (one partition's, or the whole store's) with their local time,
    and its parameters."""
    where = ["true"]
    params: dict = {"dataset": selection.dataset, "tz": selection.timezone}
    if selection.start:
        where.append("local >= $start")
        params["start"] = selection.start
    if selection.end:
        where.append("local < $end")
        params["end"] = selection.end
    if selection.family:
        where.append("list_has_any(hashtags, $family_tags)")
        params["family_tags"] = selection.anchor_tags()
    # created_at is naive UTC: in UTC it is already local time, with no conversion per row
    local = "created_at" if selection.timezone == "UTC" else "timezone($tz, timezone('UTC', created_at))"
    if selection.timezone == "UTC":
        del params["tz"]
    sql = f"""
        WITH sel AS (
            SELECT * FROM (SELECT *, {local} AS local FROM ({source})) WHERE {" AND ".join(where)}
        )
    """  # noqa: S608 - only fixed fragments are joined; values are parameters
    return sql, params


def _day(day: date) -> str:
    return day.isoformat()


def _hour(hour: datetime, offset_seconds: int | None = None) -> str:
    """`2017-10-15T20`; outside UTC with the hour's offset, `2017-10-29T02+02:00`, so that the hour that
    comes twice when summer time ends is two keys."""
    key = hour.strftime("%Y-%m-%dT%H")
    if offset_seconds is None:
        return key
    sign = "-" if offset_seconds < 0 else "+"
    minutes = abs(offset_seconds) // 60
    return f"{key}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


_PERIODS = {"per_day": (10, {"hour": 0, "minute": 0}), "per_hour": (13, {"minute": 0})}


def partial_periods(
    start: datetime | None, end: datetime | None, per_day: dict[str, int], per_hour: dict[str, int]
) -> dict[str, list[str]]:
    """The days and hours the window does not cover whole: the one it starts in, when it starts after that
    period begins, and the one it ends in, when it ends before that period ends. Their counts hold part of a
    period only, so they are not comparable with whole ones and say nothing of a trend.

    Without --from and --to the window runs from the first post to just after the last: a collection that
    began at 17:46 has a partial first day and hour. Name its real bounds with --from and --to."""
    found: dict[str, list[str]] = {unit: [] for unit in _PERIODS}
    if start is None or end is None:
        return found
    last_instant = end - timedelta(microseconds=1)  # the end is excluded
    for unit, (width, floor) in _PERIODS.items():
        keys = list({"per_day": per_day, "per_hour": per_hour}[unit])
        edges = []
        if start != start.replace(**floor, second=0, microsecond=0):
            edges.append((keys, start.isoformat()[:width]))
        if end != end.replace(**floor, second=0, microsecond=0):
            edges.append((keys[::-1], last_instant.isoformat()[:width]))
        for ordered, prefix in edges:
            # Outside UTC an hour key names its offset too: the prefix is its local date and hour.
            key = next((key for key in ordered if key[:width] == prefix), None)
            if key is not None and key not in found[unit]:
                found[unit].append(key)
        found[unit].sort(key=keys.index)
    return found


def _deduplication_note(content_keyed: int, kept: int, merged: int, posts: int) -> str:
    if not content_keyed:
        return "Every post was de-duplicated on its platform id."
    note = (
        "Some sources had lossy ids (such as 1.1846E+18 from a spreadsheet): their rows could not be "
        "de-duplicated on ids. Rows identical in every column may be distinct posts (retweets of one tweet "
        "by different accounts in the same minute, through the same app, look alike) or one post collected "
        "twice."
    )
    if kept:
        note += (
            f" Every row was kept (--dedupe none): {kept:,} rows repeat an earlier row of their file in "
            f"every column. Counting such rows once (--dedupe content), posts would be {posts - kept:,}."
        )
    if merged:
        note += (
            f" {merged:,} rows were counted once as identical to another (--dedupe content, over every "
            f"import of the dataset, not windowed): with every row kept (--dedupe none), posts would be up "
            f"to {posts + merged:,}."
        )
    return note


LOWER_BOUNDS = {
    "replies": (
        "at least: some source texts lost their leading '@' (a CSV of bytes literals cut at the front); a "
        "reply to one account that lost it cannot be told from an original"
    ),
    "quotes": (
        "at least: a CSV without a kind column cannot tell a quote from its text; they count as originals"
    ),
}


def experience_share(
    validation: Validation, per_day: list[tuple], originals_by_language: dict[str, int]
) -> dict:
    """The share of originals telling their own experience, overall and per day: the classifier's count
    corrected by its error rates measured on `validation` (validation.Correction), with 95% intervals, and
    what it was validated on. Languages the validation does not cover are named beside the figure."""
    correction = Correction.from_strata(validation.strata)
    unvalidated = {
        language: n
        for language, n in sorted(originals_by_language.items(), key=lambda item: -item[1])
        if language not in validation.languages and language != "und"
    }
    originals = sum(originals_by_language.values())
    note = None
    if unvalidated:
        share = sum(unvalidated.values()) / originals
        note = (
            f"Not validated in {', '.join(unvalidated)} ({share:.0%} of originals): the classifier was "
            f"validated on posts in {', '.join(validation.languages) or 'no language'} only, and the "
            "interval assumes it errs alike in the others, which nothing has measured."
        )
    if correction is None:
        note = (
            (note or "") + " The validation labels cannot measure the classifier's error rates: no "
            "corrected share."
        ).strip()

    def corrected(classified: int, total: int) -> dict | None:
        return correction.corrected(classified, total) if correction else None

    return {
        "overall": corrected(sum(row[1] for row in per_day), sum(row[2] for row in per_day)),
        "per_day": {_day(day): corrected(n_experience, n) for day, n_experience, n in per_day if n},
        "validated_on": validation.description,
        "validation_source": validation.source,
        "labelled": validation.labelled,
        "validated_languages": validation.languages,
        "unvalidated_languages": unvalidated,
        "error_rates": (
            {
                "true_positive_rate": round(float(correction.tpr), 3),
                "false_positive_rate": round(float(correction.fpr), 3),
            }
            if correction
            else None
        ),
        "note": note,
    }


TOP_HASHTAGS = 30
REPEATED_TEXT_MIN = 5  # originals with one text from one account for the account to be flagged


def _unaccented(tag: str) -> str:
    import unicodedata

    return "".join(char for char in unicodedata.normalize("NFD", tag) if unicodedata.category(char) != "Mn")


def _grouped(keys: dict[str, str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for tag, key in keys.items():
        grouped.setdefault(key, []).append(tag)
    return grouped


@dataclass(frozen=True)
class VariantGroups:
    """Spellings of one variant (an accent, the case already folded) and a language's variants, each counted
    with every post once: `tags` are the reported tags of each group ("spelling:<key>", "language:<code>")."""

    spellings: dict[str, dict]  # key: {"spellings": [...], "tags": [...]}, over the whole catalogue
    languages: dict[str, list[str]]  # language: reported tags
    tags: dict[str, list[str]]

    @classmethod
    def of(cls, selection: Selection) -> "VariantGroups":
        catalogue = variants()
        spelling = {tag: catalogue[tag].hashtag for tag in catalogue}
        spellings = {
            key: {"spellings": sorted(spelling[tag] for tag in tags), "tags": sorted(tags)}
            for key, tags in _grouped({tag: _unaccented(tag) for tag in catalogue}).items()
        }
        languages: dict[str, list[str]] = {}
        for tag, variant in catalogue.items():
            if selection.family in (None, variant.family):
                languages.setdefault(variant.language, []).append(tag)
        reported = set(selection.reported_tags())
        groups = {
            f"spelling:{key}": value["tags"] for key, value in spellings.items() if len(value["tags"]) > 1
        }
        groups |= {f"language:{language}": tags for language, tags in languages.items()}
        # Only reported tags count towards a group: a spelling of another family is not in the report.
        tags = {name: [tag for tag in tags if tag in reported] for name, tags in groups.items()}
        return cls(spellings, languages, {name: tags for name, tags in tags.items() if tags})


# How the partial figures of two partitions combine: every figure is a sum (of nested counts) but the first
# and last post and hour, and the most posts of one text by one account. Distinct accounts add up because a
# partition holds every post of its accounts (export.py hash-partitions them); the single machine's store is
# one partition.
_MERGED_BY = {"first": min, "last": max, "per_hour_first": min, "per_hour_by_hashtag_first": min}
_MERGED_BY |= {"repeated_most": max}


def _combine(how, left, right):
    if isinstance(left, dict):
        return {
            key: _combine(how, left[key], right[key])
            if key in left and key in right
            else left.get(key, right.get(key))
            for key in {**left, **right}
        }
    if isinstance(left, list):
        return [_combine(how, a, b) for a, b in zip(left, right, strict=True)]
    if left is None or right is None:
        return right if left is None else left
    return how(left, right)


def merge_partials(partials: list[dict]) -> dict:
    """The figures of several partitions as one: what partial_figures would give for them all."""
    merged = partials[0]
    for partial in partials[1:]:
        merged = {
            name: _combine(_MERGED_BY.get(name, operator.add), value, partial[name])
            for name, value in merged.items()
        }
    return merged


def partial_figures(
    connection: duckdb.DuckDBPyConnection,
    selection: Selection,
    source: str = STORE_POSTS,
    params: dict | None = None,
) -> dict:
    """One partition's figures, as counts that merge_partials adds up: `source` is the SQL of its posts (the
    store's, by default; a task's Parquet files on a cluster). Every count of distinct accounts is exact as
    long as no account has posts in two partitions."""
    sel, sel_params = _selected(selection, source)

    def rows(query: str, extra: dict | None = None) -> list[tuple]:
        wanted = {**sel_params, **(params or {}), **(extra or {})}
        used = {name: value for name, value in wanted.items() if f"${name}" in sel + query}
        return connection.execute(sel + query, used).fetchall()

    *totals, first, last = rows("""
        SELECT count(*), count(*) FILTER (kind <> 'retweet'), count(*) FILTER (kind = 'retweet'),
               count(*) FILTER (kind = 'quote'), count(*) FILTER (kind = 'reply'), count(DISTINCT author),
               count(*) FILTER (key LIKE 'c:%'), count(*) FILTER (label IS NOT NULL),
               count(*) FILTER (lang_detected IS NOT NULL AND (lang IS NULL OR lang = 'und')),
               count(author), count(*) FILTER (kind <> 'retweet' AND label IS NULL),
               count(*) FILTER (key LIKE 'c:%#%'), count(*) FILTER (text_kept), min(local), max(local)
        FROM sel
    """)[0]
    # Outside UTC an hour also names its offset: the hour repeated when summer time ends is two hours.
    offset = "NULL::BIGINT" if selection.timezone == "UTC" else "datediff('second', created_at, local)"
    language = "coalesce(CASE WHEN lang IN ('', 'und') THEN NULL ELSE lang END, lang_detected, 'und')"

    def tag_figures(tags: list[str]) -> dict[str, list[int]]:
        return {
            tag: [n, n_originals, n_authors]
            for tag, n, n_originals, n_authors in rows(
                """
                SELECT tag, count(*), count(*) FILTER (kind <> 'retweet'), count(DISTINCT author)
                FROM (SELECT unnest(hashtags) AS tag, kind, author FROM sel)
                WHERE list_contains($tags, tag) GROUP BY tag
            """,
                {"tags": tags},
            )
        }

    groups = VariantGroups.of(selection).tags
    # (group, tag) pairs joined on the tag: an equality join, where list_has_any would test every pair
    pairs = [(name, tag) for name, tags in groups.items() for tag in tags]
    per_hour_by_hashtag: dict[str, dict] = {}
    per_hour_by_hashtag_first: dict[str, dict] = {}
    for tag, hour, offset_seconds, n, first_seen in rows(
        f"""
        SELECT tag, date_trunc('hour', local) AS hour, {offset} AS offset_seconds, count(*), min(created_at)
        FROM (SELECT unnest(hashtags) AS tag, local, created_at FROM sel) WHERE list_contains($reported, tag)
        GROUP BY tag, hour, offset_seconds
    """,  # noqa: S608 - a constant expression
        {"reported": selection.reported_tags()},
    ):
        per_hour_by_hashtag.setdefault(tag, {})[(hour, offset_seconds)] = n
        per_hour_by_hashtag_first.setdefault(tag, {})[(hour, offset_seconds)] = first_seen
    per_day_by_hashtag: dict[str, dict] = {}
    for tag, day, n in rows(
        """
        SELECT tag, local::DATE AS day, count(*)
        FROM (SELECT unnest(hashtags) AS tag, local FROM sel) WHERE list_contains($reported, tag)
        GROUP BY ALL
    """,
        {"reported": selection.reported_tags()},
    ):
        per_day_by_hashtag.setdefault(tag, {})[day] = n
    per_hour = rows(
        f"SELECT date_trunc('hour', local) AS h, {offset} AS o, count(*), min(created_at) "  # noqa: S608
        "FROM sel GROUP BY h, o"
    )
    repeated = rows(
        """
        SELECT count(*), coalesce(sum(n), 0), coalesce(max(n), 0) FROM (
            SELECT author, text_hash, count(*) AS n FROM sel
            WHERE kind <> 'retweet' AND author IS NOT NULL AND text_hash IS NOT NULL
            GROUP BY author, text_hash HAVING count(*) >= $at_least
        )
    """,
        {"at_least": REPEATED_TEXT_MIN},
    )[0]
    return {
        "totals": list(totals),
        "first": first,
        "last": last,
        "by_hashtag": tag_figures(selection.reported_tags()),
        "own": tag_figures(list(selection.hashtags)),
        "groups": {
            name: [n, n_originals, n_authors]
            for name, n, n_originals, n_authors in rows(
                """
                SELECT name, count(*), count(*) FILTER (kind <> 'retweet'), count(DISTINCT author) FROM (
                    SELECT DISTINCT g.name, s.post, s.kind, s.author
                    FROM (SELECT post, kind, author, unnest(hashtags) AS tag FROM sel) AS s
                    JOIN (SELECT unnest($names) AS name, unnest($tags) AS tag) AS g ON g.tag = s.tag
                ) GROUP BY name
            """,
                {"names": [name for name, _tag in pairs], "tags": [tag for _name, tag in pairs]},
            )
        },
        "authors_per_day": dict(rows("SELECT local::DATE AS d, count(DISTINCT author) FROM sel GROUP BY d")),
        # how many accounts posted n posts, for each n: the top 1% of accounts is found from it once merged
        "posts_per_author": dict(
            rows(
                "SELECT n, count(*) FROM (SELECT count(*) AS n FROM sel WHERE author IS NOT NULL "
                "GROUP BY author) GROUP BY n"
            )
        ),
        "repeated": [repeated[0], int(repeated[1])],
        "repeated_most": int(repeated[2]),
        "tags": dict(
            rows("SELECT tag, count(*) FROM (SELECT unnest(hashtags) AS tag FROM sel) GROUP BY tag")
        ),
        "per_day_by_hashtag": per_day_by_hashtag,
        "per_hour_by_hashtag": per_hour_by_hashtag,
        "per_hour_by_hashtag_first": per_hour_by_hashtag_first,
        "per_day_by_kind": {
            day: [n_originals, n_retweets]
            for day, n_originals, n_retweets in rows("""
                SELECT local::DATE AS day, count(*) FILTER (kind <> 'retweet'),
                       count(*) FILTER (kind = 'retweet')
                FROM sel GROUP BY day
            """)
        },
        "experience": {
            day: [n_experience, n]
            for day, n_experience, n in rows("""
                SELECT local::DATE AS day, count(*) FILTER (label = 'experience'), count(*)
                FROM sel WHERE kind <> 'retweet' GROUP BY day
            """)
        },
        "originals_by_language": dict(
            rows(f"SELECT {LANGUAGE_SQL} AS l, count(*) FROM sel WHERE kind <> 'retweet' GROUP BY l")  # noqa: S608
        ),
        "labels": dict(
            rows(
                "SELECT label, count(*) FROM sel WHERE kind <> 'retweet' AND label IS NOT NULL GROUP BY label"
            )
        ),
        "per_day": dict(rows("SELECT local::DATE AS d, count(*) FROM sel GROUP BY d")),
        "per_hour": {(hour, offset_seconds): n for hour, offset_seconds, n, _first in per_hour},
        "per_hour_first": {(hour, offset_seconds): first for hour, offset_seconds, _n, first in per_hour},
        "by_language": dict(rows(f"SELECT {language} AS l, count(*) FROM sel GROUP BY l")),  # noqa: S608
        "cooccurring": dict(
            rows(
                """
                SELECT tag, count(*) FROM (
                    SELECT unnest(hashtags) AS tag FROM sel WHERE list_has_any(hashtags, $anchors)
                ) WHERE NOT list_contains($anchors, tag) GROUP BY tag
            """,
                {"anchors": selection.anchor_tags()},
            )
        ),
    }


@dataclass(frozen=True)
class DatasetFacts:
    """What a report says of a dataset beyond its posts: its imports (over every import, not windowed) and
    the labels its experience share is corrected with. From the store, or saved beside the Parquet
    partitions."""

    malformed: int
    duplicates: int
    files: int
    content_key_duplicates: int
    dedupe: str | None  # the --dedupe of the files with lossy ids, joined by ' and '
    lower_bounds: str | None  # comma-separated
    validation: Validation

    @classmethod
    def of(cls, connection: duckdb.DuckDBPyConnection, dataset: str) -> "DatasetFacts":
        row = connection.execute(
            "SELECT coalesce(sum(malformed), 0), coalesce(sum(duplicates), 0), count(*), "
            "coalesce(sum(content_key_duplicates), 0), string_agg(DISTINCT dedupe, ' and ' ORDER BY dedupe), "
            "string_agg(lower_bounds, ',') FROM files WHERE dataset = ?",
            [dataset],
        ).fetchone()
        return cls(
            int(row[0]),
            int(row[1]),
            int(row[2]),
            int(row[3]),
            row[4],
            row[5],
            validation_for(connection, dataset),
        )


def _by_count(counts: dict, limit: int | None = None) -> list[tuple]:
    """Most first, then by name: ORDER BY count DESC, name."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]


def _concentration(posts_per_author: dict[int, int]) -> dict | None:
    """The share of posts from the 1% of accounts that posted most, from how many accounts posted n posts."""
    authors = sum(posts_per_author.values())
    if not authors:
        return None
    top = max(1, round(authors / 100))
    their_posts, left = 0, top
    for n, accounts in sorted(posts_per_author.items(), reverse=True):
        taken = min(accounts, left)
        their_posts, left = their_posts + taken * n, left - taken
        if not left:
            break
    every_post = sum(n * accounts for n, accounts in posts_per_author.items())
    return {
        "authors": authors,
        "top_1_percent_authors": top,
        "their_posts": their_posts,
        "share_of_posts": round(their_posts / every_post, 4),
    }


def finish_report(selection: Selection, figures: dict, facts: DatasetFacts) -> dict:
    """The report from the merged figures of every partition: each engine ends here, so the figures, their
    order and every rule about what is shown are one code."""
    (
        posts,
        originals,
        retweets,
        quotes,
        replies,
        authors,
        content_keyed,
        labelled,
        detected,
        with_author,
        unlabelled,
        repeated_kept,
        with_text,
    ) = figures["totals"]
    first, last = figures["first"], figures["last"]
    if posts and not with_author:
        authors = None  # not measured: no source named the author (a CSV without an author column)
    lower_bounds = {
        name: LOWER_BOUNDS[name] for name in LOWER_BOUNDS if name in (facts.lower_bounds or "").split(",")
    }
    by_hashtag = {
        tag: {"posts": n, "originals": n_originals, "authors": n_authors if with_author else None}
        for tag, (n, n_originals, n_authors) in sorted(
            figures["by_hashtag"].items(), key=lambda item: (-item[1][0], item[0])
        )
    }
    researcher = _researcher_figures(selection, figures)
    top_variants = list(by_hashtag)[:5]
    window_start = selection.start or first
    window_end = selection.end or (last + timedelta(microseconds=1) if last else None)

    def by_hour(counts: dict, first_seen: dict) -> dict[str, int]:
        return {_hour(*key): counts[key] for key in sorted(counts, key=first_seen.__getitem__)}

    per_day = {_day(day): n for day, n in sorted(figures["per_day"].items())}
    per_hour = by_hour(figures["per_hour"], figures["per_hour_first"])
    experience = [(day, *counts) for day, counts in sorted(figures["experience"].items())]
    return {
        "dataset": selection.dataset,
        "timezone": selection.timezone,
        "window": {
            "start": window_start.isoformat() if window_start else None,
            "end": window_end.isoformat() if window_end else None,
            "end_is": "exclusive",
            "start_set_by": "--from" if selection.start else "first post",
            "end_set_by": "--to" if selection.end else "last post",
            "first_post": first.isoformat() if first else None,
            "last_post": last.isoformat() if last else None,
        },
        "variants_family": selection.family,
        "totals": {
            "posts": posts,
            "originals": originals,
            "retweets": retweets,
            "quotes": quotes,
            "replies": replies,
            "authors": authors,
            "malformed": facts.malformed,
            "duplicates_skipped": facts.duplicates,
        },
        "by_hashtag": by_hashtag,
        **researcher,
        "by_language": dict(_by_count(figures["by_language"])),
        "per_day": per_day,
        "per_hour": per_hour,
        "partial": partial_periods(window_start, window_end, per_day, per_hour),
        "per_day_by_hashtag": {
            tag: {_day(day): n for day, n in sorted(figures["per_day_by_hashtag"].get(tag, {}).items())}
            for tag in top_variants
        },
        "per_hour_by_hashtag": {
            tag: by_hour(
                figures["per_hour_by_hashtag"].get(tag, {}), figures["per_hour_by_hashtag_first"].get(tag, {})
            )
            for tag in top_variants
        },
        "per_day_by_kind": {
            _day(day): {"originals": n_originals, "retweets": n_retweets}
            for day, (n_originals, n_retweets) in sorted(figures["per_day_by_kind"].items())
        },
        "top_cooccurring": [list(row) for row in _by_count(figures["cooccurring"], TOP_COOCCURRING)],
        "anchor_family": selection.family or "metoo",
        "experience_share": experience_share(
            facts.validation, experience, dict(_by_count(figures["originals_by_language"]))
        ),
        "labels": dict(sorted(figures["labels"].items())),
        "unlabelled_originals": unlabelled,
        "lower_bounds": lower_bounds,
        "text_kept": {
            "posts": with_text,
            "note": (
                f"The text of {with_text:,} of these posts was kept at import (--keep-text): the store holds "
                "real people's words. Keep it only as long as the research needs it; reports and the page "
                "never show it."
            )
            if with_text
            else "No post's text was kept (imported without --keep-text): only counts, tags and labels.",
        },
        "deduplication": {
            "by_id": posts - content_keyed,
            "by_content_key": content_keyed,
            "lossy_id_rows": facts.dedupe,
            "repeated_rows_kept": repeated_kept,
            "content_key_duplicates": facts.content_key_duplicates,
            "posts_with_dedupe_none": posts + facts.content_key_duplicates,
            "posts_with_dedupe_content": posts - repeated_kept,
            "note": _deduplication_note(content_keyed, repeated_kept, facts.content_key_duplicates, posts),
        },
        "languages_detected": detected,
        "labelled_originals": labelled,
        "files_imported": facts.files,
        "definitions": DEFINITIONS,
    }


def _researcher_figures(selection: Selection, figures: dict) -> dict:
    """What researchers counted by hand: their own tags, every tag, variants by language and by spelling,
    authors per day and per variant, how concentrated posting is, and accounts repeating one text."""
    groups = VariantGroups.of(selection)
    own = {
        tag: dict(zip(("posts", "originals", "authors"), figures["own"].get(tag, [0, 0, 0]), strict=True))
        for tag in selection.hashtags
    }
    counted = figures["groups"]
    catalogue = variants()

    def group(name: str) -> dict:
        n, n_originals, authors = counted.get(name, (0, 0, 0))
        return {"posts": n, "originals": n_originals, "authors": authors}

    by_spelling = {
        value["spellings"][0]: {**group(f"spelling:{key}"), "spellings": value["spellings"]}
        for key, value in groups.spellings.items()
        if len(value["tags"]) > 1 and counted.get(f"spelling:{key}")
    }
    by_language_family = {
        language: {
            **group(f"language:{language}"),
            "variants": sorted(catalogue[tag].hashtag for tag in tags),
        }
        for language, tags in sorted(groups.languages.items())
        if counted.get(f"language:{language}")
    }
    concentration = _concentration(figures["posts_per_author"])
    if concentration is None:  # no source named an author: not measured, not 0
        for entry in [*own.values(), *by_spelling.values(), *by_language_family.values()]:
            entry["authors"] = None
    return {
        "own_hashtags": own,
        "top_hashtags": [list(row) for row in _by_count(figures["tags"], TOP_HASHTAGS)],
        "by_variant_spellings_merged": by_spelling,
        "by_language_family": by_language_family,
        "authors_per_day": {_day(day): n for day, n in sorted(figures["authors_per_day"].items())}
        if concentration
        else {},
        "author_concentration": concentration,
        "repeated_texts": {
            "at_least": REPEATED_TEXT_MIN,
            "accounts": figures["repeated"][0],
            "posts": figures["repeated"][1],
            "most_by_one_account": figures["repeated_most"],
        }
        if concentration
        else None,
    }


def build_report(connection: duckdb.DuckDBPyConnection, selection: Selection) -> dict:
    """The report on one machine: the whole store is one partition."""
    check_timezone(selection.timezone)
    figures = merge_partials([partial_figures(connection, selection)])
    return finish_report(selection, figures, DatasetFacts.of(connection, selection.dataset))
