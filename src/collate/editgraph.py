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

Where CollateX's result would depend on which of its dictionary entries was
written last (the path aligns a token with a rank where two vertices have its
key: which one CollateX took hangs on the order of its suffix array),
:func:`align` answers None and the caller asks CollateX itself. The scores
do not depend on it, only the vertex taken, so any other path is exact. ``tests/test_editgraph.py`` checks equality against CollateX
on the shipped sets, Darwin's windows and generated witnesses with heavy
repetition.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

Columns = list[dict[str, int]]

START, END = 0, 1

# how a cell was reached: from the upper left, the left or the upper cell; MATCH is added when a
# token was aligned there
_UL, _LEFT, _UP, _MATCH = 0, 1, 2, 4


def align(keys: Mapping[str, Sequence[str]]) -> Columns | None:
    """CollateX's columns for these witnesses (in the order given), or None where it is ambiguous.

    Each column maps a siglum to the index of its token there. Witnesses without
    tokens are left out, as :func:`collate.align.align_collatex` leaves them out.
    """
    present = [(s, seq) for s, seq in keys.items() if seq]
    if not present:
        return []
    vertex_key: list[str] = ["", ""]
    successors: list[set[int]] = [set(), set()]
    paths: list[list[int]] = []  # the vertex of each token, per witness

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

    merge(present[0][1], {})
    for _, seq in present[1:]:
        rank = _ranks(successors)
        aligned = _align_witness(seq, vertex_key, rank)
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


def _align_witness(seq: Sequence[str], vertex_key: list[str], rank: list[int]) -> dict[int, int] | None:
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

    # the table, row by row: only scores of the row above are kept, and how each cell was reached
    above = list(range(0, -width, -1))
    how: list[bytearray] = [bytearray([_LEFT]) * width]
    previous: dict[int, int] = empty
    for y in range(1, len(seq) + 1):
        current = matches[y - 1]
        row = [0] * width
        row[0] = -y
        reached = bytearray(width)
        reached[0] = _UP
        left = -y
        for x in range(1, width):
            match = x in current
            diagonal = above[x - 1] + (1 if match else -1)
            up = above[x] + (1 if match and x in previous else -1)
            left -= 1
            if diagonal >= left and diagonal >= up:
                left = diagonal
                reached[x] = _UL | _MATCH if match else _UL
            elif left >= up:
                reached[x] = _LEFT
            else:
                left = up
                reached[x] = _UP | _MATCH if match and x in previous else _UP
            row[x] = left
        above = row
        how.append(reached)
        previous = current

    aligned: dict[int, int] = {}
    taken: set[int] = set()
    x, y = width - 1, len(seq)
    while x or y:
        step = how[y][x]
        if step & _MATCH:
            if ambiguous and (seq[y - 1], x) in ambiguous:
                return None  # which vertex CollateX matched hangs on the order it filled a dictionary in
            vertex = matches[y - 1][x]
            if vertex not in taken:
                aligned[y - 1] = vertex
                taken.add(vertex)
        direction = step & 3
        if direction == _UL:
            x, y = x - 1, y - 1
        elif direction == _LEFT:
            x -= 1
        else:
            y -= 1
    return aligned
