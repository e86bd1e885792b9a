"""Readings that have nothing in common, split into one unit per reading."""

from __future__ import annotations

from rapidfuzz import fuzz

from .model import Prepared
from .normalize import Rules, token_form
from .units import Unit


def split_unrelated(
    unit: Unit, by_siglum: dict[str, Prepared], rules: Rules, base: str, sigla: list[str]
) -> list[Unit]:
    """Split a unit whose readings have nothing in common into one unit per reading.

    A FRUS editorial heading standing where another witness has a dateline is
    not one text replaced by another: each is present in one witness only, and
    an editor wants to see (and record) them apart. Readings of at least three
    words that share no word of four letters or more, and are not alike as
    strings, are unrelated.
    """
    enabled = rules.classes
    keyed: dict[str, list[str]] = {}
    for s in sigla:
        p = by_siglum[s]
        words = [token_form(p.tokens[i].text, p.tokens[i].kind, rules, enabled)
                 for i in unit.tokens[s] if p.roles[i] == "word"]
        if words:
            keyed.setdefault(" ".join(words), []).append(s)
    if len(keyed) < 2 or any(len(k.split()) < 3 for k in keyed):
        return [unit]
    texts = list(keyed)
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            if {w for w in a.split() if len(w) >= 4} & {w for w in b.split() if len(w) >= 4}:
                return [unit]
            if fuzz.ratio(a, b) >= 50:
                return [unit]
    # order: the base's reading first, then by first witness holding it
    order = sorted(texts, key=lambda k: (base not in keyed[k], min(sigla.index(s) for s in keyed[k])))
    parts: list[Unit] = []
    for n, key in enumerate(order):
        holders = set(keyed[key])
        tokens: dict[str, list[int]] = {}
        after: dict[str, int] = {}
        for s in sigla:
            own = unit.tokens[s]
            if s in holders:
                tokens[s] = list(own)
                after[s] = unit.after[s]
            else:
                tokens[s] = []
                own_rank = next((order.index(k) for k in order if s in keyed[k]), None)
                if own and own_rank is not None and own_rank > n:
                    after[s] = own[0]  # its own reading comes later: stand before it
                else:
                    after[s] = unit.after[s]
        parts.append(Unit(tokens, after, unit.before_ctx, unit.after_ctx, unit.start))
    return parts
