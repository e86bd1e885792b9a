"""``collate check --format github``: GitHub Actions workflow commands, one per problem.

Each line is ``::error title=…,file=…,line=…,col=…,endLine=…,endColumn=…::message``,
the message repeating ``file:line:col`` for the raw log (as ruff does), escaped
the way GitHub's ``@actions/core`` (``command.ts``) escapes: data ``%`` → ``%25``,
CR → ``%0D``, LF → ``%0A``; property values also ``:`` → ``%3A``, ``,`` → ``%2C``.
GitHub shows only so many annotations per step, so a plain summary line ends
the output.
"""

from __future__ import annotations

from ..check import CheckResult, summary
from ..model import Problem

FORMAT = "github"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(p: Problem) -> str:
    props = {"title": f"collate ({p.code})" if p.code else "collate", "file": p.path,
             "line": str(p.line), "col": str(p.column)}
    if p.end_line:
        props["endLine"] = str(p.end_line)
        props["endColumn"] = str(p.end_column)
    joined = ",".join(f"{k}={escape_property(v)}" for k, v in props.items())
    return f"::error {joined}::{escape_data(str(p))}"


def render(result: CheckResult) -> str:
    lines = [annotation(p) for p in result.problems]
    lines.append(summary(result))
    return "\n".join(lines) + "\n"
