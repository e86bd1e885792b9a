"""The anchored engine gives CollateX's answers, fast; runs of many sets are parallel and incremental.

Real texts: the shipped edition (witnesses/) and Darwin's chapter in six editions
(benchmarks/darwin-origin-ch1). The sets marked *synthetic* are real Darwin prose
with seeded random edits (words substituted, dropped, added, swapped, re-cased,
punctuation changed), made here; they are not texts anyone wrote.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
import regex
from click.testing import CliRunner

import collate.anchored as anchored
from collate.cli import cli
from collate.config import Config
from collate.control import collate_set, load_sets, run_sets
from collate.engines import align
from collate.model import Collation, Witness, WitnessSet
from collate.normalize import compile_rules, prepare_set
from collate.variants import positions
from helpers import collate_texts

ROOT = Path(__file__).resolve().parent.parent
DARWIN = ROOT / "benchmarks" / "darwin-origin-ch1"


def view(c: Collation) -> list[tuple]:
    """Everything a variant says, in order, and the metrics."""
    return [
        (v.id, v.kind, v.classes, v.substantive, v.transposed_with,
         tuple((s, r.text, r.line, r.column, r.end_line, r.end_column) for s, r in v.readings.items()))
        for v in c.variants
    ] + [tuple(c.metrics)]


# -- same answers as CollateX alone ------------------------------------------------------


def shipped_sets() -> list[WitnessSet]:
    sets = load_sets([ROOT / "witnesses"], Config())
    extra = ROOT / "tests" / "sets"
    if extra.is_dir():
        sets += load_sets([extra], Config())
    return [s for s in sets if len(s.witnesses) > 1]


@pytest.mark.parametrize("wset", shipped_sets(), ids=lambda s: s.name)
def test_shipped_sets_give_the_same_variants_as_collatex_alone(wset: WitnessSet) -> None:
    assert view(collate_set(wset, "anchored")) == view(collate_set(wset, "collatex"))


DARWIN_WORDS = (DARWIN / "1859.txt").read_text(encoding="utf-8").split()
VOCABULARY = sorted(set(DARWIN_WORDS))


def edited(words: list[str], rnd: random.Random, every: int) -> list[str]:
    """A copy with about one random edit per ``every`` words (synthetic)."""
    out = list(words)
    for _ in range(max(1, len(words) // every)):
        i = rnd.randrange(len(out) - 3)
        op = rnd.choice(["sub", "del", "ins", "swap", "case", "punct"])
        if op == "sub":
            out[i] = rnd.choice(VOCABULARY)
        elif op == "del":
            del out[i:i + rnd.randint(1, 3)]
        elif op == "ins":
            at = rnd.randrange(len(DARWIN_WORDS) - 4)
            out[i:i] = DARWIN_WORDS[at:at + rnd.randint(1, 4)]
        elif op == "swap":
            out[i], out[i + 1] = out[i + 1], out[i]
        elif op == "case":
            out[i] = out[i].swapcase()
        elif out[i][-1:] in ",.;":
            out[i] = out[i][:-1]
        else:
            out[i] += rnd.choice(",.;")
    return out


def synthetic_set(seed: int, witnesses: int, length: int, every: int = 30) -> dict[str, str]:
    """Darwin's 1859 text, ``length`` words from a seeded place, and edited copies (synthetic)."""
    rnd = random.Random(seed)
    start = rnd.randrange(len(DARWIN_WORDS) - length)
    base = DARWIN_WORDS[start:start + length]

    def render(words: list[str]) -> str:
        return "".join(w + ("\n" if n % 12 == 11 else " ") for n, w in enumerate(words))

    texts = {"A": render(base)}
    for siglum in "BCDE"[: witnesses - 1]:
        texts[siglum] = render(edited(base, rnd, every))
    return texts


SMALL = [(seed, witnesses, length) for seed, (witnesses, length) in enumerate(
    [(2, 120), (3, 150), (4, 200), (2, 250), (3, 300), (5, 120), (3, 400), (2, 500), (4, 120), (3, 200)])]


@pytest.mark.parametrize("seed,witnesses,length", SMALL)
def test_synthetic_sets_give_the_same_variants_as_collatex_alone(seed: int, witnesses: int, length: int) -> None:
    texts = synthetic_set(seed, witnesses, length)
    assert view(collate_texts(texts, engine="anchored")) == view(collate_texts(texts, engine="collatex"))


@pytest.mark.slow
@pytest.mark.parametrize("seed,witnesses,length", [(100, 2, 1000), (101, 3, 1000), (102, 3, 700)])
def test_synthetic_sets_of_a_thousand_words_give_the_same_variants(seed: int, witnesses: int, length: int) -> None:
    texts = synthetic_set(seed, witnesses, length)
    assert view(collate_texts(texts, engine="anchored")) == view(collate_texts(texts, engine="collatex"))


# The one place the answers may differ (README, "Engines"): a window between anchors that
# would cost CollateX more than anchored.BUDGET is cut at a passage only some witnesses
# have, and then the diff, not CollateX, decides on which side of that passage a word of
# the witnesses without it stands. Here (synthetic, after Darwin's ass in Spain) CollateX
# alone matches 1859's "improved" with the "improved" *inside* the added passage: two
# additions round one agreeing word, the first beginning with "improved" -- the words the
# passage is then slid over (units._slid), so the variants come out as the cut's: one
# addition. The alignments still differ; the variants no longer do.
ASS = {
    "1859": "The ass has been much improved in the course of time by the careful breeding of the best.\n",
    "1866": "The ass has been much improved for recently in certain parts of Spain and of the United States "
            "this animal has been surprisingly modified and improved by careful selection in the course of "
            "time by the careful breeding of the best.\n",
}
ASS["1872"] = ASS["1866"].replace("surprisingly", "greatly")


def readings(c: Collation) -> list[dict[str, str]]:
    return [{s: r.text for s, r in v.readings.items()} for v in c.variants]


def test_a_cut_at_a_passage_some_witnesses_lack_is_where_the_answers_may_differ(monkeypatch) -> None:
    collatex_alone = readings(collate_texts(ASS, engine="collatex"))
    assert [(r["1859"], r["1866"]) for r in collatex_alone] == [(
        "",
        "for recently in certain parts of Spain and of the United States this animal has been "
        "surprisingly modified and improved by careful selection",
    )]
    # within the budget the anchored engine gives CollateX's answer, odd as it is ...
    assert readings(collate_texts(ASS, engine="anchored")) == collatex_alone
    # ... and where the window is over budget, it cuts at the passage 1866 and 1872 share
    monkeypatch.setattr(anchored, "BUDGET", 0)
    cut = readings(collate_texts(ASS, engine="anchored"))
    assert cut == [{
        "1859": "",
        "1866": "for recently in certain parts of Spain and of the United States this animal has been "
                "surprisingly modified and improved by careful selection",
        "1872": "for recently in certain parts of Spain and of the United States this animal has been "
                "greatly modified and improved by careful selection",
    }]


def test_windows_aligned_in_parallel_give_the_same_columns(monkeypatch) -> None:
    texts = synthetic_set(7, 4, 400, every=15)
    rules = compile_rules(Config().normalize)
    prepared = prepare_set([Witness(s, Path(f"{s}.txt"), text=t) for s, t in texts.items()], rules)
    keys = {p.witness.siglum: [s.key for s in p.segments] for p in prepared}
    monkeypatch.setattr(anchored, "PARALLEL", 10**12)
    alone = align(keys, "anchored")
    monkeypatch.setattr(anchored, "PARALLEL", 0)
    monkeypatch.setattr(anchored, "_workers", lambda jobs: 2)
    assert align(keys, "anchored") == alone


# -- invariants on the whole Darwin chapter ------------------------------------------------


def unordered(c: Collation) -> set[tuple]:
    """The variants, whatever order the witnesses (and so the readings) are listed in."""
    return {(v.id, v.kind, v.classes, v.substantive, v.transposed_with,
             frozenset((s, r.text, r.line, r.column) for s, r in v.readings.items())) for v in c.variants}


@pytest.fixture(scope="module")
def darwin() -> WitnessSet:
    (wset,) = load_sets([DARWIN], Config())
    return wset


@pytest.mark.slow
def test_every_token_of_the_darwin_chapter_appears_once_and_in_order(darwin: WitnessSet) -> None:
    prepared = prepare_set(list(darwin.witnesses), compile_rules(darwin.normalize))
    assert all(len(p.tokens) > 12_000 for p in prepared)
    columns = align({p.witness.siglum: [s.key for s in p.segments] for p in prepared}, "anchored")
    seen: dict[str, list[int]] = {p.witness.siglum: [] for p in prepared}
    for _, cells in positions(prepared, columns):
        for siglum, indices in cells.items():
            seen[siglum].extend(indices)
    for p in prepared:
        assert seen[p.witness.siglum] == list(range(len(p.tokens)))


@pytest.mark.slow
def test_the_darwin_variants_do_not_depend_on_the_order_of_the_editions(darwin: WitnessSet) -> None:
    listed = collate_set(darwin, "anchored")
    reordered = WitnessSet(name=darwin.name, path=darwin.path, title=darwin.title,
                           witnesses=tuple(reversed(darwin.witnesses)), base=darwin.base,
                           normalize=darwin.normalize, manifest=darwin.manifest, rules=darwin.rules)
    again = collate_set(reordered, "anchored")
    assert len(listed.variants) > 500
    assert unordered(listed) == unordered(again)
    # e.g. the 1869 and 1872 paragraph on the conditions of life acting in two ways: one rewrite of
    # 1859's sentences on the causes of variability, not an addition beside them
    assert any(v.kind == "substitution" and "causes of variability" in v.readings["1859"].text
               and "two ways" in v.readings["1869"].text for v in listed.variants)


# -- many sets: parallel and incremental runs ----------------------------------------------


def reports(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def run(edition: Path, out: Path, **options) -> list:
    lines: list[str] = []
    runs = run_sets([edition], Config(), out, "anchored", formats=("json", "html"), echo=lines.append, **options)
    return [(r.name, r.collated) for r in runs], lines


def test_a_second_run_collates_only_what_changed(edition_copy: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # the manifest goes to .collate-cache/ here
    out = tmp_path / "reports"
    first, lines = run(edition_copy, out)
    assert first and all(collated for _, collated in first)
    written = reports(out)
    second, again = run(edition_copy, out)
    assert not any(collated for _, collated in second)
    # the same summaries, each saying the set was not collated again
    assert again == [f"{line}; unchanged since the last run (--force to collate again)" for line in lines]
    assert reports(out) == written
    # a witness changes: that set alone is collated again
    letter = "1933-11-23-roosevelt-to-litvinov"
    app = edition_copy / letter / "app.txt"
    app.write_text(app.read_text(encoding="utf-8").replace("Government", "Goverment", 1), encoding="utf-8")
    third, _ = run(edition_copy, out)
    assert [name for name, collated in third if collated] == [letter]
    assert json.loads((out / f"{letter}.json").read_bytes()) != json.loads(written[f"{letter}.json"])
    # so does its apparatus file, and a deleted report, and --force
    (edition_copy / letter / "apparatus.toml").write_text("", encoding="utf-8")
    assert [name for name, collated in run(edition_copy, out)[0] if collated] == [letter]
    other = "1933-10-10-roosevelt-to-kalinin"
    (out / f"{other}.html").unlink()
    assert [name for name, collated in run(edition_copy, out)[0] if collated] == [other]
    assert all(collated for _, collated in run(edition_copy, out, force=True)[0])


def test_other_settings_or_engine_mean_a_new_collation(edition_copy: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "reports"
    run(edition_copy, out)
    runs = run_sets([edition_copy], Config(), out, "collatex", formats=("json", "html"), echo=lambda _: None)
    assert all(r.collated for r in runs)
    config = Config()
    config.normalize = {**config.normalize, "case": False}
    runs = run_sets([edition_copy], config, out, "collatex", formats=("json", "html"), echo=lambda _: None)
    assert all(r.collated for r in runs)


def test_two_processes_write_the_same_reports_as_one(edition_copy: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(DARWIN, edition_copy / "zz-darwin-extract")
    darwin = edition_copy / "zz-darwin-extract"
    for path in darwin.glob("*.txt"):  # the first 1,500 words of each edition (synthetic extract)
        path.write_text(" ".join(path.read_text(encoding="utf-8").split()[:1500]), encoding="utf-8")
    one, lines_one = run(edition_copy, tmp_path / "one", jobs=1)
    two, lines_two = run(edition_copy, tmp_path / "two", jobs=2)
    assert one == two and lines_one == lines_two
    assert reports(tmp_path / "one") == reports(tmp_path / "two")


def test_the_command_shows_no_progress_bar_when_not_on_a_terminal(edition_copy: Path, tmp_path: Path,
                                                                   monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["run", str(edition_copy), "--out", "r", "-j", "2"])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == len(list(edition_copy.iterdir()))
    assert not regex.search(r"collating|\r|\x1b", result.stderr + result.stdout)


def test_a_changed_program_is_a_changed_input(tmp_path: Path) -> None:
    """The run cache's code stamp and the cluster's code fingerprint follow collate's sources and
    assets, not its bytecode; the fingerprint is the bytes (the same on every machine), the stamp
    sizes and modification times (what Python trusts to run current code)."""
    from collate.control import _code_fingerprint, _code_stamp

    package = tmp_path / "collate"
    shutil.copytree(Path(anchored.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    elsewhere = tmp_path / "elsewhere" / "collate"
    shutil.copytree(package, elsewhere)  # another install of the same code: new modification times
    assert _code_fingerprint(str(elsewhere)) == _code_fingerprint(str(package))
    first = {code: code(str(package)) for code in (_code_fingerprint, _code_stamp)}
    for code, digest in first.items():
        assert code(str(package)) == digest
    (package / "__pycache__").mkdir(exist_ok=True)
    (package / "__pycache__" / "units.cpython-311.pyc").write_bytes(b"bytecode")
    (package / "notes.txt").write_text("not code", encoding="utf-8")
    for code, digest in first.items():
        assert code(str(package)) == digest, code
    stylesheet = next(package.rglob("*.css")).relative_to(package)
    for changed in (Path("units.py"), Path("reporters/json.py"), stylesheet):
        path = package / changed
        original = path.read_bytes()
        stamp = _code_stamp(str(package))
        path.write_bytes(original + b"\n")
        assert _code_fingerprint(str(package)) != first[_code_fingerprint], changed
        assert _code_stamp(str(package)) != stamp, changed
        path.write_bytes(original)
    assert _code_fingerprint(str(package)) == first[_code_fingerprint]
    for code, digest in first.items():
        (package / "reporters" / "new.py").write_text("", encoding="utf-8")  # a new module changes both
        assert code(str(package)) != digest, code


def test_the_code_stamp_lists_what_os_walk_lists(tmp_path: Path) -> None:
    """A synthetic package tree: sources, CSS and JS in every folder; not bytecode, not
    __pycache__, not other files, and a linked folder not followed (as os.walk does)."""
    import os

    from collate.control import _code_files

    for name in ("a.py", "b/c.css", "b/d/e.js", "b/__pycache__/f.py", "__pycache__/g.py", "h/i.py", "b/j.txt",
                 "b/d/k.pyc"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "b" / "linked").symlink_to(tmp_path / "h", target_is_directory=True)
    (tmp_path / "b" / "linked.py").symlink_to(tmp_path / "a.py")
    walked = []
    for folder, subfolders, files in os.walk(tmp_path):
        subfolders[:] = [d for d in subfolders if d != "__pycache__"]
        inside = os.path.relpath(folder, tmp_path).replace(os.sep, "/")
        walked += [(name if inside == "." else f"{inside}/{name}", os.path.join(folder, name))
                   for name in files if name.endswith((".py", ".css", ".js"))]
    assert _code_files(str(tmp_path)) == sorted(walked)
    assert [shown for shown, _ in _code_files(str(tmp_path))] == ["a.py", "b/c.css", "b/d/e.js", "b/linked.py",
                                                                   "h/i.py"]


def test_conserve_gives_back_a_whole_answer_and_mends_the_rest() -> None:
    """Synthetic columns. An answer with every segment once, in order, and no empty column is the
    answer (the fast path); a dropped, repeated or unknown entry, an empty column, a missing end
    are mended as they always were."""
    from collate.align import conserve

    keys = {"A": ["a", "b", "c"], "B": ["a", "c"]}
    whole = [{"A": 0, "B": 0}, {"A": 1}, {"A": 2, "B": 1}]
    assert conserve(whole, keys) is whole
    mended = [{"A": 0, "B": 0}, {"A": 1}, {"A": 2, "B": 1}]
    assert conserve([{"A": 0, "B": 0}, {}, {"A": 2, "B": 1}], keys) == mended
    assert conserve([{"A": 0, "B": 0}, {"A": 0}, {"A": 2, "B": 1}], keys) == mended
    assert conserve([{"A": 0, "B": 0, "C": 0}, {"A": 1}, {"A": 2, "B": 1}], keys) == mended
    assert conserve([{"A": 0, "B": 0}, {"A": 2, "B": 1}], keys) == mended
    assert conserve([{"A": 0, "B": 0}, {"A": 1}], keys) == [{"A": 0, "B": 0}, {"A": 1}, {"A": 2}, {"B": 1}]


def test_an_answer_is_given_back_as_it_is_exactly_where_mending_would_change_nothing() -> None:
    """Synthetic columns, random: whole answers and answers with an entry dropped, repeated, moved
    or given to an unknown witness, or an empty column. ``_conserved`` (the fast path)
    holds exactly where rebuilding the columns gives them back unchanged and no entry is past
    its witness's end (which rebuilding keeps)."""
    from collate.align import _conserved, _mended

    rng = random.Random(7)
    kinds = {True: 0, False: 0}
    for _ in range(3000):
        keys = {s: ["k"] * rng.randrange(4) for s in "ABC"[: rng.randrange(1, 4)]}
        columns: list[dict[str, int]] = []
        at = dict.fromkeys(keys, 0)
        while any(at[s] < len(keys[s]) for s in keys):
            column = {s: at[s] for s in keys if at[s] < len(keys[s]) and rng.random() < 0.6}
            for s in column:
                at[s] += 1
            if column:
                columns.append(column)
        for _ in range(rng.randrange(3)):
            change = rng.randrange(5)
            if change == 0 and columns:
                column = rng.choice(columns)
                if column:
                    del column[rng.choice(list(column))]
            elif change == 1 and columns:
                rng.choice(columns)[rng.choice("ABCD")] = rng.randrange(4)
            elif change == 2:
                columns.insert(rng.randrange(len(columns) + 1), {})
            elif change == 3 and len(columns) > 1:
                columns.insert(rng.randrange(len(columns)), columns.pop())
        in_range = all(i < len(keys[s]) for column in columns for s, i in column.items() if s in keys)
        expected = in_range and _mended([dict(c) for c in columns], keys) == columns
        assert _conserved(columns, keys) is expected, (columns, keys)
        kinds[expected] += 1
    assert min(kinds.values()) > 300  # both answers well tried
