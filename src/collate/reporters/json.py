"""The JSON report (DESIGN.md's contract): ``reports/<set>.json``.

FORMAT_VERSION changes only when a field changes meaning or goes away; new
fields may be added without a change.

* 1 — set, title, base, engine, witnesses, variants (id, kind, classes,
  substantive, status, note, readings with line/column and end, groups,
  diff against the base, context, transposed_with), metrics, summary;
  later: a transposition's halves add ``moved`` (the words) and ``decision``
  (the id of the one apparatus entry for both, the half that comes first);
  ``corrections`` (the errata: ``error`` entries whose variant is gone,
  each with id, readings, note, context, file and line).
"""

from __future__ import annotations

from typing import Any

from .. import __version__, jsontext
from ..model import Collation, Variant
from ..moves import leads, moved_words

FORMAT_VERSION = 1
FORMAT = "json"
SUFFIX = ".json"
TABLE = False


def variant_dict(v: Variant, decision: str = "") -> dict[str, Any]:
    """One variant; a transposition's halves also say the ``moved`` words and the ``decision`` entry's id."""
    return {
        "id": v.id,
        "kind": v.kind,
        "classes": list(v.classes),
        "substantive": v.substantive,
        "status": v.status,
        "note": v.note,
        "readings": {
            s: {
                "text": r.text,
                "line": r.line,
                "column": r.column,
                "end_line": r.end_line,
                "end_column": r.end_column,
            }
            for s, r in v.readings.items()
        },
        "groups": [list(g) for g in v.groups],
        "diff": {s: [[op, text] for op, text in d] for s, d in v.diffs.items()},
        "context": {"before": v.context[0], "after": v.context[1]},
        "transposed_with": v.transposed_with,
        **({"moved": moved_words(v), "decision": decision} if decision else {}),
    }


def _decision(v: Variant, follows: dict[str, str]) -> str:
    """The id of the apparatus entry that decides a transposition (its leading half); "" for other variants."""
    return follows.get(v.id, v.id) if v.transposed_with else ""


def report_dict(c: Collation) -> dict[str, Any]:
    """The report as plain data (the JSON reporter and tests share it)."""
    follows = leads(c.variants)
    return {
        "format": FORMAT_VERSION,
        "generator": f"collate {__version__}",
        "set": c.name,
        "title": c.title,
        "base": c.base,
        "engine": c.engine,
        "witnesses": [
            {"siglum": w.siglum, "file": w.file, "label": w.label, "source": w.source, "tokens": w.tokens}
            for w in c.witnesses
        ],
        "variants": [variant_dict(v, _decision(v, follows)) for v in c.variants],
        "metrics": [
            {"a": m.a, "b": m.b, "cer": m.cer, "wer": m.wer, "agreement": m.agreement} for m in c.metrics
        ],
        "stale": [e.as_dict() for e in c.stale],
        "corrections": [e.as_dict() for e in c.corrections],
        "summary": {
            "variants": len(c.variants),
            "substantive": c.substantive,
            "accidental": c.accidental,
            "unreviewed": sum(1 for v in c.variants if v.status == "unreviewed"),
            "single_witness": c.single,
        },
    }


def render(c: Collation) -> str:
    return jsontext.dumps(report_dict(c), indent=1) + "\n"
