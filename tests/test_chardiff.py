"""chardiff's diffs, from diff-match-patch's C++ port, are the pure-Python library's own, exactly."""

from __future__ import annotations

import random

import pytest
from diff_match_patch import diff_match_patch
from hypothesis import given
from hypothesis import strategies as st

import collate.chardiff as chardiff
from collate.chardiff import _diff, char_diff
from conftest import ROOT

DARWIN = ROOT / "benchmarks" / "darwin-origin-ch1"


def library(a: str, b: str) -> list[tuple[int, str]]:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    return list(dmp.diff_main(a, b))


def ours(a: str, b: str) -> list[tuple[int, str]]:
    return _diff(a, b)


def library_semantic(a: str, b: str, semantic: bool = False) -> list[tuple[int, str]]:
    """What :func:`collate.chardiff._diff` stands for: the pure-Python library's diff (and clean-up)."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    d = list(dmp.diff_main(a, b, False))
    if semantic:
        dmp.diff_cleanupSemantic(d)
    return d


def _in_python(monkeypatch: pytest.MonkeyPatch, a: str, b: str) -> tuple[tuple[int, str], ...]:
    """char_diff with every diff made by the pure-Python library instead of the C++ port."""
    monkeypatch.setattr(chardiff, "_diff", library_semantic)
    char_diff.cache_clear()
    try:
        return char_diff(a, b)
    finally:
        monkeypatch.undo()
        char_diff.cache_clear()


def test_darwins_paragraphs_diff_as_the_library_has_them() -> None:
    # real text: paragraphs of the Origin in 1859 and 1872 (rewritten, cut, shifted), and slices of them
    first = (DARWIN / "1859.txt").read_text(encoding="utf-8").split("\n\n")
    last = (DARWIN / "1872.txt").read_text(encoding="utf-8").split("\n\n")
    rnd = random.Random(12)
    pairs = [(a[:700], b[:700]) for a, b in zip(first[:12], last[3:15], strict=True)]
    pairs += [(a[s:s + 300], a[s + 5:s + 290] + "x") for a in first[:8] for s in [rnd.randrange(200)]]
    pairs += [(first[5][:200], last[8][:900]), (last[8][:900], first[5][:200])]
    for a, b in pairs:
        assert ours(a, b) == library(a, b)


_TEXT = st.text(alphabet="abcde ,.", max_size=60)


@given(_TEXT, _TEXT)
def test_any_pair_diffs_as_the_library_has_it(a: str, b: str) -> None:
    assert ours(a, b) == library(a, b)


@given(st.text(max_size=40), st.text(max_size=40))
def test_any_unicode_pair_diffs_as_the_library_has_it(a: str, b: str) -> None:
    assert ours(a, b) == library(a, b)


def test_char_diff_keeps_its_form() -> None:
    assert char_diff("civilization", "civilisation") == ((0, "civili"), (-1, "z"), (1, "s"), (0, "ation"))


def test_a_page_long_rewrite_gets_the_libraries_word_diff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Darwin's paragraph 2, 1859 against 1869 (five sentences rewritten as two paragraphs and more): real text.

    The word diff and the character diffs inside it are the pure-Python library's.
    """
    old = next(p for p in (DARWIN / "1859.txt").read_text(encoding="utf-8").split("\n\n")
               if p.startswith("It has been disputed at what period"))
    text = (DARWIN / "1869.txt").read_text(encoding="utf-8")
    new = text[text.index("As far as I am able to judge"):text.index("in the surrounding conditions.")]
    char_diff.cache_clear()
    fast = char_diff(old, new)
    assert len(fast) > 2  # a real word diff, not the readings replaced whole
    assert fast == _in_python(monkeypatch, old, new)


def test_every_reading_of_darwins_chapter_diffs_as_in_pure_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paragraph pairs of 1859 and 1860 (short and long readings, both paths) give the same char_diff."""
    first = (DARWIN / "1859.txt").read_text(encoding="utf-8").split("\n\n")
    second = (DARWIN / "1860.txt").read_text(encoding="utf-8").split("\n\n")
    pairs = [(a[:s], b[:s]) for a, b in zip(first[:20], second[:20], strict=True) for s in (60, 400)]
    for a, b in pairs:
        char_diff.cache_clear()
        assert char_diff(a, b) == _in_python(monkeypatch, a, b)


@given(st.lists(st.sampled_from(["the", "plant", "seed", ",", "and", "of", "variation"]), max_size=60),
       st.lists(st.sampled_from(["the", "plant", "seeds", ";", "and", "of", "variability"]), max_size=60))
def test_the_word_diff_spells_out_both_readings(a: list[str], b: list[str]) -> None:
    """Synthetic word lists: the kept and deleted parts are the first reading, kept and inserted the second."""
    first, second = " ".join(a) + " " + "x" * 120, " ".join(b) + " " + "x" * 120  # long: the word diff
    char_diff.cache_clear()
    d = char_diff(first, second)
    assert "".join(t for op, t in d if op <= 0) == first
    assert "".join(t for op, t in d if op >= 0) == second


@given(_TEXT, _TEXT)
def test_the_semantic_clean_up_is_the_libraries(a: str, b: str) -> None:
    assert _diff(a, b, semantic=True) == library_semantic(a, b, semantic=True)


def _both_cleaned(diffs: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    theirs, mine = list(diffs), list(diffs)
    diff_match_patch().diff_cleanupSemantic(theirs)
    chardiff._DiffMatchPatch().diff_cleanupSemantic(mine)
    return theirs, mine


@given(st.lists(st.tuples(st.sampled_from([-1, 0, 1]), st.text(alphabet="ab .x", max_size=7)), max_size=80))
def test_the_semantic_clean_up_of_any_diff_is_the_libraries(diffs: list[tuple[int, str]]) -> None:
    """Synthetic diffs (any ops in any order, equalities folded from the first, second or a later one)."""
    theirs, mine = _both_cleaned(diffs)
    assert mine == theirs


def test_the_semantic_clean_up_of_many_generated_diffs_is_the_libraries() -> None:
    """Synthetic: 40,000 short diffs of runs of one letter, so lengths alone decide what folds (a fold
    that miscounts the edits before the first equality shows in a few dozen of them)."""
    rnd = random.Random(1)
    for _ in range(40_000):
        diffs = [(rnd.choice((-1, 0, 1)), "x" * rnd.randint(1, 6)) for _ in range(rnd.randint(0, 20))]
        theirs, mine = _both_cleaned(diffs)
        assert mine == theirs, diffs


def test_the_semantic_clean_up_of_darwins_word_diffs_is_the_libraries() -> None:
    """Real text: the word diffs (before their clean-up) of paragraphs of the Origin, 1859 against 1869."""
    first = (DARWIN / "1859.txt").read_text(encoding="utf-8").split("\n\n")
    later = (DARWIN / "1869.txt").read_text(encoding="utf-8").split("\n\n")
    folded = 0
    for a, b in zip(first[:30], later[:30], strict=False):
        index: dict[str, str] = {}
        coded = ["".join(index.setdefault(w, chr(len(index) + 1)) for w in chardiff._WORD.findall(t)) for t in (a, b)]
        words = ["", *index]
        coarse = [(op, "".join(words[ord(c)] for c in text)) for op, text in _diff(*coded)]
        theirs, mine = _both_cleaned(coarse)
        assert mine == theirs
        folded += len(theirs) < len(coarse)
    assert folded > 5  # rewrites whose short equalities fold
