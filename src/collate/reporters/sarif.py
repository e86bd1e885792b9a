"""``collate check --format sarif``: SARIF 2.1.0, for code-scanning views.

GitHub code scanning (``github/codeql-action/upload-sarif``), GitLab and the
SARIF viewers of VS Code and Visual Studio read the OASIS Static Analysis
Results Interchange Format. One ``run``: the tool (``collate``, with a rule per
problem code: ``unreviewed``, ``error``, ``stale``) and a ``result`` per
problem, each with one physical location — the witness file (or the
``apparatus.toml`` of a stale entry) as a URI relative to the current folder,
which is the repository root where CI runs ``collate check``, and its region
in lines and columns counted in characters (``columnKind`` ``unicodeCodePoints``;
``endColumn`` is the column after the reading, as SARIF has it). The variant
id is the result's ``partialFingerprints`` entry, so a code-scanning alert
follows its variant from one run to the next as the apparatus file does.

Validated against the OASIS JSON schema (``tests/schemas/sarif-schema-2.1.0.json``)
in ``tests/test_ci_integrations.py``.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..check import CODES, CheckResult
from ..model import Problem

FORMAT = "sarif"
SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

#: rule id -> (short description, full description / help)
RULES: dict[str, tuple[str, str]] = {
    "unreviewed": (
        "Variant not reviewed",
        "A variant that needs an editor's decision has status \"unreviewed\" in the set's apparatus.toml "
        "(or no entry). Run 'collate apparatus', read the readings, and set status to \"recorded\" or "
        "\"ignored\" with a note.",
    ),
    "error": (
        "Transcription error",
        "The editor marked this variant status = \"error\": a witness is mistranscribed. Fix the witness file; "
        "the variant then disappears and its entry becomes stale.",
    ),
    "stale": (
        "Stale apparatus entry",
        "An apparatus.toml entry whose variant no longer occurs (the witness was corrected or edited). "
        "Delete the entry once its note is no longer needed, or fix the witness if the edit was a mistake.",
    ),
}


def _uri(path: str) -> str:
    """A problem's path as a URI reference: relative (to the repository root) when it is, else file:."""
    if Path(path).is_absolute():
        return Path(path).as_uri()
    return quote(PurePosixPath(path.replace("\\", "/")).as_posix(), safe="/")


def _result(p: Problem) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": max(p.line, 1), "startColumn": max(p.column, 1)}
    if p.end_line:
        region["endLine"] = p.end_line
        region["endColumn"] = max(p.end_column, 1)
    result: dict[str, Any] = {
        "ruleId": p.code or "unreviewed",
        "ruleIndex": CODES.index(p.code) if p.code in CODES else 0,
        "level": "error",
        "message": {"text": p.message},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(p.path)}, "region": region}}],
        "properties": {"set": p.set, "variant": p.variant},
    }
    if p.variant:
        result["partialFingerprints"] = {"collateVariant/v1": f"{p.set}/{p.variant}"}
    return result


def render(result: CheckResult) -> str:
    """The SARIF log for one ``collate check``: every problem, with the rules they break."""
    rules = [
        {
            "id": code,
            "name": code.title(),
            "shortDescription": {"text": short},
            "fullDescription": {"text": full},
            "help": {"text": full},
            "defaultConfiguration": {"level": "error"},
        }
        for code, (short, full) in RULES.items()
    ]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "collate", "version": __version__, "semanticVersion": __version__,
                                    "rules": rules}},
                "columnKind": "unicodeCodePoints",
                "invocations": [{"executionSuccessful": True}],
                "results": [_result(p) for p in result.problems],
                "properties": {
                    "sets": [{"set": s.name, "path": s.path, "ok": s.ok, "variants": len(s.variants),
                              "needingReview": sum(1 for _, need in s.variants if need)} for s in result.sets],
                },
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=1) + "\n"
