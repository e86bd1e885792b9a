"""The editor's loop over many sets: ``collate apparatus`` and ``collate check``.

Kept apart from the CLI (which only parses options and picks the exit code)
so tests and other tools call the same code. Both collate every set first and
read every apparatus file before anything is written, so one broken file
stops the run with nothing half-done.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from .apparatus import SyncReport, annotated, apparatus_path, read_apparatus, sync
from .check import CheckResult, check
from .config import Config
from .model import Collation
from .pipeline import collate_set, load_sets
from .witness import display_path


def _collate(paths: Sequence[Path], config: Config, engine: str | None) -> list[Collation]:
    sets = load_sets(paths, config)
    return [collate_set(s, engine or config.engine) for s in sets]


def _has_apparatus(c: Collation) -> bool:
    return not c.single and c.path.is_dir()


def sync_paths(paths: Sequence[Path], config: Config, engine: str | None = None,
               echo: Callable[[str], None] = print) -> list[SyncReport]:
    """Bring every set's apparatus file up to date; say what changed."""
    collations = [c for c in _collate(paths, config, engine) if _has_apparatus(c)]
    for c in collations:  # every file checked before any is written
        read_apparatus(apparatus_path(c))
    reports = []
    for c in collations:
        report = sync(c)
        for line in sync_lines(report, c):
            echo(line)
        reports.append(report)
    return reports


def sync_lines(report: SyncReport, c: Collation) -> list[str]:
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
              (len(report.updated), "readings updated"), (len(report.still_stale), "still stale"),
              (report.unchanged, "unchanged")]
    said = ", ".join(f"{n} {what}" for n, what in counts if n)
    if not report.written:
        said = f"up to date ({said})" if said else "no variants, no file"
    lines.append(f"{shown}: {said}")
    return lines


def _file(c: Collation, siglum: str) -> str:
    return next(w.file for w in c.witnesses if w.siglum == siglum)


def check_paths(paths: Sequence[Path], config: Config, engine: str | None = None) -> CheckResult:
    """Collate every set, merge its apparatus (read-only), and judge it."""
    return check([annotated(c) for c in _collate(paths, config, engine)], config)
