"""The alignment table in CollateX's JSON output format: ``reports/<set>.collatex.json``.

The layout is what the ``collatex`` Python package (2.3) writes for
``collate(..., output="json", segmentation=False)``, so tools built on it read
ours unchanged::

    {"witnesses": ["FRUS", "APP"],
     "table": [[cell, cell, ...],      # one row per witness, in "witnesses" order
               [cell, cell, ...]]}     # cell: null, or a list of token dicts

(CollateX's Java version writes the same cells column by column; transpose
``table`` for tools that expect that.) A token dict has ``t`` (the token as
written, with the whitespace after it, as CollateX's tokenizer keeps it),
``n`` (the normalized form it was aligned on; a token that is not aligned on
its own — punctuation, a footnote or page marker — has its text), ``_sigil``
and ``_token_array_position`` (its index in the witness).

Columns are collate's: each aligned word is a column, and the punctuation and
markers between two aligned words stand in a column of their own, so every
token of every witness is in the table exactly once, in order; joining the
``t`` of a witness's cells gives back its text (less any leading whitespace).
The witnesses are listed base first, as in every collate report.
"""

from __future__ import annotations

import json

from ..model import Collation, Prepared, Token
from ..variants import positions

FORMAT = "collatex"
SUFFIX = ".collatex.json"


def _token(p: Prepared, index: int, segment_keys: dict[int, str]) -> dict:
    token: Token = p.tokens[index]
    return {
        "_sigil": p.witness.siglum,
        "_token_array_position": index,
        "n": segment_keys.get(index, token.text),
        "t": token.text + token.space,
    }


def table(c: Collation) -> dict:
    """The table as plain data (the reporter and tests share it)."""
    prepared = list(c.prepared)
    sigla = [p.witness.siglum for p in prepared]
    keys = {p.witness.siglum: {s.start: s.key for s in p.segments} for p in prepared}
    by_siglum = {p.witness.siglum: p for p in prepared}
    if c.single or not c.columns:
        cells_by_column = [{s: [i]} for s, p in by_siglum.items() for i in range(len(p.tokens))]
    else:
        cells_by_column = [cells for _, cells in positions(prepared, list(c.columns))]
    rows: dict[str, list] = {s: [] for s in sigla}
    for cells in cells_by_column:
        if not any(cells.get(s) for s in sigla):
            continue
        for s in sigla:
            indices = cells.get(s)
            rows[s].append([_token(by_siglum[s], i, keys[s]) for i in indices] if indices else None)
    return {"witnesses": sigla, "table": [rows[s] for s in sigla]}


def render(c: Collation) -> str:
    return json.dumps(table(c), ensure_ascii=False, indent=1) + "\n"
