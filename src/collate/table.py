"""The alignment as a table: each witness's tokens, column by column.

Columns are collate's: each aligned word is a column, and the punctuation and
markers between two aligned words stand in a column of their own, so every
token of every witness is in the table exactly once, in order. Built once per
set (:func:`collate.control.collate_set`) and carried on the
:class:`~collate.model.Collation`, so a reporter that shows the whole table
(CollateX's JSON) reads it rather than re-running a stage.
"""

from __future__ import annotations

from collections.abc import Sequence

from .align import Columns
from .model import Prepared, TableRow, TableToken
from .positions import Position, positions


def alignment_table(prepared: Sequence[Prepared], columns: Columns,
                    walk: Sequence[Position] | None = None) -> tuple[TableRow, ...]:
    """One row per witness (in ``prepared``'s order); a column none of them has a token in is left out.

    ``walk`` is :func:`~collate.positions.positions` of the same alignment, when the caller
    has it already (variant finding walks it too).
    """
    sigla = [p.witness.siglum for p in prepared]
    # each token's table entry made once, in one pass over the witness (a chapter has 75,000)
    entries: dict[str, list[TableToken]] = {}
    for p in prepared:
        keys = {s.start: s.key for s in p.segments}
        entries[p.witness.siglum] = [TableToken(i, t.text + t.space, keys.get(i, t.text))
                                     for i, t in enumerate(p.tokens)]
    cells_by_column: Sequence[dict[str, list[int]]]
    if len(prepared) < 2 or not columns:
        cells_by_column = [{s: [i]} for s, row in entries.items() for i in range(len(row))]
    else:
        cells_by_column = [cells for _, cells in (walk if walk is not None else positions(prepared, columns))]
    rows: dict[str, list[tuple[TableToken, ...] | None]] = {s: [] for s in sigla}
    for cells in cells_by_column:
        if not any(map(cells.get, sigla)):
            continue
        for s in sigla:
            indices = cells.get(s)
            rows[s].append(tuple([entries[s][i] for i in indices]) if indices else None)
    return tuple(tuple(rows[s]) for s in sigla)
