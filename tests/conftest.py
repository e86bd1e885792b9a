"""Shared fixtures: paths to the shipped edition and to test-only (synthetic) sets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WITNESSES = ROOT / "witnesses"
TEST_SETS = Path(__file__).resolve().parent / "sets"


@pytest.fixture
def edition_copy(tmp_path: Path) -> Path:
    """A scratch copy of the shipped edition, to edit without touching the real one."""
    target = tmp_path / "witnesses"
    shutil.copytree(WITNESSES, target)
    return target
