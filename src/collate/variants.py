"""From aligned columns to variation units: the stages composed.

:mod:`.positions` walks the alignment token by token, :mod:`.units` cuts the
runs of disagreement into units, :mod:`.rewrites` joins the units of one
rewritten passage, and each unit becomes a :class:`Variant` here: its readings
(:mod:`.readings`), kind, classes (:mod:`.classify`), character diffs
(:mod:`.chardiff`) and id (:mod:`.ids`). Additions and omissions of the same
text are then paired as transpositions (:mod:`.transpose`).
"""

from __future__ import annotations

from collections.abc import Sequence

from .align import Columns
from .chardiff import char_diff
from .classify import classify
from .ids import unique_ids, variant_id
from .model import Prepared, Reading, Token, Variant
from .orthography import Orthography
from .positions import Position, positions
from .readings import collapse, reading
from .rewrites import join_rewrites
from .rules import Rules
from .sources import line_starts
from .transpose import transpositions
from .units import Unit, runs

__all__ = ["char_diff", "classify", "find_variants", "positions"]


def find_variants(
    prepared: Sequence[Prepared],
    columns: Columns,
    rules: Rules,
    base: str,
    walk: Sequence[Position] | None = None,
) -> list[Variant]:
    """Every variation unit of an aligned set, in the order of the text.

    ``walk`` is :func:`positions` of the same alignment, when the caller has it already
    (the alignment table walks it too).
    """
    by_siglum = {p.witness.siglum: p for p in prepared}
    sigla = [p.witness.siglum for p in prepared]
    table = list(walk) if walk is not None else positions(prepared, columns)
    units = join_rewrites(runs(table, by_siglum, rules, sigla), by_siglum, sigla, rules.language)
    starts = {s: line_starts(p.witness.text) for s, p in by_siglum.items()}
    orthography = Orthography.of_set(prepared, rules) if rules.orthography else None
    variants = unique_ids([_variant(unit, by_siglum, starts, rules, base, sigla, orthography) for unit in units],
                          by_siglum[base])
    return transpositions(variants, units)


def _variant(
    unit: Unit,
    by_siglum: dict[str, Prepared],
    starts: dict[str, list[int]],
    rules: Rules,
    base: str,
    sigla: list[str],
    orthography: Orthography | None = None,
) -> Variant:
    readings: dict[str, Reading] = {}
    parts: dict[str, tuple[list[Token], list[str]]] = {}
    exact = not rules.whitespace
    for s in sigla:
        p = by_siglum[s]
        indices = unit.tokens[s]
        parts[s] = ([p.tokens[i] for i in indices], [p.roles[i] for i in indices])
        readings[s] = reading(p, indices, unit.after[s], starts[s], exact=exact)
    classes, substantive, groups = classify(parts, rules, orthography)
    base_text = readings[base].text
    others = [readings[s].text for s in sigla if s != base]
    base_collapsed = collapse(base_text)
    differing = [t for t in others if collapse(t) != base_collapsed]
    if not base_text:
        kind = "addition"
    elif differing and all(t == "" for t in differing):
        kind = "omission"
    else:
        kind = "substitution"
    diffs = {s: char_diff(base_text, readings[s].text) for s in sigla if s != base}
    return Variant(
        id=variant_id({s: parts[s][0] for s in sigla}, unit.before_ctx, unit.after_ctx),
        kind=kind,
        classes=classes,
        substantive=substantive,
        readings=readings,
        diffs=diffs,
        groups=groups,
        context=(" ".join(unit.before_ctx), " ".join(unit.after_ctx)),
    )
