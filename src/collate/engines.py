"""The alignment engines by name, and the one function that runs them.

A static table above the modules it names (:mod:`collate.align`: CollateX over
whole witnesses; :mod:`collate.anchored`: diff anchors, CollateX between them),
so no engine registers itself and nothing imports upward. A new engine is a
module below this one and a line in :data:`ENGINES`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .align import Columns, Engine, align_collatex, conserve
from .anchored import align_anchored

#: engine name -> engine; the first is the default
ENGINES: dict[str, Engine] = {"anchored": align_anchored, "collatex": align_collatex}
DEFAULT_ENGINE = "anchored"


def align(keys: Mapping[str, Sequence[str]], engine: str = DEFAULT_ENGINE) -> Columns:
    """Align the witnesses' keys with the named engine; every segment kept, in order.

    The witnesses are given to the engine sorted by siglum, so the order a set
    lists them in cannot change the alignment; :func:`~collate.align.conserve`
    then makes sure no engine lost or repeated a segment.
    """
    ordered = {s: keys[s] for s in sorted(keys)}
    return conserve(ENGINES[engine](ordered), ordered)
