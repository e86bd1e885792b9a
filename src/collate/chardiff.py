"""The character-level difference of two readings, cleaned up for people to read.

The diffs are diff-match-patch's (Myers' middle-snake bisection, then its semantic
clean-up), computed by the library's C++ port (:mod:`fast_diff_match_patch`): the same
algorithm step for step, so the same diffs (tests/test_chardiff.py compares them with the
pure-Python library on real texts), at a twentieth of the time. The clean-ups of diffs
built here (the word diff's) are the pure-Python library's, which takes a diff as input.
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
    dmp = diff_match_patch()
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

    coarse_a, coarse_b = encode(a), encode(b)
    # the bisection costs (length of both) x (tokens that differ): two long readings with
    # little in common (a wrong file against the right one: five thousand words each) would
    # take seconds, for a diff that shows them replaced whole anyway; rapidfuzz counts the
    # differing tokens (the same shortest edit script's length) first, in linear time
    differing = Indel.distance(coarse_a, coarse_b)
    if (len(coarse_a) + len(coarse_b)) * differing > WORD_DIFF_BUDGET:
        return [(dmp.DIFF_DELETE, a), (dmp.DIFF_INSERT, b)]
    coarse = [(op, "".join(words[ord(c)] for c in text)) for op, text in _diff(coarse_a, coarse_b)]
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
        diff_match_patch().diff_cleanupSemantic(d)
    else:
        d = _diff(a, b, semantic=True)
    return tuple(d)
