"""Loading: witness sets (``set.toml`` and its files) into :class:`WitnessSet`.

Everything a person typed is checked here, so later stages can trust their
input: sigla unique, files inside the set folder (no ``..``, no absolute path,
no symlink out), text decodable. Each failure is a :class:`WitnessError`
naming the file, and the line where one can be found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .config import NORMALIZE_OPTIONS, Config, check_table, merge_normalize, parse_toml
from .errors import ConfigError, WitnessError
from .model import Witness, WitnessSet
from .normalize import compile_rules
from .notices import warn
from .rules import Rules
from .sources import display_path, line_of, read_text

MANIFEST = "set.toml"
SET_KEYS = {"title", "base", "witness", "normalize", "description", "date", "tei"}
WITNESS_KEYS = {"siglum", "file", "label", "source", "format", "note"}


def discover(paths: Iterable[Path]) -> list[Path]:
    """The set folders named by ``paths``: each a set, or a folder holding sets."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise WitnessError("no such file or folder", display_path(path))
        if path.is_file():
            if path.name == MANIFEST:
                found.append(path.parent)
                continue
            found.append(path)  # a single file: a loader for its format decides
            continue
        if (path / MANIFEST).is_file():
            found.append(path)
            continue
        sets = sorted({m.parent for m in path.rglob(MANIFEST)})
        if not sets:
            raise WitnessError(f"no {MANIFEST} here or in any folder below", display_path(path))
        found.extend(sets)
    unique: dict[Path, None] = {}
    for f in found:
        unique.setdefault(f.resolve(), None)
    return [Path(p) for p in unique] if len(unique) != len(found) else found


def set_name(folder: Path) -> str:
    """A set's name (its reports' file names): its folder's name, also for ``.`` or ``..``."""
    return folder.name if folder.name not in ("", ".", "..") else folder.resolve().name


def load_set(folder: Path, config: Config) -> WitnessSet:
    """Read one set folder: its manifest, settings and witness texts."""
    manifest = folder / MANIFEST
    shown = display_path(manifest)
    if not manifest.is_file():
        raise WitnessError(f"no {MANIFEST} in this folder", display_path(folder))
    raw = read_text(manifest, shown)
    try:
        data = parse_toml(raw, shown)
    except ConfigError as exc:
        raise WitnessError(exc.message, shown, exc.line, exc.column) from None
    unknown = sorted(set(data) - SET_KEYS)
    if unknown:
        warn(f"{shown}: unknown key{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}")
    title = data.get("title", set_name(folder))
    if not isinstance(title, str):
        raise WitnessError("title must be a string", shown, line_of(raw, "title"))
    entries = data.get("witness", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise WitnessError("witness must be an array of tables ([[witness]])", shown, line_of(raw, "witness"))
    if not entries:
        raise WitnessError("no [[witness]] in the manifest", shown)
    witnesses: list[Witness] = []
    seen: dict[str, int] = {}
    tei = None
    if "tei" in data:  # how TEI witnesses are read ([tei] choice = [...]); see tei.py
        from .tei import check_tei_options  # here: a set of plain-text witnesses never reads TEI

        tei = check_tei_options(data["tei"], shown, line_of(raw, "[tei]"))
    for n, entry in enumerate(entries, 1):
        witnesses.append(_witness(folder, entry, n, raw, shown, seen, tei))
    sigla = [w.siglum for w in witnesses]
    base = data.get("base", sigla[0])
    if base not in sigla:
        raise WitnessError(
            f"base {base!r} is not the siglum of any witness ({', '.join(sigla)})", shown, line_of(raw, "base")
        )
    normalize_table = data.get("normalize", {})
    if not isinstance(normalize_table, dict):
        raise WitnessError("normalize must be a table", shown, line_of(raw, "normalize"))
    try:
        normalize = merge_normalize(
            config.normalize, check_table(normalize_table, NORMALIZE_OPTIONS, "normalize", shown)
        )
    except ConfigError as exc:
        raise WitnessError(exc.message, shown, _key_line(raw, exc.message)) from None
    rules = _compile_rules(config, normalize, raw, shown)
    return WitnessSet(
        name=set_name(folder),
        path=folder,
        title=title,
        witnesses=tuple(witnesses),
        base=base,
        normalize=normalize,
        manifest=manifest,
        rules=rules,
    )


def _key_line(raw: str, message: str) -> int | None:
    """The manifest line of the ``normalize.<key>`` a message names ("normalize.case must be ...")."""
    found = re.match(r"normalize\.([\w-]+)", message)
    if not found:
        return None
    key = re.search(rf"^[ \t]*[\"']?{re.escape(found.group(1))}[\"']?[ \t]*=", raw, re.MULTILINE)
    return raw.count("\n", 0, key.start()) + 1 if key else None


def _compile_rules(config: Config, normalize: dict[str, Any], raw: str, shown: str) -> Rules:
    """Compile the set's rules once, now: a bad regex or equivalence stops the run before any report is written.

    A mistake in the project's own settings is blamed on the project file, not on every set (the
    project's table is compiled on its own only to find which file to blame).
    """
    try:
        return compile_rules(normalize, shown)
    except ConfigError as exc:
        try:
            compile_rules(config.normalize, config.source)
        except ConfigError as project:
            raise ConfigError(project.message, config.source) from None
        raise WitnessError(exc.message, shown, _key_line(raw, exc.message)) from None


def _witness(
    folder: Path, entry: dict[str, Any], n: int, raw: str, shown: str, seen: dict[str, int], tei: dict[str, Any] | None = None
) -> Witness:
    unknown = sorted(set(entry) - WITNESS_KEYS)
    if unknown:
        warn(f"{shown}: unknown key{'s' if len(unknown) > 1 else ''} in witness {n}: {', '.join(unknown)}")
    siglum = entry.get("siglum")
    line = line_of(raw, "[[witness]]", n)
    if not isinstance(siglum, str) or not siglum.strip() or any(c.isspace() or ord(c) < 32 for c in siglum):
        raise WitnessError(f"witness {n} needs a siglum: a short name without spaces", shown, line)
    if siglum in seen:
        raise WitnessError(
            f"duplicate siglum {siglum!r} (also witness {seen[siglum]}, line {_siglum_line(raw, seen[siglum])});"
            " give each witness its own siglum", shown, _siglum_line(raw, n) or line,
        )
    seen[siglum] = n
    file = entry.get("file")
    if not isinstance(file, str) or not file:
        raise WitnessError(f"witness {siglum!r} needs a file", shown, line)
    file_line = line_of(raw, f'"{file}"') or line
    for key in ("label", "source", "format"):
        if key in entry and not isinstance(entry[key], str):
            raise WitnessError(f"witness {siglum!r}: {key} must be a string", shown, line)
    path = resolve_inside(folder, file, shown, file_line)
    return read_witness(path, siglum, entry.get("label", ""), entry.get("source", ""), entry.get("format"), tei)


def _siglum_line(raw: str, n: int) -> int | None:
    """The line of the ``siglum = ...`` of the n-th ``[[witness]]`` (not of some earlier mention)."""
    header = line_of(raw, "[[witness]]", n)
    if header is None:
        return None
    lines = raw.split("\n")
    for number in range(header, len(lines)):
        text = lines[number].strip()
        if text.startswith("["):
            break
        if re.match(r"[\"']?siglum[\"']?\s*=", text):
            return number + 1
    return header


def _near_name(folder: Path, file: str) -> str:
    """``; did you mean 'app.txt'?`` when a file of the set folder has a name close to ``file``."""
    try:
        names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                       if p.is_file() and p.name != MANIFEST and not p.name.startswith("."))
    except OSError:
        return ""
    import difflib  # here: only a file name that is not there needs it

    near = difflib.get_close_matches(file, names, n=1, cutoff=0.6) or difflib.get_close_matches(
        file.lower(), [n.lower() for n in names], n=1, cutoff=0.6)
    if not near:
        return ""
    found = next((n for n in names if n.lower() == near[0].lower()), near[0])
    return f"; did you mean {found!r}?"


def resolve_inside(folder: Path, file: str, shown: str, line: int | None) -> Path:
    """The witness file, which must stay inside the set folder (symlinks resolved)."""
    if Path(file).is_absolute() or file.startswith(("/", "\\")) or (len(file) > 1 and file[1] == ":"):
        raise WitnessError(f"file {file!r} is an absolute path; witness files must be inside the set folder", shown, line)
    path = folder / file
    root = folder.resolve()
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError) as exc:
        raise WitnessError(f"file {file!r} cannot be resolved: {exc}", shown, line) from None
    if not resolved.is_relative_to(root):
        raise WitnessError(f"file {file!r} leaves the set folder", shown, line)
    if not resolved.exists():
        raise WitnessError(f"file {file!r} does not exist{_near_name(folder, file)}", shown, line)
    if not resolved.is_file():
        raise WitnessError(f"file {file!r} is not a file", shown, line)
    return path


def read_witness(
    path: Path, siglum: str, label: str = "", source: str = "", fmt: str | None = None, options: dict[str, Any] | None = None
) -> Witness:
    """Read one witness file. Loaders for other formats (TEI) hook in by suffix or ``format``."""
    shown = display_path(path)
    fmt = fmt or ("tei" if path.suffix.lower() == ".xml" else "text")
    if fmt == "tei":
        from .tei import read_tei_witness

        return read_tei_witness(path, siglum, label, source, shown, options)
    if fmt != "text":
        raise WitnessError(f"unknown witness format {fmt!r} (known: text, tei)", shown)
    text = read_text(path, shown)
    if not text.strip():
        # collated as it is (every word of the others is then missing from it), but
        # an empty file is most often a save that went wrong: say so.
        warn(f"{shown}: the witness is empty{' (whitespace only)' if text else ''}")
    return Witness(siglum=siglum, path=path, label=label, source=source, text=text, display=shown)
