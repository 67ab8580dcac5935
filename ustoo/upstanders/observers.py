"""The signal sent when rows that count are written, so that what apps above this one keep from them
(the magnitude's day counters) commits or rolls back with the rows. This app never imports them."""

import datetime

from django.dispatch import Signal

# Sent inside the transaction that writes the rows: `sender` is what was counted (models.PLEDGES,
# INTERVENTIONS or ACKNOWLEDGEMENTS), `day` the day they count on, `delta` how many.
counted_upstanding_changed = Signal()


def counted(population: str, day: datetime.date, delta: int) -> None:
    if delta:
        counted_upstanding_changed.send(sender=population, day=day, delta=delta)
