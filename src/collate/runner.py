"""Running many sets: collate, merge the apparatus, write every report, print summaries.

Kept apart from the CLI so tests and other tools call the same code; the
parallel and incremental runs of long editions live here too.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import __version__
from .apparatus import annotated, apparatus_path, read_apparatus
from .config import Config
from .errors import CollateError
from .model import Collation, WitnessSet
from .pipeline import collate_set, load_sets
from .reporters import write_output

log = logging.getLogger("collate")

DEFAULT_FORMATS = ("json", "html")


def _render_tei(collation: Collation) -> str:
    from .reporters import tei  # imported when asked for

    return tei.render(collation)


def _render_collatex(collation: Collation) -> str:
    from .reporters import collatex

    return collatex.render(collation)


def reporters_for(formats: Sequence[str] | None) -> dict[str, tuple[str, Callable[[Collation], str]]]:
    """format name -> (file suffix, render function)."""
    from .reporters import html as html_reporter
    from .reporters import json as json_reporter

    table: dict[str, tuple[str, Callable[[Collation], str]]] = {
        "json": (".json", json_reporter.render),
        "html": (".html", html_reporter.render),
        "tei": (".xml", _render_tei),
        "collatex": (".collatex.json", _render_collatex),
    }
    chosen = list(formats or DEFAULT_FORMATS)
    unknown = [f for f in chosen if f not in table]
    if unknown:
        from .errors import ConfigError

        raise ConfigError(f"unknown report format {', '.join(unknown)} (known: {', '.join(table)})")
    return {f: table[f] for f in chosen}


@dataclass(frozen=True)
class SetRun:
    """What a run did with one set: its summary line, and whether it was collated or kept."""

    name: str
    summary: str
    collated: bool
    #: the set's line in the HTML index (a dict of html.IndexRow's fields), kept for later runs
    row: dict = field(default_factory=dict, compare=False)


def run_sets(
    paths: Sequence[Path],
    config: Config,
    out: Path,
    engine: str,
    formats: Sequence[str] | None = None,
    jobs: int = 1,
    force: bool = False,
    echo: Callable[[str], None] = print,
    progress: Callable[[int, int], None] | None = None,
) -> list[SetRun]:
    """Collate every set under ``paths`` and write its reports to ``out``.

    A set whose inputs (witness bytes, set.toml, apparatus.toml, settings,
    engine, formats, collate's own code) are as they were at the last run into
    ``out``, and whose reports are still there, is not collated again
    (``force`` collates it anyway); the fingerprints live in ``.collate-cache/``
    beside the project file, not among the reports. With ``jobs`` > 1 the sets are
    collated in that many processes; summaries are echoed in the sets' order
    all the same. ``progress(done, total)`` is called as sets finish.
    """
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
        kept = None if force else cache.unchanged(wset, [f"{wset.name}{suffix}" for suffix, _ in reporters.values()])
        if kept is None:
            todo.append(n)
        else:
            done[n] = kept
    total, finished, shown = len(todo), 0, 0

    def flush() -> None:
        nonlocal shown
        while shown < len(sets) and shown in done:  # in the sets' order, whatever finished first
            echo(done[shown].summary)
            shown += 1

    def finish(n: int, run: SetRun) -> None:
        nonlocal finished
        done[n] = run
        finished += 1
        if progress:
            progress(finished, total)
        flush()

    flush()
    if jobs > 1 and len(todo) > 1:
        from concurrent.futures import as_completed

        from .workers import call_writing, process_pool

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
    if "html" in reporters and (todo or not (out / "index.html").exists()):  # the index lists every set
        from .reporters.html import IndexRow, render_index_rows

        rows = [IndexRow(**{**r.row, "sigla": tuple(r.row["sigla"])}) for r in runs if r.row]
        write_output(out / "index.html", render_index_rows(rows))
    cache.save(sets, runs)
    return runs


def _collate_one(wset: WitnessSet, engine: str, formats: Sequence[str], out: Path) -> SetRun:
    """Collate one set and write its reports (in a worker process when run with -j)."""
    reporters = reporters_for(formats)
    collation = annotated(collate_set(wset, engine))  # statuses and notes from apparatus.toml
    for suffix, render in reporters.values():
        write_output(out / f"{collation.name}{suffix}", render(collation))
    row: dict = {}
    if "html" in reporters:
        from .reporters.html import index_row

        row = asdict(index_row(collation))
    return SetRun(collation.name, _summary(collation), True, row)


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
        key = hashlib.blake2b(str(out.resolve()).encode(), digest_size=8).hexdigest()
        self.path = home / ".collate-cache" / f"run-{key}.json"
        self.out = out
        self.common = json.dumps(
            {
                "version": self.VERSION,
                "tool": __version__,
                "code": _code_fingerprint(),
                "engine": engine,
                "formats": sorted(formats),
                "ignore-classes": sorted(config.ignore_classes),
                "accidentals": config.accidentals,
            },
            sort_keys=True,
        )
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.entries: dict[str, dict] = data["sets"] if data.get("version") == self.VERSION else {}
        except (OSError, ValueError, KeyError, TypeError):
            self.entries = {}  # no manifest, or an unreadable one: collate everything
        self.fingerprints: dict[str, str] = {}

    def fingerprint(self, wset: WitnessSet) -> str:
        if wset.name not in self.fingerprints:
            digest = hashlib.blake2b(self.common.encode(), digest_size=16)
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
        return SetRun(wset.name, entry["summary"], False, entry.get("row", {}))

    def save(self, sets: Sequence[WitnessSet], runs: Sequence[SetRun]) -> None:
        entries = dict(self.entries)
        for wset, run in zip(sets, runs, strict=True):
            entries[wset.name] = {"fingerprint": self.fingerprint(wset), "summary": run.summary, "row": run.row}
        try:
            write_output(self.path, json.dumps({"version": self.VERSION, "sets": entries}, indent=1, sort_keys=True))
        except CollateError as exc:  # the reports are written; only the next run is slower
            log.warning("%s", exc)


def _code_fingerprint() -> str:
    """collate's own source: a changed program is a changed input, version number or not."""
    digest = hashlib.blake2b(digest_size=16)
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".j2", ".css", ".js") and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _summary(c: Collation) -> str:
    from .reporters.text import summary

    return summary(c)
