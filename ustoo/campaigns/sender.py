"""Signers' mail goes out at once, without the request waiting for the mail server: each server
process has one sender thread, woken when a signing that owes an e-mail commits, which sends what
is due (outbox.send_owed_mail) and sleeps again.

The thread holds nothing another process or server would need: what is owed is in the database
(Signature.mail_due_at), so what one process leaves (it stopped, the mail server was down) is sent
by any other, and by `ustoo send_campaign_mail`, which every site runs every few minutes."""

import logging
import os
import threading
import time

from django.db import close_old_connections, transaction

logger = logging.getLogger("ustoo.campaigns")

_wake = threading.Event()
_start_lock = threading.Lock()
_thread: threading.Thread | None = None
_thread_pid: int | None = None


def send_soon() -> None:
    """Send the mail just owed once the write commits (at once outside a transaction; nothing if
    it rolls back)."""
    transaction.on_commit(wake)


def wake() -> None:
    """Have this process's sender look for mail due now, starting it if it is not running (the
    first time, or in a worker forked from a process that had one)."""
    global _thread, _thread_pid, _wake
    with _start_lock:
        if _thread is None or _thread_pid != os.getpid() or not _thread.is_alive():
            _wake = threading.Event()  # not one inherited through a fork, whatever its state
            _thread = threading.Thread(target=_run, args=(_wake,), name="ustoo-campaign-mail", daemon=True)
            _thread_pid = os.getpid()
            _thread.start()
        _wake.set()


# After a wake, the sender waits this long before it looks: under load the signings of that
# moment then go in one batch (one connection, a few statements), not one by one.
GATHER_SECONDS = 0.2


def _run(woken: threading.Event) -> None:
    from ustoo.campaigns import outbox

    while True:
        woken.wait()
        time.sleep(GATHER_SECONDS)
        woken.clear()  # a wake from here on means another look
        try:
            outbox.send_owed_mail()
        except Exception:  # the thread must live on: what was not sent stays owed
            logger.exception("Campaign mail: the sender failed; send_campaign_mail sends what is left")
        finally:
            close_old_connections()
