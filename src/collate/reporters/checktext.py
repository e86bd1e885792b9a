"""``collate check`` as text and JSON: one ``file:line:col: message`` line per problem."""

from __future__ import annotations

import json

from ..check import CheckResult, summary

#: the JSON check report's version; new fields may be added without a change
FORMAT_VERSION = 1


def render_text(result: CheckResult) -> str:
    """Each problem on its own line (what editors and CI logs read), then the summary."""
    lines = [str(p) for p in result.problems]
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def render_json(result: CheckResult) -> str:
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


def _problem(p) -> dict:
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
