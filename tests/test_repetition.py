"""Repetitive witnesses: finished in seconds, every token kept once, in order.

CollateX's cost explodes on repeated keys (a word written thousands of times; a column
of ditto marks in two witnesses), not only on long ones, so the engines count what
repetition costs it (align.repetition), cut at runs of one key every witness has, and
give what is still too costly to the word-level LCS diff with a warning. The texts
here are synthetic, except the letter the ditto column is appended to (APP's text of
Roosevelt's letter of 23 November 1933).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from collate import anchored
from collate.align import align_collatex, repetition
from collate.engines import align
from helpers import collate_texts

ROOT = Path(__file__).resolve().parent.parent
LETTER = (ROOT / "witnesses" / "1933-11-23-roosevelt-to-litvinov" / "app.txt").read_text(encoding="utf-8")


def _conserved(collation) -> None:  # type: ignore[no-untyped-def]
    """Every segment of every witness in exactly one column, in order."""
    for p in collation.prepared:
        siglum = p.witness.siglum
        assert [c[siglum] for c in collation.columns if siglum in c] == list(range(len(p.segments)))


def test_repetition_counts_what_collatex_enumerates() -> None:
    assert repetition({"A": ["a", "b", "c"], "B": ["a", "b", "d"]}) == 2  # a and b, each once in each
    assert repetition({"A": ["the"] * 5000, "B": ["the", "letter"]}) == 5001 * 5000 // 2
    # a run in both witnesses: every block of one run against every block of the other
    assert repetition({"A": ["do"] * 150, "B": ["do"] * 149}) == 299 * 298 // 2 + 150 * 149 * 149**2 // 12


@pytest.mark.parametrize("engine", ["anchored", "collatex"])
def test_one_word_written_20000_times_against_a_short_line(engine: str, caplog: pytest.LogCaptureFixture) -> None:
    start = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="collate"):
        collation = collate_texts({"A": "the " * 20_000 + "\n", "B": "the letter was sent\n"}, engine=engine)
    assert time.monotonic() - start < 60
    _conserved(collation)
    assert [(v.kind, {s: len(r.text) for s, r in v.readings.items()}) for v in collation.variants] == [
        ("omission", {"A": 4 * 19_999 - 1, "B": 0}), ("addition", {"A": 0, "B": len("letter was sent")}),
    ]
    if engine == "collatex":  # over whole witnesses there is no run to cut at: the diff, and a warning
        assert "is too repetitive for CollateX: aligned by a word diff instead" in caplog.text


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
