"""The alignment engines by name, and the one function that runs them.

A static table above the modules it names (:mod:`collate.align`: CollateX over
whole witnesses; :mod:`collate.anchored`: diff anchors, CollateX between them),
so no engine registers itself and nothing imports upward. A new engine is a
module below this one and a line in :data:`ENGINES`.

The table names each engine's function, imported the first time the engine runs
(as the reporters' registry does): naming the engines — the CLI's ``--engine``
choices, ``collate --help``, a setting checked in ``config`` — imports no aligner.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from .align import Columns, Engine

#: engine name -> its function (``module:function``, a module of this package); the first is the default
ENGINES: Mapping[str, str] = {"anchored": "anchored:align_anchored", "collatex": "align:align_collatex"}
DEFAULT_ENGINE = "anchored"


def engine_function(name: str) -> Engine:
    """The engine called ``name`` (a key of :data:`ENGINES`), its module imported now."""
    module, _, function = ENGINES[name].partition(":")
    return cast("Engine", getattr(importlib.import_module(f"{__package__}.{module}"), function))


def align(keys: Mapping[str, Sequence[str]], engine: str = DEFAULT_ENGINE) -> Columns:
    """Align the witnesses' keys with the named engine; every segment kept, in order.

    The witnesses are given to the engine sorted by siglum, so the order a set
    lists them in cannot change the alignment; :func:`~collate.align.conserve`
    then makes sure no engine lost or repeated a segment.
    """
    from .align import conserve  # here: see the module's docstring

    ordered = {s: keys[s] for s in sorted(keys)}
    return conserve(engine_function(engine)(ordered), ordered)
