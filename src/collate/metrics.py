"""How far apart two witnesses are: character error rate, word error rate, agreement.

CER and WER are edit distances (rapidfuzz's bit-parallel Levenshtein, given a
``score_hint`` so that it searches a band around the diagonal that it widens
until the distance is exact) divided by the length of the first witness of the
pair, the way transcription checks count errors against the reference.
Agreement is the share of aligned places where both witnesses have a word and
it is the same word, exactly.

Two long witnesses (more than :data:`EXACT` character pairs: a book chapter) are
cut first where the alignment has them agree for :data:`SYNC` words running,
and the distance is the sum of the distances of the pieces: the time then goes
to the stretches that differ (a pair of 70,000-word editions: ~0.2 s instead of
~9 s). A sum over pieces is never less than the distance of the whole, and is
the same wherever an optimal alignment passes through the cuts, as it does
through a stretch of thirty agreeing words unless a passage moved past it (on
Darwin's chapter in six editions, and the benchmark's novel, every figure is the
same as the whole texts'); texts up to :data:`EXACT` (every letter of the
edition, a 1,000-word passage) are compared whole.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from itertools import accumulate, combinations

from rapidfuzz.distance import Levenshtein

from .align import Columns
from .model import PairMetrics, Prepared

#: character pairs (len(a) * len(b)) up to which the distance is computed over the whole texts
EXACT = 100_000_000
#: columns running in which two witnesses agree that make a place to cut long texts (8 and 12 were
#: seen to cut where the optimal path does not pass: Darwin's 1866 against 1869; 30 were not)
SYNC = 30

_SPACE = re.compile(r"\s+")


def _words(p: Prepared) -> list[str]:
    return [t.text for t in p.tokens if t.kind != "punct"]


def _plain(p: Prepared) -> str:
    return " ".join(p.witness.text.split())


#: a segment's tokens as written: the text of a one-token segment, a tuple of the texts of a longer one
SegmentText = str | tuple[str, ...]


def _segment_texts(p: Prepared) -> list[SegmentText]:
    """Each segment's tokens as written: what agreement compares.

    Nearly every segment is one token: its text itself, not a tuple of one (a string never
    equals a tuple, so two segments compare as their tuples would, and a string's hash is
    kept by the string: half the time of tuples throughout).
    """
    texts = [t.text for t in p.tokens]
    return [texts[s.start] if s.end - s.start == 1 else tuple(texts[s.start:s.end]) for s in p.segments]


def _distance(a: Sequence[object] | str, b: Sequence[object] | str, cuts: Sequence[tuple[int, int]],
              hint: int = 1) -> int:
    """Levenshtein distance of ``a`` and ``b``, summed over the pieces between ``cuts`` when they are long.

    ``hint`` is about what the distance of the whole is expected to be (see :func:`pair_metrics`).
    """
    if len(a) * len(b) <= EXACT or not cuts:
        # score_hint: the band rapidfuzz searches first, widened (doubled) until the distance is
        # in it; the result is the exact distance whatever the hint
        return Levenshtein.distance(a, b, score_hint=max(1, hint))
    total = start_a = start_b = 0
    for end_a, end_b in [*cuts, (len(a), len(b))]:
        total += Levenshtein.distance(a[start_a:end_a], b[start_b:end_b], score_hint=1)
        start_a, start_b = end_a, end_b
    return total


def _agreement(a: Prepared, b: Prepared, columns: Columns, seg_a: Sequence[Hashable],
               seg_b: Sequence[Hashable], at_a: Sequence[int | None] | None = None,
               at_b: Sequence[int | None] | None = None) -> tuple[float, list[tuple[int, int]], int]:
    """The share of places where both agree, (token of a, token of b) amid each SYNC such places running,
    and the number of places where they differ (about the words' distance: the alignment is an edit script).

    ``seg_a``/``seg_b`` stand for each segment's text (equal where the texts are); ``at_a``/``at_b``
    are each column's segment of the witness (:meth:`_Texts.places`), when worked out already.
    """
    sa, sb = a.witness.siglum, b.witness.siglum
    cuts: list[tuple[int, int]] = []
    run_start = shared = same = 0  # run_start: agreeing places running
    middle = (0, 0)  # the run's place SYNC // 2, where a cut is made if the run reaches SYNC
    if at_a is None:
        at_a = [column.get(sa) for column in columns]
    if at_b is None:
        at_b = [column.get(sb) for column in columns]
    for ia, ib in zip(at_a, at_b, strict=True):
        if ia is None and ib is None:
            continue
        shared += 1
        if ia is not None and ib is not None and seg_a[ia] == seg_b[ib]:
            same += 1
            if run_start == SYNC // 2:
                middle = (ia, ib)
            run_start += 1
            continue
        if run_start >= SYNC:
            i, j = middle
            cuts.append((a.segments[i].start, b.segments[j].start))
        run_start = 0
    if run_start >= SYNC:
        i, j = middle
        cuts.append((a.segments[i].start, b.segments[j].start))
    return (same / shared if shared else 1.0), cuts, shared - same


def _plain_offsets(p: Prepared) -> list[int]:
    """Where each token starts in the witness's text with its whitespace collapsed (as _plain has it).

    A token holds no whitespace (nearly always: a grapheme of punctuation may end in
    one), so each token stands one space, or none, after the one before it: the
    offsets are running sums of the tokens' lengths. Otherwise the text is walked.
    """
    tokens = p.tokens
    if _SPACE.search("".join([t.text for t in tokens])):
        return _walked_plain_offsets(p)
    return [0, *accumulate(len(t.text) + (t.space != "") for t in tokens)][:len(tokens)]


def _walked_plain_offsets(p: Prepared) -> list[int]:
    """:func:`_plain_offsets` found by walking the text's runs of whitespace, whatever the tokens hold."""
    text = p.witness.text
    out: list[int] = []
    removed = 0  # whitespace characters of text[:offset] that the collapsed text lacks
    spaces = _SPACE.finditer(text)
    space = next(spaces, None)
    for token in p.tokens:
        offset = token.offset
        while space is not None and space.end() <= offset:
            # a run at the start of the text goes whole; elsewhere one space of it stays
            removed += space.end() - space.start() - (1 if space.start() > 0 else 0)
            space = next(spaces, None)
        out.append(offset - removed)
    return out


class _Texts:
    """What the metrics compare of one witness, worked out once for all its pairs.

    A plain class, not a dataclass: an object of this module's with state filled in on
    demand, never compared or copied (a dataclass's generated methods cost ~0.4 ms of
    every run's start-up).
    """

    __slots__ = ("prepared", "segments", "plain", "words", "_offsets", "_words_before", "_places")

    def __init__(self, prepared: Prepared, segments: list[SegmentText], plain: str, words: list[str]) -> None:
        self.prepared = prepared
        #: each segment's tokens as written (:func:`_segment_texts`): what agreement compares
        self.segments = segments
        self.plain = plain
        self.words = words
        self._offsets: list[int] | None = None
        self._words_before: list[int] | None = None
        self._places: list[int | None] | None = None

    @classmethod
    def of(cls, p: Prepared) -> _Texts:
        """The texts of ``p``. Its segments' texts are compared as they are: a string (nearly every
        segment) is compared as fast as a number, and numbering them cost a dict look-up a segment."""
        return cls(p, _segment_texts(p), _plain(p), _words(p))

    def places(self, columns: Columns) -> list[int | None]:
        """Each column's segment of this witness (None: it has none there)."""
        if self._places is None:
            siglum = self.prepared.witness.siglum
            self._places = [column.get(siglum) for column in columns]
        return self._places

    def offsets(self) -> list[int]:
        if self._offsets is None:
            self._offsets = _plain_offsets(self.prepared)
        return self._offsets

    def words_before(self) -> list[int]:
        if self._words_before is None:
            self._words_before = [0, *accumulate(t.kind != "punct" for t in self.prepared.tokens)]
        return self._words_before


def pair_metrics(
    a: Prepared, b: Prepared, columns: Columns, texts: dict[str, _Texts] | None = None,
) -> PairMetrics:
    sa, sb = a.witness.siglum, b.witness.siglum
    if texts is None:
        texts = {sa: _Texts.of(a), sb: _Texts.of(b)}
    ta, tb = texts[sa], texts[sb]
    agreement, sync, differing = _agreement(a, b, columns, ta.segments, tb.segments, ta.places(columns),
                                            tb.places(columns))
    if len(ta.plain) * len(tb.plain) <= EXACT:
        sync = []
    chars = [(ta.offsets()[i], tb.offsets()[j]) for i, j in sync]
    word_cuts = [(ta.words_before()[i], tb.words_before()[j]) for i, j in sync]
    # the places where the alignment has the two differ are an edit script of about the words'
    # distance (1.07 times it on the 3 x 1,000 set's pairs): the band searched first, not widened to from 1
    words = _distance(ta.words, tb.words, word_cuts, differing)
    # the characters' distance is about the words' times the characters a word takes (0.4-1.1 of
    # it on the sets of the repository): started from that band, not widened to it from 1, the
    # search takes about half the time (the 3 x 1,000 set's three pairs 2.0 -> 1.3 ms)
    hint = words * len(ta.plain) // max(1, len(ta.words))
    cer = _distance(ta.plain, tb.plain, chars, hint) / max(1, len(ta.plain))
    wer = words / max(1, len(ta.words))
    return PairMetrics(sa, sb, round(cer, 4), round(wer, 4), round(agreement, 4))


def all_metrics(prepared: Sequence[Prepared], columns: Columns) -> tuple[PairMetrics, ...]:
    """Metrics for every pair of witnesses, in the set's order (base first)."""
    texts = {p.witness.siglum: _Texts.of(p) for p in prepared}
    return tuple(pair_metrics(a, b, columns, texts) for a, b in combinations(prepared, 2))
