"""Group commit: the count-only statements of concurrent requests written in one transaction.

A count-only "me too" is the site's most frequent write, and most of its cost is not its row: it is
the transaction around it (begin, the writer lock, commit) and the running total and magnitude
counters it updates. Requests that arrive while another is writing queue here; the next to get the
turn writes everything queued in one transaction, the totals and counters added once for all, and
the others find their statement already written. Each statement is still counted exactly once, and
a request answers only after the transaction holding its statement has committed.

If a batch fails, its statements are written again one transaction each, so one bad statement
fails only its own request."""

import threading
from collections.abc import Callable, Sequence


class _Waiting[Item]:
    __slots__ = ("error", "item", "written")

    def __init__(self, item: Item) -> None:
        self.item = item
        self.written = False
        self.error: BaseException | None = None


class GroupCommit[Item]:
    """Calls `write_all(items)` for everything queued when a writer's turn comes, one batch at a time.

    `write_all` must write its items in one transaction of its own, all or nothing; `write` returns
    once the item's batch has committed, or raises what writing it alone raised."""

    def __init__(self, write_all: Callable[[Sequence[Item]], None]) -> None:
        self._write_all = write_all
        self._queue_lock = threading.Lock()
        self._queue: list[_Waiting[Item]] = []
        self._turn = threading.Lock()

    def write(self, item: Item) -> None:
        waiting = _Waiting(item)
        with self._queue_lock:
            self._queue.append(waiting)
        with self._turn:  # whoever held it may have written this item with theirs
            if not waiting.written and waiting.error is None:
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                self._write(batch)
        if waiting.error is not None:
            raise waiting.error

    def _write(self, batch: list[_Waiting[Item]]) -> None:
        try:
            self._write_all([waiting.item for waiting in batch])
        except Exception as error:
            if len(batch) == 1:
                batch[0].error = error
                return
            for waiting in batch:  # one by one, so each request gets its own outcome
                self._write([waiting])
            return
        except BaseException as error:  # an interruption, not a failure to write: it ends them all
            for waiting in batch:
                waiting.error = error
            raise
        for waiting in batch:
            waiting.written = True
