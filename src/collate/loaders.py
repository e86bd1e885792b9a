"""Which loader reads a path: a set folder with ``set.toml``, or a file in another format.

A set folder is read by witness.py. Other inputs (a CollateX JSON file, where
each file or each unit in it is a set) register a loader here by suffix.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .config import Config
from .errors import WitnessError
from .model import WitnessSet
from .witness import display_path, load_set

FileLoader = Callable[[Path, Config], list[WitnessSet]]
FILE_LOADERS: dict[str, FileLoader] = {}


def load_any(path: Path, config: Config) -> list[WitnessSet]:
    """Load a set folder, or a single file whose suffix has a loader."""
    if path.is_dir():
        return [load_set(path, config)]
    loader = FILE_LOADERS.get(path.suffix.lower())
    if loader is None and path.suffix.lower() == ".json":
        from . import collatexjson  # noqa: F401  registers itself
        loader = FILE_LOADERS.get(".json")
    if loader is None:
        raise WitnessError("not a witness set (a folder with set.toml) nor a file collate can read", display_path(path))
    return loader(path, config)
