"""``collate init``: a new set's ``set.toml`` from the witness files an editor has.

The first file is the base (the text locations refer to, usually the source a
transcription is verified against); each siglum is its file's name without the
suffix. Files outside the set folder are copied into it (a manifest may not
point outside its folder), never over a file that is there. An existing
``set.toml`` is never overwritten: the person may have written it.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import tomlkit

from .atomic import write_atomic
from .errors import WitnessError
from .sources import display_path
from .witness import MANIFEST, set_name


@dataclass(frozen=True)
class NewSet:
    """What :func:`init_set` wrote: the manifest, each witness's siglum and file, the files copied in."""

    manifest: Path
    witnesses: tuple[tuple[str, str], ...]
    copied: tuple[str, ...]


def siglum_for(file: Path, taken: set[str]) -> str:
    """The file's name without its suffix, spaces as ``-``; ``-2``, ``-3`` ... when taken."""
    stem = re.sub(r"\s+", "-", file.stem.strip()) or "W"
    siglum, n = stem, 1
    while siglum in taken:
        n += 1
        siglum = f"{stem}-{n}"
    return siglum


def init_set(folder: Path, files: Sequence[Path]) -> NewSet:
    """Write ``folder/set.toml`` for ``files`` (the first the base), copying files from elsewhere in.

    Everything is checked before anything is written: a missing file, one
    named twice, a ``set.toml`` already there, or a file in the folder that a
    copy would replace stops it with a :class:`WitnessError`.
    """
    manifest = folder / MANIFEST
    if manifest.exists():
        raise WitnessError(f"{MANIFEST} exists already; edit it (or remove it to start again)",
                           display_path(manifest))
    if not files:
        raise WitnessError("name the witness files of the set, the base (the source) first", display_path(folder))
    root = folder.resolve() if folder.exists() else None
    plan: list[tuple[Path, str, bool]] = []  # source, name inside the folder, copy it in
    for file in files:
        if not file.is_file():
            raise WitnessError("no such file", display_path(file))
        resolved = file.resolve()
        if root is not None and resolved.is_relative_to(root):
            plan.append((file, resolved.relative_to(root).as_posix(), False))
        else:
            target = folder / file.name
            if target.exists() and target.resolve() != resolved:
                raise WitnessError(f"{file.name} is in the set folder already and is another file;"
                                   " rename one of them", display_path(target))
            plan.append((file, file.name, True))
    names = [name for _, name, _ in plan]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise WitnessError(f"named twice: {', '.join(twice)}", display_path(folder))
    taken: set[str] = set()
    doc = tomlkit.document()
    doc.add(tomlkit.comment("A witness set: collate compares these files. Written by `collate init`; edit it freely."))
    doc["title"] = set_name(folder)
    witnesses = []
    sigla: list[str] = []
    for _, name, _ in plan:
        siglum = siglum_for(Path(name), taken)
        taken.add(siglum)
        sigla.append(siglum)
        witnesses.append((siglum, name))
    doc["base"] = sigla[0]
    array = tomlkit.aot()
    for siglum, name in witnesses:
        table = tomlkit.table()
        table["siglum"] = siglum
        table["file"] = name
        array.append(table)
    doc["witness"] = array
    folder.mkdir(parents=True, exist_ok=True)
    copied = []
    for source, name, copy in plan:
        if copy and not (folder / name).exists():
            try:
                shutil.copy2(source, folder / name)
            except OSError as exc:
                raise WitnessError(f"cannot copy into the set folder: {exc.strerror or exc}",
                                   display_path(folder / name)) from None
            copied.append(name)
    write_atomic(manifest, tomlkit.dumps(doc), WitnessError, "cannot write", display_path(manifest))
    return NewSet(manifest, tuple(witnesses), tuple(copied))
