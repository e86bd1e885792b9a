"""Alignment: the one module that talks to ``collatex``.

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

from collections.abc import Callable, Mapping, Sequence

Columns = list[dict[str, int]]
Engine = Callable[[Mapping[str, Sequence[str]]], Columns]


def align_collatex(keys: Mapping[str, Sequence[str]]) -> Columns:
    """Align whole witnesses with CollateX (quadratic: fine for a letter, not a book)."""
    present = {s: k for s, k in keys.items() if k}
    if len(present) < 2:
        return [{s: i} for s, k in present.items() for i in range(len(k))]
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
    for cells in zip(*(row.cells for row in table.rows), strict=True):
        column: dict[str, int] = {}
        for siglum, cell in zip(sigla, cells, strict=True):
            if cell:
                column[siglum] = cell[0].token_data["i"]
        if column:
            columns.append(column)
    return columns


ENGINES: dict[str, Engine] = {"collatex": align_collatex}


def register(name: str, engine: Engine) -> None:
    """Make another engine available by name (the anchored engine registers itself)."""
    ENGINES[name] = engine


def align(keys: Mapping[str, Sequence[str]], engine: str = "anchored") -> Columns:
    """Align the witnesses' keys with the named engine; every segment kept, in order."""
    if engine not in ENGINES:
        # imported for its side effect of registering
        from . import anchored  # noqa: F401
    ordered = {s: keys[s] for s in sorted(keys)}
    return conserve(ENGINES[engine](ordered), ordered)


def conserve(columns: Columns, keys: Mapping[str, Sequence[str]]) -> Columns:
    """Make sure every segment of every witness is in exactly one column, in order.

    A segment an engine dropped gets a column of its own just before the next
    segment of that witness; a duplicate or out-of-order entry is removed.
    """
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
