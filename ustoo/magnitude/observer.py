"""Keep the counters in step with the statements, and with the upstanders' rows: stories and upstanders
send their signals inside each change's transaction."""

import datetime
from collections import Counter as Tally

from ustoo.magnitude.buckets import buckets_of
from ustoo.magnitude.models import Counter
from ustoo.stories.observers import StatementFacts


def record_change(sender, *, before: StatementFacts | None, after: StatementFacts | None, **kwargs) -> None:
    """One upsert for every bucket the change touches."""
    deltas = Tally()
    # A new statement (the hot path) only adds; an edit or a withdrawal also takes away.
    if after is not None:
        deltas.update(buckets_of(after))
    if before is not None:
        deltas.subtract(buckets_of(before))
    Counter.objects.add(deltas)


def record_upstanding(sender: str, *, day: datetime.date, delta: int, **kwargs) -> None:
    """The day counter of what was counted (`sender`: pledges, interventions or acknowledgements)."""
    Counter.objects.add({(sender, day.isoformat()): delta})
