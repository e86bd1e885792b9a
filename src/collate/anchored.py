"""The anchored engine: CollateX only where the witnesses differ.

CollateX aligns whole witnesses in quadratic time and memory (two witnesses of
2,000 tokens: ~30 s and ~0.9 GB; a book chapter is out of reach). Most of a
text is the same in every witness, and that part needs no aligner. So:

1. each witness is compared with a *pivot* witness (the longest; ties by
   siglum) by a longest-common-subsequence diff over the segment keys
   (rapidfuzz's bit-parallel ``Indel.opcodes``: ~40 ms for two 13,000-token
   witnesses, where pure-Python diff-match-patch needs ~7 s once its
   ``Diff_Timeout`` is 0, as a whole diff requires);
2. pivot tokens matched in *every* witness, in runs of at least
   :data:`MIN_RUN` tokens that are consecutive in every witness, are
   *anchors* (a common word matched across an inserted sentence is not). Each
   pairwise diff is monotone, so the anchors are in the same order in every
   witness;
3. every witness is cut at the anchors, leaving :data:`MARGIN` agreeing tokens
   at each edge in the windows, so that CollateX, not the diff, decides where
   an ambiguous addition stands (``the x the`` against ``the``: which ``the``
   is the added one);
4. each window between anchors is aligned on its own: nothing to do where only
   one witness has text or all have the same; CollateX for the rest, each
   distinct reading given to it once. "CollateX" is its edit-graph aligner as
   :mod:`collate.editgraph` re-implements it (the same columns, ~20 times
   faster, no import of collatex and networkx); the package itself is called
   only where that module cannot be sure of CollateX's answer.

A window CollateX would take long over (more than :data:`BUDGET` cells of its
edit table: a passage rewritten in some editions) is anchored again inside,
and where that finds nothing, cut at stretches only *some* witnesses share,
the others having nothing there (a paragraph two editions added). Only these
cuts can make the result differ from CollateX over whole witnesses: where a
witness that lacks the passage has a word that also stands at the passage's
edge, the diff, not CollateX, decides which side of the passage it goes. The
README and tests/test_anchored.py show such a case.

The witnesses reach this engine sorted by siglum (engines.align), and the pivot
is chosen by length and siglum, so the order a set lists them in changes
nothing. align.conserve then checks every segment is there exactly once.
"""

# No ``from __future__ import annotations``, as in every module of records (_Job is one:
# :mod:`collate.records` says why); its annotations evaluate at no cost.

import os
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from itertools import repeat

from .align import Columns, align_window, diff_row, repetition
from .records import record
from .workers import process_pool

#: agreeing tokens, consecutive in every witness, that make an anchor
MIN_RUN = 8
#: agreeing tokens left in a window at each edge of an anchor (CollateX's context)
MARGIN = 3
#: cells of CollateX's edit table (~9 µs each) a window may cost before it is cut further
BUDGET = 15_000

#: cells of one window beyond which the diff, not CollateX, aligns it, with a warning (~9 s,
#: ~200 MB: a passage of 1,000 words rewritten in another witness); CollateX alone keeps
#: align.COLLATEX_LIMIT, so that it can be compared over whole witnesses of 1,000 words
WINDOW_LIMIT = 1_000_000
#: units of repetition (align.repetition) beyond which a window with no anchor is cut at a run of one
#: key every witness has (``do. do. do.``), which CollateX is slowest on (150 against 149: 74 s)
REPEAT_BUDGET = 20_000
#: the shortest run of one key, in the longest witness, to cut at
MIN_REPEAT = 3

#: what one window costs besides its cells, counted in cells (~20 µs of collate.editgraph)
CALL_COST = 150
#: windows costing more than this in all (~1.5 s of collate.editgraph at ~0.15 µs a cell) are
#: aligned in several processes: below it, starting them costs more than it saves
PARALLEL = 10_000_000
MAX_WORKERS = 4

Anchor = tuple[dict[str, int], frozenset[str], int]  # start in each witness, who has it, length


@record
class _Job:
    """A window for CollateX, aligned after the cutting is done (in parallel when it pays)."""

    keys: dict[str, list[str]]
    offsets: dict[str, int]
    cost: int
    #: the window's repetition (align.repetition), counted to decide whether to cut it
    repeats: int

    def __init__(self, keys: dict[str, list[str]], offsets: dict[str, int], cost: int, repeats: int) -> None:
        self.__dict__.update(keys=keys, offsets=offsets, cost=cost, repeats=repeats)


def align_anchored(keys: Mapping[str, Sequence[str]]) -> Columns:
    """Align the witnesses' segment keys: anchors from a diff, CollateX between them."""
    parts: list[dict[str, int] | _Job] = []
    _align_window({s: list(k) for s, k in keys.items()}, dict.fromkeys(keys, 0), parts, top=True)
    aligned = iter(_run([p for p in parts if isinstance(p, _Job)]))
    columns: Columns = []
    for part in parts:
        if isinstance(part, _Job):
            columns.extend(next(aligned))
        else:
            columns.append(part)
    return columns


def _align_window(
    keys: dict[str, list[str]], offsets: dict[str, int], out: list[dict[str, int] | _Job], top: bool = False
) -> None:
    """Append the columns of one window (``offsets`` turn window indices into witness indices)."""
    present = sorted(s for s, k in keys.items() if k)
    if not present:
        return
    if len(present) == 1:
        (s,) = present
        out.extend(_columns({s: offsets[s]}, len(keys[s])))
        return
    first = keys[present[0]]
    if all(keys[s] == first for s in present[1:]):
        out.extend(_columns({s: offsets[s] for s in present}, len(first)))
        return
    window = {s: keys[s] for s in present}
    cost = _cost(window)
    anchors = _anchors(window, shared_by_all=True) if top or cost > BUDGET else []
    if not anchors and cost > BUDGET:
        anchors = _anchors(window, shared_by_all=False)
    if not anchors:
        repeats = repetition(window)
        run = _shared_run(window) if repeats > REPEAT_BUDGET else None
        if run is None:
            out.append(_Job(window, {s: offsets[s] for s in present}, cost, repeats))
            return
        _cut_at_run(window, {s: offsets[s] for s in present}, run, out)
        return
    cursor = dict.fromkeys(present, 0)
    for starts, having, length in anchors:
        part = {s: keys[s][cursor[s]:starts[s]] for s in present}
        _align_window(part, {s: offsets[s] + cursor[s] for s in present}, out)
        out.extend(_columns({s: offsets[s] + starts[s] for s in present if s in having}, length))
        cursor = {s: starts[s] + (length if s in having else 0) for s in present}
    part = {s: keys[s][cursor[s]:] for s in present}
    _align_window(part, {s: offsets[s] + cursor[s] for s in present}, out)


def _columns(starts: dict[str, int], length: int) -> Iterator[dict[str, int]]:
    """``length`` columns of the witnesses in ``starts``, each reading on from its start there.

    Each column a dict of the sigla in ``starts``' order, made in C (a dict comprehension
    each column was ~2M instructions of a 3 x 1,000-word run: a call per column).
    """
    return map(dict, map(zip, repeat(tuple(starts)), zip(*(range(b, b + length) for b in starts.values()), strict=True)))


def _shared_run(keys: dict[str, list[str]]) -> dict[str, tuple[int, int]] | None:
    """The longest run of one key in the longest witness, and that key's longest run in each other.

    ``{siglum: (start, length)}``, or None where the longest witness has no run of
    MIN_REPEAT or some witness lacks the key. Cutting there is what CollateX would do
    with such runs (matched from their ends, the surplus of the longer standing first)
    without the cost: every block of one run against every block of the other.
    """
    pivot = min(keys, key=lambda s: (-len(keys[s]), s))
    key, start, length = _longest_run(keys[pivot])
    if length < MIN_REPEAT:
        return None
    runs = {pivot: (start, length)}
    for s, seq in keys.items():
        if s != pivot:
            found = _longest_run(seq, key)
            if found[2] == 0:
                return None
            runs[s] = found[1:]
    return runs


def _longest_run(seq: Sequence[str], only: str | None = None) -> tuple[str, int, int]:
    """(key, start, length) of the longest run of one key in ``seq`` (of ``only``, if given); the first if tied."""
    best = ("", 0, 0)
    start = 0
    for i in range(1, len(seq) + 1):
        if i < len(seq) and seq[i] == seq[start]:
            continue
        if i - start > best[2] and (only is None or seq[start] == only):
            best = (seq[start], start, i - start)
        start = i
    return best


def _cut_at_run(
    keys: dict[str, list[str]], offsets: dict[str, int], runs: dict[str, tuple[int, int]],
    out: list[dict[str, int] | _Job],
) -> None:
    """Align the parts before and after a shared run on their own, and the runs from their ends."""
    _align_window({s: keys[s][:start] for s, (start, _) in runs.items()}, offsets, out)
    longest = max(length for _, length in runs.values())
    for c in range(longest):
        out.append({s: offsets[s] + start + c - (longest - length)
                    for s, (start, length) in runs.items() if c >= longest - length})
    _align_window({s: keys[s][start + length:] for s, (start, length) in runs.items()},
                  {s: offsets[s] + start + length for s, (start, length) in runs.items()}, out)


def _run(jobs: list[_Job]) -> list[Columns]:
    """The edit-graph aligner on every window, in as many processes as pay (rarely: a long book)."""
    workers = _workers(jobs)
    if workers < 2:
        return [_collatex(job.keys, job.offsets, job.repeats) for job in jobs]
    batches: list[list[int]] = [[] for _ in range(workers)]
    loads = [0] * workers
    for n in sorted(range(len(jobs)), key=lambda n: -jobs[n].cost):  # biggest first, to the least loaded
        least = loads.index(min(loads))
        batches[least].append(n)
        loads[least] += jobs[n].cost + CALL_COST
    results: dict[int, Columns] = {}
    with process_pool(workers) as pool:
        futures = [pool.submit(_batch, [(jobs[n].keys, jobs[n].offsets, jobs[n].repeats) for n in batch])
                   for batch in batches]
        for batch, future in zip(batches, futures, strict=True):
            results.update(zip(batch, future.result(), strict=True))
    return [results[n] for n in range(len(jobs))]


def _batch(windows: list[tuple[dict[str, list[str]], dict[str, int], int]]) -> list[Columns]:
    return [_collatex(keys, offsets, repeats) for keys, offsets, repeats in windows]


def _workers(jobs: list[_Job]) -> int:
    """How many processes: one unless the windows cost seconds, never inside a worker (collate run -j)."""
    if sum(job.cost + CALL_COST for job in jobs) < PARALLEL:
        return 1
    import multiprocessing  # here: a run that never needs a pool does not import it (~25 ms)

    if multiprocessing.parent_process() is not None:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS, len(jobs)))


def _distinct(keys: dict[str, list[str]]) -> dict[tuple[str, ...], list[str]]:
    """Each distinct reading and the sigla that have it, in siglum order."""
    holders: dict[tuple[str, ...], list[str]] = {}
    for s in sorted(keys):
        holders.setdefault(tuple(keys[s]), []).append(s)
    return holders


def _cost(keys: dict[str, list[str]]) -> int:
    """About how many cells CollateX fills: each reading against the graph of those before it."""
    cells = graph = 0
    for reading in _distinct(keys):
        cells += len(reading) * graph
        graph += len(reading)
    return cells


def _collatex(keys: dict[str, list[str]], offsets: dict[str, int], repeats: int) -> Columns:
    """CollateX on one window, each distinct reading given once.

    Witnesses that read the same in a window (1869 and 1872 mostly do) are
    aligned as one: CollateX adds witnesses one by one to its graph, and a
    witness identical to one already there matches it token for token, so
    this changes nothing but the time, which grows with the number of witnesses.
    ``repeats``, the window's repetition, bounds the distinct readings' (some of
    its witnesses: no key counted more often, no run paired with more runs), so
    align_window need not count theirs where it is within its limit.
    """
    holders = _distinct(keys)
    group_of = {group[0]: group for group in holders.values()}  # the witness aligned -> all that read so
    out: Columns = []
    readings = {group[0]: list(reading) for reading, group in holders.items()}
    for column in align_window(readings, WINDOW_LIMIT, repeats):
        cell: dict[str, int] = {}
        for first, i in column.items():
            for s in group_of[first]:
                cell[s] = offsets[s] + i
        out.append(cell)
    return out


def _anchors(keys: dict[str, list[str]], shared_by_all: bool) -> list[Anchor]:
    """Stretches to cut at, in order, each less MARGIN tokens at both edges.

    Over a stretch of the pivot, every other witness has the same tokens,
    consecutively — or, unless ``shared_by_all``, has nothing at all (the pivot
    and some witnesses share a paragraph the others lack): such a witness is
    left out of the anchor's columns, and its start is where it resumes.
    """
    pivot_siglum = min(keys, key=lambda s: (-len(keys[s]), s))
    pivot = keys[pivot_siglum]
    others = sorted(s for s in keys if s != pivot_siglum)
    n = len(pivot)
    # at[s][i]: the index in witness s of pivot token i where matched, else
    # -(1 + index of the next token of s), one value along a gap
    at: dict[str, list[int]] = {}
    for s in others:
        at[s] = diff_row(pivot, keys[s])
    rows = [at[s] for s in others]
    counts = {s: _kgram_counts(k) for s, k in keys.items()}
    anchors: list[Anchor] = []
    start = 0
    for i in range(1, n + 1):
        if i < n and _continues(rows, i, shared_by_all):
            continue
        if i - start < MIN_RUN or (shared_by_all and not all(r[start] >= 0 for r in rows)):
            start = i
            continue
        having_run = [pivot_siglum, *(s for s in others if at[s][start] >= 0)]
        # only the part of the stretch between words found once in every witness that has it:
        # in "the the the", which "the" the diff matched to which is a guess
        # (the first and the last such run are all that is needed: found from either end)
        lowest = next((p for p in range(start, i - MIN_RUN + 1) if _unique(pivot, p, counts, having_run)), None)
        first, last = start + MARGIN, i - MARGIN
        if lowest is not None:
            highest = next(p for p in range(i - MIN_RUN, lowest - 1, -1) if _unique(pivot, p, counts, having_run))
            first, last = max(first, lowest), min(last, highest + MIN_RUN)
        if lowest is not None and last > first:
            starts = {pivot_siglum: first}
            having = {pivot_siglum}
            for s in others:
                value = at[s][first]
                if value >= 0:
                    having.add(s)
                starts[s] = value if value >= 0 else -1 - value
            anchors.append((starts, frozenset(having), last - first))
        start = i
    return anchors


def _unique(pivot: list[str], p: int, counts: dict[str, dict[tuple[str, ...], int]], having: list[str]) -> bool:
    """Whether the run of MIN_RUN pivot keys at ``p`` occurs once in every witness of ``having``."""
    gram = tuple(pivot[p:p + MIN_RUN])
    return all(counts[s].get(gram) == 1 for s in having)


def _kgram_counts(keys: Sequence[str]) -> dict[tuple[str, ...], int]:
    """How often each run of MIN_RUN keys occurs in a witness."""
    # the runs made by zip (of the keys shifted by 0 .. MIN_RUN - 1: it stops at the last whole run)
    # and counted by Counter, both in C; a tuple and a lookup per key in Python was ~0.2 ms a
    # 1,000-word witness
    return Counter(zip(*(keys[k:] for k in range(MIN_RUN)), strict=False))


def _continues(rows: list[list[int]], i: int, shared_by_all: bool) -> bool:
    """Whether pivot token ``i`` extends the stretch that ``i - 1`` is in."""
    some = False
    for row in rows:
        here, before = row[i], row[i - 1]
        if here >= 0:
            if before < 0 or here != before + 1:
                return False
            some = True
        elif shared_by_all or here != before:
            return False
    return some or not shared_by_all  # a stretch only the pivot has is a cut too, when cuts are needed

