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

import importlib
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar, cast

from ..atomic import write_atomic
from ..errors import ConfigError, OutputError

if TYPE_CHECKING:  # named in the protocols only: the registry is imported by `collate --help` too
    from ..check import CheckResult
    from ..model import Collation


class Reporter(Protocol):
    """A report of one set: ``<output folder>/<set><SUFFIX>``."""

    FORMAT: str
    SUFFIX: str
    #: whether it reads the alignment table (``Collation.table``), which a set is collated
    #: without when no report asked for reads it (a book's table is ~75,000 entries)
    TABLE: bool

    def render(self, c: Collation, /) -> str: ...


class CheckReporter(Protocol):
    """A form of ``collate check``'s verdict on every set (to stdout or ``--output``)."""

    FORMAT: str

    def render(self, result: CheckResult, /) -> str: ...


R = TypeVar("R", Reporter, CheckReporter)


class _Registry(Mapping[str, R], Generic[R]):
    """Format name -> its reporter module, imported the first time it is asked for.

    A table like any other (the names and modules are written here, in order), but
    a run writing JSON and HTML does not import the TEI, JUnit or SARIF writers (lxml,
    ElementTree: a tenth of a short run's start-up). tests/test_goldens.py checks
    that each module's ``FORMAT`` is the name it is listed under.
    """

    def __init__(self, modules: dict[str, str]) -> None:
        self._modules = modules

    def __getitem__(self, name: str) -> R:
        return cast(R, importlib.import_module(f"{__name__}.{self._modules[name]}"))

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


#: ``collate run --format``: every set report, by name (the module that writes it)
REPORTERS: Mapping[str, Reporter] = _Registry[Reporter](
    {"json": "json", "html": "html", "tei": "tei", "collatex": "collatex"})
#: what ``collate run`` writes when no format is asked for
DEFAULT_FORMATS: tuple[str, ...] = ("json", "html")
#: ``collate check --format``: the first is the default
CHECK_REPORTERS: Mapping[str, CheckReporter] = _Registry[CheckReporter](
    {"text": "checktext", "json": "checkjson", "github": "github", "junit": "junit", "sarif": "sarif"})


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
    write_atomic(path, text, OutputError, "cannot write report", str(path), durable=False)
