"""Variant ids: stable under edits elsewhere in the text and under a change of witnesses.

An id hashes what the variant *says* — the distinct readings at the place and
four agreeing words either side — and nothing about which witness says it: no
sigla, no witness order, no base. So adding a witness that reads as one already
there, removing one whose reading another shares, or renaming a siglum leaves
every id as it was; an edit elsewhere in the letter changes none. Where the
readings themselves change (a new witness with a new reading here) the id
changes and the apparatus re-attaches the entry by the readings of the
witnesses that remain (:func:`collate.apparatus.match`).

Ids made before this rule hashed the readings by siglum (format 1); an
apparatus written with them is still read, and each entry is re-attached to its
variant by its readings and context the first time ``collate apparatus`` runs.

Two variants that say the same thing at places with the same context (a phrase
repeated in the letter, the same word dropped twice) both get a suffix hashed
from a wider stretch of the base text around each, never a number by order: if
one of them disappears, the other keeps its id (or, once it is the only one, its
entry follows it by place), and never inherits the other's decision.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace

from .digests import blake2b
from .model import Prepared, Token, Variant

#: wider contexts (words either side, in the base) tried in turn to tell identical variants apart
WIDTHS = (8, 16, 32, 64, 128)


def _digest(text: str, size: int) -> str:
    return blake2b(text.encode("utf-8"), digest_size=size).hexdigest()


def variant_id(tokens: Mapping[str, Sequence[Token]], before: Sequence[str], after: Sequence[str]) -> str:
    """A hash of the distinct readings (without sigla) and of the agreeing words on either side.

    Nothing else goes in: the id does not change when text elsewhere in the
    letter changes, nor when a witness is renamed, or added or removed without
    bringing or taking a reading of its own.
    """
    readings = sorted({" ".join(t.text for t in tokens[s]) for s in tokens})
    fingerprint = "\x1f".join(["v2", *(f"={r}" for r in readings), "<", *before, ">", *after])
    return _digest(fingerprint, 5)


def unique_ids(variants: list[Variant], base: Prepared | None = None) -> list[Variant]:
    """Identical variants (same id) get suffixes from a wider context in the base, so none shifts.

    The narrowest width of :data:`WIDTHS` that tells every member of a group
    apart is used; members the widest cannot tell apart (a passage repeated
    word for word) are numbered within what remains alike, the only place an
    order counts. Without the base's tokens the group is numbered.
    """
    groups: dict[str, list[int]] = {}
    for i, v in enumerate(variants):
        groups.setdefault(v.id, []).append(i)
    out = list(variants)
    words = None  # the base's words, read once a group needs them (most sets have none)
    for vid, members in groups.items():
        if len(members) < 2:
            continue
        suffixes = [str(n) for n in range(1, len(members) + 1)]
        if base is not None:
            words = words if words is not None else _words(base)
            siglum = base.witness.siglum
            for width in WIDTHS:
                wide = [_wide(words, variants[i], siglum, width) for i in members]
                suffixes = [_digest(w, 2) for w in wide]
                if len(set(suffixes)) == len(members):
                    break
            counts = Counter(suffixes)
            seen: Counter[str] = Counter()
            for n, s in enumerate(list(suffixes)):
                if counts[s] > 1:
                    seen[s] += 1
                    suffixes[n] = f"{s}{seen[s]}"
        for i, suffix in zip(members, suffixes, strict=True):
            out[i] = replace(variants[i], id=f"{vid}-{suffix}")
    return out


def _words(p: Prepared) -> tuple[list[int], list[str]]:
    """The base's word tokens: their offsets (for bisecting) and their forms."""
    chosen = [t for t, role in zip(p.tokens, p.roles, strict=True) if role == "word"]
    return [t.offset for t in chosen], [t.text.casefold() for t in chosen]


def _wide(words: tuple[list[int], list[str]], v: Variant, siglum: str, width: int) -> str:
    offsets, forms = words
    r = v.readings[siglum]
    start = bisect_left(offsets, r.offset)
    end = bisect_left(offsets, r.end_offset if r.end_offset >= 0 else r.offset)
    return " ".join([*forms[max(0, start - width):start], "|", *forms[end:end + width]])
