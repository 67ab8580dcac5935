"""Group commit: concurrent count-only statements share one transaction, and each is still counted
exactly once; a statement that cannot be written fails only its own request."""

import contextlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from ustoo.core import concurrency, receipts
from ustoo.magnitude.models import Counter
from ustoo.stories import services
from ustoo.stories.group_commit import GroupCommit
from ustoo.stories.models import Statement, StatementTally


def _queued(group: GroupCommit, count: int) -> None:
    deadline = time.monotonic() + 10
    while len(group._queue) < count:
        assert time.monotonic() < deadline, "the writers never queued"
        time.sleep(0.001)


def _write_while_the_turn_is_held(group: GroupCommit, items: list) -> list:
    """Each item written by its own thread, all queued while another writer holds the turn; then the
    turn is released. Returns each thread's outcome: None, or the exception it raised."""
    outcomes: list = [None] * len(items)

    def write(index: int) -> None:
        try:
            group.write(items[index])
        except BaseException as error:
            outcomes[index] = error
        finally:
            connection.close()

    with group._turn:
        threads = [threading.Thread(target=write, args=(index,)) for index in range(len(items))]
        for thread in threads:
            thread.start()
        _queued(group, len(items))
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_writers_that_queue_are_written_in_one_batch():
    batches = []
    group = GroupCommit(lambda items: batches.append(list(items)))
    outcomes = _write_while_the_turn_is_held(group, ["a", "b", "c", "d"])
    assert outcomes == [None] * 4
    assert len(batches) == 1 and sorted(batches[0]) == ["a", "b", "c", "d"]


def test_a_writer_alone_writes_its_own_item_at_once():
    batches = []
    group = GroupCommit(lambda items: batches.append(list(items)))
    group.write("alone")
    group.write("again")
    assert batches == [["alone"], ["again"]]


def test_a_failing_item_fails_only_its_own_writer():
    written = []

    def write_all(items):
        if "bad" in items:
            raise ValueError("cannot write bad")
        written.extend(items)

    group = GroupCommit(write_all)
    outcomes = _write_while_the_turn_is_held(group, ["one", "bad", "two"])
    assert outcomes[0] is None and outcomes[2] is None
    assert isinstance(outcomes[1], ValueError)
    assert sorted(written) == ["one", "two"]
    group.write("after")  # the queue is left empty and usable
    assert written[-1] == "after"


def test_what_queues_while_the_transaction_begins_goes_in_its_batch():
    # On SQLite, beginning waits for the database's one writer: the batch is taken after that wait,
    # so those who queued meanwhile are written with it, not in one more transaction.
    batches, begun = [], []
    let_begin = threading.Event()

    @contextlib.contextmanager
    def transaction_waiting_for_the_lock():
        begun.append(True)
        assert let_begin.wait(timeout=10)
        yield

    group = GroupCommit(
        lambda items: batches.append(list(items)), transaction=transaction_waiting_for_the_lock
    )
    first = threading.Thread(target=group.write, args=("first",))
    first.start()
    deadline = time.monotonic() + 10
    while not begun:
        assert time.monotonic() < deadline
        time.sleep(0.001)
    others = [threading.Thread(target=group.write, args=(item,)) for item in ("second", "third")]
    for thread in others:
        thread.start()
    _queued(group, 2)
    let_begin.set()
    for thread in [first, *others]:
        thread.join(timeout=10)
    assert len(batches) == 1 and sorted(batches[0]) == ["first", "second", "third"]
    assert len(begun) == 1


def test_a_transaction_that_cannot_begin_fails_each_writer_and_leaves_the_queue_usable():
    written, failing = [], [True]

    @contextlib.contextmanager
    def transaction():
        if failing[0]:
            raise ConnectionError("the database is gone")
        yield

    group = GroupCommit(written.extend, transaction=transaction)
    outcomes = _write_while_the_turn_is_held(group, ["one", "two", "three"])
    assert all(isinstance(outcome, ConnectionError) for outcome in outcomes)
    assert written == [] and group._queue == []
    failing[0] = False
    group.write("later")
    assert written == ["later"]


class _Interrupted(BaseException):
    pass


def test_an_interruption_while_writing_one_by_one_leaves_no_writer_without_an_outcome():
    # The batch fails, so its items are written one at a time; one of them is interrupted. Every
    # writer must then either be written or raise: none may return as if written when it was not.
    written = []

    def write_all(items):
        if len(items) > 1:
            raise ValueError("the batch fails")
        if items == ["interrupted"]:
            raise _Interrupted
        written.extend(items)

    group = GroupCommit(write_all)
    items = ["a", "interrupted", "b", "c"]
    outcomes = _write_while_the_turn_is_held(group, items)
    for item, outcome in zip(items, outcomes, strict=True):
        # (The writer whose thread was writing may raise the interruption with its item written.)
        assert outcome is not None or item in written, item
    assert isinstance(outcomes[1], _Interrupted)
    assert "interrupted" not in written


def test_a_request_waiting_for_its_batch_lets_another_work_in_its_place(settings):
    # With one place per process, a request queued behind a batch would otherwise keep every other
    # request out: here the second request works, and its statement joins the first one's batch.
    settings.ACTIVE_REQUESTS = 1
    concurrency._places.cache_clear()
    batches = []
    group = GroupCommit(lambda items: batches.append(sorted(items)))
    second_working = threading.Event()

    def first_view(request):
        group.write("first")
        return HttpResponse("first")

    def second_view(request):
        second_working.set()
        group.write("second")
        return HttpResponse("second")

    request = RequestFactory().post("/api/v1/statements")
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            with group._turn:  # a batch being written: both requests queue behind it
                first = pool.submit(concurrency.ActiveRequestsMiddleware(first_view), request)
                _queued(group, 1)
                second = pool.submit(concurrency.ActiveRequestsMiddleware(second_view), request)
                assert second_working.wait(10), "the waiting request kept its place"
                _queued(group, 2)
            assert first.result(10).content == b"first"
            assert second.result(10).content == b"second"
        assert batches == [["first", "second"]]
        assert concurrency._places().acquire(blocking=False), "every place is given back"
    finally:
        concurrency._places.cache_clear()


def _counted(dimension: str, bucket: str | None = None) -> int:
    """A counter's sum over its shards (PostgreSQL spreads a bucket over several rows)."""
    rows = Counter.objects.filter(dimension=dimension)
    if bucket is not None:
        rows = rows.filter(bucket=bucket)
    return sum(rows.values_list("count", flat=True))


def _count_only(receipt: str) -> Statement:
    return Statement(language="fr", setting="home", receipt_hash=receipts.receipt_hash(receipt))


@pytest.mark.django_db(transaction=True)
def test_a_batch_writes_rows_total_and_counters_together():
    group = GroupCommit(services._add_count_only, transaction=transaction.atomic)  # as say_me_too's
    statements = [_count_only(f"phrase number {n}") for n in range(5)]
    assert _write_while_the_turn_is_held(group, statements) == [None] * 5
    stored = dict(Statement.objects.values_list("pk", "receipt_hash"))
    assert {statement.pk: bytes(statement.receipt_hash) for statement in statements} == {
        pk: bytes(receipt_hash) for pk, receipt_hash in stored.items()
    }  # one INSERT for the batch, and each statement was given its own row's id
    assert Statement.objects.count() == 5
    assert StatementTally.total()[0] == 5
    assert _counted("day") == 5
    assert _counted("setting", "home") == 5


@pytest.mark.django_db(transaction=True)
def test_a_statement_that_cannot_be_stored_leaves_the_others_of_its_batch_counted():
    services.say_me_too(member=None, anonymous=True)  # one statement already stored
    taken = Statement.objects.get().receipt_hash
    group = GroupCommit(services._add_count_only, transaction=transaction.atomic)
    clash = Statement(language="fr", setting="home", receipt_hash=taken)
    statements = [_count_only("first phrase"), clash, _count_only("second phrase")]
    outcomes = _write_while_the_turn_is_held(group, statements)
    assert outcomes[0] is None and outcomes[2] is None
    assert isinstance(outcomes[1], IntegrityError)
    assert Statement.objects.count() == 3
    assert StatementTally.total()[0] == 3
    assert _counted("day") == 3
    assert _counted("setting", "home") == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_speakers_are_counted_once_in_rows_total_and_counters():
    def speak(count: int) -> None:
        try:
            for _ in range(count):
                services.say_me_too(member=None, anonymous=True, details=services.Details(setting="online"))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(speak, [10] * 6))
    assert Statement.objects.count() == 60
    assert len(set(Statement.objects.values_list("receipt_hash", flat=True))) == 60
    assert StatementTally.total()[0] == 60
    assert _counted("day") == 60
    assert _counted("setting", "online") == 60


@pytest.mark.django_db(transaction=True)
def test_a_statement_inside_a_callers_transaction_stays_in_it():
    # Handed to a group writer, the statement would be committed by another thread's transaction
    # whatever its caller then decided.
    spoke = threading.Event()

    def speak_then_roll_back() -> None:
        try:
            with transaction.atomic():
                services.say_me_too(member=None, anonymous=True)
                spoke.set()
                raise RuntimeError("the caller changes its mind")
        except RuntimeError:
            pass
        finally:
            connection.close()

    with services._count_only_statements._turn:  # a group writer at work: anything queued waits
        thread = threading.Thread(target=speak_then_roll_back)
        thread.start()
        assert spoke.wait(timeout=10), "the statement waited for the group writer"
    thread.join(timeout=10)
    assert Statement.objects.count() == 0
    assert StatementTally.total()[0] == 0
