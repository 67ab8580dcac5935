"""Gunicorn settings for `make run` and production: no access log, a worker per core."""

import multiprocessing
import os

workers = int(os.environ.get("USTOO_WORKERS", multiprocessing.cpu_count()))
# Many threads, because a refusal to a flooding client pauses its thread without using the CPU
# (settings.REFUSAL_HOLD_MS): the paused ones must leave threads free for everyone else.
threads = int(os.environ.get("USTOO_THREADS", 64))
worker_class = "gthread"
accesslog = None  # access logs would record every reader's address: off
errorlog = "-"
loglevel = "warning"
# Gunicorn names the client's address in some warnings ("Invalid request from ip=…"): every line it
# writes goes through a filter that blanks addresses (ustoo/core/log_privacy.py).
logger_class = "ustoo.core.log_privacy.GunicornLogger"
timeout = 30
keepalive = 5
forwarded_allow_ips = os.environ.get("USTOO_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "ustoo"

# Whether a worker has said where the site is: shared by the workers, which are forked from the
# process that read this file.
_announced = multiprocessing.Value("b", False)


def post_worker_init(worker) -> None:
    """Once per start, the first worker to have loaded the site says where it is (`make run` shows
    it to whoever waits to open it). The worker answers from the next instant: it starts serving
    right after this hook, and requests sent before are waiting in the socket's queue."""
    with _announced.get_lock():
        if _announced.value:
            return
        _announced.value = True
    for listener in worker.sockets:
        print(f"ustoo is ready at {listener}", flush=True)
