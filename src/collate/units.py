"""Variation units: maximal runs of disagreeing positions, cut where an editor would cut.

A position on which the witnesses' text differs is disagreement; a maximal run
of them (ignoring positions that are empty in every witness) is one unit:
differences that touch are one unit, a word written differently ("soul," /
"Soul;", "' So he" / "\" He") with the change next to it. A run is cut only
around a long stretch only some witnesses have.
"""

from __future__ import annotations

from dataclasses import field
from itertools import chain

import regex
from rapidfuzz import fuzz

from .model import Prepared
from .normalize import as_written
from .positions import Position
from .records import FACTORY, record
from .rules import Rules

CONTEXT_WORDS = 4

#: how alike (rapidfuzz ratio, 0-100) readings must all be to count as one word written differently
ALIKE_RATIO = 60


@record(frozen=False)
class Unit:
    """A run of disagreeing positions: for each witness, token indices, and where it ends."""

    tokens: dict[str, list[int]]
    after: dict[str, int]  # index of the witness's next token after the unit
    before_ctx: list[str]
    after_ctx: list[str]
    start: int  # position index, for ordering and reach
    #: every witness has the same word here, written differently ("United States" / "U. S.")
    matched: bool = False
    #: the unit begins where every witness begins a paragraph (or a verse line that parts two
    #: witnesses' changes, :func:`_at_paragraphs`): never joined to the one before
    opens_paragraph: bool = field(default=False, kw_only=True)
    #: measures of the finished unit (its words, its letters), kept by :mod:`.rewrites` once computed
    measures: dict[str, int] = field(default_factory=dict, kw_only=True, compare=False, repr=False)

    def __init__(
        self, tokens: dict[str, list[int]], after: dict[str, int], before_ctx: list[str], after_ctx: list[str],
        start: int, matched: bool = False, *, opens_paragraph: bool = False, measures: dict[str, int] = FACTORY
    ) -> None:
        self.tokens = tokens
        self.after = after
        self.before_ctx = before_ctx
        self.after_ctx = after_ctx
        self.start = start
        self.matched = matched
        self.opens_paragraph = opens_paragraph
        self.measures = {} if measures is FACTORY else measures


#: a blank line in the space after a token: a paragraph ends there
PARAGRAPH = regex.compile(r"\n[^\S\n]*\n")


#: a position that holds tokens: its index, is it a column, each witness's token indices there (None
#: for none) and text there (in the order of the sigla), and do the texts agree
Place = tuple[int, bool, list[list[int] | None], list[str], bool]
_AGREEING: Place = (-1, False, [], [], True)  # a place where all agree: what ends a run of places


def runs(
    positions: list[Position],
    by_siglum: dict[str, Prepared],
    rules: Rules,
    sigla: list[str],
) -> list[Unit]:
    """The units of an alignment, in order, with the agreeing words around each."""
    units: list[Unit] = []
    current: Unit | None = None
    context: list[str] = []  # agreeing column texts so far
    pending_after: list[Unit] = []
    current_stretch: int | None = None
    places = _places(positions, by_siglum, rules, sigla)
    stretches = _long_one_sided(places)
    for at, (index, is_column, cells, texts, agree) in enumerate(places):
        if agree:
            if current is not None:
                current.after = _cursor(places, at, sigla)
                units.append(current)
                pending_after.append(current)
                current = None
            if is_column:
                word = texts[0]
                context.append(word)
                if pending_after:
                    for unit in pending_after:
                        unit.after_ctx.append(word)
                    pending_after = [u for u in pending_after if len(u.after_ctx) < CONTEXT_WORDS]
        else:
            matched = is_column and _matched(cells, by_siglum, sigla)
            stretch = stretches.get(index)
            if (stretch is None and is_column and all(cells) and _alike(texts)
                    and len({t.casefold() for t in texts}) > 1):
                # a word every witness has, written alike: "directly" / "direct"; not one that
                # differs only in capitals, which come with the sentence around it (Pater 1910
                # "… at Milan. The" for 1873's "the": the added sentence capitalises it)
                stretch = 0
            if current is not None and stretch != current_stretch and None not in (stretch, current_stretch):
                current.after = _cursor(places, at, sigla)
                units.append(current)
                current = None
            if current is None:
                current = Unit({s: [] for s in sigla}, {}, context[-CONTEXT_WORDS:], [], index, matched)
                current_stretch = stretch
            current.matched = current.matched and matched
            tokens = current.tokens
            for s, indices in zip(sigla, cells, strict=True):
                if indices:
                    tokens[s].extend(indices)
    if current is not None:
        current.after = _cursor(places, len(places), sigla)
        units.append(current)
    units = [piece for unit in units for piece in _at_paragraphs(unit, by_siglum, sigla)]
    trimmed = [u for u in (_trim(u, by_siglum, rules, sigla) for u in units) if u is not None]
    return _slid(trimmed, by_siglum, sigla)


def _places(positions: list[Position], by_siglum: dict[str, Prepared], rules: Rules,
            sigla: list[str]) -> list[Place]:
    """The positions that hold tokens, each with its witnesses' texts and whether they agree.

    A witness's text at a place is its tokens as written, layout aside (:func:`.comparable`
    under no rules); the loop is written out here, as it runs for every place of the walk.
    """
    exact = not rules.whitespace  # then the space after a token is text, the last one's too
    tokens = [by_siglum[s].tokens for s in sigla]
    count = len(sigla)
    places: list[Place] = []
    for index, (is_column, cells) in enumerate(positions):
        if not cells:  # most gaps hold nothing: an empty dict
            continue
        at = [*map(cells.get, sigla)]
        if any(at):
            texts: list[str] = []
            for witness_tokens, indices in zip(tokens, at, strict=True):
                if not indices:
                    texts.append("")
                elif len(indices) == 1 and not exact:  # most cells of a walk: one token, as it is written
                    texts.append(witness_tokens[indices[0]].text)
                else:
                    texts.append(as_written([witness_tokens[i] for i in indices], exact))
            places.append((index, is_column, at, texts, texts.count(texts[0]) == count))
    return places


def _cursor(places: list[Place], at: int, sigla: list[str]) -> dict[str, int]:
    """Each witness's next token after the places before ``at``: one past its last token there (0 if none).

    Looked up backwards when a unit ends, not kept up at every place: a witness
    lacks tokens only over the disagreeing places of one unit or stretch, so the
    look goes no further back than the unit's start.
    """
    after: dict[str, int] = {}
    for k, s in enumerate(sigla):
        after[s] = 0
        for back in range(at - 1, -1, -1):
            indices = places[back][2][k]
            if indices:
                after[s] = indices[-1] + 1
                break
    return after


def _slid(units: list[Unit], by_siglum: dict[str, Prepared], sigla: list[str]) -> list[Unit]:
    """Added (or dropped) text slid over the words that separate it from the next change, and joined.

    Pater 1873 "a prisoner, and ‸ the remaining years" against 1910 "a
    prisoner, and ended his days at Loches … and … at Milan. The remaining
    years": the aligner matched 1873's "and" with the "and" *inside* the added
    passage, so the addition came out in two, split by that "and", and the
    first piece began with the "and" it had passed over. Where a passage only
    some witnesses have begins with the very words that follow it (in each
    witness that has it), the same text reads as well with the passage after
    those words -- diff-match-patch's ``diff_cleanupMerge`` shifts an edit
    sideways so to eliminate an equality -- and there it touches the next
    change: one unit (the gold's rule 2). The mirror case, a passage ending
    with the words that precede it, slides back to the change before it.
    """
    out: list[Unit] = []
    for unit in units:
        if out:
            joined = _slide_pair(out[-1], unit, by_siglum, sigla)
            if joined is not None:
                out[-1] = joined
                continue
        out.append(unit)
    return out


def _slide_pair(left: Unit, right: Unit, by_siglum: dict[str, Prepared], sigla: list[str]) -> Unit | None:
    if all(left.tokens[s] for s in sigla) and all(right.tokens[s] for s in sigla):
        return None  # only text some witnesses lack can slide
    ends = {s: right.tokens[s][0] if right.tokens[s] else right.after[s] for s in sigla}
    sizes = {ends[s] - left.after[s] for s in sigla}
    size = sizes.pop()
    longest = max(max(len(left.tokens[s]), len(right.tokens[s])) for s in sigla)
    if sizes or not size or size > longest or left.opens_paragraph or right.opens_paragraph:
        return None  # the words between must be as many in every witness, and no more than a unit has
    gaps = {s: list(range(left.after[s], ends[s])) for s in sigla}
    if any(PARAGRAPH.search(by_siglum[s].tokens[i].space) for s in sigla for i in gaps[s][:-1]):
        return None

    def texts(s: str, indices: list[int]) -> list[str]:
        return [by_siglum[s].tokens[i].text for i in indices]

    for moving, forward in ((left, True), (right, False)):
        having = [s for s in sigla if moving.tokens[s]]
        if len(having) == len(sigla) or moving.matched:
            continue  # only text some witnesses lack can slide
        if not all(len(moving.tokens[s]) >= size for s in having):
            continue
        edges = {s: moving.tokens[s][:size] if forward else moving.tokens[s][-size:] for s in having}
        if not all(texts(s, edges[s]) == texts(s, gaps[s]) for s in having):
            continue
        tokens: dict[str, list[int]] = {}
        for s in sigla:
            if forward:
                moved = [*left.tokens[s][size:], *gaps[s]] if left.tokens[s] else []
                tokens[s] = [*moved, *right.tokens[s]]
            else:
                moved = [*gaps[s], *right.tokens[s][:-size]] if right.tokens[s] else []
                tokens[s] = [*left.tokens[s], *moved]
        return Unit(tokens, dict(right.after), left.before_ctx, right.after_ctx, left.start,
                    left.matched and right.matched, opens_paragraph=left.opens_paragraph)
    return None


def _at_paragraphs(unit: Unit, by_siglum: dict[str, Prepared], sigla: list[str]) -> list[Unit]:
    """The unit cut where every witness ends a paragraph in it, and where every witness ends a line
    between changes made by different witnesses.

    The paragraph is the frame an editor draws units in (the gold's rule 7: a
    break is layout, and no unit runs from one paragraph into the next). When
    the aligner matches words across the break -- Darwin's 1859 "Egypt?" and
    1866's "dog." end a paragraph each, and the next paragraph's first
    sentence changes too -- the run of disagreement goes on over it. Where
    every witness has a break among the unit's tokens or right after them
    (Whitman 1855 "yourself." ends a stanza; 1867's "your-self." too, and its
    section number "3" follows), the part up to each witness's first break is
    one unit and the rest another (cut again if every witness still has
    one). A witness with nothing there keeps the unit whole: the break is not
    shared.

    A verse line is a frame of the same kind for changes that are not one
    revision: 1855 "breath, ⏎ Echos" / 1856 "breath, ⏎ Echoes" / 1867 "breath;
    ⏎ Echoes" are two units (the comma 1867 changes ends one line, the
    spelling 1856 changes begins the next), while 1867's semicolon before the
    line it adds ("exaltations; ⏎ Battles, … ⏎ These") is one unit with it:
    the same witnesses differ on both sides of the line end.
    """
    cut = _cut_at(unit, by_siglum, sigla, PARAGRAPH, at_end=True)
    if cut is None:
        cut = _cut_at(unit, by_siglum, sigla, _LINE, at_end=False)
        if cut is not None and _grouping(cut[0], by_siglum, sigla) == _grouping(cut[1], by_siglum, sigla):
            cut = None
    if cut is None:
        return [unit]
    first, rest = cut
    return [first, *_at_paragraphs(rest, by_siglum, sigla)]


#: a line end in the space after a token
_LINE = regex.compile(r"\n")


def _cut_at(unit: Unit, by_siglum: dict[str, Prepared], sigla: list[str], pattern: regex.Pattern[str],
            at_end: bool) -> tuple[Unit, Unit] | None:
    """The unit in two at each witness's first break (``pattern``, which matches a line end, in a token's space),
    if every witness has one.

    With ``at_end`` a break right after the unit's last token counts (the
    witness's part of the rest is then empty); some witness must have text
    after its break, or there is nothing to cut.
    """
    cuts: dict[str, int] = {}
    for s in sigla:
        p = by_siglum[s]
        indices = unit.tokens[s]
        looked = indices if at_end else indices[:-1]
        # both breaks hold a line end: the spaces without one (nearly all) are never searched
        found = next((n for n, i in enumerate(looked)
                      if "\n" in p.tokens[i].space and pattern.search(p.tokens[i].space)), None)
        if found is None:
            return None
        cuts[s] = found + 1
    if all(cuts[s] == len(unit.tokens[s]) for s in sigla):
        return None
    first = Unit({s: unit.tokens[s][: cuts[s]] for s in sigla},
                 {s: unit.tokens[s][cuts[s]] if cuts[s] < len(unit.tokens[s]) else unit.after[s] for s in sigla},
                 unit.before_ctx, [], unit.start, unit.matched)
    rest = Unit({s: unit.tokens[s][cuts[s]:] for s in sigla}, dict(unit.after), list(unit.before_ctx),
                unit.after_ctx, unit.start, unit.matched, opens_paragraph=True)
    return first, rest


def _grouping(unit: Unit, by_siglum: dict[str, Prepared], sigla: list[str]) -> frozenset[frozenset[str]]:
    """The witnesses grouped by what they read in the unit."""
    groups: dict[tuple[str, ...], set[str]] = {}
    for s in sigla:
        groups.setdefault(tuple(by_siglum[s].tokens[i].text for i in unit.tokens[s]), set()).add(s)
    return frozenset(frozenset(g) for g in groups.values())


#: tokens that text some witnesses lack must reach to be a variant of its own
LONG_ALONE = 6


def _long_one_sided(places: list[Place]) -> dict[int, int]:
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
    sizes: list[int] = []  # each witness's tokens in the run, in the order of the sigla
    number = 0
    for index, is_column, cells, _, agree in chain(places, (_AGREEING,)):  # a last run closed there
        if agree or (is_column and all(cells)):
            if run:
                if max(sizes) >= LONG_ALONE:
                    number += 1
                    out.update(dict.fromkeys(run, number))
                run = []
            continue
        if not run:
            sizes = [0] * len(cells)
        run.append(index)
        for k, indices in enumerate(cells):
            if indices:
                sizes[k] += len(indices)
    return out


def _alike(texts: list[str]) -> bool:
    """Readings that look like one word written differently (a truncation, a misspelling)."""
    values = list(dict.fromkeys(texts))
    return all(fuzz.ratio(a, b) >= ALIKE_RATIO for i, a in enumerate(values) for b in values[i + 1:])


def _matched(cells: list[list[int] | None], by_siglum: dict[str, Prepared], sigla: list[str]) -> bool:
    """A column where every witness has a word and the normalized keys agree.

    Such a column differs only in how the same word is written ("United
    States" / "U. S.", "Governments" / "governments"). A unit made only of
    such columns is agreement on its words, never a side of a rewrite
    (:mod:`.rewrites`).
    """
    keys = set()
    for s, indices in zip(sigla, cells, strict=True):
        if not indices:
            return False
        keys.add(by_siglum[s].key_at(indices[0]))
    return len(keys) == 1


def _trim(unit: Unit, by_siglum: dict[str, Prepared], rules: Rules, sigla: list[str]) -> Unit | None:
    """Drop tokens every witness has at the start or end of the unit (",17" against ",")."""
    tokens = unit.tokens
    exact = not rules.whitespace  # then the space after a token is part of the text

    def same(pick: int) -> bool:
        if not all(tokens[s] for s in sigla):
            return False
        first = [by_siglum[s].tokens[tokens[s][pick]] for s in sigla]
        roles = {by_siglum[s].roles[tokens[s][pick]] for s in sigla}
        return len({(t.text, t.space if exact else "") for t in first}) == 1 and len(roles) == 1

    while same(0):
        for s in sigla:
            tokens[s].pop(0)
    while same(-1):
        for s in sigla:
            last = tokens[s].pop()
            unit.after[s] = min(unit.after[s], last)
    # each reading as written, layout aside (comparable under no rules: the join itself)
    readings = {as_written([by_siglum[s].tokens[i] for i in tokens[s]], exact) for s in sigla}
    if len(readings) < 2:
        return None
    return unit


