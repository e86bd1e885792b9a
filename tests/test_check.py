"""check.py and its reporters (text, json, github, junit) on the real edition.

The 1933 Roosevelt–Litvinov set is collated from a scratch copy whose
apparatus has one decision taken back (APP's omission of "to" made
unreviewed), so each format's exact output can be asserted.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from collate.check import judge, needs_review, primary
from collate.config import Config
from collate.control import check_paths
from collate.model import Problem
from collate.reporters import checkjson, checktext, github, junit

LITVINOV = "1933-11-23-roosevelt-to-litvinov"
TO_KALININ = "ac12ea3257"
PROBLEM = (f"witnesses/{LITVINOV}/app.txt:5:270: unreviewed variant {TO_KALININ}, substantive omission:"
           ' "to" FRUS (frus-1933-39-d46.txt:2:292) | absent APP')
SUMMARY = "collate check: 1 problem (1 unreviewed) in 1 of 2 sets; 13 variants in 2 sets (13 needing review)"


@pytest.fixture
def result(edition_copy: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(edition_copy.parent)
    path = edition_copy / LITVINOV / "apparatus.toml"
    text = path.read_text(encoding="utf-8")
    at = text.index(f"[variants.{TO_KALININ}]")
    path.write_text(text[:at] + text[at:].replace('status = "recorded"', 'status = "unreviewed"', 1),
                    encoding="utf-8")
    return check_paths([Path("witnesses/1933-10-10-roosevelt-to-kalinin"), Path(f"witnesses/{LITVINOV}")],
                       Config())


def test_text(result) -> None:
    assert checktext.render(result) == f"{PROBLEM}\n{SUMMARY}\n"


def test_github_annotations(result) -> None:
    assert github.render(result) == (
        f"::error title=collate (unreviewed),file=witnesses/{LITVINOV}/app.txt,line=5,col=270,"
        f"endLine=5,endColumn=270::{PROBLEM}\n{SUMMARY}\n"
    )


def test_github_escapes_like_actions_core() -> None:
    p = Problem(path="a,b:c%.txt", line=3, column=4, message="50% off\r\nnext", code="stale")
    assert github.annotation(p) == (
        "::error title=collate (stale),file=a%2Cb%3Ac%25.txt,line=3,col=4::a,b:c%25.txt:3:4: 50%25 off%0D%0Anext"
    )


def test_junit(result) -> None:
    root = ET.fromstring(junit.render(result))
    assert (root.tag, root.get("tests"), root.get("failures"), root.get("errors")) == ("testsuites", "13", "1", "0")
    suites = {s.get("name"): s for s in root}
    assert list(suites) == ["1933-10-10-roosevelt-to-kalinin", LITVINOV]
    assert [(s.get("tests"), s.get("failures")) for s in suites.values()] == [("7", "0"), ("6", "1")]
    # a clean set: a passing test case per variant
    kalinin = suites["1933-10-10-roosevelt-to-kalinin"]
    assert all(case.find("failure") is None for case in kalinin)
    assert [c.get("name") for c in kalinin][:2] == ["variant 1cfb38dec9", "variant 9510c8fa44"]
    failing = [c for c in suites[LITVINOV] if c.find("failure") is not None]
    assert len(failing) == 1
    case = failing[0]
    assert case.attrib == {"name": f"variant {TO_KALININ}", "classname": LITVINOV,
                           "file": f"witnesses/{LITVINOV}/app.txt", "line": "5", "column": "270"}
    failure = case.find("failure")
    assert failure.get("type") == "unreviewed"
    assert failure.get("message") == PROBLEM.split(": ", 1)[1]
    assert failure.text == PROBLEM


def test_junit_replaces_characters_xml_cannot_hold() -> None:
    from collate.check import CheckResult, SetResult

    p = Problem(path="w.txt", line=1, column=1, message="bad \x0c char", set="s", variant="v1", code="error")
    result = CheckResult((SetResult("s", "s", (("v1", True),), (p,), {"v1": ("w.txt", 1, 1)}),))
    root = ET.fromstring(junit.render(result))
    assert root.find("testsuite/testcase/failure").get("message") == "bad #x0C char"


def test_json(result) -> None:
    data = json.loads(checkjson.render(result))
    assert data["format"] == 1 and data["ok"] is False and data["summary"] == SUMMARY
    assert data["problems"] == [{
        "file": f"witnesses/{LITVINOV}/app.txt", "line": 5, "column": 270, "end_line": 5, "end_column": 270,
        "code": "unreviewed", "set": LITVINOV, "variant": TO_KALININ, "message": PROBLEM.split(": ", 1)[1],
    }]
    assert [(s["set"], s["ok"], s["variants"], s["problems"]) for s in data["sets"]] == [
        ("1933-10-10-roosevelt-to-kalinin", True, 7, 0), (LITVINOV, False, 6, 1)]


def test_check_prints_nothing_and_follows_the_settings(result, capsys) -> None:
    assert [p.code for p in result.problems] == ["unreviewed"]
    capsys.readouterr()
    # a substantive variant needs review whatever the settings
    collations = _collations()
    config = Config(ignore_classes=["case", "word-division", "punctuation", "abbreviation"], accidentals=False)
    assert all(needs_review(v, config.ignore_classes, config.accidentals) == v.substantive
               for c in collations for v in c.variants)
    unreviewed = judge(collations, Config()).problems
    assert len(unreviewed) == 13  # nothing decided: every variant of both sets
    assert len(judge(collations, config).problems) == 9  # the substantive ones
    only_case = Config(ignore_classes=["case"])
    assert {p.variant for p in judge(collations, Config()).problems} - {
        p.variant for p in judge(collations, only_case).problems} == {"6833618607", "38de5aa7a4"}
    assert capsys.readouterr() == ("", "")


def _collations():
    from collate.config import load_config
    from collate.control import collate_paths

    root = Path(__file__).resolve().parent.parent / "witnesses"
    return collate_paths([root / "1933-10-10-roosevelt-to-kalinin", root / LITVINOV], load_config(root))


def test_a_problem_points_at_the_witness_that_departs() -> None:
    by_id = {v.id: v for c in _collations() for v in c.variants}
    assert primary(by_id[TO_KALININ], "FRUS") == "APP"  # APP lacks "to"
    assert primary(by_id["87f11d6272"], "FRUS") == "APP"  # the signature, APP only
    assert re.fullmatch(r"[0-9a-f]{10}", TO_KALININ)


def test_junit_lists_both_halves_of_a_transposition() -> None:
    """The following half of a moved passage is decided at its lead, and still has its own test case and place.

    tests/sets/moved-paragraph is synthetic (a paragraph of Darwin's 1859 text moved to the end).
    """
    moved = Path(__file__).resolve().parent / "sets" / "moved-paragraph"
    result = check_paths([moved], Config())
    (s,) = result.sets
    (follower,) = [vid for vid, need in s.variants if not need]
    root = ET.fromstring(junit.render(result))
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert list(cases) == [f"variant {vid}" for vid, _ in s.variants]
    case = cases[f"variant {follower}"]
    assert case.find("failure") is None
    assert (case.get("file"), case.get("line"), case.get("column")) == tuple(map(str, s.locations[follower]))
    assert case.get("file", "").endswith("moved-paragraph/moved.synthetic.txt")
