"""A rewritten passage, one unit: agreement on a lone function word does not cut it.

Two witnesses that rewrite a sentence still share some of its commonest words:
Darwin's 1859 "Even if this latter fact were found more strictly and generally
true than seems to me to be the case" against 1866's "But this only throws far
backwards the history of civilization, and shows that animals were
domesticated at a much earlier period than has hitherto been supposed. The
lake-inhabitants". The aligner matches "this", "and", "than", "the"/"The", and
the walk over its columns cuts the rewrite into a dozen variants, one of them a
fake accidental. An editor writes one unit for the passage and shows the words
that changed inside it.

The mechanism is diff-match-patch's ``diff_cleanupSemantic`` at word level:
an equality no larger than the changes on both sides of it is not worth
keeping, and is folded into one change with them, cascading. Here size is
counted in words and the equality must be *light*: at most
:data:`MAX_SEPARATOR` words, each one of the language's function words (Zipf
frequency of at least :data:`LIGHT_ZIPF` in ``wordfreq``, for the set's
``language``: "the", "and", "this", "than", "which", "may", not "man", "fact",
"believe"), punctuation and markers counting for nothing, and no paragraph
break among them. Up to :data:`MAX_CONTENT` other words may agree inside a
long rewrite by chance, when both changes have :data:`CONTENT_RATIO` words for
each of them. A content word both versions keep between shorter changes
("all geologists believe that"), or a run of more agreeing words, is
agreement an editor sees and still separates two changes. Two *small*
changes stay apart whatever separates them (both sides must have at least
:data:`MIN_SIDE` words in some witness, one side :data:`MIN_LONG`): "look to] compare" and "much more] more" are two variants.
And the two changes must be made by the same witnesses against the same
others (their groupings agree on some split of the witnesses), so a heading
one edition adds is not glued to a verb another edition changes next to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from rapidfuzz import fuzz

from .lexicon import commonest
from .model import Prepared
from .units import PARAGRAPH as _PARAGRAPH
from .units import Unit

#: how many agreeing words (all light) a rewrite may swallow between two changes
MAX_SEPARATOR = 3
#: on wordfreq's Zipf scale, about the language's 120 commonest words, where its
#: function words are ("the" 7.7, "which" 6.3, "than" 6.1, "may" 5.98); "man"
#: 5.8, "believe" 5.5, "dog" 5.1 are content words
LIGHT_ZIPF = 5.9
#: words (in the witness that has most) each change must have to be joined
MIN_SIDE = 2
#: ... and the larger of the two: a rewrite, not two small changes
MIN_LONG = 4
#: content words that may agree inside a rewrite by chance, and how many words
#: each change must have (in the witness that has most) for each of them
MAX_CONTENT = 2
CONTENT_RATIO = 8


def join_rewrites(units: list[Unit], by_siglum: dict[str, Prepared], sigla: list[str],
                  language: str = "en") -> list[Unit]:
    """``units`` with each rewritten passage joined into one unit, in order.

    A stack, as ``diff_cleanupSemantic`` goes back to the previous equality
    after a merge: each unit is pushed, then joined with an earlier one for as
    long as the rules allow, so a long rewrite folds up in one linear pass.
    Each entry keeps the units the proportional rule (:func:`_semantic_partner`)
    joined into it; when the stack is done, a join that holds a change of a
    single word and no rewrite (no part of :data:`MAX_RECAST` words) is
    undone: a word changed beside a phrase is two variants (the gold's rule
    5; "the] a plant sets a seed] will produce seeds", "equine] natural
    species ‸ belonging to the same genus"), while a one-word change inside a
    page-long rewrite ("; whether] uniformly") is part of it.
    """
    out: list[Unit] = []
    joined_parts: list[list[Unit]] = []  # for each unit of ``out``, what the proportional rule joined in it
    for unit in units:
        out.append(unit)
        joined_parts.append([unit])
        while not out[-1].opens_paragraph:
            k = _partner(out, by_siglum, sigla, language)
            if k is not None:
                joined = _join(out[k], out[-1], sigla)
                parts = [joined]
            elif (k := _semantic_partner(out, by_siglum, sigla)) is not None:
                joined = _join(out[k], out[-1], sigla)
                parts = [part for kept in joined_parts[k:] for part in kept]
            else:
                break
            del out[k:], joined_parts[k:]
            out.append(joined)
            joined_parts.append(parts)
    result: list[Unit] = []
    for unit, parts in zip(out, joined_parts, strict=True):
        sizes = [_size(part, by_siglum, sigla) for part in parts]
        if len(parts) > 1 and max(sizes) < MAX_RECAST and min(sizes) < MIN_SIDE:
            result.extend(parts)
        else:
            result.append(unit)
    return _sentence_tails(result, by_siglum, sigla)


#: the marks that end a sentence
SENTENCE_END = frozenset({".", "?", "!"})


def _sentence_tails(units: list[Unit], by_siglum: dict[str, Prepared], sigla: list[str]) -> list[Unit]:
    """Each rewrite run on to the end of its sentence over the small changes left there.

    Darwin 1859 "… to the action of any change in the ‸ conditions of life."
    against 1869 "… are to very slight changes in the surrounding conditions ‸.":
    after a recast sentence (a unit of :data:`MAX_RECAST` words or more) the
    same sentence may still differ in a word or two between agreeing ones,
    too few for the proportional rule (one agreeing word against one added).
    The gold's rule 4 draws the recast sentence "from its first to its last
    difference" when no more agrees than differs there. So the changes after
    a rewrite, up to the sentence's end (a ``.``, ``?`` or ``!`` every witness
    has, agreeing) and never over a line or paragraph break, join it as far
    as the changed words (in the witness that has most) are at least as many
    as the agreeing words between. Only forwards, from the rewrite's end: a
    change before a rewrite is in a sentence the rewrite may have ended
    (Darwin 1869 "somewhat unlike their parents‸. I may add …": the added
    sentence begins after "parents"), and is left to the other rules.
    """
    out: list[Unit] = []
    i = 0
    while i < len(units):
        unit = units[i]
        best = None
        if _size(unit, by_siglum, sigla) >= MAX_RECAST:
            changed = agreeing = 0
            for j in range(i + 1, len(units)):
                between = _between(units[j - 1], units[j], by_siglum, sigla)
                following = units[j]
                if between is None or following.opens_paragraph or following.matched:
                    break
                if _size(following, by_siglum, sigla) >= MAX_RECAST:
                    break  # a rewrite of its own, not a small change left in this sentence
                agreeing += between
                changed += _size(following, by_siglum, sigla)
                if not _same_sides(unit, following, by_siglum, sigla):
                    break
                if changed >= agreeing:
                    best = j
        if best is not None:
            unit = _join(unit, units[best], sigla)
            i = best
        out.append(unit)
        i += 1
    return out


def _between(left: Unit, right: Unit, by_siglum: dict[str, Prepared], sigla: list[str]) -> int | None:
    """Agreeing words between two units inside one sentence and line, or None if a sentence or line ends there."""
    most = 0
    for s in sigla:
        p = by_siglum[s]
        first, end = left.after[s], _start(right, s)
        words = 0
        for i in range(max(first - 1, 0), end):
            if i >= first and p.tokens[i].text in SENTENCE_END:
                return None
            if "\n" in p.tokens[i].space and (i >= first or left.tokens[s]):
                return None
            if i >= first and p.roles[i] == "word":
                words += 1
        most = max(most, words)
    return most


def _partner(out: list[Unit], by_siglum: dict[str, Prepared], sigla: list[str], language: str) -> int | None:
    """The index of the unit the last one joins with, or None.

    Units between the two (a "the" against "The", a comma dropped) are part
    of what separates them, and must be light like the agreeing words. A unit
    where every witness has the same word written differently ("United States"
    / "U. S.") is agreement on that word, never a side of a rewrite.
    """
    right = out[-1]
    if len(out) > 1 and _moved_across(out[-2], right, by_siglum, sigla, language):
        return len(out) - 2
    right_size = _size(right, by_siglum, sigla)
    if right_size < MIN_SIDE or right.matched:
        return None
    for k in range(len(out) - 2, -1, -1):
        left = out[k]
        left_size = _size(left, by_siglum, sigla)
        found = _separator(left, right, by_siglum, sigla, language)
        if found is None:
            return None
        between, heavy = found
        if between < 0:  # next to it with nothing between: a cut made on purpose
            continue
        if heavy and heavy * CONTENT_RATIO > min(left_size, right_size):
            if heavy > MAX_CONTENT:
                return None
            continue
        if (
            not left.matched
            and left_size >= MIN_SIDE
            and max(left_size, right_size) >= MIN_LONG
            and between <= min(left_size, right_size)
            and _same_sides(left, right, by_siglum, sigla)
        ):
            return k
    return None


def _semantic_partner(out: list[Unit], by_siglum: dict[str, Prepared], sigla: list[str]) -> int | None:
    """The unit the last one joins with by diff-match-patch's own proportion, or None.

    ``diff_cleanupSemantic`` eliminates an equality no longer than the
    changes on both sides of it (the longer of deletion and insertion on each
    side) and cascades: the joined change is measured whole against the
    equality before it. Here an equality must be no longer than both changes
    in words *and* in letters (the longest reading of each): it is kept when
    it outweighs a change next to it by either measure. A page-long rewrite
    loses "monstrosities cannot be separated by any" and every "; whether]
    uniformly" inside it; "God comes a loving bedfellow and] the hugging and
    loving Bed-fellow" loses "loving" (one word, six letters, against three
    and two words, fifteen and thirteen letters); ", and producing offspring"
    stays between "not quite regularly] irregularly" and "not perfectly like]
    somewhat unlike" (three words against three, but more letters), and
    "on the monuments of Egypt" between "records, more especially] times," and
    an added phrase (five words against three). Only rewrites are folded:
    both changes must have text in every witness, for a passage some witness
    adds or drops is a place of its own however short the agreement beside it
    (Pater 1910 adds "What, in that age, … For", then after the agreeing
    "Ludovico became a prisoner, and" replaces "the" by a passage of its
    own: two units, as diff-match-patch, which knows no witnesses, would not
    say). :func:`join_rewrites` undoes
    a join of small changes no rewrite took in. A word that touches a change
    (no token between) was cut from it on purpose (:func:`.units.runs`: a
    word written alike beside a long stretch some witnesses lack) and is not
    joined again. The rules of :func:`_partner` hold: no paragraph break
    between, the same witnesses against the same others at both changes.
    """
    if len(out) < 2:
        return None
    left, right = out[-2], out[-1]
    if left.matched or right.matched:
        return None
    if not all(left.tokens[s] for s in sigla) or not all(right.tokens[s] for s in sigla):
        return None  # a passage added (or dropped) is a place of its own: only rewrites are folded
    left_size, right_size = _size(left, by_siglum, sigla), _size(right, by_siglum, sigla)
    gap = _gap(left, right, by_siglum, sigla, min(left_size, right_size))
    if gap is None:
        return None
    words, chars = gap
    if chars > min(_chars(left, by_siglum, sigla), _chars(right, by_siglum, sigla)):
        return None
    if not chars and min(left_size, right_size) < MIN_SIDE:
        return None  # a word cut on purpose from a long stretch next to it (units.runs): "directly] direct"
    if not _same_sides(left, right, by_siglum, sigla):
        return None
    return len(out) - 2


def _chars(unit: Unit, by_siglum: dict[str, Prepared], sigla: list[str]) -> int:
    """The unit's length in characters, in the witness whose reading is longest (computed once per unit)."""
    size = unit.measures.get("chars")
    if size is None:
        size = unit.measures["chars"] = max(
            len(" ".join(by_siglum[s].tokens[i].text for i in unit.tokens[s])) for s in sigla)
    return size


def _gap(left: Unit, right: Unit, by_siglum: dict[str, Prepared], sigla: list[str],
         most_words: int) -> tuple[int, int] | None:
    """Words and characters between two units (most in any witness).

    None across a paragraph break, or when more than ``most_words`` words stand there.
    """
    words = chars = 0
    for s in sigla:
        p = by_siglum[s]
        first, end = left.after[s], _start(right, s)
        if end - first > 2 * most_words + 2 and _word_count(p, first, end) > most_words:
            return None
        if first < end and _paragraph_break(p, first, end):
            return None
        if _holds_sentence_end(p, first, end):
            return None
        words = max(words, _word_count(p, first, end))
        if words > most_words:
            return None
        chars = max(chars, len(" ".join(p.tokens[i].text for i in range(first, end))))
    return words, chars


def _paragraph_break(p: Prepared, first: int, end: int) -> bool:
    """Is there a paragraph break after the token before ``first`` or after any token up to ``end``?"""
    tokens = p.tokens
    for i in range(max(first - 1, 0), end):
        space = tokens[i].space
        if "\n" in space and _PARAGRAPH.search(space):  # most spaces are " ": no search for them
            return True
    return False


def _word_count(p: Prepared, first: int, end: int) -> int:
    """How many of the tokens from ``first`` to ``end`` are words (not marks or markers)."""
    return p.roles[first:end].count("word")


def _holds_sentence_end(p: Prepared, first: int, end: int) -> bool:
    """Does the agreement from ``first`` to ``end`` end one sentence and begin the next, with words of both?

    Changes in two sentences with the end of one and the start of the next
    read alike between them ("… parent-stocks? So it is in India. Even in the
    case of the …") are two revisions, whatever their sizes: an editor draws a
    unit inside a sentence, or over sentences only where the witnesses do not
    agree on where one ends. A lone agreeing full stop between two rewrites
    (nothing else agrees there) does not separate them.
    """
    words = ended = False
    for i in range(first, end):
        if p.roles[i] == "word":
            if ended:
                return True
            words = True
        elif words and p.tokens[i].text in SENTENCE_END:
            ended = True
    return False


#: how alike (rapidfuzz ratio, 0-100) a word and its moved form must be: "doubt" / "doubted"
MOVED_RATIO = 80
#: words (in the witness that has most) a change may have to be joined so: a clause, not a
#: whole text, so a file against its own words shuffled does not fold into one variant
MAX_RECAST = 8


def _moved_across(left: Unit, right: Unit, by_siglum: dict[str, Prepared], sigla: list[str],
                  language: str = "en") -> bool:
    """Does a word leave one of two neighbouring changes and come back in the other?

    "I do not think ‸ it is ‸ possible" against "‸ it is not possible": the
    agreeing "it is" separates an omission from an addition, but "not" is
    dropped before it and added after it, so the words around it changed
    order -- a clause recast ("I cannot doubt" / "it cannot be doubted",
    "allow his worst animals to breed" / "breed from his worst animals"),
    which an editor writes as one unit (the gold's rule 4, "its construction
    changes"). So two neighbouring changes separated by at most
    :data:`MAX_SEPARATOR` agreeing words, of any weight, and no paragraph
    break, are one unit when some witness has a word in the first that
    another lacks there and the other has that word (or a form of it,
    :data:`MOVED_RATIO`) in the second where the first lacks it. Changes
    sharing no word ("look to] compare", "much more] more") stay apart, and
    so do changes longer than :data:`MAX_RECAST` words: a recast clause is
    short, and longer rewrites are the semantic rule's.

    A function word (:func:`_light`) shared by two substitutions is chance
    ("the plant sets a seed" / "a plant will produce seeds"); it counts as
    moved only where one of the two changes has nothing in one of the
    witnesses ("not" dropped, then added alone). When the same words are
    dropped in one place and added in the other, and nothing else changes,
    the words moved as they are: a transposition (:mod:`.transpose`), not a
    recast.
    """
    if left.matched or right.matched:
        return False
    if max(_size(left, by_siglum, sigla), _size(right, by_siglum, sigla)) > MAX_RECAST:
        return False
    for s in sigla:
        p = by_siglum[s]
        first, end = left.after[s], _start(right, s)
        if _paragraph_break(p, first, end):
            return False
        if _word_count(p, first, end) > MAX_SEPARATOR:
            return False
    if not any(left.tokens[s] for s in sigla) and not any(right.tokens[s] for s in sigla):
        return False
    words = {side: {s: _words(unit, by_siglum[s], s) for s in sigla} for side, unit in (("l", left), ("r", right))}
    for a in sigla:
        for b in sigla:
            gone = words["l"][a] - words["l"][b]  # a has it in the first change, b not
            back = words["r"][b] - words["r"][a]  # b has it in the second, a not
            one_sided = not left.tokens[b] or not right.tokens[a]
            if one_sided and not left.tokens[b] and not right.tokens[a] and words["l"][a] == words["r"][b]:
                return False  # the same words moved as they are
            if any((x == y or fuzz.ratio(x, y) >= MOVED_RATIO) and (one_sided or not _light(x, language))
                   for x in gone for y in back):
                return True
    return False


def _words(unit: Unit, prepared: Prepared, siglum: str) -> set[str]:
    return {prepared.tokens[i].text.casefold() for i in unit.tokens[siglum] if prepared.roles[i] == "word"}


def _size(unit: Unit, by_siglum: dict[str, Prepared], sigla: list[str]) -> int:
    """Words in the unit, in the witness that has most (computed once per unit: a joined rewrite is long)."""
    size = unit.measures.get("words")
    if size is None:
        size = unit.measures["words"] = max(
            [by_siglum[s].roles[i] for i in unit.tokens[s]].count("word") for s in sigla)
    return size


def _start(unit: Unit, siglum: str) -> int:
    tokens = unit.tokens[siglum]
    return tokens[0] if tokens else unit.after[siglum]


def _separator(left: Unit, right: Unit, by_siglum: dict[str, Prepared], sigla: list[str],
               language: str) -> tuple[int, int] | None:
    """How many words stand between two units (most in any witness), or None if too many or not light.

    A paragraph break between them is never light: a rewrite is drawn
    paragraph by paragraph. -1 when no token stands between them: the walk over the columns cut there
    on purpose (a word written alike kept apart from a long omission next to
    it, or from words added next to it), and that cut is not undone here; the
    unit may still stand inside what separates two others.
    """
    most = heaviest = 0
    tokens = 0
    for s in sigla:
        p = by_siglum[s]
        words = heavy = 0
        first, end = left.after[s], _start(right, s)
        if first < end and _paragraph_break(p, first, end):
            return None
        for i in range(first, end):
            tokens += 1
            if p.roles[i] != "word":
                continue
            words += 1
            if not _light(p.tokens[i].text, language):
                heavy += 1
            if words - heavy > MAX_SEPARATOR or heavy > MAX_CONTENT:
                return None
        most, heaviest = max(most, words), max(heaviest, heavy)
    return (most, heaviest) if tokens else (-1, 0)


def _light(word: str, language: str) -> bool:
    """One of the language's commonest words ("the", "and", "than"): agreement on it is chance."""
    return word.casefold() in _commonest(language)


@cache
def _commonest(language: str) -> frozenset[str]:
    """The words of Zipf frequency :data:`LIGHT_ZIPF` or more in wordfreq's "small" list for
    ``language`` (:func:`collate.lexicon.commonest`); a language wordfreq does not have has no
    light words: nothing is joined."""
    return commonest(language, LIGHT_ZIPF)


def _same_sides(left: Unit, right: Unit, by_siglum: dict[str, Prepared], sigla: list[str]) -> bool:
    """Do some witnesses stand against the others at both units?

    Each unit groups the witnesses by reading; joining every two witnesses that
    read alike at either unit must leave more than one group, else the two
    changes are made by different witnesses and are two variants.
    """
    parent = {s: s for s in sigla}

    def find(s: str) -> str:
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    for unit in (left, right):
        first: dict[tuple[str, ...], str] = {}
        for s in sigla:
            p = by_siglum[s]
            reading = tuple(p.tokens[i].text for i in unit.tokens[s])
            other = first.setdefault(reading, s)
            parent[find(s)] = find(other)
    return len({find(s) for s in sigla}) > 1


def _join(left: Unit, right: Unit, sigla: Sequence[str]) -> Unit:
    """One unit from ``left`` to ``right``, with every token between them."""
    tokens = {
        s: [*left.tokens[s], *range(left.after[s], _start(right, s)), *right.tokens[s]] for s in sigla
    }
    return Unit(tokens, dict(right.after), left.before_ctx, right.after_ctx, left.start,
                opens_paragraph=left.opens_paragraph)
