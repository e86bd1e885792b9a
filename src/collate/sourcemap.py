"""Where a character of a witness's text stands in the file it was read from.

A plain-text witness is its file, so a text offset gives line and column
directly. A TEI witness or a CollateX JSON file is not: the text collated is
extracted from markup or from JSON strings, and an editor still wants
``file:line:col`` to point into the file they edit. A loader that extracts text
keeps a :class:`SourceMap` in ``Witness.meta["locate"]``; variants.py asks it
for positions when it is there.

It is a plain module-level class over arrays (not a closure) so a witness can
be pickled into another process for parallel runs.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable

from .tokenize import line_starts


class SourceMap:
    """Text offset -> 1-based (line, column) in the source file, in characters."""

    __slots__ = ("offsets", "starts")

    def __init__(self, offsets: Iterable[int], source: str = "", starts: Iterable[int] | None = None) -> None:
        #: for each character of the extracted text, its offset in ``source``;
        #: one more entry at the end: where the text ends in the source
        self.offsets = array("q", offsets)
        #: where each line of the source begins (pass them when many witnesses share one file)
        self.starts = array("q", line_starts(source) if starts is None else starts)

    def _line_col(self, source_offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, source_offset) - 1
        return index + 1, source_offset - self.starts[index] + 1

    def position(self, offset: int) -> tuple[int, int]:
        """Where the character at text ``offset`` starts (an empty reading: where it would stand)."""
        if not self.offsets:
            return 1, 1
        offset = max(0, min(offset, len(self.offsets) - 1))
        return self._line_col(self.offsets[offset])

    def end_position(self, offset: int) -> tuple[int, int]:
        """Just after the character before text ``offset``: the end of a reading ending there."""
        if offset <= 0 or not self.offsets:
            return self.position(0)
        offset = min(offset, len(self.offsets) - 1)
        line, column = self._line_col(self.offsets[offset - 1])
        return line, column + 1
