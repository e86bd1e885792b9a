"""The quality benchmark's gold (benchmarks/quality/*.toml): well-formed, complete, and nothing lost.

The gold is real text (Darwin, Pater, Whitman) judged by hand. These tests hold it to
its own rules — every reading found once in its witness, every difference of a region
a site — and hold collate to recall 100% on it (every gold difference is reported).
Precision is the benchmark's business (``python benchmarks/quality.py``), not a test's.
"""

from __future__ import annotations

import importlib.util
import itertools
import sys
import types
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
RULE_CLASSES = {
    "case", "punctuation", "whitespace", "quotes", "spelling", "word-division", "hyphenation",
    "note-marker", "page-marker", "abbreviation", "numeral", "unicode", "mark",
}


def _quality() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("quality", BENCHMARKS / "quality.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["quality"] = module
    spec.loader.exec_module(module)
    return module


quality = _quality()
FILES = quality.gold_files()
IDS = [p.stem for p in FILES]


def test_there_is_a_gold_for_each_corpus() -> None:
    assert set(IDS) == {"darwin-origin-ch1", "juxta-pater-leonardo", "juxta-whitman-leaves"}


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_gold_is_well_formed(path: Path) -> None:
    """Every region and reading is found (once) in its witness; kinds and classes are the rules'."""
    gold = quality.load_gold(path)  # raises GoldError on a reading not found once
    assert gold.regions and gold.sites
    for site in gold.sites:
        assert set(site.spans) == set(gold.texts), site.id
        assert site.classes <= RULE_CLASSES, site.id
        assert site.reason, site.id
        region = gold.regions[site.region]
        for siglum, (start, end) in site.spans.items():
            low, high = region.spans[siglum]
            assert low <= start <= end <= high, (site.id, siglum)
        readings = {gold.texts[s][a:b] for s, (a, b) in site.spans.items()}
        assert len(readings) > 1, f"{site.id}: every witness reads the same"
        empty = {s for s, (a, b) in site.spans.items() if a == b}
        if site.kind == "addition":
            assert gold.base in empty, site.id
        if site.kind == "omission":
            assert gold.base not in empty and empty, site.id
        if not site.substantive and site.kind != "transposition":
            assert site.classes, f"{site.id}: an accidental needs the classes that explain it"
        if site.partner:
            assert site.partner in {s.id for s in gold.sites}, site.id


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_gold_sites_do_not_overlap(path: Path) -> None:
    gold = quality.load_gold(path)
    for siglum in gold.texts:
        spans = sorted((s.spans[siglum], s.id) for s in gold.sites if s.spans[siglum][0] < s.spans[siglum][1])
        for (a, first), (b, second) in itertools.pairwise(spans):
            assert a[1] <= b[0], f"{first} and {second} overlap in {siglum}"


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_gold_is_complete(path: Path) -> None:
    """Cut every gold site out of a region, and the rest reads the same in every witness."""
    gold = quality.load_gold(path)
    cuts: dict[str, list[tuple[int, int]]] = {}
    for site in gold.sites:
        for siglum, span in site.spans.items():
            cuts.setdefault(siglum, []).append(span)
    for region in gold.regions.values():
        rest = quality.region_remainders(gold, region, cuts)
        base = rest[gold.base]
        for siglum, words in rest.items():
            assert words == base, f"{region.name}: {siglum} differs from {gold.base} outside the gold sites"


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_collate_loses_no_gold_difference(path: Path) -> None:
    """Recall 100%: every gold site's differences are inside the tool's variants."""
    gold = quality.load_gold(path)
    result = quality.score(gold, quality.tool_variants(gold))
    lost = [f for f in result.failures if f.startswith("LOST")]
    assert not lost, "\n".join(lost)
    assert result.covered == result.sites
