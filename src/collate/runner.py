"""Running many sets: collate, merge the apparatus, write every report, print summaries.

Kept apart from the CLI so tests and other tools call the same code; the
parallel and incremental runs of long editions live here too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from .apparatus import annotated
from .config import Config
from .model import Collation
from .pipeline import collate_set, load_sets
from .reporters import write_output

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


def run_sets(
    paths: Sequence[Path],
    config: Config,
    out: Path,
    engine: str,
    formats: Sequence[str] | None = None,
    jobs: int = 1,
    force: bool = False,
    echo: Callable[[str], None] = print,
) -> list[Collation]:
    """Collate every set under ``paths`` and write its reports to ``out``."""
    reporters = reporters_for(formats)
    sets = load_sets(paths, config)  # every manifest checked before anything is written
    results = []
    for wset in sets:
        collation = annotated(collate_set(wset, engine))  # statuses and notes from apparatus.toml
        for suffix, render in reporters.values():
            write_output(out / f"{collation.name}{suffix}", render(collation))
        echo(_summary(collation))
        results.append(collation)
    if "html" in reporters:  # the index needs every set's collation
        from .reporters.html import render_index

        write_output(out / "index.html", render_index(results))
    return results


def _summary(c: Collation) -> str:
    from .reporters.text import summary

    return summary(c)
