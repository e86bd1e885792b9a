"""Variant ids: stable under edits elsewhere in the text, unique within a set."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import replace

from .model import Token, Variant


def variant_id(tokens: Mapping[str, Sequence[Token]], before: Sequence[str], after: Sequence[str]) -> str:
    """A hash of the readings (by siglum) and of the agreeing words on either side.

    Nothing else goes in, so the id does not change when text elsewhere in the
    letter changes.
    """
    fingerprint = "\x1f".join(
        [f"{s}={' '.join(t.text for t in tokens[s])}" for s in sorted(tokens)]
        + ["<", *before, ">", *after]
    )
    return hashlib.blake2b(fingerprint.encode("utf-8"), digest_size=5).hexdigest()


def unique_ids(variants: list[Variant]) -> list[Variant]:
    """Two variants with the same readings and context: number the later ones."""
    seen: dict[str, int] = {}
    out = []
    for v in variants:
        n = seen.get(v.id, 0) + 1
        seen[v.id] = n
        out.append(v if n == 1 else replace(v, id=f"{v.id}-{n}"))
    return out
