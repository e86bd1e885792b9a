"""The user's cache folder: what collate works out once and keeps across runs and projects.

What is kept there depends only on files collate reads (never on an edition),
so every project and every run can share it: the dictionaries' answers
(:mod:`collate.lexicon`): is a word in ``en_US``, in ``en_GB``…, one file per
dictionary and version of its files; and each language's commonest words, read
once from wordfreq's compressed list.

Without them a short run takes about two fifths longer, opening two Hunspell
dictionaries (three witnesses of 1,000 words, a whole ``collate run``: 0.20 s
with an empty cache, 0.14 s with a warm one). The folder is the platform's (``~/.cache/collate`` on
Linux, as ``platformdirs`` names it: :func:`platform_folder`), or ``COLLATE_CACHE_DIR`` when set; set to the
empty string, nothing is kept. A folder that cannot be made or written is no
error: the run is as slow as without a cache and writes the same reports.
Deleting the folder at any time is safe.
"""

from __future__ import annotations

import os
import posixpath
import sys
from pathlib import Path

#: the environment variable naming the cache folder ("" for no cache)
ENVIRONMENT = "COLLATE_CACHE_DIR"


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
