"""The dictionaries' answers kept in the user's cache (collate.usercache) are the dictionaries' own.

The words are the shipped edition's (real letters of 1933) and a few variant
spellings; each is asked about with no cache, then with a cold cache (which
fills it) and a warm one (which must open no dictionary at all).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from collate import lexicon
from conftest import WITNESSES

VARIANTS = ["colour", "color", "connexion", "shew", "Darwin", "darwin", "LEONARDO", "Till", "man's", "mans",
            "cornerstone", "corner-stone", "to-day", "recognise", "recognize", "Thür", "étoit"]


def edition_words() -> list[str]:
    words = {w for path in sorted(WITNESSES.rglob("*.txt"))
             for w in re.findall(r"[^\W\d_][\w'’-]*", path.read_text(encoding="utf-8"))}
    return sorted(words)[::7] + VARIANTS


def fresh() -> None:
    """Forget every answer this process holds, as a new process would."""
    lexicon._dictionary.cache_clear()
    lexicon.accepted_by.cache_clear()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("COLLATE_CACHE_DIR", str(tmp_path))
    fresh()
    yield tmp_path / "lexicon"
    fresh()


def answers(words: list[str], language: str = "en") -> list[frozenset[str]]:
    return [lexicon.accepted_by(w, language) for w in words]


def test_cached_answers_are_the_dictionaries(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    words = edition_words()
    monkeypatch.setenv("COLLATE_CACHE_DIR", "")  # no cache: every answer from the dictionaries
    fresh()
    direct = answers(words)
    assert any(direct) and not all(direct)
    assert lexicon.accepted_by("colour", "en") == {"hunspell:en_GB"}
    monkeypatch.setenv("COLLATE_CACHE_DIR", str(cache.parent))
    fresh()
    assert answers(words) == direct  # a cold cache, filled on the way
    assert sorted(p.name.split("-")[1] for p in cache.iterdir()) == ["en_GB", "en_US"]
    fresh()

    def opened(name: str) -> None:
        raise AssertionError(f"{name} opened although every answer is kept")

    monkeypatch.setattr(lexicon, "_open", opened)
    assert answers(words) == direct  # warm: no dictionary opened


def test_other_languages_cached_alike(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    words = ["Thür", "Tür", "Haus", "Hause", "étoit", "était"]
    direct = {lang: answers(words, lang) for lang in ("de", "fr")}
    fresh()
    monkeypatch.setattr(lexicon, "_open", lambda name: pytest.fail(f"{name} opened"))
    assert {lang: answers(words, lang) for lang in ("de", "fr")} == direct
    assert direct["de"][:2] == [frozenset(), frozenset({"pyspellchecker:de"})]


def test_a_torn_record_is_not_an_answer(cache: Path) -> None:
    assert lexicon.accepted_by("colour", "en") == {"hunspell:en_GB"}
    (us,) = cache.glob("hunspell-en_US-*.answers")
    text = us.read_text(encoding="utf-8")
    assert text == "\x1ecolour\t0\n"
    # a process killed after writing "colo", then another's whole record ("the"), then one cut
    # before its line end: "colothe" must not be taken as a word, nor "shew" as answered
    us.write_text(text + "\x1ecolo" + "\x1ethe\t1\n" + "\x1ecolou\t" + "\x1edoe\t1" + "\x1eshew\t1", encoding="utf-8")
    fresh()
    answers_ = lexicon._dictionary("hunspell:en_US")
    kept = lexicon._Answers("hunspell:en_US")
    assert {w: kept.get(w) for w in ("colour", "the", "colo", "colothe", "colou", "doe", "shew")} == {
        "colour": False, "the": True, "colo": None, "colothe": None, "colou": None, "doe": None, "shew": None}
    assert answers_("colothe") is False  # asked of the dictionary itself


def test_an_unwritable_cache_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("COLLATE_CACHE_DIR", str(blocker))
    fresh()
    try:
        assert lexicon.accepted_by("colour", "en") == {"hunspell:en_GB"}
    finally:
        fresh()
