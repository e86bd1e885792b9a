"""One way to replace a file: write beside it, fsync, rename over it.

Both the apparatus file (months of an editor's work) and the reports go through
:func:`write_atomic`, so an interrupted or failing write never leaves half a
file: the temporary file sits in the same folder (so the rename is atomic),
takes the old file's permissions (or the umask's for a new file — ``mkstemp``
alone would make every report private), and is removed if anything fails, an
interrupt included.

What a person wrote (the apparatus, a new set.toml) is also made *durable*: the
file and then its folder are fsynced before the call returns, so a power cut
just after it leaves the new file, not an empty one. Reports are not: they are
regenerated from the witnesses by the next ``collate run``, and the two fsyncs
per file were a tenth of a short run's time on this machine (more on slow disks
and network folders). Another process still sees the old report or the new one,
never half of either: that is the rename's, not the fsync's.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import CollateError


def write_atomic(
    path: Path,
    text: str,
    error: type[CollateError] = CollateError,
    message: str = "cannot write",
    shown: str | None = None,
    durable: bool = True,
) -> None:
    """Replace ``path`` with ``text``; an OSError becomes ``error`` naming ``shown``.

    ``durable=False`` (reports, which a run writes again) skips the fsyncs.
    """
    shown = shown or str(path)
    folder = path.parent
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    except OSError as exc:
        raise error(f"{message}: {exc.strerror or exc}", shown) from None
    # The temporary file's name is chosen before the file exists, and it is created inside the
    # ``try``: an interrupt at any moment (Ctrl-C raises KeyboardInterrupt between any two
    # bytecodes, inside ``tempfile.mkstemp`` too) finds a name to remove, never a file it does
    # not know of.
    tmp = ""
    try:
        while True:  # as mkstemp does: a new name until one is free (O_EXCL), mode 0600
            # os.urandom is what secrets.token_hex reads; the secrets module (with random, hmac
            # and base64) would cost a short run's start-up more than the write itself
            tmp = str(folder / f".{path.name}.{os.urandom(4).hex()}.tmp")
            try:
                fd = _open_new(tmp)
                break
            except FileExistsError:
                tmp = ""  # another writer's file: never ours to remove
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        if isinstance(exc, OSError):
            raise error(f"{message}: {exc.strerror or exc}", shown) from None
        raise
    if durable:
        _fsync_folder(folder)
    _remove_leftovers(path)


def _open_new(name: str) -> int:
    """Create ``name``, which must not exist yet, for writing, readable by its owner only."""
    return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)


def _remove_leftovers(path: Path) -> None:
    """Remove temporary files a killed earlier write of ``path`` left behind.

    A process killed with SIGKILL cannot clean up after itself; the next write
    of the same file does it (two processes writing one file at once would
    already lose one of the writes, so nothing valid is removed).
    """
    # The names ``.<name>.*.tmp`` matches, by their two ends: what ``Path.glob`` of that pattern
    # finds, without compiling a pattern for each file written (a run writing five reports spent
    # ~1 ms in fnmatch and the glob module's import).
    start, end = f".{path.name}.", ".tmp"
    try:
        with os.scandir(path.parent) as entries:
            leftovers = [entry.path for entry in entries if len(entry.name) >= len(start) + len(end)
                         and entry.name.startswith(start) and entry.name.endswith(end)]
    except OSError:
        return
    for leftover in leftovers:
        try:
            os.unlink(leftover)
        except OSError:
            pass


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
