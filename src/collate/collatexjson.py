"""CollateX JSON input: ``{"witnesses": [{"id", "content"} | {"id", "tokens": [{"t", "n"}]}]}``.

CollateX users keep their witnesses in this format. A file holding one such
object is one set (named after the file); a file holding a list of them (as
the Darwin corpus does, one per paragraph) is one set per unit, named
``<file stem>-<n>`` (1-based).

* ``content`` is the witness's text, collated as it is.
* ``tokens`` are joined into the text: each ``t`` as written. When the
  tokens carry their whitespace (CollateX's tokenizer leaves the whitespace
  after a word in ``t``: ``"red"`` then ``"."`` is ``red.``), nothing is added;
  when no token of the witness does, they are joined with a space. collate tokenizes the
  text again its own way. Where a token's ``n`` differs from its ``t`` beyond
  what the normalization rules already explain, the pair becomes a ``spelling``
  equivalence of the set (``"t = n"``), so witnesses that CollateX would align
  on ``n`` align here too, and the variant is classed ``spelling``.

Readings report line and column in the JSON file: the strings are parsed with
their positions (:class:`_Located`) and escapes are mapped character by
character. There is no ``apparatus.toml`` for a set read from JSON (its path
is the file, not a folder).
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
from pathlib import Path
from typing import Any

from .config import Config, merge_normalize
from .errors import WitnessError
from .model import Witness, WitnessSet
from .normalize import compile_rules
from .sources import SourceMap, display_path, line_starts, position, read_text


class _Located(str):
    """A JSON string that remembers where its literal starts (just after the opening quote)."""

    at: int = 0


def _parse(raw: str, shown: str) -> Any:
    """json.loads, but every string value is a :class:`_Located`."""
    decoder = json.JSONDecoder()

    def parse_string(s: str, end: int, strict: bool = True) -> tuple[str, int]:
        value, new_end = json.decoder.scanstring(s, end, strict)  # type: ignore[attr-defined]
        located = _Located(value)
        located.at = end
        return located, new_end

    decoder.parse_string = parse_string  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        return decoder.decode(raw)
    except json.JSONDecodeError as exc:
        raise WitnessError(f"not valid JSON: {exc.msg}", shown, exc.lineno, exc.colno) from None
    except RecursionError:
        raise WitnessError("not valid JSON: nested too deeply", shown) from None


def _literal_offsets(raw: str, value: _Located) -> list[int]:
    """For each character of a parsed string, its offset in the raw JSON (and one for the end)."""
    out: list[int] = []
    j = value.at
    for _ in range(len(value)):
        out.append(j)
        if raw[j] != "\\":
            j += 1
        elif raw[j + 1] != "u":
            j += 2
        else:
            code = int(raw[j + 2:j + 6], 16)
            j += 6
            if 0xD800 <= code < 0xDC00 and raw.startswith("\\u", j):  # a surrogate pair is one character
                j += 6
    out.append(j)
    return out


def _where(starts: list[int], value: object) -> tuple[int | None, int | None]:
    if isinstance(value, _Located):
        return position(starts, max(value.at - 1, 0))
    return None, None


def load_collatex_json(path: Path, config: Config) -> list[WitnessSet]:
    """One set per ``{"witnesses": [...]}`` object in the file."""
    shown = display_path(path)
    raw = read_text(path, shown)
    document = _parse(raw, shown)
    if isinstance(document, dict):
        units = [(path.stem, document)]
    elif isinstance(document, list) and document:
        units = [(f"{path.stem}-{n}", unit) for n, unit in enumerate(document, 1)]
    else:
        raise WitnessError('expected CollateX input: {"witnesses": [...]} or a list of them', shown, 1, 1)
    starts = line_starts(raw)
    return [_unit(path, shown, raw, starts, name, unit, n, config) for n, (name, unit) in enumerate(units, 1)]


def _unit(
    path: Path, shown: str, raw: str, starts: list[int], name: str, unit: Any, n: int, config: Config
) -> WitnessSet:
    where = f"unit {n}: " if name != path.stem else ""
    entries = unit.get("witnesses") if isinstance(unit, dict) else None
    if not isinstance(entries, list) or not entries:
        raise WitnessError(f'{where}expected {{"witnesses": [...]}} with at least one witness', shown)
    witnesses: list[Witness] = []
    equivalences: list[str] = []
    seen: set[str] = set()
    for k, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise WitnessError(f"{where}witness {k} is not an object", shown)
        siglum = entry.get("id")
        line, column = _where(starts, siglum)
        if not isinstance(siglum, str) or not siglum.strip() or any(c.isspace() for c in siglum):
            raise WitnessError(f'{where}witness {k} needs an "id": a short name without spaces', shown, line, column)
        if siglum in seen:
            raise WitnessError(f"{where}duplicate witness id {siglum!r}", shown, line, column)
        seen.add(siglum)
        if isinstance(entry.get("content"), str):
            content: _Located = entry["content"]
            text, offsets = str(content), _literal_offsets(raw, content)
            fmt = "collatex-json"
        elif isinstance(entry.get("tokens"), list):
            text, offsets = _join_tokens(raw, entry["tokens"], shown, where, siglum)
            equivalences.extend(_equivalences(entry["tokens"]))
            fmt = "collatex-json-tokens"
        else:
            raise WitnessError(f'{where}witness {siglum!r} needs "content" (a string) or "tokens" (a list)',
                               shown, line, column)
        witnesses.append(Witness(
            siglum=siglum, path=path, label=str(entry.get("label", "")), source=str(entry.get("source", "")),
            text=text, display=shown, format=fmt, locate=SourceMap(offsets, starts=starts),
        ))
    normalize = config.normalize
    if equivalences:
        normalize = merge_normalize(normalize, {"spelling": list(dict.fromkeys(equivalences))})
    title = unit.get("title") if isinstance(unit.get("title"), str) else (
        f"{path.stem}, unit {n}" if name != path.stem else path.stem)
    return WitnessSet(name=name, path=path, title=title, witnesses=tuple(witnesses),
                      base=witnesses[0].siglum, normalize=normalize, rules=compile_rules(normalize, shown))


def _join_tokens(raw: str, tokens: list[Any], shown: str, where: str, siglum: str) -> tuple[str, list[int]]:
    parts: list[str] = []
    offsets: list[int] = []
    end = 0
    # CollateX's tokenizer keeps the whitespace after a word in its t; hand-made
    # tokens have none, and are then joined with spaces
    carried = any(isinstance(t, dict) and isinstance(t.get("t"), str) and t["t"] != t["t"].strip() for t in tokens)
    for i, token in enumerate(tokens, 1):
        t = token.get("t") if isinstance(token, dict) else None
        if not isinstance(t, _Located):
            raise WitnessError(f'{where}witness {siglum!r}: token {i} needs "t" (a string)', shown)
        spans = _literal_offsets(raw, t)
        if parts and t and not carried:
            parts.append(" ")
            offsets.append(end)  # the space stands where the previous token ended
        parts.append(str(t))
        offsets.extend(spans[:-1])
        end = spans[-1]
    offsets.append(end)
    return "".join(parts), offsets


def _equivalences(tokens: list[Any]) -> list[str]:
    """``t = n`` for tokens whose ``n`` says more than case and spacing (see the module docstring)."""
    out = []
    for token in tokens:
        if not isinstance(token, dict):
            continue
        t, n = token.get("t"), token.get("n")
        if not isinstance(t, str) or not isinstance(n, str):
            continue
        t, n = " ".join(t.split()), " ".join(n.split())
        if t and n and "=" not in t + n and t.casefold() != n.casefold():
            out.append(f"{t} = {n}")
    return out

