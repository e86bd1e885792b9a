"""chardiff's faster middle-snake search gives diff-match-patch's own diffs, exactly."""

from __future__ import annotations

import random

import pytest
from diff_match_patch import diff_match_patch
from hypothesis import given
from hypothesis import strategies as st

from collate.chardiff import _Differ, char_diff
from conftest import ROOT

DARWIN = ROOT / "benchmarks" / "darwin-origin-ch1"


def library(a: str, b: str) -> list[tuple[int, str]]:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    return list(dmp.diff_main(a, b))


def ours(a: str, b: str) -> list[tuple[int, str]]:
    dmp = _Differ()
    dmp.Diff_Timeout = 0
    return list(dmp.diff_main(a, b))


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


def test_a_deadline_past_still_stops_the_search() -> None:
    # the library's own bail-out: the whole texts, deleted and inserted
    a, b = "abcdefghij" * 200, "jihgfedcba" * 200
    expected = diff_match_patch().diff_bisect(a, b, 0.0)
    assert _Differ().diff_bisect(a, b, 0.0) == expected == [(-1, a), (1, b)]


def test_char_diff_keeps_its_form() -> None:
    assert char_diff("civilization", "civilisation") == ((0, "civili"), (-1, "z"), (1, "s"), (0, "ation"))


def _forced(monkeypatch: pytest.MonkeyPatch, fast: bool, a: str, b: str) -> tuple[tuple[int, str], ...]:
    import collate.chardiff as chardiff

    monkeypatch.setattr(chardiff, "FAST_WORD_DIFF", 0 if fast else 10**12)
    char_diff.cache_clear()
    return char_diff(a, b)


def test_a_page_long_rewrite_gets_the_same_word_diff_from_rapidfuzz_as_from_the_library(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Darwin's paragraph 2, 1859 against 1869 (five sentences rewritten as two paragraphs and more): real text.

    Past FAST_WORD_DIFF the word diff's edit script comes from rapidfuzz's C++ LCS;
    on the chapter's rewrites it is the one diff-match-patch's bisection finds.
    """
    old = next(p for p in (DARWIN / "1859.txt").read_text(encoding="utf-8").split("\n\n")
               if p.startswith("It has been disputed at what period"))
    text = (DARWIN / "1869.txt").read_text(encoding="utf-8")
    new = text[text.index("As far as I am able to judge"):text.index("in the surrounding conditions.")]
    assert _forced(monkeypatch, True, old, new) == _forced(monkeypatch, False, old, new)


@given(st.lists(st.sampled_from(["the", "plant", "seed", ",", "and", "of", "variation"]), max_size=60),
       st.lists(st.sampled_from(["the", "plant", "seeds", ";", "and", "of", "variability"]), max_size=60))
def test_the_fast_word_diff_spells_out_both_readings(a: list[str], b: list[str]) -> None:
    """Synthetic word lists: whatever script is chosen, its kept and deleted parts are the first reading, its
    kept and inserted parts the second."""
    import collate.chardiff as chardiff

    first, second = " ".join(a) + " " + "x" * 120, " ".join(b) + " " + "x" * 120  # long: the word diff
    old = chardiff.FAST_WORD_DIFF
    chardiff.FAST_WORD_DIFF = 0
    try:
        char_diff.cache_clear()
        d = char_diff(first, second)
    finally:
        chardiff.FAST_WORD_DIFF = old
        char_diff.cache_clear()
    assert "".join(t for op, t in d if op <= 0) == first
    assert "".join(t for op, t in d if op >= 0) == second
