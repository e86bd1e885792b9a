"""``collate check --format junit``: JUnit XML for CI test dashboards.

``<testsuites>`` › a ``<testsuite>`` per set › a ``<testcase>`` per variant
(so a clean set counts as passed) and one per stale entry › ``<failure>`` for
each problem, as ruff and pytest write it. Built with ``xml.etree``; characters
XML cannot hold are replaced the way pytest's ``bin_xml_escape`` does.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..check import CheckResult, SetResult
from ..model import Problem

FORMAT = "junit"

_ILLEGAL = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _ILLEGAL.sub(lambda m: f"#x{ord(m.group()):02X}", text)


def _suite(s: SetResult) -> ET.Element:
    by_variant: dict[str, list[Problem]] = {}
    stale: list[Problem] = []
    for p in s.problems:
        (stale if p.code == "stale" else by_variant.setdefault(p.variant, [])).append(p)
    suite = ET.Element("testsuite", name=_clean(s.name), tests=str(len(s.variants) + len(stale)),
                       failures=str(len(s.problems)), errors="0", skipped="0")
    for vid, _need in s.variants:
        path, line, column = s.locations[vid]
        case = ET.SubElement(suite, "testcase", name=f"variant {vid}", classname=_clean(s.name),
                             file=_clean(path), line=str(line), column=str(column))
        for p in by_variant.get(vid, []):
            _failure(case, p)
    for p in stale:
        case = ET.SubElement(suite, "testcase", name=f"stale entry {p.variant}", classname=_clean(s.name),
                             file=_clean(p.path), line=str(p.line), column=str(p.column))
        _failure(case, p)
    return suite


def _failure(case: ET.Element, p: Problem) -> None:
    failure = ET.SubElement(case, "failure", message=_clean(p.message), type=p.code)
    failure.text = _clean(str(p))


def render(result: CheckResult) -> str:
    suites = [_suite(s) for s in result.sets]
    root = ET.Element("testsuites", name="collate check",
                      tests=str(sum(int(s.get("tests", "0")) for s in suites)),
                      failures=str(len(result.problems)), errors="0")
    root.extend(suites)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
