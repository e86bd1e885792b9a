"""Terminal output: one summary line per set, and ``file:line:col`` lines for ``diff``."""

from __future__ import annotations

from ..model import Collation, Variant
from ..moves import describe_move


def summary(c: Collation) -> str:
    """``<set>: 2 witnesses, 7 variants (4 substantive, 3 accidental); 0 unreviewed, 0 errors``.

    The counts an editor acts on come last: unreviewed variants, transcription
    errors still in a witness, and (when there are any) stale entries and the
    corrections on record.
    """
    if c.single:
        return f"{c.name}: 1 witness ({c.witnesses[0].siglum}), nothing to collate"
    unreviewed = sum(1 for v in c.variants if v.status == "unreviewed")
    errors = sum(1 for v in c.variants if v.status == "error")
    tail = [f"{unreviewed} unreviewed", f"{errors} error{'' if errors == 1 else 's'}"]
    if c.stale:
        tail.append(f"{len(c.stale)} stale")
    if c.corrections:
        tail.append(f"{len(c.corrections)} correction{'' if len(c.corrections) == 1 else 's'} on record")
    return (
        f"{c.name}: {len(c.witnesses)} witnesses, {len(c.variants)} variant"
        f"{'' if len(c.variants) == 1 else 's'} ({c.substantive} substantive, {c.accidental} accidental);"
        f" {', '.join(tail)}"
    )


def describe(v: Variant) -> str:
    """``substantive omission: 'convey to' FRUS | 'convey' APP`` — one variant in a line."""
    what = "substantive" if v.substantive else "/".join(v.classes) or "accidental"
    readings = " | ".join(f"{r.text or '(absent)'!r} {s}" for s, r in v.readings.items())
    moved = f" ({describe_move(v)})" if v.transposed_with else ""
    return f"{what} {v.kind}{moved}: {readings}"


def diff_lines(c: Collation, files: dict[str, str]) -> list[str]:
    """Each variant as ``file:line:col: class kind: readings``, at the second file's text."""
    lines = []
    sigla = [w.siglum for w in c.witnesses]
    for v in c.variants:
        target = v.readings[sigla[-1]]
        lines.append(f"{files[sigla[-1]]}:{target.line}:{target.column}: {describe(v)}")
    return lines
