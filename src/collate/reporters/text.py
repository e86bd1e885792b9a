"""Terminal output: one summary line per set, and ``file:line:col`` lines for ``diff``."""

from __future__ import annotations

from ..model import Collation, Variant


def summary(c: Collation) -> str:
    """``<set>: 2 witnesses, 6 variants (2 substantive, 4 accidental)``."""
    if c.single:
        return f"{c.name}: 1 witness ({c.witnesses[0].siglum}), nothing to collate"
    unreviewed = sum(1 for v in c.variants if v.status == "unreviewed")
    tail = f", {unreviewed} unreviewed" if unreviewed and unreviewed != len(c.variants) else ""
    return (
        f"{c.name}: {len(c.witnesses)} witnesses, {len(c.variants)} variant"
        f"{'' if len(c.variants) == 1 else 's'} ({c.substantive} substantive, {c.accidental} accidental{tail})"
    )


def describe(v: Variant) -> str:
    """``substantive omission: 'convey to' FRUS | 'convey' APP`` — one variant in a line."""
    what = "substantive" if v.substantive else "/".join(v.classes) or "accidental"
    readings = " | ".join(f"{r.text or '(absent)'!r} {s}" for s, r in v.readings.items())
    return f"{what} {v.kind}: {readings}"


def diff_lines(c: Collation, files: dict[str, str]) -> list[str]:
    """Each variant as ``file:line:col: class kind: readings``, at the second file's text."""
    lines = []
    sigla = [w.siglum for w in c.witnesses]
    for v in c.variants:
        target = v.readings[sigla[-1]]
        lines.append(f"{files[sigla[-1]]}:{target.line}:{target.column}: {describe(v)}")
    return lines
