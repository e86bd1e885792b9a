"""The HTML reporter without a browser: structure, the apparatus line, escaping, self-containment.

The browser checks (filters, deep links, no requests) are in test_html_browser.py.
The escaping set under tests/sets/html-escaping is synthetic (it says so).
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

from collate.apparatus import with_decisions
from collate.cli import cli
from collate.config import Config
from collate.control import collate_set, load_sets
from collate.model import Collation, GoneEntry
from collate.reporters import html, htmlpage
from collate.reporters.json import report_dict
from conftest import TEST_SETS, WITNESSES

WARM_SPRINGS = "1933-11-23-roosevelt-to-litvinov"


def _collate(folder: Path) -> Collation:
    (wset,) = load_sets([folder], Config())
    return collate_set(wset)


@pytest.fixture(scope="module")
def warm_springs() -> Collation:
    return _collate(WITNESSES / WARM_SPRINGS)


@pytest.fixture(scope="module")
def escaping() -> Collation:
    return _collate(TEST_SETS / "html-escaping")


def _doc(text: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(text)


def _entry(doc, vid: str):
    (node,) = doc.xpath(f'//li[@id="{vid}"]')
    return node


def _app_line(doc, vid: str) -> str:
    (line,) = _entry(doc, vid).xpath('.//p[@class="app-line"]')
    return " ".join(line.text_content().split())


def test_one_entry_per_variant_with_its_id_as_anchor(warm_springs: Collation) -> None:
    doc = _doc(html.render(warm_springs))
    entries = doc.xpath('//ol[@class="entries"]/li')
    assert [e.get("id") for e in entries] == [v.id for v in warm_springs.variants]
    assert len(entries) == 6
    # every variant is marked in the base text and links to its entry
    marks = doc.xpath('//div[@class="base-text"]//a[contains(@class, "vm")]')
    assert [m.get("href") for m in marks] == [f"#{v.id}" for v in warm_springs.variants]


def test_apparatus_lines_in_the_conventional_form(warm_springs: Collation) -> None:
    doc = _doc(html.render(warm_springs))
    by_text = {tuple(r.text for r in v.readings.values()): v.id for v in warm_springs.variants}
    # line lemma] reading SIGLA, with om. and add. for absent readings
    assert _app_line(doc, by_text[("to", "")]) == "3 line 2 to] om. APP"
    assert _app_line(doc, by_text[("", "FRANKLIN D. ROOSEVELT")]) == "6 line 5 after sincerely] add. FRANKLIN D. ROOSEVELT APP"
    # a long lemma is cut to its first and last words
    assert _app_line(doc, by_text[(warm_springs.variants[0].readings["FRUS"].text,
                                   "Warm Springs, Georgia, November 23, 1933")]) == (
        "1 line 1 President \u2026 (Litvinov)] Warm Springs, Georgia, November 23, 1933 APP"
    )


def test_characters_that_differ_are_highlighted(warm_springs: Collation) -> None:
    doc = _doc(html.render(warm_springs))
    by_text = {tuple(r.text for r in v.readings.values()): v.id for v in warm_springs.variants}
    (rdg,) = _entry(doc, by_text[("Dear", "dear")]).xpath('.//p[@class="app-line"]/span[@class="rdg"]')
    assert [d.text for d in rdg.xpath("./del")] == ["D"] and [i.text for i in rdg.xpath("./ins")] == ["d"]
    (rdg,) = _entry(doc, by_text[("corner stone", "cornerstone")]).xpath('.//p[@class="app-line"]/span[@class="rdg"]')
    assert rdg.text_content() == "corner\u2423stone"  # the lost space shown, struck
    assert [d.text for d in rdg.xpath("./del")] == ["\u2423"]


def test_entry_shows_kind_classes_status_and_the_synoptic_view(warm_springs: Collation) -> None:
    doc = _doc(html.render(warm_springs))
    v = next(v for v in warm_springs.variants if v.classes == ("word-division",))
    entry = _entry(doc, v.id)
    assert "k-acc" in entry.get("class") and "c-word-division" in entry.get("class")
    assert entry.xpath('.//span[@class="cls"]/text()') == ["word-division"]
    assert entry.xpath('.//span[contains(@class, "status")]/text()') == ["unreviewed"]
    rows = entry.xpath('.//table[@class="synopsis"]//tr')
    assert [r.xpath("./th/text()")[0] for r in rows] == ["FRUS", "APP"]
    assert [" ".join(" ".join(cell.text_content().split()) for cell in r) for r in rows] == [
        "FRUS 3:309 \u2026 work of preserving peace should be the corner stone of an enduring friendship. I am sorry \u2026",
        "APP 6:309 \u2026 work of preserving peace should be the corner\u2423stone of an enduring friendship. I am sorry \u2026",
    ]


def test_statuses_and_notes_from_the_apparatus_file(warm_springs: Collation) -> None:
    reviewed = with_decisions(warm_springs)
    assert any(v.status != "unreviewed" for v in reviewed.variants) and any(v.note for v in reviewed.variants)
    doc = _doc(html.render(reviewed))
    for v in reviewed.variants:
        entry = _entry(doc, v.id)
        assert entry.xpath('.//span[contains(@class, "status")]/text()') == [v.status]
        note = entry.xpath('.//p[@class="note"]')
        assert (" ".join(note[0].text_content().split()) if note else "") == (" ".join(f"Note: {v.note}".split()) if v.note else "")


def test_the_base_text_is_all_there(warm_springs: Collation) -> None:
    """Marking variants loses no character of the base witness."""
    doc = _doc(html.render(warm_springs))
    (text,) = doc.xpath('//div[@class="base-text"]')
    for sup in text.xpath(".//sup"):
        sup.drop_tree()
    shown = text.text_content().replace("\u2038", "")
    assert shown == warm_springs.witnesses[0].text


def test_filters_count_what_the_json_holds(warm_springs: Collation) -> None:
    doc = _doc(html.render(warm_springs))
    report = report_dict(warm_springs)
    counts = {
        (label.xpath("./input/@data-group")[0], label.xpath("./input/@value")[0]): int(label.xpath('./span[@class="count"]/text()')[0])
        for label in doc.xpath('//label[contains(@class, "filter")]')
    }
    assert counts[("kind", "sub")] == report["summary"]["substantive"] == 3
    assert counts[("kind", "acc")] == report["summary"]["accidental"] == 3
    assert counts[("status", "unreviewed")] == 6
    assert counts[("class", "case")] == 2 and counts[("class", "word-division")] == 1 and counts[("class", "none")] == 3
    # the filters are real, labelled checkboxes, and next/previous are buttons
    assert all(i.get("type") == "checkbox" for i in doc.xpath("//label/input"))
    assert doc.xpath('//button[@id="next-variant"]') and doc.xpath('//button[@id="prev-variant"]')


def test_witness_text_labels_and_notes_are_escaped(escaping: Collation) -> None:
    first = escaping.variants[0]
    noted = dataclasses.replace(
        escaping, variants=(dataclasses.replace(first, note='<img src=x onerror="alert(3)"> & so on'),)
        + escaping.variants[1:]
    )
    page = html.render(noted)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page and "&lt;img src=x" in page
    doc = _doc(page)
    assert doc.xpath("//title")[0].text == 'Escaping <b>test</b> & "quotes" (synthetic) — collation'
    assert "<script>alert(1)</script>" in _entry(doc, first.id).text_content()
    assert _entry(doc, escaping.variants[1].id).xpath('.//span[@class="rdg"]')[0].text_content() == "add. amp;"
    # the witness's "&amp;" read as the five characters it is, not as "&"
    (row,) = _entry(doc, escaping.variants[1].id).xpath('.//table[@class="synopsis"]//tr[th="B"]')
    assert "Secretary &amp; his staff" in row.text_content()
    assert "synthetic plain <i>witness</i>" in doc.xpath('//table[@class="witnesses"]')[0].text_content()
    # only our two scripts: the data (JSON, with < escaped) and the page's own code
    scripts = doc.xpath("//script")
    assert [s.get("type") for s in scripts] == ["application/json", None]
    assert "<" not in scripts[0].text
    assert json.loads(scripts[0].text)["ids"] == [v.id for v in escaping.variants]
    # a javascript: source is shown, never linked; a web address is
    hrefs = doc.xpath('//a[contains(@class, "source")]/@href')
    assert hrefs == ["https://example.org/a?x=1&y=2"]
    assert "javascript:alert(2)" in doc.xpath('//span[@class="source"]')[0].text


def test_page_is_self_contained(warm_springs: Collation) -> None:
    page = html.render(warm_springs)
    doc = _doc(page)
    assert not doc.xpath("//*[@src]") and not doc.xpath('//link[@rel="stylesheet"]')
    assert doc.xpath("//style") and "@media print" in doc.xpath("//style")[0].text
    (csp,) = doc.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
    assert "default-src 'none'" in csp
    script = doc.xpath("//script[not(@type)]")[0].text
    assert f"'{html._csp_hash(script)}'" in csp  # only our own script may run
    # every link is to this page, the index, or a witness's source
    for href in doc.xpath("//a/@href"):
        assert href.startswith("#") or href == "index.html" or href.startswith("https://"), href


def test_stale_entries_are_listed(warm_springs: Collation) -> None:
    stale = GoneEntry(id="0123456789", status="recorded", note="was <here>", readings={"FRUS": "x", "APP": ""},
                      context=None, file="witnesses/s/apparatus.toml", line=12)
    doc = _doc(html.render(dataclasses.replace(warm_springs, stale=(stale,))))
    (item,) = doc.xpath('//section[@id="stale"]//li')
    assert " ".join(item.text_content().split()) == (
        "witnesses/s/apparatus.toml:12 0123456789 recorded x FRUS | om. APP — was <here>"
    )
    assert not _doc(html.render(warm_springs)).xpath('//section[@id="stale"]')


def test_index_lists_every_set_with_counts(tmp_path: Path) -> None:
    collations = [_collate(folder) for folder in sorted(WITNESSES.iterdir()) if (folder / "set.toml").is_file()]
    doc = _doc(html.render_index(collations))
    rows = doc.xpath("//table[@class='sets']/tbody/tr")
    assert [r.xpath(".//a/@href")[0] for r in rows] == [f"{c.name}.html" for c in sorted(collations, key=lambda c: c.name)]
    for row, c in zip(rows, sorted(collations, key=lambda c: c.name), strict=True):
        cells = [" ".join(td.text_content().split()) for td in row.xpath("./td")]
        if c.single:
            assert cells == [c.witnesses[0].siglum, "single witness — nothing to collate"]
        else:
            unreviewed = sum(v.status == "unreviewed" for v in c.variants)
            assert cells == [", ".join(w.siglum for w in c.witnesses), str(len(c.variants)), str(c.substantive), str(unreviewed)]
    assert sum(1 for c in collations if c.single) == 6


def test_run_writes_a_page_per_set_and_the_index(edition_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = CliRunner().invoke(cli, ["run", str(edition_copy), "--out", str(out)])
    assert result.exit_code == 0, result.output
    sets = sorted(p.name for p in edition_copy.iterdir() if (p / "set.toml").is_file())
    assert sorted(p.stem for p in out.glob("*.html")) == sorted([*sets, "index"])
    page = (out / f"{WARM_SPRINGS}.html").read_text(encoding="utf-8")
    report = json.loads((out / f"{WARM_SPRINGS}.json").read_text(encoding="utf-8"))
    assert re.findall(r'<li class="entry [^"]*" id="([0-9a-f]+)"', page) == [v["id"] for v in report["variants"]]
    # the JSON alone when only JSON is asked for: no pages, no index
    only = tmp_path / "json-only"
    result = CliRunner().invoke(cli, ["run", str(edition_copy), "--out", str(only), "--format", "json"])
    assert result.exit_code == 0 and not list(only.glob("*.html"))


def _marked(c: Collation) -> list[tuple[str, str]]:
    """(variant id, the text marked) for every variant marked in the base text."""
    return [(p.entry.id, p.text) for p in html.set_page(c).text if p.entry is not None]


def test_a_tei_base_witness_gets_every_variant_marked_in_its_text(tmp_path: Path) -> None:
    # The TEI witness's readings are located in its XML file (line/column there); the mark in the
    # base text must come from the offsets in the text collated, or nothing is marked at all.
    folder = tmp_path / "tei-base"
    shutil.copytree(TEST_SETS / "tei-synthetic", folder)
    manifest = folder / "set.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('base = "TXT"', 'base = "TEI"'),
                        encoding="utf-8")
    c = _collate(folder)
    assert c.base == "TEI" and c.variants
    marked = _marked(c)
    assert [vid for vid, _ in marked] == [v.id for v in c.variants]
    assert [text for _, text in marked] == [v.readings["TEI"].text for v in c.variants]
    assert all(e.in_text for e in html.set_page(c).entries)


def test_a_collatex_json_base_witness_gets_every_variant_marked(tmp_path: Path) -> None:
    path = tmp_path / "letter.json"
    path.write_text(json.dumps({"witnesses": [
        {"id": "A", "content": "Dear Sir,\n\tI have the honour to inform you of the result."},
        {"id": "B", "content": "Dear Sir,\n\tI have the honor to tell you of the result."},
    ]}, indent=1), encoding="utf-8")
    (wset,) = load_sets([path], Config())
    c = collate_set(wset)
    assert c.base == "A" and c.variants
    assert [text for _, text in _marked(c)] == [v.readings["A"].text for v in c.variants]


#: SYNTHETIC hostile value: markup, both quotes, an ampersand and the end of a script element
HOSTILE = """<script>alert("x")</script> & 'q'"""
#: the same, as the page must hold it: markupsafe's entities, byte for byte as the Jinja templates wrote it
HOSTILE_ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;q&#39;"
#: and as the JSON in a <script> element must hold it (Jinja's |tojson)
#: a siglum has no spaces
SIGLUM = HOSTILE.replace(" ", "")
HOSTILE_JSON = '"\\u003cscript\\u003ealert(\\"x\\")\\u003c/script\\u003e \\u0026 \\u0027q\\u0027"'


def _hostile_set(tmp_path: Path) -> Collation:
    """A SYNTHETIC set (written here, no real witness) with HOSTILE in every value a page shows.

    The folder and file names hold all of it but the "/" (no file name can).
    """
    name = HOSTILE.replace("/", "")
    folder = tmp_path / f"set {name}"
    folder.mkdir()
    (folder / f"a {name}.txt").write_text(f"The letter {HOSTILE} was sent on Monday.\n", encoding="utf-8")
    (folder / f"b {name}.txt").write_text(f"The letter was sent {HOSTILE} on Tuesday.\n", encoding="utf-8")
    q = json.dumps  # a TOML basic string is a JSON string
    (folder / "set.toml").write_text(
        f"# SYNTHETIC: a test set for the HTML report's escaping, not a real witness\n"
        f"title = {q('Title ' + HOSTILE)}\nbase = {q('A' + SIGLUM)}\n\n"
        f"[[witness]]\nsiglum = {q('A' + SIGLUM)}\nfile = {q(f'a {name}.txt')}\n"
        f"label = {q('label ' + HOSTILE)}\nsource = {q('source ' + HOSTILE)}\n\n"
        f"[[witness]]\nsiglum = {q('B' + SIGLUM)}\nfile = {q(f'b {name}.txt')}\n"
        f"label = {q('label B ' + HOSTILE)}\nsource = {q('https://example.org/?q=' + HOSTILE)}\n",
        encoding="utf-8")
    c = _collate(folder)
    return dataclasses.replace(c, variants=tuple(dataclasses.replace(v, note=f"note {HOSTILE}") for v in c.variants))


def test_every_value_from_the_edition_is_escaped_where_the_page_shows_it(tmp_path: Path) -> None:
    c = _hostile_set(tmp_path)
    assert c.variants and c.name == f"set {HOSTILE.replace('/', '')}"
    vid = c.variants[0].id
    review = html.ReviewControls(statuses=("unreviewed", "recorded"), keys=(("r", "recorded"),),
                                 notes={v.id: f"raw {HOSTILE}" for v in c.variants},
                                 data={"set": c.name, "token": HOSTILE}, max_note=100)
    for page, scripts in ((html.render(c), 2), (html.render(c, review), 4)):
        assert HOSTILE not in page and HOSTILE.replace("/", "") not in page
        assert page.count(HOSTILE_ESCAPED) >= 10
        doc = _doc(page)
        # only our scripts: the value became text everywhere, never an element
        assert len(doc.xpath("//script")) == scripts
        assert doc.xpath("//title")[0].text == f"Title {HOSTILE} — collation"
        assert doc.xpath("//h1")[0].text == f"Title {HOSTILE}"
        assert doc.xpath('//p[@class="crumbs"]/code')[0].text == c.name
        table = doc.xpath('//table[@class="witnesses"]/tbody/tr')
        assert [r.xpath("./th")[0].text.strip() for r in table] == [f"A{SIGLUM}", f"B{SIGLUM}"]
        assert [r.xpath("./td")[0].text for r in table] == [f"label {HOSTILE}", f"label B {HOSTILE}"]
        assert [r.xpath(".//code")[0].text for r in table] == [f"a {c.name[4:]}.txt", f"b {c.name[4:]}.txt"]
        assert table[0].xpath('.//span[@class="source"]')[0].text == f"source {HOSTILE}"
        assert table[1].xpath('.//a[@class="source"]/@href') == [f"https://example.org/?q={HOSTILE}"]
        assert HOSTILE in doc.xpath('//div[@class="base-text"]')[0].text_content()
        entry = _entry(doc, vid)
        assert entry.xpath('.//span[@class="sigla"]')[0].text == f"B{SIGLUM}"
        assert entry.xpath('.//p[@class="note"]')[0].text_content() == f"Note: note {HOSTILE}"
        rows = entry.xpath('.//table[@class="synopsis"]//tr')
        assert [r.xpath("./th")[0].text for r in rows] == [f"A{SIGLUM}", f"B{SIGLUM}"]
        assert any(HOSTILE in r.text_content() for r in rows)
        (data,) = doc.xpath('//script[@id="collate-data"]')
        assert json.loads(data.text) == html.set_page(c).data
    # the review page: the raw note in its text area, the set's name and the token in the JSON
    doc = _doc(page)
    assert entry.xpath(".//textarea")[0].text == f"raw {HOSTILE}"
    (raw,) = doc.xpath('//script[@id="collate-review"]')
    assert json.loads(raw.text) == {"set": c.name, "token": HOSTILE}
    assert f'"token": {HOSTILE_JSON}' in page
    assert not {"<", ">", "&", "'"} & set(raw.text)


def test_the_escaping_is_markupsafes_and_the_json_jinjas_tojson() -> None:
    # byte for byte what the Jinja templates wrote (their autoescape and |tojson), so the pages are unchanged
    assert htmlpage.escape(HOSTILE) == HOSTILE_ESCAPED
    assert htmlpage.escape(12) == "12"
    assert htmlpage.script_json(HOSTILE) == HOSTILE_JSON
    assert htmlpage.script_json({"b": [1, "é"], "a": None}) == '{"a": null, "b": [1, "\\u00e9"]}'
