"""Keep the counters in step with the statements: stories calls this inside each change's transaction."""

from collections import Counter as Tally

from ustoo.magnitude.buckets import buckets_of
from ustoo.magnitude.models import Counter
from ustoo.stories.observers import StatementFacts


def record_change(before: StatementFacts | None, after: StatementFacts | None) -> None:
    # A new statement (the hot path) only adds; an edit or a withdrawal also takes away.
    deltas = Tally(buckets_of(after))
    if before is not None:
        deltas.subtract(buckets_of(before))
    Counter.objects.add(deltas)
