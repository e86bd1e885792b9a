"""Are two written forms spellings of one word? The ``spelling`` class found without a list.

Two near-identical forms that the readings of a variant set against each other
are one word spelt two ways (an accidental) when

* **elision** (``elision``): one form writes an apostrophe for one to three
  letters of the other, and the other is a word: ``fill'd``/``filled``,
  ``pray'd``/``prayed``, ``o'er``/``over``; or the form with an "e" for the
  apostrophe is a word that the rules below make a spelling of the other
  (``practis'd``/``practiced``: ``practised`` against ``practiced``). A pair
  where only one form has an apostrophe is this rule's alone;
* **misspelling** (``misspelling``): exactly one of them is a word of the
  set's language (a dictionary accepts it, or every witness of the set writes
  it somewhere): ``dissapointed``/``disappointed``, ``Thür``/``Tür``,
  ``étoit``/``était``. Off in an OCR set (``ocr = true``), whose non-words are
  misreadings, and never for two forms that are both unknown. A proper name
  (both forms capitalised) is near when it sounds the same -- the same
  Metaphone key, in English -- however far apart the letters are: names are
  spelt by ear and transliterated (``Raffaelle``/``Raphael``, ``ff`` for
  ``ph``, a letter doubled, a final ``e``), which an edit distance counts as
  four changes in seven letters;
* **variant spelling** (``variant-spelling``): both are words, but the
  language's standard dictionaries divide them, one accepting a form another
  lacks: ``colour``/``color``, ``connexion``/``connection``, ``shew``/``show``
  (English has ``en_US`` and ``en_GB``; a language with one dictionary has no
  such rule).

Two forms every dictionary accepts are two words of the language and the
variant stays substantive: ``practical``/``practicable``, ``great``/``greater``,
``direct``/``directly``. A difference only in apostrophes (``mans``/``man's``)
is left to ``punctuation``, one only in hyphens to ``word-division``.

*Near-identical* is an optimal-string-alignment distance of at most 1 for
forms of up to 4 letters, 2 up to 9, 3 beyond (``till``/``until`` and
``own``/``old`` are not near at all), or, for two capitalised forms one of
which the dictionaries lack (the misspelling rule's case only), one Metaphone key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import combinations

import regex
from rapidfuzz.distance import OSA

from .lexicon import accepted_by
from .model import Prepared, Token
from .normalize import spelling_key, straight_quotes
from .rules import Rules

_APOSTROPHE = "'"


def folded(text: str) -> str:
    """A form as spelling compares it: lower case, straight apostrophes."""
    return straight_quotes(text).lower()


def near(a: str, b: str) -> bool:
    """Near-identical forms: the edit distance allowed grows with the shorter form's length."""
    shorter = min(len(a), len(b))
    limit = 1 if shorter <= 4 else 2 if shorter <= 9 else 3
    return OSA.distance(a, b, score_cutoff=limit) <= limit


class Orthography:
    """Spelling judgments for one set: its rules and the words every witness writes.

    A plain class (as a frozen dataclass with ``eq=False`` was: compared and hashed by
    identity): a dataclass's generated methods cost ~0.4 ms of every run's start-up.
    """

    __slots__ = ("rules", "set_words")

    def __init__(self, rules: Rules, set_words: frozenset[str]) -> None:
        self.rules = rules
        #: folded forms every witness of the set writes somewhere: the set's own words
        self.set_words = set_words

    @classmethod
    def of_set(cls, prepared: Sequence[Prepared], rules: Rules) -> Orthography:
        # each distinct form folded once: a chapter's 80,000 words are a few thousand forms
        vocabularies = [{folded(w) for w in {t.text for t in p.tokens if t.kind == "word"}} for p in prepared]
        common = set.intersection(*vocabularies) if len(vocabularies) > 1 else set()
        return cls(rules, frozenset(common))

    def same_word(self, a: str, b: str) -> str | None:
        """Why ``a`` and ``b`` are spellings of one word ("elision", "misspelling", "variant"), or None."""
        fa, fb = folded(a), folded(b)
        if fa == fb or not self.rules.orthography:
            return None
        return _judge(a, b, fa in self.set_words, fb in self.set_words, self.rules)

    def equivalences(self, words: Mapping[str, Sequence[Token]]) -> dict[str, str]:
        """Forms judged spellings of one word across the readings, each mapped to one of them.

        The readings' words are paired where they stand at one place: a run of
        replaced words of equal length, in a word-level alignment of each two
        readings. The map's keys and values are normalize.spelling_key forms.
        """
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.get(x, x) != x:
                x = parent[x]
            return x

        distinct = {tuple(t.text for t in reading): reading for reading in words.values()}
        # each reading folded once, not once for each reading it is paired with
        readings = [(reading, [folded(t.text) for t in reading]) for reading in distinct.values()]
        for left, right in combinations(readings, 2):
            for a, b in _paired(left, right):
                if self.same_word(a.text, b.text):
                    ka, kb = spelling_key(a.text, self.rules), spelling_key(b.text, self.rules)
                    ra, rb = find(ka), find(kb)
                    if ra != rb:
                        # the written-out form stands for the group: "filled", not "fill'd"
                        keep, other = sorted((ra, rb), key=lambda f: (_APOSTROPHE in f, -len(f), f))
                        parent[other] = keep
        return {form: find(form) for form in parent}


def _paired(left: tuple[Sequence[Token], list[str]],
            right: tuple[Sequence[Token], list[str]]) -> Iterable[tuple[Token, Token]]:
    """Words of two readings (each with its words folded) that a word-level alignment sets against each other."""
    (left_tokens, a), (right_tokens, b) = left, right
    if not a or not b:
        return  # a passage one reading lacks: its words are set against none
    if set(a).isdisjoint(b):
        # no word in common: the matcher finds no block, and its one opcode replaces the whole of
        # each (most pairs of a variant's readings; ~30 µs of difflib each, a book's ~0.3 s)
        if len(a) == len(b):
            yield from zip(left_tokens, right_tokens, strict=True)
        return
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "replace" and i2 - i1 == j2 - j1:
            yield from zip(left_tokens[i1:i2], right_tokens[j1:j2], strict=True)


@lru_cache(maxsize=20_000)
def _judge(a: str, b: str, a_in_set: bool, b_in_set: bool, rules: Rules) -> str | None:
    fa, fb = folded(a), folded(b)
    if any(c.isdigit() for c in fa + fb):
        return None
    if fa.replace(_APOSTROPHE, "") == fb.replace(_APOSTROPHE, ""):
        return None  # punctuation's (the apostrophe rule)
    if fa.replace("-", "") == fb.replace("-", ""):
        return None  # word-division's
    language = rules.language
    if (_APOSTROPHE in fa) != (_APOSTROPHE in fb):
        # an apostrophe in one form only: the elision rule's to judge, and no other's
        if rules.elision:
            for short, full, full_in_set in ((fa, b, b_in_set), (fb, a, a_in_set)):
                if _elided(short, folded(full)) and (full_in_set or accepted_by(full, language)):
                    return "elision"
                # the elision of another spelling: "practis'd" is "practised", a spelling of "practiced"
                restored = short.replace(_APOSTROPHE, "e")
                if (_APOSTROPHE in short and accepted_by(restored, language)
                        and _judge(restored, full, False, full_in_set, rules) is not None):
                    return "elision"
        return None
    in_a, in_b = accepted_by(a, language), accepted_by(b, language)
    if not near(fa, fb):
        # a name spelt by ear: the dictionaries know one form only (the set's own
        # words aside: "Raffaelle du Fresne" stands in both witnesses of Pater's set)
        alike = rules.misspelling and bool(in_a) != bool(in_b) and _names_alike(a, b, language)
        return "misspelling" if alike else None
    known_a, known_b = bool(in_a) or a_in_set, bool(in_b) or b_in_set
    if known_a != known_b:
        return "misspelling" if rules.misspelling else None
    if rules.variant_spelling and in_a and in_b and in_a != in_b:
        return "variant"
    return None


def _names_alike(a: str, b: str, language: str) -> bool:
    """Two capitalised forms that sound the same: one name spelt by ear (``Raffaelle``/``Raphael``).

    Metaphone is a key of English pronunciation, so the rule is English's
    alone. It only widens *near*, for the misspelling rule, and only when the
    dictionaries know exactly one of the two forms (the set's own words do not
    count here: a name one witness writes elsewhere for someone else, Pater's
    "Raffaelle du Fresne", is not the dictionary's word): two words or two
    unknown names that sound alike (``Knight``/``Night``) stay apart, and an
    OCR set, where the rule is off, never gets one.
    """
    if language != "en" or not (a[:1].isupper() and b[:1].isupper()):
        return False
    if not (a.isalpha() and b.isalpha()):
        return False
    from jellyfish import metaphone  # imported when a pair first needs it, as the dictionaries are

    key = metaphone(a)
    return bool(key) and key == metaphone(b)


def _elided(short: str, full: str) -> bool:
    """``short`` writes an apostrophe inside the word for one to three letters of ``full``."""
    if _APOSTROPHE not in short.strip(_APOSTROPHE) or _APOSTROPHE in full:
        return False
    parts = short.split(_APOSTROPHE)
    if not all(parts):
        return False
    pattern = r"\p{L}{1,3}".join(regex.escape(p) for p in parts)
    return regex.fullmatch(pattern, full) is not None
