"""Reporters: each turns a :class:`~collate.model.Collation` into text, computing nothing.

:func:`write_output` is the one way a report reaches the disk: ``-`` means
standard output; folders are made; the file is written beside its target and
renamed over it, so a failure never leaves half a report (coverage.py's
``render_report`` does the same).
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..atomic import write_atomic
from ..errors import OutputError


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
