"""The user's cache folder: what collate works out once and keeps across runs and projects.

What is kept there depends only on files collate reads (never on an edition),
so every project and every run can share it: the dictionaries' answers
(:mod:`collate.lexicon`): is a word in ``en_US``, in ``en_GB``…, one file per
dictionary and version of its files.

Without them a short run takes about a third longer, opening two Hunspell
dictionaries (three witnesses of 1,000 words, a whole ``collate run``: 0.42 s
with an empty cache, 0.30 s with a warm one). The folder is the platform's (``~/.cache/collate`` on
Linux, by ``platformdirs``), or ``COLLATE_CACHE_DIR`` when set; set to the
empty string, nothing is kept. A folder that cannot be made or written is no
error: the run is as slow as without a cache and writes the same reports.
Deleting the folder at any time is safe.
"""

from __future__ import annotations

import os
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
    if chosen is None:
        from platformdirs import user_cache_dir

        chosen = user_cache_dir("collate", appauthor=False)
    folder = Path(chosen) / kind
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK | os.X_OK) else None
