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

from typing import Any

from .. import jsontext
from ..model import Collation, TableToken

FORMAT = "collatex"
SUFFIX = ".collatex.json"
TABLE = True


def _token(siglum: str, token: TableToken) -> dict[str, Any]:
    return {"_sigil": siglum, "_token_array_position": token.index, "n": token.key, "t": token.text}


def table(c: Collation) -> dict[str, Any]:
    """The table as plain data (the reporter and tests share it)."""
    sigla = [w.siglum for w in c.witnesses]
    return {
        "witnesses": sigla,
        "table": [
            [[_token(s, t) for t in cell] if cell else None for cell in row]
            for s, row in zip(sigla, c.table, strict=True)
        ],
    }


def render(c: Collation) -> str:
    return jsontext.dumps(table(c), indent=1) + "\n"
