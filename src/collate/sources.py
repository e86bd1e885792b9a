"""Reading the files people wrote, and pointing back into them.

Every file collate reads — a witness, a TEI or CollateX JSON file, a set
manifest, the project file, an apparatus file — comes in through
:func:`read_bytes` and :func:`decode`, so the rules are the same everywhere:
an unreadable file is one error naming it, text is UTF-8 (a BOM allowed) or,
for witnesses, UTF-16 with its BOM, and a decoding error points at the line and
column of the bad byte.

Positions go the other way: :func:`line_starts` and :func:`position` turn a
character offset into the 1-based line and column an editor's editor shows
(``\\r\\n``, ``\\r`` and ``\\n`` each one line break), and a :class:`SourceMap`
does the same for text extracted from markup (TEI) or JSON strings, where the
text collated is not the file. :func:`display_path` is how a path appears in
every message.

This module sits just above :mod:`collate.errors`: anything may import it, it
imports nothing else of collate.
"""

from __future__ import annotations

import bisect
import os
import re
from array import array
from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import CollateError, WitnessError

BOM = "\ufeff"

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def display_path(path: Path | str) -> str:
    """A path as people want to read it: relative to the current folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else Path(relative).as_posix()


def read_bytes(path: Path, shown: str | None = None, error: type[CollateError] = WitnessError) -> bytes:
    """The file's bytes; a file that cannot be read is ``error`` naming it (``shown``, or its display path)."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", shown or display_path(path)) from None


def decode(data: bytes, shown: str, error: type[CollateError] = WitnessError, *, utf8_only: bool = False) -> str:
    """Bytes as text: UTF-8 (a BOM allowed, and dropped) or UTF-16 with its BOM.

    ``utf8_only`` is for files collate writes back (apparatus.toml): UTF-8 alone,
    the BOM kept for the caller to put back; NUL bytes are then text like any other.
    """
    if not utf8_only:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                return data.decode("utf-16")
            except UnicodeDecodeError as exc:
                raise error(f"not valid UTF-16 ({exc.reason})", shown) from None
        if b"\x00" in data:
            at = data.index(b"\x00")
            line = data[:at].count(b"\n") + 1
            raise error("binary file (NUL byte), not text", shown, line)
    try:
        return data.decode("utf-8" if utf8_only else "utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        raise error(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); {_convert_hint(data, shown)}", shown, line, column
        ) from None


def _convert_hint(data: bytes, shown: str) -> str:
    """What to do about a file that is not UTF-8: its likely encoding, and the command that converts it.

    charset-normalizer guesses (it is only asked once a file has failed to
    decode, so it is imported here, on the error path alone).
    """
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    names = [m.encoding for m in matches]
    # on a short text its first guess among Latin code pages is often wrong (cp1250, cp1006 for
    # French); an editor's file in a Latin script that is not UTF-8 is most often Windows-1252
    encoding = names[0] if names else None
    if encoding not in _OTHER_SCRIPTS and "cp1252" in names:
        encoding = "cp1252"
    if not encoding or encoding.replace("_", "-").lower() in ("utf-8", "ascii"):
        return "save the file as UTF-8"
    name = encoding.replace("_", "-")
    return (f"it looks like {name}: convert it with `iconv -f {name} -t UTF-8 {shown} > {shown}.utf8`"
            " and rename that over it, or save the file as UTF-8 in your editor")


#: first guesses of charset-normalizer that stand for a script of their own (not a Latin code page)
_OTHER_SCRIPTS = frozenset({"cp1251", "koi8_r", "koi8_u", "iso8859_5", "mac_cyrillic", "cp866", "cp1253", "iso8859_7",
                            "cp1255", "iso8859_8", "cp1256", "iso8859_6", "shift_jis", "cp932", "euc_jp", "gb18030",
                            "gb2312", "big5", "euc_kr", "cp949", "utf_16", "utf_32", "tis_620", "cp874"})


def read_text(
    path: Path, shown: str | None = None, error: type[CollateError] = WitnessError, *, utf8_only: bool = False
) -> str:
    """:func:`read_bytes` then :func:`decode`: the one way a text file is read."""
    shown = shown or display_path(path)
    return decode(read_bytes(path, shown, error), shown, error, utf8_only=utf8_only)


def line_starts(text: str) -> list[int]:
    """Offsets at which each line begins (the first is 0)."""
    return [0] + [m.end() for m in _LINE_BREAK.finditer(text)]


def position(starts: Sequence[int], offset: int) -> tuple[int, int]:
    """The 1-based (line, column) of a character offset."""
    index = bisect.bisect_right(starts, offset) - 1
    return index + 1, offset - starts[index] + 1


def line_of(text: str, needle: str, occurrence: int = 1) -> int | None:
    """The line of the n-th occurrence of ``needle`` in a file's text, for messages."""
    start = -1
    for _ in range(occurrence):
        start = text.find(needle, start + 1)
        if start < 0:
            return None
    return text.count("\n", 0, start) + 1


class SourceMap:
    """Text offset -> 1-based (line, column) in the source file, in characters.

    A plain-text witness is its file, so a text offset gives line and column
    directly. A TEI witness or a CollateX JSON file is not: the text collated is
    extracted from markup or JSON strings, and an editor still wants
    ``file:line:col`` to point into the file they edit. A loader that extracts
    text keeps a source map on the witness (``Witness.locate``).

    A plain class over arrays (not a closure), so a witness can be pickled into
    another process for parallel runs.
    """

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
