"""Start-up: a plain ``collate run`` imports only what it uses (ARCHITECTURE.md, "Imported when needed").

Python and collate's imports are most of a short run (three witnesses of 1,000 words
collate in ~0.1 s; the imports took ~0.15 s), so each module a run does not need is
imported where it is first needed. These tests run collate in a fresh process, as a
person does, and list what that process imported: a module that comes back onto the
plain path fails here, not in a benchmark weeks later.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from collate import usercache

ROOT = Path(__file__).resolve().parent.parent

#: what a plain run (text witnesses to JSON and HTML, one process) never imports, and who needs it
NOT_ON_A_RUN = (
    "tomlkit",  # writing apparatus.toml / set.toml (collate apparatus, init, review), a TOML error's place
    "concurrent.futures",  # -j N (a process pool), a book's windows
    "secrets",  # collate review's token (atomic's temporary names read os.urandom)
    "collate.check",  # collate check's verdict
    "collate.apparatus_write",  # rewriting apparatus.toml (collate apparatus, review): a run only reads it
    "importlib.resources",  # nothing: pkgutil reads collate's CSS and JS (importlib.resources' readers pull zipfile)
    "logging",  # nothing: warnings are collate.notices' lines (logging pulled traceback, string, threading: ~4.5 ms)
    "hashlib",  # nothing: collate.digests has CPython's own BLAKE2b and SHA-256 (hashlib loads OpenSSL: ~2.3 ms)
)


def _imported_by(argv: list[str], env: dict[str, str] | None = None) -> list[str]:
    """The modules a ``collate`` process with these arguments had imported when it finished."""
    return _run(argv, env)[1]


def _run(argv: list[str], env: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """What a ``collate`` process with these arguments printed, and the modules it had imported."""
    code = (
        "import sys; from collate.cli import cli\n"
        f"sys.argv = ['collate', *{argv!r}]\n"
        "try:\n    cli(prog_name='collate')\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True,
                          cwd=ROOT, env=env)
    *said, modules = done.stdout.strip().splitlines()
    return "\n".join(said), modules.split()


def _loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == n or m.startswith(f"{n}.") for n in names)]


def test_a_run_of_the_shipped_edition_imports_only_what_it_uses(tmp_path: Path) -> None:
    modules = _imported_by(["run", str(ROOT / "witnesses"), "--out", str(tmp_path), "--force"])
    assert "collate.variants" in modules  # it did collate
    assert _loaded(modules, NOT_ON_A_RUN) == []


#: all of collate that ``collate --version`` and ``--help`` import: the command line and the tables
#: its options name (engines, report formats), no collation module
FOR_HELP = {"collate", "collate.cli", "collate.engines", "collate.errors", "collate.atomic", "collate.reporters",
            "collate.sources", "collate.workers"}


def test_version_and_help_import_no_collation_module() -> None:
    for argv in (["--version"], ["--help"], ["run", "--help"], ["check", "--help"]):
        modules = _imported_by(argv)
        assert {m for m in modules if m.split(".")[0] == "collate"} == FOR_HELP, argv
        assert _loaded(modules, ("tomlkit", "regex", "rapidfuzz", "jinja2")) == [], argv


@pytest.mark.skipif(not sys.platform.startswith("linux") and sys.platform != "darwin", reason="platformdirs' own there")
def test_a_run_with_the_platforms_cache_folder_does_not_import_platformdirs(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in (usercache.ENVIRONMENT, "XDG_CACHE_HOME")}
    env["HOME"] = str(tmp_path / "home")
    modules = _imported_by(["run", str(ROOT / "witnesses"), "--out", str(tmp_path / "out"), "--force"], env)
    assert _loaded(modules, ("platformdirs",)) == []
    kept = tmp_path / "home" / (".cache" if sys.platform != "darwin" else "Library/Caches") / "collate" / "lexicon"
    assert any(kept.glob("hunspell-en_US-*.answers"))  # the dictionaries' answers, where platformdirs would keep them


@pytest.mark.parametrize("home", ["/home/editor", "/home/editor/", "//srv/editor", None, "relative/home"])
@pytest.mark.parametrize("xdg", [None, "", "  ", "/var/cache/editor", "/var/cache/editor/", "relative/cache", " /x"])
def test_the_cache_folder_is_the_one_platformdirs_names(monkeypatch: pytest.MonkeyPatch, home: str | None,
                                                        xdg: str | None) -> None:
    """usercache works out the plain cases itself (platformdirs is ~2-5 ms of start-up): the same folder."""
    import platformdirs

    for name, value in (("HOME", home), ("XDG_CACHE_HOME", xdg)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert usercache.platform_folder() == platformdirs.user_cache_dir("collate", appauthor=False)


def test_check_and_a_json_run_do_not_import_the_html_reporter(tmp_path: Path) -> None:
    """Only a run that writes HTML needs reporters.html (its views, its assets: ~7 ms)."""
    checked = _imported_by(["check", str(ROOT / "witnesses")])
    assert "collate.variants" in checked and "collate.reporters.html" not in checked
    ran = _imported_by(["run", str(ROOT / "witnesses"), "--out", str(tmp_path), "--force", "--format", "json"])
    assert "collate.reporters.json" in ran and "collate.reporters.html" not in ran


#: a run and a check read the apparatus (collate.apparatus, with tomllib); only writing it needs these
WRITING_THE_APPARATUS = ("collate.apparatus_write", "tomlkit")


def test_a_run_and_a_check_read_the_apparatus_without_its_writer(tmp_path: Path) -> None:
    """The shipped edition has an apparatus file in every set of two witnesses: both commands read it."""
    for argv in (["run", str(ROOT / "witnesses"), "--out", str(tmp_path), "--force"], ["check", str(ROOT / "witnesses")]):
        modules = _imported_by(argv)
        assert "collate.apparatus" in modules and "collate.variants" in modules, argv
        assert _loaded(modules, WRITING_THE_APPARATUS) == [], argv


def test_collate_apparatus_writes_through_the_writer_and_changes_nothing_up_to_date(edition_copy: Path) -> None:
    """``collate apparatus`` on the shipped edition (every entry current): the writer runs, no byte changes."""
    before = {p: p.read_bytes() for p in edition_copy.glob("*/apparatus.toml")}
    said, modules = _run(["apparatus", str(edition_copy)])
    assert _loaded(modules, WRITING_THE_APPARATUS) != [] and "collate.apparatus_write" in modules
    assert before and {p: p.read_bytes() for p in edition_copy.glob("*/apparatus.toml")} == before
    assert said.count(": up to date (") == len(before), said


def test_collates_digests_are_hashlibs() -> None:
    """collate.digests' BLAKE2b and SHA-256 give hashlib's bytes, for every size ids and caches ask for."""
    import hashlib

    from collate import digests

    for data in (b"", b"abc", "Roosevelt \u2019s letter".encode(), bytes(range(256)) * 40):
        assert digests.sha256(data).digest() == hashlib.sha256(data).digest()
        for size in (8, 10, 16, 64):
            assert digests.blake2b(data, digest_size=size).hexdigest() == hashlib.blake2b(data, digest_size=size).hexdigest()
        grown = digests.blake2b(data[:7], digest_size=16)
        grown.update(data[7:])
        assert grown.copy().hexdigest() == hashlib.blake2b(data, digest_size=16).hexdigest()


def test_a_run_freezes_what_its_imports_made(tmp_path: Path) -> None:
    """collate.imports_done: once a command's modules are imported, their objects (~30,000: modules,
    classes, functions) are frozen, so no collection of the run walks them again."""
    code = (
        "import gc, sys\n"
        "from collate.cli import cli\n"
        f"sys.argv = ['collate', 'run', {str(ROOT / 'witnesses')!r}, '--out', {str(tmp_path)!r}, '--force']\n"
        "try:\n    cli(prog_name='collate')\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print(gc.get_freeze_count())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True,
                          cwd=ROOT)
    assert int(done.stdout.split()[-1]) > 20_000
    assert list(tmp_path.glob("*.json"))
