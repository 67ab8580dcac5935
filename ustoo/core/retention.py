"""The scheduled clean-up's list of tasks: each app that keeps something for a limited time adds
its task from its AppConfig.ready(), and `ustoo prune_expired` runs them all."""

import datetime
from collections.abc import Callable

Task = Callable[[datetime.datetime], str]
_tasks: dict[str, Task] = {}


def register_retention_task(name: str, task: Task) -> None:
    """`task(now)` deletes or anonymises what has expired by `now` and returns a one-line report."""
    _tasks[name] = task


def run_retention_tasks(now: datetime.datetime) -> list[str]:
    return [task(now) for task in _tasks.values()]
