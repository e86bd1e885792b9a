"""Reporters: each turns a :class:`~collate.model.Collation` (or ``check``'s verdict) into text.

A reporter is a module that computes nothing about the collation: it has a
``FORMAT`` name, for a set report a file ``SUFFIX``, and ``render``. The
registries below are the one place that names them (coverage.py's
``report_core`` is the model): ``collate run --format`` and ``collate check
--format`` offer what they list, so a new format is one module here and one
entry in a table — nothing else changes.

:func:`write_output` is the one way a report reaches the disk: ``-`` means
standard output; folders are made; the file is written beside its target and
renamed over it, so a failure never leaves half a report (coverage.py's
``render_report`` does the same).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from ..atomic import write_atomic
from ..check import CheckResult
from ..errors import ConfigError, OutputError
from ..model import Collation
from . import checkjson, checktext, collatex, github, html, json, junit, sarif, tei


class Reporter(Protocol):
    """A report of one set: ``<output folder>/<set><SUFFIX>``."""

    FORMAT: str
    SUFFIX: str

    def render(self, c: Collation, /) -> str: ...


class CheckReporter(Protocol):
    """A form of ``collate check``'s verdict on every set (to stdout or ``--output``)."""

    FORMAT: str

    def render(self, result: CheckResult, /) -> str: ...


#: ``collate run --format``: every set report, by name
REPORTERS: dict[str, Reporter] = {r.FORMAT: r for r in (json, html, tei, collatex)}
#: what ``collate run`` writes when no format is asked for
DEFAULT_FORMATS: tuple[str, ...] = ("json", "html")
#: ``collate check --format``: the first is the default
CHECK_REPORTERS: dict[str, CheckReporter] = {r.FORMAT: r for r in (checktext, checkjson, github, junit, sarif)}


def reporters_for(formats: Sequence[str] | None) -> list[Reporter]:
    """The reporters of the named formats, in that order (default: :data:`DEFAULT_FORMATS`)."""
    chosen = list(formats or DEFAULT_FORMATS)
    unknown = [f for f in chosen if f not in REPORTERS]
    if unknown:
        raise ConfigError(f"unknown report format {', '.join(unknown)} (known: {', '.join(REPORTERS)})")
    return [REPORTERS[f] for f in chosen]


def write_output(path: Path | str, text: str) -> None:
    """Write ``text`` to ``path`` atomically (or to stdout for ``-``)."""
    if str(path) == "-":
        sys.stdout.write(text)
        return
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write report: {exc.strerror or exc}", path.parent) from None
    write_atomic(path, text, OutputError, "cannot write report", str(path))
