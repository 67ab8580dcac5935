"""`ustoo movement label`: a person labels a sample of a dataset's originals, one at a time, in the terminal.

Each label is stored at once (table `labels`), so stopping at any point keeps what was done, and the next run
draws only posts not yet labelled. The posts shown are the dataset's own, as imported with --keep-text: this
runs on the researcher's machine, and nothing of it reaches a page or a report, which only count labels.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from ustoo.movement import validation

GUIDE = """Label each post by what its author says (the full guide is in movement/MODEL.md):
  e  experience    the author says it happened to them (a bare "me too" in the movement's sense counts)
  s  support       standing with survivors or the movement, without telling their own story
  n  news/opinion  reporting, commenting, arguing, promoting; and anything else
  b  backlash      against the movement or survivors: disbelief, mockery, "witch hunt", trivialising
  k  skip (undecided: not stored)     q  quit (every label so far is kept)"""
CODES = {"e": "experience", "s": "support", "n": "news_opinion", "b": "backlash"}


def label_in_terminal(
    connection,
    dataset: str,
    *,
    size: int,
    seed: int,
    stratify: bool,
    ask: Callable[[str], str],
    say: Callable[[str], None],
) -> int:
    """Draw `size` unlabelled originals with text and ask for each one's label; return how many were
    stored."""
    originals = connection.execute(
        "SELECT platform || ':' || key, text FROM posts "
        "WHERE dataset = ? AND kind <> 'retweet' AND text IS NOT NULL AND text <> ''",
        [dataset],
    ).fetchall()
    if not originals:
        raise ValueError(
            f"no text in {dataset!r}: labelling needs the posts' text; import the files again with "
            "--keep-text"
        )
    done = connection.execute(
        "SELECT platform || ':' || key FROM labels WHERE dataset = ?", [dataset]
    ).fetchall()
    drawn = validation.draw(originals, size, seed=seed, stratify=stratify, exclude=[key for (key,) in done])
    say(GUIDE)
    stored = 0
    for number, (post, text) in enumerate(drawn, start=1):
        say(f"\n[{number}/{len(drawn)}]\n{text}\n")
        while True:
            try:
                answer = ask("label (e/s/n/b, k to skip, q to quit): ").strip().lower()
            except EOFError:  # the input ended: as q
                answer = "q"
            if answer in CODES or answer in ("k", "q"):
                break
            say("Please answer e, s, n, b, k or q.")
        if answer == "q":
            break
        if answer == "k":
            continue
        platform, key = post.split(":", 1)
        connection.execute(
            "INSERT INTO labels (dataset, platform, key, label, sample, labelled_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                dataset,
                platform,
                key,
                CODES[answer],
                validation.CANDIDATES if stratify else "random",
                datetime.now(UTC).replace(tzinfo=None),
            ],
        )
        stored += 1
    total = connection.execute("SELECT count(*) FROM labels WHERE dataset = ?", [dataset]).fetchone()[0]
    say(f"\n{stored} labels stored; {total} in {dataset!r}. `ustoo movement evaluate --dataset {dataset}`.")
    return stored
