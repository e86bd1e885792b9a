"""The apparatus file: an editor's decision about each variant, kept beside the witnesses.

``witnesses/<set>/apparatus.toml`` is written by ``collate apparatus`` and edited
by people, so it is read and rewritten with tomlkit: comments, order and layout
survive, and only the entries that change are touched. One entry per variant::

    [variants.ac12ea3257]
    status = "recorded"                      # unreviewed | recorded | ignored | error | corrected
    readings = { FRUS = "to", APP = "" }     # snapshot, for people and re-anchoring
    context = ["you will convey", "President Kalinin my greetings"]
    note = "APP omits “to”."

Variant ids hash the readings and four agreeing words either side, so an edit
next to a variant changes its id. An entry whose id is gone is *re-attached* to
a current variant with the same readings (whitespace aside) and the most
similar context; one that matches nothing is kept and marked ``stale = true``,
never dropped: nothing an editor wrote is lost. An ``error`` entry whose
variant is gone is not stale but ``corrected``: the witness was fixed, and the
entry stays as a correction on record (the reports' errata list). :func:`match` holds that logic
once, so ``check`` (read-only) and ``sync`` (which writes) always agree.

Writes are atomic: a temporary file in the same folder, fsync, then
``os.replace``; an interrupted run leaves the old file whole.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz

from . import atomic, sources
from .errors import ApparatusError
from .model import STATUSES, Collation, GoneEntry, Variant
from .moves import leads
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


@dataclass(frozen=True)
class Entry:
    """One ``[variants.<id>]`` table as read from the file."""

    id: str
    status: str = "unreviewed"
    note: str = ""
    #: the readings snapshot, whitespace collapsed; empty when the entry has none
    readings: dict[str, str] = field(default_factory=dict)
    context: tuple[str, str] | None = None
    stale: bool = False
    #: the line of the entry's header in the file (1-based), for messages
    line: int = 1
    #: the variant's number on the HTML page, as last written (``number = 4``)
    number: int | None = None
    #: where the base reads it, as last written: ``file:line:col`` (``at = "frus.txt:2:292"``)
    at: str | None = None

    @property
    def place(self) -> tuple[int, int] | None:
        """``at``'s line and column, to tell apart entries whose readings and context are alike."""
        if not self.at:
            return None
        parts = self.at.rsplit(":", 2)
        if len(parts) != 3 or not (parts[1].isdigit() and parts[2].isdigit()):
            return None
        return int(parts[1]), int(parts[2])


@dataclass(frozen=True)
class Apparatus:
    """An apparatus file, read and checked; ``exists`` is false when there is none yet."""

    path: Path
    entries: dict[str, Entry]
    exists: bool = False


@dataclass(frozen=True)
class Match:
    """How the entries of a file meet the variants of a collation."""

    #: variant id -> its entry (same id, or re-attached)
    entries: dict[str, Entry]
    #: (entry, variant) pairs where the entry's id is gone and it follows its readings
    reattached: list[tuple[Entry, Variant]]
    #: entries whose variant no longer occurs
    stale: list[Entry]
    #: ``error`` (or ``corrected``) entries whose variant no longer occurs: the witness was fixed
    corrected: list[Entry] = field(default_factory=list)
    #: the following half of a transposition (without an entry of its own) -> the leading half's id,
    #: whose entry decides both (:mod:`collate.moves`)
    shared: dict[str, str] = field(default_factory=dict)


@dataclass
class SyncReport:
    """What :func:`sync` did to one file (ids), for the command to print."""

    path: Path
    added: list[str] = field(default_factory=list)
    reattached: list[tuple[str, str]] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # newly marked
    still_stale: list[str] = field(default_factory=list)
    revived: list[str] = field(default_factory=list)  # stale mark cleared
    updated: list[str] = field(default_factory=list)  # readings snapshot refreshed
    placed: list[str] = field(default_factory=list)  # number, at or context refreshed
    corrected: list[str] = field(default_factory=list)  # error -> corrected: the witness was fixed
    reopened: list[str] = field(default_factory=list)  # corrected -> error: the variant is back
    unchanged: int = 0
    written: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.reattached or self.stale or self.revived or self.updated
                    or self.placed or self.corrected or self.reopened)


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


def parse(text: str, path: Path) -> tomlkit.TOMLDocument:
    """Parse with tomlkit; a syntax error names the file, line and column."""
    import tomlkit.exceptions  # here: only writing the file, or naming a syntax error's place, needs tomlkit

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
    a long file); tomlkit is used where the file is rewritten.
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
            readings={str(s): _collapse(str(r)) for s, r in readings.items()},
            context=context,
            stale=stale,
            line=line,
            number=int(number) if number is not None else None,
            at=str(at) if at is not None else None,
        )
    return entries


def _value(value: Any) -> str:
    return repr(str(value)) if isinstance(value, str) else repr(value)


#: ``[variants.<id>]`` (or ``[variants.<id>.readings]``) at a line start, the id bare or quoted
_HEADER = re.compile(r"^[ \t]*\[[ \t]*variants[ \t]*\.[ \t]*(?:\"([^\"\n]+)\"|'([^'\n]+)'|([A-Za-z0-9_-]+))[ \t]*[\].]", re.M)
#: ``<id> = {...}`` or ``<id>.status = ...`` at a line start, under ``[variants]``
_KEY = re.compile(r"^[ \t]*(?:\"([^\"\n]+)\"|'([^'\n]+)'|([A-Za-z0-9_-]+))[ \t]*[=.]", re.M)
_TABLE = re.compile(r"^[ \t]*\[", re.M)


def entry_lines(text: str) -> dict[str, int]:
    """Every entry's id -> the line of its header (1-based), in one pass over the text.

    Entries written as keys of a ``[variants]`` table (``<id> = {...}``) are
    found too; the first line that names an id wins.
    """
    found: dict[str, int] = {}
    line, at = 1, 0
    for m in _HEADER.finditer(text):
        line += text.count("\n", at, m.start())
        at = m.start()
        found.setdefault(next(g for g in m.groups() if g is not None), line)
    plain = re.search(r"^[ \t]*\[[ \t]*variants[ \t]*\][ \t]*(#.*)?$", text, re.M)
    if plain:  # keys under [variants], up to the next table header
        start = plain.end()
        nxt = _TABLE.search(text, start)
        end = nxt.start() if nxt else len(text)
        line, at = text.count("\n", 0, start) + 1, start
        for m in _KEY.finditer(text, start, end):
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


def _collapse(text: str) -> str:
    return " ".join(text.split())


def snapshot(v: Variant) -> dict[str, str]:
    """A variant's readings as the file keeps them: by siglum, whitespace collapsed."""
    return {s: _collapse(r.text) for s, r in v.readings.items()}


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

    def status(entry: Entry) -> str:
        return "error" if entry.status == "corrected" else entry.status

    def decided(v: Variant) -> Variant:
        entry = m.entries.get(v.id) or m.entries.get(m.shared.get(v.id, ""))
        return replace(v, status=status(entry), note=entry.note) if entry is not None else v

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


# -- writing ---------------------------------------------------------------------------


def _inline(values: dict[str, str]) -> Any:
    import tomlkit  # here, as every use of tomlkit: a run only reads the file (with tomllib)

    table = tomlkit.inline_table()
    table.update(values)
    return table


def _new_entry(v: Variant, where: Where) -> Any:
    import tomlkit  # here: only writing the file needs tomlkit

    table = tomlkit.table()
    table["number"] = where.number
    table["at"] = where.at
    table["status"] = "unreviewed"
    table["readings"] = _inline(snapshot(v))
    table["context"] = list(where.context)
    return table


@dataclass(frozen=True)
class Where:
    """What an entry says about its variant's place, to find it on the page and in the text."""

    #: the variant's number on the HTML page (1-based, in the order of the text)
    number: int
    #: the base's ``file:line:col`` (the file relative to the set folder)
    at: str
    #: a few words of the base's text either side, with their punctuation
    context: tuple[str, str]


_WORD = re.compile(r"\w+")


def page_context(text: str, start: int, end: int, words: int = 4) -> tuple[str, str]:
    """``words`` words of ``text`` before ``start`` and after ``end``, as written (whitespace collapsed).

    The punctuation between them is kept: what the page shows, so people find
    the place by reading, where the variant's own context keeps the words only.
    """
    before = list(_WORD.finditer(text, max(0, start - 400), start))
    left = before[-words].start() if len(before) >= words else max(0, start - 400) if before else start
    if before and len(before) < words:
        left = before[0].start()
    after = list(_WORD.finditer(text, end, end + 400))
    right = after[words - 1].end() if len(after) >= words else (after[-1].end() if after else end)
    # the punctuation that closes the last word after (``sincerely,``) stays with it
    tail = re.match(r"[^\w\s]*", text[right:right + 8])
    right += len(tail.group(0)) if tail else 0
    return _collapse(text[left:start]), _collapse(text[end:right])


def places(c: Collation) -> dict[str, Where]:
    """Each variant's number, base ``file:line:col`` and page context, by id."""
    texts = {w.siglum: (w.file, w.text) for w in c.witnesses}
    file, text = texts.get(c.base, ("", ""))
    out: dict[str, Where] = {}
    for n, v in enumerate(c.variants, 1):
        r = v.readings.get(c.base) or next(iter(v.readings.values()))
        if r.offset >= 0 and text:
            context = page_context(text, r.offset, r.end_offset if r.end_offset >= 0 else r.offset)
        else:
            context = v.context
        out[v.id] = Where(n, f"{file}:{r.line}:{r.column}", context)
    return out


def _set_key(table: Any, key: str, value: Any) -> None:
    """Set ``key`` in an entry; a new key goes right after the entry's last key.

    A plain ``table[key] = value`` would append after the comments that trail
    the entry, and tomlkit reads a comment just above the next header as part
    of this entry: the new line would land under a note meant for the next one.
    """
    if key in table:
        table[key] = value
        return
    keys = list(table.keys())
    container = getattr(table, "value", None)
    if keys and container is not None and hasattr(container, "_insert_after"):  # tomlkit has no public insert
        container._insert_after(keys[-1], key, value)
    else:
        table[key] = value


def _place(item: Any, where: Where) -> bool:
    """Write an entry's number, ``at`` and context; number and ``at`` head an entry that lacks them.

    An entry someone wrote as an inline table (``<id> = {status = ...}``) is
    left as written: it is theirs to lay out. Returns whether anything changed.
    """
    import tomlkit.items  # here: only writing the file needs tomlkit

    if isinstance(item, tomlkit.items.InlineTable):
        return False
    changed = False
    container = getattr(item, "value", None)
    for n, (key, value) in enumerate((("number", where.number), ("at", where.at))):
        if key in item:
            if item[key] != value:
                item[key] = value
                changed = True
            continue
        if container is not None and hasattr(container, "_insert_at"):  # tomlkit has no public insert
            container._insert_at(n, key, value)
        else:
            item[key] = value
        changed = True
    if tuple(item.get("context") or ()) != where.context:
        _set_key(item, "context", list(where.context))
        changed = True
    return changed


def _header(collation: Collation) -> str:
    return (
        f"# Apparatus of {collation.title or collation.name}: the editor's decision about each variant.\n"
        "# status: unreviewed | recorded | ignored | error (a transcription error: fix the witness)\n"
        "# | corrected (an error since fixed in the witness: kept on record, listed as an erratum).\n"
        "# Written by `collate apparatus` and edited by people: comments, order and layout are kept;\n"
        "# an entry whose variant disappears is marked stale, never deleted.\n\n"
    )


def synced_text(collation: Collation, text: str | None, path: Path) -> tuple[str, SyncReport]:
    """The file's new text after bringing it up to date with ``collation``, and what changed.

    Pure (no I/O): :func:`sync` writes the result. Only entries that change are
    touched; re-attaching renames the entry's ``[variants.<id>]`` header in the
    text itself, so the entry keeps its place and the comments around it.
    """
    import tomlkit  # here: only writing the file needs tomlkit

    report = SyncReport(path)
    original = text or ""
    bom = BOM if original.startswith(BOM) else ""
    body = original.removeprefix(BOM)
    entries = entries_of(_load(body, path), body, path) if text is not None else {}
    m = match(collation.variants, entries, collation.base)
    # 1. re-attached entries: rename them in the text, so each keeps its place and comments
    for entry, v in m.reattached:
        body = _rename(body, entry, v.id, path)
        report.reattached.append((entry.id, v.id))
    if text is None:
        body = _header(collation)
    doc = parse(body, path)
    table: Any = doc.get("variants")
    reattached_to = {v.id for _, v in m.reattached}
    wheres = places(collation)
    # 2. entries that still (or again) have their variant
    for v in collation.variants:
        if v.id not in m.entries:
            continue
        entry = m.entries[v.id]
        item = table[v.id]
        touched = False
        if entry.stale:
            del item["stale"]
            if v.id not in reattached_to:
                report.revived.append(v.id)
            touched = True
        if entry.status == "corrected":  # the correction was undone: an error again
            item["status"] = "error"
            report.reopened.append(v.id)
            touched = True
        if entry.readings != snapshot(v):
            _set_key(item, "readings", _inline(snapshot(v)))
            report.updated.append(v.id)
            touched = True
        where = wheres[v.id]
        if (entry.number, entry.at, entry.context) != (where.number, where.at, where.context) and _place(item, where):
            if v.id not in reattached_to:
                report.placed.append(v.id)
            touched = True
        if not touched and v.id not in reattached_to:
            report.unchanged += 1
    # 3. entries whose variant is gone: an error fixed is a correction on record; others kept, marked stale
    for entry in m.corrected:
        item = table[entry.id]
        if entry.stale:
            del item["stale"]
        if entry.status == "error":
            item["status"] = "corrected"
            report.corrected.append(entry.id)
        elif entry.stale:
            report.corrected.append(entry.id)
        else:
            report.unchanged += 1
    for entry in m.stale:
        if entry.stale:
            report.still_stale.append(entry.id)
            continue
        _set_key(table[entry.id], "stale", True)
        report.stale.append(entry.id)
    # 4. variants without an entry, in the order of the text (a transposition's second half shares the first's)
    for v in collation.variants:
        if v.id in m.entries or v.id in m.shared:
            continue
        if table is None:
            table = tomlkit.table(is_super_table=True)
            doc["variants"] = table
            table = doc["variants"]
        table[v.id] = _new_entry(v, wheres[v.id])
        report.added.append(v.id)
    if not report.changed and text is not None:
        return original, report
    return bom + tomlkit.dumps(doc), report


def _rename(body: str, entry: Entry, new: str, path: Path) -> str:
    """Give an entry a new id in the file's text: its ``[variants.<id>]`` header, or its key.

    An entry written as ``<id> = { ... }`` or with dotted keys (``<id>.status``)
    under ``[variants]`` is renamed where its key starts a line.
    """
    key = re.escape(entry.id)
    headers = re.compile(rf"^([ \t]*\[[ \t]*variants[ \t]*\.[ \t]*)(\"{key}\"|'{key}'|{key})([ \t]*[\].])", re.M)
    body, n = headers.subn(lambda g: g.group(1) + new + g.group(3), body)  # [variants.<id>(.readings)]
    if n:
        return body
    pattern = re.compile(rf"^([ \t]*)(\"{key}\"|'{key}'|{key})([ \t]*[=.])", re.M)
    body, n = pattern.subn(lambda g: g.group(1) + new + g.group(3), body)
    if n == 0:
        raise ApparatusError(f"cannot find entry {entry.id} in the text to re-attach it to {new}",
                             _shown(path), entry.line)
    return body


def sync(collation: Collation, path: Path | None = None) -> SyncReport:
    """Bring a set's apparatus file up to date with its collation, and write it if it changed.

    Idempotent: a second run with the same collation changes nothing. A set
    with no variants and no file gets no file.
    """
    path = apparatus_path(path if path is not None else collation)
    text = read_text(path)
    if text is None and not collation.variants:
        return SyncReport(path)
    new, report = synced_text(collation, text, path)
    if new != text:
        write_atomic(path, new)
        report.written = True
    return report


def write_atomic(path: Path, text: str) -> None:
    """Write the apparatus file atomically (atomic.write_atomic): never half a file."""
    atomic.write_atomic(path, text, ApparatusError, "cannot write", _shown(path))


def set_entry(path: Path, vid: str, *, status: str | None = None, note: str | None = None,
              expected: str | None = None) -> Entry:
    """Set one entry's status and/or note in an apparatus file, and write it atomically.

    The one way other tools (``collate review``) write a decision: the file is
    read and rewritten with tomlkit, so every comment, other entry and key is
    kept; only the given keys of this entry change (a new key goes after the
    entry's last one), and the file is replaced atomically. ``path`` is the set
    folder or the apparatus file; the entry must exist (``collate apparatus``
    writes one for every variant). ``expected``, when given, is the file's
    text as the caller last read it: if the file changed since, nothing is
    written and :class:`ApparatusError` says so (another editor's save is never
    overwritten). Returns the entry as it now reads. A bad status, an unknown
    id or a malformed file raises :class:`ApparatusError`; the file is then
    untouched.
    """
    path = apparatus_path(path)
    text = read_text(path)
    shown = _shown(path)
    if text is None:
        raise ApparatusError("no apparatus file: run `collate apparatus` first", shown)
    if expected is not None and expected != text:
        raise ApparatusError("the file changed since it was read; reload it and try again", shown)
    if status is not None and status not in ENTRY_STATUSES:
        raise ApparatusError(f"entry {vid}: status must be one of {', '.join(ENTRY_STATUSES)}, not {status!r}",
                             shown)
    entries = read_entries(text, path)  # the whole file checked first
    if vid not in entries:
        raise ApparatusError(f"no entry {vid} in the apparatus (run `collate apparatus` to add it)", shown)
    new = _with_decisions(text, path, {vid: Decision(status, note)})
    if new != text:
        write_atomic(path, new)
    return read_apparatus(path).entries[vid]


# -- decisions (set_entry, collate review) ---------------------------------------------


@dataclass(frozen=True)
class Decision:
    """What an editor decided about one variant; ``None`` leaves that part as the file has it."""

    status: str | None = None
    note: str | None = None


def decision_state(entry: Entry | None) -> tuple[str, str]:
    """The status and note an entry gives its (present) variant, as :func:`annotate` reads them.

    No entry: unreviewed, no note; a ``corrected`` entry whose variant is back is an ``error``.
    """
    if entry is None:
        return "unreviewed", ""
    return ("error" if entry.status == "corrected" else entry.status), entry.note


def _apply(item: Any, d: Decision) -> None:
    """Set a decision's status and note in one entry, where they differ (no empty note added)."""
    if d.status is not None and item.get("status", "unreviewed") != d.status:
        _set_key(item, "status", d.status)
    if d.note is not None and item.get("note", "") != d.note and (d.note or "note" in item):
        _set_key(item, "note", d.note)


def _with_decisions(text: str, path: Path, decisions: dict[str, Decision]) -> str:
    """``text`` with each entry's status and note set (every entry must exist under its id).

    Only those keys change, where they differ (a new key goes after the entry's
    last, no empty note is added where there was none); comments, layout and
    every other key and entry stay as they are.
    """
    import tomlkit  # here: only writing the file needs tomlkit

    bom = BOM if text.startswith(BOM) else ""
    body = text.removeprefix(BOM)
    spliced = _spliced(body, decisions)
    if spliced is not None:
        return text if spliced == body else bom + spliced
    doc = parse(body, path)
    table: Any = doc["variants"]
    for vid, d in decisions.items():
        _apply(table[vid], d)
    new = bom + tomlkit.dumps(doc)
    return text if new == text else new


_TABLE_START = re.compile(r"^[ \t]*\[", re.M)


def _spliced(body: str, decisions: dict[str, Decision]) -> str | None:
    """The decisions written by parsing only the decided entries' tables, or None to parse it all.

    tomlkit reads a chapter's file of hundreds of entries in seconds, and a
    decision in the browser touches one or a few of them: each ``[variants.ID]``
    table is cut out (its header to the next line that opens a table), parsed and
    changed alone, and put back. Whatever tomlkit would keep, comments and layout,
    lies outside the cut or inside it unchanged. The result is checked: read as
    plain TOML it must be the old file with just those keys set, else (an entry
    as an inline table, a multi-line string holding a line that starts with
    ``[``, anything unforeseen) the whole file is parsed as before.
    """
    import tomlkit.exceptions  # here: only writing the file needs tomlkit

    spans: list[tuple[int, int, str]] = []
    for vid in decisions:
        quoted = re.escape(vid)
        header = re.compile(
            rf"""^[ \t]*\[[ \t]*variants[ \t]*\.[ \t]*(?:"{quoted}"|'{quoted}'|{quoted})[ \t]*\][ \t]*(?:#.*)?$""",
            re.M,
        )
        found = list(header.finditer(body))
        if len(found) != 1:
            return None
        following = _TABLE_START.search(body, found[0].end())
        spans.append((found[0].start(), following.start() if following else len(body), vid))
    spans.sort()
    if any(a[1] > b[0] for a, b in pairwise(spans)):
        return None
    try:
        before = tomllib.loads(body)
        pieces: list[str] = []
        at = 0
        for start, end, vid in spans:
            doc = tomlkit.parse(body[start:end])
            _apply(doc["variants"][vid], decisions[vid])
            pieces += [body[at:start], tomlkit.dumps(doc)]
            at = end
        new = "".join(pieces) + body[at:]
        expected = {**before, "variants": dict(before["variants"])}
        for vid, d in decisions.items():
            entry = dict(expected["variants"][vid])
            _apply(entry, d)
            expected["variants"][vid] = entry
        if tomllib.loads(new) != expected:
            return None
    except (tomllib.TOMLDecodeError, tomlkit.exceptions.TOMLKitError, KeyError, TypeError):
        return None
    return new


def decide(collation: Collation, text: str | None, path: Path, decisions: dict[str, Decision]) -> str:
    """The file's new text with each decision written into its variant's entry; pure, no I/O.

    Many decisions make one new text (one atomic replace for a batch). Where a
    decided variant has no entry under its id yet (a new variant, or an entry
    to re-attach), the file is first brought up to date exactly as ``collate
    apparatus`` would (:func:`synced_text`), then the decisions are set. Raises
    :class:`ApparatusError` for a malformed file, a bad status or an id that
    is not a variant of ``collation``.
    """
    ids = {v.id for v in collation.variants}
    unknown = [vid for vid in decisions if vid not in ids]
    if unknown:
        raise ApparatusError(f"no variant {', '.join(unknown)} in set {collation.name}", _shown(path))
    # a transposition is one decision: a decision on its following half is its leading half's
    followers = leads(collation.variants)
    decisions = {followers.get(vid, vid): d for vid, d in decisions.items()}
    for vid, d in decisions.items():
        if d.status is not None and d.status not in STATUSES:
            raise ApparatusError(f"variant {vid}: status must be one of {', '.join(STATUSES)}, not {d.status!r}",
                                 _shown(path))
    entries = read_entries(text, path)
    if text is None or any(vid not in entries for vid in decisions):
        synced, _ = synced_text(collation, text, path)
    else:
        synced = text
    new = _with_decisions(synced, path, decisions)
    return text if text is not None and new == text else new
