"""The user's cache (collate.usercache) does not grow without end: what no current collate reads is removed.

The files planted here are synthetic (names in collate's own patterns, or
foreign ones, with made-up fingerprints and contents); the words asked about
are real ones. A new file is made when a dictionary gives its first answer
under a new fingerprint, or a language's commonest words are read anew: then,
and only then, the same dictionary's (language's) files of other fingerprints
unused for usercache.STALE_AFTER go, with the formats collate no longer writes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from collate import lexicon, usercache

DAY = 86400
OLD = time.time() - usercache.STALE_AFTER - DAY  # a month and a day unused
RECENT = time.time() - 2 * DAY


def fresh() -> None:
    """Forget every answer this process holds, as a new process would."""
    lexicon._dictionary.cache_clear()
    lexicon.accepted_by.cache_clear()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(usercache.ENVIRONMENT, str(tmp_path))
    (tmp_path / "lexicon").mkdir()
    fresh()
    yield tmp_path / "lexicon"
    fresh()


def plant(path: Path, mtime: float, text: str = "\x1ethe\t1\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, (mtime, mtime))
    return path


def names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_a_new_answers_file_removes_the_same_dictionarys_stale_ones(cache: Path) -> None:
    stale = {plant(cache / f"hunspell-en_US-{n:016x}.answers", OLD).name for n in range(3)}
    live = plant(cache / "hunspell-en_US-00000000000000aa.answers", RECENT).name  # another install's, in use
    gb = plant(cache / "hunspell-en_GB-00000000000000bb.answers", OLD).name  # en_GB makes a new file too
    other = plant(cache / "pyspellchecker-de-00000000000000bb.answers", OLD).name  # a dictionary not asked
    foreign = {plant(cache / name, OLD).name for name in (
        "notes.txt", "hunspell-en_US-0123.answers", "hunspell-en_US-00000000000000cc.answers.bak",
        "my-hunspell-en_US-00000000000000dd.answers", "hunspell-en_US-00000000000000EE.answers")}
    (cache / "hunspell-en_US-00000000000000ff.answers").mkdir()  # a folder of that name is no file of ours
    os.utime(cache / "hunspell-en_US-00000000000000ff.answers", (OLD, OLD))
    mine = plant(cache.parent / "mine.answers", OLD)  # a person's file, linked under one of collate's names
    link = cache / "hunspell-en_US-00000000000000ee.answers"
    link.symlink_to(mine)
    os.utime(link, (OLD, OLD), follow_symlinks=False)
    foreign.add(link.name)
    before = names(cache)
    assert lexicon.accepted_by("colour", "en") == {"hunspell:en_GB"}
    made = names(cache) - before
    assert {n.split("-")[1] for n in made} == {"en_US", "en_GB"} and len(made) == 2
    assert names(cache) == (before - stale - {gb}) | made
    assert {live, other, "hunspell-en_US-00000000000000ff.answers", *foreign} <= names(cache)
    assert mine.read_text(encoding="utf-8") == "\x1ethe\t1\n"


def test_an_existing_answers_file_prunes_nothing(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pruning happens only when a new file is made: a run appending to a kept file costs nothing more."""
    assert lexicon.accepted_by("colour", "en") == {"hunspell:en_GB"}
    (kept,) = cache.glob("hunspell-en_US-*.answers")
    stale = plant(cache / "hunspell-en_US-0000000000000001.answers", OLD)
    fresh()
    monkeypatch.setattr(lexicon, "prune", lambda *args: pytest.fail("pruned although no new file was made"))
    assert lexicon.accepted_by("shew", "en") == {"hunspell:en_US"}  # a new word: appended to the kept files
    assert stale.exists() and "\x1eshew\t1\n" in kept.read_text(encoding="utf-8")


def test_a_file_read_is_refreshed_so_another_install_keeps_it(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two installs side by side: the one whose answers are only read keeps them when the other makes its own."""
    first = plant(cache / "hunspell-en_US-000000000000000a.answers", OLD, "\x1ecolour\t0\n")
    plant(cache / "hunspell-en_GB-000000000000000a.answers", OLD, "\x1ecolour\t1\n")
    monkeypatch.setattr(lexicon, "_fingerprint", lambda name: "000000000000000a")
    monkeypatch.setattr(lexicon, "_open", lambda name: pytest.fail(f"{name} opened"))
    assert lexicon.accepted_by("colour", "en") == {"hunspell:en_GB"}  # read only, never appended
    assert time.time() - first.stat().st_mtime < 60
    monkeypatch.undo()
    monkeypatch.setenv(usercache.ENVIRONMENT, str(cache.parent))
    fresh()
    assert lexicon.accepted_by("colour", "en") == {"hunspell:en_GB"}  # the other install: new files
    assert len(list(cache.glob("hunspell-en_US-*.answers"))) == 2 and first.exists()


def test_a_file_read_is_refreshed_once_a_day(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read within a day of its last use, a kept file is not written (no utime); a day old, it is."""
    today = time.time() - DAY + 3600
    kept = plant(cache / "hunspell-en_US-000000000000000a.answers", today, "\x1ecolour\t0\n")
    plant(cache / "hunspell-en_GB-000000000000000a.answers", today, "\x1ecolour\t1\n")
    monkeypatch.setattr(lexicon, "_fingerprint", lambda name: "000000000000000a")
    utime = os.utime
    touched: list[object] = []
    monkeypatch.setattr(os, "utime", lambda path, *args: touched.append(path) or utime(path, *args))
    assert lexicon.accepted_by("colour", "en") == {"hunspell:en_GB"}
    assert touched == [] and kept.stat().st_mtime == pytest.approx(today)
    utime(kept, (today - 7200, today - 7200))  # the original: not a utime of collate's
    fresh()
    assert lexicon.accepted_by("colour", "en") == {"hunspell:en_GB"}
    assert touched == [kept] and time.time() - kept.stat().st_mtime < 60


def test_the_formats_collate_no_longer_writes_are_removed(cache: Path) -> None:
    root = cache.parent
    old_tsv = {plant(cache / f"{name}-{n:016x}.tsv", OLD).name
               for n in range(2) for name in ("hunspell-en_US", "hunspell-en_GB", "pyspellchecker-de")}
    recent_tsv = plant(cache / "hunspell-en_GB-00000000000000aa.tsv", RECENT).name  # an older collate, still used
    foreign_tsv = plant(cache / "words.tsv", OLD).name
    jinja = root / "templates-63965df0dde1"
    for n in range(2):
        plant(jinja / f"__jinja2_{n:040x}.cache", OLD)
    plant(jinja / f"__jinja2_{2:040x}.cacheab_cd123.tmp", OLD)  # Jinja's temporary file, left by a killed run
    os.utime(jinja, (OLD, OLD))
    recent_jinja = root / "templates-000000000000"
    plant(recent_jinja / f"__jinja2_{0:040x}.cache", RECENT)
    mixed = root / "templates-111111111111"
    plant(mixed / f"__jinja2_{0:040x}.cache", OLD)
    plant(mixed / "mine.txt", OLD)  # not Jinja's: the folder is left whole
    os.utime(mixed, (OLD, OLD))
    other = plant(root / "templates-notours" / "x", OLD).parent
    os.utime(other, (OLD, OLD))
    assert lexicon.accepted_by("colour", "en") == {"hunspell:en_GB"}
    assert not old_tsv & names(cache)
    assert {recent_tsv, foreign_tsv} <= names(cache)
    assert not jinja.exists()
    assert names(recent_jinja) == {f"__jinja2_{0:040x}.cache"}
    assert names(mixed) == {f"__jinja2_{0:040x}.cache", "mine.txt"}
    assert names(other) == {"x"}


def test_new_commonest_words_remove_the_languages_stale_lists(cache: Path) -> None:
    stale = {plant(cache / f"wordfreq-en-{n:016x}.txt", OLD, "the\n").name for n in range(2)}
    torn = plant(cache / f".wordfreq-en-{0:016x}.txt.0badc0de.tmp", OLD, "th").name  # write_atomic's, cut short
    live = plant(cache / "wordfreq-en-00000000000000aa.txt", RECENT, "the\n").name
    torn_now = plant(cache / f".wordfreq-en-{1:016x}.txt.0badc0de.tmp", time.time(), "th").name  # being written
    other = plant(cache / "wordfreq-de-00000000000000bb.txt", OLD, "der\n").name
    before = names(cache)
    words = lexicon.commonest("en", 5.0)
    assert {"the", "of"} <= words
    (made,) = names(cache) - before
    assert made.startswith("wordfreq-en-")
    assert names(cache) == (before - stale - {torn}) | {made}
    assert {live, torn_now, other} <= names(cache)
    fresh()
    before = names(cache)
    os.utime(cache / made, (OLD, OLD))
    assert lexicon.commonest("en", 5.0) == words  # read: refreshed, nothing written or pruned
    assert names(cache) == before and time.time() - (cache / made).stat().st_mtime < 60


@pytest.mark.parametrize("error", [PermissionError, FileNotFoundError])
def test_a_file_that_cannot_be_removed_is_no_error(cache: Path, monkeypatch: pytest.MonkeyPatch,
                                                   error: type[OSError]) -> None:
    """A read-only folder (PermissionError; the tests may run as root, who may unlink anyway) or a file
    another process pruned meanwhile (FileNotFoundError): that file is left, the rest go, the run goes on."""
    for n in range(3):
        plant(cache / f"hunspell-en_US-{n:016x}.answers", OLD)
    plant(cache.parent / "templates-63965df0dde1" / f"__jinja2_{0:040x}.cache", OLD)
    os.utime(cache.parent / "templates-63965df0dde1", (OLD, OLD))
    unlink = os.unlink
    refused: list[str] = []

    def flaky_unlink(path: str) -> None:
        if not refused:
            refused.append(os.path.basename(path))
            if error is FileNotFoundError:
                unlink(path)  # the other process got there first
            raise error(path)
        unlink(path)

    monkeypatch.setattr(os, "unlink", flaky_unlink)
    assert lexicon.accepted_by("colour", "en") == {"hunspell:en_GB"}
    left = {n for n in names(cache) if n.startswith("hunspell-en_US-0000")}
    assert left == (set(refused) if error is PermissionError else set())
    assert not (cache.parent / "templates-63965df0dde1").exists()


def test_pruning_a_folder_that_cannot_be_listed_is_no_error(tmp_path: Path) -> None:
    usercache.prune(tmp_path / "gone" / "lexicon", r"hunspell-en_US-[0-9a-f]{16}\.answers", "x.answers")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    usercache.prune(blocker / "lexicon", r"hunspell-en_US-[0-9a-f]{16}\.answers", "x.answers")
    assert blocker.read_text(encoding="utf-8") == "not a folder"
