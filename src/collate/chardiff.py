"""The character-level difference of two readings, cleaned up for people to read."""

from __future__ import annotations

import sys
import time
from functools import lru_cache

import regex
from diff_match_patch import diff_match_patch
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

#: readings longer than this (characters, either side) are diffed word by word first
LONG_DIFF = 100


#: rapidfuzz ratio at which two runs of words are one text written differently
ALIKE = 60

#: the most work (tokens of both readings times the tokens that differ) a word diff may take;
#: about a second of diff-match-patch in pure Python
WORD_DIFF_BUDGET = 10_000_000
#: work beyond which the word diff's shortest edit script comes from rapidfuzz (C++) rather than
#: diff-match-patch's bisection (pure Python: ~20 ms here, a quarter of a second for a page-long
#: rewrite); both are shortest edit scripts and the same semantic clean-up follows, but where
#: several are shortest the two may choose differently, so short readings keep the library's
FAST_WORD_DIFF = 200_000

_WORD = regex.compile(r"\s+|\w+|[^\w\s]")


class _Differ(diff_match_patch):  # type: ignore[misc]
    """diff-match-patch with its middle-snake search (``diff_bisect``) written for speed.

    The same algorithm step for step — the same snakes are found, in the same order,
    so every diff is the one the library gives (tests/test_chardiff.py compares
    them) — with the strings read backwards once instead of by negative index, the
    lists and lengths in local names, and no clock read when there is no deadline
    (``Diff_Timeout = 0``). A paragraph rewritten between editions is most of a
    chapter's diffing time, all of it in this loop.
    """

    def diff_bisect(self, text1: str, text2: str, deadline: float) -> list[tuple[int, str]]:
        n1, n2 = len(text1), len(text2)
        max_d = (n1 + n2 + 1) // 2
        v_offset = max_d
        v_length = 2 * max_d
        v1 = [-1] * v_length
        v1[v_offset + 1] = 0
        v2 = v1[:]
        r1, r2 = text1[::-1], text2[::-1]
        delta = n1 - n2
        front = delta % 2 != 0
        k1start = k1end = k2start = k2end = 0
        timed = deadline < sys.maxsize
        for d in range(max_d):
            if timed and time.time() > deadline:
                break
            for k1 in range(-d + k1start, d + 1 - k1end, 2):
                k1_offset = v_offset + k1
                if k1 == -d or (k1 != d and v1[k1_offset - 1] < v1[k1_offset + 1]):
                    x1 = v1[k1_offset + 1]
                else:
                    x1 = v1[k1_offset - 1] + 1
                y1 = x1 - k1
                while x1 < n1 and y1 < n2 and text1[x1] == text2[y1]:
                    x1 += 1
                    y1 += 1
                v1[k1_offset] = x1
                if x1 > n1:
                    k1end += 2
                elif y1 > n2:
                    k1start += 2
                elif front:
                    k2_offset = v_offset + delta - k1
                    if 0 <= k2_offset < v_length and v2[k2_offset] != -1 and x1 >= n1 - v2[k2_offset]:
                        return self.diff_bisectSplit(text1, text2, x1, y1, deadline)  # type: ignore[no-any-return]
            for k2 in range(-d + k2start, d + 1 - k2end, 2):
                k2_offset = v_offset + k2
                if k2 == -d or (k2 != d and v2[k2_offset - 1] < v2[k2_offset + 1]):
                    x2 = v2[k2_offset + 1]
                else:
                    x2 = v2[k2_offset - 1] + 1
                y2 = x2 - k2
                while x2 < n1 and y2 < n2 and r1[x2] == r2[y2]:
                    x2 += 1
                    y2 += 1
                v2[k2_offset] = x2
                if x2 > n1:
                    k2end += 2
                elif y2 > n2:
                    k2start += 2
                elif not front:
                    k1_offset = v_offset + delta - k2
                    if 0 <= k1_offset < v_length and v1[k1_offset] != -1:
                        x1 = v1[k1_offset]
                        if x1 >= n1 - x2:
                            y1 = v_offset + x1 - k1_offset
                            return self.diff_bisectSplit(text1, text2, x1, y1, deadline)  # type: ignore[no-any-return]
        return [(self.DIFF_DELETE, text1), (self.DIFF_INSERT, text2)]


def _word_diff(dmp: diff_match_patch, a: str, b: str) -> list[tuple[int, str]]:
    """Words first, then characters within each changed run of words that are alike.

    A run of words replaced by different words ("latter fact were found" by
    "only throws far backwards") is shown whole: a character diff of the two
    would show the letters they share by chance ("r ", "ac") as kept. A run
    written alike (:data:`ALIKE`: "civilization" / "civilisation") shows the
    letters that changed.

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

    coarse_a, coarse_b = encode(a), encode(b)
    # diff-match-patch's bisection costs (length of both) x (tokens that differ): two long
    # readings with little in common (a wrong file against the right one: five thousand
    # words each) would take a minute, for a diff that shows them replaced whole anyway;
    # rapidfuzz counts the differing tokens (the same shortest edit script) in C++ first
    differing = Indel.distance(coarse_a, coarse_b)
    if (len(coarse_a) + len(coarse_b)) * differing > WORD_DIFF_BUDGET:
        return [(dmp.DIFF_DELETE, a), (dmp.DIFF_INSERT, b)]
    if (len(coarse_a) + len(coarse_b)) * differing > FAST_WORD_DIFF:
        coarse = _edit_script(dmp, coarse_a, coarse_b)
    else:
        coarse = dmp.diff_main(coarse_a, coarse_b, False)
    dmp.diff_charsToLines(coarse, words)
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
                out.extend(dmp.diff_main(deleted, inserted, False))
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


def _edit_script(dmp: diff_match_patch, a: str, b: str) -> list[tuple[int, str]]:
    """A shortest edit script of ``b`` against ``a`` in diff-match-patch's form, from rapidfuzz's LCS."""
    out: list[tuple[int, str]] = []
    for op in Indel.opcodes(a, b):
        if op.tag == "equal":
            out.append((dmp.DIFF_EQUAL, a[op.src_start:op.src_end]))
            continue
        if op.src_end > op.src_start:
            out.append((dmp.DIFF_DELETE, a[op.src_start:op.src_end]))
        if op.dest_end > op.dest_start:
            out.append((dmp.DIFF_INSERT, b[op.dest_start:op.dest_end]))
    dmp.diff_cleanupMerge(out)  # as diff_main leaves its result: neighbours merged, edits shifted
    return out


@lru_cache(maxsize=4096)
def char_diff(a: str, b: str) -> tuple[tuple[int, str], ...]:
    """The character-level difference of ``b`` against ``a``, cleaned up for people to read.

    Short readings (most variants of a letter) get diff-match-patch's plain
    diff; where either is longer than :data:`LONG_DIFF` characters (a paragraph
    rewritten between editions) they are diffed by words first: a plain diff
    costs time in proportion to length times difference, seconds in pure Python.
    """
    dmp = _Differ()
    dmp.Diff_Timeout = 0
    d = _word_diff(dmp, a, b) if a and b and max(len(a), len(b)) > LONG_DIFF else dmp.diff_main(a, b)
    dmp.diff_cleanupSemantic(d)
    return tuple((op, text) for op, text in d)
