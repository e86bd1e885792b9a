"""The CI gate: which variants still need an editor, as ``file:line:col`` problems.

Pure: reads annotated collations (see :func:`collate.apparatus.annotate`) and
the project's ``[check]`` settings, prints nothing, writes nothing. A set
passes when every variant that needs review has an entry with status
``recorded`` or ``ignored``, no variant's entry says ``error``, and no entry is
stale. An ``error`` entry whose variant is gone is a correction on record
(``corrected``): it passes, and reports list it as an erratum.

Which variants need review: every substantive one; an accidental one unless
``accidentals = false`` or all its classes are in ``ignore-classes``. An
``error`` entry fails the check whatever its class: the witness must be fixed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import field

from .config import Config
from .model import Collation, Problem, Reading, Variant
from .moves import describe_move, leads
from .readings import collapse
from .records import FACTORY, record
from .sources import display_path

#: problem codes, in the order a summary lists them
CODES = ("unreviewed", "error", "stale")
SNIPPET = 40


@record
class SetResult:
    """One set's verdict: the variants it checked and what is wrong."""

    name: str
    path: str
    #: every variant of the set, as (id, needs review)
    variants: tuple[tuple[str, bool], ...]
    problems: tuple[Problem, ...]
    #: the display path of each variant's primary reading, for reporters that list variants
    locations: dict[str, tuple[str, int, int]] = field(default_factory=dict)

    def __init__(
        self, name: str, path: str, variants: tuple[tuple[str, bool], ...], problems: tuple[Problem, ...],
        locations: dict[str, tuple[str, int, int]] = FACTORY
    ) -> None:
        self.__dict__.update(
            name=name, path=path, variants=variants, problems=problems,
            locations={} if locations is FACTORY else locations
        )

    @property
    def ok(self) -> bool:
        return not self.problems


@record
class CheckResult:
    """Every set's verdict; ``ok`` when none has a problem."""

    sets: tuple[SetResult, ...]

    def __init__(self, sets: tuple[SetResult, ...]) -> None:
        self.__dict__.update(sets=sets)

    @property
    def problems(self) -> list[Problem]:
        return [p for s in self.sets for p in s.problems]

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.sets)


def needs_review(v: Variant, ignore_classes: Iterable[str] = (), accidentals: bool = True) -> bool:
    """Whether ``check`` wants an editor's decision on this variant."""
    if v.substantive:
        return True
    if not accidentals:
        return False
    ignored = set(ignore_classes)
    return not (v.classes and set(v.classes) <= ignored)


def judge(collations: Sequence[Collation], config: Config) -> CheckResult:
    """The verdict on every set (collations already annotated with their apparatus)."""
    return CheckResult(tuple(judge_set(c, config) for c in collations))


def judge_set(c: Collation, config: Config) -> SetResult:
    """One set's verdict: a problem per variant that still needs an editor, error entry and stale entry."""
    files = {w.siglum: display_path(c.path / w.file) for w in c.witnesses}
    names = {w.siglum: w.file for w in c.witnesses}
    found: list[Problem] = []
    checked: list[tuple[str, bool]] = []
    locations: dict[str, tuple[str, int, int]] = {}
    follows = leads(c.variants)
    by_id = {v.id: v for v in c.variants}
    for v in c.variants:
        need = needs_review(v, config.ignore_classes, config.accidentals)
        siglum = primary(v, c.base)
        r = v.readings[siglum]
        locations[v.id] = (files[siglum], r.line, r.column)  # every variant checked has its place
        lead = by_id.get(follows.get(v.id, ""))
        if lead is not None and lead.status == v.status:  # one decision for both halves: said at the lead
            checked.append((v.id, False))
            continue
        checked.append((v.id, need))
        if v.status == "error":
            message = f"transcription error {v.id}, {describe(v, names, siglum)}"
            if v.note:
                message += f"; note: {collapse(v.note)}"
            found.append(_problem(c, v, files[siglum], r, message, "error"))
        elif need and v.status == "unreviewed":
            message = f"unreviewed variant {v.id}, {describe(v, names, siglum)}"
            found.append(_problem(c, v, files[siglum], r, message, "unreviewed"))
    for entry in c.stale:
        readings = " | ".join(f"{_quote(t)} {s}" if t else f"absent {s}" for s, t in entry.readings.items())
        message = (f"stale entry {entry.id}: its variant no longer occurs"
                   f"{f' ({readings})' if readings else ''}; if a witness was corrected, set"
                   ' status = "corrected" to keep it on record; otherwise delete the entry')
        found.append(Problem(path=entry.file, line=entry.line, column=1, message=message,
                             set=c.name, variant=entry.id, code="stale"))
    return SetResult(c.name, display_path(c.path), tuple(checked), tuple(found), locations)


def _problem(c: Collation, v: Variant, path: str, r: Reading, message: str, code: str) -> Problem:
    return Problem(path=path, line=r.line, column=r.column, message=message, set=c.name, variant=v.id,
                   code=code, end_line=r.end_line, end_column=r.end_column)


def primary(v: Variant, base: str) -> str:
    """The witness a problem points at: one that departs from the others.

    The base is the reference text; what needs looking at is usually the other
    transcription. So: a witness outside the base's group of agreeing readings,
    from the smallest such group; failing that, the first witness after the base.
    """
    sigla = list(v.readings)
    groups = sorted((g for g in v.groups if base not in g), key=len)
    if groups:
        return groups[0][0]
    others = [s for s in sigla if s != base]
    return others[0] if others else sigla[0]


def describe(v: Variant, files: dict[str, str], at: str) -> str:
    """``substantive omission: "to" FRUS (frus.txt:2:292) | absent APP``: the readings, the others located.

    ``files`` names each witness's file within its set: the message already
    starts with the set's path, so the others are shown short.
    """
    what = "substantive" if v.substantive else "/".join(v.classes) or "accidental"
    parts = []
    for s, r in v.readings.items():
        text = f"{_quote(r.text)} {s}" if r.text else f"absent {s}"
        if s != at:
            text += f" ({files[s]}:{r.line}:{r.column})"
        parts.append(text)
    moved = f" ({describe_move(v)})" if v.transposed_with else ""
    return f"{what} {v.kind}{moved}: {' | '.join(parts)}"


def _quote(text: str) -> str:
    text = collapse(text)
    if len(text) > SNIPPET:
        text = text[: SNIPPET - 1].rstrip() + "…"
    return f'"{text}"'


def summary(result: CheckResult) -> str:
    """One line for the end of any output: counts, and the verdict."""
    variants = sum(len(s.variants) for s in result.sets)
    need = sum(1 for s in result.sets for _, n in s.variants if n)
    sets = len(result.sets)
    head = (f"{variants} variant{'s' if variants != 1 else ''} in {sets} set{'s' if sets != 1 else ''}"
            f" ({need} needing review)")
    if result.ok:
        return f"collate check: {head}: all reviewed, no errors, nothing stale"
    found = result.problems
    counts = ", ".join(f"{n} {code}" for code in CODES if (n := sum(1 for p in found if p.code == code)))
    failing = sum(1 for s in result.sets if not s.ok)
    return (f"collate check: {len(found)} problem{'s' if len(found) != 1 else ''} ({counts})"
            f" in {failing} of {sets} set{'s' if sets != 1 else ''}; {head}")
