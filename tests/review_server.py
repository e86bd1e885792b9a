"""Start ``collate review --port 0 --no-browser`` as a real subprocess, for the HTTP and browser tests.

The server runs on a copy of the shipped edition in a scratch folder, never on
``witnesses/`` itself: it writes apparatus files.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

from conftest import WITNESSES

URL_LINE = re.compile(r"^http://127\.0\.0\.1:(\d+)/\?token=([A-Za-z0-9_-]+)$")
COLLATE = Path(sys.executable).with_name("collate")
#: the sets served: two letters with variants and one with a single witness (nothing to decide)
SETS = ("1933-10-10-roosevelt-to-kalinin", "1933-10-17-kalinin-to-roosevelt", "1933-11-23-roosevelt-to-litvinov")


class ReviewServer:
    """A running ``collate review``: its URL, port, token, and the sets it serves."""

    def __init__(
        self, folder: Path, names: tuple[str, ...] = SETS, timeout: float = 120.0, source: Path = WITNESSES
    ) -> None:
        self.sets = folder / "witnesses"
        for name in names:
            shutil.copytree(source / name, self.sets / name)
        self.process = subprocess.Popen(
            [str(COLLATE), "review", str(self.sets), "--port", "0", "--no-browser"],
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            # Ctrl-C as at a terminal, even when this test run itself was started with SIGINT ignored
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if not line or not URL_LINE.match(line[0].strip()):
            self.process.kill()
            _, err = self.process.communicate()
            raise AssertionError(f"no URL line from collate review: {line!r}; stderr: {err}")
        self.url = line[0].strip()
        found = URL_LINE.match(self.url)
        assert found is not None
        self.port = int(found.group(1))
        self.token = found.group(2)
        self.base = f"http://127.0.0.1:{self.port}"
        self.stderr = ""

    @property
    def host(self) -> str:
        return urlsplit(self.base).netloc

    def apparatus(self, name: str) -> Path:
        return self.sets / name / "apparatus.toml"

    def stop(self, sig: int = signal.SIGINT) -> int:
        """Stop it as Ctrl-C does; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            _, self.stderr = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, self.stderr = self.process.communicate()
        return self.process.returncode


def variant_id(name: str, readings: dict[str, str]) -> str:
    """The id of the shipped set's variant with these readings (ids are hashes; tests find them by text)."""
    from collate.config import load_config
    from collate.control import collate_paths

    (c,) = collate_paths([WITNESSES / name], load_config(WITNESSES.parent))
    found = [v.id for v in c.variants if {s: r.text for s, r in v.readings.items()} == readings]
    assert len(found) == 1, (name, readings, found)
    return found[0]
