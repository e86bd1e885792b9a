"""Text moved between witnesses: an omission in one place paired with an addition of it in another.

CollateX finds no transpositions, and the anchored engine keeps the order of
the text it anchors on: a passage moved comes out as text missing here and the
same text added there. This pass pairs them, as one transposition with both
places (each variant's ``transposed_with`` names the other: ``@corresp`` in
TEI, a link in the HTML report).

Two rules, one for each kind of move:

* a few words moved a little way ("a great personal" / "a personal great"):
  the same words (case and layout aside), at most :data:`TRANSPOSITION_REACH`
  tokens apart;
* a passage of :data:`MOVED_WORDS` words or more moved anywhere (a paragraph
  the author moved, text regions an OCR engine read in another order): alike
  to at least :data:`MOVED_SIMILARITY` (rapidfuzz's ratio, 0-100: 100 minus
  the share of characters inserted or deleted to turn one into the other), so a
  passage read with OCR errors in one place still finds itself.

Long passages are not compared each with each: every candidate gets a
signature, the :data:`SIGNATURE` smallest hashes of its word 3-grams (MinHash's
bottom-k sketch), and only candidates that share a signature value are
compared. Two copies of one passage share most of their 3-grams and so, with
high probability, some of their smallest; the work is linear in the words of
the candidates plus the few comparisons the shared values call for.
"""

# No ``from __future__ import annotations``, as in every module of records (_Candidate is one:
# :mod:`collate.records` says why); its annotations evaluate at no cost.

# binascii's crc32 is zlib's (the same CRC-32, the same numbers); binascii is imported by every
# run (the HTML report's hashes), zlib only by a run that opens a dictionary (spylls reads it
# through zipfile; a run whose answers are in the user's cache does not): ~0.3-0.5 ms of start-up
from binascii import crc32
from collections import defaultdict
from dataclasses import replace

from rapidfuzz import fuzz

from .model import Variant
from .readings import collapse
from .records import record
from .units import Unit

#: how many tokens apart an addition and an omission of the same words may be
#: and still count as one transposition, when they are short
TRANSPOSITION_REACH = 40
#: words a passage needs to be paired anywhere in the text, and alike rather than equal
MOVED_WORDS = 4
#: rapidfuzz ratio (0-100) a passage's two places must reach: an OCR reading with
#: about one character in ten wrong still does, a different sentence does not
MOVED_SIMILARITY = 80
#: MinHash bottom-k: how many of a passage's smallest 3-gram hashes index it
SIGNATURE = 8
#: a signature value shared by more candidates than this is too common to pair by
#: (a 3-gram like "of the same" in a text full of short additions)
CROWD = 64


@record
class _Candidate:
    """A variant where some witnesses have a passage and the others none."""

    at: int  # its index in the variants
    text: str  # the passage, casefolded, whitespace collapsed
    holders: frozenset[str]
    absent: frozenset[str]
    words: int

    def __init__(self, at: int, text: str, holders: frozenset[str], absent: frozenset[str], words: int) -> None:
        self.__dict__.update(at=at, text=text, holders=holders, absent=absent, words=words)


def transpositions(variants: list[Variant], units: list[Unit]) -> list[Variant]:
    """``variants`` with each moved passage's two places made one transposition."""
    candidates = [c for i, v in enumerate(variants) if (c := _candidate(i, v)) is not None]
    pairs = _near(candidates, units) + _far(candidates)
    pairs.sort()
    out = list(variants)
    used: set[int] = set()
    for _, i, j in pairs:
        if i in used or j in used:
            continue
        used.update((i, j))
        out[i] = replace(variants[i], kind="transposition", transposed_with=variants[j].id)
        out[j] = replace(variants[j], kind="transposition", transposed_with=variants[i].id)
    return out


def _candidate(index: int, v: Variant) -> _Candidate | None:
    present = {s: collapse(r.text).casefold() for s, r in v.readings.items() if r.text.strip()}
    absent = frozenset(s for s in v.readings if s not in present)
    if not present or not absent:
        return None
    texts = list(dict.fromkeys(present.values()))
    if not any(ch.isalnum() for ch in texts[0]):
        return None  # a comma dropped here and one added there: two changes of punctuation, nothing moved
    words = len(texts[0].split())
    if len(texts) > 1 and (words < MOVED_WORDS or any(fuzz.ratio(texts[0], t) < MOVED_SIMILARITY for t in texts)):
        return None
    return _Candidate(index, texts[0], frozenset(present), absent, words)


def _complementary(a: _Candidate, b: _Candidate) -> bool:
    """The witnesses that have the passage in one place lack it in the other, and the other way round."""
    return a.holders == b.absent and a.absent == b.holders


def _near(candidates: list[_Candidate], units: list[Unit]) -> list[tuple[float, int, int]]:
    """Pairs of the same words a short way apart: (sort key, i, j), each one nearest its first."""
    pairs: list[tuple[float, int, int]] = []
    for n, a in enumerate(candidates):
        for b in candidates[n + 1:]:
            distance = _distance(units[a.at], units[b.at])
            if distance > TRANSPOSITION_REACH:
                break
            if a.text == b.text and _complementary(a, b):
                pairs.append((-200.0, a.at, b.at))  # before any far pair; in the order of the text
    return pairs


def _far(candidates: list[_Candidate]) -> list[tuple[float, int, int]]:
    """Pairs of alike passages of :data:`MOVED_WORDS` words or more anywhere: (sort key, i, j)."""
    long = [c for c in candidates if c.words >= MOVED_WORDS]
    buckets: defaultdict[int, list[int]] = defaultdict(list)
    for n, c in enumerate(long):
        for value in _signature(c.text):
            buckets[value].append(n)
    seen: set[tuple[int, int]] = set()
    pairs: list[tuple[float, int, int]] = []
    for members in buckets.values():
        if len(members) > CROWD:
            continue
        for x, m in enumerate(members):
            for n in members[x + 1:]:
                if (m, n) in seen:
                    continue
                seen.add((m, n))
                a, b = long[m], long[n]
                if not _complementary(a, b):
                    continue
                score = fuzz.ratio(a.text, b.text)
                if score >= MOVED_SIMILARITY:
                    pairs.append((-score, a.at, b.at))
    return pairs


def _signature(text: str) -> list[int]:
    """The :data:`SIGNATURE` smallest hashes of the text's word 3-grams (crc32: the same in every run)."""
    words = text.split()
    grams = {" ".join(words[i:i + 3]) for i in range(max(len(words) - 2, 1))}
    return sorted(crc32(g.encode("utf-8")) for g in grams)[:SIGNATURE]


def _distance(a: Unit, b: Unit) -> int:
    """Tokens between the end of unit ``a`` and the start of ``b``, in the nearest witness."""
    return min(
        (b.tokens[s][0] if b.tokens[s] else b.after[s]) - a.after[s] for s in a.tokens
    )
