"""Keep the counters in step with the statements: stories calls this inside each change's transaction."""

from collections import Counter as Tally
from collections.abc import Sequence

from ustoo.magnitude.buckets import buckets_of
from ustoo.magnitude.models import Counter
from ustoo.stories.observers import Change


def record_changes(changes: Sequence[Change]) -> None:
    """One upsert for all the changes of a transaction, however many statements it wrote."""
    deltas = Tally()
    for before, after in changes:
        # A new statement (the hot path) only adds; an edit or a withdrawal also takes away.
        if after is not None:
            deltas.update(buckets_of(after))
        if before is not None:
            deltas.subtract(buckets_of(before))
    Counter.objects.add(deltas)
