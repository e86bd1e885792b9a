"""Metrics of long witnesses: cut where the alignment agrees, the same figures as the whole texts'.

Real texts: Darwin's chapter 1 (benchmarks/darwin-origin-ch1), 1859 against 1866 — long
enough (66,000 characters each) that the distances are summed over pieces.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from collate import metrics
from helpers import align_texts, collate_texts

DARWIN = Path(__file__).resolve().parent.parent / "benchmarks" / "darwin-origin-ch1"


def test_long_witnesses_are_measured_in_pieces_with_the_whole_texts_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = {s: (DARWIN / f"{s}.txt").read_text(encoding="utf-8") for s in ("1859", "1866")}
    collation = collate_texts(texts)
    aligned = align_texts(texts)
    (m,) = collation.metrics
    a, b = aligned.prepared
    assert len(metrics._plain(a)) * len(metrics._plain(b)) > metrics.EXACT  # cut into pieces
    assert metrics._agreement(a, b, list(aligned.columns), metrics._segment_texts(a),
                              metrics._segment_texts(b))[1]  # there are places to cut
    monkeypatch.setattr(metrics, "EXACT", float("inf"))
    assert metrics.all_metrics(aligned.prepared, list(aligned.columns)) == (m,)
    assert (m.cer, m.wer) == (0.0729, 0.0856)


def test_plain_offsets_point_into_the_collapsed_text() -> None:
    text = "  Natural\tselection,\n\n  acts   only  by  the  preservation.\n"
    a = align_texts({"A": text, "B": "Natural selection acts by the preservation."}).prepared[0]
    plain = metrics._plain(a)
    assert [plain[o:o + len(t.text)] for o, t in zip(metrics._plain_offsets(a), a.tokens, strict=True)] == \
        [t.text for t in a.tokens]


def test_plain_offsets_are_those_the_text_walked_gives() -> None:
    # real texts (Darwin's editions, the edition's letters) and synthetic corner cases: whitespace
    # str.split() knows and the tokenizer does not (U+001C), a grapheme taking a space (U+0600)
    texts = [(DARWIN / f"{s}.txt").read_text(encoding="utf-8") for s in ("1859", "1872")]
    texts += [path.read_text(encoding="utf-8") for path in sorted((DARWIN.parent.parent / "witnesses").rglob("*.txt"))]
    texts += ["  lead\tand\u001cunit sep  \u0600 x\r\n", "a\u00a0b  c\u2028d", "", "   ", "one"]
    for text in texts:
        prepared = align_texts({"A": text or "x", "B": "x"}).prepared[0]
        assert metrics._plain_offsets(prepared) == metrics._walked_plain_offsets(prepared)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from("the of a natural selection acts".split()), max_size=80),
       st.lists(st.sampled_from("the of a natural selection acts only".split()), max_size=80),
       st.integers(min_value=0, max_value=200))
def test_the_distance_does_not_hang_on_the_band_hint(a: list[str], b: list[str], hint: int) -> None:
    """pair_metrics starts the words' search from the places the alignment has differ, the characters'
    from the words' distance scaled: whatever band it starts from, rapidfuzz's answer is the exact
    distance (synthetic word lists of a small vocabulary, so that most words match)."""
    exact = Levenshtein.distance(a, b)
    assert metrics._distance(a, b, [], hint) == exact
    assert metrics._distance(" ".join(a), " ".join(b), [], hint) == Levenshtein.distance(" ".join(a), " ".join(b))
