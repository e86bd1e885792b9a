"""Why readings differ: the smallest set of normalization rules that makes them equal.

Readings are compared as written (layout aside); the normalization rules then
say *why* they differ: the smallest set of rules under which all readings are
equal is the variant's ``classes``, and a variant no set of rules explains is
substantive.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import CLASSES, Token
from .normalize import Rules, comparable

NONE: frozenset[str] = frozenset()

#: a witness's reading as classification sees it: its tokens and their roles
Readings = dict[str, tuple[Sequence[Token], Sequence[str]]]


def classify(
    readings: Readings, rules: Rules
) -> tuple[tuple[str, ...], bool, tuple[tuple[str, ...], ...]]:
    """Classes, substantive or not, and groups of sigla whose readings differ only accidentally.

    ``readings`` maps siglum to (tokens, roles). The classes are a minimal set of
    enabled rules under which all readings are equal; a substantive variant has
    the classes that explain the differences within each group.
    """
    enabled = rules.classes
    full = {s: comparable(t, r, rules, enabled) for s, (t, r) in readings.items()}
    groups: dict[str, list[str]] = {}
    for siglum, text in full.items():
        groups.setdefault(text, []).append(siglum)
    group_list = tuple(tuple(g) for g in groups.values())
    substantive = len(groups) > 1
    needed: set[str] = set()
    for group in group_list:
        if len(group) < 2:
            continue
        needed |= _minimal({s: readings[s] for s in group}, rules, enabled)
    return tuple(c for c in CLASSES if c in needed), substantive, group_list


def _minimal(readings: Readings, rules: Rules, enabled: frozenset[str]) -> set[str]:
    def equal(classes: frozenset[str]) -> bool:
        return len({comparable(t, r, rules, classes) for t, r in readings.values()}) == 1

    if equal(NONE):
        return set()
    classes = set(enabled)
    # the broadest explanation is dropped first, so a more specific one is kept
    # ("—" against "--" is quotes and whitespace, not just punctuation)
    for cls in ("punctuation", *CLASSES):
        if cls in classes and equal(frozenset(classes - {cls})):
            classes.discard(cls)
    return classes
