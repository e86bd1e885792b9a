"""A set's normalization settings, compiled: plain data, below every stage that reads them.

``[normalize]`` in ``collate.toml`` / ``set.toml`` is read as a dict (``config``),
compiled once into :class:`Rules` by :func:`collate.normalize.compile_rules` when
the set is loaded, and carried on the :class:`~collate.model.WitnessSet`, so
``control`` and every later stage read the one compiled object. This module
holds only the record (:mod:`collate.records`: its ``__init__`` written out, nothing
compiled at import), no compiling and no other import of collate's own, so ``model``
can name it without an import cycle.
"""

from collections.abc import Iterable
from dataclasses import field
from typing import Literal

from .records import FACTORY, record

#: "[Page 812]", "[p. xii]", a folio "[Page 12r]", and "[Page]" (a TEI <pb/> without a number)
DEFAULT_PAGE_MARKER = r"\[\s*(?:Page|p\.)(?:\s*[0-9ivxlcdm]+[rv]?)?\s*\]"

#: the Unicode normal forms ``[normalize] unicode`` may name
UnicodeForm = Literal["NFC", "NFD", "NFKC", "NFKD"]


@record(eq=False)
class Rules:
    """The normalization settings of one set, compiled for use (hashed by identity, for caches)."""

    case: bool = True
    punctuation: bool = True
    quotes: bool = True
    unicode: UnicodeForm | None = "NFC"
    whitespace: bool = True
    hyphenation: bool = True
    word_division: bool = True
    note_marker: bool | str = True
    page_marker: str | None = DEFAULT_PAGE_MARKER
    numeral: bool = True
    #: the set's language (an ISO 639-1 code): which dictionaries judge spellings
    language: str = "en"
    #: a word that differs from another only in apostrophes ("mans", "man's") is punctuation
    apostrophe: bool = True
    #: "&" stands for the language's "and" (abbreviation)
    ampersand: bool = True
    #: the orthography rules (orthography.py): a non-word against a word of the
    #: language, an elision ("fill'd"), a form the language's dictionaries divide
    misspelling: bool = True
    elision: bool = True
    variant_spelling: bool = True
    #: an OCR set: misspelling off, and a punctuation mark read inside a word ("wo»rd") does not split it
    ocr: bool = False
    #: the editor's transcription sigla (a regular expression), or None
    marks: str | None = None
    #: spellings of one word found by orthography.py for one variant: spelling_key -> canonical
    #: key (the written form's capitals are kept, so case is its own class still)
    found_spellings: dict[str, str] = field(default_factory=dict)
    #: single-word equivalences: fully normalized form -> canonical text, per class
    words: dict[str, dict[str, str]] = field(default_factory=dict)
    #: multi-word equivalences: (class, [sides as text], canonical text)
    phrases: tuple[tuple[str, tuple[str, ...], str], ...] = ()

    def __init__(
        self, case: bool = True, punctuation: bool = True, quotes: bool = True, unicode: UnicodeForm | None = "NFC",
        whitespace: bool = True, hyphenation: bool = True, word_division: bool = True, note_marker: bool | str = True,
        page_marker: str | None = DEFAULT_PAGE_MARKER, numeral: bool = True, language: str = "en",
        apostrophe: bool = True, ampersand: bool = True, misspelling: bool = True, elision: bool = True,
        variant_spelling: bool = True, ocr: bool = False, marks: str | None = None,
        found_spellings: dict[str, str] = FACTORY, words: dict[str, dict[str, str]] = FACTORY,
        phrases: tuple[tuple[str, tuple[str, ...], str], ...] = ()
    ) -> None:
        object.__setattr__(self, "case", case)
        object.__setattr__(self, "punctuation", punctuation)
        object.__setattr__(self, "quotes", quotes)
        object.__setattr__(self, "unicode", unicode)
        object.__setattr__(self, "whitespace", whitespace)
        object.__setattr__(self, "hyphenation", hyphenation)
        object.__setattr__(self, "word_division", word_division)
        object.__setattr__(self, "note_marker", note_marker)
        object.__setattr__(self, "page_marker", page_marker)
        object.__setattr__(self, "numeral", numeral)
        object.__setattr__(self, "language", language)
        object.__setattr__(self, "apostrophe", apostrophe)
        object.__setattr__(self, "ampersand", ampersand)
        object.__setattr__(self, "misspelling", misspelling)
        object.__setattr__(self, "elision", elision)
        object.__setattr__(self, "variant_spelling", variant_spelling)
        object.__setattr__(self, "ocr", ocr)
        object.__setattr__(self, "marks", marks)
        object.__setattr__(self, "found_spellings", {} if found_spellings is FACTORY else found_spellings)
        object.__setattr__(self, "words", {} if words is FACTORY else words)
        object.__setattr__(self, "phrases", phrases)

    @property
    def classes(self) -> frozenset[str]:
        """The classes these rules can explain (``whitespace`` always can)."""
        on = {"whitespace"}
        for name, enabled in (
            ("case", self.case), ("punctuation", self.punctuation), ("quotes", self.quotes),
            ("unicode", self.unicode), ("hyphenation", self.hyphenation),
            ("word-division", self.word_division), ("note-marker", self.note_marker),
            ("page-marker", self.page_marker), ("numeral", self.numeral), ("mark", self.marks),
            ("spelling", self.words.get("spelling") or _has(self.phrases, "spelling") or self.orthography),
            ("abbreviation", self.words.get("abbreviation") or _has(self.phrases, "abbreviation")
             or self.ampersand),
        ):
            if enabled:
                on.add(name)
        return frozenset(on)

    @property
    def orthography(self) -> bool:
        """Whether any rule judges spellings with the language's dictionaries."""
        return self.misspelling or self.elision or self.variant_spelling


def _has(phrases: Iterable[tuple[str, tuple[str, ...], str]], cls: str) -> bool:
    return any(p[0] == cls for p in phrases)
