"""How many requests a server process works on at once.

gunicorn runs many threads per process so that refusals paused for a flooding client
(ratelimit._hold_refusal) never leave other people without a thread. But threads that all work at
once only queue for the GIL and SQLite's write lock, and each request then takes longer than the
same requests one after another would. So at most ACTIVE_REQUESTS requests of a process work at
once; the others wait for a place (without the GIL), and a paused refusal gives its place up while
it waits."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_this_thread = threading.local()


@cache
def _places() -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(max(1, settings.ACTIVE_REQUESTS))


class ActiveRequestsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        places = _places()
        places.acquire()
        _this_thread.has_place = True
        try:
            return self.get_response(request)
        finally:
            if _this_thread.has_place:
                _this_thread.has_place = False
                places.release()


@contextmanager
def place_given_up() -> Iterator[None]:
    """While waiting for nothing but time, let another request work in this request's place."""
    if not getattr(_this_thread, "has_place", False):
        yield
        return
    places = _places()
    _this_thread.has_place = False
    places.release()
    try:
        yield
    finally:
        places.acquire()
        _this_thread.has_place = True
