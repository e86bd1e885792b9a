"""atomic: a file is replaced whole or not at all (synthetic files)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from collate import atomic
from collate.errors import OutputError


def test_a_file_is_replaced_and_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "apparatus.toml"
    path.write_text("old\n", encoding="utf-8")
    path.chmod(0o640)
    atomic.write_atomic(path, "new\n")
    assert path.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["apparatus.toml"]  # no temporary file left


def test_a_failed_write_leaves_the_old_file_whole_and_no_temporary(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "report.json"
    path.write_text("old\n", encoding="utf-8")

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OutputError) as failed:
        atomic.write_atomic(path, "new\n", OutputError, "cannot write report", "reports/report.json")
    assert str(failed.value) == "reports/report.json: cannot write report: No space left on device"
    assert path.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_an_interrupt_mid_write_removes_the_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "report.json"

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic.write_atomic(path, "new\n")
    assert list(tmp_path.iterdir()) == []


def test_leftovers_of_a_killed_write_are_removed_by_the_next(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    (tmp_path / ".report.json.abc123.tmp").write_text("half", encoding="utf-8")
    atomic.write_atomic(path, "whole\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


@pytest.mark.parametrize("name", ["report.json", "a[1]*?.json"])
def test_only_the_files_own_leftovers_are_removed(tmp_path: Path, name: str) -> None:
    # what ``Path.glob(".<name>.*.tmp")`` (the name's glob characters escaped) matches goes, nothing else:
    # another file's leftovers, a name without the random middle, another case, another ending
    ours = [f".{name}.abc123.tmp", f".{name}..tmp", f".{name}.a.b.tmp"]
    kept = [f".{name}.tmp", f"{name}.abc123.tmp", f".{name}.abc123.tmpx", f".{name.upper()}.abc123.tmp",
            ".other.json.abc123.tmp", f".{name}abc.tmp"]
    for leftover in ours + kept:
        (tmp_path / leftover).write_text("half", encoding="utf-8")
    (tmp_path / f".{name}.dir.tmp").mkdir()  # not a file: cannot be unlinked, and is no error
    atomic.write_atomic(tmp_path / name, "whole\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, *kept, f".{name}.dir.tmp"])
