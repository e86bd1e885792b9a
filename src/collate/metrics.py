"""How far apart two witnesses are: character error rate, word error rate, agreement.

CER and WER are edit distances (rapidfuzz's bit-parallel Levenshtein, so a book
chapter costs milliseconds, not the minutes a plain dynamic program would)
divided by the length of the first witness of the pair, the way transcription
checks count errors against the reference. Agreement is the share of aligned
places where both witnesses have a word and it is the same word, exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from rapidfuzz.distance import Levenshtein

from .align import Columns
from .model import PairMetrics, Prepared


def _words(p: Prepared) -> list[str]:
    return [t.text for t in p.tokens if t.kind != "punct"]


def _plain(p: Prepared) -> str:
    return " ".join(p.witness.text.split())


def pair_metrics(a: Prepared, b: Prepared, columns: Columns) -> PairMetrics:
    sa, sb = a.witness.siglum, b.witness.siglum
    text_a, text_b = _plain(a), _plain(b)
    cer = Levenshtein.distance(text_a, text_b) / max(1, len(text_a))
    words_a, words_b = _words(a), _words(b)
    wer = Levenshtein.distance(words_a, words_b) / max(1, len(words_a))
    shared = same = 0
    for column in columns:
        ia, ib = column.get(sa), column.get(sb)
        if ia is None and ib is None:
            continue
        shared += 1
        if ia is not None and ib is not None:
            seg_a, seg_b = a.segments[ia], b.segments[ib]
            if [t.text for t in a.tokens[seg_a.start:seg_a.end]] == [t.text for t in b.tokens[seg_b.start:seg_b.end]]:
                same += 1
    agreement = same / shared if shared else 1.0
    return PairMetrics(sa, sb, round(cer, 4), round(wer, 4), round(agreement, 4))


def all_metrics(prepared: Sequence[Prepared], columns: Columns) -> tuple[PairMetrics, ...]:
    """Metrics for every pair of witnesses, in the set's order (base first)."""
    return tuple(pair_metrics(a, b, columns) for a, b in combinations(prepared, 2))
