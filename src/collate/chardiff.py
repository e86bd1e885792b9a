"""The character-level difference of two readings, cleaned up for people to read.

The diffs are diff-match-patch's (Myers' middle-snake bisection, then its semantic
clean-up), computed by the library's C++ port (:mod:`fast_diff_match_patch`): the same
algorithm step for step, so the same diffs (tests/test_chardiff.py compares them with the
pure-Python library on real texts), at a twentieth of the time. The clean-ups of diffs
built here (the word diff's) are the pure-Python library's, which takes a diff as input,
with the first pass of its semantic clean-up in linear time (:class:`_DiffMatchPatch`).
"""

from __future__ import annotations

from functools import lru_cache

import fast_diff_match_patch
import regex
from diff_match_patch import diff_match_patch
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

#: readings longer than this (characters, either side) are diffed word by word first
LONG_DIFF = 100


#: rapidfuzz ratio at which two runs of words are one text written differently
ALIKE = 60

#: the most work (tokens of both readings times the tokens that differ) a word diff may take;
#: a few hundredths of a second in C++ (it was a second of the pure-Python library)
WORD_DIFF_BUDGET = 10_000_000

_WORD = regex.compile(r"\s+|\w+|[^\w\s]")
_OPS = {"=": diff_match_patch.DIFF_EQUAL, "-": diff_match_patch.DIFF_DELETE, "+": diff_match_patch.DIFF_INSERT}


_DELETE, _EQUAL, _INSERT = diff_match_patch.DIFF_DELETE, diff_match_patch.DIFF_EQUAL, diff_match_patch.DIFF_INSERT


class _DiffMatchPatch(diff_match_patch):  # type: ignore[misc]  # the library is not typed
    """The library, with ``diff_cleanupSemantic`` giving its very diffs in a fraction of the time.

    Its first pass, folding each equality no longer than the edits on both sides into
    them, goes back to the start of the diff whenever the equality it folds is the
    first or second one left; a long rewrite's word diff (all its short equalities
    folded, one by one) was walked again from the start for each of them: a quadratic
    walk, 2 ms of a 1,000-word passage and 17 ms of Darwin's chapter. Walked again, the
    start of the diff is edits only (nothing to fold) up to its first equality, whose
    edits before it are known, so the walk resumes there; the rest of the method is the
    library's, line for line (diff-match-patch, Apache License 2.0, Google).
    tests/test_chardiff.py compares it with the library on real and generated diffs.
    """

    def diff_cleanupSemantic(self, diffs: list[tuple[int, str]]) -> None:  # noqa: N802 (the library's name)
        if _fold_equalities(diffs):
            self.diff_cleanupMerge(diffs)
        self.diff_cleanupSemanticLossless(diffs)
        # the library's last pass: overlaps between deletions and insertions
        # (<del>abcxxx</del><ins>xxxdef</ins> -> <del>abc</del>xxx<ins>def</ins>), only where
        # the overlap is as big as the edit ahead or behind it
        pointer = 1
        while pointer < len(diffs):
            if diffs[pointer - 1][0] == _DELETE and diffs[pointer][0] == _INSERT:
                deletion = diffs[pointer - 1][1]
                insertion = diffs[pointer][1]
                overlap_length1 = self.diff_commonOverlap(deletion, insertion)
                overlap_length2 = self.diff_commonOverlap(insertion, deletion)
                if overlap_length1 >= overlap_length2:
                    if overlap_length1 >= len(deletion) / 2.0 or overlap_length1 >= len(insertion) / 2.0:
                        diffs.insert(pointer, (_EQUAL, insertion[:overlap_length1]))
                        diffs[pointer - 1] = (_DELETE, deletion[: len(deletion) - overlap_length1])
                        diffs[pointer + 1] = (_INSERT, insertion[overlap_length1:])
                        pointer += 1
                else:
                    if overlap_length2 >= len(deletion) / 2.0 or overlap_length2 >= len(insertion) / 2.0:
                        # a reverse overlap: the equality between, the edits swapped and trimmed
                        diffs.insert(pointer, (_EQUAL, deletion[:overlap_length2]))
                        diffs[pointer - 1] = (_INSERT, insertion[: len(insertion) - overlap_length2])
                        diffs[pointer + 1] = (_DELETE, deletion[overlap_length2:])
                        pointer += 1
                pointer += 1
            pointer += 1


def _fold_equalities(diffs: list[tuple[int, str]]) -> bool:
    """The first pass of ``diff_cleanupSemantic``, in place: is anything folded?

    An equality no longer than the edits before it and after it (the longer of the
    insertions and deletions on each side, in characters) becomes a deletion and an
    insertion; the equality before it is then weighed again, from the one before that.
    """
    changes = False
    equalities: list[int] = []  # the indices of the equalities kept so far
    last_equality: str | None = None  # diffs[equalities[-1]]'s text, while it may be folded
    inserted_before = deleted_before = inserted_after = deleted_after = 0
    lead = (0, 0)  # the characters inserted and deleted before the first equality
    pointer = 0
    while pointer < len(diffs):
        op, text = diffs[pointer]
        if op == _EQUAL:
            if not equalities:
                lead = (inserted_after, deleted_after)
            equalities.append(pointer)
            inserted_before, inserted_after = inserted_after, 0
            deleted_before, deleted_after = deleted_after, 0
            last_equality = text
            pointer += 1
            continue
        if op == _INSERT:
            inserted_after += len(text)
        else:
            deleted_after += len(text)
        if (last_equality and len(last_equality) <= max(inserted_before, deleted_before)
                and len(last_equality) <= max(inserted_after, deleted_after)):
            folded = equalities.pop()
            diffs.insert(folded, (_DELETE, last_equality))
            diffs[folded + 1] = (_INSERT, diffs[folded + 1][1])
            changes = True
            inserted_before = deleted_before = 0
            if equalities:
                previous = equalities.pop()  # weighed again
                if equalities:  # the library's walk resumes after the one before it
                    pointer = equalities[-1] + 1
                    inserted_after = deleted_after = 0
                else:  # the library walks from the start: edits only, up to this first equality
                    pointer = previous
                    inserted_after, deleted_after = lead
            else:  # the equality folded was the first: edits only, up to the two entries it became
                pointer = folded + 2
                inserted_after, deleted_after = lead[0] + len(last_equality), lead[1] + len(last_equality)
            last_equality = None
            continue
        pointer += 1
    return changes


def _diff(a: str, b: str, semantic: bool = False) -> list[tuple[int, str]]:
    """diff-match-patch's ``diff_main(a, b)`` with no deadline (then ``diff_cleanupSemantic``), in C++.

    No line mode (``checklines``): the readings diffed whole are at most :data:`LONG_DIFF`
    characters, below the library's own threshold for it, and the word diff needs none.
    """
    return [(_OPS[op], text) for op, text in fast_diff_match_patch.diff(
        a, b, timelimit=0, checklines=False, cleanup="Semantic" if semantic else "No", counts_only=False)]


def _word_diff(a: str, b: str) -> list[tuple[int, str]]:
    """Words first, then characters within each changed run of words that are alike.

    A run of words replaced by different words ("latter fact were found" by
    "only throws far backwards") is shown whole: a character diff of the two
    would show the letters they share by chance ("r ", "ac") as kept. A run
    written alike (:data:`ALIKE`: "civilization" / "civilisation") shows the
    letters that changed.

    diff-match-patch's own speed-up of this kind, its line mode, is no help for
    a reading that is one long paragraph, and a plain character diff of two
    such readings costs time in proportion to their length times their difference.
    """
    dmp = _DiffMatchPatch()
    index: dict[str, int] = {}  # each word -> its character, from chr(1), in the order first seen

    def encode(text: str) -> str:
        return "".join([chr(index.setdefault(word, len(index) + 1)) for word in _WORD.findall(text)])

    coarse_a, coarse_b = encode(a), encode(b)
    words = ["", *index]  # the word of each character
    # the bisection costs (length of both) x (tokens that differ): two long readings with
    # little in common (a wrong file against the right one: five thousand words each) would
    # take seconds, for a diff that shows them replaced whole anyway; rapidfuzz counts the
    # differing tokens (the same shortest edit script's length) first, in linear time
    differing = Indel.distance(coarse_a, coarse_b)
    if (len(coarse_a) + len(coarse_b)) * differing > WORD_DIFF_BUDGET:
        return [(dmp.DIFF_DELETE, a), (dmp.DIFF_INSERT, b)]
    coarse = [(op, "".join(map(words.__getitem__, map(ord, text)))) for op, text in _diff(coarse_a, coarse_b)]
    dmp.diff_cleanupSemantic(coarse)  # a lone "the" both keep does not cut a rewritten clause
    out: list[tuple[int, str]] = []
    deleted = inserted = ""
    for op, text in [*coarse, (dmp.DIFF_EQUAL, "")]:
        if op == dmp.DIFF_DELETE:
            deleted += text
        elif op == dmp.DIFF_INSERT:
            inserted += text
        else:
            if deleted and inserted and fuzz.ratio(deleted, inserted) >= ALIKE:
                out.extend(_diff(deleted, inserted))
            elif deleted and inserted:  # different words: letters they share are chance
                out.extend([(dmp.DIFF_DELETE, deleted), (dmp.DIFF_INSERT, inserted)])
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
    if a and b and max(len(a), len(b)) > LONG_DIFF:
        d = _word_diff(a, b)
        _DiffMatchPatch().diff_cleanupSemantic(d)
    else:
        d = _diff(a, b, semantic=True)
    return tuple(d)
