"""collate.editgraph gives exactly CollateX's columns, on every window the anchored engine makes.

Real texts: every window of the shipped edition (witnesses/), of Pater's and
Whitman's sets and of Darwin's chapter in six editions. Generated witnesses
(*synthetic*: random strings over two to six letters, so that repetition and
ties are everywhere) are compared with CollateX by hypothesis.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import collate.align as align_module
import collate.anchored as anchored
from collate import editgraph
from collate.align import _collatex_table, align_window
from collate.config import Config
from collate.control import collate_paths

ROOT = Path(__file__).resolve().parent.parent


def _collatex(keys: dict[str, list[str]]) -> list[dict[str, int]]:
    return _collatex_table(dict(sorted((s, k) for s, k in keys.items() if k)))


def _windows(monkeypatch: pytest.MonkeyPatch, folder: Path) -> list[dict[str, list[str]]]:
    """Every window the anchored engine hands to the aligner when it collates ``folder``."""
    seen: list[dict[str, list[str]]] = []
    real = align_module.align_window

    def spy(keys: dict[str, list[str]], max_cells: float | None = None,
            repeats_at_most: int | None = None) -> list[dict[str, int]]:
        seen.append({s: list(k) for s, k in keys.items() if k})
        return real(keys, max_cells, repeats_at_most)

    monkeypatch.setattr(anchored, "align_window", spy)
    collate_paths([folder], Config())
    return seen


@pytest.mark.parametrize("folder", [
    *sorted(p.name for p in (ROOT / "witnesses").iterdir() if (p / "set.toml").exists()),
    "benchmarks/juxta-pater-leonardo", "benchmarks/juxta-whitman-leaves", "benchmarks/darwin-origin-ch1",
])
def test_every_window_of_the_real_sets_is_aligned_as_collatex_aligns_it(
    monkeypatch: pytest.MonkeyPatch, folder: str
) -> None:
    path = ROOT / folder if "/" in folder else ROOT / "witnesses" / folder
    windows = _windows(monkeypatch, path)
    if folder.endswith("darwin-origin-ch1"):
        assert len(windows) > 300  # the chapter's rewritten passages: hundreds of windows
    for keys in windows:
        assert editgraph.align(dict(sorted(keys.items()))) == _collatex(keys), keys


#: two to five witnesses of up to 14 tokens over an alphabet of two to six letters (synthetic)
keys_strategy = st.integers(min_value=2, max_value=6).flatmap(lambda letters: st.dictionaries(
    st.sampled_from(["A", "B", "C", "D", "E"]),
    st.lists(st.sampled_from("abcdef"[:letters]), max_size=14),
    min_size=2, max_size=5,
))


@settings(max_examples=400, deadline=None)
@given(keys_strategy)
def test_synthetic_witnesses_full_of_repeats_are_aligned_as_collatex_aligns_them(keys: dict[str, list[str]]) -> None:
    present = dict(sorted((s, k) for s, k in keys.items() if k))
    if len(present) < 2:
        return
    assert editgraph.align(present) == _collatex(present)
    assert align_window(present) == _collatex(present)


def test_where_the_answer_hangs_on_collatex_s_dictionary_order_its_order_is_followed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # synthetic: W3's path matches "b" at a rank where two vertices (W1's and W2's "b") have it;
    # CollateX keeps the vertex its MatchCube wrote last, walking its suffix array's blocks
    keys = {"W0": ["a"], "W1": ["b", "b"], "W2": ["b", "c", "a", "b"],
            "W3": ["c", "b", "c", "c", "a", "b", "b", "b", "b"]}
    walked: list[int] = []
    real = editgraph._TokenIndex.cube

    def spy(self: editgraph._TokenIndex, k: int, *args: object) -> object:
        walked.append(k)
        return real(self, k, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(editgraph._TokenIndex, "cube", spy)
    assert editgraph.align(keys) == _collatex(keys)
    assert walked == [3]
    assert _collatex(keys)[:2] == [{"W1": 0, "W3": 0}, {"W2": 0, "W3": 1}]


#: three to five witnesses of up to 9 tokens over one to three letters (synthetic): ties of rank and key
crowded = st.dictionaries(st.sampled_from(["A", "B", "C", "D", "E"]), st.lists(st.sampled_from("abc"), max_size=9),
                          min_size=3, max_size=5)


@settings(max_examples=400, deadline=None)
@given(crowded)
def test_crowded_synthetic_witnesses_are_aligned_as_collatex_aligns_them(keys: dict[str, list[str]]) -> None:
    present = dict(sorted((s, k) for s, k in keys.items() if k))
    if len(present) < 2:
        return
    assert editgraph.align(present) == _collatex(present)


def test_a_run_of_the_shipped_edition_never_imports_collatex(tmp_path: Path) -> None:
    """The default engine needs neither collatex nor networkx (~0.1 s of every process's start)."""
    code = (
        "import sys; from collate.cli import cli\n"
        f"sys.argv = ['collate', 'run', {str(ROOT / 'witnesses')!r}, '--out', {str(tmp_path)!r}, '--force']\n"
        "try:\n    cli(prog_name='collate')\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('collatex', 'networkx')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=3), min_size=1, max_size=40))
def test_the_suffix_array_and_its_lcps_are_those_of_sorting_every_suffix(coded: list[int]) -> None:
    """CollateX sorts the suffixes of its token array (a suffix before any it begins); so does prefix doubling."""
    suffixes = editgraph._suffix_array(coded)
    assert suffixes == sorted(range(len(coded)), key=lambda i: coded[i:])
    lcp = editgraph._lcp(coded, suffixes)
    for n in range(1, len(coded)):
        a, b = coded[suffixes[n - 1]:], coded[suffixes[n]:]
        same = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        assert lcp[n] == same
    assert lcp[0] == 0
