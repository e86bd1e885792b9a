"""The anchored engine: CollateX only where the witnesses differ.

CollateX aligns whole witnesses in quadratic time and memory (two witnesses of
2,000 tokens: ~30 s and ~0.9 GB; a book chapter is out of reach). Most of a
text is the same in every witness, and that part needs no aligner. So:

1. each witness is compared with a *pivot* witness (the first by siglum) by a
   longest-common-subsequence diff over the segment keys (rapidfuzz's
   bit-parallel ``Indel.opcodes``, ~40 ms for two 13,000-token witnesses; pure
   Python diff-match-patch needs ~7 s for the same pair once its
   ``Diff_Timeout`` is 0, as a whole diff requires);
2. pivot tokens matched in *every* witness, in runs of at least
   :data:`MIN_RUN` tokens that are consecutive in every witness, are *anchors*
   (a lone common word matched across an inserted paragraph is not). Each
   pairwise diff is monotone, so the anchors are in the same order in every
   witness;
3. every witness is cut at the anchors, keeping :data:`MARGIN` agreeing tokens
   at each edge of a window so that CollateX, not the diff, decides where an
   ambiguous addition (``the x the`` against ``the``) stands;
4. each window between anchors is aligned on its own: nothing to do where only
   one witness has text or all have the same text; windows longer than
   :data:`WINDOW` are anchored again among the witnesses that have text there
   (a paragraph only two editions have); the rest go to CollateX, whose text
   moved within a window is still paired up as a transposition by variants.py.

The witnesses reach this engine sorted by siglum (align.align), and the pivot is
chosen by siglum, so the order a set lists them in changes nothing. Columns are
returned in the witnesses' order; align.conserve then checks every segment is
there exactly once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rapidfuzz.distance import Indel

from .align import Columns, align_collatex, register

#: agreeing tokens, consecutive in every witness, that make an anchor
MIN_RUN = 4
#: agreeing tokens left in a window at each edge of an anchor (CollateX's context)
MARGIN = 2
#: a window with more tokens than this in some witness is anchored again
WINDOW = 60


def align_anchored(keys: Mapping[str, Sequence[str]]) -> Columns:
    """Align the witnesses' segment keys: anchors from a diff, CollateX between them."""
    columns: Columns = []
    _align_window({s: list(k) for s, k in keys.items()}, dict.fromkeys(keys, 0), columns, top=True)
    return columns


def _align_window(
    keys: dict[str, list[str]], offsets: dict[str, int], out: Columns, top: bool = False
) -> None:
    """Append the columns of one window (``offsets`` turn window indices into witness indices)."""
    present = sorted(s for s, k in keys.items() if k)
    if not present:
        return
    if len(present) == 1:
        (s,) = present
        out.extend({s: offsets[s] + i} for i in range(len(keys[s])))
        return
    first = keys[present[0]]
    if all(keys[s] == first for s in present[1:]):
        out.extend({s: offsets[s] + i for s in present} for i in range(len(first)))
        return
    if not top and max(len(keys[s]) for s in present) <= WINDOW:
        _collatex(keys, present, offsets, out)
        return
    anchors = _anchors({s: keys[s] for s in present})
    if not anchors:
        _collatex(keys, present, offsets, out)
        return
    cursor = dict.fromkeys(present, 0)
    for run, having, length in anchors:
        window = {s: keys[s][cursor[s]:run[s]] for s in present}
        _align_window(window, {s: offsets[s] + cursor[s] for s in present}, out)
        out.extend({s: offsets[s] + run[s] + i for s in present if s in having} for i in range(length))
        cursor = {s: run[s] + (length if s in having else 0) for s in present}
    window = {s: keys[s][cursor[s]:] for s in present}
    _align_window(window, {s: offsets[s] + cursor[s] for s in present}, out)


def _collatex(keys: dict[str, list[str]], present: list[str], offsets: dict[str, int], out: Columns) -> None:
    """CollateX on one window, each distinct reading given once.

    Witnesses that read the same in a window (1869 and 1872 mostly do) are
    aligned as one: CollateX adds witnesses one by one to its graph, and a
    witness identical to one already there matches it token for token, so
    this changes nothing but the time, which grows with the number of witnesses.
    """
    holders: dict[tuple[str, ...], list[str]] = {}
    for s in present:
        holders.setdefault(tuple(keys[s]), []).append(s)
    for column in align_collatex({group[0]: keys[group[0]] for group in holders.values()}):
        cell: dict[str, int] = {}
        for first, i in column.items():
            for s in holders[tuple(keys[first])]:
                cell[s] = offsets[s] + i
        out.append(cell)


def _anchors(keys: dict[str, list[str]]) -> list[tuple[dict[str, int], frozenset[str], int]]:
    """Stretches to cut at, in order: ({siglum: start}, sigla that have it, length), less MARGIN.

    The pivot is the longest witness (ties by siglum). Over a stretch, every
    other witness either has the same tokens, consecutively, or has nothing at
    all (the pivot and some witnesses share a paragraph the others lack); a
    witness that has nothing is left out of the anchor's columns and its
    ``start`` is where it resumes.
    """
    pivot_siglum = min(keys, key=lambda s: (-len(keys[s]), s))
    pivot = keys[pivot_siglum]
    others = sorted(s for s in keys if s != pivot_siglum)
    n = len(pivot)
    # at[s][i]: index in witness s of pivot token i if matched, else -(1 + the
    # index of the next token of s), so a gap keeps one value across a stretch
    at: dict[str, list[int]] = {}
    for s in others:
        row = [0] * n
        for op in Indel.opcodes(pivot, keys[s]):
            if op.tag == "equal":
                row[op.src_start:op.src_end] = range(op.dest_start, op.dest_end)
            elif op.src_end > op.src_start:
                row[op.src_start:op.src_end] = [-1 - op.dest_end] * (op.src_end - op.src_start)
        at[s] = row
    rows = [at[s] for s in others]
    runs: list[tuple[dict[str, int], frozenset[str], int]] = []
    start = 0
    for i in range(1, n + 1):
        if i < n and all(
            (row[i] == row[i - 1] + 1 and row[i - 1] >= 0) if row[i] >= 0 else row[i] == row[i - 1]
            for row in rows
        ) and any(row[i] >= 0 for row in rows):
            continue
        if i - start >= MIN_RUN and any(row[start] >= 0 for row in rows):
            first, last = start + MARGIN, i - MARGIN
            if last > first:
                starts = {pivot_siglum: first}
                matched = {pivot_siglum}
                for s in others:
                    value = at[s][first]
                    if value >= 0:
                        matched.add(s)
                    starts[s] = value if value >= 0 else -1 - value
                runs.append((starts, frozenset(matched), last - first))
        start = i
    return runs


register("anchored", align_anchored)
