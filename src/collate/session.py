"""One ``collate review`` session: the sets collated once, their decisions written safely.

The server (:mod:`collate.server`) only speaks HTTP; everything it knows about
sets and apparatus files is here, so tests call it without a socket.

Sets are collated when the session starts, and again when a witness file or
``set.toml`` changes on disk (a stat is cheap; collating on every request is
not). The apparatus file is read afresh for every page and every write: it is
the editor's, and may be edited in a text editor or changed by ``git pull``
while the server runs.

A write never overwrites a change it has not seen. Each variant's decision
has a *version* (a hash of its status and note as the file gives them). A
write says which version it was decided on — the page sends the version it
was rendered with (``If-Match``); a client that sends none is taken to have
decided on what the server last read. If the entry in the file on disk is
still at that version, the decision is written into the *current* file (a
hand edit elsewhere in it is kept: a merge); if not, nothing is written and
:class:`Conflict` says what the entry holds now. The file is read, changed and
replaced through :mod:`collate.apparatus_write` (tomlkit, comments and layout kept,
atomic replace), as ``collate apparatus`` does; just before the replace it is
read once more, and a change that landed meanwhile sends the write round again.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .apparatus import Apparatus as ApparatusFile
from .apparatus import Entry, annotate, apparatus_path, decision_state, match, read_entries, read_text
from .apparatus_write import Decision, decide, write_atomic
from .config import Config
from .control import collate_set, load_sets
from .digests import blake2b
from .errors import CollateError
from .model import STATUSES, Collation, WitnessSet
from .sources import display_path

#: the longest note the server writes (characters); a longer one is refused, not cut
MAX_NOTE = 10_000
#: how often a write is tried again when the file changes between reading and replacing it
WRITE_ATTEMPTS = 3


class SessionError(Exception):
    """A request the session cannot carry out; ``status`` is the HTTP status it maps to."""

    status = 400

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(SessionError):
    status = 404


class WriteFailed(SessionError):
    """The file could not be replaced (a read-only folder, a full disk): the old one is whole."""

    status = 500


class Conflict(SessionError):
    """The entry changed on disk since the decision was made on it: nothing was written."""

    status = 409


def version(status: str, note: str) -> str:
    """A short fingerprint of a decision, for ``If-Match``: equal exactly when status and note are."""
    return blake2b(json.dumps([status, note]).encode("utf-8"), digest_size=8).hexdigest()


@dataclass(frozen=True)
class VariantState:
    """A variant's decision as the file on disk gives it."""

    id: str
    status: str
    note: str
    version: str


@dataclass(frozen=True)
class WriteResult:
    """What a write did: the decided variants as they now stand, and how."""

    variants: tuple[VariantState, ...]
    #: the file had changed on disk since the server read it; the decision went into the new text
    merged: bool
    #: false when the decision was already what the file said (nothing to write)
    written: bool


@dataclass
class _Set:
    wset: WitnessSet
    collation: Collation
    inputs: tuple[tuple[str, int, int], ...]
    #: the apparatus file's text when the server last read or wrote it, and each variant's version then
    seen_text: str | None = None
    seen: dict[str, str] = field(default_factory=dict)

    @property
    def writable(self) -> bool:
        """A set folder with two witnesses or more has an apparatus file (CollateX JSON input has none)."""
        return self.wset.manifest is not None and not self.collation.single and self.collation.path.is_dir()


def _inputs(wset: WitnessSet) -> tuple[tuple[str, int, int], ...]:
    files = [wset.manifest, *(w.path for w in wset.witnesses)]
    out = []
    for path in files:
        if path is None:
            continue
        try:
            st = Path(path).stat()
            out.append((str(path), st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((str(path), -1, -1))
    return tuple(out)


class Session:
    """The sets under ``paths``, collated; reads and writes of their apparatus files."""

    def __init__(self, paths: Sequence[Path], config: Config, engine: str | None = None) -> None:
        self.config = config
        self.engine = engine or config.engine
        self._lock = threading.Lock()  # one write at a time, whatever thread the server runs it in
        # the entries of the texts last read: a write reads the file it last served, and the page
        # that follows reads what it wrote; each read of a chapter's file costs a good part of a second
        self._read_memo: dict[tuple[Path, str], dict[str, Entry]] = {}
        self._sets: dict[str, _Set] = {}
        for wset in load_sets(paths, config):  # two sets of one name are refused there
            self._sets[wset.name] = _Set(wset, collate_set(wset, self.engine, table=False), _inputs(wset))
        for name in self._sets:  # every apparatus file checked before the server starts
            self.current(name)

    @property
    def names(self) -> list[str]:
        return sorted(self._sets)

    def _set(self, name: str) -> _Set:
        found = self._sets.get(name)
        if found is None:
            raise NotFound(f"no set named {name!r}")
        inputs = _inputs(found.wset)
        if inputs != found.inputs and found.wset.manifest is not None:
            # a witness or set.toml was edited: collate the set again (an edit that breaks it is a 409)
            try:
                (wset,) = load_sets([found.wset.manifest.parent], self.config)
                found.collation = collate_set(wset, self.engine, table=False)
            except CollateError as exc:
                raise Conflict(f"set {name} cannot be collated as it is on disk now: {exc}") from None
            found.wset, found.inputs = wset, inputs
        return found

    def writable(self, name: str) -> bool:
        return self._set(name).writable

    def apparatus_file(self, name: str) -> str | None:
        """Where the set's decisions are kept, as people read the path (None: it has none)."""
        found = self._set(name)
        return display_path(apparatus_path(found.collation)) if found.writable else None

    def current(self, name: str) -> tuple[Collation, dict[str, str]]:
        """The set's collation with its apparatus as on disk now, and each variant's version.

        This is a read of the file: what a client that sends no version decided on.
        """
        found = self._set(name)
        c = found.collation
        if not found.writable:
            return c, {v.id: version(v.status, v.note) for v in c.variants}
        path = apparatus_path(c)
        text = self._read(path)
        entries = self._entries(text, path)
        annotated = annotate(c, ApparatusFile(path, entries, exists=text is not None))
        found.seen_text = text
        found.seen = {v.id: version(v.status, v.note) for v in annotated.variants}
        return annotated, dict(found.seen)

    def all_current(self) -> list[Collation]:
        return [self.current(name)[0] for name in self.names]

    def _entries(self, text: str | None, path: Path) -> dict[str, Entry]:
        """``read_entries`` of a text, remembered for the last few texts (a pure function of the text)."""
        if text is None:
            return {}
        key = (path, text)
        found = self._read_memo.get(key)
        if found is None:
            found = read_entries(text, path)
            if len(self._read_memo) >= 4:
                self._read_memo.pop(next(iter(self._read_memo)))
            self._read_memo[key] = found
        return dict(found)

    @staticmethod
    def _read(path: Path) -> str | None:
        try:
            return read_text(path)
        except CollateError as exc:
            raise Conflict(str(exc)) from None

    def write(self, name: str, decisions: dict[str, Decision], expected: dict[str, str | None]) -> WriteResult:
        """Write ``decisions`` (variant id -> decision) into the set's apparatus file, all or none.

        ``expected`` gives the version each was decided on (None or missing:
        what the server last read). Raises :class:`NotFound` for an unknown
        set or variant, :class:`Conflict` when an entry changed on disk since
        (or the file is not valid TOML now), :class:`SessionError` for a
        decision that cannot be written (a bad status, too long a note).
        """
        with self._lock:
            found = self._set(name)
            if not found.writable:
                raise SessionError(f"set {name} has no apparatus file to write (it is not a set folder"
                                   " with two witnesses or more)")
            c = found.collation
            ids = {v.id for v in c.variants}
            unknown = [vid for vid in decisions if vid not in ids]
            if unknown:
                raise NotFound(f"set {name} has no variant {', '.join(unknown)} (reload the page: the"
                               " witnesses may have changed)", ids=unknown)
            for vid, d in decisions.items():
                if d.status is not None and d.status not in STATUSES:
                    raise SessionError(f"status must be one of {', '.join(STATUSES)}, not {d.status!r}")
                if d.note is not None and len(d.note) > MAX_NOTE:
                    raise SessionError(f"the note for {vid} is {len(d.note):,} characters; at most {MAX_NOTE:,}"
                                       " are kept", limit=MAX_NOTE)
            base = {vid: expected.get(vid) or found.seen.get(vid) for vid in decisions}
            path = apparatus_path(c)
            for _ in range(WRITE_ATTEMPTS):
                text = self._read(path)
                try:
                    entries = match(c.variants, self._entries(text, path), c.base).entries
                except CollateError as exc:
                    raise Conflict(f"{exc} (fix the file, then reload the page)") from None
                now = {vid: decision_state(entries.get(vid)) for vid in decisions}
                changed = [vid for vid in decisions if base[vid] is not None and version(*now[vid]) != base[vid]]
                if changed:
                    raise Conflict(
                        f"{'variant ' + changed[0] if len(changed) == 1 else f'{len(changed)} variants'} changed in"
                        f" {display_path(path)} since this decision was made: nothing was written.",
                        current={vid: {"status": now[vid][0], "note": now[vid][1], "version": version(*now[vid])}
                                 for vid in changed})
                try:
                    new = decide(c, text, path, decisions)
                except CollateError as exc:
                    raise Conflict(f"{exc} (fix the file, then reload the page)") from None
                if new == text:
                    written = False
                elif self._read(path) != text:
                    continue  # edited while we worked: read it again
                else:
                    try:
                        write_atomic(path, new)
                    except CollateError as exc:
                        raise WriteFailed(str(exc)) from None
                    written = True
                merged = text != found.seen_text
                states = match(c.variants, self._entries(new, path), c.base).entries
                results = tuple(VariantState(vid, *decision_state(states.get(vid)),
                                             version=version(*decision_state(states.get(vid))))
                                for vid in decisions)
                self.current(name)
                return WriteResult(results, merged=merged, written=written)
            raise Conflict(f"{display_path(path)} kept changing while the decision was written; reload and try again")
