"""``collate check --format json``: the check's problems and each set's verdict as data."""

from __future__ import annotations

import json
from typing import Any

from ..check import CheckResult, summary
from ..model import Problem

FORMAT = "json"
#: the JSON check report's version; new fields may be added without a change
FORMAT_VERSION = 1


def render(result: CheckResult) -> str:
    """The same as data: problems with their location, and each set's verdict."""
    data = {
        "format": FORMAT_VERSION,
        "ok": result.ok,
        "summary": summary(result),
        "problems": [_problem(p) for p in result.problems],
        "sets": [
            {
                "set": s.name,
                "path": s.path,
                "ok": s.ok,
                "variants": len(s.variants),
                "needing_review": sum(1 for _, need in s.variants if need),
                "problems": len(s.problems),
            }
            for s in result.sets
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _problem(p: Problem) -> dict[str, Any]:
    return {
        "file": p.path,
        "line": p.line,
        "column": p.column,
        "end_line": p.end_line or None,
        "end_column": p.end_column or None,
        "code": p.code,
        "set": p.set,
        "variant": p.variant,
        "message": p.message,
    }
