"""The user's cache folder: what collate works out once and keeps across runs and projects.

What is kept there depends only on files collate reads (never on an edition),
so every project and every run can share it: the dictionaries' answers
(:mod:`collate.lexicon`): is a word in ``en_US``, in ``en_GB``…, one file per
dictionary and version of its files; and each language's commonest words, read
once from wordfreq's compressed list.

Without them a short run takes about two thirds longer, opening two Hunspell
dictionaries (three witnesses of 1,000 words, a whole ``collate run``: 0.21 s
with an empty cache, 0.125 s with a warm one). The folder is the platform's (``~/.cache/collate`` on
Linux, as ``platformdirs`` names it: :func:`platform_folder`), or ``COLLATE_CACHE_DIR`` when set; set to the
empty string, nothing is kept. A folder that cannot be made or written is no
error: the run is as slow as without a cache and writes the same reports.
Deleting the folder at any time is safe.

The folder does not grow without end. Every collate version, dictionary update
or edit of lexicon.py keys its files anew, and an old key's file is never read
again by this install, yet another install (a second venv) may still use it. So
when collate writes a new file here, which is rare (the first answer a
dictionary gives under a new fingerprint, a language's commonest words read
anew), :func:`prune` removes the files of that same kind (same dictionary, same
language) under other fingerprints that have not been used for
:data:`STALE_AFTER` (30 days), and the formats collate no longer writes once
as old: the answers' first format (``lexicon/*.tsv``) and Jinja2's bytecode
folders (``templates-<12 hex>/``, from when the HTML report used Jinja2).
*Used* is the file's mtime: appending sets it, and a run that reads a kept
file whose mtime is a day old or more sets it to now (:func:`refresh`: one
``utime`` per file per day at most), so an install run once a month keeps its
answers. Thirty days is long enough for an install used now and then, and
short enough that a month's upgrades leave a handful of files; a file evicted
too soon costs one run's reopening of its dictionary (~0.1 s), never a wrong
answer. Only names collate itself makes are ever removed (their exact patterns,
regular files or Jinja's folders holding nothing else), and pruning never fails
a run: a file gone meanwhile, another process pruning at once, a read-only
folder are all silent.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
import sys
import time
from pathlib import Path

#: the environment variable naming the cache folder ("" for no cache)
ENVIRONMENT = "COLLATE_CACHE_DIR"

#: seconds since a file of another fingerprint was last written (or read: :func:`refresh`) before it is removed
STALE_AFTER = 30 * 86400

#: seconds after which reading a kept file sets its mtime to now again (at most one ``utime`` a day per file)
REFRESH_AFTER = 86400

#: lexicon's answers in their first format (collate before the ``.answers`` records), in ``lexicon/``
_LEGACY_ANSWERS = r"(?:hunspell|pyspellchecker)-[A-Za-z_]+-[0-9a-f]{16}\.tsv"

#: a folder of Jinja2's FileSystemBytecodeCache, one per Jinja version and options, in the cache's root
_LEGACY_TEMPLATES = r"templates-[0-9a-f]{12}"

#: what Jinja2 wrote in it: ``__jinja2_<sha1>.cache``, and the temporary file of a write cut short
_JINJA_FILE = r"__jinja2_[0-9a-f]{40}\.cache(?:[a-z0-9_]{8}\.tmp)?"


def cache_folder(kind: str) -> Path | None:
    """The folder ``kind`` (``"lexicon"``) of the user's cache, made if need be.

    None when caching is off (``COLLATE_CACHE_DIR=""``) or the folder cannot be made.
    """
    chosen = os.environ.get(ENVIRONMENT)
    if chosen == "":
        return None
    folder = Path(platform_folder() if chosen is None else chosen) / kind
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK | os.X_OK) else None


def platform_folder() -> str:
    """collate's folder in the platform's user cache: ``platformdirs.user_cache_dir("collate", appauthor=False)``.

    Importing platformdirs (and the tempfile module it imports) is 2-5 ms of every run's
    start-up, so where its answer is plain, and the same in every version since 3.0, it is
    worked out here: on Linux ``$XDG_CACHE_HOME/collate`` when that is an absolute path, or
    ``~/.cache/collate`` when it is unset or blank; on macOS, with no ``XDG_CACHE_HOME``,
    ``~/Library/Caches/collate``; in both, only with an absolute ``HOME``. Everything else
    (Windows' known folders, Android, other systems, a relative or missing ``HOME``, a
    relative ``XDG_CACHE_HOME``, one set on macOS, which newer versions follow) is platformdirs'
    own answer. tests/test_startup.py holds the two to the same folder.
    """
    home = os.environ.get("HOME", "")
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    android = hasattr(sys, "getandroidapilevel") or "ANDROID_DATA" in os.environ or "ANDROID_ROOT" in os.environ
    if posixpath.isabs(home) and not android:
        if sys.platform.startswith("linux") and posixpath.isabs(xdg):
            return os.path.join(xdg, "collate")
        if sys.platform.startswith("linux") and not xdg.strip():
            return os.path.join(os.path.expanduser("~/.cache"), "collate")
        if sys.platform == "darwin" and not xdg.strip():
            return os.path.join(os.path.expanduser("~/Library/Caches"), "collate")
    from platformdirs import user_cache_dir  # here: only where the answer is not the plain one above

    return user_cache_dir("collate", appauthor=False)


def refresh(path: Path, mtime: float) -> None:
    """Mark a kept file, just read, as used: its mtime set to now when it is a day old or more.

    Without it a file only ever read (an install whose words are all answered) would look
    as stale as a dead one to :func:`prune`. ``mtime`` is the file's, from the read's own
    ``fstat``, so a file used every day costs no write at all. Failing is no error.
    """
    if time.time() - mtime >= REFRESH_AFTER:
        try:
            os.utime(path)
        except OSError:
            pass


def prune(folder: Path, same_kind: str, written: str) -> None:
    """Remove, after writing the new file ``written`` in ``folder``, what no current collate reads.

    ``same_kind`` is a regular expression for the whole name of the files of ``written``'s
    kind (the same dictionary or language, any fingerprint, and their temporary files):
    those not modified for :data:`STALE_AFTER` are removed, ``written`` never. So are the
    legacy formats (:data:`_LEGACY_ANSWERS` in ``folder``, :data:`_LEGACY_TEMPLATES` beside
    it) once as old. Any OSError (a name vanished, another process pruning, no permission)
    leaves that file and goes on: pruning is housekeeping, never a reason for a run to fail.
    """
    before = time.time() - STALE_AFTER
    names = re.compile(f"{same_kind}|{_LEGACY_ANSWERS}")
    _remove_stale_files(folder, names, before, keep=written)
    try:
        with os.scandir(folder.parent) as entries:
            legacy = [e.path for e in entries if re.fullmatch(_LEGACY_TEMPLATES, e.name)]
    except OSError:
        return
    jinja_file = re.compile(_JINJA_FILE)
    for path in legacy:
        _remove_stale_folder(Path(path), jinja_file, before)


def _remove_stale_files(folder: Path, names: re.Pattern[str], before: float, keep: str) -> None:
    """Unlink the regular files of ``folder`` whose whole name ``names`` matches, modified before ``before``."""
    try:
        with os.scandir(folder) as entries:
            found = [e for e in entries if e.name != keep and names.fullmatch(e.name)]
    except OSError:
        return
    for entry in found:
        try:
            status = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(status.st_mode) and status.st_mtime < before:
                os.unlink(entry.path)
        except OSError:
            pass


def _remove_stale_folder(folder: Path, names: re.Pattern[str], before: float) -> None:
    """Remove one of Jinja2's bytecode folders, if it holds only Jinja's files and none is recent.

    A folder holding anything else (a file a person put there) is left whole.
    """
    try:
        status = folder.lstat()
        if not stat.S_ISDIR(status.st_mode) or status.st_mtime >= before:
            return
        with os.scandir(folder) as entries:
            found = list(entries)
        for entry in found:
            inner = entry.stat(follow_symlinks=False)
            if not names.fullmatch(entry.name) or not stat.S_ISREG(inner.st_mode) or inner.st_mtime >= before:
                return
        for entry in found:
            os.unlink(entry.path)
        folder.rmdir()
    except OSError:
        pass
