"""The HTML reports: one self-contained page per set, and an index of every set.

Built the way coverage.py's ``html.py`` is: plain views first (what
each part of the page shows, already in the order it is shown), then code that
only lays them out, :mod:`collate.reporters.htmlpage`. Like coverage.py, which
renders its pages with a tiny engine of its own, we use no template engine, and
go further: plain Python functions, one per part of the page. HTML is a default
format, so every ``collate run`` paid for Jinja2's import and for loading its
compiled templates (about a tenth of a short run); f-strings write the same
bytes in less time than that. Every value from the edition is escaped where it
goes in (``htmlpage.escape``: witness text, notes, sigla, labels, file names);
CSS and JS are read by the package's loader (as :func:`pkgutil.get_data` reads) and inlined, and the page's
Content-Security-Policy forbids every request (``default-src 'none'``) and any
script but ours (by hash), so a report opened from disk or attached to a CI run
works alone and cannot be made to run what a witness holds.

The reporter computes nothing about the collation: it marks the base text at
the offsets each reading carries, groups equal readings for the apparatus line,
and cuts the diffs into highlighted fragments.
"""

# No ``from __future__ import annotations``, as in every module of records (:mod:`collate.records`
# says why); each view is defined before the views that hold it, so its annotations evaluate.
import binascii
import os
import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from ..digests import sha256
from ..model import CLASSES, STATUSES, Collation, GoneEntry, Reading, Variant
from ..moves import leads, moved_words
from ..records import record
from . import htmlpage

FORMAT = "html"
SUFFIX = ".html"
TABLE = False

#: Lemmas longer than this many words are shown as "first … last" in the
#: apparatus line (the whole reading is in the synoptic view below it).
LEMMA_WORDS = 8
#: Characters of each witness's own text shown either side of its reading.
CONTEXT_CHARS = 40
#: Whitespace made visible inside a highlighted difference.
VISIBLE_SPACE = {" ": "\u2423", "\n": "\u21b5\n", "\r": "", "\t": "\u21e5"}


# --------------------------------------------------------------------------- views

# Records (:func:`collate.records.record`): frozen dataclasses whose methods are written once,
# so that defining the fifteen views costs every run ~0.2 ms. As frozen dataclasses (their methods
# written and compiled one by one) they cost ~9 ms, as named tuples ~1 ms (``collections.namedtuple``
# compiles each class's ``__new__`` and makes a property per field, ``typing`` checks every
# annotation). They are not tuples: the page reads their fields by name, nothing unpacks, indexes
# or sorts them. Without slots, each sets its fields in one ``self.__dict__.update`` (what
# ``object.__setattr__`` does field by field, in half the time): a page makes them by the hundred.
# The runner keeps IndexRow between runs (:func:`collate.records.as_dict`) for sets it does not
# collate again.


@record
class Fragment:
    """A piece of a reading: ``op`` is 0 (as the base), 1 (only here), -1 (only in the base)."""

    op: int
    text: str

    def __init__(self, op: int, text: str) -> None:
        self.__dict__.update(op=op, text=text)


@record
class ApparatusReading:
    """One distinct reading in the apparatus line, with every witness that has it."""

    text: str
    sigla: tuple[str, ...]
    fragments: tuple[Fragment, ...]
    #: "om." (the witness lacks the passage), "add." (the base lacks it), or ""
    word: str = ""

    def __init__(self, text: str, sigla: tuple[str, ...], fragments: tuple[Fragment, ...], word: str = "") -> None:
        self.__dict__.update(text=text, sigla=sigla, fragments=fragments, word=word)


@record
class SynopticRow:
    """One witness at a variant: where, a little of its own text either side, its reading."""

    siglum: str
    location: str
    before: str
    fragments: tuple[Fragment, ...]
    after: str
    is_base: bool
    empty: bool

    def __init__(
        self, siglum: str, location: str, before: str, fragments: tuple[Fragment, ...], after: str, is_base: bool,
        empty: bool
    ) -> None:
        self.__dict__.update(
            siglum=siglum, location=location, before=before, fragments=fragments, after=after, is_base=is_base,
            empty=empty
        )


@record
class VariantEntry:
    """One variant as the page shows it."""

    id: str
    number: int
    line: int
    lemma: str
    #: the lemma stands for an empty base reading: "after"/"before" a word
    lemma_place: str
    readings: tuple[ApparatusReading, ...]
    kind: str
    classes: tuple[str, ...]
    substantive: bool
    status: str
    #: the note cut into (text, is a variant id) pieces, so ids in it become links
    note: tuple[tuple[str, bool], ...]
    transposed_with: str
    #: a transposition's moved words, and the id of the one apparatus entry for both halves
    moved: str
    decision: str
    rows: tuple[SynopticRow, ...]
    #: CSS classes shared by the entry and its mark in the text (the filters act on these)
    css: str
    in_text: bool

    def __init__(
        self, id: str, number: int, line: int, lemma: str, lemma_place: str, readings: tuple[ApparatusReading, ...],
        kind: str, classes: tuple[str, ...], substantive: bool, status: str, note: tuple[tuple[str, bool], ...],
        transposed_with: str, moved: str, decision: str, rows: tuple[SynopticRow, ...], css: str, in_text: bool
    ) -> None:
        self.__dict__.update(
            id=id, number=number, line=line, lemma=lemma, lemma_place=lemma_place, readings=readings, kind=kind,
            classes=classes, substantive=substantive, status=status, note=note, transposed_with=transposed_with,
            moved=moved, decision=decision, rows=rows, css=css, in_text=in_text
        )


@record
class TextPiece:
    """A stretch of the base text; ``entry`` is set where a variant is marked."""

    text: str
    entry: VariantEntry | None = None

    def __init__(self, text: str, entry: VariantEntry | None = None) -> None:
        self.__dict__.update(text=text, entry=entry)


@record
class WitnessRow:
    siglum: str
    label: str
    file: str
    #: an http(s) address, or "" (anything else is shown, never linked)
    href: str
    source: str
    tokens: int
    is_base: bool

    def __init__(self, siglum: str, label: str, file: str, href: str, source: str, tokens: int, is_base: bool) -> None:
        self.__dict__.update(
            siglum=siglum, label=label, file=file, href=href, source=source, tokens=tokens, is_base=is_base
        )


@record
class MetricCell:
    cer: str
    wer: str
    agreement: str
    title: str

    def __init__(self, cer: str, wer: str, agreement: str, title: str) -> None:
        self.__dict__.update(cer=cer, wer=wer, agreement=agreement, title=title)


@record
class MatrixRow:
    siglum: str
    cells: tuple[MetricCell | None, ...]

    def __init__(self, siglum: str, cells: tuple[MetricCell | None, ...]) -> None:
        self.__dict__.update(siglum=siglum, cells=cells)


@record
class FilterOption:
    group: str
    value: str
    label: str
    #: how many variants it selects
    variants: int

    def __init__(self, group: str, value: str, label: str, variants: int) -> None:
        self.__dict__.update(group=group, value=value, label=label, variants=variants)


@record
class FilterGroup:
    name: str
    legend: str
    options: tuple[FilterOption, ...]

    def __init__(self, name: str, legend: str, options: tuple[FilterOption, ...]) -> None:
        self.__dict__.update(name=name, legend=legend, options=options)


@record
class StaleEntry:
    """An apparatus entry whose variant no longer occurs: kept in the file, shown here."""

    id: str
    where: str
    status: str
    readings: str
    note: str

    def __init__(self, id: str, where: str, status: str, readings: str, note: str) -> None:
        self.__dict__.update(id=id, where=where, status=status, readings=readings, note=note)


@record
class SetPage:
    name: str
    title: str
    base: str
    engine: str
    single: bool
    witnesses: tuple[WitnessRow, ...]
    sigla: tuple[str, ...]
    matrix: tuple[MatrixRow, ...]
    text: tuple[TextPiece, ...]
    entries: tuple[VariantEntry, ...]
    filters: tuple[FilterGroup, ...]
    counts: dict[str, int]
    stale: tuple[StaleEntry, ...]
    #: corrections on record (the errata list): transcription errors fixed in the witnesses
    errata: tuple[StaleEntry, ...]
    #: what the script needs for counts and next/previous, one short list per entry
    data: dict[str, Any]

    def __init__(
        self, name: str, title: str, base: str, engine: str, single: bool, witnesses: tuple[WitnessRow, ...],
        sigla: tuple[str, ...], matrix: tuple[MatrixRow, ...], text: tuple[TextPiece, ...],
        entries: tuple[VariantEntry, ...], filters: tuple[FilterGroup, ...], counts: dict[str, int],
        stale: tuple[StaleEntry, ...], errata: tuple[StaleEntry, ...], data: dict[str, Any]
    ) -> None:
        self.__dict__.update(
            name=name, title=title, base=base, engine=engine, single=single, witnesses=witnesses, sigla=sigla,
            matrix=matrix, text=text, entries=entries, filters=filters, counts=counts, stale=stale, errata=errata,
            data=data
        )


@record
class ReviewControls:
    """What ``collate review`` adds to a set's page: the decision controls and their script.

    Offline pages (``collate run``) have none of it: ``review`` is None there and
    the page is byte for byte what it was. ``data`` goes to the page as JSON (the
    per-run token for the ``X-Collate-Token`` header, each entry's version for
    ``If-Match``); ``notes`` are the raw notes for the text areas.
    """

    statuses: tuple[str, ...]
    #: (key, status) pairs: the key that gives the current variant that status
    keys: tuple[tuple[str, str], ...]
    notes: dict[str, str]
    data: dict[str, Any]
    max_note: int
    script: str = ""
    css: str = ""

    def __init__(
        self, statuses: tuple[str, ...], keys: tuple[tuple[str, str], ...], notes: dict[str, str],
        data: dict[str, Any], max_note: int, script: str = "", css: str = ""
    ) -> None:
        self.__dict__.update(
            statuses=statuses, keys=keys, notes=notes, data=data, max_note=max_note, script=script, css=css
        )


@record
class IndexRow:
    name: str
    title: str
    href: str
    sigla: tuple[str, ...]
    variants: int
    substantive: int
    unreviewed: int
    single: bool

    def __init__(
        self, name: str, title: str, href: str, sigla: tuple[str, ...], variants: int, substantive: int,
        unreviewed: int, single: bool
    ) -> None:
        self.__dict__.update(
            name=name, title=title, href=href, sigla=sigla, variants=variants, substantive=substantive,
            unreviewed=unreviewed, single=single
        )


@record
class IndexPage:
    rows: tuple[IndexRow, ...]
    sets: int
    variants: int
    substantive: int
    unreviewed: int

    def __init__(self, rows: tuple[IndexRow, ...], sets: int, variants: int, substantive: int, unreviewed: int) -> None:
        self.__dict__.update(rows=rows, sets=sets, variants=variants, substantive=substantive, unreviewed=unreviewed)


# --------------------------------------------------------------------------- building the views


def _safe_href(url: str) -> str:
    """Only web addresses become links: a ``javascript:`` source is shown as text."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return ""
    return url.strip() if scheme in ("http", "https") else ""


def _span(text: str, r: Reading) -> tuple[int, int] | None:
    """The reading's characters in its witness's text (the offsets it carries), or None where they do not fit.

    Offsets, not line and column: a TEI or CollateX JSON witness's line and
    column are in its XML or JSON file, not in the text that was collated.
    """
    start, end = r.offset, r.end_offset
    if start < 0 or end < start or end > len(text):
        return None
    return start, end


def _fragments(ops: Sequence[tuple[int, str]]) -> tuple[Fragment, ...]:
    """Diff ops against the base as fragments, whitespace made visible where it differs.

    Where the reading shares little with the base (". . ." for a clause), striking
    the whole base through would bury the reading: it is shown as it stands.
    """
    same = sum(len(t.strip()) for op, t in ops if op == 0)
    base = sum(len(t) for op, t in ops if op <= 0)
    reading = "".join(t for op, t in ops if op >= 0)
    if same * 3 < max(base, len(reading)):
        return (Fragment(0, reading),) if reading else ()
    out = []
    for op, piece in ops:
        if op != 0 and not piece.strip():  # a difference in spacing alone: show the spaces
            piece = "".join(VISIBLE_SPACE.get(ch, ch) for ch in piece)
        if piece:
            out.append(Fragment(op, piece))
    return tuple(out)


def _short(text: str) -> str:
    words = text.split()
    if len(words) <= LEMMA_WORDS:
        return " ".join(words)
    return f"{words[0]} \u2026 {words[-1]}"


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    """A few words of the witness's own text either side, cut at word boundaries."""
    before = text[max(0, start - CONTEXT_CHARS) : start]
    after = text[end : end + CONTEXT_CHARS]
    if start > CONTEXT_CHARS and " " in before:
        before = "\u2026" + before[before.index(" ") :]
    if end + CONTEXT_CHARS < len(text) and " " in after:
        after = after[: after.rindex(" ")] + " \u2026"
    return " ".join(before.split()) + (" " if before[-1:].isspace() else ""), (
        (" " if after[:1].isspace() else "") + " ".join(after.split())
    )


def _note(note: str, ids: frozenset[str]) -> tuple[tuple[str, bool], ...]:
    """The note in pieces; a word that is another variant's id is marked to become a link."""
    if not note:
        return ()
    pieces = _id_word().split(note)
    return tuple((p, p in ids) for p in pieces if p)


@cache
def _id_word() -> re.Pattern[str]:
    """A word that may be a variant's id, compiled where first needed (~0.15 ms): only a note is searched."""
    return re.compile(r"\b([0-9a-f]{10})\b")


def _css(v: Variant, departing: Sequence[int] | None = None) -> str:
    """The entry's CSS classes; ``departing``: positions of the witnesses that differ from the base here.

    Witnesses go in by position (``w-0``), not by siglum, so a siglum needs no
    escaping to be a class name.
    """
    names = ["v", "k-sub" if v.substantive else "k-acc", f"st-{v.status}"]
    names += [f"c-{c}" for c in v.classes] or ["c-none"]
    if departing is not None:
        names += [f"w-{i}" for i in departing]
    return " ".join(names)


def _departing(c: Collation, v: Variant, others: Sequence[str]) -> list[int]:
    """Positions in ``others`` of the witnesses whose reading here is not the base's.

    A witness without a reading here (a fragment that does not reach this far) does
    not depart; one that omits the passage does.
    """
    base = v.readings.get(c.base)
    lemma = base.text if base else ""
    return [i for i, s in enumerate(others) if s in v.readings and v.readings[s].text != lemma]


def _entry(
    c: Collation,
    v: Variant,
    number: int,
    texts: dict[str, str],
    in_text: bool,
    ids: frozenset[str],
    decision: str = "",
    departing: Sequence[int] | None = None,
) -> VariantEntry:
    base = v.readings.get(c.base)
    lemma_text = base.text if base else ""
    # the apparatus line: every other reading once, with all the witnesses that have it
    by_text: dict[str, list[str]] = {}
    for siglum, r in v.readings.items():
        if siglum != c.base and r.text != lemma_text:
            by_text.setdefault(r.text, []).append(siglum)
    readings = []
    for text, sigla in by_text.items():
        if not text:
            readings.append(ApparatusReading("", tuple(sigla), (), "om."))
        elif not lemma_text:
            readings.append(ApparatusReading(text, tuple(sigla), (Fragment(0, text),), "add."))
        else:
            readings.append(ApparatusReading(text, tuple(sigla), _fragments(v.diffs.get(sigla[0], ((0, text),)))))
    lemma_place = ""
    lemma = _short(lemma_text)
    if not lemma_text:
        before, after = v.context
        if before.split():
            lemma_place, lemma = "after", before.split()[-1]
        elif after.split():
            lemma_place, lemma = "before", after.split()[0]
        else:
            lemma_place, lemma = "at", "the start"
    rows = []
    for siglum, r in v.readings.items():
        text = texts.get(siglum, "")
        span = _span(text, r) if siglum in texts else None
        before, after = _context(text, *span) if span else (v.context[0] + " ", " " + v.context[1])
        frags: tuple[Fragment, ...]
        if siglum == c.base or not r.text or not lemma_text:
            frags = (Fragment(0, r.text),) if r.text else ()
        else:
            frags = _fragments(v.diffs.get(siglum, ((0, r.text),)))
        rows.append(
            SynopticRow(siglum, f"{r.line}:{r.column}", before, frags, after, siglum == c.base, not r.text)
        )
    return VariantEntry(
        id=v.id,
        number=number,
        line=base.line if base else 0,
        lemma=lemma,
        lemma_place=lemma_place,
        readings=tuple(readings),
        kind=v.kind,
        classes=v.classes,
        substantive=v.substantive,
        status=v.status,
        note=_note(v.note, ids),
        transposed_with=v.transposed_with or "",
        moved=moved_words(v),
        decision=decision,
        rows=tuple(rows),
        css=_css(v, departing),
        in_text=in_text,
    )


def _marked_text(text: str, spans: list[tuple[int, int, VariantEntry]]) -> tuple[TextPiece, ...]:
    """The base text cut into plain stretches and marked variants, in order."""
    pieces: list[TextPiece] = []
    at = 0
    for start, end, entry in sorted(spans, key=lambda s: (s[0], s[1])):
        start = max(start, at)  # overlapping spans become a mark at the first free place
        end = max(end, start)
        if start > at:
            pieces.append(TextPiece(text[at:start]))
        pieces.append(TextPiece(text[start:end], entry))
        at = end
    if at < len(text):
        pieces.append(TextPiece(text[at:]))
    return tuple(pieces)


def _percent(x: float) -> str:
    return f"{x * 100:.1f}\u202f%"


def set_page(c: Collation) -> SetPage:
    """Everything one set's page shows, in the order it shows it."""
    texts = {w.siglum: w.text for w in c.witnesses}
    base_text = texts.get(c.base, "")
    spans: list[tuple[int, int, VariantEntry]] = []
    entries = []
    ids = frozenset(v.id for v in c.variants)
    follows = leads(c.variants)
    # the witness filter: only where there is a choice, two or more witnesses beside the base
    others = tuple(w.siglum for w in c.witnesses if w.siglum != c.base)
    by_witness = len(others) >= 2
    departing = [_departing(c, v, others) for v in c.variants] if by_witness else []
    for number, v in enumerate(c.variants, 1):
        base = v.readings.get(c.base)
        span = _span(base_text, base) if base and c.base in texts else None
        entry = _entry(c, v, number, texts, span is not None, ids,
                       follows.get(v.id, v.id) if v.transposed_with else "",
                       departing[number - 1] if by_witness else None)
        entries.append(entry)
        if span:
            spans.append((*span, entry))
    sigla = tuple(w.siglum for w in c.witnesses)
    pairs = {(m.a, m.b): m for m in c.metrics}
    matrix = []
    for a in sigla:
        cells: list[MetricCell | None] = []
        for b in sigla:
            m = pairs.get((a, b))
            cells.append(
                MetricCell(_percent(m.cer), _percent(m.wer), _percent(m.agreement), f"{b} against {a}")
                if m
                else None
            )
        matrix.append(MatrixRow(a, tuple(cells)))
    witnesses = tuple(
        WitnessRow(w.siglum, w.label, w.file, _safe_href(w.source), w.source, w.tokens, w.siglum == c.base)
        for w in c.witnesses
    )
    present_classes = [k for k in (*CLASSES, *sorted({x for v in c.variants for x in v.classes} - set(CLASSES)))]
    class_counts = {k: sum(1 for v in c.variants if k in v.classes) for k in present_classes}
    no_class = sum(1 for v in c.variants if not v.classes)
    filters: tuple[FilterGroup, ...] = (
        FilterGroup(
            "kind",
            "Substantive or accidental",
            (
                FilterOption("kind", "sub", "substantive", c.substantive),
                FilterOption("kind", "acc", "accidental", c.accidental),
            ),
        ),
        FilterGroup(
            "status",
            "Status",
            tuple(
                FilterOption("status", s, s, sum(1 for v in c.variants if v.status == s))
                for s in (*STATUSES, *sorted({v.status for v in c.variants} - set(STATUSES)))
            ),
        ),
        FilterGroup(
            "class",
            "Class",
            tuple(FilterOption("class", k, k, n) for k, n in class_counts.items() if n)
            + ((FilterOption("class", "none", "no class", no_class),) if no_class else ()),
        ),
    )
    if by_witness:
        filters += (
            FilterGroup(
                "witness",
                "Witness departs from the base",
                tuple(
                    FilterOption("witness", str(i), s, sum(1 for d in departing if i in d))
                    for i, s in enumerate(others)
                ),
            ),
        )
    counts = {
        "variants": len(c.variants),
        "substantive": c.substantive,
        "accidental": c.accidental,
        "unreviewed": sum(1 for v in c.variants if v.status == "unreviewed"),
    }
    data = {
        "ids": [v.id for v in c.variants],
        "kind": ["sub" if v.substantive else "acc" for v in c.variants],
        "status": [v.status for v in c.variants],
        "classes": [list(v.classes) or ["none"] for v in c.variants],
    }
    if by_witness:
        data["witnesses"] = [[str(i) for i in d] for d in departing]
    stale = tuple(_gone(e) for e in c.stale)
    errata = tuple(_gone(e) for e in c.corrections)
    return SetPage(
        name=c.name,
        title=c.title,
        base=c.base,
        engine=c.engine,
        single=c.single,
        witnesses=witnesses,
        sigla=sigla,
        matrix=tuple(matrix),
        text=_marked_text(base_text, spans),
        entries=tuple(entries),
        filters=filters,
        counts=counts,
        stale=stale,
        errata=errata,
        data=data,
    )


def _gone(e: GoneEntry) -> StaleEntry:
    """An apparatus entry without a variant (stale, or a correction on record), as the page lists it."""
    return StaleEntry(
        id=e.id,
        where=":".join(str(x) for x in (e.file, e.line) if x),
        status=e.status,
        readings=" | ".join(f"{text or 'om.'} {siglum}" for siglum, text in e.readings.items()),
        note=e.note,
    )


def index_row(c: Collation) -> IndexRow:
    """One set's line in the index (the runner keeps it for sets it need not collate again)."""
    return IndexRow(
        name=c.name,
        title=c.title,
        href=f"{c.name}.html",
        sigla=tuple(w.siglum for w in c.witnesses),
        variants=len(c.variants),
        substantive=c.substantive,
        unreviewed=sum(1 for v in c.variants if v.status == "unreviewed"),
        single=c.single,
    )


def index_page(collations: Sequence[Collation]) -> IndexPage:
    return index_page_of_rows([index_row(c) for c in collations])


def index_page_of_rows(rows_in: Sequence[IndexRow]) -> IndexPage:
    rows = tuple(sorted(rows_in, key=lambda r: r.name))
    return IndexPage(
        rows=rows,
        sets=len(rows),
        variants=sum(r.variants for r in rows),
        substantive=sum(r.substantive for r in rows),
        unreviewed=sum(r.unreviewed for r in rows),
    )


# --------------------------------------------------------------------------- rendering


#: the package's assets folder, beside this folder (the path its loader reads them by)
_ASSETS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "assets")


@cache
def _asset(name: str) -> str:
    """One of collate's CSS and JS files, as text, its line ends as text mode reads them.

    Read by the package's own loader (files on disk, or a zip), as ``pkgutil.get_data``
    reads them, without importing pkgutil (~0.4 ms of every run), and not through
    :mod:`importlib.resources`, whose readers (zipfile among them) cost ~2-3 ms to import.
    """
    read = getattr(__spec__.loader, "get_data", None)
    if read is None:  # a loader that cannot read data files: never pip's
        raise FileNotFoundError(f"collate/assets/{name}")
    data: bytes = read(os.path.join(_ASSETS, name))
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def _csp_hash(script: str) -> str:
    digest = sha256(script.encode("utf-8")).digest()
    # binascii is what base64.b64encode calls; the base64 module (with struct and re) is ~0.4 ms of start-up
    return "sha256-" + binascii.b2a_base64(digest, newline=False).decode("ascii")


def _script(name: str) -> str:
    script = _asset(name)
    if "</script" in script.lower():  # our own file; guard against an edit that breaks the page
        raise ValueError(f"{name} must not contain </script")
    return script


def csp(with_script: bool, review: bool = False) -> str:
    """A page's Content-Security-Policy: no request at all, no script but ours (by hash).

    A review page (``collate review``) also runs review.js and may call back to
    the origin that served it (its API); offline pages never may.
    """
    hashes = [_csp_hash(_script("report.js"))] if with_script else []
    if with_script and review:
        hashes.append(_csp_hash(_script("review.js")))
    scripts = " ".join(f"'{h}'" for h in hashes) or "'none'"
    connect = "connect-src 'self'; " if with_script and review else ""
    return (f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src {scripts}; "
            f"{connect}base-uri 'none'; form-action 'none'")


def render(c: Collation, review: ReviewControls | None = None) -> str:
    """The page for one set; with ``review``, the decision controls of ``collate review``.

    A set without variants has nothing to decide: its page is the same either way.
    """
    page = set_page(c)
    with_script = bool(page.entries)
    if not with_script:
        review = None
    elif review is not None:
        review = replace(review, script=_script("review.js"), css=_asset("review.css"))
    return htmlpage.set_document(page, review, csp=csp(with_script, review is not None), css=_asset("report.css"),
                                 script=_script("report.js"))


def render_index(collations: Sequence[Collation]) -> str:
    """The index of every set, linking to each set's page."""
    return htmlpage.index_document(index_page(collations), csp=csp(False), css=_asset("report.css"))


def render_index_rows(rows: Sequence[IndexRow]) -> str:
    """The index from each set's :func:`index_row` (some sets kept from an earlier run)."""
    return htmlpage.index_document(index_page_of_rows(rows), csp=csp(False), css=_asset("report.css"))
