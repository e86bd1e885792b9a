"""The alignment walked at token level: positions, and each witness's text at one.

The aligned witnesses are walked as a sequence of *positions*: before each
column, a gap holding the tokens no segment covers (punctuation, footnote and
page markers, placed before the next word of their witness), then the column.
"""

from __future__ import annotations

from collections.abc import Sequence

from .align import Columns
from .model import Prepared
from .normalize import comparable
from .rules import Rules

NONE: frozenset[str] = frozenset()

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
        seg_column = {}
        for c, column in enumerate(columns):
            if siglum in column:
                seg_column[column[siglum]] = c
        covered = 0
        for k, seg in enumerate(p.segments):
            c = seg_column[k]
            if covered < seg.start:
                gaps[c].setdefault(siglum, []).extend(range(covered, seg.start))
            cols[c][siglum] = list(range(seg.start, seg.end))
            covered = seg.end
        if covered < len(p.tokens):
            gaps[-1].setdefault(siglum, []).extend(range(covered, len(p.tokens)))
    out: list[Position] = []
    for c in range(len(columns)):
        out.append((False, gaps[c]))
        out.append((True, cols[c]))
    out.append((False, gaps[-1]))
    return out


def text_of(p: Prepared, indices: Sequence[int], rules: Rules, classes: frozenset[str] = NONE) -> str:
    """The comparable text of some of a witness's tokens (under ``classes``)."""
    tokens = [p.tokens[i] for i in indices]
    roles = [p.roles[i] for i in indices]
    return comparable(tokens, roles, rules, classes)


def texts_at(cells: dict[str, list[int]], by_siglum: dict[str, Prepared], rules: Rules,
          sigla: list[str]) -> dict[str, str]:
    """Each witness's text at one position.

    Where every witness has the very same tokens (most places of a long text)
    the text is worked out once: :func:`comparable` is the costly part of a book chapter.
    """
    signatures = set()
    for s in sigla:
        p = by_siglum[s]
        signatures.add(tuple((p.tokens[i].text, p.tokens[i].kind, p.tokens[i].space, p.roles[i])
                             for i in cells.get(s, ())))
        if len(signatures) > 1:
            return {s: text_of(by_siglum[s], cells.get(s, ()), rules) for s in sigla}
    first = text_of(by_siglum[sigla[0]], cells.get(sigla[0], ()), rules)
    return dict.fromkeys(sigla, first)
