"""The apparatus file: an editor's decision about each variant, kept beside the witnesses.

``witnesses/<set>/apparatus.toml`` is written by ``collate apparatus`` and edited
by people, so it is read and rewritten with tomlkit: comments, order and layout
survive, and only the entries that change are touched. One entry per variant::

    [variants.3800165530]
    status = "recorded"                      # unreviewed | recorded | ignored | error
    readings = { FRUS = "to", APP = "" }     # snapshot, for people and re-anchoring
    context = ["you will convey", "President Kalinin my greetings"]
    note = "APP omits “to”."

Variant ids hash the readings and four agreeing words either side, so an edit
next to a variant changes its id. An entry whose id is gone is *re-attached* to
a current variant with the same readings (whitespace aside) and the most
similar context; one that matches nothing is kept and marked ``stale = true``,
never dropped: nothing an editor wrote is lost. :func:`match` holds that logic
once, so ``check`` (read-only) and ``sync`` (which writes) always agree.

Writes are atomic: a temporary file in the same folder, fsync, then
``os.replace``; an interrupted run leaves the old file whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions
from rapidfuzz import fuzz

from . import atomic
from .errors import ApparatusError
from .model import STATUSES, Collation, Variant

FILENAME = "apparatus.toml"
BOM = "\ufeff"
#: how alike (0-100, rapidfuzz ratio) the stored and the current context must
#: be for an entry to follow its readings to a new id; below that the entry is
#: kept as stale rather than pinned on some other place with the same words
REATTACH_MIN_SIMILARITY = 50.0
#: entry keys collate knows; people may add their own (reviewer, date ...)
KNOWN_KEYS = {"status", "readings", "note", "context", "stale"}


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
    unchanged: int = 0
    written: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.reattached or self.stale or self.revived or self.updated)


# -- reading ---------------------------------------------------------------------------


def apparatus_path(where: Collation | Path) -> Path:
    """The apparatus file of a set: ``<set folder>/apparatus.toml`` (a file path is kept)."""
    path = where.path if isinstance(where, Collation) else Path(where)
    return path if path.suffix == ".toml" else path / FILENAME


def _shown(path: Path) -> str:
    from .witness import display_path

    return display_path(path)


def read_text(path: Path) -> str | None:
    """The file's text (BOM kept), or None when it does not exist."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ApparatusError(f"cannot read: {exc.strerror or exc}", _shown(path)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ApparatusError("not valid UTF-8", _shown(path), line) from None


def parse(text: str, path: Path) -> tomlkit.TOMLDocument:
    """Parse with tomlkit; a syntax error names the file, line and column."""
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
    """Read and check an apparatus file; a missing file is an empty apparatus."""
    path = apparatus_path(path)
    text = read_text(path)
    if text is None:
        return Apparatus(path, {}, exists=False)
    return Apparatus(path, _entries(parse(text, path), text, path), exists=True)


def _entries(doc: tomlkit.TOMLDocument, text: str, path: Path) -> dict[str, Entry]:
    shown = _shown(path)
    table = doc.get("variants")
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise ApparatusError("'variants' must be a table of [variants.<id>] entries", shown,
                             _key_line(text, "variants"))
    entries: dict[str, Entry] = {}
    for vid, raw in table.items():
        line = entry_line(text, vid)
        if not isinstance(raw, dict):
            raise ApparatusError(f"entry {vid!r} must be a table with status, readings and note", shown, line)

        def where(key: str, vid: str = vid, line: int = line) -> int:
            return _key_line(text, key, start=line) or line

        status = raw.get("status", "unreviewed")
        if not isinstance(status, str) or status not in STATUSES:
            raise ApparatusError(
                f"entry {vid}: status must be one of {', '.join(STATUSES)}, not {_value(status)}",
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
        entries[str(vid)] = Entry(
            id=str(vid),
            status=str(status),
            note=str(note),
            readings={str(s): _collapse(str(r)) for s, r in readings.items()},
            context=context,
            stale=stale,
            line=line,
        )
    return entries


def _value(value: Any) -> str:
    return repr(str(value)) if isinstance(value, str) else repr(value)


def _header_re(vid: str) -> re.Pattern[str]:
    key = re.escape(vid)
    return re.compile(rf"^([ \t]*\[[ \t]*variants[ \t]*\.[ \t]*)(\"{key}\"|'{key}'|{key})([ \t]*\])", re.M)


def entry_line(text: str, vid: str) -> int:
    """The line of ``[variants.<id>]`` (or, failing that, of the id's first mention)."""
    found = _header_re(vid).search(text)
    at = found.start() if found else text.find(vid)
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


def _similarity(entry: Entry, v: Variant) -> float:
    if entry.context is None:
        return 0.0
    return fuzz.ratio(" | ".join(entry.context), " | ".join(v.context))


def match(variants: Iterable[Variant], entries: dict[str, Entry]) -> Match:
    """Pair entries with variants: by id, then orphans by readings and nearby context.

    An orphan entry (its id is gone) follows a variant that has no entry of its
    own, whose readings equal its snapshot, and whose context is alike (at
    least :data:`REATTACH_MIN_SIMILARITY`; an entry written without a context
    takes the first such variant). The most alike pairs are made first, so two
    entries with the same readings go back to their own places.
    """
    variants = list(variants)
    found = {v.id: entries[v.id] for v in variants if v.id in entries}
    orphans = [e for vid, e in entries.items() if vid not in found]
    free = [v for v in variants if v.id not in found]
    pairs: list[tuple[float, int, int]] = []
    for i, entry in enumerate(orphans):
        if not entry.readings:
            continue
        for j, v in enumerate(free):
            if snapshot(v) != entry.readings:
                continue
            score = _similarity(entry, v)
            if entry.context is not None and score < REATTACH_MIN_SIMILARITY:
                continue
            pairs.append((-score, i, j))
    pairs.sort()
    reattached: list[tuple[Entry, Variant]] = []
    used_entries: set[int] = set()
    used_variants: set[int] = set()
    for _, i, j in pairs:
        if i in used_entries or j in used_variants:
            continue
        used_entries.add(i)
        used_variants.add(j)
        reattached.append((orphans[i], free[j]))
        found[free[j].id] = orphans[i]
    stale = [e for i, e in enumerate(orphans) if i not in used_entries]
    return Match(found, reattached, stale)


def annotate(collation: Collation, apparatus: Apparatus) -> Collation:
    """The collation with each variant's status and note, and the stale entries listed.

    Read-only: what the file would say after ``collate apparatus``, so reports
    and ``check`` agree with ``sync``.
    """
    m = match(collation.variants, apparatus.entries)
    variants = tuple(
        replace(v, status=m.entries[v.id].status, note=m.entries[v.id].note) if v.id in m.entries else v
        for v in collation.variants
    )
    shown = _shown(apparatus.path)
    stale = tuple(
        {"id": e.id, "status": e.status, "note": e.note, "readings": dict(e.readings),
         "file": shown, "line": e.line}
        for e in m.stale
    )
    return replace(collation, variants=variants, stale=stale)


def annotated(collation: Collation) -> Collation:
    """The collation with its set's apparatus file merged in (when the set has a folder)."""
    if collation.single or not collation.path.is_dir():
        return collation
    return annotate(collation, read_apparatus(apparatus_path(collation)))


# -- writing ---------------------------------------------------------------------------


def _inline(values: dict[str, str]) -> Any:
    table = tomlkit.inline_table()
    table.update(values)
    return table


def _new_entry(v: Variant) -> Any:
    table = tomlkit.table()
    table["status"] = "unreviewed"
    table["readings"] = _inline(snapshot(v))
    table["context"] = list(v.context)
    return table


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
    if keys and hasattr(container, "_insert_after"):  # tomlkit has no public insert
        container._insert_after(keys[-1], key, value)
    else:
        table[key] = value


def _header(collation: Collation) -> str:
    return (
        f"# Apparatus of {collation.title or collation.name}: the editor's decision about each variant.\n"
        "# status: unreviewed | recorded | ignored | error (a transcription error: fix the witness).\n"
        "# Written by `collate apparatus` and edited by people: comments, order and layout are kept;\n"
        "# an entry whose variant disappears is marked stale, never deleted.\n\n"
    )


def render(collation: Collation, text: str | None, path: Path) -> tuple[str, SyncReport]:
    """The file's new text after bringing it up to date with ``collation``, and what changed.

    Pure (no I/O): :func:`sync` writes the result. Only entries that change are
    touched; re-attaching renames the entry's ``[variants.<id>]`` header in the
    text itself, so the entry keeps its place and the comments around it.
    """
    report = SyncReport(path)
    original = text or ""
    bom = BOM if original.startswith(BOM) else ""
    body = original.removeprefix(BOM)
    entries = _entries(parse(body, path), body, path) if text is not None else {}
    m = match(collation.variants, entries)
    # 1. re-attached entries: rename them in the text, so each keeps its place and comments
    for entry, v in m.reattached:
        body = _rename(body, entry, v.id, path)
        report.reattached.append((entry.id, v.id))
    if text is None:
        body = _header(collation)
    doc = parse(body, path)
    table = doc.get("variants")
    reattached_to = {v.id for _, v in m.reattached}
    # 2. entries that still (or again) have their variant
    for v in collation.variants:
        entry = m.entries.get(v.id)
        if entry is None:
            continue
        item = table[v.id]
        touched = False
        if entry.stale:
            del item["stale"]
            if v.id not in reattached_to:
                report.revived.append(v.id)
            touched = True
        if entry.readings != snapshot(v):
            _set_key(item, "readings", _inline(snapshot(v)))
            report.updated.append(v.id)
            touched = True
        if v.id in reattached_to and entry.context != v.context:
            _set_key(item, "context", list(v.context))
            touched = True
        if not touched and v.id not in reattached_to:
            report.unchanged += 1
    # 3. entries whose variant is gone: kept, marked
    for entry in m.stale:
        if entry.stale:
            report.still_stale.append(entry.id)
            continue
        _set_key(table[entry.id], "stale", True)
        report.stale.append(entry.id)
    # 4. variants without an entry, in the order of the text
    for v in collation.variants:
        if v.id in m.entries:
            continue
        if table is None:
            table = tomlkit.table(is_super_table=True)
            doc["variants"] = table
            table = doc["variants"]
        table[v.id] = _new_entry(v)
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
    new, report = render(collation, text, path)
    if new != text:
        write_atomic(path, new)
        report.written = True
    return report


def write_atomic(path: Path, text: str) -> None:
    """Write the apparatus file atomically (atomic.write_atomic): never half a file."""
    atomic.write_atomic(path, text, ApparatusError, "cannot write", _shown(path))
