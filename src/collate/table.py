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
from .positions import positions


def alignment_table(prepared: Sequence[Prepared], columns: Columns) -> tuple[TableRow, ...]:
    """One row per witness (in ``prepared``'s order); a column none of them has a token in is left out."""
    sigla = [p.witness.siglum for p in prepared]
    keys = {p.witness.siglum: {s.start: s.key for s in p.segments} for p in prepared}
    by_siglum = {p.witness.siglum: p for p in prepared}
    cells_by_column: list[dict[str, list[int]]]
    if len(prepared) < 2 or not columns:
        cells_by_column = [{s: [i]} for s, p in by_siglum.items() for i in range(len(p.tokens))]
    else:
        cells_by_column = [cells for _, cells in positions(prepared, columns)]
    rows: dict[str, list[tuple[TableToken, ...] | None]] = {s: [] for s in sigla}
    for cells in cells_by_column:
        if not any(cells.get(s) for s in sigla):
            continue
        for s in sigla:
            indices = cells.get(s)
            p = by_siglum[s]
            rows[s].append(
                tuple(TableToken(i, p.tokens[i].text + p.tokens[i].space, keys[s].get(i, p.tokens[i].text))
                      for i in indices)
                if indices else None
            )
    return tuple(tuple(rows[s]) for s in sigla)
