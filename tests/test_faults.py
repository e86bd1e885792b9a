"""Faults while writing: nothing an editor wrote is lost, and no half-written file is left.

Reports and the apparatus file are written beside their target and renamed over it. These
tests break that at every step — a report folder that is a file or read-only, a full disk
(``ENOSPC``) while writing or renaming, an interrupt, a process killed with SIGKILL in the
middle of a write — and hold that the command says so in one line with exit code 2, that
the previous reports and the apparatus file are byte for byte what they were, and that no
temporary file is left (except after SIGKILL, which no program can clean up after: then the
old file is still whole, and the next run works).

The sets are copies of the shipped edition (``witnesses/``); the edits to them are made up.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import tomlkit
from click.testing import CliRunner

from collate import atomic
from collate.cli import cli

LITVINOV = "1933-11-23-roosevelt-to-litvinov"
KALININ = "1933-10-10-roosevelt-to-kalinin"


@pytest.fixture
def project(edition_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder holding two sets of the edition that have apparatus files."""
    for folder in edition_copy.iterdir():
        if folder.name not in (LITVINOV, KALININ):
            for file in folder.iterdir():
                file.unlink()
            folder.rmdir()
    (tmp_path / "collate.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output + result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit | KeyboardInterrupt):
        raise result.exception
    return result


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (hidden ones too) with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def apparatus_files(root: Path) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(root / "witnesses").items() if k.endswith("apparatus.toml")}


def edit_witness(root: Path) -> None:
    """A keying error in APP, so a new run has a different report to write."""
    path = root / "witnesses" / LITVINOV / "app.txt"
    text = path.read_text(encoding="utf-8")
    assert "pleasant journey" in text
    path.write_text(text.replace("pleasant journey", "plesant journey"), encoding="utf-8")


def one_error_line(result, *parts: str) -> None:
    assert result.exit_code == 2, result.output + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    for part in parts:
        assert part in lines[0], lines[0]


# -- reports ------------------------------------------------------------------------------


def test_a_report_path_that_is_a_file(project: Path) -> None:
    (project / "reports").write_text("not a folder: an editor's notes", encoding="utf-8")
    before = snapshot(project)
    result = run("run", "--format", "json")
    one_error_line(result, "reports", "cannot write report")
    assert snapshot(project) == before


@pytest.mark.parametrize(
    "fault",
    ["read-only folder", "disk full while writing", "disk full at the rename", "read-only file system at the rename"],
)
def test_a_report_that_cannot_be_written_loses_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    assert run("run").exit_code == 0  # the previous reports
    before = snapshot(project)
    edit_witness(project)
    before["witnesses/" + LITVINOV + "/app.txt"] = (project / "witnesses" / LITVINOV / "app.txt").read_bytes()
    if fault == "read-only folder" and os.geteuid() != 0:
        (project / "reports").chmod(0o555)
    elif fault == "read-only folder":  # root writes anywhere: make the folder refuse as it would
        def refuse(*args, **kwargs):
            raise PermissionError(errno.EACCES, "Permission denied")

        monkeypatch.setattr(atomic, "_open_new", refuse)
    elif fault == "disk full while writing":
        real_fdopen = os.fdopen

        class Full:
            """A file that takes a few bytes, then finds the disk full."""

            def __init__(self, handle):
                self.handle = handle

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.handle.close()

            def write(self, text: str) -> int:
                self.handle.write(text[:100])
                self.handle.flush()
                raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(atomic.os, "fdopen", lambda *a, **k: Full(real_fdopen(*a, **k)))
    else:
        code = errno.ENOSPC if "disk full" in fault else errno.EROFS

        def fail(*args, **kwargs):
            raise OSError(code, os.strerror(code))

        monkeypatch.setattr(atomic.os, "replace", fail)
    try:
        result = run("run")
    finally:
        (project / "reports").chmod(0o755)
    one_error_line(result, "reports", "cannot write report")
    assert snapshot(project) == before  # old reports whole, no temporary file, apparatus untouched


def test_an_interrupt_while_writing_a_report_leaves_the_old_one(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("run", "--format", "json").exit_code == 0
    before = snapshot(project / "reports")

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "replace", interrupt)
    edit_witness(project)
    result = run("run", "--format", "json")
    assert result.exit_code != 0 and isinstance(result.exception, KeyboardInterrupt | SystemExit)
    assert snapshot(project / "reports") == before


def test_a_report_folder_that_cannot_be_written_leaves_the_apparatus_alone(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``collate apparatus`` then ``run`` into a folder that refuses: the apparatus keeps its new state."""
    edit_witness(project)
    assert run("apparatus").exit_code == 0
    synced = apparatus_files(project)
    (project / "reports").write_text("a file in the way", encoding="utf-8")
    one_error_line(run("run"), "reports", "cannot write report")
    assert apparatus_files(project) == synced
    assert run("check").exit_code == 1  # the new variant is recorded as unreviewed, not lost


# -- killed mid-write (a real process, a real SIGKILL) ------------------------------------

# Runs a collate command in a child process whose writes stop halfway: the first half of
# the text is written and flushed, "HALF" is printed, and the process waits to be killed.
CHILD = textwrap.dedent(
    """
    import os, sys, time
    import collate.atomic as module  # both the apparatus and the reports are written here
    real_fdopen = os.fdopen

    class Halfway:
        def __init__(self, handle):
            self.handle = handle
        def __enter__(self):
            return self
        def __exit__(self, *exc):
            self.handle.close()
        def write(self, text):
            self.handle.write(text[: len(text) // 2])
            self.handle.flush()
            os.fsync(self.handle.fileno())
            print("HALF", flush=True)
            time.sleep(120)
        def flush(self):
            self.handle.flush()
        def fileno(self):
            return self.handle.fileno()

    module.os.fdopen = lambda *a, **k: Halfway(real_fdopen(*a, **k))
    from collate.cli import cli
    cli(sys.argv[1:], prog_name="collate")
    """
)


def kill_mid_write(project: Path, *args: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, *args], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        seen = []
        for line in child.stdout:  # summaries of the sets done before, then HALF
            seen.append(line)
            if line.strip() == "HALF":
                break
        assert seen and seen[-1].strip() == "HALF", (seen, child.stderr.read() if child.poll() is not None else "")
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL


def test_apparatus_killed_mid_write_leaves_the_old_file_whole(project: Path) -> None:
    before = apparatus_files(project)
    edit_witness(project)  # so the apparatus of the Litvinov set has something to write
    kill_mid_write(project, "apparatus")
    assert apparatus_files(project) == before
    for text in before.values():
        tomlkit.parse(text.decode("utf-8"))
    # a half-written temporary file may stay (SIGKILL cannot be cleaned up after); the next run works
    leftovers = [p.name for p in (project / "witnesses" / LITVINOV).iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) == 1 and leftovers[0].startswith(".apparatus.toml."), leftovers  # killed mid-write
    result = run("apparatus")
    assert result.exit_code == 0, result.stderr
    synced = apparatus_files(project)
    assert synced[f"{LITVINOV}/apparatus.toml"] != before[f"{LITVINOV}/apparatus.toml"]
    assert synced[f"{KALININ}/apparatus.toml"] == before[f"{KALININ}/apparatus.toml"]
    assert "plesant" in synced[f"{LITVINOV}/apparatus.toml"].decode("utf-8")
    assert run("apparatus").exit_code == 0 and apparatus_files(project) == synced  # and again: nothing to do
    assert not [p for p in (project / "witnesses" / LITVINOV).iterdir() if p.name.endswith(".tmp")]  # cleaned up


def test_run_killed_mid_write_leaves_the_old_report_whole(project: Path) -> None:
    assert run("run", "--format", "json").exit_code == 0
    before = snapshot(project / "reports")
    edit_witness(project)
    # --force: every set is written again (unchanged sets are otherwise skipped), Kalinin first
    kill_mid_write(project, "run", "--format", "json", "--force")
    after = snapshot(project / "reports")
    leftovers = [k for k in after if k.endswith(".tmp")]
    assert len(leftovers) == 1 and leftovers[0].startswith(f".{KALININ}.json."), leftovers  # killed mid-write of the first
    assert {k: v for k, v in after.items() if k not in leftovers} == before
