"""Worker processes that stop quietly on Ctrl-C.

Ctrl-C at a terminal interrupts the whole process group: the parent and every
worker of a :class:`~concurrent.futures.ProcessPoolExecutor`. A worker waiting
for work would die with a traceback of the pool's internals; one in the middle
of writing a report must still remove its temporary file. So a worker started
here exits at once, silently, when interrupted while idle (or while doing work
that writes nothing), and raises :class:`KeyboardInterrupt` only inside
:func:`call_writing` — where :func:`collate.atomic.write_atomic` cleans up as
it does in the parent. The parent then reports the interrupt once (exit 130).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

T = TypeVar("T")

#: the exit code of an interrupted process (128 + SIGINT), as shells report it
INTERRUPTED = 130

_writing = False


def _on_interrupt(signum: int, frame: FrameType | None) -> None:
    if _writing:
        raise KeyboardInterrupt
    os._exit(INTERRUPTED)  # nothing half-done to clean up; the parent reports the interrupt


def _install() -> None:
    signal.signal(signal.SIGINT, _on_interrupt)
    keep_interrupts()


def keep_interrupts() -> None:
    """Make sure Ctrl-C is never swallowed where Python cannot raise it (this process, from now on).

    A signal's handler runs wherever the interpreter happens to be, and that
    may be a callback whose exceptions Python cannot pass on: a weak reference's
    (importlib's module locks have one, so any import is such a place, and
    collate imports much lazily). There the ``KeyboardInterrupt`` is printed as
    "Exception ignored in …" with a traceback and then dropped: the run would
    go on. :func:`_reraise` sends the signal again once the hook has returned,
    to be raised at an ordinary line, and prints nothing.
    """
    sys.unraisablehook = _reraise


def _reraise(unraisable: sys.UnraisableHookArgs) -> None:
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        # not from here: an exception in this hook is dropped too; from a thread, once this
        # hook has returned (and it lands here again if it falls in such a place again)
        import threading

        again = threading.Thread(target=_resend, args=(threading.get_ident(),), daemon=True)
        again.start()
        return
    sys.__unraisablehook__(unraisable)


def _resend(thread: int) -> None:
    """SIGINT again, as soon as ``thread`` (the one whose interrupt was dropped) has left the hook.

    Sent while that thread is still in :func:`_reraise` (starting this thread, on a
    busy machine), the signal would be raised inside the hook and dropped as well; so
    this waits until the thread's stack no longer holds the hook (five seconds at most).
    """
    import time

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _in_hook(sys._current_frames().get(thread)):
        time.sleep(0.001)
    os.kill(os.getpid(), signal.SIGINT)


def _in_hook(frame: FrameType | None) -> bool:
    while frame is not None:
        if frame.f_code is _reraise.__code__:
            return True
        frame = frame.f_back
    return False


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool whose workers go quietly on Ctrl-C (see the module's docstring).

    ``concurrent.futures.process`` (and multiprocessing with it) is imported here, when
    a pool is wanted: a run of one set in this process never pays for it.
    """
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers, initializer=_install)


def call_writing(function: Callable[..., T], *args: object) -> T:
    """Run ``function`` in a worker so that an interrupt lets its writes clean up."""
    global _writing
    _writing = True
    try:
        return function(*args)
    finally:
        _writing = False
