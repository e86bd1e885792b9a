"""How fast collate is, and how much memory it takes: the anchored engine against CollateX alone.

    python benchmarks/bench.py            # the full table (~5-10 minutes on 2 cores)
    python benchmarks/bench.py --quick    # a small table, 100 sets: about a minute

Prints, from one run:

* a table of witness count (2-6) x length (~500 to ~12,500 words), the time to collate
  (align, variants, metrics; no start-up) and the peak memory of the process, for the
  anchored engine and for CollateX over whole witnesses, each cell in a process of its
  own (peak RSS from wait4). CollateX runs only where it is expected to finish under
  the cap (its time grows with the square of the length): "—" past it;
* the growth exponent of each engine (the slope of log time against log length);
* three witnesses of ~1,000 words: the ratio of the two engines;
* a typical letter (three witnesses of ~400 words): the anchored engine's alignment time;
* Darwin's chapter in six editions through the whole ``collate run`` (JSON and HTML);
* the aligner alone: collate.editgraph against CollateX on the windows the anchored engine
  makes of Darwin's, Pater's and Whitman's sets (the same columns, and how much faster);
* 1,000 small sets: a first ``collate run -j 2`` and a second one over the unchanged sets;
* 2,000 small sets: ``-j 2`` against ``--scheduler`` with two single-threaded Dask workers on
  this machine (the overhead per set), and how that scales on paper to 1,000,000 sets;
* the limits (issue 12): whole ``collate run`` processes on inputs built to hurt, each
  with its goal beside it (see :func:`limits` for exactly how each input is made).

collate's own sources are byte-compiled before anything is timed (:func:`byte_compile`),
as a ``pip install`` leaves them, so no whole process pays for compiling them.

The texts are Darwin's chapter 1 (benchmarks/darwin-origin-ch1): a slice of L words of
1859 is the same passage in every edition (the four paragraphs only 1869 and 1872 have
are left out of the slices; the whole-chapter run has them). Witnesses are taken in the order 1859, 1872, 1866, 1860,
1869, 1861, so two witnesses are the most different pair. The 1,000 sets are synthetic:
passages of ~120 words with seeded random edits.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DARWIN = HERE / "darwin-origin-ch1"
ORDER = ["1859", "1872", "1866", "1860", "1869", "1861"]
ONLY_LATE = {1, 2, 4, 45}  # paragraphs (of 47) that only 1869 and 1872 have
PARTS = ["limits", "table", "thousand", "letter", "darwin", "windows", "many", "dask"]
#: a whole collate process as people start one: the console script pip installs beside this Python
#: (``python -m collate.cli`` also loads runpy and runs the CLI module as ``__main__``)
COLLATE = ([str(Path(sys.executable).parent / "collate")] if (Path(sys.executable).parent / "collate").is_file()
           else [sys.executable, "-m", "collate.cli"])
LETTER = HERE.parent / "witnesses" / "1933-11-23-roosevelt-to-litvinov" / "app.txt"


def paragraphs(siglum: str) -> list[str]:
    text = (DARWIN / f"{siglum}.txt").read_text(encoding="utf-8")
    return [p for p in text.split("\n\n") if p.strip()]


def passage(length: int, witnesses: int) -> dict[str, str]:
    """The same passage of ``length`` words of 1859 in the first ``witnesses`` editions.

    The four paragraphs only 1869 and 1872 have are left out (the whole-chapter run has
    them), and the last paragraph is cut at the same word in every edition.
    """
    shared = {}
    for siglum in ORDER:
        found = paragraphs(siglum)
        shared[siglum] = [p for u, p in enumerate(found) if len(found) != 47 or u not in ONLY_LATE]
    texts = {}
    words = 0
    for n, paragraph in enumerate(shared["1859"]):
        size = len(paragraph.split())
        if words + size >= length:
            cut = length - words
            for siglum in ORDER[:witnesses]:
                last = " ".join(shared[siglum][n].split()[:cut])
                texts[siglum] = "\n\n".join([*shared[siglum][:n], last]) + "\n"
            return texts
        words += size
    return {siglum: "\n\n".join(shared[siglum]) + "\n" for siglum in ORDER[:witnesses]}


# -- one cell, in a process of its own -----------------------------------------------------


def cell(engine: str, witnesses: int, length: int) -> None:
    """Collate one passage with one engine; print seconds and words per witness."""
    from collate.config import Config
    from collate.control import collate_set
    from collate.model import Witness, WitnessSet
    from collate.normalize import compile_rules

    texts = passage(length, witnesses)
    wset = WitnessSet(
        name="bench", path=DARWIN, title="bench", base=ORDER[0], normalize=Config().normalize,
        rules=compile_rules(Config().normalize),
        witnesses=tuple(Witness(s, DARWIN / f"{s}.txt", text=t) for s, t in texts.items()),
    )
    import collatex  # noqa: F401 - its import is start-up, not collation (both engines use it)

    if engine == "collatex":
        from collate import align

        align.COLLATEX_LIMIT = math.inf  # CollateX alone, however long: the cap is this script's
    start = time.perf_counter()
    collate_set(wset, engine)
    elapsed = time.perf_counter() - start
    mean = statistics.mean(len(t.split()) for t in texts.values())
    print(f"{elapsed:.6f} {mean:.0f}")


def measure(argv: list[str], cap: float | None = None, cwd: Path | None = None) -> tuple[str | None, float, float]:
    """Run a process; (its stdout or None if it passed the cap, wall seconds, peak RSS in MB)."""
    start = time.perf_counter()
    # output to files, not pipes: a child printing 1,000 summary lines would fill a pipe and wait
    stdout, stderr = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
    child = subprocess.Popen(argv, stdout=stdout, stderr=stderr, cwd=cwd, text=True)
    deadline = start + cap if cap else None
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if deadline and time.perf_counter() > deadline:
            child.kill()
            pid, status, usage = os.wait4(child.pid, 0)
            return None, time.perf_counter() - start, usage.ru_maxrss / 1024
        time.sleep(0.01)
    wall = time.perf_counter() - start
    stdout.seek(0)
    stderr.seek(0)
    out, err = stdout.read(), stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{err}")
    return out, wall, usage.ru_maxrss / 1024


def slope(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of log(time) against log(length)."""
    pts = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len(pts) < 2:
        return None
    mx = statistics.mean(x for x, _ in pts)
    my = statistics.mean(y for _, y in pts)
    den = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / den if den else None


# -- the parts of the report ------------------------------------------------------------


def table(witness_counts: list[int], lengths: list[int], cap: float) -> dict:
    print(f"Collating a passage (align + variants + metrics), each cell in its own process; "
          f"CollateX alone only where it should finish in {cap:.0f} s.\n")
    print(f"{'wit':>3} {'words':>6} | {'anchored s':>10} {'MB':>5} | {'collatex s':>10} {'MB':>5} | {'ratio':>6}")
    print("-" * 62)
    results: dict = {}
    for w in witness_counts:
        collatex_points: list[tuple[int, float]] = []
        for length in lengths:
            out, _, rss = measure([sys.executable, __file__, "--cell", "anchored", str(w), str(length)])
            a_time, words = (float(x) for x in out.split())
            c_text = "—".rjust(10) + " " + "".rjust(5)
            ratio = ""
            c_time = None
            predicted = _predict(collatex_points, words)
            if predicted is None or predicted < cap:
                out_c, wall, rss_c = measure([sys.executable, __file__, "--cell", "collatex", str(w), str(length)], cap)
                if out_c is not None:
                    c_time = float(out_c.split()[0])
                    collatex_points.append((words, c_time))
                    c_text = f"{c_time:10.2f} {rss_c:5.0f}"
                    ratio = f"{c_time / a_time:5.0f}x"
                else:
                    collatex_points.append((words, math.inf))
                    c_text = f"{'> ' + format(cap, '.0f'):>10} {rss_c:5.0f}"
            results[(w, length)] = (words, a_time, rss, c_time)
            print(f"{w:>3} {words:>6.0f} | {a_time:10.2f} {rss:5.0f} | {c_text} | {ratio:>6}", flush=True)
    return results


def _predict(points: list[tuple[float, float]], words: float) -> float | None:
    """CollateX's time at ``words``, from its last measured cell (time grows with length squared)."""
    if not points:
        return None
    last_words, last_time = points[-1]
    return last_time * (words / last_words) ** 2


def exponents(results: dict, witness_counts: list[int]) -> None:
    print("\nGrowth exponent (slope of log time against log length; 1 = linear, 2 = quadratic):")
    for w in witness_counts:
        rows = [v for (wc, _), v in sorted(results.items()) if wc == w]
        a = slope([(words, t) for words, t, _, _ in rows if words >= 900])
        c = slope([(words, ct) for words, _, _, ct in rows if ct])
        print(f"  {w} witnesses: anchored {a:.2f}" + (f", collatex alone {c:.2f}" if c else "")
              if a is not None else f"  {w} witnesses: too few points")


def thousand(cap: float) -> None:
    out_a, _, _ = measure([sys.executable, __file__, "--cell", "anchored", "3", "1000"])
    out_c, _, _ = measure([sys.executable, __file__, "--cell", "collatex", "3", "1000"], cap * 3)
    a = float(out_a.split()[0])
    words = out_a.split()[1]
    if out_c is None:
        print(f"\n3 witnesses of ~{words} words: anchored {a:.3f} s; collatex alone over {cap * 3:.0f} s")
    else:
        c = float(out_c.split()[0])
        print(f"\n3 witnesses of ~{words} words: anchored {a:.3f} s, collatex alone {c:.2f} s: {c / a:.0f}x faster")


def letter() -> None:
    """Three witnesses of ~400 words: 1859, 1860 and 1861 as a letter's archival copy, print and web text."""
    from collate.config import Config
    from collate.control import collate_set
    from collate.engines import align
    from collate.model import Witness, WitnessSet
    from collate.normalize import compile_rules, prepare_set

    texts = {s: " ".join((DARWIN / f"{s}.txt").read_text(encoding="utf-8").split()[:400]) for s in
             ("1859", "1860", "1861")}
    texts["1860"] = texts["1860"].replace("cultivated", "cultivat-\ned", 1).replace("generally", "usually", 1)
    rules = compile_rules(Config().normalize)
    witnesses = [Witness(s, Path(s), text=t) for s, t in texts.items()]
    prepared = prepare_set(witnesses, rules)
    keys = {p.witness.siglum: [s.key for s in p.segments] for p in prepared}
    align(keys, "anchored")  # imports
    times = []
    for _ in range(20):
        start = time.perf_counter()
        align(keys, "anchored")
        times.append(time.perf_counter() - start)
    wset = WitnessSet(name="letter", path=DARWIN, title="letter", base="1859", witnesses=tuple(witnesses),
                      normalize=Config().normalize, rules=rules)
    whole = []
    for _ in range(5):
        start = time.perf_counter()
        collate_set(wset, "anchored")
        whole.append(time.perf_counter() - start)
    print(f"\nA typical letter (3 witnesses of ~400 words): aligned in {statistics.median(times) * 1000:.1f} ms "
          f"(median of 20), collated in all (variants, metrics) in {statistics.median(whole) * 1000:.0f} ms")


def darwin_run(tmp: Path) -> None:
    collate = COLLATE
    out, wall, rss = measure([*collate, "run", str(DARWIN), "--out", str(tmp / "darwin"), "--force"], cwd=tmp)
    written = sorted(p.name for p in (tmp / "darwin").iterdir())
    print(f"\nDarwin, chapter 1, six editions (~12,500 words each), `collate run` writing {', '.join(written)}: "
          f"{wall:.1f} s, peak {rss:.0f} MB (goal: < 2 s, issue 12)\n  {out.strip()}")


def many_sets(tmp: Path, count: int, jobs: int) -> None:
    root = small_sets(tmp / "sets", count)
    collate = [*COLLATE, "run", str(root), "--out", str(tmp / "many"), "-j", str(jobs)]
    _, first, rss = measure(collate, cwd=tmp)
    _, second, _ = measure(collate, cwd=tmp)
    print(f"\n{count} synthetic sets of 3 witnesses (~120 words), JSON and HTML: first run (-j {jobs}) {first:.1f} s "
          f"(peak {rss:.0f} MB per process); second run, nothing changed: {second:.2f} s")


def small_sets(root: Path, count: int) -> Path:
    """``count`` synthetic sets: passages of ~120 words of Darwin's 1859 text, B and C with 4 seeded edits."""
    words = (DARWIN / "1859.txt").read_text(encoding="utf-8").split()
    rnd = random.Random(1000)
    for n in range(count):
        start = rnd.randrange(len(words) - 130)
        base = words[start:start + 120]
        folder = root / f"letter-{n:04d}"
        folder.mkdir(parents=True)
        manifest = [f'title = "synthetic letter {n}"']
        for siglum in ("A", "B", "C"):
            text = list(base)
            if siglum != "A":
                for _ in range(4):
                    i = rnd.randrange(len(text))
                    text[i] = rnd.choice(words)
            (folder / f"{siglum.lower()}.txt").write_text(" ".join(text) + "\n", encoding="utf-8")
            manifest += ["", "[[witness]]", f'siglum = "{siglum}"', f'file = "{siglum.lower()}.txt"']
        (folder / "set.toml").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    return root


def dask_sets(tmp: Path, count: int) -> None:
    """``count`` small sets: ``-j 2`` against ``--scheduler`` with two single-threaded Dask workers here.

    The scheduler and the workers are ``dask scheduler`` / ``dask worker`` processes on
    127.0.0.1, started (and their start-up not counted) before the run. Both runs write
    JSON and HTML; the reports are compared byte for byte. Then the same figures give a
    paper estimate for 1,000,000 sets on N workers.
    """
    import filecmp
    import json

    root = small_sets(tmp / "dask-sets", count)
    run = [*COLLATE, "run", str(root), "--force"]
    _, local, _ = measure([*run, "--out", str(tmp / "j2"), "-j", "2"], cwd=tmp)
    _, unchanged, _ = measure([*run[:-1], "--out", str(tmp / "j2")], cwd=tmp)  # the client's own work per set
    dask = Path(sys.executable).parent / "dask"
    info = tmp / "scheduler.json"
    logs = open(tmp / "dask.log", "w")  # noqa: SIM115 - open while the cluster runs
    processes = [subprocess.Popen([str(dask), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                   "--scheduler-file", str(info)], stdout=logs, stderr=logs, cwd=tmp)]
    try:
        while not info.exists() or not info.read_text(encoding="utf-8").strip():
            time.sleep(0.1)
        address = json.loads(info.read_text(encoding="utf-8"))["address"]
        processes += [subprocess.Popen([str(dask), "worker", "--scheduler-file", str(info), "--nthreads", "1",
                                        "--no-dashboard", "--host", "127.0.0.1"], stdout=logs, stderr=logs, cwd=tmp)
                      for _ in range(2)]
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        _, remote, rss = measure([*run, "--out", str(tmp / "dask"), "--scheduler", address], cwd=tmp)
    finally:
        for process in processes:
            process.kill()
            process.wait()
        logs.close()
    compared = filecmp.dircmp(tmp / "j2", tmp / "dask")
    same = not (compared.left_only or compared.right_only or
                filecmp.cmpfiles(tmp / "j2", tmp / "dask", compared.common_files, shallow=False)[1])
    per_local, per_remote = local / count * 1000, remote / count * 1000
    worker = 2 * remote / count  # worker-seconds per set, Dask's overhead included
    client = unchanged / count  # reading and checking one set on the client (no collation)
    print(f"\n{count} synthetic sets (3 x ~120 words), JSON and HTML, `collate run --force`: -j 2 {local:.1f} s "
          f"({per_local:.1f} ms a set); --scheduler, 2 single-threaded workers {remote:.1f} s ({per_remote:.1f} ms a set,"
          f" client peak {rss:.0f} MB); Dask's overhead {per_remote - per_local:+.1f} ms a set; reports "
          f"{'byte-identical' if same else 'DIFFERENT'}")
    print(f"  On paper, 1,000,000 such sets on N single-threaded workers: the workers need ~{worker * 1e6 / 3600:.0f} "
          f"worker-hours ({worker * 1000:.0f} ms a set), the client ~{client * 1e6 / 3600:.1f} h alone (reading and "
          f"checking {client * 1000:.1f} ms a set, plus writing the reports) and the scheduler ~0.3 h (Dask documents "
          f"~1 ms of overhead a task): N = 100 -> ~{max(worker * 1e6 / 100, client * 1e6) / 3600:.1f} h; "
          f"past N ~ {worker / client:.0f} the client is the bottleneck and more workers do not help (run "
          "several clients over parts of the corpus). The client also holds every set's texts (a few kB a set: "
          "gigabytes for 1,000,000).")


# -- the limits: whole processes on inputs built to hurt (issue 12) ------------------------


def write_set(folder: Path, texts: dict[str, str], title: str) -> Path:
    folder.mkdir(parents=True)
    manifest = [f'title = "{title}"']
    for siglum, text in texts.items():
        (folder / f"{siglum}.txt").write_text(text, encoding="utf-8")
        manifest += ["", "[[witness]]", f'siglum = "{siglum}"', f'file = "{siglum}.txt"']
    (folder / "set.toml").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    return folder


def darwin_words() -> list[str]:
    return (DARWIN / "1859.txt").read_text(encoding="utf-8").split()


def random_pair(words: int, seed: int = 200) -> dict[str, str]:
    """Synthetic: ``words`` words drawn (seeded) from Darwin's 1859 chapter; B has one edit per ~40 words."""
    vocabulary = darwin_words()
    rnd = random.Random(seed)
    a = [rnd.choice(vocabulary) for _ in range(words)]
    b: list[str] = []
    for word in a:
        roll = rnd.random()
        if roll < 0.008:
            continue  # dropped
        b.append(rnd.choice(vocabulary) if roll < 0.017 else word)  # replaced
        if roll > 0.992:
            b.append(rnd.choice(vocabulary))  # added
    return {"A": " ".join(a) + "\n", "B": " ".join(b) + "\n"}


NOVEL_EDITIONS = ("1859", "1860", "1866", "1872")


def novel(chapters: int = 6) -> dict[str, str]:
    """A "novel" of ``chapters`` chapters in four editions, from Darwin's real variation.

    Edition E's chapter c is Darwin's chapter 1 in edition E (1859, 1860, 1866, 1872: ~11,100
    to ~12,400 words), every word passed through chapter c's own substitution (a seeded
    bijection of the chapter's vocabulary onto itself, the same for every edition; chapter 0
    is Darwin's text as printed). So the editions differ exactly as Darwin's do, chapter by
    chapter, while no chapter repeats another's word sequences (as a novel's chapters do not):
    six chapters give 4 witnesses of 67,000-74,000 words.
    """
    texts = {e: (DARWIN / f"{e}.txt").read_text(encoding="utf-8") for e in NOVEL_EDITIONS}
    vocabulary = sorted({w for t in texts.values() for w in t.split()})
    out: dict[str, list[str]] = {e: [] for e in NOVEL_EDITIONS}
    for c in range(chapters):
        shuffled = list(vocabulary)
        random.Random(c).shuffle(shuffled)
        cipher = dict(zip(vocabulary, shuffled, strict=True)) if c else {w: w for w in vocabulary}
        for e, text in texts.items():
            out[e].append("\n".join(" ".join(cipher[w] for w in line.split()) for line in text.splitlines()))
    return {e: "\n\n".join(chapters_) + "\n" for e, chapters_ in out.items()}


#: CollateX as its own documentation calls it, in a plain Python process: the witnesses of the
#: set folder given, each file one plain witness, collated with the package's defaults
COLLATEX_SCRIPT = """
import sys
from pathlib import Path
from collatex import Collation, collate
collation = Collation()
for path in sorted(Path(sys.argv[1]).glob("*.txt")):
    collation.add_plain_witness(path.stem, path.read_text(encoding="utf-8"))
table = collate(collation)
print(len(table.columns), "columns")
"""


def whole(argv: list[str], cwd: Path, cap: float, memory_mb: int,
          program: list[str] | None = None) -> tuple[str, float, float]:
    """A whole collate process (or ``program``) under a time and a memory cap: (what it gave, wall s, peak MB)."""
    import resource

    stdout, stderr = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
    start = time.perf_counter()
    child = subprocess.Popen([*(program or COLLATE), *argv], stdout=stdout, stderr=stderr,
                             cwd=cwd, text=True, start_new_session=True)
    # The memory cap is set on the child once it is started, not by a preexec_fn in it: a
    # preexec_fn makes subprocess fork this process (and run Python in the copy) instead of
    # vfork-ing it, ~2-3 ms of every figure with this script at ~40 MB (13-17 ms at 300 MB),
    # where a shell starts a program in ~0.7 ms. The child runs uncapped until prlimit lands: its
    # first moments of Python start-up, a few MB, far below any cap (a child that reads its limit
    # at once saw none in 4 of 300 launches on a loaded machine; none allocates much that early).
    try:
        resource.prlimit(child.pid, resource.RLIMIT_AS, (memory_mb * 2**20, memory_mb * 2**20))
    except ProcessLookupError:  # it has ended already
        pass
    # The end is waited for, not polled: a poll every 10 ms (as this did until 2026-12-01) added
    # up to 10 ms to each figure, a fifteenth of a short run's. A timer kills a child over the cap.
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        try:
            os.killpg(child.pid, 9)
        except ProcessLookupError:  # it ended meanwhile
            pass

    timer = threading.Timer(cap, kill)
    timer.start()
    pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    timer.cancel()
    if killed.is_set():
        return f"killed after {cap:.0f} s", wall, usage.ru_maxrss / 1024
    stderr.seek(0)
    err = stderr.read().strip().splitlines()
    code = os.waitstatus_to_exitcode(status)
    if code != 0 and not (code == 1 and argv[0] == "check"):  # check's 1 is problems found, not a failure
        said = err[-1] if err else ""
        return f"exit {code}: {said[:90]}", wall, usage.ru_maxrss / 1024
    warned = sum(1 for line in err if line.startswith("warning:"))
    return f"ok{f', {warned} warnings' if warned else ''}", wall, usage.ru_maxrss / 1024


def limits(tmp: Path, cap: float, memory_mb: int) -> None:
    """Issue 12's table: whole ``collate run`` processes (start-up, JSON and HTML included).

    Inputs (synthetic ones marked so): one word repeated 20,000 times on one line against a
    short line (synthetic); the Roosevelt letter of 23 November 1933 (APP's text) followed by a
    column of 150 ditto marks against the same with 149 (a real letter, the column synthetic);
    two witnesses of 200,000 words (synthetic, :func:`random_pair`); the "novel" of
    :func:`novel` (4 x ~70,000 words of Darwin's real variation); ``collate check`` on that
    novel with the apparatus ``collate apparatus`` writes for it (thousands of entries);
    two of 200,000 words of Darwin's real variation (:func:`novel` with 18 chapters, 1859 and
    1860 only); Darwin's chapter 1 in six editions; three witnesses of ~1,000 words (Darwin) against
    CollateX alone, both whole processes, in the same run (the median of ten of ours and of three
    of CollateX's, in turn: a seventh of a second, where a busy machine's noise counts).
    """
    print(f"The limits (issue 12): whole `collate run` processes, each capped at {cap:.0f} s and "
          f"{memory_mb:,} MB of address space; the user's cache (dictionary answers; "
          f"README, 'Many sets') as the rows before leave it.\n")
    print(f"{'input':<58} | {'result':<24} | {'s':>6} | {'MB':>6} | goal")
    print("-" * 120)

    def row(label: str, result: tuple[str, float, float], goal: str) -> tuple[str, float, float]:
        said, wall, rss = result
        print(f"{label:<58} | {said[:24]:<24} | {wall:6.1f} | {rss:6.0f} | {goal}", flush=True)
        if len(said) > 24:
            print(f"{'':<58} |   {said[:110]}")
        return result

    sets = tmp / "limits"

    def run(name: str, texts: dict[str, str], title: str, *extra: str) -> tuple[str, float, float]:
        folder = write_set(sets / name, texts, title)
        return whole(["run", str(folder), "--out", str(tmp / "out" / name), "--force", *extra], tmp, cap, memory_mb)

    short = "the letter was sent\n"
    row("one word x 20,000 against a short line (synthetic)",
        run("repeat", {"A": "the " * 20_000 + "\n", "B": short}, "repeated"), "< 20 s, < 1 GB")
    letter = LETTER.read_text(encoding="utf-8")
    row("a letter + 150 ditto marks `do.` against 149",
        run("ditto", {"A": letter + "do.\n" * 150, "B": letter + "do.\n" * 149}, "ditto"), "< 5 s")
    row("two witnesses of 200,000 words (synthetic)",
        run("long", random_pair(200_000), "200,000 words"), "linear memory, < 1 GB")
    book = novel(18)
    pair = {e: book[e] for e in ("1859", "1860")}
    words = " / ".join(f"{len(t.split()):,}" for t in pair.values())
    row(f"two of 200,000 words (the novel in 18 ch., 1859/1860: {words})",
        run("book", pair, "200,000 words of Darwin"), "linear memory, < 1 GB")
    book = novel()
    words = " / ".join(f"{len(t.split()):,}" for t in book.values())
    novel_run = row(f"a novel, 4 editions ({words} words)", run("novel", book, "novel"), "< 10 s, < 500 MB")
    folder = sets / "novel"
    synced = whole(["apparatus", str(folder)], tmp, cap * 5, memory_mb)
    entries = (folder / "apparatus.toml").read_text(encoding="utf-8").count("[variants.") \
        if (folder / "apparatus.toml").exists() else 0
    row(f"  `collate apparatus` on it ({entries:,} entries written)", synced, "")
    checked = row(f"  `collate check` with its {entries:,} entries", whole(["check", str(folder)], tmp, cap, memory_mb),
                  f"< 1.5x the run: {1.5 * novel_run[1]:.1f} s")
    if checked[0].startswith("ok"):
        print(f"{'':<58} |   {checked[1] / novel_run[1]:.2f}x the run")
    row("Darwin ch. 1, 6 editions (benchmarks/darwin-origin-ch1)",
        whole(["run", str(DARWIN), "--out", str(tmp / "out" / "darwin"), "--force"], tmp, cap, memory_mb), "< 2 s")
    passage_1000 = passage(1000, 3)
    # Ours is a seventh of a second, where a busy machine's noise is a large part, and CollateX's
    # own time varies by a tenth from run to run here (6.9-8.6 s): the median of ten processes of
    # ours and of three of CollateX alone, taken in turn (three of ours after each of CollateX's),
    # so that both meet the machine in the same states.
    tries = [run("thousand", passage_1000, "thousand")]
    slow = []
    for _ in range(3):
        slow.append(whole(["run", str(sets / "thousand"), "--out", str(tmp / "out" / "alone"), "--force",
                           "--engine", "collatex"], tmp, cap * 3, memory_mb))
        tries += [whole(["run", str(sets / "thousand"), "--out", str(tmp / "out" / "thousand"), "--force"], tmp,
                        cap, memory_mb) for _ in range(3)]
    walls = sorted(t[1] for t in tries)
    anchored = row(f"3 x 1,000 words (Darwin), anchored (median of {len(walls)})",
                   (tries[0][0], statistics.median(walls), max(t[2] for t in tries)), "")
    print(f"{'':<58} |   {' / '.join(f'{w:.3f}' for w in walls)} s")
    alone = row("3 x 1,000 words (Darwin), CollateX alone (median of 3)",
                (slow[0][0], statistics.median(t[1] for t in slow), max(t[2] for t in slow)), "")
    print(f"{'':<58} |   {' / '.join(f'{w:.2f}' for w in sorted(t[1] for t in slow))} s")
    if alone[0].startswith("ok") and anchored[0].startswith("ok"):
        print(f"{'  ratio, whole processes':<58} | {alone[1] / anchored[1]:5.0f}x{'':<18} | {'':>6} | {'':>6} | >= 50x"
              f" (anchored <= {alone[1] / 50:.3f} s)")
    package = row("  the collatex package alone, a plain script, its defaults",
                  whole([str(sets / "thousand")], tmp, cap * 3, memory_mb, [sys.executable, "-c", COLLATEX_SCRIPT]), "")
    if package[0].startswith("ok") and anchored[0].startswith("ok"):
        print(f"{'  ratio to that':<58} | {package[1] / anchored[1]:5.0f}x{'':<18} | {'':>6} | {'':>6} | "
              f"(for comparison; the goal is set against the row above)")
    print()


def windows() -> None:
    """The aligner alone: collate.editgraph against CollateX on the very windows the anchored engine makes.

    The windows of Darwin's chapter (six editions) and of Pater's and Whitman's sets are
    caught as the anchored engine hands them over, then each is aligned by both, in this
    process, CollateX's package imported beforehand (its import is not counted). Both must
    give the same columns; the ratio is the point of collate.editgraph.
    """
    import collate.align as align_module
    import collate.anchored as anchored
    from collate import editgraph
    from collate.config import Config
    from collate.control import collate_paths

    print("The aligner alone, on the windows the anchored engine makes (collate.editgraph against "
          "CollateX's package, same process, same windows):\n")
    print(f"{'set':<28} | {'windows':>7} | {'cells':>9} | {'editgraph':>9} | {'CollateX':>9} | ratio | goal")
    print("-" * 96)
    real = align_module.align_window
    for folder in (DARWIN, HERE / "juxta-pater-leonardo", HERE / "juxta-whitman-leaves"):
        seen: list[dict[str, list[str]]] = []

        def spy(keys: dict[str, list[str]], max_cells: float | None = None,
                seen: list[dict[str, list[str]]] = seen) -> list[dict[str, int]]:
            seen.append(dict(sorted((s, list(k)) for s, k in keys.items() if k)))
            return real(keys, max_cells)

        anchored.align_window = spy
        try:
            collate_paths([folder], Config())
        finally:
            anchored.align_window = real
        align_module._collatex_table(seen[0])  # CollateX imported and warmed up outside the timing
        start = time.perf_counter()
        mine = [editgraph.align(keys) for keys in seen]
        ours = time.perf_counter() - start
        start = time.perf_counter()
        theirs = [align_module._collatex_table(keys) for keys in seen]
        alone = time.perf_counter() - start
        same = "" if mine == theirs else " (DIFFERENT COLUMNS)"
        cells = sum(align_module.collatex_cells(keys) for keys in seen)
        print(f"{folder.name:<28} | {len(seen):7,} | {cells:9,} | {ours:8.3f}s | {alone:8.3f}s | "
              f"{alone / ours:4.0f}x | same columns, >= 10x{same}")
    print()


def byte_compile() -> str:
    """Byte-compile collate's sources, as ``pip install`` does; what to say about it.

    An editable install run under ``PYTHONDONTWRITEBYTECODE`` (this environment sets it)
    never writes its ``.pyc`` files, so every whole process measured would compile
    collate's ~55 modules again (~0.05 s), which an installed collate never does.
    ``compileall`` writes them whatever that variable says; Python reads them either way.
    """
    import compileall

    import collate

    folder = Path(collate.__file__).parent
    compileall.compile_dir(folder, quiet=1)
    setting = os.environ.get("PYTHONDONTWRITEBYTECODE")
    return (f"collate's sources ({folder}) byte-compiled first, as pip install does"
            f"{f' (PYTHONDONTWRITEBYTECODE={setting} here)' if setting else ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a small table and 100 sets (about a minute)")
    parser.add_argument("--cap", type=float, default=60, help="seconds CollateX alone may take per cell, "
                        "and a whole process of the limits")
    parser.add_argument("--memory", type=int, default=4000, help="MB of address space a process of the limits may take")
    parser.add_argument("--witnesses", type=int, nargs="*", help="witness counts (default 2 3 4 5 6)")
    parser.add_argument("--lengths", type=int, nargs="*", help="words of 1859 (default 500 ... 11130, all)")
    parser.add_argument("--sets", type=int, help="how many small sets for the incremental run (default 1000)")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the run of many sets")
    parser.add_argument("--parts", nargs="*", default=PARTS, choices=PARTS, help="what to run (default: all)")
    parser.add_argument("--cell", nargs=3, metavar=("ENGINE", "WITNESSES", "LENGTH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cell:
        cell(args.cell[0], int(args.cell[1]), int(args.cell[2]))
        return
    witness_counts = args.witnesses or ([2, 3] if args.quick else [2, 3, 4, 5, 6])
    lengths = args.lengths or ([500, 1000, 2000] if args.quick else [500, 1000, 2000, 4000, 8000, 11130])
    cap = 20 if args.quick and args.cap == 60 else args.cap
    print(f"collate benchmark on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"{byte_compile()}\n")
    if "limits" in args.parts:
        scratch = Path(tempfile.mkdtemp(prefix="collate-bench-"))
        try:
            limits(scratch, cap, args.memory)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    if "table" in args.parts:
        results = table(witness_counts, lengths, cap)
        exponents(results, witness_counts)
    if "thousand" in args.parts:
        thousand(cap)
    if "letter" in args.parts:
        letter()
    tmp = Path(tempfile.mkdtemp(prefix="collate-bench-"))
    try:
        if "darwin" in args.parts:
            darwin_run(tmp)
        if "windows" in args.parts:
            windows()
        if "many" in args.parts:
            many_sets(tmp, args.sets or (100 if args.quick else 1000), args.jobs)
        if "dask" in args.parts:
            dask_sets(tmp, 200 if args.quick else 2000)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
