"""The alignment walked at token level: positions.

The aligned witnesses are walked as a sequence of *positions*: before each
column, a gap holding the tokens no segment covers (punctuation, footnote and
page markers, placed before the next word of their witness), then the column.
"""

from __future__ import annotations

from collections.abc import Sequence

from .align import Columns
from .model import Prepared

#: one position: is it a column (or a gap), and each witness's token indices there
Position = tuple[bool, dict[str, list[int]]]


def positions(prepared: Sequence[Prepared], columns: Columns) -> list[Position]:
    """(is_column, {siglum: token indices}) for every gap and column in order.

    This is the whole alignment at token level: walking it visits every token
    of every witness exactly once, in order (the property tests hold it to that).
    """
    gaps: list[dict[str, list[int]]] = [{} for _ in range(len(columns) + 1)]
    cols: list[dict[str, list[int]]] = [{} for _ in columns]
    for p in prepared:
        siglum = p.witness.siglum
        # segment -> its column (align.conserve: each segment is in exactly one; a None left
        # here would fail loudly below)
        seg_column: list[int | None] = [None] * len(p.segments)
        for c, column in enumerate(columns):
            k = column.get(siglum)
            if k is not None:
                seg_column[k] = c
        covered = 0
        for seg, at in zip(p.segments, seg_column, strict=True):
            assert at is not None
            start = seg.start
            if covered < start:  # a column holds one segment of a witness: its gap is set once
                gaps[at][siglum] = list(range(covered, start))
            end = seg.end
            # most segments are one token: a one-item list is made without a range
            cols[at][siglum] = [start] if end - start == 1 else list(range(start, end))
            covered = end
        if covered < len(p.tokens):
            gaps[-1][siglum] = list(range(covered, len(p.tokens)))
    out: list[Position] = []
    for gap, column_cells in zip(gaps, cols, strict=False):  # the last gap follows the last column
        out.append((False, gap))
        out.append((True, column_cells))
    out.append((False, gaps[-1]))
    return out
