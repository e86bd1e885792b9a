"""From aligned columns to variation units: kinds, classes, character diffs and stable ids.

The aligned witnesses are walked as a sequence of *positions*: before each
column, a gap holding the tokens no segment covers (punctuation, footnote and
page markers, placed before the next word of their witness), then the column.
A position on which the witnesses' text differs is disagreement; a maximal run
of them (ignoring positions that are empty in every witness) is one variant.

Readings are compared as written (layout aside); the normalization rules then
say *why* they differ: the smallest set of rules under which all readings are
equal is the variant's ``classes``, and a variant no set of rules explains is
substantive.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import regex
from diff_match_patch import diff_match_patch
from rapidfuzz import fuzz

from .align import Columns
from .model import CLASSES, Prepared, Reading, Token, Variant
from .normalize import Rules, comparable, token_form
from .tokenize import line_starts, position

NONE: frozenset[str] = frozenset()
CONTEXT_WORDS = 4
#: how many tokens apart an addition and an omission of the same text may be
#: and still count as one transposition
TRANSPOSITION_REACH = 40


@dataclass
class _Unit:
    """A run of disagreeing positions: for each witness, token indices, and where it ends."""

    tokens: dict[str, list[int]]
    after: dict[str, int]  # index of the witness's next token after the unit
    before_ctx: list[str]
    after_ctx: list[str]
    start: int  # position index, for ordering and reach


def find_variants(
    prepared: Sequence[Prepared],
    columns: Columns,
    rules: Rules,
    base: str,
) -> list[Variant]:
    """Every variation unit of an aligned set, in the order of the text."""
    by_siglum = {p.witness.siglum: p for p in prepared}
    sigla = [p.witness.siglum for p in prepared]
    table = positions(prepared, columns)
    units = _runs(table, by_siglum, rules, sigla)
    starts = {s: line_starts(p.witness.text) for s, p in by_siglum.items()}
    parts = [part for unit in units for part in _split_unrelated(unit, by_siglum, rules, base, sigla)]
    variants = _unique_ids([_variant(part, by_siglum, starts, rules, base, sigla) for part in parts])
    return _transpositions(variants, parts)


# -- positions and runs ------------------------------------------------------------


def positions(prepared: Sequence[Prepared], columns: Columns) -> list[tuple[bool, dict[str, list[int]]]]:
    """(is_column, {siglum: token indices}) for every gap and column in order.

    This is the whole alignment at token level: walking it visits every token
    of every witness exactly once, in order (the property tests hold it to that).
    """
    gaps: list[dict[str, list[int]]] = [{} for _ in range(len(columns) + 1)]
    cols: list[dict[str, list[int]]] = [{} for _ in columns]
    for p in prepared:
        siglum = p.witness.siglum
        seg_column = {}
        for c, column in enumerate(columns):
            if siglum in column:
                seg_column[column[siglum]] = c
        covered = 0
        for k, seg in enumerate(p.segments):
            c = seg_column[k]
            if covered < seg.start:
                gaps[c].setdefault(siglum, []).extend(range(covered, seg.start))
            cols[c][siglum] = list(range(seg.start, seg.end))
            covered = seg.end
        if covered < len(p.tokens):
            gaps[-1].setdefault(siglum, []).extend(range(covered, len(p.tokens)))
    out: list[tuple[bool, dict[str, list[int]]]] = []
    for c in range(len(columns)):
        out.append((False, gaps[c]))
        out.append((True, cols[c]))
    out.append((False, gaps[-1]))
    return out


def _text(p: Prepared, indices: Sequence[int], rules: Rules, classes: frozenset[str] = NONE) -> str:
    tokens = [p.tokens[i] for i in indices]
    roles = [p.roles[i] for i in indices]
    return comparable(tokens, roles, rules, classes)


def _texts(cells: dict[str, list[int]], by_siglum: dict[str, Prepared], rules: Rules,
           sigla: list[str]) -> dict[str, str]:
    """Each witness's text at one position.

    Where every witness has the very same tokens (most places of a long text)
    the text is worked out once: :func:`comparable` is the costly part of a book chapter.
    """
    signatures = set()
    for s in sigla:
        p = by_siglum[s]
        signatures.add(tuple((p.tokens[i].text, p.tokens[i].kind, p.tokens[i].space, p.roles[i])
                             for i in cells.get(s, ())))
        if len(signatures) > 1:
            return {s: _text(by_siglum[s], cells.get(s, ()), rules) for s in sigla}
    text = _text(by_siglum[sigla[0]], cells.get(sigla[0], ()), rules)
    return dict.fromkeys(sigla, text)


def _runs(
    positions: list[tuple[bool, dict[str, list[int]]]],
    by_siglum: dict[str, Prepared],
    rules: Rules,
    sigla: list[str],
) -> list[_Unit]:
    units: list[_Unit] = []
    cursor = {s: 0 for s in sigla}
    current: _Unit | None = None
    context: list[str] = []  # agreeing column texts so far
    pending_after: list[_Unit] = []
    current_matched = False
    current_stretch: int | None = None
    places = [
        (index, is_column, cells, _texts(cells, by_siglum, rules, sigla))
        for index, (is_column, cells) in enumerate(positions)
        if any(cells.get(s) for s in sigla)
    ]
    stretches = _long_one_sided(places, sigla)
    for index, is_column, cells, texts in places:
        agree = len(set(texts.values())) == 1
        if agree:
            if current is not None:
                current.after = dict(cursor)
                units.append(current)
                pending_after.append(current)
                current = None
            if is_column:
                word = texts[sigla[0]]
                context.append(word)
                for unit in pending_after:
                    unit.after_ctx.append(word)
                pending_after = [u for u in pending_after if len(u.after_ctx) < CONTEXT_WORDS]
        else:
            matched = is_column and _matched(cells, by_siglum, sigla)
            stretch = stretches.get(index)
            if stretch is None and is_column and all(cells.get(s) for s in sigla) and _alike(texts):
                stretch = 0  # a word every witness has, written alike: "directly" / "direct"
            if current is not None and (
                matched != current_matched
                or (stretch != current_stretch and None not in (stretch, current_stretch))
            ):
                current.after = dict(cursor)
                units.append(current)
                current = None
            if current is None:
                current = _Unit({s: [] for s in sigla}, {}, context[-CONTEXT_WORDS:], [], index)
                current_matched, current_stretch = matched, stretch
            for s in sigla:
                current.tokens[s].extend(cells.get(s, ()))
        for s in sigla:
            if cells.get(s):
                cursor[s] = cells[s][-1] + 1
    if current is not None:
        current.after = dict(cursor)
        units.append(current)
    return [u for u in (_trim(u, by_siglum, rules, sigla) for u in units) if u is not None]


#: tokens that text some witnesses lack must reach to be a variant of its own
LONG_ALONE = 6


def _long_one_sided(places: list, sigla: list[str]) -> dict[int, int]:
    """Position index -> stretch number, for long stretches only some witnesses have.

    A partial witness (TIME quoting the letter and breaking off at "direct")
    disagrees with the full text over a long run: "directly" against "direct",
    then a hundred words TIME lacks. As one variant that is a substitution of
    the whole rest of the letter; an editor wants ``directly] direct`` and the
    omission apart. So a run of disagreeing places where some witness has
    nothing, at least :data:`LONG_ALONE` tokens long in some witness, is a
    variant of its own, split from a word next to it that every witness has
    and writes alike (so a heading against a dateline stays one place). Shorter ones ("in spite of" against "despite") stay whole, and so does
    punctuation every witness has there: TIME's ". . ." stands for the clause it
    replaces and belongs with it.
    """
    out: dict[int, int] = {}
    run: list[int] = []
    sizes = dict.fromkeys(sigla, 0)
    number = 0

    def close() -> None:
        nonlocal number
        if run and max(sizes.values()) >= LONG_ALONE:
            number += 1
            out.update(dict.fromkeys(run, number))
        run.clear()
        for s in sigla:
            sizes[s] = 0

    for index, is_column, cells, texts in places:
        partial = not all(cells.get(s) for s in sigla)
        if len(set(texts.values())) == 1 or (is_column and not partial):
            close()
            continue
        run.append(index)
        for s in sigla:
            sizes[s] += len(cells.get(s, ()))
    close()
    return out


def _alike(texts: dict[str, str]) -> bool:
    """Readings that look like one word written differently (a truncation, a misspelling)."""
    values = list(dict.fromkeys(texts.values()))
    return all(fuzz.ratio(a, b) >= 60 for i, a in enumerate(values) for b in values[i + 1:])


def _matched(cells: dict[str, list[int]], by_siglum: dict[str, Prepared], sigla: list[str]) -> bool:
    """A column where every witness has a word and the normalized keys agree.

    Such a column differs only in how the same word is written ("United
    States" / "U. S.", "Governments" / "governments"); it is kept apart from
    words added or dropped next to it, so each gets its own class.
    """
    keys = set()
    for s in sigla:
        indices = cells.get(s)
        if not indices:
            return False
        keys.add(by_siglum[s].key_at(indices[0]))
    return len(keys) == 1


def _trim(unit: _Unit, by_siglum: dict[str, Prepared], rules: Rules, sigla: list[str]) -> _Unit | None:
    """Drop tokens every witness has at the start or end of the unit (",17" against ",")."""
    tokens = unit.tokens

    def same(pick: int) -> bool:
        if not all(tokens[s] for s in sigla):
            return False
        first = [by_siglum[s].tokens[tokens[s][pick]] for s in sigla]
        roles = {by_siglum[s].roles[tokens[s][pick]] for s in sigla}
        exact = not rules.whitespace  # then the space after a token is part of the text
        return len({(t.text, t.space if exact else "") for t in first}) == 1 and len(roles) == 1

    while same(0):
        for s in sigla:
            tokens[s].pop(0)
    while same(-1):
        for s in sigla:
            last = tokens[s].pop()
            unit.after[s] = min(unit.after[s], last)
    texts = {_text(by_siglum[s], tokens[s], rules) for s in sigla}
    if len(texts) < 2:
        return None
    return unit


# -- one unit -> one Variant ------------------------------------------------------


def classify(
    readings: dict[str, tuple[Sequence[Token], Sequence[str]]], rules: Rules
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


def _minimal(readings: dict, rules: Rules, enabled: frozenset[str]) -> set[str]:
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


def _variant(
    unit: _Unit,
    by_siglum: dict[str, Prepared],
    starts: dict[str, list[int]],
    rules: Rules,
    base: str,
    sigla: list[str],
) -> Variant:
    readings: dict[str, Reading] = {}
    parts: dict[str, tuple[list, list]] = {}
    for s in sigla:
        p = by_siglum[s]
        indices = unit.tokens[s]
        parts[s] = ([p.tokens[i] for i in indices], [p.roles[i] for i in indices])
        readings[s] = _reading(p, indices, unit.after[s], starts[s], exact=not rules.whitespace)
    classes, substantive, groups = classify(parts, rules)
    base_text = readings[base].text
    others = [readings[s].text for s in sigla if s != base]
    differing = [t for t in others if _collapse(t) != _collapse(base_text)]
    if not base_text:
        kind = "addition"
    elif differing and all(t == "" for t in differing):
        kind = "omission"
    else:
        kind = "substitution"
    diffs = {s: char_diff(base_text, readings[s].text) for s in sigla if s != base}
    fingerprint = "\x1f".join(
        [f"{s}={' '.join(t.text for t in parts[s][0])}" for s in sorted(sigla)]
        + ["<", *unit.before_ctx, ">", *unit.after_ctx]
    )
    vid = hashlib.blake2b(fingerprint.encode("utf-8"), digest_size=5).hexdigest()
    return Variant(
        id=vid,
        kind=kind,
        classes=classes,
        substantive=substantive,
        readings=readings,
        diffs=diffs,
        groups=groups,
        context=(" ".join(unit.before_ctx), " ".join(unit.after_ctx)),
    )


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _reading(p: Prepared, indices: Sequence[int], after: int, starts: list[int], exact: bool = False) -> Reading:
    """A witness's reading: its exact text (with the space after it when layout counts)."""
    if indices:
        first, last = p.tokens[indices[0]], p.tokens[indices[-1]]
        end = last.offset + len(last.text) + (len(last.space) if exact else 0)
        text = p.witness.text[first.offset:end]
        start = first.offset
        line, column = first.line, first.column
    else:
        if after < len(p.tokens):
            end = p.tokens[after].offset
        elif p.tokens:
            last = p.tokens[-1]
            end = last.offset + len(last.text)
        else:
            end = 0
        text = ""
        start = end
        line, column = position(starts, end)
    end_line, end_column = position(starts, end)
    locate = p.witness.meta.get("locate")
    if locate is not None:  # text extracted from markup (TEI, JSON): point into that file
        line, column = locate.position(start)
        end_line, end_column = locate.end_position(end) if text else (line, column)
    return Reading(p.witness.siglum, text, line, column, end_line, end_column, start, end)


def _split_unrelated(
    unit: _Unit, by_siglum: dict[str, Prepared], rules: Rules, base: str, sigla: list[str]
) -> list[_Unit]:
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
    parts: list[_Unit] = []
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
        parts.append(_Unit(tokens, after, unit.before_ctx, unit.after_ctx, unit.start))
    return parts


def _unique_ids(variants: list[Variant]) -> list[Variant]:
    """Two variants with the same readings and context: number the later ones."""
    seen: dict[str, int] = {}
    out = []
    for v in variants:
        n = seen.get(v.id, 0) + 1
        seen[v.id] = n
        out.append(v if n == 1 else replace(v, id=f"{v.id}-{n}"))
    return out


def _transpositions(variants: list[Variant], units: list[_Unit]) -> list[Variant]:
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
        if not present or not absent or len({_collapse(t).casefold() for t in present.values()}) != 1:
            return None
        return _collapse(next(iter(present.values()))).casefold(), frozenset(present)

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
            text_a, holders_a = sigs[i]
            text_b, holders_b = sigs[j]
            all_sigla = frozenset(a.readings)
            if text_a == text_b and holders_a == all_sigla - holders_b and len(text_a.split()) >= 1:
                out[i] = replace(a, kind="transposition", transposed_with=b.id)
                out[j] = replace(b, kind="transposition", transposed_with=a.id)
                used.update((i, j))
                break
    return out


def _distance(a: _Unit, b: _Unit) -> int:
    """Tokens between the end of unit ``a`` and the start of ``b``, in the nearest witness."""
    return min(
        (b.tokens[s][0] if b.tokens[s] else b.after[s]) - a.after[s] for s in a.tokens
    )


#: readings longer than this (characters, either side) are diffed word by word first
LONG_DIFF = 100


_WORD = regex.compile(r"\s+|\w+|[^\w\s]")


def _word_diff(dmp: diff_match_patch, a: str, b: str) -> list[tuple[int, str]]:
    """Words first, then characters within each changed run of words.

    diff-match-patch's own speed-up of this kind, its line mode, is no help for
    a reading that is one long paragraph, and a plain character diff of two
    such readings costs seconds in pure Python (Diff_Timeout must be 0 for a
    whole diff).
    """
    words: list[str] = [""]
    index: dict[str, int] = {}

    def encode(text: str) -> str:
        out = []
        for word in _WORD.findall(text):
            if word not in index:
                index[word] = len(words)
                words.append(word)
            out.append(chr(index[word]))
        return "".join(out)

    coarse = dmp.diff_main(encode(a), encode(b), False)
    dmp.diff_charsToLines(coarse, words)
    out: list[tuple[int, str]] = []
    deleted = inserted = ""
    for op, text in [*coarse, (dmp.DIFF_EQUAL, "")]:
        if op == dmp.DIFF_DELETE:
            deleted += text
        elif op == dmp.DIFF_INSERT:
            inserted += text
        else:
            if deleted and inserted:
                out.extend(dmp.diff_main(deleted, inserted, False))
            elif deleted:
                out.append((dmp.DIFF_DELETE, deleted))
            elif inserted:
                out.append((dmp.DIFF_INSERT, inserted))
            deleted = inserted = ""
            if text:
                out.append((op, text))
    dmp.diff_cleanupMerge(out)
    return out


@lru_cache(maxsize=4096)
def char_diff(a: str, b: str) -> tuple[tuple[int, str], ...]:
    """The character-level difference of ``b`` against ``a``, cleaned up for people to read.

    Short readings (most variants of a letter) get diff-match-patch's plain
    diff; where either is longer than :data:`LONG_DIFF` characters (a paragraph
    rewritten between editions) they are diffed by words first: a plain diff
    costs time in proportion to length times difference, seconds in pure Python.
    """
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    d = _word_diff(dmp, a, b) if a and b and max(len(a), len(b)) > LONG_DIFF else dmp.diff_main(a, b)
    dmp.diff_cleanupSemantic(d)
    return tuple((op, text) for op, text in d)
