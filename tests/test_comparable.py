"""A reading compared under no rules is the witness's text as written, layout aside.

``comparable`` with no classes (every place of an alignment's walk, every
reading's text as written) is a join of the tokens (``normalize.as_written``),
not its rule-by-rule loop: here it is held to the witness's own text, on the
real witnesses (the 1933 letters and Darwin's first edition: footnote and page
markers, line-end hyphens, curly quotes).
"""

from __future__ import annotations

from pathlib import Path

import regex

from collate.model import Witness
from collate.normalize import comparable, compile_rules, prepare
from collate.units import _places

ROOT = Path(__file__).resolve().parent.parent
TEXTS = sorted((ROOT / "witnesses").rglob("*.txt")) + [ROOT / "benchmarks" / "darwin-origin-ch1" / "1859.txt"]
NONE: frozenset[str] = frozenset()


def test_a_run_of_tokens_under_no_rules_reads_as_written_with_each_run_of_layout_one_space() -> None:
    for whitespace in (True, False):
        rules = compile_rules({"whitespace": whitespace})
        for path in TEXTS:
            text = path.read_text(encoding="utf-8")
            p = prepare(Witness("A", path, text=text), rules)
            for start in range(0, len(p.tokens), 7):
                for size in (0, 1, 2, 5):
                    tokens, roles = p.tokens[start:start + size], p.roles[start:start + size]
                    written = text[tokens[0].offset:tokens[-1].offset + len(tokens[-1].text)] if tokens else ""
                    if whitespace:
                        expected = regex.sub(r"\s+", " ", written)
                    else:  # layout is text, the space after the last token too
                        expected = written + (tokens[-1].space if tokens else "")
                    assert comparable(tokens, roles, rules, NONE) == expected, (path.name, start, size)


def test_each_witness_text_at_a_place_is_its_cell_as_written() -> None:
    """Synthetic: units' places give each witness's cell as written, layout aside (or kept with
    ``whitespace = false``), and say whether the witnesses agree there."""
    text = "Mr.  Litvinov,17 the\nlat- ter"
    p = prepare(Witness("A", Path("a.txt"), text=text), compile_rules({}))
    by_siglum = {"A": p, "B": p}
    walk = [(False, {}), (True, {"A": [0, 1], "B": []}), (False, {"A": [2]}), (True, {"B": []}),
            (True, {"A": [5, 6, 7, 8], "B": [5, 6, 7, 8]})]
    assert _places(walk, by_siglum, compile_rules({}), ["A", "B"]) == [
        (1, True, [[0, 1], []], ["Mr.", ""], False),
        (2, False, [[2], None], ["Litvinov", ""], False),
        (4, True, [[5, 6, 7, 8], [5, 6, 7, 8]], ["the lat- ter", "the lat- ter"], True),
    ]
    exact = compile_rules({"whitespace": False})  # layout is text, the space after the last token too
    assert [texts for _, _, _, texts, _ in _places(walk, by_siglum, exact, ["A", "B"])] == [
        ["Mr.  ", ""], ["Litvinov", ""], ["the\nlat- ter", "the\nlat- ter"]]
