"""Bad input, case by case: each gets correct handling or one clear line and exit code 2.

Every case builds a witness set in a scratch folder, runs ``collate run`` the way an
editor would (through click's CliRunner, from the project folder), and holds:

* an error is exit code 2 with exactly one line on stderr, ``Error: file[:line[:col]]: message``,
  naming the file (and line where one is known), and no traceback;
* correct handling is exit code 0 and the right result in the JSON report;
* either way, no partial report and no temporary file is left in ``reports/``.

The witness texts here are synthetic (made up for the test), except where a case reads a
file of the shipped edition in ``witnesses/``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from collate.cli import cli

ROOT = Path(__file__).resolve().parent.parent
FRUS_D46 = ROOT / "witnesses" / "1933-11-23-roosevelt-to-litvinov" / "frus-1933-39-d46.txt"

TWO = '[[witness]]\nsiglum = "A"\nfile = "a.txt"\n\n[[witness]]\nsiglum = "B"\nfile = "b.txt"\n'
"""A manifest of two witnesses: ``file = "b.txt"`` stands on line 7."""


@dataclass
class Case:
    """One bad input: the files of set ``witnesses/s`` and what must come of them."""

    id: str
    files: dict[str, bytes | str]
    manifest: str | bytes | None = TWO
    #: for an error: where the message must point ("witnesses/s/set.toml:7"), and words it must hold
    where: str | None = None
    says: str = ""
    #: for correct handling: a check on the JSON report of set ``s``
    check: Callable[[dict], None] | None = None
    #: warnings (substrings) that must be printed, one line each
    warns: list[str] = field(default_factory=list)
    #: extra set-up in the project folder (symlinks, other sets, a project file)
    setup: Callable[[Path], None] | None = None
    args: list[str] = field(default_factory=list)


def readings(report: dict) -> list[tuple[str, list[str], bool, dict[str, str]]]:
    return [
        (v["kind"], v["classes"], v["substantive"], {s: r["text"] for s, r in v["readings"].items()})
        for v in report["variants"]
    ]


def tokens(report: dict) -> dict[str, int]:
    return {w["siglum"]: w["tokens"] for w in report["witnesses"]}


# -- checks for the cases handled correctly ---------------------------------------------


def _empty(report: dict) -> None:
    assert tokens(report) == {"A": 4, "B": 0}
    assert readings(report) == [("omission", [], True, {"A": "hello wide world.", "B": ""})]


def _whitespace_only(report: dict) -> None:
    assert tokens(report) == {"A": 4, "B": 0}
    (variant,) = report["variants"]
    assert variant["kind"] == "omission"
    # the absent reading points where the text would stand: after B's whitespace lines
    assert variant["readings"]["B"]["text"] == ""


def _utf16(report: dict) -> None:
    assert tokens(report) == {"A": 5, "B": 5}
    # decoded right: "wörld" is no English word, so it is a misspelling of "world" (orthography.py)
    assert readings(report) == [("substitution", ["spelling"], False, {"A": "wörld", "B": "world"})]
    where = report["variants"][0]["readings"]["A"]
    assert (where["line"], where["column"]) == (1, 7)  # characters, not bytes


def _utf8_bom_crlf(report: dict) -> None:
    (variant,) = report["variants"]
    # the BOM is not a character of the text, and CRLF is one line break
    assert {s: (r["line"], r["column"]) for s, r in variant["readings"].items()} == {"A": (2, 8), "B": (2, 8)}
    assert readings(report) == [("substitution", [], True, {"A": "whole", "B": "hole"})]


def _html(report: dict) -> None:
    # a plain-text witness: markup is text, kept exactly as written (reporters escape it)
    texts = [r["B"] for *_, r in readings(report)]
    assert "script" in texts[0]
    assert "alert(1)</script" in texts[1]
    assert report["variants"][1]["readings"]["B"]["text"] == "alert(1)</script"


def _rtl(report: dict) -> None:
    assert tokens(report) == {"A": 3, "B": 4}
    assert readings(report) == [("addition", [], True, {"A": "", "B": "גדול"})]
    assert report["variants"][0]["readings"]["B"]["column"] == 6


def _nfc_nfd(report: dict) -> None:
    # café (one code point) against cafe + U+0301: the same word, classed unicode, accidental
    assert tokens(report) == {"A": 4, "B": 4}
    assert readings(report) == [
        ("substitution", ["unicode"], False, {"A": "caf\u00e9", "B": "cafe\u0301"})
    ]


def _combining(report: dict) -> None:
    # a combining mark stays with its letter: "Ångström" written with combining rings is one word
    assert tokens(report) == {"A": 3, "B": 3}
    assert report["variants"] == [] or all(not v["substantive"] for v in report["variants"])
    assert [v["classes"] for v in report["variants"]] == [["unicode"]]


def _lone_combining(report: dict) -> None:
    # a combining mark with no letter before it is one character of its own, never lost
    assert tokens(report) == {"A": 3, "B": 2}
    assert readings(report) == [("omission", ["punctuation"], False, {"A": "\u0301", "B": ""})]


def _bidi_control(report: dict) -> None:
    # an invisible right-to-left override is a difference an editor must see
    assert readings(report) == [("omission", ["punctuation"], False, {"A": "\u202e", "B": ""})]


def _unknown_keys(report: dict) -> None:
    assert readings(report) == [("omission", [], True, {"A": "wide", "B": ""})]


def _symlink_inside(report: dict) -> None:
    assert tokens(report) == {"A": 4, "B": 4}
    assert report["variants"] == []


CASES: list[Case] = [
    # -- witness files --------------------------------------------------------------------
    Case("empty file", {"a.txt": "hello wide world.", "b.txt": b""}, check=_empty,
         warns=["witnesses/s/b.txt: the witness is empty"]),
    Case("whitespace only", {"a.txt": "hello wide world.", "b.txt": " \t\n\n  \r\n"}, check=_whitespace_only,
         warns=["witnesses/s/b.txt: the witness is empty (whitespace only)"]),
    Case("binary with NUL bytes", {"a.txt": "hello world", "b.txt": b"PK\x03\x04\n\n\x00\x00\x01"},
         where="witnesses/s/b.txt:3", says="binary file (NUL byte)"),
    Case("invalid UTF-8", {"a.txt": "hello world", "b.txt": b"first line\nsecond \xe9t\xe9\n"},
         where="witnesses/s/b.txt:2:8", says="not valid UTF-8"),
    Case("Latin-1 file", {"a.txt": "hello world", "b.txt": "caf\u00e9 noir".encode("latin-1")},
         where="witnesses/s/b.txt:1:4", says="save the file as UTF-8"),
    Case("UTF-16 LE with BOM", {"a.txt": "hello w\u00f6rld\r\nsecond line.".encode("utf-16"),
                                "b.txt": "hello world\nsecond line."}, check=_utf16),
    Case("UTF-16 BE with BOM", {"a.txt": b"\xfe\xff" + "hello w\u00f6rld\r\nsecond line.".encode("utf-16-be"),
                                "b.txt": "hello world\nsecond line."}, check=_utf16),
    Case("UTF-16 with BOM, odd byte count", {"a.txt": "hello".encode("utf-16") + b"\x00", "b.txt": "hello"},
         where="witnesses/s/a.txt", says="not valid UTF-16"),
    Case("UTF-8 BOM and CRLF", {"a.txt": "\ufefffirst line\r\nsecond whole line\r\n",
                                "b.txt": "first line\nsecond hole line\n"}, check=_utf8_bom_crlf),
    Case("HTML and script in a witness", {"a.txt": "hello <b>big</b> world",
                                          "b.txt": "hello <script>alert(1)</script> world"}, check=_html),
    Case("right-to-left text", {"a.txt": "שלום עולם hello", "b.txt": "שלום גדול עולם hello"}, check=_rtl),
    Case("NFC against NFD", {"a.txt": "the caf\u00e9 is open", "b.txt": "the cafe\u0301 is open"}, check=_nfc_nfd),
    Case("combining characters", {"a.txt": "A\u030angstro\u0308m unit here",
                                  "b.txt": "\u00c5ngstr\u00f6m unit here"}, check=_combining),
    Case("combining mark with no letter", {"a.txt": "\u0301start here", "b.txt": "start here"},
         check=_lone_combining),
    Case("bidi control character", {"a.txt": "hello \u202eworld", "b.txt": "hello world"}, check=_bidi_control),
    Case("a folder where a witness file should be", {"a.txt": "hello world", "b.txt/x.txt": "x"},
         where="witnesses/s/set.toml:7", says="'b.txt' is not a file"),
    # -- the manifest -----------------------------------------------------------------------
    Case("a set folder without set.toml", {"a.txt": "hello world"}, manifest=None,
         where="witnesses", says="no set.toml"),
    Case("invalid TOML", {"a.txt": "x", "b.txt": "y"}, manifest='title = "Roosevelt\n' + TWO,
         where="witnesses/s/set.toml:1:19", says="invalid TOML"),
    Case("invalid TOML: a key twice", {"a.txt": "x", "b.txt": "y"}, manifest='title = "a"\ntitle = "b"\n' + TWO,
         where="witnesses/s/set.toml:", says="invalid TOML"),
    Case("set.toml not UTF-8", {"a.txt": "x", "b.txt": "y"}, manifest=b'title = "caf\xe9"\n' + TWO.encode(),
         where="witnesses/s/set.toml:1", says="not valid UTF-8"),
    Case("unknown keys (a warning naming them)", {"a.txt": "hello wide world", "b.txt": "hello world"},
         manifest='colour = "red"\n' + TWO.replace('file = "a.txt"', 'file = "a.txt"\nlable = "x"')
         + "\n[normalize]\ncasee = true\n",
         check=_unknown_keys,
         warns=["witnesses/s/set.toml: unknown key: colour",
                "witnesses/s/set.toml: unknown key in witness 1: lable",
                "witnesses/s/set.toml: unknown key in normalize: casee"]),
    Case("no [[witness]]", {"a.txt": "x"}, manifest='title = "t"\n',
         where="witnesses/s/set.toml", says="no [[witness]]"),
    Case("witness not an array of tables", {"a.txt": "x"}, manifest='title = "t"\nwitness = "a.txt"\n',
         where="witnesses/s/set.toml:2", says="array of tables"),
    Case("title not a string", {"a.txt": "x", "b.txt": "y"}, manifest="title = 1933\n" + TWO,
         where="witnesses/s/set.toml:1", says="title must be a string"),
    Case("a missing witness file", {"a.txt": "hello world"},
         where="witnesses/s/set.toml:7", says="'b.txt' does not exist"),
    Case("a witness with no siglum", {"a.txt": "x", "b.txt": "y"}, manifest=TWO.replace('siglum = "B"\n', ""),
         where="witnesses/s/set.toml:5", says="witness 2 needs a siglum"),
    Case("a siglum with a space", {"a.txt": "x", "b.txt": "y"}, manifest=TWO.replace('"B"', '"B 2"'),
         where="witnesses/s/set.toml:5", says="needs a siglum"),
    Case("a duplicate siglum", {"a.txt": "x", "b.txt": "y"}, manifest=TWO.replace('"B"', '"A"'),
         where="witnesses/s/set.toml:6", says="duplicate siglum 'A'"),
    Case("base names no witness", {"a.txt": "x", "b.txt": "y"}, manifest='base = "FRUS"\n' + TWO,
         where="witnesses/s/set.toml:1", says="base 'FRUS'"),
    Case("unknown witness format", {"a.txt": "x", "b.txt": "y"},
         manifest=TWO + 'format = "pdf"\n', where="witnesses/s/b.txt", says="unknown witness format 'pdf'"),
    Case("a witness path with ../", {"a.txt": "hello world"}, manifest=TWO.replace('"b.txt"', '"../b.txt"'),
         setup=lambda root: (root / "witnesses" / "b.txt").write_text("outside"),
         where="witnesses/s/set.toml:7", says="'../b.txt' leaves the set folder"),
    Case("a witness path that is absolute", {"a.txt": "hello world"},
         manifest=TWO.replace('"b.txt"', '"/etc/hostname"'),
         where="witnesses/s/set.toml:7", says="absolute path"),
    Case("a witness that is a symlink out of the set", {"a.txt": "hello world"},
         setup=lambda root: _symlink(root / "witnesses" / "s" / "b.txt", root / "secret.txt"),
         where="witnesses/s/set.toml:7", says="'b.txt' leaves the set folder"),
    Case("a witness in a symlinked folder out of the set", {"a.txt": "hello world"},
         manifest=TWO.replace('"b.txt"', '"sub/b.txt"'),
         setup=lambda root: _symlink(root / "witnesses" / "s" / "sub", root, folder=True),
         where="witnesses/s/set.toml:7", says="leaves the set folder"),
    Case("a symlink that stays inside the set", {"a.txt": "hello wide world.", "texts/b.txt": "hello wide world."},
         setup=lambda root: _symlink(root / "witnesses" / "s" / "b.txt", Path("texts") / "b.txt", relative=True),
         check=_symlink_inside),
    # -- [normalize] and project settings -----------------------------------------------
    Case("a normalize rule of the wrong type", {"a.txt": "x", "b.txt": "y"},
         manifest=TWO + '\n[normalize]\ncase = "yes"\n', where="witnesses/s/set.toml:10", says="normalize.case"),
    Case("a bad note-marker regex", {"a.txt": "x", "b.txt": "y"},
         manifest=TWO + '\n[normalize]\nnote-marker = "(\\\\d+"\n', where="witnesses/s/set.toml:10",
         says="not a valid regular expression"),
    Case("a spelling rule without =", {"a.txt": "x", "b.txt": "y"},
         manifest=TWO + '\n[normalize]\nspelling = ["Litvinoff"]\n', where="witnesses/s/set.toml:10",
         says="is not of the form 'a = b'"),
    Case("an unknown Unicode form", {"a.txt": "x", "b.txt": "y"},
         manifest=TWO + '\n[normalize]\nunicode = "NFX"\n', where="witnesses/s/set.toml:10", says="normalize.unicode"),
    Case("invalid TOML in collate.toml", {"a.txt": "x", "b.txt": "y"},
         setup=lambda root: (root / "collate.toml").write_text('output = "reports"\n[normalize\n'),
         where="collate.toml:2", says="invalid TOML"),
    Case("a bad regex in collate.toml", {"a.txt": "x", "b.txt": "y"},
         setup=lambda root: (root / "collate.toml").write_text('[normalize]\npage-marker = "[Page"\n'),
         where="collate.toml", says="normalize.page-marker is not a valid regular expression"),
    Case("an unknown report format", {"a.txt": "x", "b.txt": "y"}, args=["--format", "pdf"],
         where=None, says="unknown report format pdf"),
    # -- the apparatus file (collate run reads it for statuses and notes; never writes it) --
    Case("a malformed apparatus.toml", {"a.txt": "hello wide world", "b.txt": "hello world",
                                        "apparatus.toml": '# notes\n[variants.0a1b2c3d4e]\nstatus = "recorded\n'},
         where="witnesses/s/apparatus.toml:3:", says="invalid TOML"),
    Case("an unknown status", {"a.txt": "hello wide world", "b.txt": "hello world",
                               "apparatus.toml": '[variants.0a1b2c3d4e]\nnote = "x"\nstatus = "done"\n'},
         where="witnesses/s/apparatus.toml:3", says="status must be one of unreviewed, recorded, ignored, error, corrected"),
    Case("an apparatus.toml in UTF-16", {"a.txt": "hello wide world", "b.txt": "hello world",
                                         "apparatus.toml": '[variants.0a1b2c3d4e]\nstatus = "ignored"\n'.encode("utf-16")},
         where="witnesses/s/apparatus.toml:1", says="not valid UTF-8"),
    Case("a good set before one with a malformed apparatus", {"a.txt": "hello world", "b.txt": "hello big world"},
         setup=lambda root: (_other_set(root, "t", TWO),
                             (root / "witnesses" / "t" / "b.txt").write_text("bad words", encoding="utf-8"),
                             (root / "witnesses" / "t" / "apparatus.toml").write_text("[variants\n", encoding="utf-8")),
         where="witnesses/t/apparatus.toml:1", says="invalid TOML"),
    # -- several sets: a bad one stops the run before any report is written ------------
    Case("a good set beside a bad one", {"a.txt": "hello world", "b.txt": "hello world"},
         setup=lambda root: _other_set(root, "t", TWO.replace('"b.txt"', '"../s/b.txt"')),
         where="witnesses/t/set.toml:7", says="leaves the set folder"),
    Case("a good set beside a bad rule", {"a.txt": "hello world", "b.txt": "hello world"},
         setup=lambda root: _other_set(root, "t", TWO + '\n[normalize]\nabbreviation = ["U. S."]\n'),
         where="witnesses/t/set.toml:10", says="normalize.abbreviation"),
]


def _symlink(link: Path, target: Path, folder: bool = False, relative: bool = False) -> None:
    if not relative:
        target = target.resolve()
        if not folder:
            target.write_text("words from outside the set")
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target, target_is_directory=folder)


def _other_set(root: Path, name: str, manifest: str) -> None:
    folder = root / "witnesses" / name
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text("good words", encoding="utf-8")
    (folder / "b.txt").write_text("good words", encoding="utf-8")
    (folder / "set.toml").write_text(manifest, encoding="utf-8")


def build(root: Path, case: Case) -> Path:
    """The project folder: ``collate.toml`` (so no settings above it count), ``witnesses/s``."""
    (root / "collate.toml").write_text("", encoding="utf-8")
    folder = root / "witnesses" / "s"
    folder.mkdir(parents=True)
    for name, data in case.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    if case.manifest is not None:
        manifest = case.manifest if isinstance(case.manifest, bytes) else case.manifest.encode("utf-8")
        (folder / "set.toml").write_bytes(manifest)
    if case.setup:
        case.setup(root)
    return folder


def run(root: Path, *args: str):
    result = CliRunner().invoke(cli, ["run", *args])
    assert "Traceback" not in result.stderr + result.stdout
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a bug, not a user's mistake: show it
    return result


def report_files(root: Path) -> list[str]:
    """Everything in reports/, hidden temporary files included."""
    out = root / "reports"
    return sorted(p.name for p in out.rglob("*")) if out.exists() else []


def assert_error(result, where: str | None, says: str) -> None:
    """Exit 2, one line on stderr, ``file[:line[:col]]: message``, no traceback."""
    assert result.exit_code == 2, result.stderr + result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    (line,) = lines
    if where is not None:
        assert line.startswith(where), line
        rest = line[len(where):]
        # the place ends where the message starts: no other line number after the expected one
        assert re.match(r"(\d+(:\d+)?)?: " if where.endswith(":") else r"(:\d+)?: ", rest), line
    assert says in line, line


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(tmp_path, case)
    monkeypatch.chdir(tmp_path)
    result = run(tmp_path, *case.args)
    if case.check is None:
        assert_error(result, case.where, case.says)
        assert report_files(tmp_path) == []
        if "apparatus.toml" in case.files:  # read, never rewritten
            written = case.files["apparatus.toml"]
            assert (tmp_path / "witnesses" / "s" / "apparatus.toml").read_bytes() == (
                written if isinstance(written, bytes) else written.encode("utf-8"))
        return
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == len(result.stderr.splitlines()), result.stderr
    assert len(warnings) == len(case.warns), warnings
    for expected, line in zip(case.warns, warnings, strict=True):
        assert expected in line
    files = report_files(tmp_path)
    assert "s.json" in files and not [f for f in files if f.startswith(".")], files
    case.check(json.loads((tmp_path / "reports" / "s.json").read_text(encoding="utf-8")))
    page = tmp_path / "reports" / "s.html"
    if page.exists():  # the HTML report shows witness text escaped, never as markup
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<b>big" not in html


def test_missing_set_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "collate.toml").write_text("")
    monkeypatch.chdir(tmp_path)
    assert_error(run(tmp_path, "witnesses/nowhere"), "witnesses/nowhere", "no such file or folder")
    assert report_files(tmp_path) == []


# -- long texts: handled, and in reasonable time -----------------------------------------
# The texts are the 1859 edition of Darwin's first chapter (benchmarks/), repeated.

DARWIN = ROOT / "benchmarks" / "darwin-origin-ch1" / "1859.txt"


@pytest.mark.slow
def test_ten_megabyte_single_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 10 MB witness on one line (an OCR dump without line breaks), alone in its set: every token counted."""
    from collate.tokenize import tokenize

    chapter = " ".join(DARWIN.read_text(encoding="utf-8").split())
    copies = 10_000_000 // len(chapter.encode("utf-8")) + 1
    text = " ".join([chapter] * copies)
    assert len(text.encode("utf-8")) >= 10_000_000 and "\n" not in text
    build(tmp_path, Case("10 MB", {"a.txt": text}, manifest='[[witness]]\nsiglum = "A"\nfile = "a.txt"\n'))
    monkeypatch.chdir(tmp_path)
    started = time.perf_counter()
    result = run(tmp_path, "--format", "json")
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "s: 1 witness (A), nothing to collate"
    report = json.loads((tmp_path / "reports" / "s.json").read_text(encoding="utf-8"))
    assert report["witnesses"][0]["tokens"] == copies * len(tokenize(chapter)[1])
    assert report["variants"] == [] and report["summary"]["single_witness"] is True
    assert elapsed < 180, f"{elapsed:.0f} s for a 10 MB witness"


@pytest.mark.slow
def test_hundred_thousand_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two witnesses of 100,000 numbered lines and three edits: exactly those found, at their lines.

    (Each line is its number and a word of the chapter, as in a line-numbered transcription: a
    text of one chapter repeated has no word found once, and so nothing to anchor on.)
    """
    words = DARWIN.read_text(encoding="utf-8").split()
    a = [f"{n + 1} {words[n % len(words)]}" for n in range(100_000)]
    b = list(a)
    b[10] = "11 XYZZY"  # line 11
    del b[50_000]  # line 50,001 of A
    b.insert(90_000, "inserted")  # line 90,001 of B
    build(tmp_path, Case("100k", {"a.txt": "\n".join(a) + "\n", "b.txt": "\n".join(b) + "\n"}))
    monkeypatch.chdir(tmp_path)
    started = time.perf_counter()
    result = run(tmp_path, "--format", "json", "--engine", "anchored")
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.stderr
    report = json.loads((tmp_path / "reports" / "s.json").read_text(encoding="utf-8"))
    # two tokens a line and the chapter's punctuation; B lost a line of two tokens and gained one of one
    assert tokens(report)["A"] > 200_000 and tokens(report)["A"] - tokens(report)["B"] == 1
    found = [(v["kind"], {s: (r["text"], r["line"]) for s, r in v["readings"].items()}) for v in report["variants"]]
    assert found == [
        ("substitution", {"A": (a[10].split()[1], 11), "B": ("XYZZY", 11)}),
        ("omission", {"A": (a[50_000], 50_001), "B": ("", 50_001)}),
        ("addition", {"A": ("", 90_002), "B": ("inserted", 90_001)}),
    ]
    assert elapsed < 180, f"{elapsed:.0f} s for two witnesses of 100,000 lines"


def test_permissions_are_not_needed_to_report_an_unreadable_witness(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A witness the OS refuses to read: one line naming it (simulated, since root reads anything)."""
    build(tmp_path, Case("unreadable", {"a.txt": "hello", "b.txt": "hello"}))
    monkeypatch.chdir(tmp_path)
    real = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self.name == "b.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert_error(run(tmp_path), "witnesses/s/b.txt", "cannot read: Permission denied")
    assert report_files(tmp_path) == []


@pytest.mark.parametrize("other", ["shuffled", "another passage"])
def test_two_witnesses_with_nothing_in_common(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, other: str) -> None:
    """A wrong file listed as a witness: 5,000 words against the same words shuffled, or other words.

    No passage in common, so nothing to anchor on: CollateX over the whole would take many
    minutes and gigabytes. It must finish in seconds and lose no token.
    """
    import random

    all_words = DARWIN.read_text(encoding="utf-8").split()
    words = all_words[:5000]
    if other == "shuffled":
        others = list(words)
        random.Random(1933).shuffle(others)
    else:
        others = all_words[5000:10000]
    build(tmp_path, Case("unrelated", {"a.txt": " ".join(words), "b.txt": " ".join(others)}))
    monkeypatch.chdir(tmp_path)
    started = time.perf_counter()
    result = run(tmp_path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert time.perf_counter() - started < 90
    from collate.tokenize import tokenize

    report = json.loads((tmp_path / "reports" / "s.json").read_text(encoding="utf-8"))
    assert tokens(report) == {"A": len(tokenize(" ".join(words))[1]), "B": len(tokenize(" ".join(others))[1])}
    # unrelated text: chance agreement ("the", "of", a comma) is shorter than the differences round
    # it, so diff-match-patch's proportion (rewrites.py) folds it in, as diff_cleanupSemantic
    # gives one deletion and one insertion for texts with nothing in common; only a stretch one
    # text has and the other lacks stays a place of its own: a few variants, not hundreds
    variants = report["variants"]
    assert 1 <= len(variants) < 10
    assert max(len(v["readings"]["A"]["text"].split()) for v in variants) > 4000


def test_collatex_asked_for_on_long_witnesses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--engine collatex`` on two witnesses of 5,000 words: a word diff instead, said in a warning, not a hang."""
    words = DARWIN.read_text(encoding="utf-8").split()[:5000]
    edited = list(words)
    edited[100] = "XYZZY"
    del edited[4000]
    build(tmp_path, Case("long", {"a.txt": " ".join(words), "b.txt": " ".join(edited)}))
    monkeypatch.chdir(tmp_path)
    started = time.perf_counter()
    result = run(tmp_path, "--format", "json", "--engine", "collatex")
    assert result.exit_code == 0, result.stderr
    assert time.perf_counter() - started < 90
    (warning,) = result.stderr.splitlines()
    assert re.fullmatch(r"warning: witnesses A, B: a passage of [\d,]+ \+ [\d,]+ words is too long for CollateX:"
                        r" aligned by a word diff instead", warning), warning
    report = json.loads((tmp_path / "reports" / "s.json").read_text(encoding="utf-8"))
    assert [(v["kind"], {s: r["text"] for s, r in v["readings"].items()}) for v in report["variants"]] == [
        ("substitution", {"A": words[100], "B": "XYZZY"}),
        ("omission", {"A": words[4000], "B": ""}),
    ]


def test_the_word_diff_fallback_aligns_shared_words_and_keeps_every_token(monkeypatch: pytest.MonkeyPatch) -> None:
    from collate import align, engines

    monkeypatch.setattr(align, "COLLATEX_LIMIT", 0)
    keys = {"A": ["a", "b", "c", "d"], "B": ["a", "x", "c", "d", "e"]}
    assert engines.align(keys, "collatex") == [{"B": 0, "A": 0}, {"B": 1}, {"A": 1}, {"B": 2, "A": 2},
                                             {"B": 3, "A": 3}, {"B": 4}]
    monkeypatch.setattr(align, "LCS_LIMIT", 0)  # too long even for the diff: one witness after the other
    assert engines.align(keys, "collatex") == [{"B": i} for i in range(5)] + [{"A": i} for i in range(4)]
