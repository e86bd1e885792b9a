"""Decisions that survive: corrections on record, the apparatus API other tools write through.

The end-to-end tests edit a scratch copy of the shipped edition as an editor
would; the tests marked synthetic build their sets in ``tmp_path`` from texts
written here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from collate.apparatus import read_apparatus
from collate.apparatus_write import set_entry
from collate.cli import cli
from collate.errors import ApparatusError

LITVINOV = "1933-11-23-roosevelt-to-litvinov"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def litvinov(edition_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(edition_copy.parent)
    return edition_copy / LITVINOV


def _entry_with(path: Path, needle: str) -> str:
    """The id of the apparatus entry whose snapshot holds ``needle``."""
    return next(e.id for e in read_apparatus(path).entries.values() if needle in e.readings.values())


# -- corrections on record ------------------------------------------------------------------


def test_a_fixed_transcription_error_is_a_correction_on_record(litvinov: Path, tmp_path: Path) -> None:
    """APP omits "to" ("convey President Kalinin"): marked error, then APP fixed."""
    path = litvinov / "apparatus.toml"
    vid = _entry_with(path, "to")
    set_entry(litvinov, vid, status="error", note="Keying error in APP: “to” dropped.")
    assert run("check", f"witnesses/{LITVINOV}").exit_code == 1  # the error is still in the witness
    app = litvinov / "app.txt"
    app.write_text(app.read_text(encoding="utf-8").replace("convey President Kalinin", "convey to President Kalinin"),
                   encoding="utf-8")
    check = run("check", f"witnesses/{LITVINOV}")
    assert check.exit_code == 0, check.output
    assert check.output.endswith("all reviewed, no errors, nothing stale\n")
    before = path.read_text(encoding="utf-8")
    sync = run("apparatus", f"witnesses/{LITVINOV}")
    assert f"{vid} corrected: the transcription error is gone from the witness" in sync.output
    after = path.read_text(encoding="utf-8")
    assert [line for line in after.splitlines() if line not in before.splitlines()] == ['status = "corrected"']
    entry = read_apparatus(path).entries[vid]
    assert (entry.status, entry.note, entry.readings, entry.stale) == (
        "corrected", "Keying error in APP: “to” dropped.", {"FRUS": "to", "APP": ""}, False)
    assert run("apparatus", f"witnesses/{LITVINOV}").output.endswith("up to date (6 unchanged)\n")
    assert run("check", f"witnesses/{LITVINOV}").exit_code == 0
    # the reports list it as an erratum
    out = tmp_path / "out"
    assert run("run", f"witnesses/{LITVINOV}", "--out", str(out)).exit_code == 0
    report = json.loads((out / f"{LITVINOV}.json").read_text(encoding="utf-8"))
    assert [(c["id"], c["readings"], c["note"]) for c in report["corrections"]] == [
        (vid, {"FRUS": "to", "APP": ""}, "Keying error in APP: “to” dropped.")]
    assert report["stale"] == []
    html = (out / f"{LITVINOV}.html").read_text(encoding="utf-8")
    assert 'id="errata"' in html and "Keying error in APP: “to” dropped." in html


def test_an_undone_correction_is_an_error_again(litvinov: Path) -> None:
    path = litvinov / "apparatus.toml"
    vid = _entry_with(path, "to")
    set_entry(litvinov, vid, status="corrected")
    check = run("check", f"witnesses/{LITVINOV}")  # APP still omits "to"
    assert check.exit_code == 1
    assert f"transcription error {vid}" in check.output
    sync = run("apparatus", f"witnesses/{LITVINOV}")
    assert f"{vid} occurs again: its correction was undone" in sync.output
    assert read_apparatus(path).entries[vid].status == "error"


def test_a_recorded_variant_that_disappears_is_still_stale(litvinov: Path) -> None:
    """Only an ``error`` becomes a correction: a recorded reading that vanishes needs a person."""
    path = litvinov / "apparatus.toml"
    vid = _entry_with(path, "to")
    app = litvinov / "app.txt"
    app.write_text(app.read_text(encoding="utf-8").replace("convey President Kalinin", "convey to President Kalinin"),
                   encoding="utf-8")
    check = run("check", f"witnesses/{LITVINOV}")
    assert check.exit_code == 1
    assert f'stale entry {vid}' in check.output and 'set status = "corrected"' in check.output
    set_entry(litvinov, vid, status="corrected")  # the editor's answer: keep it on record
    assert run("check", f"witnesses/{LITVINOV}").exit_code == 0


# -- set_entry: the function collate review writes through -------------------------------------


def test_set_entry_changes_one_key_and_keeps_every_comment(litvinov: Path) -> None:
    path = litvinov / "apparatus.toml"
    text = path.read_text(encoding="utf-8").replace('status = "recorded"\n', 'status = "recorded"  # by J. S.\n', 1)
    path.write_text(text, encoding="utf-8")
    first = next(iter(read_apparatus(path).entries.values()))
    entry = set_entry(path, first.id, note="A new note.")
    assert entry.note == "A new note." and entry.status == first.status
    after = path.read_text(encoding="utf-8")
    assert len(after.splitlines()) == len(text.splitlines())
    assert [line for line in after.splitlines() if line not in text.splitlines()] == ['note = "A new note."']
    assert "# by J. S." in after and after.startswith("# Apparatus of")


def test_set_entry_refuses_what_it_cannot_do_and_writes_nothing(litvinov: Path) -> None:
    path = litvinov / "apparatus.toml"
    text = path.read_text(encoding="utf-8")
    vid = next(iter(read_apparatus(path).entries))
    with pytest.raises(ApparatusError, match="status must be one of"):
        set_entry(path, vid, status="done")
    with pytest.raises(ApparatusError, match="no entry 0000000000"):
        set_entry(path, "0000000000", status="recorded")
    with pytest.raises(ApparatusError, match="the file changed since it was read"):
        set_entry(path, vid, status="recorded", expected=text + "\n")
    assert path.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in litvinov.iterdir() if p.name.startswith(".")) == []


# -- the apparatus of a long set (synthetic) ----------------------------------------------------


def _long_apparatus(n: int) -> str:
    """Synthetic: ``n`` entries in the layout collate writes, with a comment per hundred."""
    parts = ["# synthetic apparatus of a long set\n\n"]
    for i in range(n):
        if i % 100 == 0:
            parts.append(f"# chapter {i // 100 + 1}\n")
        parts.append(f'[variants.{i:010x}]\nstatus = "recorded"\nreadings = {{A = "word{i}", B = "ward{i}"}}\n'
                     f'context = ["before {i}", "after {i}"]\nnote = "Note {i}."\n\n')
    return "".join(parts)


def test_synthetic_a_long_apparatus_is_read_in_one_pass_and_round_trips(tmp_path: Path) -> None:
    """Reading is linear: 8,000 entries take no more than a few times what 2,000 do.

    A generous bound (no timing assertion): the quadratic reader took ~19 s
    for 4,000 entries, where this one reads them in well under a second.
    """
    import time

    times = {}
    for n in (2000, 8000):
        path = tmp_path / f"a{n}.toml"
        path.write_text(_long_apparatus(n), encoding="utf-8")
        start = time.perf_counter()
        entries = read_apparatus(path).entries
        times[n] = time.perf_counter() - start
        assert len(entries) == n
        assert entries[f"{n - 1:010x}"].note == f"Note {n - 1}."
        line = path.read_text(encoding="utf-8").splitlines().index(f"[variants.{n - 1:010x}]") + 1
        assert entries[f"{n - 1:010x}"].line == line
    assert times[8000] < 12 * times[2000] + 1.0
    # round trip: one status changed, every comment and line kept
    path = tmp_path / "a8000.toml"
    text = path.read_text(encoding="utf-8")
    set_entry(path, f"{4321:010x}", status="ignored")
    after = path.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(text.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [('status = "recorded"', 'status = "ignored"')]


# -- decisions that outlive a change of witnesses -----------------------------------------------


def _notes(path: Path) -> dict[str, tuple[str, str]]:
    """Each entry's (status, note), keyed by its readings snapshot without sigla."""
    return {"|".join(sorted(e.readings.values())): (e.status, e.note) for e in read_apparatus(path).entries.values()}


def test_adding_a_third_witness_keeps_every_decision(litvinov: Path) -> None:
    """A third transcription (APP's text copied, as a second web copy would be) joins the set."""
    path = litvinov / "apparatus.toml"
    before = _notes(path)
    (litvinov / "copy.txt").write_text((litvinov / "app.txt").read_text(encoding="utf-8"), encoding="utf-8")
    manifest = litvinov / "set.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8")
                        + '\n[[witness]]\nsiglum = "WEB"\nfile = "copy.txt"\nlabel = "a copy"\n', encoding="utf-8")
    check = run("check", f"witnesses/{LITVINOV}")
    assert check.exit_code == 0, check.output
    sync = run("apparatus", f"witnesses/{LITVINOV}")
    assert "stale" not in sync.output and "added" not in sync.output, sync.output
    entries = read_apparatus(path).entries.values()
    assert not any(e.stale for e in entries)
    assert all(set(e.readings) == {"FRUS", "APP", "WEB"} for e in entries)
    assert {"|".join(sorted(set(e.readings.values()))): (e.status, e.note) for e in entries} == before
    assert run("check", f"witnesses/{LITVINOV}").exit_code == 0


def test_renaming_a_siglum_keeps_every_decision(litvinov: Path) -> None:
    path = litvinov / "apparatus.toml"
    before = _notes(path)
    manifest = litvinov / "set.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('siglum = "APP"', 'siglum = "UCSB"'),
                        encoding="utf-8")
    check = run("check", f"witnesses/{LITVINOV}")
    assert check.exit_code == 0, check.output
    sync = run("apparatus", f"witnesses/{LITVINOV}")
    assert "stale" not in sync.output and "added" not in sync.output, sync.output
    entries = read_apparatus(path).entries.values()
    assert all(set(e.readings) == {"FRUS", "UCSB"} for e in entries)
    assert _notes(path) == before
    assert run("check", f"witnesses/{LITVINOV}").exit_code == 0


# -- identical variants (synthetic) ------------------------------------------------------------

_PHRASE = "alpha beta gamma delta epsilon zeta eta theta iota"
_BASE = (f"Synthetic test letter, written for this test.\n{_PHRASE}.\n"
         f"Other words stand between the two places.\n{_PHRASE}.\nThe end of the letter.\n")


def _twins(root: Path) -> Path:
    """Synthetic: B drops "epsilon" from both copies of a repeated phrase (same readings, same context)."""
    folder = root / "twins"
    folder.mkdir()
    (folder / "a.txt").write_text(_BASE, encoding="utf-8")
    (folder / "b.txt").write_text(_BASE.replace("delta epsilon", "delta"), encoding="utf-8")
    (folder / "set.toml").write_text('title = "Synthetic twins"\n\n[[witness]]\nsiglum = "A"\nfile = "a.txt"\n\n'
                                     '[[witness]]\nsiglum = "B"\nfile = "b.txt"\n', encoding="utf-8")
    return folder


@pytest.mark.parametrize("fixed", [0, 1])
def test_synthetic_two_identical_variants_one_removed_the_other_keeps_its_note(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixed: int) -> None:
    monkeypatch.chdir(tmp_path)
    folder = _twins(tmp_path)
    assert run("apparatus", "twins").exit_code == 0
    entries = list(read_apparatus(folder).entries.values())
    assert len(entries) == 2 and entries[0].id != entries[1].id
    assert entries[0].id.split("-")[0] == entries[1].id.split("-")[0]  # one id, told apart by a suffix
    assert [e.at for e in entries] == ["a.txt:2:24", "a.txt:4:24"]
    set_entry(folder, entries[0].id, status="error", note="first: keyed without epsilon")
    set_entry(folder, entries[1].id, status="recorded", note="second: B's own reading")
    # B's copy of one place is fixed: that variant goes, the other stays with its own decision
    lines = (folder / "b.txt").read_text(encoding="utf-8").split("\n")
    lines[1 + 2 * fixed] = f"{_PHRASE}."
    (folder / "b.txt").write_text("\n".join(lines), encoding="utf-8")
    check = run("check", "twins")
    assert (check.exit_code == 0) == (fixed == 0), check.output  # fixing the error passes; the other leaves it
    assert run("apparatus", "twins").exit_code == 0
    after = {e.note: e for e in read_apparatus(folder).entries.values()}
    kept, gone = (after["second: B's own reading"], after["first: keyed without epsilon"])
    if fixed == 0:
        assert (gone.status, gone.stale) == ("corrected", False)
        assert (kept.status, kept.stale, kept.at) == ("recorded", False, "a.txt:4:24")
    else:
        assert (gone.status, gone.stale, gone.at) == ("error", False, "a.txt:2:24")
        assert (kept.status, kept.stale) == ("recorded", True)


# -- starting a set, and messages that say what to do ------------------------------------------


def test_init_writes_a_set_from_the_files_and_refuses_to_overwrite(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's first set: the FRUS text and a transcription of it (the 23 Nov letter's APP text)."""
    from conftest import WITNESSES

    monkeypatch.chdir(tmp_path)
    letter = WITNESSES / LITVINOV
    (tmp_path / "frus.txt").write_bytes((letter / "frus-1933-39-d46.txt").read_bytes())
    (tmp_path / "mine.txt").write_bytes((letter / "app.txt").read_bytes())
    made = run("init", "letter", "frus.txt", "mine.txt")
    assert made.exit_code == 0, made.output
    assert made.output.splitlines() == ["copied frus.txt into letter", "copied mine.txt into letter",
                                        "wrote letter/set.toml: frus (frus.txt), mine (mine.txt); frus is the base",
                                        "next: collate run letter"]
    manifest = tmp_path / "letter" / "set.toml"
    text = manifest.read_text(encoding="utf-8")
    assert 'title = "letter"\nbase = "frus"\n\n[[witness]]\nsiglum = "frus"\nfile = "frus.txt"\n' in text
    again = run("init", "letter", "frus.txt", "mine.txt")
    assert again.exit_code == 2
    assert again.stderr == "letter/set.toml: set.toml exists already; edit it (or remove it to start again)\n"
    assert manifest.read_text(encoding="utf-8") == text
    # inside the folder: `collate run .` names the reports after the folder
    monkeypatch.chdir(tmp_path / "letter")
    result = run("run", ".", "--out", "out")
    assert result.exit_code == 0, result.output
    assert result.output == "letter: 2 witnesses, 6 variants (3 substantive, 3 accidental); 6 unreviewed, 0 errors\n"
    assert sorted(p.name for p in (tmp_path / "letter" / "out").iterdir()) == ["index.html", "letter.html",
                                                                               "letter.json"]
    assert run("run", "set.toml", "--out", "out2").exit_code == 0
    assert (tmp_path / "letter" / "out2" / "letter.json").is_file()


def test_a_repeated_run_says_which_sets_were_unchanged(litvinov: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run("run", f"witnesses/{LITVINOV}", "--out", str(out))
    line = "1933-11-23-roosevelt-to-litvinov: 2 witnesses, 6 variants (3 substantive, 3 accidental); 0 unreviewed, 0 errors"
    assert first.output == line + "\n"
    index = (out / "index.html").read_bytes()
    (out / "index.html").unlink()  # written again from the set's index line as the first run kept it
    second = run("run", f"witnesses/{LITVINOV}", "--out", str(out))
    assert second.output == line + "; unchanged since the last run (--force to collate again)\n"
    assert (out / "index.html").read_bytes() == index
    (state,) = (litvinov.parent.parent / ".collate-cache").glob("run-*.json")
    assert json.loads(state.read_text(encoding="utf-8"))["sets"][LITVINOV]["row"] == {
        "name": LITVINOV, "title": "Roosevelt to Litvinov, Warm Springs, 23 November 1933", "href": f"{LITVINOV}.html",
        "sigla": ["FRUS", "APP"], "variants": 6, "substantive": 3, "unreviewed": 0, "single": False}


def _synthetic_set(root: Path, manifest: str, files: dict[str, bytes]) -> Path:
    """Synthetic: a set folder with the given manifest and files."""
    folder = root / "s"
    folder.mkdir()
    (folder / "set.toml").write_text(manifest, encoding="utf-8")
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


@pytest.mark.parametrize("manifest, files, says", [
    ('[[witness]]\nsiglum = "A"\nfile = "a.txt"\n[[witness]]\nsiglum = "B"\nfile = "transcripton.txt"\n',
     {"a.txt": b"one two\n", "transcription.txt": b"one too\n"},
     "s/set.toml:6: file 'transcripton.txt' does not exist; did you mean 'transcription.txt'?"),
    ('base = "A"\n[[witness]]\nsiglum = "A"\nfile = "a.txt"\n\n[[witness]]\nsiglum = "A"\nfile = "b.txt"\n',
     {"a.txt": b"one two\n", "b.txt": b"one too\n"},
     "s/set.toml:7: duplicate siglum 'A' (also witness 1, line 3); give each witness its own siglum"),
    ('[[witness]]\nsiglum = "A"\nfile = "a.txt"\n[[witness]]\nsiglum = "B"\nfile = "b.txt"\n',
     {"a.txt": b"one two\n", "b.txt": "Le th\u00e9\u00e2tre de la r\u00e9publique, caf\u00e9 cr\u00e8me\n".encode("cp1252")},
     "s/b.txt:1:6: not valid UTF-8 (byte 0xe9); it looks like cp1252: convert it with"
     " `iconv -f cp1252 -t UTF-8 s/b.txt > s/b.txt.utf8` and rename that over it, or save the file as UTF-8"
     " in your editor"),
])
def test_synthetic_messages_say_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, manifest: str,
                                           files: dict[str, bytes], says: str) -> None:
    monkeypatch.chdir(tmp_path)
    _synthetic_set(tmp_path, manifest, files)
    result = run("run", "s", "--out", "out")
    assert result.exit_code == 2
    assert result.stderr == says + "\n"
    assert not (tmp_path / "out").exists()


def test_synthetic_an_unknown_normalize_key_names_the_near_one(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _synthetic_set(tmp_path, '[[witness]]\nsiglum = "A"\nfile = "a.txt"\n[[witness]]\nsiglum = "B"\nfile = "b.txt"\n'
                   '[normalize]\nhypenation = false\n', {"a.txt": b"one two\n", "b.txt": b"one too\n"})
    result = run("run", "s", "--out", "out")
    assert result.exit_code == 0
    assert result.stderr == "warning: s/set.toml: unknown key in normalize: hypenation (did you mean hyphenation?)\n"


# -- a transposition is one decision (synthetic) ------------------------------------------------


def test_synthetic_a_transposition_is_one_decision_and_every_output_names_the_same_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Synthetic: B moves "very soon" before "we shall meet again"."""
    monkeypatch.chdir(tmp_path)
    _synthetic_set(tmp_path, '[[witness]]\nsiglum = "A"\nfile = "a.txt"\n[[witness]]\nsiglum = "B"\nfile = "b.txt"\n',
                   {"a.txt": b"Synthetic letter. I hope that we shall meet again very soon in the city of Moscow.\n",
                    "b.txt": b"Synthetic letter. I hope that very soon we shall meet again in the city of Moscow.\n"})
    diff = run("diff", "s/a.txt", "s/b.txt")
    moved = [line for line in diff.output.splitlines() if "transposition" in line]
    assert len(moved) == 2 and all('(moved "very soon", with ' in line for line in moved)
    assert run("apparatus", "s").output == "s/apparatus.toml: 1 added\n"  # one entry for both halves
    (entry,) = read_apparatus(tmp_path / "s").entries.values()
    check = run("check", "s")
    assert check.exit_code == 1
    assert [line.split(": ", 1)[1] for line in check.output.splitlines()[:-1]] == [
        f'unreviewed variant {entry.id}, substantive transposition (moved "very soon", with'
        f' {check.output.split("with ")[1].split(")")[0]}): absent A (a.txt:1:31) | "very soon" B']
    set_entry(tmp_path / "s", entry.id, status="recorded", note="B moves “very soon”.")
    assert run("check", "s").exit_code == 0
    assert run("run", "s", "--out", "out").exit_code == 0
    report = json.loads((tmp_path / "out" / "s.json").read_text(encoding="utf-8"))
    halves = [(v["kind"], v["moved"], v["decision"], v["status"], v["note"]) for v in report["variants"]]
    assert halves == [("transposition", "very soon", entry.id, "recorded", "B moves “very soon”.")] * 2
    html = (tmp_path / "out" / "s.html").read_text(encoding="utf-8")
    assert html.count("moved “very soon”, with ") == 2
    assert html.count("one decision: this entry") == 1
    assert html.count(f'one decision: <a href="#{entry.id}">{entry.id}</a>') == 1


def test_each_html_entry_shows_its_id_with_a_copy_button(tmp_path: Path) -> None:
    from conftest import WITNESSES

    out = tmp_path / "out"
    assert run("run", str(WITNESSES / LITVINOV), "--out", str(out), "--force").exit_code == 0
    html = (out / f"{LITVINOV}.html").read_text(encoding="utf-8")
    for entry in read_apparatus(WITNESSES / LITVINOV).entries.values():
        assert f'<code class="vid" title="The variant\'s id: its [variants.{entry.id}] entry in apparatus.toml">' \
               f'{entry.id}</code><button type="button" class="copy" data-copy="{entry.id}"' in html
