"""CollateX's edit-graph aligner, re-implemented: the same alignment, a tenth of the time or less.

The anchored engine gives CollateX only the windows where witnesses differ, but
a book chapter still has hundreds of them, and CollateX spends ~7 µs and an
object per cell of its table, plus its token index (a suffix array in pure
Python), its ``networkx`` variant graph, and the import of both (~0.1 s). This
module does what ``collatex.core_functions.collate(collation, output="table",
segmentation=False)`` does with ``EditGraphAligner`` (no near matching, no
transposition detection), step for step, on plain ints:

* the first witness is a chain of vertices; each later witness is aligned
  against the variant graph of those before it, ranked by the longest path
  from the start vertex (``VariantGraphRanking``);
* a *match* is a token of the new witness and a vertex with the same key. In
  CollateX it comes from the blocks of its token index: every repeated
  stretch of the token array, each instance in the witness paired with each
  instance before it, token by token. Any two equal tokens share a block
  (their suffixes share at least that token), so the matches are exactly the
  pairs of equal keys, keyed by (token, rank of the vertex);
* the table is filled row by row, each cell the best of the upper-left
  (+1 on a match, else -1), the left (-1) and the upper cell (+1 if this
  token and the one above both match this rank, else -1), ties going to that
  order, as Python's ``max`` with a key keeps the first (``fill_needleman_wunsch_table``
  and ``calculate_from_upper``);
* the path is traced back from the last cell; each cell reached by a match
  aligns its token with that vertex unless the vertex is taken already
  (``align_matching_tokens``), and the witness is merged into the graph;
* the columns are the ranks of the final graph (``AlignmentTable``).

Where CollateX's result depends on which of its dictionary entries was
written last (the path aligns a token with a rank where two vertices have its
key), the scores do not change, only the vertex taken: :class:`_TokenIndex`
then walks CollateX's suffix-array blocks in CollateX's order to find it.
:func:`align` answers None only where CollateX itself would fail (a match
with no vertex), and the caller then asks the package.
``tests/test_editgraph.py`` checks equality against CollateX
on the shipped sets, Darwin's windows and generated witnesses with heavy
repetition.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence

Columns = list[dict[str, int]]

START, END = 0, 1


def align(keys: Mapping[str, Sequence[str]]) -> Columns | None:
    """CollateX's columns for these witnesses (in the order given), or None where CollateX would fail.

    Each column maps a siglum to the index of its token there. Witnesses without
    tokens are left out, as :func:`collate.align.align_collatex` leaves them out.
    """
    present = [(s, seq) for s, seq in keys.items() if seq]
    if not present:
        return []
    # the first witness is a chain: vertex 2 + j for its token j, START before it and END after;
    # each vertex's rank is its place in the chain
    first = present[0][1]
    n = len(first)
    vertex_key: list[str] = ["", "", *first]
    successors: list[set[int]] = [{2}, set(), *({v} for v in range(3, n + 2)), {END}]
    paths: list[list[int]] = [list(range(2, n + 2))]  # the vertex of each token, per witness
    rank = [0, n + 1, *range(1, n + 1)]

    def merge(seq: Sequence[str], aligned: dict[int, int]) -> None:
        path: list[int] = []
        last = START
        for j, key in enumerate(seq):
            vertex = aligned.get(j)
            if vertex is None:
                vertex = len(vertex_key)
                vertex_key.append(key)
                successors.append(set())
            successors[last].add(vertex)
            path.append(vertex)
            last = vertex
        successors[last].add(END)
        paths.append(path)

    index: _TokenIndex | None = None
    for k, (_, seq) in enumerate(present[1:], start=1):

        def cube(k: int = k, rank: list[int] = rank) -> dict[tuple[int, int], int] | None:
            nonlocal index
            if index is None:
                index = _TokenIndex([seq for _, seq in present])
            return index.cube(k, paths, rank)

        aligned = _align_witness(seq, vertex_key, rank, cube)
        if aligned is None:
            return None
        merge(seq, aligned)
        rank = _ranks(successors)
    columns: Columns = [{} for _ in range(rank[END] - 1)]
    for (siglum, _), path in zip(present, paths, strict=True):
        for j, vertex in enumerate(path):
            columns[rank[vertex] - 1][siglum] = j
    return columns


def _ranks(successors: list[set[int]]) -> list[int]:
    """Each vertex's rank: the length of the longest path to it from the start vertex."""
    indegree = [0] * len(successors)
    for targets in successors:
        for t in targets:
            indegree[t] += 1
    rank = [0] * len(successors)
    ready = [START]
    while ready:
        v = ready.pop()
        next_rank = rank[v] + 1
        for t in successors[v]:
            if rank[t] < next_rank:
                rank[t] = next_rank
            indegree[t] -= 1
            if not indegree[t]:
                ready.append(t)
    return rank


def _align_witness(
    seq: Sequence[str], vertex_key: list[str], rank: list[int],
    cube: Callable[[], dict[tuple[int, int], int] | None],
) -> dict[int, int] | None:
    """Token index -> vertex for one witness against the graph: CollateX's table and its trace back."""
    width = rank[END]  # columns 0 .. rank of the end vertex - 1, as CollateX's table
    at_rank: dict[str, dict[int, int]] = {}  # key -> rank -> vertex
    ambiguous: set[tuple[str, int]] = set()  # (key, rank) of two vertices or more
    for vertex in range(2, len(vertex_key)):
        by_rank = at_rank.setdefault(vertex_key[vertex], {})
        if rank[vertex] in by_rank:
            ambiguous.add((vertex_key[vertex], rank[vertex]))
        by_rank[rank[vertex]] = vertex
    empty: dict[int, int] = {}
    matches = [at_rank.get(key, empty) for key in seq]

    # The table, row by row. A cell is the best of three steps: from the upper left (+1 on a match,
    # else -1), the left (-1) and the upper cell (+1 if this token and the one above both match this
    # rank, else -1). Each cell is kept as its score plus its column: the left step then adds
    # nothing, so no row ever decreases. A cell without a match is the best of its upper-left
    # value, its upper one less 1, and its left one; before the row's first match the left one is
    # never the higher (the row above never decreases), so a row starts as the better of the two
    # above each cell, in one comprehension. Each match cell (one or two of a row's twenty) is then
    # scored from its three neighbours and carried to the right, as the left step, up to the first
    # cell already as high (found by bisection, the row never decreasing). Which step reached a
    # cell (ties to the upper left, the left, then the upper one, as CollateX's ``max`` keeps the
    # first) is worked out again only for the cells the trace back passes. The table is most of
    # the time of aligning a window. Its rows are lists of ints (~8 bytes a cell, more above 256,
    # where the ints are objects: ~19 MB for a window of 1,000 x 1,000, the most anchored.WINDOW_LIMIT
    # lets through; a bytearray of steps was 1.5 MB and 2.3 times slower to fill).
    above = [0] * width
    scores = [above]
    previous: dict[int, int] = empty
    for y in range(1, len(seq) + 1):
        current = matches[y - 1]
        row = [-y]
        row += [up - 1 if up > diagonal else diagonal for diagonal, up in zip(above, above[1:], strict=False)]
        for x in sorted(current) if len(current) > 1 else current:
            best = above[x - 1] + 2
            up = above[x] + 1 if x in previous else above[x] - 1  # this token and the one above both match
            if up > best:
                best = up
            if row[x - 1] > best:
                best = row[x - 1]
            row[x] = best
            end = bisect_left(row, best, x + 1)
            if end > x + 1:
                row[x + 1:end] = [best] * (end - x - 1)
        scores.append(row)
        above = row
        previous = current

    aligned: dict[int, int] = {}
    taken: set[int] = set()
    written: dict[tuple[int, int], int] | None = None
    x, y = width - 1, len(seq)
    while y and x:
        # the step that reached (x, y), as CollateX chooses it
        current = matches[y - 1]
        above = scores[y - 1]
        left = scores[y][x - 1]
        if x in current:
            diagonal = above[x - 1] + 2
            up_match = y > 1 and x in matches[y - 2]
            up = above[x] + (1 if up_match else -1)
        else:
            diagonal, up, up_match = above[x - 1], above[x] - 1, False
        if diagonal >= left and diagonal >= up:
            match, dx, dy = x in current, 1, 1
        elif left >= up:
            match, dx, dy = False, 1, 0
        else:
            match, dx, dy = up_match, 0, 1
        if match:
            if ambiguous and (seq[y - 1], x) in ambiguous:
                # two vertices of this rank have the key: CollateX keeps the one it wrote last
                written = written if written is not None else cube()
                if written is None or (y - 1, x) not in written:
                    return None
                vertex = written[y - 1, x]
            else:
                vertex = current[x]
            if vertex not in taken:
                aligned[y - 1] = vertex
                taken.add(vertex)
        x, y = x - dx, y - dy
    return aligned  # the rest of the path runs along the table's edge: no match there


class _TokenIndex:
    """CollateX's ``TokenIndex`` and ``MatchCube``, for the rare window whose answer depends on them.

    Where two vertices of one rank have a token's key, CollateX's match for
    (token, rank) is whichever its ``MatchCube`` wrote last, walking the blocks
    of its token index (LCP intervals of a suffix array over all witnesses'
    keys, ``$0``, ``$1``… between witnesses) in the order it made them. The same
    walk is made here, over the same suffix array (suffixes sorted by their keys'
    ranks in sorted order, as ``linsuffarr`` with ``UNIT_BYTE`` sorts them).
    """

    def __init__(self, witnesses: Sequence[Sequence[str]]) -> None:
        strings: list[str] = []
        self.starts: list[int] = []
        for n, seq in enumerate(witnesses):
            self.starts.append(len(strings))
            strings.extend(seq)
            strings.append(f"${n}")
        strings.pop()
        ids = {key: n for n, key in enumerate(sorted(set(strings)), start=1)}
        coded = [ids[key] for key in strings]
        self.suffixes = _suffix_array(coded)
        self.blocks = _lcp_intervals(_lcp(coded, self.suffixes))
        self.witness_of = [0] * len(coded)
        for n, start in enumerate(self.starts):
            end = self.starts[n + 1] if n + 1 < len(self.starts) else len(coded)
            self.witness_of[start:end] = [n] * (end - start)
        # each witness's block instances, in the order CollateX lists them
        self.instances: dict[int, list[tuple[int, int]]] = {}
        for b, (first, last, _) in enumerate(self.blocks):
            for i in range(first, last + 1):
                self.instances.setdefault(self.witness_of[self.suffixes[i]], []).append((self.suffixes[i], b))

    def cube(self, k: int, paths: list[list[int]], rank: list[int]) -> dict[tuple[int, int], int] | None:
        """(token of witness ``k``, rank) -> the vertex CollateX's MatchCube holds there last."""
        start = self.starts[k]
        vertex_of: dict[int, int] = {}
        for n, path in enumerate(paths[:k]):
            for j, vertex in enumerate(path):
                vertex_of[self.starts[n] + j] = vertex
        written: dict[tuple[int, int], int] = {}
        for token, b in self.instances.get(k, []):
            first, last, length = self.blocks[b]
            for i in range(first, last + 1):
                graph_token = self.suffixes[i]
                if graph_token >= start:
                    continue
                for offset in range(length):
                    found = vertex_of.get(graph_token + offset)
                    if found is None:
                        return None  # CollateX itself would fail here
                    written[token + offset - start, rank[found]] = found
        return written


def _suffix_array(coded: list[int]) -> list[int]:
    """The suffixes of ``coded`` (ids from 1) in sorted order, a suffix before any it is a prefix of.

    Prefix doubling (Manber and Myers): each round sorts by the ranks of the first
    ``2k`` keys, from those of the first ``k``; memory stays linear, and a run of one
    key ("the the the …") takes log n rounds, not n comparisons per pair.
    """
    n = len(coded)
    order = sorted(range(n), key=coded.__getitem__)
    rank = list(coded)
    k = 1
    while n > 1:
        def key(i: int, rank: list[int] = rank, k: int = k) -> tuple[int, int]:
            return rank[i], rank[i + k] if i + k < n else 0

        order.sort(key=key)
        ranked = [0] * n
        r = 1
        ranked[order[0]] = r
        for before, here in itertools.pairwise(order):
            if key(before) != key(here):
                r += 1
            ranked[here] = r
        rank = ranked
        if r == n:
            break
        k *= 2
    return order


def _lcp(coded: list[int], suffixes: list[int]) -> list[int]:
    """Each suffix's longest common prefix with the one before it in ``suffixes`` (Kasai's linear algorithm)."""
    n = len(coded)
    place = [0] * n
    for i, start in enumerate(suffixes):
        place[start] = i
    lcp = [0] * n
    same = 0
    for start in range(n):
        if place[start] == 0:
            same = 0
            continue
        other = suffixes[place[start] - 1]
        while start + same < n and other + same < n and coded[start + same] == coded[other + same]:
            same += 1
        lcp[place[start]] = same
        if same:
            same -= 1
    return lcp


def _lcp_intervals(lcp: list[int]) -> list[tuple[int, int, int]]:
    """(first, last, length) of each block, as CollateX's ``split_lcp_array_into_intervals`` makes them."""
    closed: list[tuple[int, int, int]] = []
    open_: list[tuple[int, int]] = []  # (first, length)
    previous = 0
    for idx, value in enumerate(lcp):
        if value > previous:
            open_.append((idx - 1, value))
            previous = value
        elif value < previous:
            while open_ and open_[-1][1] > value:
                first, length = open_.pop()
                closed.append((first, idx - 1, length))
            if value > 0:
                open_.append((closed[-1][0], value))
            previous = value
    for first, length in open_:
        if length > 0:
            closed.append((first, len(lcp) - 1, length))
    return closed
