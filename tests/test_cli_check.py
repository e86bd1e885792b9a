"""`collate apparatus` and `collate check` end to end, on a scratch copy of the real edition.

Every test edits a copy of witnesses/ (the 1933 letters and their reviewed
apparatus files) the way an editor would, runs the commands through click's
CliRunner, and asserts exit codes, file:line:col lines and the apparatus file
byte for byte.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from collate import atomic
from collate.cli import cli

LITVINOV = "1933-11-23-roosevelt-to-litvinov"
KALININ = "1933-10-10-roosevelt-to-kalinin"
TO_KALININ = "ac12ea3257"  # APP omits "to" in "convey to President Kalinin"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def where(path: Path, needle: str) -> tuple[int, int]:
    """1-based line and column of the first ``needle`` in a file."""
    text = path.read_text(encoding="utf-8")
    at = text.index(needle)
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def edition(edition_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The copy of witnesses/, with the current folder its parent (so paths read witnesses/...)."""
    monkeypatch.chdir(edition_copy.parent)
    return edition_copy


@pytest.fixture
def litvinov(edition: Path) -> Path:
    return edition / LITVINOV


def changed_lines(before: str, after: str) -> list[str]:
    """The +/- lines of a diff, to assert that only the expected lines were touched."""
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


# -- the shipped edition ----------------------------------------------------------------


def test_the_shipped_edition_passes(edition: Path) -> None:
    result = run("check", "witnesses")
    assert result.exit_code == 0, result.output
    assert result.output == ("collate check: 13 variants in 8 sets (13 needing review):"
                             " all reviewed, no errors, nothing stale\n")


def test_apparatus_on_the_shipped_edition_changes_nothing(edition: Path) -> None:
    files = sorted(edition.glob("*/apparatus.toml"))
    assert [f.parent.name for f in files] == [KALININ, LITVINOV]
    before = [f.read_bytes() for f in files]
    result = run("apparatus", "witnesses")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"witnesses/{KALININ}/apparatus.toml: up to date (7 unchanged)",
        f"witnesses/{LITVINOV}/apparatus.toml: up to date (6 unchanged)",
    ]
    assert [f.read_bytes() for f in files] == before
    # a set with one witness gets no apparatus file
    assert not (edition / "1933-10-17-kalinin-to-roosevelt" / "apparatus.toml").exists()


# -- a typo keyed into a witness --------------------------------------------------------


def test_a_typo_fails_the_check_at_its_file_line_and_column(litvinov: Path) -> None:
    app = litvinov / "app.txt"
    edit(app, "profoundly gratified", "profundly gratified")
    line, column = where(app, "profundly")
    result = run("check", f"witnesses/{LITVINOV}")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 2
    frus_line, frus_column = where(litvinov / "frus-1933-39-d46.txt", "profoundly")
    assert re.fullmatch(
        # a non-word against a word is a misspelling: accidental, and accidentals are reviewed too
        rf"witnesses/{LITVINOV}/app\.txt:{line}:{column}: unreviewed variant [0-9a-f]{{10}}, spelling"
        rf' substitution: "profoundly" FRUS \(frus-1933-39-d46\.txt:{frus_line}:{frus_column}\)'
        r' \| "profundly" APP',
        lines[0],
    ), lines[0]
    assert lines[1] == ("collate check: 1 problem (1 unreviewed) in 1 of 1 set;"
                        " 7 variants in 1 set (7 needing review)")
    edit(app, "profundly gratified", "profoundly gratified")
    result = run("check", f"witnesses/{LITVINOV}")
    assert result.exit_code == 0, result.output


def test_a_typo_in_the_base_witness_names_its_place_too(litvinov: Path) -> None:
    frus = litvinov / "frus-1933-39-d46.txt"
    edit(frus, "pleasant journey", "plesant journey")
    line, column = where(frus, "plesant")
    result = run("check", f"witnesses/{LITVINOV}")
    assert result.exit_code == 1
    assert f'"plesant" FRUS (frus-1933-39-d46.txt:{line}:{column})' in result.output


def test_a_typo_inside_a_recorded_reading_makes_it_stale_and_unreviewed(litvinov: Path) -> None:
    """'corner stone' keyed as 'corner stome': the old decision no longer fits; both are reported."""
    frus = litvinov / "frus-1933-39-d46.txt"
    edit(frus, "corner stone", "corner stome")
    result = run("check", f"witnesses/{LITVINOV}")
    assert result.exit_code == 1
    header = where(litvinov / "apparatus.toml", "[variants.e0d3dedd80]")[0]
    app_line, app_column = where(litvinov / "app.txt", "cornerstone")
    out = result.output.splitlines()
    assert out[0].startswith(f"witnesses/{LITVINOV}/app.txt:{app_line}:{app_column}: unreviewed variant ")
    assert out[1] == (f"witnesses/{LITVINOV}/apparatus.toml:{header}:1: stale entry e0d3dedd80: its variant"
                      ' no longer occurs ("corner stone" FRUS | "cornerstone" APP); if a witness was corrected,'
                      ' set status = "corrected" to keep it on record; otherwise delete the entry')


# -- edits and the notes ----------------------------------------------------------------


def test_an_edit_far_from_any_variant_leaves_every_note_attached(litvinov: Path) -> None:
    before = (litvinov / "apparatus.toml").read_bytes()
    for name in ("app.txt", "frus-1933-39-d46.txt"):
        edit(litvinov / name, "a safe and pleasant journey", "a safe and happy journey")
    result = run("apparatus", f"witnesses/{LITVINOV}")
    assert result.exit_code == 0
    assert result.output == f"witnesses/{LITVINOV}/apparatus.toml: up to date (6 unchanged)\n"
    assert (litvinov / "apparatus.toml").read_bytes() == before
    assert run("check", f"witnesses/{LITVINOV}").exit_code == 0


def test_an_edit_next_to_a_variant_reattaches_its_note(litvinov: Path) -> None:
    path = litvinov / "apparatus.toml"
    before = path.read_text(encoding="utf-8")
    edit(litvinov / "frus-1933-39-d46.txt", "will convey to President", "will give to President")
    edit(litvinov / "app.txt", "will convey President", "will give President")
    # check already follows the entry (it reads what `collate apparatus` would write)
    assert run("check", f"witnesses/{LITVINOV}").exit_code == 0
    result = run("apparatus", f"witnesses/{LITVINOV}")
    assert result.exit_code == 0
    found = re.match(rf"witnesses/{LITVINOV}/apparatus.toml: re-attached {TO_KALININ} -> ([0-9a-f]{{10}})",
                     result.output)
    assert found, result.output
    new_id = found.group(1)
    assert result.output.splitlines()[-1] == f"witnesses/{LITVINOV}/apparatus.toml: 1 re-attached, 5 unchanged"
    after = path.read_text(encoding="utf-8")
    assert changed_lines(before, after) == [
        f"-[variants.{TO_KALININ}]",
        f"+[variants.{new_id}]",
        '-at = "frus-1933-39-d46.txt:2:292"',
        '+at = "frus-1933-39-d46.txt:2:290"',
        '-context = ["that you will convey", "President Kalinin my greetings"]',
        '+context = ["that you will give", "President Kalinin my greetings"]',
    ]
    assert run("check", f"witnesses/{LITVINOV}").exit_code == 0
    # idempotent: a second run changes nothing
    again = run("apparatus", f"witnesses/{LITVINOV}")
    assert again.output == f"witnesses/{LITVINOV}/apparatus.toml: up to date (6 unchanged)\n"
    assert path.read_text(encoding="utf-8") == after


def test_a_removed_variant_is_kept_as_stale_and_comes_back(litvinov: Path) -> None:
    path = litvinov / "apparatus.toml"
    original = path.read_bytes()
    app = litvinov / "app.txt"
    edit(app, "convey President", "convey to President")  # APP now agrees with FRUS
    result = run("apparatus", f"witnesses/{LITVINOV}")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"witnesses/{LITVINOV}/apparatus.toml: {TO_KALININ} marked stale: its variant no longer occurs (entry kept)",
        f"witnesses/{LITVINOV}/apparatus.toml: 1 marked stale, 3 places updated, 2 unchanged",
    ]
    stale_text = path.read_text(encoding="utf-8")
    # the stale mark, and the three variants after it now have the page's numbers 3-5
    assert changed_lines(original.decode("utf-8"), stale_text) == [
        "+stale = true", "-number = 4", "+number = 3", "-number = 5", "+number = 4", "-number = 6", "+number = 5"]
    assert "APP omits “to” in “convey to President Kalinin my greetings”" in stale_text
    header = where(path, f"[variants.{TO_KALININ}]")[0]
    check = run("check", f"witnesses/{LITVINOV}")
    assert check.exit_code == 1
    assert check.output.splitlines()[0] == (
        f"witnesses/{LITVINOV}/apparatus.toml:{header}:1: stale entry {TO_KALININ}: its variant no longer"
        ' occurs ("to" FRUS | absent APP); if a witness was corrected, set status = "corrected" to keep it'
        ' on record; otherwise delete the entry')
    # a second run keeps it stale and writes nothing
    assert run("apparatus", f"witnesses/{LITVINOV}").output.endswith("up to date (1 still stale, 5 unchanged)\n")
    edit(app, "convey to President", "convey President")  # restored
    result = run("apparatus", f"witnesses/{LITVINOV}")
    assert result.output == (f"witnesses/{LITVINOV}/apparatus.toml: 1 back (stale mark cleared), 3 places updated,"
                             " 2 unchanged\n")
    assert path.read_bytes() == original
    assert run("check", f"witnesses/{LITVINOV}").exit_code == 0


def test_comments_order_and_untouched_entries_survive_byte_for_byte(litvinov: Path) -> None:
    path = litvinov / "apparatus.toml"
    text = path.read_text(encoding="utf-8")
    # an editor's own comments and layout
    text = text.replace("[variants.38de5aa7a4]", "# checked against the 1952 printing  -- JS\n[variants.38de5aa7a4]")
    text = text.replace('status = "ignored"\nreadings = {FRUS = "corner stone"',
                        'status   =   "ignored"    # house style\nreadings = {FRUS = "corner stone"')
    path.write_bytes(text.encode("utf-8"))
    # one variant goes (APP gains "to"), one comes (a typo in APP)
    edit(litvinov / "app.txt", "convey President", "convey to President")
    edit(litvinov / "app.txt", "pleasant journey", "plesant journey")
    result = run("apparatus", f"witnesses/{LITVINOV}")
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == (f"witnesses/{LITVINOV}/apparatus.toml: 1 added, 1 marked stale,"
                                              " 2 places updated, 3 unchanged")
    after = path.read_text(encoding="utf-8")
    ids = re.findall(r"^\[variants\.(\w+)\]", after, re.M)
    added = [i for i in ids if f"[variants.{i}]" not in text]
    assert len(added) == 1
    assert changed_lines(text, after) == [
        "+stale = true",
        "-number = 4", "+number = 3", "-number = 5", "+number = 4",  # the page's numbers, one variant fewer
        "+",
        f"+[variants.{added[0]}]",
        "+number = 5",
        '+at = "frus-1933-39-d46.txt:4:125"',
        '+status = "unreviewed"',
        '+readings = {FRUS = "pleasant", APP = "plesant"}',
        '+context = ["you a safe and", "journey; but I assure"]',
    ]
    assert "# checked against the 1952 printing  -- JS\n[variants.38de5aa7a4]" in after
    assert 'status   =   "ignored"    # house style\n' in after
    # above the stale entry, the file is byte for byte what it was
    head = text[: text.index(f"[variants.{TO_KALININ}]")]
    assert after.startswith(head)


# -- atomic writes and broken files -----------------------------------------------------


@pytest.mark.parametrize("fail_at, error", [("replace", KeyboardInterrupt), ("fsync", OSError)])
def test_a_crash_mid_write_leaves_the_old_file_whole(
    litvinov: Path, monkeypatch: pytest.MonkeyPatch, fail_at: str, error: type[BaseException]
) -> None:
    path = litvinov / "apparatus.toml"
    before = path.read_bytes()
    edit(litvinov / "app.txt", "pleasant journey", "plesant journey")

    def crash(*args, **kwargs):
        raise error(28, "No space left on device") if error is OSError else error()

    monkeypatch.setattr(atomic.os, fail_at, crash)
    result = run("apparatus", f"witnesses/{LITVINOV}")
    assert result.exit_code != 0
    if error is OSError:
        assert result.exit_code == 2
        assert result.stderr.removeprefix("Error: ") == f"witnesses/{LITVINOV}/apparatus.toml: cannot write: No space left on device\n"
    assert path.read_bytes() == before
    assert sorted(os.listdir(litvinov)) == ["app.txt", "apparatus.toml", "frus-1933-39-d46.txt", "set.toml"]


def test_the_apparatus_is_fsynced_and_the_reports_are_not(litvinov: Path, monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    """What an editor wrote is durable before the command returns; reports, which a run writes
    again, skip the two fsyncs a file (a tenth of a short run)."""
    synced: list[str] = []
    real = atomic.os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}") if os.path.exists("/proc/self/fd") else str(fd))
        real(fd)

    monkeypatch.setattr(atomic.os, "fsync", fsync)
    result = run("run", f"witnesses/{LITVINOV}", "--out", str(tmp_path / "out"), "--force")
    assert result.exit_code == 0, result.output
    assert list((tmp_path / "out").glob("*.json")) and list((tmp_path / "out").glob("*.html"))
    assert synced == []
    edit(litvinov / "app.txt", "pleasant journey", "plesant journey")
    result = run("apparatus", f"witnesses/{LITVINOV}")
    assert result.exit_code == 0, result.output
    assert len(synced) == 2  # the new apparatus.toml (as its temporary name), then its folder
    if os.path.exists("/proc/self/fd"):
        assert Path(synced[1]) == litvinov.resolve()


def test_a_broken_apparatus_file_gives_exit_2_with_its_line_and_is_not_rewritten(litvinov: Path) -> None:
    path = litvinov / "apparatus.toml"
    text = path.read_text(encoding="utf-8")
    broken = text.replace('note = "At the head of the letter FRUS prints its editorial heading, not part of the letter,',
                          'note = "At the head of the letter FRUS prints its editorial heading, not part of the letter,\n')
    path.write_text(broken, encoding="utf-8")
    line = broken[: broken.index('note = "At the head of the letter')].count("\n") + 1
    edit(litvinov / "app.txt", "pleasant journey", "plesant journey")  # something to write, were it read
    for command in ("apparatus", "check"):
        result = run(command, f"witnesses/{LITVINOV}")
        assert result.exit_code == 2, command
        assert result.stdout == ""
        assert result.stderr.removeprefix("Error: ").startswith(f"witnesses/{LITVINOV}/apparatus.toml:{line}:")
        assert "invalid TOML" in result.stderr
        assert "Traceback" not in result.output
        assert path.read_text(encoding="utf-8") == broken


def test_an_unknown_status_names_its_line(litvinov: Path) -> None:
    path = litvinov / "apparatus.toml"
    text = path.read_text(encoding="utf-8")
    at = text.index(f"[variants.{TO_KALININ}]")
    text = text[:at] + text[at:].replace('status = "recorded"', 'status = "done"', 1)
    path.write_text(text, encoding="utf-8")
    line = where(path, 'status = "done"')[0]
    result = run("check", f"witnesses/{LITVINOV}")
    assert result.exit_code == 2
    assert result.stderr.removeprefix("Error: ") == (f"witnesses/{LITVINOV}/apparatus.toml:{line}: entry {TO_KALININ}: status must be"
                             " one of unreviewed, recorded, ignored, error, corrected, not 'done'\n")


def test_an_error_entry_fails_the_check_with_its_note(litvinov: Path) -> None:
    path = litvinov / "apparatus.toml"
    text = path.read_text(encoding="utf-8")
    at = text.index(f"[variants.{TO_KALININ}]")
    path.write_text(text[:at] + text[at:].replace('status = "recorded"', 'status = "error"', 1), encoding="utf-8")
    result = run("check", f"witnesses/{LITVINOV}")
    assert result.exit_code == 1
    line, column = where(litvinov / "app.txt", "President Kalinin")
    assert result.output.splitlines()[0].startswith(
        f"witnesses/{LITVINOV}/app.txt:{line}:{column}: transcription error {TO_KALININ}, substantive omission:"
        ' "to" FRUS (frus-1933-39-d46.txt:2:292) | absent APP; note: APP omits “to”')


# -- settings: which classes need review ------------------------------------------------


def _unreview(path: Path, ids: list[str]) -> None:
    text = path.read_text(encoding="utf-8")
    for vid in ids:
        at = text.index(f"[variants.{vid}]")
        text = text[:at] + re.sub(r'status = "\w+"', 'status = "unreviewed"', text[at:], count=1)
    path.write_text(text, encoding="utf-8")


def test_settings_and_flags_choose_what_needs_review(litvinov: Path) -> None:
    # Dear/dear and governments/Governments (case), corner stone/cornerstone (word division)
    _unreview(litvinov / "apparatus.toml", ["6833618607", "38de5aa7a4", "e0d3dedd80"])
    target = f"witnesses/{LITVINOV}"
    result = run("check", target)
    assert result.exit_code == 1
    assert [line.split(": ")[1] for line in result.output.splitlines()[:-1]] == [
        "unreviewed variant 6833618607, case substitution",
        "unreviewed variant 38de5aa7a4, case substitution",
        "unreviewed variant e0d3dedd80, word-division substitution",
    ]
    only = run("check", target, "--ignore-class", "case")
    assert only.exit_code == 1
    assert "e0d3dedd80" in only.output and "6833618607" not in only.output
    assert run("check", target, "--ignore-class", "case", "--ignore-class", "word-division").exit_code == 0
    assert run("check", target, "--no-accidentals").exit_code == 0
    Path("collate.toml").write_text('[check]\nignore-classes = ["case", "word-division"]\n', encoding="utf-8")
    assert run("check", target).exit_code == 0
    Path("collate.toml").write_text("[check]\naccidentals = false\n", encoding="utf-8")
    assert run("check", target).exit_code == 0
    assert run("check", target, "--accidentals").exit_code == 1
    bad = run("check", target, "--ignore-class", "capitals")
    assert bad.exit_code == 2
    assert bad.stderr.removeprefix("Error: ").startswith("--ignore-class: unknown variant class capitals")


# -- reports carry the decisions ----------------------------------------------------------


def test_run_reports_status_and_note(edition: Path) -> None:
    import json

    result = run("run", f"witnesses/{LITVINOV}", "--out", "reports", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(Path("reports", f"{LITVINOV}.json").read_text(encoding="utf-8"))
    by_id = {v["id"]: v for v in report["variants"]}
    assert by_id[TO_KALININ]["status"] == "recorded"
    assert by_id[TO_KALININ]["note"].startswith("APP omits “to” in “convey to President Kalinin")
    assert by_id["6833618607"]["status"] == "ignored"
    assert report["stale"] == []
    assert report["summary"]["unreviewed"] == 0


def test_run_lists_stale_entries_in_the_report(litvinov: Path) -> None:
    import json

    edit(litvinov / "app.txt", "convey President", "convey to President")
    assert run("run", f"witnesses/{LITVINOV}", "--out", "reports", "--format", "json").exit_code == 0
    report = json.loads(Path("reports", f"{LITVINOV}.json").read_text(encoding="utf-8"))
    assert len(report["stale"]) == 1
    stale = report["stale"][0]
    assert stale["id"] == TO_KALININ and stale["status"] == "recorded"
    assert stale["readings"] == {"FRUS": "to", "APP": ""}
    assert stale["file"] == f"witnesses/{LITVINOV}/apparatus.toml"
    assert stale["line"] == where(litvinov / "apparatus.toml", f"[variants.{TO_KALININ}]")[0]


def test_one_broken_file_stops_the_run_before_any_file_is_written(edition: Path) -> None:
    kalinin = edition / KALININ / "apparatus.toml"
    broken = kalinin.read_text(encoding="utf-8").replace('status = "recorded"', "status = recorded", 1)
    kalinin.write_text(broken, encoding="utf-8")
    litvinov = edition / LITVINOV / "apparatus.toml"
    before = litvinov.read_bytes()
    edit(edition / LITVINOV / "app.txt", "pleasant journey", "plesant journey")  # litvinov has work to do
    result = run("apparatus", "witnesses")
    assert result.exit_code == 2
    assert result.stderr.removeprefix("Error: ").startswith(f"witnesses/{KALININ}/apparatus.toml:")
    assert litvinov.read_bytes() == before and kalinin.read_text(encoding="utf-8") == broken


def test_output_file_gets_the_report_and_stdout_the_summary(litvinov: Path) -> None:
    edit(litvinov / "app.txt", "pleasant journey", "plesant journey")
    result = run("check", f"witnesses/{LITVINOV}", "--format", "junit", "--output", "out/check.xml")
    assert result.exit_code == 1
    assert result.output == ("collate check: 1 problem (1 unreviewed) in 1 of 1 set;"
                             " 7 variants in 1 set (7 needing review)\n")
    xml = Path("out/check.xml").read_text(encoding="utf-8")
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="collate check" tests="7"'
                          ' failures="1" errors="0">')
