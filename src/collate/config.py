"""Settings: project defaults (``collate.toml`` or ``[tool.collate]``) and each set's ``[normalize]``.

One table of options, :data:`NORMALIZE_OPTIONS`, says what every normalization
rule is called, what type it takes and its default, so the project file and a
set's manifest are read the same way and unknown keys are named in a warning
(coverage.py's ``CONFIG_FILE_OPTIONS`` is the model).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import field
from pathlib import Path
from typing import Any

from .engines import DEFAULT_ENGINE, ENGINES
from .errors import ConfigError
from .model import CLASSES
from .notices import warn
from .records import FACTORY, record
from .sources import read_text

#: rule name -> (accepted types, default, what it does). The names are the
#: variant classes each rule explains (see model.CLASSES).
NORMALIZE_OPTIONS: dict[str, tuple[tuple[type, ...], Any, str]] = {
    "case": ((bool,), True, "capitals against lower case"),
    "punctuation": ((bool,), True, "punctuation marks align by place, not as words"),
    "quotes": ((bool,), True, "typographic quotes, apostrophes and dashes"),
    "unicode": ((bool, str), "NFC", "Unicode normal form (NFC, NFD, NFKC, NFKD or false)"),
    "whitespace": ((bool,), True, "spacing and line breaks between words are layout"),
    "hyphenation": ((bool,), True, "a word broken with a hyphen at a line end"),
    "word-division": ((bool,), True, "'corner stone' = 'cornerstone', 'to-day' = 'today'"),
    "note-marker": ((bool, str), True, "footnote markers fused to words; a regex to say which"),
    "page-marker": ((bool, str), True, "page markers such as [Page 812]; a regex to say which"),
    "numeral": ((bool,), True, "'tenth' = '10th', 'twenty-two' = '22'"),
    "spelling": ((list,), [], "equivalences such as 'Litvinoff = Litvinov'"),
    "abbreviation": ((list,), [], "abbreviations such as 'U. S. = United States'"),
    "language": ((str,), "en", "the set's language (en, de, fr, ...): whose dictionaries judge spellings"),
    "misspelling": ((bool,), True, "a form no dictionary knows against a near-identical word is spelling"),
    "elision": ((bool,), True, "'fill'd' = 'filled', 'o'er' = 'over' (spelling)"),
    "variant-spelling": ((bool,), True, "'colour' = 'color', 'connexion' = 'connection': the dictionaries divide them"),
    "ocr": ((bool,), False, "an OCR set: a non-word is a misreading, not a spelling (misspelling off)"),
    "apostrophe": ((bool,), True, "'mans' = 'man's': a difference only in apostrophes is punctuation"),
    "ampersand": ((bool,), True, "'&' = 'and' (abbreviation)"),
    "marks": ((bool, str, list), False, "transcription sigla: a list such as ['^', '[?]'] or a regex"),
}

#: The project-wide ``[check]`` table: which variants need an editor's review.
CHECK_OPTIONS: dict[str, tuple[tuple[type, ...], Any, str]] = {
    "ignore-classes": ((list,), [], "variant classes that need no review (e.g. case, quotes)"),
    "accidentals": ((bool,), True, "whether accidental variants need review at all"),
}

TOP_OPTIONS = {"normalize", "check", "engine", "output", "jobs", "base"}


def default_normalize() -> dict[str, Any]:
    """Every normalization rule at its default (a fresh dict: a project's settings are merged into it)."""
    return {k: v[1] for k, v in NORMALIZE_OPTIONS.items()}


@record(frozen=False)
class Config:
    """Project-wide settings, layered: defaults, then the project file, then flags."""

    normalize: dict[str, Any] = field(default_factory=default_normalize)
    ignore_classes: list[str] = field(default_factory=list)
    accidentals: bool = True
    engine: str = DEFAULT_ENGINE
    output: str = "reports"
    jobs: int = 1
    #: the file the settings came from, if any
    source: Path | None = None

    def __init__(
        self, normalize: dict[str, Any] = FACTORY, ignore_classes: list[str] = FACTORY, accidentals: bool = True,
        engine: str = DEFAULT_ENGINE, output: str = "reports", jobs: int = 1, source: Path | None = None
    ) -> None:
        self.normalize = default_normalize() if normalize is FACTORY else normalize
        self.ignore_classes = [] if ignore_classes is FACTORY else ignore_classes
        self.accidentals = accidentals
        self.engine = engine
        self.output = output
        self.jobs = jobs
        self.source = source


def check_table(
    table: dict[str, Any],
    options: dict[str, tuple[tuple[type, ...], Any, str]],
    where: str,
    path: Path | str | None,
) -> dict[str, Any]:
    """Validate one table against an options table; warn about unknown keys."""
    unknown = sorted(set(table) - set(options))
    if unknown:
        warn(f"{path}: unknown key{'s' if len(unknown) > 1 else ''} in {where}: "
             f"{', '.join(_with_near(k, options) for k in unknown)}")
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key not in options:
            continue
        types = options[key][0]
        if isinstance(value, bool) and bool not in types:
            raise ConfigError(f"{where}.{key} must be {_names(types)}, not {value!r}", path)
        if not isinstance(value, types):
            raise ConfigError(f"{where}.{key} must be {_names(types)}, not {value!r}", path)
        if isinstance(value, list):
            value = [str(v) if not isinstance(v, str) else v for v in value]
        out[key] = value
    return out


def _with_near(key: str, options: dict[str, Any]) -> str:
    """An unknown key, with the valid one it is likely a typo of: ``hypenation (did you mean hyphenation?)``."""
    import difflib  # here: only a mistake needs it

    near = difflib.get_close_matches(key.lower().replace("_", "-"), list(options), n=1, cutoff=0.6)
    return f"{key} (did you mean {near[0]}?)" if near else key


def _names(types: tuple[type, ...]) -> str:
    words = {bool: "true or false", str: "a string", list: "a list", int: "a number"}
    return " or ".join(words.get(t, t.__name__) for t in types)


def merge_normalize(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """A set's ``[normalize]`` over the project's: lists are added, other values replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = list(dict.fromkeys([*merged[key], *value]))
        else:
            merged[key] = value
    return merged


def read_toml(path: Path) -> dict[str, Any]:
    """Read and parse a TOML file; a syntax error names the file and line."""
    return parse_toml(read_text(path, str(path), ConfigError), path)


def parse_toml(text: str, path: Path | str) -> dict[str, Any]:
    """Parse a TOML file's text (read with :func:`collate.sources.read_text`)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message, line, column = _toml_error_position(exc, text)
        raise ConfigError(f"invalid TOML: {message}", path, line, column) from None


def _toml_error_position(exc: tomllib.TOMLDecodeError, text: str) -> tuple[str, int | None, int | None]:
    """The message, line and column of a TOML syntax error.

    Python 3.11's tomllib puts the place only into the message ("(at line 2,
    column 5)"), and says "(at end of document)" for an unclosed string or
    bracket, which points nowhere useful; tomlkit's parser then names the line.
    """
    text_of = str(exc)
    line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    found = re.search(r" \(at line (\d+), column (\d+)\)$", text_of)
    if found:
        line, column = line or int(found.group(1)), column or int(found.group(2))
    message = str(getattr(exc, "msg", "")) or re.sub(r" \(at (line \d+, column \d+|end of document)\)$", "", text_of)
    if line is None:
        import tomlkit.exceptions  # here: only a file tomllib cannot place the error in needs it

        try:
            tomlkit.parse(text)
        except tomlkit.exceptions.ParseError as other:
            line, column = other.line, other.col + 1
        except Exception:  # noqa: BLE001 - only a better position was sought
            pass
    if line is None:
        line = text.count("\n") + (0 if text.endswith("\n") else 1)
    return message, line, column


def _shown(path: Path) -> Path:
    """A project file as messages should name it: relative to the current folder when inside it."""
    try:
        return path.relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def find_project_file(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest ``collate.toml``, or ``pyproject.toml`` with ``[tool.collate]``."""
    start = start.resolve()
    for folder in [start, *start.parents] if start.is_dir() else start.parents:
        candidate = _shown(folder / "collate.toml")
        if candidate.is_file():
            return candidate, read_toml(candidate)
        candidate = _shown(folder / "pyproject.toml")
        if candidate.is_file():
            data = read_toml(candidate)
            tool = data.get("tool", {}).get("collate")
            if tool is not None:
                return candidate, tool
    return None


def load_config(start: Path | None = None) -> Config:
    """Defaults, then the nearest project file above ``start`` (default: the current folder)."""
    config = Config()
    found = find_project_file(start or Path.cwd())
    if found is None:
        return config
    path, table = found
    config.source = path
    where = "tool.collate" if path.name == "pyproject.toml" else "collate.toml"
    unknown = sorted(set(table) - TOP_OPTIONS)
    if unknown:
        warn(f"{path}: unknown key{'s' if len(unknown) > 1 else ''} in {where}: {', '.join(unknown)}")
    normalize = table.get("normalize", {})
    if not isinstance(normalize, dict):
        raise ConfigError(f"{where}.normalize must be a table", path)
    config.normalize = merge_normalize(
        config.normalize, check_table(normalize, NORMALIZE_OPTIONS, f"{where}.normalize", path)
    )
    check = table.get("check", {})
    if not isinstance(check, dict):
        raise ConfigError(f"{where}.check must be a table", path)
    check = check_table(check, CHECK_OPTIONS, f"{where}.check", path)
    config.ignore_classes = validate_classes(check.get("ignore-classes", []), path)
    config.accidentals = check.get("accidentals", True)
    engine = table.get("engine", config.engine)
    if engine not in ENGINES:
        raise ConfigError(f"{where}.engine must be one of {', '.join(ENGINES)}", path)
    config.engine = engine
    output = table.get("output", config.output)
    if not isinstance(output, str):
        raise ConfigError(f"{where}.output must be a string", path)
    config.output = output
    jobs = table.get("jobs", 1)
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise ConfigError(f"{where}.jobs must be a positive number", path)
    config.jobs = jobs
    return config


def config_for(paths: Sequence[Path]) -> Config:
    """The settings of the project ``paths`` are in: the project file nearest above the first of them.

    So ``collate run ../other-edition/witnesses`` uses that edition's settings,
    not those of the folder it was run from; with no paths, the current folder.
    """
    return load_config(Path(paths[0]) if paths else None)


def validate_classes(names: list[str], path: Path | str | None = None) -> list[str]:
    """The names, if each is a variant class (model.CLASSES); else a ConfigError."""
    bad = [n for n in names if n not in CLASSES]
    if bad:
        raise ConfigError(
            f"unknown variant class{'es' if len(bad) > 1 else ''} {', '.join(bad)}"
            f" (known: {', '.join(CLASSES)})",
            path,
        )
    return list(names)
