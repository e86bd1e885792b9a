"""collate review without a socket: apparatus_write.decide and the Session the server runs on.

The set is a scratch copy of the shipped Warm Springs letter (FRUS against APP);
the edits below (to the copy's apparatus.toml and APP's text) are test input
standing for an editor's text editor.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from collate.apparatus import read_apparatus, read_text
from collate.apparatus_write import Decision, decide, synced_text
from collate.config import load_config
from collate.control import collate_paths
from collate.session import Conflict, NotFound, Session, SessionError
from review_server import variant_id

WARM_SPRINGS = "1933-11-23-roosevelt-to-litvinov"
DEAR = variant_id(WARM_SPRINGS, {"FRUS": "Dear", "APP": "dear"})
TO_KALININ = variant_id(WARM_SPRINGS, {"FRUS": "to", "APP": ""})


@pytest.fixture
def letter(edition_copy: Path) -> Path:
    return edition_copy / WARM_SPRINGS


def _collation(folder: Path):
    (c,) = collate_paths([folder], load_config(folder))
    return c


def test_decide_touches_only_the_decided_entries(letter: Path) -> None:
    c = _collation(letter)
    path = letter / "apparatus.toml"
    text = read_text(path)
    assert text is not None
    new = decide(c, text, path, {DEAR: Decision("recorded", "note one"), TO_KALININ: Decision(note="note two")})
    changed = [(a, b) for a, b in zip(text.splitlines(), new.splitlines(), strict=True) if a != b]
    assert len(changed) == 3  # DEAR's status and note, TO_KALININ's note
    entries = tomllib.loads(new)["variants"]
    assert entries[DEAR]["status"] == "recorded" and entries[DEAR]["note"] == "note one"
    assert entries[TO_KALININ]["status"] == "recorded" and entries[TO_KALININ]["note"] == "note two"
    assert decide(c, new, path, {DEAR: Decision("recorded", "note one")}) == new  # nothing left to do


def test_decide_on_a_variant_without_an_entry_brings_the_file_up_to_date_first(letter: Path) -> None:
    c = _collation(letter)
    path = letter / "apparatus.toml"
    text = read_text(path)
    assert text is not None
    # the entry cut out by hand (synthetic edit): the decision needs `collate apparatus`'s entry
    start = text.index(f"[variants.{DEAR}]")
    end = text.index("[variants.", start + 1)
    cut = text[:start] + "# an editor's comment\n" + text[end:]
    new = decide(c, cut, path, {DEAR: Decision("error")})
    synced, _ = synced_text(c, cut, path)
    assert new == synced.replace('status = "unreviewed"', 'status = "error"', 1)
    assert "# an editor's comment\n" in new
    # no file at all: the header and every entry, the decided one with its status
    fresh = decide(c, None, path, {DEAR: Decision("ignored", "by hand")})
    entries = tomllib.loads(fresh)["variants"]
    assert set(entries) == {v.id for v in c.variants}
    assert entries[DEAR]["status"] == "ignored" and entries[DEAR]["note"] == "by hand"
    assert fresh.startswith("# Apparatus of Roosevelt to Litvinov")


def test_session_writes_merges_and_refuses(letter: Path) -> None:
    session = Session([letter], load_config(letter))
    assert session.names == [WARM_SPRINGS]
    _, versions = session.current(WARM_SPRINGS)
    result = session.write(WARM_SPRINGS, {DEAR: Decision("recorded")}, {DEAR: versions[DEAR]})
    assert result.written and not result.merged and result.variants[0].status == "recorded"
    assert read_apparatus(letter).entries[DEAR].status == "recorded"
    with pytest.raises(Conflict):  # the version the decision was made on is gone now
        session.write(WARM_SPRINGS, {DEAR: Decision("error")}, {DEAR: versions[DEAR]})
    with pytest.raises(NotFound):
        session.write(WARM_SPRINGS, {"0000000000": Decision("error")}, {})
    with pytest.raises(NotFound):
        session.current("no-such-set")
    with pytest.raises(SessionError, match="at most 10,000"):
        session.write(WARM_SPRINGS, {DEAR: Decision(note="x" * 10_001)}, {})


def test_a_witness_edited_while_the_server_runs_is_collated_again(letter: Path) -> None:
    session = Session([letter], load_config(letter))
    c, _ = session.current(WARM_SPRINGS)
    assert DEAR in {v.id for v in c.variants}
    app = letter / "app.txt"
    text = app.read_text(encoding="utf-8")
    assert "My dear Mr. Litvinov" in text
    app.write_text(text.replace("My dear Mr. Litvinov", "My Dear Mr. Litvinov", 1), encoding="utf-8")
    c, _ = session.current(WARM_SPRINGS)
    assert DEAR not in {v.id for v in c.variants}  # APP now writes "Dear" as FRUS does
    with pytest.raises(NotFound, match="reload the page"):
        session.write(WARM_SPRINGS, {DEAR: Decision("recorded")}, {})


@pytest.mark.parametrize("name", ["1933-10-10-roosevelt-to-kalinin", WARM_SPRINGS])
def test_the_one_entry_cut_writes_what_parsing_the_whole_file_writes(name: str) -> None:
    """A decision written by parsing only its entry's table is byte for byte the whole-file parse's."""
    from collate import apparatus_write
    from conftest import WITNESSES

    path = WITNESSES / name / "apparatus.toml"
    text = path.read_text(encoding="utf-8")
    ids = list(tomllib.loads(text)["variants"])
    changes = [
        Decision(status="error"),
        Decision(note="A new note, with “quotes” and a \\ backslash.\nOn two lines."),
        Decision(status="recorded", note=""),
        Decision(status="unreviewed", note="ok"),
    ]
    for i, vid in enumerate(ids):
        for batch in ({vid: changes[i % 4]}, {vid: changes[(i + 1) % 4], ids[-1 - i]: changes[(i + 2) % 4]}):
            whole = tomlkit_whole(text, batch)
            assert apparatus_write._spliced(text, batch) in (whole, None)
            assert apparatus_write._with_decisions(text, path, batch) == whole
    assert apparatus_write._spliced(text, {ids[0]: changes[0]}) is not None  # the cut is taken on the shipped files


def tomlkit_whole(text: str, decisions: dict) -> str:
    """What the whole-file parse writes (the path taken when the cut is refused)."""
    import tomlkit

    from collate import apparatus_write

    doc = tomlkit.parse(text)
    for vid, d in decisions.items():
        apparatus_write._apply(doc["variants"][vid], d)
    return tomlkit.dumps(doc)


def test_the_cut_is_refused_where_a_string_holds_a_table_header(tmp_path: Path) -> None:
    """A multi-line note holding a line like ``[variants.x]``: the file is parsed whole, nothing lost."""
    from collate import apparatus_write

    text = (
        '[variants.aaaaaaaaaa]\nstatus = "recorded"\nnote = """one\n[variants.bbbbbbbbbb]\ntwo"""\n\n'
        '[variants.bbbbbbbbbb]\nstatus = "ignored"\n'
    )
    batch = {"aaaaaaaaaa": Decision(status="error")}
    assert apparatus_write._spliced(text, batch) is None
    new = apparatus_write._with_decisions(text, tmp_path / "apparatus.toml", batch)
    assert tomllib.loads(new) == {"variants": {"aaaaaaaaaa": {"status": "error", "note": "one\n[variants.bbbbbbbbbb]\ntwo"},
                                               "bbbbbbbbbb": {"status": "ignored"}}}


def test_a_decision_on_either_half_of_a_transposition_is_the_one_decision(tmp_path: Path) -> None:
    """The synthetic moved-paragraph set: one transposition, two variants, one entry (collate.moves)."""
    import shutil

    folder = tmp_path / "moved-paragraph"
    shutil.copytree(Path(__file__).parent / "sets" / "moved-paragraph", folder)
    c = _collation(folder)
    halves = [v for v in c.variants if v.transposed_with is not None]
    assert len(halves) == 2
    lead, follower = halves  # in the order of the text: the first half leads
    path = folder / "apparatus.toml"
    new = decide(c, None, path, {follower.id: Decision("recorded", "the paragraph moved")})
    entries = tomllib.loads(new)["variants"]
    assert entries[lead.id]["status"] == "recorded" and entries[lead.id]["note"] == "the paragraph moved"
    assert follower.id not in entries
