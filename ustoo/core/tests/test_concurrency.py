"""A server process works on a few requests at once; a paused refusal gives its place up."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import diskcache.core
import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from ustoo.core import concurrency
from ustoo.core.cache import PersistentDiskCache


@pytest.fixture
def places(settings):
    def with_places(count: int):
        settings.ACTIVE_REQUESTS = count
        concurrency._places.cache_clear()

    yield with_places
    concurrency._places.cache_clear()


def test_no_more_requests_work_at_once_than_there_are_places(places):
    places(2)
    working, most = 0, 0
    lock = threading.Lock()

    def view(request):
        nonlocal working, most
        with lock:
            working += 1
            most = max(most, working)
        time.sleep(0.02)  # long enough for the other threads to try to come in meanwhile
        with lock:
            working -= 1
        return HttpResponse("ok")

    middleware = concurrency.ActiveRequestsMiddleware(view)
    request = RequestFactory().get("/")
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: middleware(request).status_code, range(16)))
    assert answers == [200] * 16
    assert most == 2


def test_a_request_waiting_for_time_only_lets_another_work_in_its_place(places):
    places(1)
    paused, resume, other_done = threading.Event(), threading.Event(), threading.Event()

    def pausing_view(request):
        with concurrency.place_given_up():
            paused.set()
            assert resume.wait(10)
        return HttpResponse("paused one")

    def other_view(request):
        other_done.set()
        return HttpResponse("other one")

    request = RequestFactory().get("/")
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(concurrency.ActiveRequestsMiddleware(pausing_view), request)
        assert paused.wait(10)
        second = pool.submit(concurrency.ActiveRequestsMiddleware(other_view), request)
        assert other_done.wait(10), "the only place was not given up"
        assert second.result(10).content == b"other one"
        resume.set()
        assert first.result(10).content == b"paused one"
    assert concurrency._places().acquire(blocking=False), "every place is given back"


def test_the_shared_cache_keeps_its_connections_between_requests(tmp_path, monkeypatch):
    cache = PersistentDiskCache(str(tmp_path), {})
    cache.set("key", 1)
    opened = []
    connect = diskcache.core.sqlite3.connect
    monkeypatch.setattr(
        diskcache.core.sqlite3,
        "connect",
        lambda *args, **kwargs: opened.append(1) or connect(*args, **kwargs),
    )
    for _ in range(3):
        cache.close()  # what Django does at the end of every request
        assert cache.get("key") == 1
    assert opened == []
