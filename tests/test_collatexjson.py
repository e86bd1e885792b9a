"""CollateX JSON in (the Darwin corpus's paragraphs; synthetic token files) and out (the alignment table).

The Darwin file is real (shared/corpora); the token-list files written here are synthetic.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from collate.cli import cli
from collate.collatexjson import load_collatex_json
from collate.config import Config
from collate.control import collate_set, load_sets
from collate.errors import WitnessError
from collate.reporters import collatex as collatex_reporter
from helpers import collate_texts

DARWIN = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "darwin-origin-ch1" / \
    "darwin_ch1_paragraphs_6editions.json"
needs_darwin = pytest.mark.skipif(not DARWIN.is_file(), reason="shared/corpora is not beside the repository")


def _at(path: Path, line: int, column: int) -> str:
    return path.read_text(encoding="utf-8").splitlines()[line - 1][column - 1:]


@pytest.fixture(scope="module")
def darwin_sets():
    return load_sets([DARWIN], Config())


@needs_darwin
def test_each_unit_of_the_darwin_file_is_a_set(darwin_sets):
    units = json.loads(DARWIN.read_text(encoding="utf-8"))
    assert len(darwin_sets) == len(units) == 47
    assert [s.name for s in darwin_sets[:2]] == ["darwin_ch1_paragraphs_6editions-1", "darwin_ch1_paragraphs_6editions-2"]
    for wset, unit in zip(darwin_sets, units, strict=True):
        assert [w.siglum for w in wset.witnesses] == [w["id"] for w in unit["witnesses"]]
        assert [w.text for w in wset.witnesses] == [w["content"] for w in unit["witnesses"]]
        assert wset.base == unit["witnesses"][0]["id"]


@needs_darwin
def test_darwin_paragraph_collates_with_readings_located_in_the_json(darwin_sets):
    c = collate_set(darwin_sets[45], "anchored")  # unit 46: the 1869 and 1872 editions
    assert [w.siglum for w in c.witnesses] == ["1869", "1872"]
    readings = [(v.kind, v.readings["1869"].text, v.readings["1872"].text) for v in c.variants]
    assert ("substitution", "characteristics", "characters") in readings
    assert ("substitution", "equine", "natural") in readings
    assert ("addition", "", "belonging to the same genus") in readings
    for v in c.variants:
        for r in v.readings.values():
            if r.text:  # each reading is found at its line and column in the JSON file
                assert _at(DARWIN, r.line, r.column).startswith(r.text.split()[0]), r


def test_tokens_are_joined_and_n_becomes_an_equivalence(tmp_path: Path):
    # synthetic: pre-tokenized witnesses, CollateX style (whitespace in t) and bare tokens
    data = {"witnesses": [
        {"id": "A", "tokens": [{"t": "The ", "n": "the"}, {"t": "colour ", "n": "color"}, {"t": "red", "n": "red"},
                               {"t": ".", "n": "."}]},
        {"id": "B", "tokens": [{"t": "the", "n": "the"}, {"t": "color", "n": "color"}, {"t": "red", "n": "red"}]},
    ]}
    path = tmp_path / "tokens.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    (wset,) = load_collatex_json(path, Config())
    assert wset.name == "tokens"
    assert [w.text for w in wset.witnesses] == ["The colour red.", "the color red"]
    assert "colour = color" in wset.normalize["spelling"]
    c = collate_set(wset, "collatex")
    got = {(v.readings["A"].text, v.readings["B"].text): v.classes for v in c.variants}
    # without n's equivalence, colour / color would be a substantive substitution
    assert got == {("The colour", "the color"): ("case", "spelling"), (".", ""): ("punctuation",)}
    colour = next(v.readings["A"] for v in c.variants if "colour" in v.readings["A"].text)
    assert _at(path, colour.line, colour.column).startswith(colour.text.split()[0])


def test_escapes_keep_columns_right(tmp_path: Path):
    # synthetic: an escaped quote and a \\u escape before the word looked for
    path = tmp_path / "esc.json"
    path.write_text('{"witnesses": [{"id": "A", "content": "Say \\"caf\\u00e9\\" now"},\n'
                    ' {"id": "B", "content": "Say \\"cafe\\" then"}]}', encoding="utf-8")
    (wset,) = load_collatex_json(path, Config())
    assert wset.witnesses[0].text == 'Say "café" now'
    c = collate_set(wset, "collatex")
    now = next(v for v in c.variants if v.readings["A"].text == "now").readings
    assert (now["A"].line, now["B"].line) == (1, 2)
    assert _at(path, now["A"].line, now["A"].column).startswith("now")
    assert _at(path, now["B"].line, now["B"].column).startswith("then")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"witnesses": [{"id": "A", "content": "x"},\n {"id": "B" "content": "y"}]}',
         "bad.json:2:13: not valid JSON: Expecting ',' delimiter"),
        ('{"witness": []}', 'bad.json: expected {"witnesses": [...]}'),
        ('[{"witnesses": [{"id": "A", "content": "x"}]}, {"witnesses": [{"id": "A", "content": 3}]}]',
         'bad.json:1:70: unit 2: witness \'A\' needs "content" (a string) or "tokens" (a list)'),
        ('{"witnesses": [{"id": "A", "content": "x"}, {"id": "A", "content": "y"}]}',
         "bad.json:1:52: duplicate witness id 'A'"),
    ],
    ids=["syntax", "shape", "content", "duplicate"],
)
def test_bad_json_exits_2_with_place(tmp_path: Path, monkeypatch, text: str, message: str):
    monkeypatch.chdir(tmp_path)
    Path("bad.json").write_text(text, encoding="utf-8")
    with pytest.raises(WitnessError) as info:
        load_sets([Path("bad.json")], Config())
    assert str(info.value).startswith(message)
    result = CliRunner().invoke(cli, ["run", "bad.json", "--out", "out"])
    assert result.exit_code == 2
    assert message in result.stderr


# -- out: CollateX's JSON alignment table --------------------------------------------------


def _check_table(c, data: dict) -> None:
    assert data["witnesses"] == [w.siglum for w in c.witnesses]
    table = data["table"]
    assert len(table) == len(c.witnesses)
    width = len(table[0])
    assert all(len(row) == width for row in table)
    for column in zip(*table, strict=True):  # no column is empty in every witness
        assert any(cell for cell in column)
    for w, row in zip(c.witnesses, table, strict=True):
        tokens = [t for cell in row if cell for t in cell]
        assert [t["_token_array_position"] for t in tokens] == list(range(len(tokens)))  # all, in order
        assert all(t["_sigil"] == w.siglum and set(t) == {"_sigil", "_token_array_position", "n", "t"} for t in tokens)
        assert "".join(t["t"] for t in tokens) == w.text.lstrip()


def test_collatex_table_for_a_shipped_set():
    c = collate_set(load_sets([Path(__file__).resolve().parents[1] / "witnesses" / "1933-11-23-roosevelt-to-litvinov"],
                              Config())[0], "collatex")
    data = json.loads(collatex_reporter.render(c))
    _check_table(c, data)
    frus, app = data["table"]
    # "convey to President" / "convey President": the column of "to" is empty in APP
    k = next(i for i, cell in enumerate(frus)
             if cell and cell[0]["t"].strip() == "to" and frus[i + 1] and frus[i + 1][0]["n"] == "president")
    assert frus[k - 1][0]["t"].strip() == "convey" and app[k - 1][0]["t"].strip() == "convey"
    assert app[k] is None
    assert frus[k + 1][0]["n"] == app[k + 1][0]["n"] == "president"
    # "corner stone" / "cornerstone": one column, aligned on the joined form
    k = next(i for i, cell in enumerate(app) if cell and cell[0]["t"].startswith("cornerstone"))
    assert [t["t"].strip() for t in frus[k]] == ["corner", "stone"] and frus[k][0]["n"] == "cornerstone"


def test_collatex_table_single_witness_and_synthetic():
    single = collate_texts({"A": "Only one, here."})
    _check_table(single, collatex_reporter.table(single))
    c = collate_texts({"A": "  a b, c d", "B": "a x c d e", "C": "b c"})  # synthetic
    _check_table(c, collatex_reporter.table(c))


@needs_darwin
def test_run_on_a_collatex_json_file(tmp_path: Path):
    # two units of the Darwin file as their own file, to keep the test short
    units = json.loads(DARWIN.read_text(encoding="utf-8"))
    path = tmp_path / "darwin.json"
    path.write_text(json.dumps([units[2], units[4]], ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", str(path), "--out", str(tmp_path / "out"), "--engine", "anchored",
                                      "--format", "collatex", "--format", "tei", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "darwin-1.collatex.json", "darwin-1.json", "darwin-1.xml", "darwin-2.collatex.json", "darwin-2.json",
        "darwin-2.xml"]
    from collate.tei import apparatus_witness_text

    for n, unit in ((1, units[2]), (2, units[4])):
        table = json.loads((tmp_path / "out" / f"darwin-{n}.collatex.json").read_text(encoding="utf-8"))
        assert table["witnesses"] == [w["id"] for w in unit["witnesses"]]
        document = (tmp_path / "out" / f"darwin-{n}.xml").read_bytes()
        for w in unit["witnesses"]:
            assert apparatus_witness_text(document, w["id"]) == w["content"]
