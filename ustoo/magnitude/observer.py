"""Keep the counters in step with the statements: stories calls this inside each change's transaction."""

from collections import Counter as Tally

from ustoo.magnitude.buckets import buckets_of
from ustoo.magnitude.models import Counter
from ustoo.stories.observers import StatementFacts


def record_change(before: StatementFacts | None, after: StatementFacts | None) -> None:
    deltas: Tally[tuple[str, str]] = Tally()
    deltas.subtract(buckets_of(before))
    deltas.update(buckets_of(after))
    Counter.objects.add(deltas)
