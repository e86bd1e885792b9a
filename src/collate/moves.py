"""A transposition as one decision: which half leads, and which words moved.

The transposition detector pairs an addition with a nearby omission of the
same words and links the two variants (``transposed_with``). For an editor
that is one fact — these words stand here in some witnesses and there in the
others — so it takes one decision: the half that comes first in the text
*leads* and holds the apparatus entry; the other follows it. Every output
(``diff``, ``check``, the JSON and HTML reports) names the moved words and the
leading id from here, so they all say the same.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import Variant


def leads(variants: Sequence[Variant]) -> dict[str, str]:
    """Each following half of a transposition -> the id of the half that leads (comes first)."""
    order = {v.id: i for i, v in enumerate(variants)}
    return {v.id: v.transposed_with for v in variants
            if v.transposed_with is not None and v.transposed_with in order and order[v.transposed_with] < order[v.id]}


def moved_words(v: Variant) -> str:
    """The words that moved: the one reading the half has (whitespace collapsed), or "" for other variants."""
    if v.transposed_with is None:
        return ""
    present = [r.text for r in v.readings.values() if r.text]
    return " ".join(present[0].split()) if present else ""


def describe_move(v: Variant) -> str:
    """``moved "to you", with 3f0c9a7d21`` — the words, and the other half of the one decision."""
    return f'moved "{moved_words(v)}", with {v.transposed_with}' if v.transposed_with else ""
