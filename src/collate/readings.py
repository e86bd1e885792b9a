"""A witness's reading at a unit: its exact text and where it stands in the file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from .model import Prepared, Reading, unfrozen
from .sources import position

#: a Reading's slots without its frozen ``__setattr__`` (model.unfrozen, as tokenize makes a Token)
_UnfrozenReading = unfrozen(Reading)


def reading(p: Prepared, indices: Sequence[int], after: int, starts: list[int], exact: bool = False) -> Reading:
    """A witness's reading: its exact text (with the space after it when layout counts)."""
    if indices:
        first, last = p.tokens[indices[0]], p.tokens[indices[-1]]
        end = last.offset + len(last.text) + (len(last.space) if exact else 0)
        text = p.witness.text[first.offset:end]
        start = first.offset
        line, column = first.line, first.column
    else:
        if after < len(p.tokens):
            end = p.tokens[after].offset
        elif p.tokens:
            last = p.tokens[-1]
            end = last.offset + len(last.text)
        else:
            end = 0
        text = ""
        start = end
        line, column = position(starts, end)
    end_line, end_column = position(starts, end)
    locate = p.witness.locate
    if locate is not None:  # text extracted from markup (TEI, JSON): point into that file
        line, column = locate.position(start)
        end_line, end_column = locate.end_position(end) if text else (line, column)
    # Reading(p.witness.siglum, text, line, column, end_line, end_column, start, end), made as an
    # _UnfrozenReading: a fifth of the cost of the frozen dataclass's __init__ (a book has thousands)
    made: Any = object.__new__(_UnfrozenReading)
    made.siglum = p.witness.siglum
    made.text = text
    made.line = line
    made.column = column
    made.end_line = end_line
    made.end_column = end_column
    made.offset = start
    made.end_offset = end
    made.__class__ = Reading
    return cast(Reading, made)


def collapse(text: str) -> str:
    """A reading with its runs of whitespace made one space: layout aside."""
    return " ".join(text.split())
