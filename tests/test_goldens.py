"""Goldens: every output format of the shipped sets, compared whole file by whole file.

``tests/goldens/`` holds what collate writes for the shipped edition (``witnesses/``)
and the synthetic TEI set (``tests/sets/tei-synthetic``): each set report in every
format ``collate run --format`` offers, the HTML index, and ``collate check`` in
every format it offers. A change that alters any byte of them fails here with a
unified diff of the file; when the change is meant, ``pytest --update-goldens``
rewrites them and ``git diff tests/goldens`` shows what changed, to read before
committing (STYLE.md: coverage.py's gold files).

A new reporter gets its golden by being in the registry: the first
``--update-goldens`` writes it.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from collate.config import config_for
from collate.control import check_paths, run_sets
from collate.reporters import CHECK_REPORTERS, REPORTERS
from conftest import GOLDENS, ROOT, TEST_SETS, WITNESSES

#: the sets whose reports are kept as goldens: the edition, and the synthetic TEI set
SETS = {"edition": WITNESSES, "tei-synthetic": TEST_SETS / "tei-synthetic"}
#: lines of a diff shown before the rest is cut
DIFF_LINES = 120


def _compare(written: dict[str, str], folder: Path, update: bool) -> None:
    """Each file against its golden (or, with --update-goldens, the goldens replaced by them)."""
    if update:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for name, text in written.items():
            (folder / name).write_text(text, encoding="utf-8", newline="")
        return
    expected = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())} if folder.is_dir() else {}
    problems: list[str] = []
    for name in sorted(set(expected) | set(written)):
        if name not in written:
            problems.append(f"{name}: in the goldens, no longer written")
        elif name not in expected:
            problems.append(f"{name}: written, no golden yet")
        elif written[name] != expected[name]:
            diff = list(difflib.unified_diff(expected[name].splitlines(keepends=True),
                                             written[name].splitlines(keepends=True),
                                             f"tests/goldens/{folder.name}/{name}", f"{name} (now)"))
            shown = "".join(diff[:DIFF_LINES])
            more = f"... {len(diff) - DIFF_LINES} more diff lines\n" if len(diff) > DIFF_LINES else ""
            problems.append(shown + more)
    if problems:
        pytest.fail("output differs from tests/goldens (if meant: pytest --update-goldens, then read "
                    "git diff tests/goldens):\n" + "\n".join(problems), pytrace=False)


@pytest.mark.parametrize("name", sorted(SETS))
def test_set_reports_match_their_goldens(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         update_goldens: bool) -> None:
    monkeypatch.chdir(ROOT)  # paths in the reports as `collate run` from the repository shows them
    out = tmp_path / "reports"
    run_sets([SETS[name]], config_for([SETS[name]]), out=out, formats=list(REPORTERS), force=True,
             echo=lambda _: None)
    written = {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())}
    _compare(written, GOLDENS / name, update_goldens)


def test_check_outputs_match_their_goldens(monkeypatch: pytest.MonkeyPatch, update_goldens: bool) -> None:
    monkeypatch.chdir(ROOT)
    result = check_paths([Path("witnesses")], config_for([Path("witnesses")]))
    written = {f"witnesses.{fmt}": reporter.render(result) for fmt, reporter in CHECK_REPORTERS.items()}
    _compare(written, GOLDENS / "check", update_goldens)


def test_a_changed_report_fails_with_a_diff(tmp_path: Path) -> None:
    folder = tmp_path / "goldens"
    _compare({"a.json": '{\n "x": 1\n}\n'}, folder, update=True)
    with pytest.raises(pytest.fail.Exception) as failed:
        _compare({"a.json": '{\n "x": 2\n}\n'}, folder, update=False)
    message = str(failed.value)
    assert "--- tests/goldens/goldens/a.json\n+++ a.json (now)\n" in message
    assert '@@ -1,3 +1,3 @@\n {\n- "x": 1\n+ "x": 2\n }\n' in message
    assert "pytest --update-goldens" in message


def test_each_format_is_the_module_listed_under_it() -> None:
    # the registries import a reporter when it is first asked for: the table must name the right module
    for registry in (REPORTERS, CHECK_REPORTERS):
        assert len(registry) == len(list(registry))
        for name, reporter in registry.items():
            assert reporter.FORMAT == name
            assert callable(reporter.render)
    assert all(REPORTERS[name].SUFFIX for name in REPORTERS)
    # a set is collated without its alignment table unless a report asked for reads it
    assert [name for name in REPORTERS if REPORTERS[name].TABLE] == ["collatex"]
