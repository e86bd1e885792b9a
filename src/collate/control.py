"""The control layer: the one place that collates sets, and what every command calls.

coverage.py's ``control.py`` is the model: the CLI parses options and calls
these functions with them as arguments (it never edits a :class:`Config`), and
other tools and the tests call the same code. The stages are composed here:
load (:mod:`collate.loaders`), tokenize and normalize, align
(:mod:`collate.engines`), find variants, measure, merge the apparatus, then
report (:mod:`collate.reporters`) or judge (:mod:`collate.check`).

* :func:`collate_set` — one set to a :class:`Collation`;
* :func:`run_sets` — ``collate run``: collate many sets (in parallel, or only
  those whose inputs changed) and write every report;
* :func:`sync_paths` / :func:`check_paths` — ``collate apparatus`` and
  ``collate check``; both collate every set and read every apparatus file
  before anything is written, so one broken file stops the run with nothing
  half-done;
* :func:`diff_files` — ``collate diff``: two files as a set of two.
"""

# No ``from __future__ import annotations``, as in every module of records (Alignment, SetRun and
# RenderedSet are: :mod:`collate.records` says why); the names only a type checker imports (and
# Remote, defined below) are written as strings.

import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from . import __version__
from .align import Columns
from .apparatus import Apparatus, annotate, apparatus_path, read_apparatus, with_decisions
from .config import Config, config_for, validate_classes
from .digests import blake2b
from .engines import DEFAULT_ENGINE, align
from .errors import CollateError, WitnessError
from .loaders import load_any
from .metrics import all_metrics
from .model import Collation, Prepared, WitnessSet, WitnessSummary
from .normalize import compile_rules, prepare_set
from .notices import warn
from .positions import positions
from .records import as_dict, record
from .reporters import DEFAULT_FORMATS, reporters_for, write_output
from .reporters.text import summary
from .rules import Rules
from .sources import display_path
from .table import alignment_table
from .variants import find_variants
from .witness import discover, read_witness
from .workers import call_writing, process_pool

if TYPE_CHECKING:
    from .apparatus_write import SyncReport
    from .check import CheckResult
    from .reporters.html import IndexRow


#: the HTML report's format name (``reporters.html.FORMAT``): a run, a check or a JSON-only run
#: names it without importing the reporter, which only a run writing HTML needs
HTML = "html"


# -- one set ---------------------------------------------------------------------------------


def load_sets(paths: Iterable[Path], config: Config) -> list[WitnessSet]:
    """Every set named by ``paths`` (a set folder or a folder of sets), loaded and checked."""
    sets: list[WitnessSet] = []
    for found in discover(paths):
        sets.extend(load_any(found, config))
    _distinct_names(sets)
    return sets


def _distinct_names(sets: list[WitnessSet]) -> None:
    """Two sets of one name would write the same reports (one silently over the other): refuse.

    A set is named after its folder, so ``a/letters/1933-11-16`` and
    ``b/letters/1933-11-16`` collide; the editor renames one folder.
    """
    seen: dict[str, WitnessSet] = {}
    for wset in sets:
        other = seen.setdefault(wset.name, wset)
        if other is not wset:
            raise WitnessError(
                f"two sets are named {wset.name!r}: {display_path(other.path)} and {display_path(wset.path)} "
                "(their reports would overwrite each other); rename one folder",
                display_path(wset.manifest or wset.path),
            )


@record
class Alignment:
    """A set's witnesses prepared (tokenized, normalized) and aligned: the stages' internals.

    What :func:`collate_set` builds the :class:`Collation` from; tests that hold
    the alignment to its invariants read it too. Reporters never see it.
    """

    #: the base first, the others as the set lists them: the order reports show them in
    prepared: tuple[Prepared, ...]
    #: each column maps a siglum to the index of its segment (empty for a single witness)
    columns: Columns
    rules: Rules

    def __init__(self, prepared: tuple[Prepared, ...], columns: Columns, rules: Rules) -> None:
        self.__dict__.update(prepared=prepared, columns=columns, rules=rules)


def align_set(wset: WitnessSet, engine: str = DEFAULT_ENGINE) -> Alignment:
    """Tokenize, normalize and align one set's witnesses."""
    rules = wset.rules
    ordered = sorted(wset.witnesses, key=lambda w: w.siglum != wset.base)
    prepared = tuple(prepare_set(ordered, rules))
    columns: Columns = []
    if len(prepared) > 1:
        columns = align({p.witness.siglum: [s.key for s in p.segments] for p in prepared}, engine)
    return Alignment(prepared, columns, rules)


def collate_set(wset: WitnessSet, engine: str = DEFAULT_ENGINE, table: bool = True) -> Collation:
    """Collate one set: the single function from witnesses to a :class:`Collation`.

    ``table=False`` leaves the alignment table out (``Collation.table`` empty): only a
    report that shows the whole table reads it (:attr:`Reporter.TABLE`), and a chapter's
    table costs more to build than its JSON report.
    """
    aligned = align_set(wset, engine)
    prepared, columns = list(aligned.prepared), aligned.columns
    walk = positions(prepared, columns) if len(prepared) > 1 and columns else None  # walked once, used twice
    if len(prepared) > 1:
        variants = find_variants(prepared, columns, aligned.rules, wset.base, walk)
        metrics = all_metrics(prepared, columns)
    else:
        variants, metrics = [], ()
    summaries = tuple(
        WitnessSummary(
            siglum=p.witness.siglum,
            file=_relative(p.witness.path, wset.path),
            label=p.witness.label,
            source=p.witness.source,
            tokens=len(p.tokens),
            text=p.witness.text,
        )
        for p in prepared
    )
    return Collation(
        name=wset.name,
        title=wset.title,
        path=wset.path,
        base=wset.base,
        witnesses=summaries,
        variants=tuple(variants),
        metrics=metrics,
        engine=engine,
        table=alignment_table(prepared, columns, walk) if table else (),
    )


def _relative(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.name


def collate_paths(paths: Iterable[Path], config: Config | None = None, engine: str | None = None) -> list[Collation]:
    """Load and collate every set under ``paths``."""
    paths = list(paths)
    config = config or config_for(paths)
    return [collate_set(s, engine or config.engine) for s in load_sets(paths, config)]



# -- collate run: many sets, their reports ---------------------------------------------------


@record
class SetRun:
    """What a run did with one set: its summary line, and whether it was collated or kept."""

    name: str
    summary: str
    collated: bool
    #: the set's line in the HTML index, kept for later runs (None: no HTML report)
    row: "IndexRow | None" = None

    def __init__(self, name: str, summary: str, collated: bool, row: "IndexRow | None" = None) -> None:
        self.__dict__.update(name=name, summary=summary, collated=collated, row=row)


def run_sets(
    paths: Sequence[Path],
    config: Config,
    out: Path | None = None,
    engine: str | None = None,
    formats: Sequence[str] | None = None,
    jobs: int | None = None,
    force: bool = False,
    echo: Callable[[str], None] = print,
    progress: Callable[[int, int], None] | None = None,
    remote: "Remote | None" = None,
) -> list[SetRun]:
    """Collate every set under ``paths`` and write its reports to ``out``.

    A set whose inputs (witness bytes, set.toml, apparatus.toml, settings,
    engine, formats, collate's own code) are as they were at the last run into
    ``out``, and whose reports are still there, is not collated again
    (``force`` collates it anyway); the fingerprints live in ``.collate-cache/``
    beside the project file, not among the reports. With ``jobs`` > 1 the sets are
    collated in that many processes; summaries are echoed in the sets' order
    all the same. ``progress(done, total)`` is called as sets finish.

    ``out``, ``engine`` and ``jobs`` default to the project's settings (``config``).
    With ``remote`` (a Dask cluster, :class:`collate.cluster.DaskCluster`) the sets
    are collated and rendered there, and written here.
    """
    out = out if out is not None else Path(config.output)
    engine = engine or config.engine
    jobs = jobs or config.jobs
    chosen = tuple(formats or DEFAULT_FORMATS)
    reporters = reporters_for(chosen)
    sets = load_sets(paths, config)  # every manifest checked before anything is written
    for wset in sets:  # and every apparatus file: a broken one in the last set stops the run before the first
        if len(wset.witnesses) > 1 and wset.path.is_dir():
            read_apparatus(apparatus_path(wset.path))
    cache = _Cache(out, engine, chosen, config)
    todo: list[int] = []
    done: dict[int, SetRun] = {}
    for n, wset in enumerate(sets):
        kept = None if force else cache.unchanged(wset, [f"{wset.name}{r.SUFFIX}" for r in reporters])
        if kept is None:
            todo.append(n)
        else:
            done[n] = kept
    total, finished, shown = len(todo), 0, 0

    def flush() -> None:
        nonlocal shown
        while shown < len(sets) and shown in done:  # in the sets' order, whatever finished first
            run = done[shown]
            echo(run.summary if run.collated else f"{run.summary}; unchanged since the last run (--force to collate again)")
            shown += 1

    def finish(n: int, run: SetRun) -> None:
        nonlocal finished
        done[n] = run
        finished += 1
        if progress:
            progress(finished, total)
        flush()

    flush()
    if remote is not None and todo:
        for n, rendered in remote.render_sets([sets[n] for n in todo], engine, chosen):
            finish(todo[n], rendered.write(out))
    elif jobs > 1 and len(todo) > 1:
        from concurrent.futures import as_completed  # here: only -j needs a pool (workers.process_pool imports it too)

        with process_pool(min(jobs, len(todo))) as pool:
            futures = {pool.submit(call_writing, _collate_one, sets[n], engine, chosen, out): n for n in todo}
            try:
                for future in as_completed(futures):
                    finish(futures[future], future.result())
            except BaseException:  # a bad set (or Ctrl-C): do not start the others
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    else:
        for n in todo:
            finish(n, _collate_one(sets[n], engine, chosen, out))
    runs = [done[n] for n in range(len(sets))]
    if HTML in chosen and (todo or not (out / "index.html").exists()):  # the index lists every set
        from .reporters.html import render_index_rows  # here: only with HTML reports (see HTML)

        rows = [r.row for r in runs if r.row is not None]
        write_output(out / "index.html", render_index_rows(rows))
    cache.save(sets, runs)
    return runs


@record
class RenderedSet:
    """One set collated and its reports rendered, not yet written: (file name, text) pairs."""

    run: SetRun
    reports: tuple[tuple[str, str], ...]

    def __init__(self, run: SetRun, reports: tuple[tuple[str, str], ...]) -> None:
        self.__dict__.update(run=run, reports=reports)

    def write(self, out: Path) -> SetRun:
        for name, text in self.reports:
            write_output(out / name, text)
        return self.run


#: a set's apparatus as read where the files are, with its path as messages and reports show it
SetApparatus = tuple[Apparatus, str]


def set_apparatus(wset: WitnessSet) -> SetApparatus | None:
    """The apparatus file a set's reports merge in (None: a single witness, or no folder)."""
    if len(wset.witnesses) < 2 or not wset.path.is_dir():
        return None
    apparatus = read_apparatus(apparatus_path(wset.path))
    return apparatus, display_path(apparatus.path)


def render_set(wset: WitnessSet, engine: str, formats: Sequence[str], apparatus: SetApparatus | None) -> RenderedSet:
    """Collate one set, merge its apparatus (statuses and notes) and render every report.

    It reads no file of the edition (the apparatus comes read), so it runs the same in this process,
    a ``-j`` worker or a Dask worker on another machine (:mod:`collate.cluster`),
    and the reports are the same bytes wherever it ran.
    """
    reporters = reporters_for(formats)
    collation = collate_set(wset, engine, table=any(r.TABLE for r in reporters))
    if apparatus is not None:
        collation = annotate(collation, *apparatus)
    reports = tuple((f"{collation.name}{r.SUFFIX}", r.render(collation)) for r in reporters)
    row = None
    if HTML in formats:
        from .reporters.html import index_row  # here: see HTML

        row = index_row(collation)
    return RenderedSet(SetRun(collation.name, summary(collation), True, row), reports)


class Remote(Protocol):
    """Somewhere else to collate sets: a Dask cluster (:class:`collate.cluster.DaskCluster`).

    A protocol, so that the control layer does not import the layer that drives it.
    """

    def render_sets(self, sets: Sequence[WitnessSet], engine: str,
                    formats: Sequence[str]) -> Iterator[tuple[int, RenderedSet]]:
        """Each set through :func:`render_set`, as ``(index in sets, result)`` while they finish."""
        ...

    def collate_sets(self, sets: Sequence[WitnessSet], engine: str) -> list[Collation]:
        """Each set through :func:`collate_set`, in the sets' order."""
        ...


def _collate_one(wset: WitnessSet, engine: str, formats: Sequence[str], out: Path) -> SetRun:
    """Collate one set and write its reports (in a worker process when run with -j)."""
    return render_set(wset, engine, formats, set_apparatus(wset)).write(out)


class _Cache:
    """Fingerprints of each set's inputs at the last run into an output folder.

    Keyed by set name, as the reports in that folder are (``load_sets`` refuses two sets
    of one name in a run); the fingerprint holds the set's paths, so a same-named set
    from another folder run into the same output later is collated, not taken as kept.
    """

    VERSION = 1

    def __init__(self, out: Path, engine: str, formats: Sequence[str], config: Config) -> None:
        # beside the project file (or in the current folder), not among the reports, which
        # people commit and publish; one manifest per output folder
        home = config.source.parent if config.source else Path.cwd()
        key = blake2b(str(out.resolve()).encode(), digest_size=8).hexdigest()
        self.path = home / ".collate-cache" / f"run-{key}.json"
        self.out = out
        self.common = json.dumps(
            {
                "version": self.VERSION,
                "tool": __version__,
                "code": _code_stamp(),
                "engine": engine,
                "formats": sorted(formats),
                "ignore-classes": sorted(config.ignore_classes),
                "accidentals": config.accidentals,
            },
            sort_keys=True,
        )
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.entries: dict[str, dict[str, Any]] = data["sets"] if data.get("version") == self.VERSION else {}
        except (OSError, ValueError, KeyError, TypeError):
            self.entries = {}  # no manifest, or an unreadable one: collate everything
        self.fingerprints: dict[str, str] = {}

    def fingerprint(self, wset: WitnessSet) -> str:
        if wset.name not in self.fingerprints:
            digest = blake2b(self.common.encode(), digest_size=16)
            digest.update(json.dumps(wset.normalize, sort_keys=True, default=str).encode())
            files = [wset.manifest, wset.path / "apparatus.toml", *(w.path for w in wset.witnesses)]
            for path in dict.fromkeys(p for p in files if p is not None):
                digest.update(str(path).encode() + b"\0")
                try:
                    digest.update(Path(path).read_bytes())
                except OSError:
                    digest.update(b"\0absent")
            self.fingerprints[wset.name] = digest.hexdigest()
        return self.fingerprints[wset.name]

    def unchanged(self, wset: WitnessSet, reports: Sequence[str]) -> SetRun | None:
        entry = self.entries.get(wset.name)
        if not entry or entry.get("fingerprint") != self.fingerprint(wset):
            return None
        if not all((self.out / name).exists() for name in reports):
            return None
        row = entry.get("row")
        if not row:
            return SetRun(wset.name, entry["summary"], False, None)
        from .reporters.html import IndexRow  # here: see HTML

        return SetRun(wset.name, entry["summary"], False, IndexRow(**{**row, "sigla": tuple(row["sigla"])}))

    def save(self, sets: Sequence[WitnessSet], runs: Sequence[SetRun]) -> None:
        entries = dict(self.entries)
        for wset, run in zip(sets, runs, strict=True):
            entries[wset.name] = {"fingerprint": self.fingerprint(wset), "summary": run.summary,
                                  "row": as_dict(run.row) if run.row is not None else {}}
        try:
            write_output(self.path, json.dumps({"version": self.VERSION, "sets": entries}, indent=1, sort_keys=True))
        except CollateError as exc:  # the reports are written; only the next run is slower
            warn(str(exc))


def _code_files(package: str) -> list[tuple[str, str]]:
    """collate's own source files (code, CSS, JS), not bytecode: (path relative to the package, with "/", path).

    What ``os.walk`` lists (a link to a folder is not followed; a folder that cannot be read
    is passed over), walked by ``os.scandir`` itself: os.walk's work for each folder and
    ``os.path.relpath`` were most of a run's ~1.5M instructions of code stamp.
    """
    found: list[tuple[str, str]] = []
    folders = [(package, "")]
    while folders:
        folder, inside = folders.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    if not is_dir:
                        if entry.name.endswith((".py", ".css", ".js")):
                            found.append((inside + entry.name, entry.path))
                    elif entry.name != "__pycache__" and not entry.is_symlink():
                        folders.append((entry.path, f"{inside}{entry.name}/"))
        except OSError:
            continue
    return sorted(found)


def _code_fingerprint(package: str = os.path.dirname(__file__)) -> str:
    """collate's own source, byte for byte: the same program on another machine (a Dask worker) or not."""
    digest = blake2b(digest_size=16)
    for shown, path in _code_files(package):
        with open(path, "rb") as handle:
            digest.update(shown.encode() + b"\0" + handle.read())
    return digest.hexdigest()


def _code_stamp(package: str = os.path.dirname(__file__)) -> str:
    """collate's own source files on this machine, by name, size and modification time: for the run cache,
    where a changed program is a changed input, version or not.

    What Python itself trusts to know its bytecode is current (a source's size and mtime), so a
    change that would run is a change seen, without reading ~600 KB each run (~2 ms of a short
    one, against ~0.8). A file saved back unchanged is a change too: the sets are collated again.
    """
    digest = blake2b(digest_size=16)
    for shown, path in _code_files(package):
        stat = os.stat(path)
        digest.update(f"{shown}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


# -- collate apparatus / collate check -------------------------------------------------------


def _collate(paths: Sequence[Path], config: Config, engine: str | None, remote: Remote | None = None) -> list[Collation]:
    sets = load_sets(paths, config)
    if remote is not None:
        return remote.collate_sets(sets, engine or config.engine)
    return [collate_set(s, engine or config.engine, table=False) for s in sets]  # judged or synced, not shown


def _has_apparatus(c: Collation) -> bool:
    return not c.single and c.path.is_dir()


def sync_paths(paths: Sequence[Path], config: Config, engine: str | None = None,
               echo: Callable[[str], None] = print, remote: Remote | None = None) -> "list[SyncReport]":
    """Bring every set's apparatus file up to date; say what changed (sets collated on ``remote``, if given)."""
    from .apparatus_write import sync  # here: only collate apparatus writes the file (tomlkit: a run never needs it)

    collations = [c for c in _collate(paths, config, engine, remote) if _has_apparatus(c)]
    for c in collations:  # every file checked before any is written
        read_apparatus(apparatus_path(c))
    reports = []
    for c in collations:
        report = sync(c)
        for line in sync_lines(report, c):
            echo(line)
        reports.append(report)
    return reports


def sync_lines(report: "SyncReport", c: Collation) -> list[str]:
    """What one sync did, for people: a line per re-attached or stale entry, then counts."""
    shown = display_path(report.path)
    by_id = {v.id: v for v in c.variants}
    lines = []
    for old, new in report.reattached:
        v = by_id[new]
        where = v.readings[c.base]
        lines.append(f"{shown}: re-attached {old} -> {new} (its context changed; readings the same,"
                     f" at {display_path(c.path / _file(c, c.base))}:{where.line}:{where.column})")
    for vid in report.stale:
        lines.append(f"{shown}: {vid} marked stale: its variant no longer occurs (entry kept)")
    for vid in report.corrected:
        lines.append(f"{shown}: {vid} corrected: the transcription error is gone from the witness"
                     " (kept on record, status = \"corrected\")")
    for vid in report.reopened:
        lines.append(f"{shown}: {vid} occurs again: its correction was undone (status = \"error\")")
    counts = [(len(report.added), "added"), (len(report.reattached), "re-attached"),
              (len(report.stale), "marked stale"), (len(report.corrected), "corrected"),
              (len(report.reopened), "reopened"), (len(report.revived), "back (stale mark cleared)"),
              (len(report.updated), "readings updated"), (len(report.placed), "places updated"),
              (len(report.still_stale), "still stale"),
              (report.unchanged, "unchanged")]
    said = ", ".join(f"{n} {what}" for n, what in counts if n)
    if not report.written:
        said = f"up to date ({said})" if said else "no variants, no file"
    lines.append(f"{shown}: {said}")
    return lines


def _file(c: Collation, siglum: str) -> str:
    return next(w.file for w in c.witnesses if w.siglum == siglum)


def check_paths(
    paths: Sequence[Path],
    config: Config,
    engine: str | None = None,
    ignore_classes: Sequence[str] | None = None,
    accidentals: bool | None = None,
    remote: Remote | None = None,
) -> "CheckResult":
    """Collate every set, merge its apparatus (read-only), and judge it.

    ``ignore_classes`` and ``accidentals`` (``collate check``'s flags) replace
    the project's ``[check]`` settings when given; with ``remote`` the sets
    are collated on a Dask cluster, the apparatus merged and judged here.
    """
    if ignore_classes:
        config = replace(config, ignore_classes=validate_classes(list(ignore_classes), "--ignore-class"))
    if accidentals is not None:
        config = replace(config, accidentals=accidentals)
    from .check import judge  # here: only collate check judges (a run merges decisions, never judges)

    return judge([with_decisions(c) for c in _collate(paths, config, engine, remote)], config)


def diff_files(a: Path, b: Path, config: Config, engine: str | None = None) -> Collation:
    """``collate diff``: two witness files collated as a set of two, ``A`` (the base) and ``B``."""
    wa, wb = read_witness(a, "A"), read_witness(b, "B")
    wset = WitnessSet(name=b.stem, path=b.parent, title=f"{a.name} / {b.name}", witnesses=(wa, wb),
                      base="A", normalize=config.normalize, rules=compile_rules(config.normalize, config.source))
    return collate_set(wset, engine or config.engine)
