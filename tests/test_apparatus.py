"""apparatus.py and apparatus_write.py: reading, matching (re-attach, stale), sync and its atomic write.

The collation is the real 1933 Roosevelt–Litvinov set (FRUS against APP).
Where an apparatus file is written by hand below, it is synthetic test input
and says so; the variants it is matched against are real.
"""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from collate.apparatus import (
    Entry,
    annotate,
    match,
    read_apparatus,
    snapshot,
)
from collate.apparatus_write import sync, synced_text
from collate.config import load_config
from collate.control import collate_paths
from collate.errors import ApparatusError

ROOT = Path(__file__).resolve().parent.parent
LITVINOV = "1933-11-23-roosevelt-to-litvinov"
TO_KALININ = "ac12ea3257"


@pytest.fixture(scope="module")
def collation():
    (c,) = collate_paths([ROOT / "witnesses" / LITVINOV], load_config(ROOT))
    return c


@pytest.fixture
def fresh(collation, tmp_path: Path):
    """The real collation, pointed at an empty scratch set folder (no apparatus yet)."""
    return replace(collation, path=tmp_path)


def _variant(c, vid):
    return next(v for v in c.variants if v.id == vid)


def test_a_new_file_gets_every_variant_and_a_second_sync_changes_nothing(fresh, tmp_path: Path) -> None:
    report = sync(fresh)
    assert report.written and report.added == [v.id for v in fresh.variants] and len(report.added) == 6
    path = tmp_path / "apparatus.toml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Apparatus of Roosevelt to Litvinov, Warm Springs, 23 November 1933:")
    assert (f'[variants.{TO_KALININ}]\nnumber = 3\nat = "frus-1933-39-d46.txt:2:292"\nstatus = "unreviewed"\n'
            'readings = {FRUS = "to", APP = ""}\ncontext = ["that you will convey", "President Kalinin my greetings"]\n'
            in text)
    entries = read_apparatus(tmp_path).entries
    assert list(entries) == report.added
    assert entries[TO_KALININ].context == ("that you will convey", "President Kalinin my greetings")
    mtime = path.stat().st_mtime_ns
    again = sync(fresh)
    assert not again.written and not again.changed and again.unchanged == 6
    assert path.read_text(encoding="utf-8") == text and path.stat().st_mtime_ns == mtime


def test_no_variants_no_file(fresh, tmp_path: Path) -> None:
    report = sync(replace(fresh, variants=()))
    assert not report.written
    assert not (tmp_path / "apparatus.toml").exists()


def test_an_entry_follows_its_readings_only_to_a_like_context(collation) -> None:
    v = _variant(collation, TO_KALININ)
    reading = snapshot(v)
    near = Entry("0000000001", "recorded", "n", reading, ("that you will give", "President Kalinin my greetings"))
    far = Entry("0000000002", "recorded", "f", reading, ("the great work of", "peace should be the"))
    bare = Entry("0000000003", "recorded", "b", reading, None)  # written by hand, without context
    assert [(e.id, w.id) for e, w in match(collation.variants, {"0000000002": far}).reattached] == []
    assert match(collation.variants, {"0000000002": far}).stale == [far]
    assert [(e.id, w.id) for e, w in match(collation.variants, {"0000000003": bare}).reattached] == [
        ("0000000003", TO_KALININ)]
    # two entries want the same variant: the one from the more alike context gets it
    both = match(collation.variants, {"0000000003": bare, "0000000001": near})
    assert [(e.id, w.id) for e, w in both.reattached] == [("0000000001", TO_KALININ)]
    assert both.stale == [bare]
    # an entry whose id still occurs is never moved, even if stale-marked
    own = Entry(TO_KALININ, "recorded", "o", reading, None, stale=True)
    kept = match(collation.variants, {TO_KALININ: own, "0000000001": near})
    assert kept.entries[TO_KALININ] is own and kept.stale == [near]


def test_annotate_sets_status_and_note_and_lists_stale_entries(collation, tmp_path: Path) -> None:
    # synthetic apparatus text: one real id, one id that matches nothing
    (tmp_path / "apparatus.toml").write_text(
        f'[variants.{TO_KALININ}]\nstatus = "recorded"\nnote = "APP omits to."\n\n'
        '# gone\n[variants.ffffffffff]\nstatus = "ignored"\nreadings = {FRUS = "x", APP = "y"}\n',
        encoding="utf-8")
    c = annotate(collation, read_apparatus(tmp_path))
    v = _variant(c, TO_KALININ)
    assert (v.status, v.note) == ("recorded", "APP omits to.")
    assert {w.status for w in c.variants if w.id != TO_KALININ} == {"unreviewed"}
    assert [(s.id, s.line, s.readings) for s in c.stale] == [("ffffffffff", 6, {"FRUS": "x", "APP": "y"})]


def test_an_entry_written_inline_is_reattached_in_place(collation, tmp_path: Path) -> None:
    # synthetic: the same decision, keyed by an old id, written as an inline table under [variants]
    path = tmp_path / "apparatus.toml"
    path.write_text('# by hand\n[variants]\n0123456789 = { status = "recorded", readings = { FRUS = "to", APP = "" },'
                    ' note = "kept" }  # mine\n', encoding="utf-8")
    report = sync(replace(collation, path=tmp_path))
    assert report.reattached == [("0123456789", TO_KALININ)]
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f'# by hand\n[variants]\n{TO_KALININ} = {{ status = "recorded", readings = {{ FRUS = "to",'
                           ' APP = "" }, note = "kept"')
    assert "# mine" in text
    assert read_apparatus(tmp_path).entries[TO_KALININ].note == "kept"
    assert not sync(replace(collation, path=tmp_path)).written


def test_a_readings_subtable_is_renamed_with_its_entry(collation, tmp_path: Path) -> None:
    path = tmp_path / "apparatus.toml"
    path.write_text('[variants.0123456789]\nstatus = "recorded"\n\n[variants.0123456789.readings]\nFRUS = "to"\n'
                    'APP = ""\n', encoding="utf-8")
    report = sync(replace(collation, path=tmp_path))
    assert report.reattached == [("0123456789", TO_KALININ)]
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f'[variants.{TO_KALININ}]\nnumber = 3\nat = "frus-1933-39-d46.txt:2:292"\n')
    assert f'status = "recorded"\n\n[variants.{TO_KALININ}.readings]\nFRUS = "to"\nAPP = ""\n' in text


def test_bom_and_permissions_are_kept(fresh, tmp_path: Path) -> None:
    path = tmp_path / "apparatus.toml"
    path.write_bytes(b"\xef\xbb\xbf# mine\n")
    os.chmod(path, 0o640)
    assert sync(fresh).written
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf# mine\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert len(read_apparatus(tmp_path).entries) == 6


@pytest.mark.parametrize("text, line, column, message", [
    ('[variants.a]\nstatus = "recorded\n', 2, 19, "invalid TOML: "),
    ('[variants.a]\nstatus = "recorded"\nstatus = "ignored"\n', 3, None, 'invalid TOML: Key "status" already exists'),
    ("variants = 3\n", 1, None, "'variants' must be a table"),
    ("[variants]\nabc = 3\n", 2, None, "entry 'abc' must be a table"),
    ('[variants.a]\nnote = 3\n', 2, None, "entry a: note must be a string"),
    ('[variants.a]\nreadings = ["x"]\n', 2, None, "entry a: readings must be a table"),
    ('[variants.a]\ncontext = "x"\n', 2, None, "entry a: context must be two strings"),
    ('[variants.a]\nstale = "yes"\n', 2, None, "entry a: stale must be true or false"),
    ('\n[variants.a]\n\nstatus = "open"\n', 4, None, "entry a: status must be one of"),
])
def test_bad_files_name_their_line_and_are_left_alone(fresh, tmp_path: Path, text, line, column, message) -> None:
    # synthetic, malformed apparatus files
    path = tmp_path / "apparatus.toml"
    path.write_text(text, encoding="utf-8")
    for action in (lambda: read_apparatus(tmp_path), lambda: sync(fresh)):
        with pytest.raises(ApparatusError) as caught:
            action()
        err = caught.value
        assert (err.line, err.column) == (line, column)
        assert err.message.startswith(message), err.message
        assert path.read_text(encoding="utf-8") == text


def test_render_is_pure_and_stable(fresh, tmp_path: Path) -> None:
    first, report = synced_text(fresh, None, tmp_path / "apparatus.toml")
    second, again = synced_text(fresh, first, tmp_path / "apparatus.toml")
    assert second == first and not again.changed and not (tmp_path / "apparatus.toml").exists()
    assert len(report.added) == 6
