"""``collate check`` as text (the default): one ``file:line:col: message`` line per problem."""

from __future__ import annotations

from ..check import CheckResult, summary

FORMAT = "text"


def render(result: CheckResult) -> str:
    """Each problem on its own line (what editors and CI logs read), then the summary."""
    lines = [str(p) for p in result.problems]
    lines.append(summary(result))
    return "\n".join(lines) + "\n"
