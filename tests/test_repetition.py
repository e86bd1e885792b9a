"""Repetitive witnesses: finished in seconds, every token kept once, in order.

CollateX's cost explodes on repeated keys (a word written thousands of times; a column
of ditto marks in two witnesses), not only on long ones, so the engines count what
repetition costs it (align.repetition), cut at runs of one key every witness has, and
give what is still too costly to the word-level LCS diff with a warning. The texts
here are synthetic, except the letter the ditto column is appended to (APP's text of
Roosevelt's letter of 23 November 1933).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from collate import anchored
from collate.align import align_collatex, repetition, too_costly
from collate.engines import align
from collate.model import Collation
from collate.notices import caught
from helpers import collate_texts

ROOT = Path(__file__).resolve().parent.parent
LETTER = (ROOT / "witnesses" / "1933-11-23-roosevelt-to-litvinov" / "app.txt").read_text(encoding="utf-8")


def _conserved(collation: Collation) -> None:
    """Every token of every witness in exactly one cell of the alignment table, in order."""
    for w, row in zip(collation.witnesses, collation.table, strict=True):
        assert [t.index for cell in row if cell for t in cell] == list(range(w.tokens))


def test_the_repetition_of_some_witnesses_is_at_most_that_of_all() -> None:
    """Synthetic windows, random, runs of one key among them: what the anchored engine counted for a
    window bounds the count of the distinct readings it gives CollateX (align_window's repeats_at_most)."""
    import random

    rng = random.Random(5)
    for _ in range(2000):
        keys = {}
        for s in "ABCDE"[: rng.randrange(1, 6)]:
            seq: list[str] = []
            while len(seq) < rng.randrange(30):
                seq += [rng.choice("abcd")] * rng.choice([1, 1, 1, 2, 3, 6])
            keys[s] = seq
        some = {s: k for s, k in keys.items() if rng.random() < 0.6}
        assert repetition(some) <= repetition(keys)
        assert too_costly(some, None, repetition(keys)) == too_costly(some)
    # a bound over the limit is no verdict: the readings are counted again
    ditto = {"A": ["do"] * 150, "B": ["do"] * 149}
    assert too_costly(ditto, None, 10**9) == too_costly(ditto) == "too repetitive for CollateX"
    assert too_costly({"A": ["a", "b"], "B": ["a"]}, None, 10**9) is None


def test_repetition_counts_what_collatex_enumerates() -> None:
    assert repetition({"A": ["a", "b", "c"], "B": ["a", "b", "d"]}) == 2  # a and b, each once in each
    assert repetition({"A": ["the"] * 5000, "B": ["the", "letter"]}) == 5001 * 5000 // 2
    # a run in both witnesses: every block of one run against every block of the other
    assert repetition({"A": ["do"] * 150, "B": ["do"] * 149}) == 299 * 298 // 2 + 150 * 149 * 149**2 // 12


@pytest.mark.parametrize("engine", ["anchored", "collatex"])
def test_one_word_written_20000_times_against_a_short_line(engine: str) -> None:
    start = time.monotonic()
    with caught() as warnings:
        collation = collate_texts({"A": "the " * 20_000 + "\n", "B": "the letter was sent\n"}, engine=engine)
    assert time.monotonic() - start < 60
    _conserved(collation)
    # one place, one substitution: the "the"s B lacks and the words it has instead (where the one
    # "the" B has is matched is the engine's guess; a lone "the" between them does not cut it)
    (variant,) = collation.variants
    assert variant.kind == "substitution" and variant.readings["B"].text.endswith("letter was sent")
    assert len(variant.readings["A"].text) >= 4 * 19_999 - 1
    if engine == "collatex":  # over whole witnesses there is no run to cut at: the diff, and a warning
        (warning,) = warnings
        assert warning.endswith("is too repetitive for CollateX: aligned by a word diff instead")
    else:
        assert warnings == []


def test_a_column_of_ditto_marks_against_one_mark_fewer() -> None:
    start = time.monotonic()
    collation = collate_texts({"A": LETTER + "do.\n" * 150, "B": LETTER + "do.\n" * 149})
    assert time.monotonic() - start < 30
    _conserved(collation)
    (variant,) = collation.variants
    assert variant.kind == "omission" and variant.readings["B"].text == ""
    assert variant.readings["A"].text.strip(".\n") == "do"  # which of the marks is a guess, CollateX's too
    assert LETTER.count("\n") < variant.readings["A"].line <= LETTER.count("\n") + 150


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (["do"] * 5, ["do"] * 4),
        (["x", "do", "do", "do", "y"], ["x", "do", "y"]),
        (["a", "b", "do", "do", "do", "do", "c"], ["a", "do", "do", "c", "e"]),
    ],
)
def test_a_cut_at_a_run_aligns_as_collatex_does(a: list[str], b: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(anchored, "REPEAT_BUDGET", 0)  # cut at every run, however cheap
    assert align({"A": a, "B": b}, "anchored") == align_collatex({"A": a, "B": b})


def test_long_sequences_are_diffed_in_bounded_memory_with_the_whole_diffs_matches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Darwin's 1859 and 1860 chapter (real texts): unique runs first, then the stretches between."""
    from collate import align as align_module
    from collate.align import diff_row

    darwin = ROOT / "benchmarks" / "darwin-origin-ch1"
    a, b = ((darwin / f"{s}.txt").read_text(encoding="utf-8").lower().split() for s in ("1859", "1860"))
    whole = diff_row(a, b)
    monkeypatch.setattr(align_module, "DIFF_WHOLE", 10_000)  # as if the chapter were a book
    blocks = align_module._unique_blocks(a, b)
    assert len(blocks) >= 50 and all(a[i:i + n] == b[j:j + n] for i, j, n in blocks)
    row = diff_row(a, b)
    matched = [(i, j) for i, j in enumerate(row) if j >= 0]
    assert all(a[i] == b[j] for i, j in matched) and [j for _, j in matched] == sorted({j for _, j in matched})
    # as long a common subsequence as the whole diff's (which of two equal words is matched may differ)
    assert len(matched) == sum(j >= 0 for j in whole)
    assert sum(x != y for x, y in zip(row, whole, strict=True)) <= 2


@pytest.mark.slow
def test_two_witnesses_of_200000_words_in_under_a_gigabyte(tmp_path: Path) -> None:
    """Synthetic: 200,000 words drawn (seeded) from Darwin's 1859 chapter, one edit per ~40 words."""
    import subprocess
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench

    texts = bench.random_pair(200_000)
    folder = bench.write_set(tmp_path / "long", texts, "200,000 words")
    # The child's peak memory, measured by a small intermediate process: Linux carries a process's
    # high-water mark across exec, so a child forked from this (large) pytest process would report
    # pytest's own peak; the intermediate's child starts from the intermediate's few megabytes.
    measure = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)")
    with (tmp_path / "stderr").open("wb") as stderr, (tmp_path / "stdout").open("wb") as stdout:
        returncode = subprocess.call(
            [sys.executable, "-c", measure, sys.executable, "-m", "collate.cli", "run", str(folder),
             "--out", str(tmp_path / "out"), "--format", "json"],
            stdout=stdout, stderr=stderr,
        )
    assert returncode == 0, (tmp_path / "stderr").read_text(encoding="utf-8")
    peak_kb = int((tmp_path / "stdout").read_text(encoding="utf-8").split()[-1])
    assert peak_kb / 1024 < 1000  # MB
    assert (tmp_path / "out" / "long.json").exists()


def test_a_window_over_the_limit_goes_to_the_diff_with_a_warning(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(anchored, "WINDOW_LIMIT", 10)  # as if this were a passage of thousands of words
    with caught() as warnings:
        collation = collate_texts({"A": "we crossed the river at dawn", "B": "they forded a stream by night"})
    _conserved(collation)
    assert warnings == [
        "witnesses A, B: a passage of 6 + 6 words is too long for CollateX: aligned by a word diff instead"]
