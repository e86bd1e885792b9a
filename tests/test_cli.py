"""The command line: `collate run`, `collate diff`, and bad input as one line with exit code 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from collate.cli import cli
from helpers import make_set

ROOT = Path(__file__).resolve().parent.parent
ROOSEVELT_23 = ROOT / "witnesses" / "1933-11-23-roosevelt-to-litvinov"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_run_over_the_edition_writes_a_json_report_per_set(edition_copy: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("run", "--format", "json")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert ("1933-11-23-roosevelt-to-litvinov: 2 witnesses, 6 variants (3 substantive, 3 accidental);"
            " 0 unreviewed, 0 errors") in lines
    assert "1933-10-17-kalinin-to-roosevelt: 1 witness (FRUS), nothing to collate" in lines
    sets = sorted(p.name for p in edition_copy.iterdir() if (p / "set.toml").exists())
    assert sorted(p.stem for p in (tmp_path / "reports").glob("*.json")) == sets
    report = json.loads((tmp_path / "reports" / "1933-11-23-roosevelt-to-litvinov.json").read_text())
    assert report["format"] == 1 and report["base"] == "FRUS"
    assert [w["siglum"] for w in report["witnesses"]] == ["FRUS", "APP"]
    to = report["variants"][2]
    assert to["kind"] == "omission" and to["substantive"] is True and to["classes"] == []
    assert to["readings"]["FRUS"] == {"text": "to", "line": 2, "column": 292, "end_line": 2, "end_column": 294}
    assert to["readings"]["APP"]["text"] == ""
    assert {"cer", "wer", "agreement"} <= set(report["metrics"][0])


def test_run_one_set_to_another_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke("run", str(ROOSEVELT_23), "--out", str(out), "--format", "json")
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["1933-11-23-roosevelt-to-litvinov.json"]


def test_diff_prints_file_line_col_class_and_rates(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(ROOSEVELT_23 / "frus-1933-39-d46.txt", "frus.txt")
    shutil.copy(ROOSEVELT_23 / "app.txt", "app.txt")
    result = invoke("diff", "frus.txt", "app.txt")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "app.txt:3:4: case substitution: 'Dear' A | 'dear' B" in lines
    assert "app.txt:6:309: word-division substitution: 'corner stone' A | 'cornerstone' B" in lines
    assert lines[-1].startswith("6 differences (3 substantive); CER ")


def test_diff_of_identical_files_exits_zero(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text("My dear Mr. Litvinov:\n", encoding="utf-8")
    Path("b.txt").write_text("My dear Mr. Litvinov:\r\n", encoding="utf-8")
    result = invoke("diff", "a.txt", "b.txt")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["0 differences (0 substantive); CER 0.00%, WER 0.00%"]


@pytest.mark.parametrize("command", [[], ["run"], ["diff"]])
def test_help_says_what_and_gives_an_example(command: list[str]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert "collate" in result.stdout and ("Example" in result.stdout or "collate run" in result.stdout)


def _set(tmp_path: Path, manifest: str, files: dict[str, bytes] | None = None) -> Path:
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "set.toml").write_text(manifest, encoding="utf-8")
    for name, data in (files or {"a.txt": b"one two", "b.txt": b"one three"}).items():
        (folder / name).write_bytes(data)
    return folder


TWO = '[[witness]]\nsiglum = "A"\nfile = "a.txt"\n\n[[witness]]\nsiglum = "B"\nfile = "b.txt"\n'


@pytest.mark.parametrize(
    ("manifest", "files", "message"),
    [
        (TWO.replace('"b.txt"', '"missing.txt"'), None, "s/set.toml:7: file 'missing.txt' does not exist"),
        (TWO.replace('siglum = "B"', 'siglum = "A"'), None, "s/set.toml:6: duplicate siglum 'A' (also witness 1, line 2); give each witness its own siglum"),
        (TWO.replace('"b.txt"', '"../b.txt"'), None, "s/set.toml:7: file '../b.txt' leaves the set folder"),
        (TWO.replace('"b.txt"', '"/etc/passwd"'), None, "s/set.toml:7: file '/etc/passwd' is an absolute path; witness files must be inside the set folder"),
        (TWO + "title = [\n", None, "s/set.toml:8:1: invalid TOML"),
        (TWO, {"a.txt": b"one two", "b.txt": b"one\n\xff three"}, "s/b.txt:2:1: not valid UTF-8 (byte 0xff); it looks like cp1252: convert it with `iconv -f cp1252"),
        ('base = "C"\n' + TWO, None, "s/set.toml:1: base 'C' is not the siglum of any witness (A, B)"),
    ],
    ids=["missing-file", "duplicate-siglum", "leaves-set", "absolute", "bad-toml", "not-utf8", "bad-base"],
)
def test_bad_manifest_is_one_line_and_exit_2(tmp_path: Path, monkeypatch, manifest: str, files, message: str) -> None:
    _set(tmp_path, manifest, files)
    monkeypatch.chdir(tmp_path)
    result = invoke("run", "s")
    assert result.exit_code == 2
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert not (tmp_path / "reports").exists()


def test_one_bad_set_writes_no_report_for_any(tmp_path: Path, monkeypatch) -> None:
    make_set(tmp_path / "w" / "good", {"A": "one two", "B": "one three"})
    bad = tmp_path / "w" / "bad"
    bad.mkdir()
    (bad / "set.toml").write_text('[[witness]]\nsiglum = "A"\nfile = "nope.txt"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke("run", "w")
    assert result.exit_code == 2 and "nope.txt" in result.stderr
    assert not (tmp_path / "reports").exists()


def test_bom_and_crlf_keep_lines_and_columns(tmp_path: Path, monkeypatch) -> None:
    folder = make_set(tmp_path / "s", {"A": "My dear\nMr. Litvinov", "B": ""})
    (folder / "b.txt").write_bytes("\ufeffMy Dear\r\nMr. Litvinov".encode("utf-8"))
    monkeypatch.chdir(tmp_path)
    result = invoke("run", "s", "--format", "json")
    assert result.exit_code == 0, result.output
    (variant,) = json.loads((tmp_path / "reports" / "s.json").read_text())["variants"]
    assert variant["readings"]["B"] == {"text": "Dear", "line": 1, "column": 4, "end_line": 1, "end_column": 8}


def test_project_settings_apply_and_unknown_keys_are_named(tmp_path: Path, monkeypatch) -> None:
    make_set(tmp_path / "s", {"A": "our Governments in", "B": "our governments in"})
    (tmp_path / "collate.toml").write_text("[normalize]\ncase = false\ncolour = true\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke("run", "s", "--format", "json")
    assert result.exit_code == 0
    assert "unknown key in collate.toml.normalize: colour" in result.stderr
    (variant,) = json.loads((tmp_path / "reports" / "s.json").read_text())["variants"]
    assert variant["substantive"] is True and variant["classes"] == []
