"""Why readings differ: the smallest set of normalization rules that makes them equal.

Readings are compared as written (layout aside); the normalization rules then
say *why* they differ: the smallest set of rules under which all readings are
equal is the variant's ``classes``, and a variant no set of rules explains is
substantive.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from operator import attrgetter

from .model import CLASSES, Token
from .normalize import comparable
from .orthography import Orthography
from .rules import Rules

NONE: frozenset[str] = frozenset()

#: what comparable reads of a token
_READ = attrgetter("text", "space", "kind")

#: a witness's reading as classification sees it: its tokens and their roles
Readings = Mapping[str, tuple[Sequence[Token], Sequence[str]]]


def classify(
    readings: Readings, rules: Rules, orthography: Orthography | None = None
) -> tuple[tuple[str, ...], bool, tuple[tuple[str, ...], ...]]:
    """Classes, substantive or not, and groups of sigla whose readings differ only accidentally.

    ``readings`` maps siglum to (tokens, roles). The classes are a minimal set of
    enabled rules under which all readings are equal; a substantive variant has
    the classes that explain the differences within each group. With an
    ``orthography``, word pairs it judges spellings of one word ("connexion" and
    "connection") count as ``spelling`` equivalences here, after the editor's own
    ``[normalize] spelling`` list, which wins.
    """
    enabled = _enabled(rules)  # the spellings found below change no rule's being on
    # readings alike token for token (text, space, kind and role: all that comparable reads) are
    # one reading to every test below, worked out once: most variants have witnesses reading alike
    same_as: dict[str, str] = {}  # siglum -> the first siglum whose reading is alike
    first: dict[tuple[tuple[tuple[str, str, str], ...], tuple[str, ...]], str] = {}
    for siglum, (tokens, roles) in readings.items():
        same_as[siglum] = first.setdefault((tuple(map(_READ, tokens)), tuple(roles)), siglum)
    unique = {siglum: readings[siglum] for siglum in first.values()}
    if orthography is not None and rules.orthography:
        words = {s: [t for t, r in zip(tokens, roles, strict=True) if r == "word" and t.kind == "word"]
                 for s, (tokens, roles) in unique.items()}
        found = orthography.equivalences(words)
        if found:
            rules = with_spellings(rules, frozenset(found.items()))
    full = {s: comparable(t, r, rules, enabled) for s, (t, r) in unique.items()}
    groups: dict[str, list[str]] = {}
    for siglum in readings:
        groups.setdefault(full[same_as[siglum]], []).append(siglum)
    group_list = tuple(tuple(g) for g in groups.values())
    substantive = len(groups) > 1
    needed: set[str] = set()
    for group in group_list:
        # readings alike have one full text: each group holds its readings' first sigla
        members = [s for s in group if same_as[s] == s]
        if len(members) < 2:
            continue  # one reading, however many witnesses read it: nothing to explain
        needed |= _minimal({s: readings[s] for s in members}, rules, enabled)
        # each two readings' own difference too: a rule that explains one pair may hide
        # another's ("punctuation" drops the dash round which 1856 "— always" and 1867
        # "—always" differ in spacing: the two are explained by "whitespace" alone)
        if len(members) < 3:
            continue  # two readings: their pair is the group
        distinct = list({_as_written(readings[s], rules): s for s in members}.values())
        if len(distinct) < 3:
            continue
        for i, a in enumerate(distinct):
            for b in distinct[i + 1:]:
                needed |= _minimal({a: readings[a], b: readings[b]}, rules, enabled)
    return tuple(c for c in CLASSES if c in needed), substantive, group_list


@lru_cache(maxsize=64)
def _enabled(rules: Rules) -> frozenset[str]:
    """``rules.classes``, worked out once for a set's rules (a property that builds the set: ~5 µs a variant)."""
    return rules.classes


def _as_written(reading: tuple[Sequence[Token], Sequence[str]], rules: Rules) -> str:
    return comparable(reading[0], reading[1], rules, NONE)


#: the roles (normalize.assign_roles) whose tokens alone a class can leave out or join, and the class
_ROLE_CLASSES = (("note", "note-marker"), ("page", "page-marker"), ("mark", "mark"), ("hyph", "hyphenation"))


def _minimal(readings: Readings, rules: Rules, enabled: frozenset[str]) -> set[str]:
    def equal(classes: frozenset[str]) -> bool:
        return len({comparable(t, r, rules, classes) for t, r in readings.values()}) == 1

    if equal(NONE):
        return set()
    classes = set(enabled)
    # a class only a token of one role can need (a footnote marker's) changes no reading that has
    # none: the loop below would drop it, as the readings are equal with it and without it
    roles = {role for _, reading_roles in readings.values() for role in reading_roles}
    classes.difference_update(cls for role, cls in _ROLE_CLASSES if role not in roles)
    # the broadest explanation is dropped first, so a more specific one is kept
    # ("—" against "--" is quotes and whitespace, not just punctuation)
    for cls in ("punctuation", *CLASSES):
        if cls in classes and equal(frozenset(classes - {cls})):
            classes.discard(cls)
    return classes


@lru_cache(maxsize=1024)
def with_spellings(rules: Rules, found: frozenset[tuple[str, str]]) -> Rules:
    """``rules`` with the spellings found added; a form the editor's list maps keeps its mapping.

    Every form of a group maps to the group's canonical form (the canonical to
    itself), so two readings that differ only in capitals beside the spelling
    still need ``case`` ("Learned" / "learn'd").
    """
    listed = rules.words.get("spelling", {})
    spelling = {form: canonical for form, canonical in found if form not in listed}
    for canonical in set(spelling.values()):
        spelling.setdefault(canonical, canonical)
    return Rules(**{**rules.__dict__, "found_spellings": spelling})
