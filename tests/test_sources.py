"""sources: one way to read a file, and positions back into it (synthetic bytes and texts)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from collate.errors import ApparatusError, WitnessError
from collate.sources import SourceMap, decode, display_path, line_of, line_starts, position, read_text


def test_utf8_with_or_without_a_bom_and_utf16_with_its_bom_read_alike() -> None:
    text = "Dear Sir,\r\nyours truly\n"
    for data in (text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("utf-16"),
                 b"\xfe\xff" + text.encode("utf-16-be")):
        assert decode(data, "w.txt") == text


def test_a_bad_byte_is_named_at_its_line_and_column() -> None:
    with pytest.raises(WitnessError) as failed:
        decode(b"first line\nsecond \xe9t\xe9\n", "w.txt")
    assert str(failed.value).startswith("w.txt:2:8: not valid UTF-8 (byte 0xe9)")


def test_a_nul_byte_is_a_binary_file_at_its_line() -> None:
    with pytest.raises(WitnessError) as failed:
        decode(b"one\ntwo\x00", "w.txt")
    assert str(failed.value) == "w.txt:2: binary file (NUL byte), not text"


def test_utf8_only_keeps_the_bom_and_refuses_utf16_with_the_callers_error() -> None:
    assert decode(b"\xef\xbb\xbfa = 1\n", "apparatus.toml", ApparatusError, utf8_only=True) == "\ufeffa = 1\n"
    with pytest.raises(ApparatusError, match="^apparatus.toml:1:1: not valid UTF-8"):
        decode("a = 1\n".encode("utf-16"), "apparatus.toml", ApparatusError, utf8_only=True)


def test_an_unreadable_file_is_one_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(WitnessError) as failed:
        read_text(tmp_path / "missing.txt", "missing.txt")
    assert str(failed.value) == "missing.txt: cannot read: No such file or directory"


def test_positions_count_each_kind_of_line_break_once() -> None:
    text = "ab\r\ncd\ref\ngh"
    starts = line_starts(text)
    assert starts == [0, 4, 7, 10]
    assert [position(starts, text.index(c)) for c in "acegh"] == [(1, 1), (2, 1), (3, 1), (4, 1), (4, 2)]
    assert line_of("x\ny\ny", "y", 2) == 3 and line_of("x", "y") is None


def test_display_path_is_relative_inside_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert display_path(tmp_path / "witnesses" / "a.txt") == "witnesses/a.txt"
    assert display_path(tmp_path.parent / "elsewhere.txt") == str(tmp_path.parent / "elsewhere.txt")


def test_a_source_map_points_into_the_file_and_survives_pickling() -> None:
    # "<p>ab</p>\n<p>c</p>": the text "ab\n\nc" extracted, each character at its offset in the file
    source = "<p>ab</p>\n<p>c</p>"
    smap = pickle.loads(pickle.dumps(SourceMap([3, 4, 9, 9, 13, 14], source)))
    assert smap.position(0) == (1, 4)  # a
    assert smap.position(4) == (2, 4)  # c
    assert smap.end_position(2) == (1, 6)  # just after b
    assert smap.position(99) == smap.position(5)  # past the end: where the text ends
    assert SourceMap([], "").position(0) == (1, 1)
