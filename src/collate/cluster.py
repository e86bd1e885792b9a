"""Sets collated on a Dask cluster: ``collate run|check|apparatus --scheduler ADDRESS|local``.

Dask distributed does the distributing — scheduling, moving data, noticing a
lost worker and running its tasks again elsewhere; collate only says what one
task is. ``ADDRESS`` is a running scheduler (``tcp://host:8786``, as ``dask
scheduler`` prints it); ``local`` starts a ``LocalCluster`` of ``-j N``
single-threaded worker processes on this machine (default: one per core).

**The client ships the texts.** The machine running collate reads every
manifest, witness and apparatus file, as a local run does (every input is
checked before anything is written), and sends each set to the cluster with its
witnesses' text already decoded. So workers need no shared filesystem, no
paths that mean the same on every machine, and no read access to the edition:
a worker in a container or on another network collates what it is sent. The
texts are small beside the work (a letter is a few kilobytes; collating it
costs some 20 ms), and a run reads them anyway.

**The client writes.** For ``run``, a worker collates a set, merges the
apparatus entries the client read, and renders every report
(:func:`collate.control.render_set`, the very function a local run calls); it
returns the texts, and the client writes them atomically, then the index and
the cache, as a local run does — so the reports are the same bytes. For
``check`` and ``apparatus`` a worker returns the :class:`Collation`; the client
merges the apparatus and judges it, or writes it.

**Failures.** A worker lost mid-run (killed, out of memory, its machine gone):
Dask runs its sets again on the others; a set that kills
``distributed.scheduler.allowed-failures`` + 1 workers (3 + 1 by default) ends
the run with one line naming it. A scheduler that cannot be reached within
``distributed.comm.timeouts.connect`` (Dask's setting, 30 s by default), or one
with no workers, is exit 2 naming the address; so is a worker running another
collate than the client (reports must not depend on where a set ran).

At most a few sets per worker thread are in flight at a time, so neither the
scheduler nor the workers hold a whole corpus; the client does, as any run does.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from . import __version__
from .control import RenderedSet, collate_set, render_set, set_apparatus
from .errors import CollateError
from .model import Collation, WitnessSet

if TYPE_CHECKING:
    from distributed import Client

T = TypeVar("T")

#: ``--scheduler local``: a cluster on this machine
LOCAL = "local"
#: sets in flight per worker thread: enough to keep every thread busy while results travel
PER_THREAD = 4


class ClusterError(CollateError):
    """The Dask cluster cannot be used, or lost a set: one line, exit 2."""


@dataclass(frozen=True)
class DaskCluster:
    """The Dask cluster at ``address`` (or ``local``: ``workers`` processes here), as the control layer's
    :class:`~collate.control.Remote`; connected for each command, closed after it."""

    address: str
    workers: int | None = None

    def render_sets(self, sets: Sequence[WitnessSet], engine: str,
                    formats: Sequence[str]) -> Iterator[tuple[int, RenderedSet]]:
        """``collate run``: each set collated and its reports rendered on the cluster, as they finish.

        Yields ``(index in sets, RenderedSet)``; the caller writes the reports.
        """
        tasks = [(render_set, (wset, engine, tuple(formats), set_apparatus(wset))) for wset in sets]
        with connect(self.address, self.workers) as client:
            yield from _map(client, tasks, [wset.name for wset in sets])

    def collate_sets(self, sets: Sequence[WitnessSet], engine: str) -> list[Collation]:
        """``collate check`` and ``collate apparatus``: every set collated on the cluster, in the sets' order."""
        if not sets:
            return []
        found: dict[int, Collation] = {}
        tasks: list[tuple[Callable[..., Collation], tuple[Any, ...]]] = [(collate_set, (s, engine)) for s in sets]
        with connect(self.address, self.workers) as client:
            for n, collation in _map(client, tasks, [s.name for s in sets]):
                found[n] = collation
        return [found[n] for n in range(len(sets))]


@contextmanager
def connect(address: str, workers: int | None = None) -> Iterator[Client]:
    """A client of the scheduler at ``address`` (or of a new local cluster), checked for use."""
    try:
        import dask
        import distributed
    except ImportError:
        raise ClusterError("collate: --scheduler needs Dask: pip install 'collate[dask]'") from None
    # Dask's own warnings on this side (a worker gone, a connection dropped) are its business:
    # what matters reaches collate through the tasks, and is said in one line
    logging.getLogger("distributed").setLevel(logging.ERROR)
    cluster = None
    if address == LOCAL:
        cluster = distributed.LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                           processes=True, dashboard_address=None, silence_logs=logging.CRITICAL)
        client = distributed.Client(cluster)
        shown = f"{LOCAL} ({cluster.scheduler_address})"
    else:
        timeout = dask.config.get("distributed.comm.timeouts.connect")
        try:
            client = distributed.Client(address, timeout=timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"collate: cannot reach the Dask scheduler at {address}: "
                               f"{_one_line(exc)}") from None
        shown = address
    try:
        _check_workers(client, shown)
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _check_workers(client: Client, shown: str) -> None:
    """Wait for a worker; refuse workers whose collate differs from this one."""
    import dask

    try:
        client.wait_for_workers(1, timeout=dask.utils.parse_timedelta(
            dask.config.get("distributed.comm.timeouts.connect")))
    except TimeoutError:
        raise ClusterError(f"collate: the Dask scheduler at {shown} has no workers") from None
    mine = code_identity()
    others = {worker: theirs for worker, theirs in client.run(code_identity).items() if theirs != mine}
    if others:
        worker, (version, _code) = next(iter(others.items()))
        more = f" (and {len(others) - 1} more)" if len(others) > 1 else ""
        raise ClusterError(f"collate: the Dask worker {worker}{more} of {shown} runs another collate ({version},"
                           f" other code) than this one ({__version__}); install the same collate on every worker")


def code_identity() -> tuple[str, str]:
    """collate's version and a digest of its code, where this runs (on a worker, or here)."""
    from .control import _code_fingerprint

    return __version__, _code_fingerprint()


def _map(client: Client, tasks: Sequence[tuple[Callable[..., T], tuple[Any, ...]]],
         names: Sequence[str]) -> Iterator[tuple[int, T]]:
    """Run the tasks on the cluster, a bounded number in flight; yield ``(index, result)`` as each ends."""
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    run = uuid.uuid4().hex[:8]
    threads = sum(client.nthreads().values()) or 1
    pending = iter(enumerate(tasks))
    index: dict[Any, int] = {}
    flight = as_completed(loop=client.loop)

    def submit() -> None:
        for n, (function, args) in pending:
            future = client.submit(function, *args, key=f"collate-{run}-{n}", pure=False)
            index[future.key] = n
            flight.add(future)
            return

    for _ in range(threads * PER_THREAD):
        submit()
    try:
        for future in flight:
            n = index[future.key]
            try:
                result = future.result()
            except KilledWorker as exc:
                lost = dict.fromkeys([names[n], *(names[index[f.key]] for f in flight.futures if f.status == "error")])
                many = len(lost) > 1
                raise ClusterError(f"collate: Dask lost the set{'s' if many else ''} {', '.join(lost)}: each of"
                                   f" {exc.allowed_failures + 1} workers died collating {'them' if many else 'it'}"
                                   " (out of memory, or killed)") from None
            submit()
            yield n, result
    finally:
        for future in list(flight.futures):
            future.cancel()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
