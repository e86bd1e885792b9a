"""The plain data that flows between the stages.

Each stage (load, tokenize, normalize, align, variants) is a function from one of
these to the next, and every reporter reads a :class:`Collation` and nothing else,
the way coverage.py keeps one data model and many reporters.

They are records (:mod:`collate.records`: frozen dataclasses whose methods are
written out, so that importing them compiles nothing): a field is added to a class in
its annotations and its ``__init__``, and ``tests/test_records.py`` says when one is missing.
"""

from dataclasses import field
from functools import cached_property
from pathlib import Path
from typing import Any

from .records import FACTORY, record
from .rules import Rules
from .sources import SourceMap

#: The variant classes (DESIGN.md). A variant that these explain completely is
#: accidental. ``unicode`` is collate's extension: readings that differ only in
#: Unicode normal form (NFC against NFD); ``mark`` is the editor's transcription
#: sigla (the ``marks`` rule: a caret for an insertion, ``[?]``).
CLASSES: tuple[str, ...] = (
    "case",
    "punctuation",
    "whitespace",
    "quotes",
    "spelling",
    "word-division",
    "hyphenation",
    "note-marker",
    "page-marker",
    "mark",
    "abbreviation",
    "numeral",
    "unicode",
)

KINDS: tuple[str, ...] = ("substitution", "addition", "omission", "transposition")

STATUSES: tuple[str, ...] = ("unreviewed", "recorded", "ignored", "error")


@record(slots=True)
class Token:
    """A word, number or punctuation mark, with the whitespace that follows it.

    ``offset`` is in characters of the decoded text; ``line`` and ``column`` are
    1-based, counted in characters, as an editor's editor shows them.
    """

    text: str
    space: str
    offset: int
    line: int
    column: int
    kind: str  # "word" | "number" | "punct"

    def __init__(self, text: str, space: str, offset: int, line: int, column: int, kind: str) -> None:
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "space", space)
        object.__setattr__(self, "offset", offset)
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "column", column)
        object.__setattr__(self, "kind", kind)


@record(slots=True)
class Deletion:
    """Text a TEI witness deletes (``<del>``): what, where in the file, and where in the text.

    ``at`` is the offset in ``Witness.text`` just after the last character
    written before the deletion.
    """

    text: str
    line: int
    column: int
    at: int

    def __init__(self, text: str, line: int, column: int, at: int) -> None:
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "column", column)
        object.__setattr__(self, "at", at)


@record
class Witness:
    """One witness file of a set, decoded, with its provenance."""

    siglum: str
    path: Path
    label: str = ""
    source: str = ""
    text: str = ""
    #: the path as people should see it in messages (relative to where they ran)
    display: str = ""
    #: what the tool read it as: "text", "tei", "collatex-json"
    format: str = "text"
    #: where each character of ``text`` stands in the file, when the text was
    #: extracted from markup or JSON (None: the text is the file)
    locate: SourceMap | None = field(default=None, compare=False, hash=False)
    #: text a TEI witness deletes (``<del>``), kept out of ``text``
    deletions: tuple[Deletion, ...] = field(default=(), compare=False, hash=False)
    #: the children of ``<choice>`` a TEI witness was read with
    choice: tuple[str, ...] = ()

    def __init__(
        self, siglum: str, path: Path, label: str = "", source: str = "", text: str = "", display: str = "",
        format: str = "text", locate: SourceMap | None = None, deletions: tuple[Deletion, ...] = (),
        choice: tuple[str, ...] = ()
    ) -> None:
        self.__dict__.update(
            siglum=siglum, path=path, label=label, source=source, text=text, display=display, format=format,
            locate=locate, deletions=deletions, choice=choice
        )


@record
class WitnessSet:
    """A folder with ``set.toml``: the witnesses of one letter and their settings."""

    name: str
    path: Path
    title: str
    witnesses: tuple[Witness, ...]
    base: str
    #: the merged normalization settings for this set (project defaults + set.toml), as written
    normalize: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    manifest: Path | None = None
    #: ``normalize`` compiled, once, by the loader (``normalize.compile_rules``): what every stage reads
    rules: Rules = field(kw_only=True, compare=False, hash=False)

    def __init__(
        self, name: str, path: Path, title: str, witnesses: tuple[Witness, ...], base: str,
        normalize: dict[str, Any] = FACTORY, manifest: Path | None = None, *, rules: Rules
    ) -> None:
        self.__dict__.update(
            name=name, path=path, title=title, witnesses=witnesses, base=base,
            normalize={} if normalize is FACTORY else normalize, manifest=manifest, rules=rules
        )


@record(slots=True)
class Segment:
    """What the aligner sees: a normalized key standing for tokens ``start..end-1``."""

    key: str
    start: int
    end: int

    def __init__(self, key: str, start: int, end: int) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)


@record
class Prepared:
    """A witness tokenized and normalized, ready to align.

    ``roles`` gives each token's part: "word", "punct", "note" (footnote marker)
    or "page" (page marker). Tokens outside every segment are aligned by their
    place between segments, not on their own.
    """

    witness: Witness
    tokens: tuple[Token, ...]
    roles: tuple[str, ...]
    segments: tuple[Segment, ...]
    lead: str = ""

    def __init__(
        self, witness: Witness, tokens: tuple[Token, ...], roles: tuple[str, ...], segments: tuple[Segment, ...],
        lead: str = ""
    ) -> None:
        self.__dict__.update(witness=witness, tokens=tokens, roles=roles, segments=segments, lead=lead)

    @cached_property
    def _keys_by_start(self) -> dict[int, str]:
        # derived once from ``segments`` (a cached_property fills the instance's
        # __dict__ itself: the frozen fields are never assigned)
        return {s.start: s.key for s in self.segments}

    def key_at(self, token: int) -> str | None:
        """The key of the segment that starts at token index ``token``."""
        return self._keys_by_start.get(token)


@record(slots=True)
class Reading:
    """One witness's text at a variant, and where it stands in that witness's file.

    An empty ``text`` means the witness lacks the passage; ``line``/``column`` then
    point at the place where it would stand.
    """

    siglum: str
    text: str
    line: int
    column: int
    end_line: int
    end_column: int
    #: where the reading stands in the witness's text (``Witness.text``, what is
    #: collated): character offsets, end exclusive. A TEI witness's
    #: line/column are in its XML file, these are in its text.
    offset: int
    end_offset: int

    def __init__(
        self, siglum: str, text: str, line: int, column: int, end_line: int, end_column: int, offset: int,
        end_offset: int
    ) -> None:
        object.__setattr__(self, "siglum", siglum)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "column", column)
        object.__setattr__(self, "end_line", end_line)
        object.__setattr__(self, "end_column", end_column)
        object.__setattr__(self, "offset", offset)
        object.__setattr__(self, "end_offset", end_offset)


@record
class Variant:
    """A variation unit: a maximal run on which the witnesses disagree."""

    id: str
    kind: str
    classes: tuple[str, ...]
    substantive: bool
    readings: dict[str, Reading]
    #: character-level difference of each reading against the base's, as
    #: diff-match-patch gives it: (-1 | 0 | 1, text)
    diffs: dict[str, tuple[tuple[int, str], ...]]
    #: sigla grouped by readings that differ only accidentally
    groups: tuple[tuple[str, ...], ...]
    #: a few words of agreeing text before and after, for people and for ids
    context: tuple[str, str] = ("", "")
    transposed_with: str | None = None
    status: str = "unreviewed"
    note: str = ""

    def __init__(
        self, id: str, kind: str, classes: tuple[str, ...], substantive: bool, readings: dict[str, Reading],
        diffs: dict[str, tuple[tuple[int, str], ...]], groups: tuple[tuple[str, ...], ...],
        context: tuple[str, str] = ("", ""), transposed_with: str | None = None, status: str = "unreviewed",
        note: str = ""
    ) -> None:
        self.__dict__.update(
            id=id, kind=kind, classes=classes, substantive=substantive, readings=readings, diffs=diffs, groups=groups,
            context=context, transposed_with=transposed_with, status=status, note=note
        )


@record(slots=True)
class PairMetrics:
    """How far two witnesses are apart: character and word error rates, agreement."""

    a: str
    b: str
    cer: float
    wer: float
    agreement: float

    def __init__(self, a: str, b: str, cer: float, wer: float, agreement: float) -> None:
        object.__setattr__(self, "a", a)
        object.__setattr__(self, "b", b)
        object.__setattr__(self, "cer", cer)
        object.__setattr__(self, "wer", wer)
        object.__setattr__(self, "agreement", agreement)


@record
class WitnessSummary:
    """One witness as a collation's reports list it: its file, label and source, its length in tokens."""

    siglum: str
    file: str
    label: str
    source: str
    tokens: int
    text: str = field(default="", repr=False)

    def __init__(self, siglum: str, file: str, label: str, source: str, tokens: int, text: str = "") -> None:
        self.__dict__.update(siglum=siglum, file=file, label=label, source=source, tokens=tokens, text=text)


@record(slots=True)
class TableToken:
    """A token in a cell of the alignment table."""

    #: its index in the witness's tokens
    index: int
    #: as written, with the whitespace after it
    text: str
    #: the normalized form it was aligned on (its text, when it is not aligned on its own)
    key: str

    def __init__(self, index: int, text: str, key: str) -> None:
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "key", key)


#: one witness's row of the alignment table: a cell per column, None where it has nothing
TableRow = tuple[tuple[TableToken, ...] | None, ...]


@record
class GoneEntry:
    """An apparatus entry whose variant no longer occurs: stale, or a correction on record.

    Reports list these (an errata list for corrections) and ``check`` points at
    ``file:line`` for a stale one, so they carry where the entry stands.
    """

    id: str
    status: str
    note: str
    #: the readings snapshot by siglum ("" where a witness lacked the passage)
    readings: dict[str, str]
    context: tuple[str, str] | None
    #: the apparatus file as people should see it, and the entry's header line in it
    file: str
    line: int

    def __init__(
        self, id: str, status: str, note: str, readings: dict[str, str], context: tuple[str, str] | None, file: str,
        line: int
    ) -> None:
        self.__dict__.update(id=id, status=status, note=note, readings=readings, context=context, file=file, line=line)

    def as_dict(self) -> dict[str, Any]:
        """The JSON report's form (and the review API's): keys in this order, context a list."""
        return {"id": self.id, "status": self.status, "note": self.note, "readings": dict(self.readings),
                "context": list(self.context) if self.context else None, "file": self.file, "line": self.line}


@record
class Collation:
    """The result for one set: what every reporter and ``check`` read."""

    name: str
    title: str
    path: Path
    base: str
    witnesses: tuple[WitnessSummary, ...]
    variants: tuple[Variant, ...]
    metrics: tuple[PairMetrics, ...]
    engine: str = "collatex"
    #: stale apparatus entries and other notes for people (filled by apparatus)
    stale: tuple[GoneEntry, ...] = ()
    #: corrections on record: ``error`` entries whose variant is gone (the witness
    #: was fixed), as apparatus lists them; reports print them as errata
    corrections: tuple[GoneEntry, ...] = ()
    #: the alignment as a table, one row per witness (in ``witnesses`` order), for
    #: reporters that show the whole table (CollateX's JSON)
    table: tuple[TableRow, ...] = field(default=(), repr=False, compare=False)

    def __init__(
        self, name: str, title: str, path: Path, base: str, witnesses: tuple[WitnessSummary, ...],
        variants: tuple[Variant, ...], metrics: tuple[PairMetrics, ...], engine: str = "collatex",
        stale: tuple[GoneEntry, ...] = (), corrections: tuple[GoneEntry, ...] = (), table: tuple[TableRow, ...] = ()
    ) -> None:
        self.__dict__.update(
            name=name, title=title, path=path, base=base, witnesses=witnesses, variants=variants, metrics=metrics,
            engine=engine, stale=stale, corrections=corrections, table=table
        )

    @property
    def single(self) -> bool:
        """A set with one witness has nothing to collate."""
        return len(self.witnesses) < 2

    @property
    def substantive(self) -> int:
        return sum(1 for v in self.variants if v.substantive)

    @property
    def accidental(self) -> int:
        return len(self.variants) - self.substantive


@record(slots=True)
class Problem:
    """One thing ``check`` reports: ``file:line:col: message``."""

    path: str
    line: int
    column: int
    message: str
    set: str = ""
    variant: str = ""
    code: str = ""
    #: where the reading ends (0: unknown), for CI annotations that mark a span
    end_line: int = 0
    end_column: int = 0

    def __init__(
        self, path: str, line: int, column: int, message: str, set: str = "", variant: str = "", code: str = "",
        end_line: int = 0, end_column: int = 0
    ) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "column", column)
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "set", set)
        object.__setattr__(self, "variant", variant)
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "end_line", end_line)
        object.__setattr__(self, "end_column", end_column)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


def unfrozen(cls: type) -> type:
    """A class with ``cls``'s slots and nothing else: no frozen ``__setattr__``.

    For the slotted frozen classes made by the thousand (:class:`Token` in ``tokenize``,
    :class:`Reading` in ``readings``): an instance is filled by plain attribute stores, then
    given ``cls`` as its class, whose layout is the same slots (CPython allows it), and is
    then a ``cls`` like any other (equal, hashed, pickled and frozen as one). The frozen
    dataclass's own ``__init__`` sets each field by ``object.__setattr__``, and even setting
    each slot through its descriptor (a call a field) was half the time of tokenizing a book
    (80,000 tokens in Darwin's chapter). The slots are ``cls``'s own, so the two cannot drift.
    """
    slots = cls.__dict__.get("__slots__")
    if not isinstance(slots, tuple) or "__dict__" in slots or "__weakref__" in slots:
        raise TypeError(f"{cls.__name__} must be a slotted record to be made through unfrozen()")
    return type(f"_Unfrozen{cls.__name__}", (), {"__slots__": slots, "__module__": cls.__module__})

