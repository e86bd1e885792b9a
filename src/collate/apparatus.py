"""The apparatus file: an editor's decision about each variant, kept beside the witnesses; read here.

``witnesses/<set>/apparatus.toml`` is written by ``collate apparatus`` and edited
by people. One entry per variant::

    [variants.ac12ea3257]
    status = "recorded"                      # unreviewed | recorded | ignored | error | corrected
    readings = { FRUS = "to", APP = "" }     # snapshot, for people and re-anchoring
    context = ["you will convey", "President Kalinin my greetings"]
    note = "APP omits “to”."

This module reads and checks the file (with :mod:`tomllib`) and matches its
entries to a collation's variants: what every ``collate run`` and ``collate
check`` needs. Writing it (``collate apparatus``, ``collate review``) is
:mod:`collate.apparatus_write`'s, with tomlkit, so comments and layout survive;
a run never imports that module, nor tomlkit unless a file has a syntax error
to place (:func:`parse`).

Variant ids hash the readings and four agreeing words either side, so an edit
next to a variant changes its id. An entry whose id is gone is *re-attached* to
a current variant with the same readings (whitespace aside) and the most
similar context; one that matches nothing is kept and marked ``stale = true``,
never dropped: nothing an editor wrote is lost. An ``error`` entry whose
variant is gone is not stale but ``corrected``: the witness was fixed, and the
entry stays as a correction on record (the reports' errata list). :func:`match` holds that logic
once, so ``check`` (read-only) and ``sync`` (which writes) always agree.
"""

# No ``from __future__ import annotations``, as in every module of records (:mod:`collate.records`
# says why); the names only a type checker imports are written as strings.

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz

from . import sources
from .errors import ApparatusError
from .model import STATUSES, Collation, GoneEntry, Variant
from .moves import leads
from .readings import collapse
from .records import record
from .sources import display_path

if TYPE_CHECKING:
    import tomlkit  # for annotations: see parse()

FILENAME = "apparatus.toml"
BOM = "\ufeff"
#: how alike (0-100, rapidfuzz ratio) the stored and the current context must
#: be for an entry to follow its readings to a new id; below that the entry is
#: kept as stale rather than pinned on some other place with the same words
REATTACH_MIN_SIMILARITY = 50.0
#: entry keys collate knows; people may add their own (reviewer, date ...)
KNOWN_KEYS = {"number", "at", "status", "readings", "note", "context", "stale"}
#: what an entry's status may be: a variant's statuses, and ``corrected`` (an
#: ``error`` whose variant is gone: the witness was fixed; kept as a record)
ENTRY_STATUSES: tuple[str, ...] = (*STATUSES, "corrected")


# Entry, Apparatus and Match are records (:func:`collate.records.record`): frozen dataclasses whose
# methods are written once; ~10-25 µs each of a run's start-up, against ~85-200 as named tuples
# (``collections.namedtuple`` compiles a ``__new__`` a class, ``typing`` checks every annotation) and
# ~400 as ``@dataclass(frozen=True)``. Nothing unpacks, hashes or sorts them; equality is field by
# field, against another instance of the class.


@record
class Entry:
    """One ``[variants.<id>]`` table as read from the file (what an editor wrote: given in full)."""

    id: str
    status: str
    note: str
    #: the readings snapshot, whitespace collapsed; empty when the entry has none
    readings: dict[str, str]
    context: tuple[str, str] | None = None
    stale: bool = False
    #: the line of the entry's header in the file (1-based), for messages
    line: int = 1
    #: the variant's number on the HTML page, as last written (``number = 4``)
    number: int | None = None
    #: where the base reads it, as last written: ``file:line:col`` (``at = "frus.txt:2:292"``)
    at: str | None = None

    def __init__(
        self, id: str, status: str, note: str, readings: dict[str, str], context: tuple[str, str] | None = None,
        stale: bool = False, line: int = 1, number: int | None = None, at: str | None = None
    ) -> None:
        self.__dict__.update(
            id=id, status=status, note=note, readings=readings, context=context, stale=stale, line=line, number=number,
            at=at
        )

    @property
    def place(self) -> tuple[int, int] | None:
        """``at``'s line and column, to tell apart entries whose readings and context are alike."""
        if not self.at:
            return None
        parts = self.at.rsplit(":", 2)
        if len(parts) != 3 or not (parts[1].isdigit() and parts[2].isdigit()):
            return None
        return int(parts[1]), int(parts[2])


@record
class Apparatus:
    """An apparatus file, read and checked; ``exists`` is false when there is none yet."""

    path: Path
    entries: dict[str, Entry]
    exists: bool = False

    def __init__(self, path: Path, entries: dict[str, Entry], exists: bool = False) -> None:
        self.__dict__.update(path=path, entries=entries, exists=exists)


@record
class Match:
    """How the entries of a file meet the variants of a collation."""

    #: variant id -> its entry (same id, or re-attached)
    entries: dict[str, Entry]
    #: (entry, variant) pairs where the entry's id is gone and it follows its readings
    reattached: list[tuple[Entry, Variant]]
    #: entries whose variant no longer occurs
    stale: list[Entry]
    #: ``error`` (or ``corrected``) entries whose variant no longer occurs: the witness was fixed
    corrected: list[Entry]
    #: the following half of a transposition (without an entry of its own) -> the leading half's id,
    #: whose entry decides both (:mod:`collate.moves`)
    shared: dict[str, str]

    def __init__(
        self, entries: dict[str, Entry], reattached: list[tuple[Entry, Variant]], stale: list[Entry],
        corrected: list[Entry], shared: dict[str, str]
    ) -> None:
        self.__dict__.update(entries=entries, reattached=reattached, stale=stale, corrected=corrected, shared=shared)


# -- reading ---------------------------------------------------------------------------


def apparatus_path(where: Collation | Path) -> Path:
    """The apparatus file of a set: ``<set folder>/apparatus.toml`` (a file path is kept)."""
    path = where.path if isinstance(where, Collation) else Path(where)
    return path if path.suffix == ".toml" else path / FILENAME


def _shown(path: Path) -> str:
    return display_path(path)


def read_text(path: Path) -> str | None:
    """The file's text (BOM kept, to be written back), or None when it does not exist."""
    if not path.exists():
        return None
    return sources.read_text(path, _shown(path), ApparatusError, utf8_only=True)


def parse(text: str, path: Path) -> "tomlkit.TOMLDocument":
    """Parse with tomlkit; a syntax error names the file, line and column."""
    import tomlkit.exceptions  # here: a run reads with tomllib; tomlkit only places a syntax error (and writes: apparatus_write)

    try:
        return tomlkit.parse(text.removeprefix(BOM))
    except tomlkit.exceptions.ParseError as exc:
        message = str(exc).split(" at line ")[0].rstrip(".")
        # tomlkit counts columns from 0; people and editors count from 1
        raise ApparatusError(f"invalid TOML: {message}", _shown(path), exc.line, exc.col + 1) from None
    except tomlkit.exceptions.TOMLKitError as exc:  # a key given twice in one table
        message = str(exc).rstrip(".")
        found = re.match(r'Key "(.+)" already exists', message)
        line = _repeated_key_line(text.removeprefix(BOM), found.group(1)) if found else None
        raise ApparatusError(f"invalid TOML: {message}", _shown(path), line) from None


def _repeated_key_line(text: str, key: str) -> int | None:
    """The line where ``key`` is assigned a second time within one table."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    seen = False
    for number, line in enumerate(text.split("\n"), 1):
        if line.lstrip().startswith("["):
            seen = False
        elif pattern.match(line):
            if seen:
                return number
            seen = True
    return None


def read_apparatus(path: Path) -> Apparatus:
    """Read and check an apparatus file; a missing file is an empty apparatus.

    Read once per command: the result is kept while the file's size, time and
    inode stay the same (the runner checks every file before it writes a
    report, then merges each into its set's collation; ``check`` reads each set
    once). Parsing for reading uses :mod:`tomllib` (ten times tomlkit's speed on
    a long file); tomlkit is used where the file is rewritten (:mod:`collate.apparatus_write`).
    """
    path = apparatus_path(path)
    try:
        st = path.stat()
        key: tuple[int, int, int] | None = (st.st_mtime_ns, st.st_size, st.st_ino)
    except OSError:
        key = None
    cached = _READ_CACHE.get(path)
    if key is not None and cached is not None and cached[0] == key:
        return cached[1]
    text = read_text(path)
    if text is None:
        return Apparatus(path, {}, exists=False)
    body = text.removeprefix(BOM)
    result = Apparatus(path, entries_of(_load(body, path), body, path), exists=True)
    if key is not None:
        if len(_READ_CACHE) > 256:
            _READ_CACHE.clear()
        _READ_CACHE[path] = (key, result)
    return result


_READ_CACHE: dict[Path, tuple[tuple[int, int, int], Apparatus]] = {}


def _load(body: str, path: Path) -> dict[str, Any]:
    """The file as plain data; a syntax error is reported as tomlkit words it (see :func:`parse`)."""
    try:
        return tomllib.loads(body)
    except tomllib.TOMLDecodeError:
        return parse(body, path).unwrap()  # raises the ApparatusError people see, or reads what tomllib would not


def read_entries(text: str | None, path: Path) -> dict[str, Entry]:
    """The entries of a file's text as read from disk (None: no file, no entries); not cached."""
    if text is None:
        return {}
    body = text.removeprefix(BOM)
    return entries_of(_load(body, path), body, path)


def entries_of(doc: Any, text: str, path: Path) -> dict[str, Entry]:
    """Check every entry of a parsed file (a dict or a tomlkit document) and read it.

    One pass over the text finds the line of every entry's header; the lines of
    keys are looked up only for an error message.
    """
    shown = _shown(path)
    table = doc.get("variants")
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise ApparatusError("'variants' must be a table of [variants.<id>] entries", shown,
                             _key_line(text, "variants"))
    lines = entry_lines(text)
    entries: dict[str, Entry] = {}
    for vid, raw in table.items():
        line = lines.get(str(vid)) or _mention_line(text, str(vid))
        if not isinstance(raw, dict):
            raise ApparatusError(f"entry {vid!r} must be a table with status, readings and note", shown, line)

        def where(key: str, line: int = line) -> int:
            return _key_line(text, key, start=line) or line

        status = raw.get("status", "unreviewed")
        if not isinstance(status, str) or status not in ENTRY_STATUSES:
            raise ApparatusError(
                f"entry {vid}: status must be one of {', '.join(ENTRY_STATUSES)}, not {_value(status)}",
                shown, where("status"))
        note = raw.get("note", "")
        if not isinstance(note, str):
            raise ApparatusError(f"entry {vid}: note must be a string", shown, where("note"))
        readings = raw.get("readings", {})
        if not isinstance(readings, dict) or not all(isinstance(r, str) for r in readings.values()):
            raise ApparatusError(f"entry {vid}: readings must be a table of siglum = \"text\"", shown,
                                 where("readings"))
        context = raw.get("context")
        if context is not None:
            if not (isinstance(context, list) and len(context) == 2 and all(isinstance(c, str) for c in context)):
                raise ApparatusError(f"entry {vid}: context must be two strings, [before, after]", shown,
                                     where("context"))
            context = (str(context[0]), str(context[1]))
        stale = raw.get("stale", False)
        if not isinstance(stale, bool):
            raise ApparatusError(f"entry {vid}: stale must be true or false", shown, where("stale"))
        number = raw.get("number")
        if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
            raise ApparatusError(f"entry {vid}: number must be a whole number (the variant's number on the page)",
                                 shown, where("number"))
        at = raw.get("at")
        if at is not None and not isinstance(at, str):
            raise ApparatusError(f"entry {vid}: at must be a string, \"file:line:col\"", shown, where("at"))
        entries[str(vid)] = Entry(
            id=str(vid),
            status=str(status),
            note=str(note),
            readings={str(s): collapse(str(r)) for s, r in readings.items()},
            context=context,
            stale=stale,
            line=line,
            number=int(number) if number is not None else None,
            at=str(at) if at is not None else None,
        )
    return entries


def _value(value: Any) -> str:
    return repr(str(value)) if isinstance(value, str) else repr(value)


# The patterns below are compiled where first used (re's own cache keeps them): a run of a set
# without an apparatus file never needs them.
#: ``[variants.<id>]`` (or ``[variants.<id>.readings]``) at a line start, the id bare or quoted
_HEADER = r"(?m)^[ \t]*\[[ \t]*variants[ \t]*\.[ \t]*(?:\"([^\"\n]+)\"|'([^'\n]+)'|([A-Za-z0-9_-]+))[ \t]*[\].]"
#: ``<id> = {...}`` or ``<id>.status = ...`` at a line start, under ``[variants]``
_KEY = r"(?m)^[ \t]*(?:\"([^\"\n]+)\"|'([^'\n]+)'|([A-Za-z0-9_-]+))[ \t]*[=.]"
_TABLE = r"(?m)^[ \t]*\["


def entry_lines(text: str) -> dict[str, int]:
    """Every entry's id -> the line of its header (1-based), in one pass over the text.

    Entries written as keys of a ``[variants]`` table (``<id> = {...}``) are
    found too; the first line that names an id wins.
    """
    found: dict[str, int] = {}
    line, at = 1, 0
    for m in re.finditer(_HEADER, text):
        line += text.count("\n", at, m.start())
        at = m.start()
        found.setdefault(next(g for g in m.groups() if g is not None), line)
    plain = re.search(r"^[ \t]*\[[ \t]*variants[ \t]*\][ \t]*(#.*)?$", text, re.M)
    if plain:  # keys under [variants], up to the next table header
        start = plain.end()
        nxt = re.compile(_TABLE).search(text, start)
        end = nxt.start() if nxt else len(text)
        line, at = text.count("\n", 0, start) + 1, start
        for m in re.compile(_KEY).finditer(text, start, end):
            line += text.count("\n", at, m.start())
            at = m.start()
            found.setdefault(next(g for g in m.groups() if g is not None), line)
    return found


def entry_line(text: str, vid: str) -> int:
    """The line of ``[variants.<id>]`` (or, failing that, of the id's first mention)."""
    return entry_lines(text).get(vid) or _mention_line(text, vid)


def _mention_line(text: str, vid: str) -> int:
    at = text.find(vid)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def _key_line(text: str, key: str, start: int = 1) -> int | None:
    """The first line at or after ``start`` that assigns ``key``, for messages."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.split("\n")[start - 1:], start):
        if number > start and line.lstrip().startswith("["):
            break
        if pattern.match(line):
            return number
    return None


# -- matching ----------------------------------------------------------------------------


def snapshot(v: Variant) -> dict[str, str]:
    """A variant's readings as the file keeps them: by siglum, whitespace collapsed."""
    return {s: collapse(r.text) for s, r in v.readings.items()}


#: compiled here, unlike _HEADER (~15 us): a book's re-attachment calls it for every variant
_PUNCT = re.compile(r"[^\w\s]+")


def _context_key(context: Iterable[str]) -> str:
    """A context as compared for re-attachment: words only, casefolded.

    Entries keep the base's context with its punctuation, for people; variants
    carry the agreeing words. Compared this way both are the same words.
    """
    return " | ".join(" ".join(_PUNCT.sub(" ", part).split()) for part in context).casefold()


def _bucket_key(readings: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(readings.items()))


def _distinct(readings: dict[str, str]) -> frozenset[str]:
    return frozenset(readings.values())


def _follows(entry: Entry, v: Variant, current: dict[str, str]) -> bool:
    """Whether an orphan's readings still describe ``v`` once witnesses were added, dropped or renamed.

    Either the witnesses the entry and the variant share read as the snapshot
    says and still disagree there (a witness was added or removed), or the same
    readings stand under other sigla (a witness was renamed).
    """
    shared = entry.readings.keys() & current.keys()
    if shared and all(entry.readings[s] == current[s] for s in shared):
        if len({current[s] for s in shared}) > 1:
            return True
    return _distinct(entry.readings) == _distinct(current) and len(_distinct(current)) > 1


def match(variants: Iterable[Variant], entries: dict[str, Entry], base: str | None = None) -> Match:
    """Pair entries with variants: by id, then orphans by readings and nearby context.

    An orphan entry (its id is gone) follows a variant that has no entry of its
    own, whose readings equal its snapshot, and whose context is alike (at
    least :data:`REATTACH_MIN_SIMILARITY`; an entry written without a context
    takes the first such variant). The most alike pairs are made first, so two
    entries with the same readings go back to their own places. Orphans left
    over then follow a variant whose readings agree with the snapshot on the
    witnesses both know (:func:`_follows`): a witness added, dropped or renamed
    leaves every decision attached.

    Linear in the size of the file and the collation: variants are put in
    buckets by their readings (and by each witness's reading for the second
    pass), so an orphan is compared only with variants that could be its own.

    Orphans equally alike to a variant (identical variants at places with the
    same context) go to the nearest by the base's ``line:col`` each entry
    keeps (``at``), so an entry never takes over its twin's decision.

    An orphan that follows nothing is stale, unless its status is ``error`` or
    ``corrected``: a transcription error whose variant is gone has been fixed,
    and the entry is a correction on record.
    """
    variants = list(variants)
    found = {v.id: entries[v.id] for v in variants if v.id in entries}
    orphans = [e for vid, e in entries.items() if vid not in found]
    free = [v for v in variants if v.id not in found]
    reattached: list[tuple[Entry, Variant]] = []
    if orphans and free:
        snaps = [snapshot(v) for v in free]
        keys = [_context_key(v.context) for v in free]
        used_entries: set[int] = set()
        used_variants: set[int] = set()

        far = (1 << 30, 1 << 30)

        def distance(entry: Entry, j: int) -> tuple[int, int]:
            place = entry.place
            r = free[j].readings.get(base) if base is not None else None
            if place is None or r is None:
                return far
            return abs(place[0] - r.line), abs(place[1] - r.column)

        def pair(candidates: dict[int, list[int]], accept: Callable[[Entry, int], bool]) -> None:
            scored: list[tuple[float, tuple[int, int], int, int]] = []
            for i, js in candidates.items():
                entry = orphans[i]
                js = [j for j in js if j not in used_variants and accept(entry, j)]
                if not js:
                    continue
                if entry.context is None:
                    scored.extend((0.0, distance(entry, j), i, j) for j in js)
                    continue
                mine = _context_key(entry.context)
                scores = [fuzz.ratio(mine, keys[j]) for j in js]
                scored.extend((-float(sc), distance(entry, j), i, j) for sc, j in zip(scores, js, strict=True)
                              if sc >= REATTACH_MIN_SIMILARITY)
            scored.sort()
            for _, _, i, j in scored:
                if i in used_entries or j in used_variants:
                    continue
                used_entries.add(i)
                used_variants.add(j)
                reattached.append((orphans[i], free[j]))

        by_readings: dict[tuple[tuple[str, str], ...], list[int]] = {}
        for j, snap in enumerate(snaps):
            by_readings.setdefault(_bucket_key(snap), []).append(j)
        pair({i: by_readings.get(_bucket_key(e.readings), []) for i, e in enumerate(orphans) if e.readings},
             lambda e, j: True)
        left = [i for i, e in enumerate(orphans) if i not in used_entries and e.readings]
        if left and len(used_variants) < len(free):
            by_place: dict[tuple[str, str], list[int]] = {}  # (siglum, reading) and ("", distinct readings)
            for j, snap in enumerate(snaps):
                if j in used_variants:
                    continue
                for siglum, text in snap.items():
                    by_place.setdefault((siglum, text), []).append(j)
                by_place.setdefault(("", "\x1f".join(sorted(_distinct(snap)))), []).append(j)
            candidates: dict[int, list[int]] = {}
            sigla = set(snaps[0])
            for i in left:
                e = orphans[i]
                # every variant has every current witness: one that agrees with the snapshot on
                # the witnesses both know is in the bucket of each of them; take the smallest
                buckets = [by_place.get((s, t), []) for s, t in e.readings.items() if t and s in sigla]
                js = min(buckets, key=len) if buckets else []
                renamed = by_place.get(("", "\x1f".join(sorted(_distinct(e.readings)))), [])
                candidates[i] = list(dict.fromkeys([*js, *renamed]))
            pair(candidates, lambda e, j: _follows(e, free[j], snaps[j]))
    for entry, v in reattached:
        found[v.id] = entry
    attached = {id(e) for e, _ in reattached}
    gone = [e for e in orphans if id(e) not in attached]
    corrected = [e for e in gone if e.status in CORRECTABLE]
    stale = [e for e in gone if e.status not in CORRECTABLE]
    followers = {f: lead for f, lead in leads(variants).items() if f not in found}
    return Match(found, reattached, stale, corrected, followers)


#: statuses whose entry, when its variant is gone, is a correction on record rather than stale
CORRECTABLE = ("error", "corrected")


def annotate(collation: Collation, apparatus: Apparatus, shown: str | None = None) -> Collation:
    """The collation with each variant's status and note, and the stale entries and corrections listed.

    Read-only: what the file would say after ``collate apparatus``, so reports
    and ``check`` agree with ``sync``. A ``corrected`` entry whose variant
    occurs again is an ``error`` again: the correction was undone. ``shown`` is
    the file's path as listed entries name it (default: as seen from the current
    folder; a Dask worker is given the client's, see :mod:`collate.cluster`).
    """
    m = match(collation.variants, apparatus.entries, collation.base)

    def decided(v: Variant) -> Variant:
        entry = m.entries.get(v.id) or m.entries.get(m.shared.get(v.id, ""))
        if entry is None:
            return v
        status, note = decision_state(entry)
        return replace(v, status=status, note=note)

    variants = tuple(decided(v) for v in collation.variants)
    shown = shown if shown is not None else _shown(apparatus.path)
    stale = tuple(_listed(e, shown) for e in m.stale)
    corrections = tuple(_listed(e, shown, status="corrected") for e in m.corrected)
    return replace(collation, variants=variants, stale=stale, corrections=corrections)


def _listed(e: Entry, shown: str, status: str | None = None) -> GoneEntry:
    """An entry without a variant, as reports list it (stale entries, corrections)."""
    return GoneEntry(id=e.id, status=status or e.status, note=e.note, readings=dict(e.readings),
                     context=e.context, file=shown, line=e.line)


def with_decisions(collation: Collation) -> Collation:
    """The collation with its set's apparatus file merged in (when the set has a folder)."""
    if collation.single or not collation.path.is_dir():
        return collation
    return annotate(collation, read_apparatus(apparatus_path(collation)))


def decision_state(entry: Entry | None) -> tuple[str, str]:
    """The status and note an entry gives its (present) variant, as :func:`annotate` reads them.

    No entry: unreviewed, no note; a ``corrected`` entry whose variant is back is an ``error``.
    """
    if entry is None:
        return "unreviewed", ""
    return ("error" if entry.status == "corrected" else entry.status), entry.note

