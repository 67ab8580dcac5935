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
    "authors": "distinct accounts (keyed hashes), not people; null where no source named the author",
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


def _selected(selection: Selection) -> tuple[str, list]:
    """SQL for the selected posts with their local time, and its parameters."""
    where = ["dataset = $dataset"]
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
            SELECT * FROM (
                SELECT *, {local} AS local, rowid AS post
                FROM posts WHERE dataset = $dataset
            ) WHERE {" AND ".join(where)}
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


def _researcher_figures(rows, selection: Selection, by_hashtag: dict) -> dict:
    """What researchers counted by hand: their own tags, every tag, variants by language and by spelling,
    authors per day and per variant, how concentrated posting is, and accounts repeating one text."""
    catalogue = variants()
    own = {
        tag: {"posts": n, "originals": n_originals, "authors": authors}
        for tag, n, n_originals, authors in rows(
            """
            SELECT tag, count(*), count(*) FILTER (kind <> 'retweet'), count(DISTINCT author)
            FROM (SELECT unnest(hashtags) AS tag, kind, author FROM sel)
            WHERE list_contains($own, tag) GROUP BY tag
        """,
            {"own": list(selection.hashtags)},
        )
    }
    own = {tag: own.get(tag, {"posts": 0, "originals": 0, "authors": 0}) for tag in selection.hashtags}
    # Spellings of one variant (an accent, the case already folded) and a language's variants: each post once.
    spelling = {tag: catalogue[tag].hashtag for tag in catalogue}
    keys = {tag: _unaccented(tag) for tag in catalogue}
    merged: dict[str, dict] = {}
    for key, tags in _grouped(keys).items():
        merged[key] = {"spellings": sorted(spelling[tag] for tag in tags), "tags": sorted(tags)}
    languages: dict[str, list[str]] = {}
    for tag, variant in catalogue.items():
        if selection.family in (None, variant.family):
            languages.setdefault(variant.language, []).append(tag)
    groups = {f"spelling:{key}": value["tags"] for key, value in merged.items() if len(value["tags"]) > 1}
    groups |= {f"language:{language}": tags for language, tags in languages.items()}
    # Only groups with two of their tags found need counting again; one found tag is its own figure.
    found = {name: [tag for tag in tags if tag in by_hashtag] for name, tags in groups.items()}
    known = {name: by_hashtag[tags[0]] for name, tags in found.items() if len(tags) == 1}
    groups = {name: tags for name, tags in found.items() if len(tags) > 1}
    # (group, tag) pairs joined on the tag: an equality join, where list_has_any would test every pair
    pairs = [(name, tag) for name, tags in groups.items() for tag in tags]
    counted = {
        name: (n, n_originals, authors)
        for name, n, n_originals, authors in rows(
            """
            SELECT name, count(*), count(*) FILTER (kind <> 'retweet'), count(DISTINCT author) FROM (
                SELECT DISTINCT g.name, s.post, s.kind, s.author
                FROM (SELECT post, kind, author, unnest(hashtags) AS tag FROM sel) AS s
                JOIN (SELECT unnest($names) AS name, unnest($tags) AS tag) AS g ON g.tag = s.tag
            ) GROUP BY name
        """,
            {"names": [name for name, _tag in pairs], "tags": [tag for _name, tag in pairs]},
        )
    }

    for name, figures in known.items():
        counted[name] = (figures["posts"], figures["originals"], figures["authors"] or 0)

    def figures(name: str) -> dict:
        n, n_originals, authors = counted.get(name, (0, 0, 0))
        return {"posts": n, "originals": n_originals, "authors": authors}

    by_spelling = {
        merged[key]["spellings"][0]: {**figures(f"spelling:{key}"), "spellings": merged[key]["spellings"]}
        for key in merged
        if len(merged[key]["tags"]) > 1 and counted.get(f"spelling:{key}")
    }
    by_language_family = {
        language: {**figures(f"language:{language}"), "variants": sorted(spelling[tag] for tag in tags)}
        for language, tags in sorted(languages.items())
        if counted.get(f"language:{language}")
    }
    authors_per_day = dict(
        rows("SELECT local::DATE::VARCHAR AS d, count(DISTINCT author) FROM sel GROUP BY d ORDER BY d")
    )
    posts_per_author = [
        n
        for (n,) in rows(
            "SELECT count(*) AS n FROM sel WHERE author IS NOT NULL GROUP BY author ORDER BY n DESC"
        )
    ]
    concentration = None
    if posts_per_author:
        top = max(1, round(len(posts_per_author) / 100))
        concentration = {
            "authors": len(posts_per_author),
            "top_1_percent_authors": top,
            "their_posts": sum(posts_per_author[:top]),
            "share_of_posts": round(sum(posts_per_author[:top]) / sum(posts_per_author), 4),
        }
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
    if not posts_per_author:  # no source named an author: not measured, not 0
        for entry in [*own.values(), *by_spelling.values(), *by_language_family.values()]:
            entry["authors"] = None
    return {
        "own_hashtags": own,
        "top_hashtags": [
            list(row)
            for row in rows(
                "SELECT tag, count(*) FROM (SELECT unnest(hashtags) AS tag FROM sel) GROUP BY tag "
                "ORDER BY 2 DESC, 1 LIMIT $top_n",
                {"top_n": TOP_HASHTAGS},
            )
        ],
        "by_variant_spellings_merged": by_spelling,
        "by_language_family": by_language_family,
        "authors_per_day": authors_per_day if posts_per_author else {},
        "author_concentration": concentration,
        "repeated_texts": {
            "at_least": REPEATED_TEXT_MIN,
            "accounts": repeated[0],
            "posts": int(repeated[1]),
            "most_by_one_account": int(repeated[2]),
        }
        if posts_per_author
        else None,
    }


def _unaccented(tag: str) -> str:
    import unicodedata

    return "".join(char for char in unicodedata.normalize("NFD", tag) if unicodedata.category(char) != "Mn")


def _grouped(keys: dict[str, str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for tag, key in keys.items():
        grouped.setdefault(key, []).append(tag)
    return grouped


def build_report(connection: duckdb.DuckDBPyConnection, selection: Selection) -> dict:
    check_timezone(selection.timezone)
    sel, params = _selected(selection)

    def rows(query: str, extra: dict | None = None) -> list[tuple]:
        wanted = {**params, **(extra or {})}
        used = {name: value for name, value in wanted.items() if f"${name}" in sel + query}
        return connection.execute(sel + query, used).fetchall()

    totals_row = rows("""
        SELECT count(*), count(*) FILTER (kind <> 'retweet'), count(*) FILTER (kind = 'retweet'),
               count(*) FILTER (kind = 'quote'), count(*) FILTER (kind = 'reply'), count(DISTINCT author),
               min(local), max(local), count(*) FILTER (key LIKE 'c:%'), count(*) FILTER (label IS NOT NULL),
               count(*) FILTER (lang_detected IS NOT NULL AND (lang IS NULL OR lang = 'und')),
               count(author), count(*) FILTER (kind <> 'retweet' AND label IS NULL),
               count(*) FILTER (key LIKE 'c:%#%'), count(text)
        FROM sel
    """)[0]
    files_row = connection.execute(
        "SELECT coalesce(sum(malformed), 0), coalesce(sum(duplicates), 0), count(*), "
        "coalesce(sum(content_key_duplicates), 0), string_agg(DISTINCT dedupe, ' and ' ORDER BY dedupe), "
        "string_agg(lower_bounds, ',') FROM files WHERE dataset = ?",
        [selection.dataset],
    ).fetchone()
    lower_bounds = {
        name: LOWER_BOUNDS[name] for name in LOWER_BOUNDS if name in (files_row[5] or "").split(",")
    }
    (
        posts,
        originals,
        retweets,
        quotes,
        replies,
        authors,
        first,
        last,
        content_keyed,
        labelled,
        detected,
        with_author,
        unlabelled,
        repeated_kept,
        with_text,
    ) = totals_row
    if posts and not with_author:
        authors = None  # not measured: no source named the author (a CSV without an author column)
    # Outside UTC an hour also names its offset: the hour repeated when summer time ends is two hours.
    offset = "NULL::BIGINT" if selection.timezone == "UTC" else "datediff('second', created_at, local)"
    language = "coalesce(CASE WHEN lang IN ('', 'und') THEN NULL ELSE lang END, lang_detected, 'und')"
    by_hashtag = {
        tag: {"posts": n, "originals": n_originals, "authors": n_authors if with_author else None}
        for tag, n, n_originals, n_authors in rows(
            """
            SELECT tag, count(*), count(*) FILTER (kind <> 'retweet'), count(DISTINCT author)
            FROM (SELECT unnest(hashtags) AS tag, kind, author FROM sel)
            WHERE list_contains($reported, tag) GROUP BY tag ORDER BY 2 DESC, 1
        """,
            {"reported": selection.reported_tags()},
        )
    }
    researcher = _researcher_figures(rows, selection, by_hashtag)
    top_variants = list(by_hashtag)[:5]
    per_day_by_hashtag: dict[str, dict[str, int]] = {tag: {} for tag in top_variants}
    for tag, day, n in rows(
        """
        SELECT tag, local::DATE AS day, count(*)
        FROM (SELECT unnest(hashtags) AS tag, local FROM sel) WHERE list_contains($top, tag)
        GROUP BY ALL ORDER BY day
    """,
        {"top": top_variants},
    ):
        per_day_by_hashtag[tag][_day(day)] = n
    per_hour_by_hashtag: dict[str, dict[str, int]] = {tag: {} for tag in top_variants}
    for tag, hour, offset_seconds, n in rows(
        f"""
        SELECT tag, date_trunc('hour', local) AS hour, {offset} AS offset_seconds, count(*)
        FROM (SELECT unnest(hashtags) AS tag, local, created_at FROM sel) WHERE list_contains($top, tag)
        GROUP BY tag, hour, offset_seconds ORDER BY min(created_at)
    """,  # noqa: S608 - a constant expression
        {"top": top_variants},
    ):
        per_hour_by_hashtag[tag][_hour(hour, offset_seconds)] = n
    per_day_kind = {
        _day(day): {"originals": n_originals, "retweets": n_retweets}
        for day, n_originals, n_retweets in rows("""
            SELECT local::DATE AS day, count(*) FILTER (kind <> 'retweet'),
                   count(*) FILTER (kind = 'retweet')
            FROM sel GROUP BY day ORDER BY day
        """)
    }
    experience = rows("""
        SELECT local::DATE AS day, count(*) FILTER (label = 'experience'), count(*)
        FROM sel WHERE kind <> 'retweet' GROUP BY day ORDER BY day
    """)
    originals_by_language = dict(
        rows(f"SELECT {LANGUAGE_SQL} AS l, count(*) FROM sel WHERE kind <> 'retweet' GROUP BY l")  # noqa: S608
    )
    label_counts = dict(
        rows("""
        SELECT label, count(*) FROM sel WHERE kind <> 'retweet' AND label IS NOT NULL
        GROUP BY label ORDER BY 1
    """)
    )
    window_start = selection.start or first
    window_end = selection.end or (last + timedelta(microseconds=1) if last else None)
    per_day = {
        _day(day): n for day, n in rows("SELECT local::DATE AS d, count(*) FROM sel GROUP BY d ORDER BY d")
    }
    per_hour = {
        _hour(hour, offset_seconds): n
        for hour, offset_seconds, n in rows(
            f"SELECT date_trunc('hour', local) AS h, {offset} AS o, count(*) "  # noqa: S608 - constant
            "FROM sel GROUP BY h, o ORDER BY min(created_at)"
        )
    }
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
            "malformed": int(files_row[0]),
            "duplicates_skipped": int(files_row[1]),
        },
        "by_hashtag": by_hashtag,
        **researcher,
        "by_language": dict(rows(f"SELECT {language} AS l, count(*) FROM sel GROUP BY l ORDER BY 2 DESC, 1")),  # noqa: S608
        "per_day": per_day,
        "per_hour": per_hour,
        "partial": partial_periods(window_start, window_end, per_day, per_hour),
        "per_day_by_hashtag": per_day_by_hashtag,
        "per_hour_by_hashtag": per_hour_by_hashtag,
        "per_day_by_kind": per_day_kind,
        "top_cooccurring": [
            list(row)
            for row in rows(
                """
            SELECT tag, count(*) FROM (
                SELECT unnest(hashtags) AS tag FROM sel WHERE list_has_any(hashtags, $anchors)
            ) WHERE NOT list_contains($anchors, tag) GROUP BY tag ORDER BY 2 DESC, 1 LIMIT $top_n
        """,
                {"anchors": selection.anchor_tags(), "top_n": TOP_COOCCURRING},
            )
        ],
        "anchor_family": selection.family or "metoo",
        "experience_share": experience_share(
            validation_for(connection, selection.dataset), experience, originals_by_language
        ),
        "labels": label_counts,
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
            "lossy_id_rows": files_row[4],
            "repeated_rows_kept": repeated_kept,
            "content_key_duplicates": int(files_row[3]),
            "posts_with_dedupe_none": posts + int(files_row[3]),
            "posts_with_dedupe_content": posts - repeated_kept,
            "note": _deduplication_note(content_keyed, repeated_kept, int(files_row[3]), posts),
        },
        "languages_detected": detected,
        "labelled_originals": labelled,
        "files_imported": files_row[2],
        "definitions": DEFINITIONS,
    }
