"""The two hash functions collate uses: BLAKE2b and SHA-256, without OpenSSL's start-up.

BLAKE2b names variants (:mod:`collate.ids`) and keys the caches; SHA-256 is the
HTML page's script hash (its Content-Security-Policy). ``import hashlib`` loads
OpenSSL's binding to offer every algorithm it knows, ~2.3 ms of every run's
start-up (an eightieth of a short run) for two functions CPython builds in
itself: ``_blake2`` (what ``hashlib.blake2b`` is, OpenSSL or not) and
``_sha256`` (``_sha2`` from Python 3.12), which hashlib falls back to where
OpenSSL lacks an algorithm. The digests are the same bytes either way
(tests/test_startup.py compares them); a Python built without them (some
FIPS-mode builds) gets hashlib's.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

__all__ = ["blake2b", "sha256"]

if TYPE_CHECKING:  # the same functions, as typeshed describes them
    from hashlib import blake2b, sha256
else:
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - a CPython without its own BLAKE2
        from hashlib import blake2b
    try:
        if sys.version_info >= (3, 12):
            from _sha2 import sha256
        else:
            from _sha256 import sha256
    except ImportError:  # pragma: no cover - a build without its own SHA-2 (--without-builtin-hashlib-hashes)
        from hashlib import sha256
