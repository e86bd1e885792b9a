"""Text moved between witnesses: an addition paired with an omission of the same words."""

from __future__ import annotations

from dataclasses import replace

from .model import Variant
from .readings import collapse
from .units import Unit

#: how many tokens apart an addition and an omission of the same text may be
#: and still count as one transposition
TRANSPOSITION_REACH = 40


def transpositions(variants: list[Variant], units: list[Unit]) -> list[Variant]:
    """Pair an addition with a nearby omission of the same words: a transposition.

    CollateX finds no transpositions: text moved within a window comes out as
    text added here and the same text missing there. When one variant has a
    reading (in some witnesses) that another variant nearby lacks in exactly
    those witnesses, and it is the base's reading there, both become kind
    ``transposition`` and point at each other.
    """
    out = list(variants)
    used: set[int] = set()

    def signature(v: Variant) -> tuple[str, frozenset[str]] | None:
        present = {s: r.text for s, r in v.readings.items() if r.text}
        absent = frozenset(s for s, r in v.readings.items() if not r.text)
        if not present or not absent or len({collapse(t).casefold() for t in present.values()}) != 1:
            return None
        return collapse(next(iter(present.values()))).casefold(), frozenset(present)

    sigs = [signature(v) for v in variants]
    for i, a in enumerate(variants):
        if i in used or sigs[i] is None:
            continue
        for j in range(i + 1, len(variants)):
            b = variants[j]
            if j in used or sigs[j] is None:
                continue
            if _distance(units[i], units[j]) > TRANSPOSITION_REACH:
                break
            sig_a, sig_b = sigs[i], sigs[j]
            if sig_a is None or sig_b is None:  # checked above; for the type checker
                continue
            text_a, holders_a = sig_a
            text_b, holders_b = sig_b
            all_sigla = frozenset(a.readings)
            if text_a == text_b and holders_a == all_sigla - holders_b and len(text_a.split()) >= 1:
                out[i] = replace(a, kind="transposition", transposed_with=b.id)
                out[j] = replace(b, kind="transposition", transposed_with=a.id)
                used.update((i, j))
                break
    return out


def _distance(a: Unit, b: Unit) -> int:
    """Tokens between the end of unit ``a`` and the start of ``b``, in the nearest witness."""
    return min(
        (b.tokens[s][0] if b.tokens[s] else b.after[s]) - a.after[s] for s in a.tokens
    )
