"""The apparatus file rewritten: brought up to date with a collation, and decisions written into it.

The writing half of :mod:`collate.apparatus` (which reads the file and matches
its entries to variants: every ``collate run`` and ``collate check``). Only
``collate apparatus`` (:func:`sync`) and ``collate review`` (:func:`decide`,
:func:`set_entry`) write the file, so only they import this module and tomlkit,
which keeps comments, order and layout: only the entries that change are
touched. The writers decide with the reader's own :func:`collate.apparatus.match`,
so what a run reports and what ``collate apparatus`` writes always agree.

Writes are atomic: a temporary file in the same folder, fsync, then
``os.replace``; an interrupted run leaves the old file whole.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions
import tomlkit.items

from . import atomic
from .apparatus import (
    BOM,
    ENTRY_STATUSES,
    Entry,
    apparatus_path,
    match,
    parse,
    read_apparatus,
    read_entries,
    read_text,
    snapshot,
)
from .errors import ApparatusError
from .model import STATUSES, Collation, Variant
from .moves import leads
from .readings import collapse
from .sources import display_path

# -- bringing the file up to date (collate apparatus) ------------------------------------


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


def _inline(values: dict[str, str]) -> Any:
    table = tomlkit.inline_table()
    table.update(values)
    return table


def _new_entry(v: Variant, where: Where) -> Any:
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
    return collapse(text[left:start]), collapse(text[end:right])


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
    report = SyncReport(path)
    original = text or ""
    bom = BOM if original.startswith(BOM) else ""
    body = original.removeprefix(BOM)
    entries = read_entries(text, path)
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
                             display_path(path), entry.line)
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
    atomic.write_atomic(path, text, ApparatusError, "cannot write", display_path(path))


# -- decisions (set_entry, collate review) ---------------------------------------------


@dataclass(frozen=True)
class Decision:
    """What an editor decided about one variant; ``None`` leaves that part as the file has it."""

    status: str | None = None
    note: str | None = None


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
    shown = display_path(path)
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
        raise ApparatusError(f"no variant {', '.join(unknown)} in set {collation.name}", display_path(path))
    # a transposition is one decision: a decision on its following half is its leading half's
    followers = leads(collation.variants)
    decisions = {followers.get(vid, vid): d for vid, d in decisions.items()}
    for vid, d in decisions.items():
        if d.status is not None and d.status not in STATUSES:
            raise ApparatusError(f"variant {vid}: status must be one of {', '.join(STATUSES)}, not {d.status!r}",
                                 display_path(path))
    entries = read_entries(text, path)
    if text is None or any(vid not in entries for vid in decisions):
        synced, _ = synced_text(collation, text, path)
    else:
        synced = text
    new = _with_decisions(synced, path, decisions)
    return text if text is not None and new == text else new

