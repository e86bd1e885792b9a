"""``--scheduler``: sets collated on a real Dask cluster on 127.0.0.1.

Real texts: the shipped edition (witnesses/), and Darwin's chapter 1 cut into its 47
paragraphs, one set per paragraph with the editions that have it (the paragraphs are
the CollateX project's units, joined with blank lines in benchmarks/darwin-origin-ch1).
The cluster is real: a ``LocalCluster`` (``--scheduler local``), and ``dask scheduler``
with ``dask worker`` processes, one of which a test kills in the middle of a run.
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT

pytest.importorskip("distributed", reason="pip install 'collate[dask]' (the test extra brings it)")

DARWIN = ROOT / "benchmarks" / "darwin-origin-ch1"
EDITIONS = ["1859", "1860", "1861", "1866", "1869", "1872"]
ONLY_LATE = {1, 2, 4, 45}  # paragraphs (0-based, of 47) only the 1869 and 1872 editions have
BIN = Path(sys.executable).parent


def paragraph_sets(root: Path, copies: int = 1) -> Path:
    """Darwin's chapter as one set per paragraph (``copies`` of each, under other names)."""
    paragraphs = {e: (DARWIN / f"{e}.txt").read_text(encoding="utf-8").split("\n\n") for e in EDITIONS}
    at = dict.fromkeys(EDITIONS, 0)
    for unit in range(47):
        texts = {}
        for e in EDITIONS:
            if unit in ONLY_LATE and e not in ("1869", "1872"):
                continue
            texts[e] = paragraphs[e][at[e]].strip() + "\n"
            at[e] += 1
        for copy in range(copies):
            folder = root / f"darwin-p{unit:02d}-{copy}"
            folder.mkdir(parents=True)
            manifest = [f'title = "Darwin, Origin, chapter 1, paragraph {unit + 1}"']
            for e, text in texts.items():
                (folder / f"{e}.txt").write_text(text, encoding="utf-8")
                manifest += ["", "[[witness]]", f'siglum = "{e}"', f'file = "{e}.txt"']
            (folder / "set.toml").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    return root


def collate(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None,
            timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "collate"), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def same_tree(a: Path, b: Path) -> list[str]:
    """Files that differ between two report folders (by bytes), or are in one only."""
    compared = filecmp.dircmp(a, b)
    differ = [*compared.left_only, *compared.right_only]
    _, mismatch, errors = filecmp.cmpfiles(a, b, compared.common_files, shallow=False)
    return sorted([*differ, *mismatch, *errors])


# -- a cluster of processes on 127.0.0.1 --------------------------------------------------------


class Cluster:
    """``dask scheduler`` and ``dask worker`` processes (single-threaded, no nanny: a killed worker stays dead)."""

    def __init__(self, tmp: Path, workers: int, env: dict[str, str] | None = None) -> None:
        self.tmp, self.env = tmp, {**os.environ, **(env or {})}
        self.file = tmp / "scheduler.json"
        self.logs: list[Path] = []
        self.scheduler = self._start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", "0",
                                                   "--no-dashboard", "--scheduler-file", str(self.file)])
        deadline = time.monotonic() + 60
        while not self.file.exists() or not self.file.read_text(encoding="utf-8").strip():
            assert time.monotonic() < deadline and self.scheduler.poll() is None, self.log()
            time.sleep(0.1)
        self.address: str = json.loads(self.file.read_text(encoding="utf-8"))["address"]
        self.workers = [self._start(f"worker-{n}", ["worker", "--scheduler-file", str(self.file), "--nthreads", "1",
                                                    "--no-nanny", "--no-dashboard", "--host", "127.0.0.1",
                                                    "--name", f"w{n}"]) for n in range(workers)]
        from distributed import Client

        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=60)

    def _start(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        log = self.tmp / f"{name}.log"
        self.logs.append(log)
        with log.open("wb") as out:
            return subprocess.Popen([str(BIN / "dask"), *args], stdout=out, stderr=subprocess.STDOUT, env=self.env,
                                    cwd=self.tmp)

    def log(self) -> str:
        return "\n".join(p.read_text(encoding="utf-8", errors="replace")[-2000:] for p in self.logs if p.exists())

    def close(self) -> None:
        """Killed, not shut down: a test's cluster has nothing to save, and a graceful close takes seconds."""
        for process in [*self.workers, self.scheduler]:
            if process.poll() is None:
                process.kill()
            process.wait()


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    started = Cluster(tmp_path, workers=2)
    try:
        yield started
    finally:
        started.close()


@pytest.fixture(scope="module")
def paragraphs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The 47 paragraph sets and their reports from a local run."""
    root = paragraph_sets(tmp_path_factory.mktemp("paragraphs"))
    out = root.parent / "local-reports"
    done = collate("run", str(root), "--out", str(out), "--force", "--format", "json", "--format", "html",
                   "--format", "tei")
    assert done.returncode == 0, done.stderr
    return root, out


# -- the tests ------------------------------------------------------------------------------------


def test_local_cluster_reports_are_byte_identical_to_a_local_run(tmp_path: Path) -> None:
    local, dask = tmp_path / "local", tmp_path / "dask"
    plain = collate("run", "witnesses", "--out", str(local), "--force", "--format", "json", "--format", "html",
                    "--format", "tei")
    assert plain.returncode == 0, plain.stderr
    remote = collate("run", "witnesses", "--out", str(dask), "--force", "--format", "json", "--format", "html",
                     "--format", "tei", "--scheduler", "local", "-j", "2")
    assert remote.returncode == 0, remote.stderr
    assert remote.stdout == plain.stdout  # the summary lines, in the sets' order
    assert len(list(local.iterdir())) == 3 * 8 + 1  # json, html and tei per set, the index
    assert same_tree(local, dask) == []


def test_scheduler_and_workers_on_127_0_0_1(cluster: Cluster, paragraphs: tuple[Path, Path], tmp_path: Path,
                                            edition_copy: Path) -> None:
    root, expected = paragraphs
    out = tmp_path / "reports"
    done = collate("run", str(root), "--out", str(out), "--force", "--format", "json", "--format", "html",
                   "--format", "tei", "--scheduler", cluster.address)
    assert done.returncode == 0, done.stderr + cluster.log()
    assert len(done.stdout.splitlines()) == 47
    assert same_tree(expected, out) == []
    # the client writes the apparatus: workers only collate (they never see the edition's folder)
    letter = "1933-11-23-roosevelt-to-litvinov"
    (edition_copy / letter / "apparatus.toml").unlink()
    here = tmp_path / "here"
    shutil.copytree(edition_copy, here)
    synced = collate("apparatus", str(edition_copy), "--scheduler", cluster.address)
    assert synced.returncode == 0, synced.stderr
    local = collate("apparatus", str(here))
    assert synced.stdout.replace(str(edition_copy), str(here)) == local.stdout
    (added,) = re.findall(rf"{letter}/apparatus\.toml: (\d+) added", synced.stdout)
    assert int(added) > 0
    assert (edition_copy / letter / "apparatus.toml").read_bytes() == (here / letter / "apparatus.toml").read_bytes()
    failing = collate("check", str(edition_copy), "--scheduler", cluster.address)
    assert failing.returncode == 1
    assert failing.stdout.count(": unreviewed variant ") == int(added)


def test_a_worker_killed_mid_run_and_its_sets_are_collated_elsewhere(cluster: Cluster,
                                                                     paragraphs: tuple[Path, Path],
                                                                     tmp_path: Path) -> None:
    root, expected = paragraphs
    out = tmp_path / "reports"
    run = subprocess.Popen([str(BIN / "collate"), "run", str(root), "--out", str(out), "--force", "--format", "json",
                            "--format", "html", "--format", "tei", "--scheduler", cluster.address],
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not (out.exists() and len(list(out.glob("*.json"))) >= 3):  # the run is under way on both workers
        assert run.poll() is None and time.monotonic() < deadline, run.communicate()
        time.sleep(0.05)
    victim = cluster.workers[0]
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert run.poll() is None, "the run ended before the worker was killed: nothing was tested"
    written_at_kill = len(list(out.glob("*.json")))
    stdout, stderr = run.communicate(timeout=600)
    assert run.returncode == 0, stderr + cluster.log()
    assert written_at_kill < 47
    assert len(stdout.splitlines()) == 47
    assert same_tree(expected, out) == []  # every set, the same bytes as a local run


def test_a_set_that_kills_every_worker_it_meets_is_named(tmp_path: Path, paragraphs: tuple[Path, Path]) -> None:
    # with no retries allowed, the set on the killed worker is lost: one line naming it, exit 2
    started = Cluster(tmp_path, workers=2, env={"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"})
    try:
        root, _ = paragraphs
        out = tmp_path / "reports"
        run = subprocess.Popen([str(BIN / "collate"), "run", str(root), "--out", str(out), "--force",
                                "--scheduler", started.address], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 300
        while not (out.exists() and len(list(out.glob("*.json"))) >= 3):
            assert run.poll() is None and time.monotonic() < deadline, run.communicate()
            time.sleep(0.05)
        started.workers[0].send_signal(signal.SIGKILL)
        _, stderr = run.communicate(timeout=600)
    finally:
        started.close()
    assert run.returncode == 2, stderr
    said = [line for line in stderr.splitlines() if line.startswith("collate:")]
    assert len(said) == 1 and "Traceback" not in stderr, stderr
    assert said[0].startswith("collate: Dask lost the set darwin-p") and "(out of memory, or killed)" in said[0]


def test_unreachable_scheduler_is_exit_2_naming_the_address(tmp_path: Path) -> None:
    started = time.monotonic()
    done = collate("check", "witnesses", "--scheduler", "tcp://127.0.0.1:9",
                   env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("collate: cannot reach the Dask scheduler at tcp://127.0.0.1:9: ")
    assert time.monotonic() - started < 60
    assert not (tmp_path / "reports").exists()


def test_run_check_and_apparatus_take_the_option() -> None:
    for command in ("run", "check", "apparatus"):
        done = collate(command, "--help")
        assert "--scheduler ADDRESS|local" in done.stdout, command
