"""Which loader reads a path: a set folder with ``set.toml``, or a file in another format.

A set folder is read by witness.py. Other inputs (a CollateX JSON file, where
each file or each unit in it is a set) have a loader by suffix in
:data:`FILE_LOADERS`: a new input format is a module below this one and a line
in that table (the table names its modules, they never register themselves).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .collatexjson import load_collatex_json
from .config import Config
from .errors import WitnessError
from .model import WitnessSet
from .sources import display_path
from .witness import load_set

FileLoader = Callable[[Path, Config], list[WitnessSet]]
#: file suffix -> the loader of a file in that format (one set per file, or per unit in it)
FILE_LOADERS: dict[str, FileLoader] = {".json": load_collatex_json}


def load_any(path: Path, config: Config) -> list[WitnessSet]:
    """Load a set folder, or a single file whose suffix has a loader."""
    if path.is_dir():
        return [load_set(path, config)]
    loader = FILE_LOADERS.get(path.suffix.lower())
    if loader is None:
        raise WitnessError("not a witness set (a folder with set.toml) nor a file collate can read", display_path(path))
    return loader(path, config)
