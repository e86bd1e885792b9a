"""The TEI apparatus as its consumers read it: teiphy (with and without ``-t accidental``) and EVT.

teiphy turns a TEI apparatus into NEXUS and other phylogenetics formats; its users
run ``teiphy -t accidental FILE.xml out.nexus`` to collapse trivial readings under
the substantive reading before them. EVT wants ``#``-prefixed ``@wit``, one
``listWit`` and the ``lem`` first, outside any group. Real texts only: the shipped
edition (witnesses/) and Darwin's chapter in six editions (benchmarks/).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from collate.cli import cli
from collate.config import load_config
from collate.control import collate_set, load_sets
from collate.witness import discover
from conftest import ROOT, WITNESSES

teiphy_collation = pytest.importorskip("teiphy.collation", reason="teiphy is a test dependency")
from teiphy.main import app as teiphy_app  # noqa: E402
from typer.testing import CliRunner as TyperRunner  # noqa: E402

DARWIN = ROOT / "benchmarks" / "darwin-origin-ch1"
T = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, object]]:
    """set name -> (its TEI export as ``collate run --format tei`` writes it, its Collation)."""
    out = tmp_path_factory.mktemp("tei")
    result = CliRunner().invoke(cli, ["run", str(WITNESSES), str(DARWIN), "--out", str(out), "--format", "tei",
                                      "--force"])
    assert result.exit_code == 0, result.output
    config = load_config(ROOT)
    sets = [s for s in load_sets(discover([WITNESSES, DARWIN]), config) if len(s.witnesses) > 1]
    found = {s.name: (out / f"{s.name}.xml", collate_set(s, config.engine)) for s in sets}
    assert DARWIN.name in found and len(found) >= 3
    return found


def _teiphy(xml: Path, *options: str) -> int:
    """Run teiphy's command line on ``xml`` (NEXUS out, constant units dropped); its number of characters."""
    nexus = xml.with_suffix(f".{'-'.join(o.strip('-') for o in options) or 'all'}.nexus")
    result = TyperRunner().invoke(teiphy_app, [*options, "--drop-constant", str(xml), str(nexus)])
    assert result.exit_code == 0, (xml.name, options, result.output, result.exception)
    (nchar,) = re.findall(r"nchar=(\d+);", nexus.read_text(encoding="utf-8"))
    return int(nchar)


def _units(xml: Path, trivial: list[str]) -> dict[str, list[str]]:
    """teiphy's variation units: unit id -> ids of its readings that count (substantive ones)."""
    collation = teiphy_collation.Collation(etree.parse(str(xml)), trivial_reading_types=trivial)
    return collation.substantive_readings_by_variation_unit_id


def _groups(v) -> int:
    """Groups of witnesses whose readings agree but for accidentals (a witness outside every group alone)."""
    grouped = {s for g in v.groups for s in g}
    return sum(1 for g in v.groups if g) + sum(1 for s in v.readings if s not in grouped)


def test_teiphy_with_trivial_readings_collapsed_counts_our_substantive_variants(exports):
    for name, (xml, c) in exports.items():
        substantive = [v for v in c.variants if v.substantive]
        assert _teiphy(xml, "-t", "accidental") == len(substantive), name
        units = _units(xml, ["accidental"])
        for v in c.variants:
            # one substantive reading per group of witnesses; an accidental variant is not informative
            assert len(units[f"app-{v.id}"]) == _groups(v) == (_groups(v) if v.substantive else 1), (name, v.id)
        layout = [k for k in units if not k.startswith("app-")]
        assert all(len(units[k]) == 1 for k in layout)  # spacing is never a unit of its own


def test_teiphy_without_options_sees_every_reading(exports):
    for name, (xml, c) in exports.items():
        root = etree.parse(str(xml)).getroot()
        layout = root.findall(f".//{T}app[@type='layout']")
        assert _teiphy(xml) == len(c.variants) + len(layout), name
        units = _units(xml, [])
        for v in c.variants:
            texts = {(n, v.readings[s].text) for n, g in enumerate(v.groups) for s in g}
            # every distinct reading (spacing that touches the variant can split one, never join two)
            assert len(texts) <= len(units[f"app-{v.id}"]) <= len(c.witnesses), (name, v.id)


def test_evt_lemma_first_hash_pointers_one_list_wit(exports):
    for name, (xml, c) in exports.items():
        root = etree.parse(str(xml)).getroot()
        list_wits = root.findall(f".//{T}listWit")
        assert len(list_wits) == 1
        ids = {w.get("n"): w.get(XML_ID) for w in list_wits[0].findall(f"{T}witness")}
        declared = set(ids.values())
        assert len(declared) == len(c.witnesses)
        assert not root.findall(f".//{T}rdgGrp")
        for app in root.iter(f"{T}app"):
            readings = [el for el in app if el.tag in (f"{T}lem", f"{T}rdg")]
            assert readings[0].tag == f"{T}lem", (name, app.get(XML_ID))
            assert [el.tag for el in readings].count(f"{T}lem") == 1
            assert f"#{ids[c.base]}" in readings[0].get("wit").split()
            wits = [p for el in readings for p in el.get("wit").split()]
            assert all(p.startswith("#") and p[1:] in declared for p in wits)
            assert len(wits) == len(set(wits)) == len(c.witnesses)  # each witness reads once in each unit
            # an accidental reading follows the substantive reading it is a form of
            assert readings[0].get("type") is None and all(el.get("type") in ("substantive", "accidental")
                                                           for el in readings[1:])
