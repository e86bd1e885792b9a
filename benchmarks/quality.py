"""How close collate's variants come to what an editor writes: precision and recall on a hand-judged gold.

    python benchmarks/quality.py                    # figures per corpus and in total
    python benchmarks/quality.py --failures         # and every mismatch, gold beside tool
    python benchmarks/quality.py --min-precision 0.95   # exit 1 below 95% exact precision (for CI)
    python benchmarks/quality.py --corpus juxta-whitman-leaves

The gold (``benchmarks/quality/<corpus>.toml``, judged by the rules in
``benchmarks/quality/RULES.md``) lists every variation unit inside chosen regions
(whole paragraphs or stanzas) of real texts. Each corpus is collated **whole**, with
collate's API and the set's own settings, as an editor would run it; then the variants
that fall in a region (one of their non-empty readings overlaps it) are compared with
the gold sites of that region. Collating the regions as sets of their own would be
faster but would measure a different alignment: the anchored engine cuts windows at
stretches the whole witnesses share, and an editor never collates a paragraph alone.

Figures:

* **precision**: the share of the tool's variants in the regions that are exactly a
  gold site — the same extent in every witness, kind, classes and substantive; the
  looser figures ask for the extent and substantive, and for the extent alone;
* **over-joined**: of all the tool's variants, in the judged regions or not, those that
  hold a run of words every witness reads alike longer than any gold site holds (the
  judge's own limit, found from the gold): a rule that joins too much is seen even
  where it acts outside the regions;
* **recall**: the share of gold sites whose differences the tool reports: some tool
  variant stands over the site, and with every tool variant's reading cut out of it,
  what is left is the same words in every witness (nothing the tool calls agreement
  differs). It must be 100%.

Exit 0; with ``--min-precision X``, 1 when the total exact precision is below X.
"""

from __future__ import annotations

import argparse
import bisect
import functools
import importlib
import re
import sys
import time
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

HERE = Path(__file__).resolve().parent
GOLD = HERE / "quality"
ELLIPSIS = "…"

T = TypeVar("T")
Span = tuple[int, int]  # character offsets in a witness's text, end exclusive; start == end: a place


class GoldError(Exception):
    """A gold file that does not say what it must: the file and the site, and why."""


@dataclass(frozen=True)
class Region:
    """A judged passage: in every witness, the characters it spans."""

    name: str
    spans: dict[str, Span]


@dataclass(frozen=True)
class Site:
    """One variation unit as the editor judged it."""

    id: str
    region: str
    kind: str
    classes: frozenset[str]
    substantive: bool
    reason: str
    spans: dict[str, Span]
    partner: str = ""


@dataclass(frozen=True)
class Gold:
    """A corpus's gold: the set it judges, the witness texts, regions and sites."""

    corpus: str
    set_dir: Path
    base: str
    texts: dict[str, str]
    regions: dict[str, Region]
    sites: tuple[Site, ...]


@dataclass(frozen=True)
class ToolVariant:
    """What the benchmark needs of one of collate's variants."""

    id: str
    kind: str
    classes: frozenset[str]
    substantive: bool
    spans: dict[str, Span]


@dataclass
class Score:
    """Counts for one corpus (or the total)."""

    corpus: str
    sites: int = 0
    covered: int = 0
    variants: int = 0
    exact: int = 0
    extent_substantive: int = 0
    extent: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    #: all the tool's variants, judged regions or not, and those holding more agreement than any gold site
    everywhere: int = 0
    overjoined: int = 0

    def add(self, other: Score) -> None:
        for name in ("sites", "covered", "variants", "exact", "extent_substantive", "extent", "seconds",
                     "everywhere", "overjoined"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


# -- the gold ------------------------------------------------------------------------------


def _sigla_keys(table: dict[str, T], sigla: Sequence[str], where: str) -> dict[str, T]:
    """Expand keys naming several sigla ("1859 1860") and "*" (every other witness)."""
    out: dict[str, T] = {}
    default: T | None = None
    for key, value in table.items():
        if key == "*":
            default = value
            continue
        for siglum in key.split():
            if siglum not in sigla:
                raise GoldError(f"{where}: no witness {siglum!r} in the set")
            if siglum in out:
                raise GoldError(f"{where}: witness {siglum!r} given twice")
            out[siglum] = value
    for siglum in sigla:
        if siglum not in out:
            if default is None:
                raise GoldError(f"{where}: nothing for witness {siglum!r}")
            out[siglum] = default
    return out


def paragraph_spans(text: str) -> list[Span]:
    """The blocks of a text between blank lines, as spans without their surrounding whitespace."""
    spans = []
    start = 0
    for gap in [*re.finditer(r"\n[ \t]*\n\s*", text), None]:
        end = gap.start() if gap else len(text)
        block = _strip(text, (start, end))
        if block[0] < block[1]:
            spans.append(block)
        if gap:
            start = gap.end()
    return spans


def _pattern(piece: str) -> str:
    """A literal piece of a locator: a run of whitespace matches any run (or none, at its ends)."""
    parts = re.split(r"(\s+)", piece)
    out = []
    for n, part in enumerate(parts):
        if n % 2 == 0:
            out.append(re.escape(part))
        else:
            out.append(r"\s*" if n in (1, len(parts) - 2) and not (parts[n - 1] and parts[n + 1]) else r"\s+")
    return "".join(out)


def locate(locator: str, text: str, region: Span, where: str) -> Span:
    """The span a locator ("context {reading} context") names, found once inside the region."""
    if locator.count("{") != 1 or locator.count("}") != 1 or locator.index("{") > locator.index("}"):
        raise GoldError(f"{where}: a locator needs one {{reading}}: {locator!r}")
    before, rest = locator.split("{", 1)
    reading, after = rest.split("}", 1)
    lead = len(reading) - len(reading.lstrip())
    trail = len(reading) - len(reading.rstrip())
    core = reading.strip()
    if ELLIPSIS in core:
        first, _, last = core.partition(ELLIPSIS)
        inner = f"{_pattern(first)}.*?{_pattern(last)}"
    else:
        inner = _pattern(core)
    pattern = re.compile(
        f"{_pattern(before)}{_pattern(reading[:lead])}({inner}){_pattern(reading[len(reading) - trail:])}{_pattern(after)}",
        re.S,
    )
    chunk = text[region[0] : region[1]]
    found = [m for m in pattern.finditer(chunk)]
    if len(found) != 1:
        raise GoldError(f"{where}: {locator!r} found {len(found)} times in the region, not once")
    start, end = found[0].span(1)
    return region[0] + start, region[0] + end


def load_gold(path: Path) -> Gold:
    """Read and check one gold file: every region and every reading found in its witness."""
    where = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise GoldError(f"{where}: {exc}") from None
    set_dir = (path.parent.parent / data["set"]).resolve()
    manifest = tomllib.loads((set_dir / "set.toml").read_text(encoding="utf-8"))
    sigla = [w["siglum"] for w in manifest["witness"]]
    base = manifest.get("base", sigla[0])
    texts = {w["siglum"]: (set_dir / w["file"]).read_text(encoding="utf-8") for w in manifest["witness"]}
    blocks = {s: paragraph_spans(t) for s, t in texts.items()}
    regions: dict[str, Region] = {}
    for table in data.get("region", []):
        name = table["name"]
        if name in regions:
            raise GoldError(f"{where}: region {name!r} twice")
        spans = {}
        for siglum, (first, last) in _sigla_keys(table["paragraphs"], sigla, f"{where}: region {name}").items():
            paras = blocks[siglum]
            if not 1 <= first <= last <= len(paras):
                raise GoldError(f"{where}: region {name}: {siglum} has no paragraphs {first}-{last}")
            spans[siglum] = (paras[first - 1][0], paras[last - 1][1])
        regions[name] = Region(name, spans)
    sites = []
    counts: dict[str, int] = {}
    seen: set[str] = set()
    for table in data.get("site", []):
        region = regions.get(table.get("region", ""))
        if region is None:
            raise GoldError(f"{where}: a site names no known region: {table!r}")
        counts[region.name] = counts.get(region.name, 0) + 1
        sid = table.get("id") or f"{region.name}.{counts[region.name]}"
        here = f"{where}: site {sid}"
        if sid in seen:
            raise GoldError(f"{here}: id given twice")
        seen.add(sid)
        kind = table["kind"]
        if kind not in ("addition", "omission", "substitution", "transposition"):
            raise GoldError(f"{here}: unknown kind {kind!r}")
        spans = {
            s: locate(str(loc), texts[s], region.spans[s], f"{here}, {s}")
            for s, loc in _sigla_keys(table["at"], sigla, here).items()
        }
        sites.append(
            Site(
                id=sid,
                region=region.name,
                kind=kind,
                classes=frozenset(table["classes"]),
                substantive=bool(table["substantive"]),
                reason=table.get("reason", ""),
                spans=spans,
                partner=table.get("with", ""),
            )
        )
    return Gold(path.stem, set_dir, base, texts, regions, tuple(sites))


def gold_files(names: Iterable[str] = ()) -> list[Path]:
    wanted = set(names)
    return [p for p in sorted(GOLD.glob("*.toml")) if not wanted or p.stem in wanted]


# -- comparing -----------------------------------------------------------------------------


#: what the benchmark counts as a token: a word (with inner apostrophes and hyphens) or a mark
_TOKEN = re.compile(r"\w+(?:['’\-]\w+)*|\S")


def remainder(text: str, span: Span, cuts: Iterable[Span]) -> list[str]:
    """The tokens of ``span`` outside every cut: what is claimed to agree there.

    The cut characters are blanked before the rest is split into tokens, so a cut inside
    a token (a footnote marker fused to its word, ``arrows1``) leaves the rest of it.
    """
    chars = list(text[span[0] : span[1]])
    for start, end in cuts:
        for i in range(max(start, span[0]), min(end, span[1])):
            chars[i - span[0]] = " "
    return _TOKEN.findall("".join(chars))


def region_remainders(gold: Gold, region: Region, cuts: dict[str, list[Span]]) -> dict[str, list[str]]:
    """Each witness's words of a region outside the cuts (gold sites or tool variants)."""
    return {s: remainder(gold.texts[s], region.spans[s], cuts.get(s, [])) for s in region.spans}


def _overlaps(span: Span, other: Span) -> bool:
    if span[0] == span[1]:
        return other[0] <= span[0] <= other[1]
    return span[0] < other[1] and other[0] < span[1] or (other[0] == other[1] and span[0] <= other[0] <= span[1])


def _same_place(text: str, gold: Span, tool: Span) -> bool:
    """Two spans are the same reading: equal, or for a place, equal but for the whitespace there."""
    if (gold[0] == gold[1]) != (tool[0] == tool[1]):
        return False
    if gold[0] != gold[1]:
        return gold == tool
    low, high = gold[0], gold[0]
    while low > 0 and text[low - 1].isspace():
        low -= 1
    while high < len(text) and text[high].isspace():
        high += 1
    return low <= tool[0] <= high


@functools.lru_cache(maxsize=32)
def _token_table(text: str) -> tuple[list[int], list[str]]:
    found = list(_TOKEN.finditer(text))
    return [m.start() for m in found], [m.group() for m in found]


def _token_range(text: str, span: Span) -> tuple[int, int]:
    starts, _ = _token_table(text)
    return bisect.bisect_left(starts, span[0]), bisect.bisect_left(starts, span[1])


def _slid(texts: dict[str, str], gold: dict[str, Span], tool: dict[str, Span], shift: int) -> bool:
    """The tool's extents are the gold's moved ``shift`` tokens over text that reads the same.

    An addition or omission next to a word or mark that repeats at its other end can be
    placed on either side of it (``Egypt, and in … Switzerland, much``: the added phrase
    with the comma before it or the one after): the same unit, so it counts as the same
    extent. Every witness moves by the same tokens, which must read alike in all of them.
    """
    crossed: set[tuple[str, ...]] = set()
    for siglum, span in gold.items():
        text = texts[siglum]
        _, words = _token_table(text)
        i, j = _token_range(text, span)
        if _token_range(text, tool[siglum]) != (i + shift, j + shift) or i + shift < 0 or j + shift > len(words):
            return False
        if shift > 0:
            past, moved_out = words[j : j + shift], words[i : i + shift]
        else:
            past, moved_out = words[i + shift : i], words[j + shift : j]
        if i != j and past != moved_out:
            return False
        crossed.add(tuple(past))
    return len(crossed) == 1


def same_extent(texts: dict[str, str], gold: dict[str, Span], tool: dict[str, Span]) -> bool:
    """The tool's variant has the gold site's extent in every witness (or the same one slid)."""
    if set(gold) != set(tool):
        return False
    if all(_same_place(texts[s], gold[s], tool[s]) for s in gold):
        return True
    if not any(a == b for a, b in gold.values()):
        return False  # only an addition or omission can slide
    return any(_slid(texts, gold, tool, shift) for shift in (-3, -2, -1, 1, 2, 3))


def in_region(variant: ToolVariant, region: Region) -> bool:
    return any(
        s in region.spans and span[0] < span[1] and span[0] < region.spans[s][1] and region.spans[s][0] < span[1]
        for s, span in variant.spans.items()
    )


def covered(gold: Gold, site: Site, variants: Sequence[ToolVariant]) -> bool:
    """The tool reports this site's differences: outside its variants, the site agrees everywhere.

    The stretch compared in each witness is the site with the tool's variants over it
    (an omission the tool places before a comma where the gold has it after is the same
    omission: the comma then stands outside the variant in both witnesses).
    """
    over = [v for v in variants if any(_overlaps(site.spans[w], v.spans[w]) for w in site.spans if w in v.spans)]
    if not over:
        return False  # a difference the tokens do not show (spacing) is still lost when no variant is there
    words = {}
    for siglum, span in site.spans.items():
        spans = [span, *(v.spans[siglum] for v in over if siglum in v.spans)]
        window = (min(a for a, _ in spans), max(b for _, b in spans))
        words[siglum] = remainder(gold.texts[siglum], window, [v.spans[siglum] for v in variants if siglum in v.spans])
    return len({tuple(w) for w in words.values()}) == 1


def _strip(text: str, span: Span) -> Span:
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def tool_variants(gold: Gold, engine: str | None = None) -> list[ToolVariant]:
    """Collate the whole set with collate's API and keep what the benchmark compares."""
    # imported by name: the benchmark runs on collate as installed, or on another
    # checkout through PYTHONPATH (the figures before), whichever modules it has
    load_config = importlib.import_module("collate.config").load_config
    try:
        control = importlib.import_module("collate.control")
    except ModuleNotFoundError:  # collate before its control layer (commit 1079d06: the figures before)
        control = importlib.import_module("collate.pipeline")

    config = load_config()
    (wset,) = control.load_sets([gold.set_dir], config)
    collation = control.collate_set(wset, engine or config.engine)
    for summary in collation.witnesses:
        if summary.text and summary.text != gold.texts[summary.siglum]:
            raise GoldError(f"{gold.corpus}: collate reads witness {summary.siglum} differently from the gold")
    out = []
    for v in collation.variants:
        spans = {}
        for siglum, reading in v.readings.items():
            if reading.offset < 0:
                raise GoldError(f"{gold.corpus}: variant {v.id} has no offsets for {siglum}")
            spans[siglum] = _strip(gold.texts[siglum], (reading.offset, reading.end_offset))
        out.append(ToolVariant(v.id, v.kind, frozenset(v.classes), v.substantive, spans))
    return out


def _show(text: str, span: Span, width: int = 70) -> str:
    reading = " ".join(text[span[0] : span[1]].split())
    if not reading:
        before = " ".join(text[max(0, span[0] - 25) : span[0]].split())
        after = " ".join(text[span[1] : span[1] + 25].split())
        return f"‸ ({before} ‸ {after})"
    return reading if len(reading) <= width else f"{reading[: width // 2 - 2]} … {reading[-width // 2 + 2 :]}"


def _describe(kind: str, classes: frozenset[str], substantive: bool) -> str:
    return f"{kind}, {'substantive' if substantive else 'accidental'}, [{', '.join(sorted(classes))}]"


def _readings(gold: Gold, spans: dict[str, Span], indent: str) -> list[str]:
    groups: dict[str, list[str]] = {}
    for siglum, span in spans.items():
        groups.setdefault(_show(gold.texts[siglum], span), []).append(siglum)
    return [f"{indent}{' '.join(sigla):>15}: {reading}" for reading, sigla in groups.items()]


def score(gold: Gold, variants: Sequence[ToolVariant]) -> Score:
    """Match the tool's variants in the regions with the gold sites.

    A variant is counted once, even where it runs over the boundary of two judged
    regions (paragraphs next to each other): it is then compared with the sites of both.
    """
    result = Score(gold.corpus, sites=len(gold.sites))
    by_region: dict[str, list[Site]] = {}
    for site in gold.sites:
        by_region.setdefault(site.region, []).append(site)
    for site in gold.sites:
        if covered(gold, site, variants):
            result.covered += 1
        else:
            result.failures.append(f"LOST {gold.corpus} {site.id}: the tool does not report this difference")
            result.failures.extend(_readings(gold, site.spans, "    "))
    matched_sites: set[str] = set()
    for v in variants:
        regions = [r.name for r in gold.regions.values() if in_region(v, r)]
        if not regions:
            continue
        sites = [s for name in regions for s in by_region.get(name, [])]
        result.variants += 1
        same = [s for s in sites if same_extent(gold.texts, s.spans, v.spans)]
        if not same:
            near = [s for s in sites if any(_overlaps(s.spans[w], v.spans[w]) for w in s.spans if w in v.spans)]
            lines = [
                f"FALSE {gold.corpus} {' '.join(regions)} tool {v.id} ({_describe(v.kind, v.classes, v.substantive)}):"
                " no gold site has this extent"
            ]
            lines += _readings(gold, v.spans, "    tool ")
            for s in near:
                lines.append(f"    gold {s.id} ({_describe(s.kind, s.classes, s.substantive)}): {s.reason}")
                lines += _readings(gold, s.spans, "    gold ")
            result.failures.append("\n".join(lines))
            continue
        site = same[0]
        result.extent += 1
        if site.substantive == v.substantive:
            result.extent_substantive += 1
        if (site.kind, site.classes, site.substantive) == (v.kind, v.classes, v.substantive):
            result.exact += 1
            matched_sites.add(site.id)
            continue
        lines = [
            f"CLASS {gold.corpus} {site.id}: tool {v.id} says {_describe(v.kind, v.classes, v.substantive)},"
            f" gold {_describe(site.kind, site.classes, site.substantive)}: {site.reason}"
        ]
        lines += _readings(gold, site.spans, "    ")
        result.failures.append("\n".join(lines))
    for site in gold.sites:
        if site.id in matched_sites:
            continue
        overlapping = [
            v for v in variants
            if in_region(v, gold.regions[site.region])
            and any(_overlaps(site.spans[w], v.spans[w]) for w in site.spans if w in v.spans)
        ]
        if any(same_extent(gold.texts, site.spans, v.spans) for v in overlapping):
            continue  # reported above as CLASS
        lines = [f"SPLIT {gold.corpus} {site.id} ({_describe(site.kind, site.classes, site.substantive)}): {site.reason}"]
        lines += _readings(gold, site.spans, "    gold ")
        lines.append(f"    the tool has {len(overlapping)} variant(s) over it instead, none with its extent")
        result.failures.append("\n".join(lines))
    return result


# -- the report ----------------------------------------------------------------------------

LEGEND = """\
LOST   a gold difference the tool does not report (recall)
FALSE  a tool variant in a region with no gold site of its extent (the gold sites it overlaps follow)
CLASS  a tool variant with a gold site's extent but another kind, classes or substantive
SPLIT  a gold site no tool variant has the extent of (the tool cut it up, or joined it to another)
"""


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    —"


def agreed_run(texts: Iterable[str]) -> int:
    """The longest run of words that every one of ``texts`` holds (words split at white space)."""
    words = [t.split() for t in texts]
    if not words or any(not w for w in words):
        return 0
    shortest = min(words, key=len)
    padded = [f" {' '.join(w)} " for w in words]
    best = 0
    for i in range(len(shortest)):
        j = i + best + 1
        while j <= len(shortest) and all(f" {' '.join(shortest[i:j])} " in t for t in padded):
            best, j = j - i, j + 1
    return best


def gold_agreement(golds: Sequence[Gold]) -> int:
    """The most words every witness reads alike inside one gold site: what the judge let a unit hold."""
    return max((agreed_run(gold.texts[s][a:b] for s, (a, b) in site.spans.items())
                for gold in golds for site in gold.sites), default=0)


def overjoined(gold: Gold, variants: Sequence[ToolVariant], allowed: int) -> int:
    """Variants anywhere in the texts (judged or not) holding more words every witness reads alike than ``allowed``.

    A check the gold's regions cannot make on their own: a rule that joins too
    much may do it mostly outside them. No reading may be empty (an addition
    holds no agreement).
    """
    return sum(1 for v in variants if agreed_run(gold.texts[s][a:b] for s, (a, b) in v.spans.items()) > allowed)


def table(scores: Sequence[Score], allowed: int | None = None) -> str:
    head = (f"{'corpus':<24} {'sites':>5} {'variants':>8} {'precision':>9} {'ext+subst':>9} {'extent':>7} "
            f"{'recall':>7} {'time':>6}")
    if allowed is not None:
        head += f" {'over-joined':>11}"
    rows = [head, "-" * len(head)]
    for s in scores:
        row = (
            f"{s.corpus:<24} {s.sites:>5} {s.variants:>8} {_pct(s.exact, s.variants):>9} "
            f"{_pct(s.extent_substantive, s.variants):>9} {_pct(s.extent, s.variants):>7} "
            f"{_pct(s.covered, s.sites):>7} {s.seconds:>5.1f}s"
        )
        if allowed is not None:
            row += f" {f'{s.overjoined}/{s.everywhere}':>11}"
        rows.append(row)
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--failures", action="store_true", help="print every mismatch, gold beside tool")
    parser.add_argument("--min-precision", type=float, metavar="X", help="exit 1 when total exact precision < X (0-1)")
    parser.add_argument("--corpus", action="append", default=[], help="only this corpus (repeatable)")
    parser.add_argument("--engine", help="collate's engine (default: the project's setting)")
    args = parser.parse_args(argv)
    total = Score("total")
    scores = []
    unknown = set(args.corpus) - {p.stem for p in gold_files()}
    if unknown:
        print(f"quality.py: no gold for {', '.join(sorted(unknown))} in {GOLD}", file=sys.stderr)
        return 2
    try:
        golds = [load_gold(path) for path in gold_files()]
    except GoldError as exc:
        print(f"quality.py: {exc}", file=sys.stderr)
        return 2
    allowed = gold_agreement(golds)
    for gold in golds:
        if args.corpus and gold.corpus not in args.corpus:
            continue
        try:
            started = time.perf_counter()
            variants = tool_variants(gold, args.engine)
            result = score(gold, variants)
        except GoldError as exc:
            print(f"quality.py: {exc}", file=sys.stderr)
            return 2
        result.seconds = time.perf_counter() - started
        result.everywhere, result.overjoined = len(variants), overjoined(gold, variants, allowed)
        scores.append(result)
        total.add(result)
    if args.failures:
        print(LEGEND)
        for s in scores:
            for failure in s.failures:
                print(failure)
            print()
    print(table([*scores, total], allowed))
    print("precision: tool variants in the judged regions that are exactly a gold site (extent in every witness,"
          " kind, classes, substantive); ext+subst, extent: looser matches; recall: gold sites the tool reports;"
          f" over-joined: of all the tool's variants, judged regions or not, those holding a run of more than"
          f" {allowed} words every witness reads alike (the most any gold site holds)")
    if args.min_precision is not None and total.variants and total.exact / total.variants < args.min_precision:
        print(f"exact precision {total.exact / total.variants:.3f} is below {args.min_precision}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
