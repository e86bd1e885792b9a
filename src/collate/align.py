"""Alignment: the one module that talks to ``collatex``.

The engines by name, and :func:`~collate.engines.align` that runs one, are in
:mod:`collate.engines`, above this module and :mod:`collate.anchored`.

An engine takes each witness's list of segment keys and returns columns: each
column maps a siglum to the index of the segment that witness has there (a
witness without a segment in a column is absent from it). Every segment of
every witness appears in exactly one column, in order — :func:`conserve`
enforces it whatever the engine did, because CollateX has been seen to lose
tokens.

Witnesses are always given to the engine sorted by siglum, so the order a set
lists them in cannot change the alignment.
"""

from __future__ import annotations

import operator
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from itertools import repeat

from . import editgraph
from .notices import warn

Columns = list[dict[str, int]]
Engine = Callable[[Mapping[str, Sequence[str]]], Columns]


#: cells of CollateX's edit table (~7 µs and ~200 bytes each) beyond which it is not called: two
#: unrelated witnesses of 5,000 words (a wrong file listed in set.toml, a garbled OCR text) would
#: take it many minutes and gigabytes. Such a window is aligned by a word-level LCS diff instead.
COLLATEX_LIMIT = 10_000_000
#: units of repetition (see :func:`repetition`: ~2-4 µs and ~140 bytes each) beyond which CollateX
#: is not called either: one word written 5,000 times (a column of ditto marks, a garbled scan)
#: costs it 12 million, 29 s and 1.7 GB; 20,000 times, more memory than the machine has
REPEAT_LIMIT = 2_000_000
#: beyond this many cells (~1.5 GB, ~6 s: two witnesses of 100,000 words) even the bit-parallel LCS
#: diff is too slow and big: the witnesses are then laid out one after the other, unaligned
LCS_LIMIT = 12_000_000_000



def collatex_cells(keys: Mapping[str, Sequence[str]]) -> int:
    """About how many cells CollateX fills: each witness against the graph of those before it."""
    cells = graph = 0
    for seq in sorted(keys.values(), key=len):
        cells += len(seq) * graph
        graph += len(seq)
    return cells


def repetition(keys: Mapping[str, Sequence[str]]) -> int:
    """What repeated keys cost CollateX, besides the cells of its table (see REPEAT_LIMIT).

    CollateX's ``TokenIndex`` turns every repeated stretch of its token array (all
    witnesses, one after the other) into a block with an instance per occurrence,
    and its ``MatchCube`` pairs each instance in the witness being added with each
    in the graph, token by token. So a key written ``c`` times in all costs about
    ``c * (c - 1) / 2`` (a run of one word 20,000 times: 200 million instances, the
    nested blocks of ``the the``, ``the the the``...), and a run of one key in two
    witnesses (``do. do. do.`` against ``do. do.``: every block of the shorter run
    against every one of the longer) about ``n * m * min(n, m) ** 2 / 12``. Prose has
    little of either: a 120-word window of Darwin, a few hundred units.
    """
    counts: Counter[str] = Counter()
    runs: dict[str, list[int]] = {}
    for seq in keys.values():
        counts.update(seq)
        if not any(map(operator.eq, seq, seq[1:])):
            continue  # no key follows itself (prose, nearly always): no run (a C-level test)
        longest: dict[str, int] = {}
        previous, length = None, 0
        for key in seq:
            length = length + 1 if key == previous else 1
            previous = key
            if length > 1 and length > longest.get(key, 0):
                longest[key] = length
        for key, length in longest.items():
            runs.setdefault(key, []).append(length)
    cost = sum(c * (c - 1) // 2 for c in counts.values() if c > 1)
    for lengths in runs.values():
        for i, n in enumerate(lengths):
            for m in lengths[i + 1:]:
                cost += n * m * min(n, m) ** 2 // 12
    return cost


def too_costly(keys: Mapping[str, Sequence[str]], max_cells: float | None = None,
               repeats_at_most: int | None = None) -> str | None:
    """Why CollateX should not be given these witnesses, or None: cells (over ``max_cells``,
    default COLLATEX_LIMIT) or repetition over the limit.

    ``repeats_at_most``: what the caller knows of the keys' repetition, an upper bound (the
    anchored engine counted it for the window these readings come from); within the limit,
    it is not counted again.
    """
    if collatex_cells(keys) > (COLLATEX_LIMIT if max_cells is None else max_cells):
        return "too long for CollateX"
    if repeats_at_most is not None and repeats_at_most <= REPEAT_LIMIT:
        return None
    if repetition(keys) > REPEAT_LIMIT:
        return "too repetitive for CollateX"
    return None


#: key pairs (len(a) * len(b)) up to which two sequences are diffed whole: rapidfuzz keeps a bit
#: matrix of that many bits (4e8: 50 MB; two witnesses of 200,000 words would need 5 GB)
DIFF_WHOLE = 400_000_000
#: key pairs (len(a) * len(b)) past which two sequences are diffed as numbers (:func:`_fill`)
NUMBERED_DIFF = 16_000_000
#: keys in a run that, found once in each of two long sequences, match them (a patience diff)
UNIQUE_RUN = 8


def diff_row(a: Sequence[str], b: Sequence[str]) -> list[int]:
    """For each key of ``a``: its index in ``b`` where an LCS diff matches it, else ``-1 - j``.

    ``j`` is where ``b`` resumes after the gap the key stands in. Long sequences are
    diffed in bounded memory: runs of UNIQUE_RUN keys found once in each (a patience
    diff) are matched first, in the longest chain that keeps their order, and only the
    stretches between them are diffed whole.
    """
    row = [0] * len(a)
    if len(a) * len(b) <= DIFF_WHOLE:
        _fill(row, a, b, 0, 0)
        return row
    done_a = done_b = 0
    for start_a, start_b, length in _unique_blocks(a, b):
        _gap(row, a, b, done_a, start_a, done_b, start_b)
        row[start_a:start_a + length] = range(start_b, start_b + length)
        done_a, done_b = start_a + length, start_b + length
    _gap(row, a, b, done_a, len(a), done_b, len(b))
    return row


def _fill(row: list[int], a: Sequence[str], b: Sequence[str], at_a: int, at_b: int) -> None:
    from rapidfuzz.distance import Indel

    first: Sequence[Hashable] = a
    second: Sequence[Hashable] = b
    if len(a) * len(b) > NUMBERED_DIFF:
        # the keys as numbers, alike in both: rapidfuzz diffs two long lists of numbers in
        # three quarters of the time it takes on the strings (a book chapter's pairs: 81 -> 55 ms);
        # shorter ones are quicker as they are
        numbers: dict[str, int] = {}
        first = [numbers.setdefault(k, len(numbers)) for k in a]
        second = [numbers.setdefault(k, len(numbers)) for k in b]
    for op in Indel.opcodes(first, second):
        if op.tag == "equal":
            row[at_a + op.src_start:at_a + op.src_end] = range(at_b + op.dest_start, at_b + op.dest_end)
        elif op.src_end > op.src_start:
            row[at_a + op.src_start:at_a + op.src_end] = [-1 - at_b - op.dest_end] * (op.src_end - op.src_start)


def _gap(row: list[int], a: Sequence[str], b: Sequence[str], from_a: int, to_a: int, from_b: int, to_b: int) -> None:
    """The stretch between two matched blocks: diffed whole if small enough, else left unmatched."""
    if to_a == from_a:
        return
    if (to_a - from_a) * (to_b - from_b) <= DIFF_WHOLE:
        _fill(row, a[from_a:to_a], b[from_b:to_b], from_a, from_b)
    else:
        row[from_a:to_a] = [-1 - to_b] * (to_a - from_a)


def _unique_blocks(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int, int]]:
    """(start in a, start in b, length): runs found once in each, the longest chain in order, merged."""
    def once(seq: Sequence[str]) -> dict[tuple[str, ...], int]:
        first: dict[tuple[str, ...], int] = {}
        twice: set[tuple[str, ...]] = set()
        for i in range(len(seq) - UNIQUE_RUN + 1):
            gram = tuple(seq[i:i + UNIQUE_RUN])
            if first.setdefault(gram, i) != i:
                twice.add(gram)
        return {g: i for g, i in first.items() if g not in twice}

    in_b = once(b)
    pairs = [(i, in_b[g]) for g, i in once(a).items() if g in in_b]
    pairs.sort()
    # the longest chain increasing in b too (patience sorting)
    tails: list[int] = []  # tails[k]: index in pairs of the smallest end of a chain of k + 1
    before = [-1] * len(pairs)
    ends: list[int] = []
    for n, (_, j) in enumerate(pairs):
        k = bisect_left(ends, j)
        if k:
            before[n] = tails[k - 1]
        if k == len(ends):
            ends.append(j)
            tails.append(n)
        else:
            ends[k], tails[k] = j, n
    chain: list[tuple[int, int]] = []
    n = tails[-1] if tails else -1
    while n >= 0:
        chain.append(pairs[n])
        n = before[n]
    blocks: list[tuple[int, int, int]] = []
    for i, j in reversed(chain):
        if blocks:
            start_a, start_b, length = blocks[-1]
            if i - start_a == j - start_b and i <= start_a + length:  # the same diagonal, overlapping
                blocks[-1] = (start_a, start_b, i + UNIQUE_RUN - start_a)
                continue
            if i < start_a + length or j < start_b + length:
                continue
        blocks.append((i, j, UNIQUE_RUN))
    return blocks


def align_lcs(keys: Mapping[str, Sequence[str]]) -> Columns:
    """A star alignment: every witness against the longest by an LCS diff over the keys.

    The fallback for what CollateX cannot take in reasonable time: tokens a witness shares
    with the pivot (in order) stand in the pivot token's column, the others in columns of
    their own. Witnesses too long even for that are laid out one after the other.
    """
    pivot = min(keys, key=lambda s: (-len(keys[s]), s))
    others = [s for s in sorted(keys) if s != pivot]
    matched: dict[str, dict[int, int]] = {s: {} for s in others}
    for s in others:
        if len(keys[pivot]) * len(keys[s]) > LCS_LIMIT:
            continue
        matched[s] = {i: j for i, j in enumerate(diff_row(list(keys[pivot]), list(keys[s]))) if j >= 0}
    cursor = dict.fromkeys(others, 0)
    columns: Columns = []
    for i in range(len(keys[pivot])):
        column = {pivot: i}
        for s in others:
            j = matched[s].get(i)
            if j is not None:
                columns.extend({s: k} for k in range(cursor[s], j))
                column[s], cursor[s] = j, j + 1
        columns.append(column)
    for s in others:
        columns.extend({s: k} for k in range(cursor[s], len(keys[s])))
    return columns


def align_collatex(keys: Mapping[str, Sequence[str]], max_cells: float | None = None) -> Columns:
    """Align whole witnesses with CollateX (quadratic: fine for a letter, not a book).

    More than ``max_cells`` cells of its table (default COLLATEX_LIMIT), or too much
    repetition, and the word-level LCS diff aligns them instead, with a warning.
    """
    present = {s: k for s, k in keys.items() if k}
    if len(present) < 2:
        return [{s: i} for s, k in present.items() for i in range(len(k))]
    why = too_costly(present, max_cells)
    if why:
        sizes = " + ".join(f"{len(k):,}" for _, k in sorted(present.items()))
        warn(f"witnesses {', '.join(sorted(present))}: a passage of {sizes} words is {why}: aligned by a word diff instead")
        return align_lcs(present)
    return _collatex_table(present)


def align_window(keys: Mapping[str, Sequence[str]], max_cells: float | None = None,
                 repeats_at_most: int | None = None) -> Columns:
    """What :func:`align_collatex` gives, from :mod:`collate.editgraph` (the same aligner, ~20 times faster).

    CollateX itself is asked only where the re-implementation answers None
    (where CollateX would fail: see :func:`collate.editgraph.align`). ``repeats_at_most``:
    as :func:`too_costly` takes it.
    """
    present = {s: k for s, k in keys.items() if k}
    if len(present) < 2:
        return [{s: i} for s, k in present.items() for i in range(len(k))]
    why = too_costly(present, max_cells, repeats_at_most)
    if why:
        return align_collatex(present, max_cells)  # the same warning and fallback
    ordered = dict(sorted(present.items()))
    columns = editgraph.align(ordered)
    if columns is None:
        return _collatex_table(ordered)
    return columns


def _collatex_table(present: Mapping[str, Sequence[str]]) -> Columns:
    """CollateX's alignment table for these witnesses, as columns."""
    from collatex import Collation, collate

    # collate() adds fields to the token dicts it is given: these are made here, for it alone.
    data = {
        "witnesses": [
            {"id": siglum, "tokens": [{"t": key, "n": key, "i": i} for i, key in enumerate(seq)]}
            for siglum, seq in sorted(present.items())
        ]
    }
    collation = Collation.create_from_dict(data)
    # the table itself, not its JSON rendering: the anchored engine calls this
    # hundreds of times per book chapter
    table = collate(collation, output="table", segmentation=False)
    sigla = [row.header for row in table.rows]
    columns: Columns = []
    for column_cells in zip(*(row.cells for row in table.rows), strict=True):
        column: dict[str, int] = {}
        for siglum, cell in zip(sigla, column_cells, strict=True):
            if cell:
                column[siglum] = cell[0].token_data["i"]
        if column:
            columns.append(column)
    return columns


def conserve(columns: Columns, keys: Mapping[str, Sequence[str]]) -> Columns:
    """Make sure every segment of every witness is in exactly one column, in order.

    A segment an engine dropped gets a column of its own just before the next
    segment of that witness; a duplicate or out-of-order entry is removed.
    """
    if _conserved(columns, keys):
        return columns  # the engines' answer, nearly always: nothing to mend (a column rebuilt each)
    return _mended(columns, keys)


def _mended(columns: Columns, keys: Mapping[str, Sequence[str]]) -> Columns:
    """The columns rebuilt, each segment kept once and in order, the missing ones added."""
    expected = {s: 0 for s in keys}
    out: Columns = []
    for column in columns:
        kept: dict[str, int] = {}
        for siglum, index in column.items():
            if siglum not in expected or index < expected[siglum]:
                continue  # duplicate or out of order
            while expected[siglum] < index:
                out.append({siglum: expected[siglum]})
                expected[siglum] += 1
            kept[siglum] = index
            expected[siglum] = index + 1
        if kept:
            out.append(kept)
    for siglum, seq in keys.items():
        while expected[siglum] < len(seq):
            out.append({siglum: expected[siglum]})
            expected[siglum] += 1
    return out


def _conserved(columns: Columns, keys: Mapping[str, Sequence[str]]) -> bool:
    """Every segment of every witness in exactly one column, in order, and no column empty:
    what :func:`conserve` would give back as it is.

    Each witness's entries are read down the columns by ``dict.get`` mapped over them (in C),
    not by a Python loop over every entry, and none may be left over for a witness not in
    ``keys``.
    """
    if not all(columns):
        return False
    found = 0
    for siglum, seq in keys.items():
        indices = [i for i in map(dict.get, columns, repeat(siglum)) if i is not None]
        if indices != list(range(len(seq))):
            return False
        found += len(indices)
    return found == sum(map(len, columns))
