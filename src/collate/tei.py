"""TEI P5 witnesses in: the text an editor's transcription says, with its place in the XML.

What is collated is the text of ``<text>`` as finally written:

* ``<lb/>`` is a line break, ``<lb break="no"/>`` joins the word it splits;
  block elements (``p``, ``head``, ``div``, ``opener``...) are separated by a
  blank line, line-like ones (``l``, ``item``, ``dateline``, ``salute``...) by a
  line break; whitespace in the XML is collapsed as XML layout, not text;
* ``<pb n="812"/>`` becomes the page marker ``[Page 812]`` (``[Page]`` without a
  usable ``@n``), which the ``page-marker`` rule recognizes, so a page break one
  witness records and another does not is a ``page-marker`` variant;
* ``<note>``, ``<fw>`` (running heads, catchwords) and ``<del>`` are kept out of
  the running text; deleted text is kept in ``Witness.deletions`` so a
  report can show it; ``<add>`` is read in place;
* ``<choice>`` is read as the set's ``[tei] choice`` list says (default
  ``["corr", "expan", "reg"]``: the corrected, expanded, regularized form);
  when no child is named there, its first child is read;
* other inline markup (``<hi>``, ``<persName>``...) is transparent.

Each character of the text knows its offset in the XML file
(:class:`~collate.sources.SourceMap` in ``Witness.locate``), so readings
report line and column in the file the editor edits.

Parsing is safe (as defusedxml does it, with expat): any entity declaration is
refused as soon as the parser meets it, so neither an external entity nor an
entity bomb is ever expanded; no DTD or other file is loaded, nothing goes to
the network. expat is used rather than lxml because it reports the byte offset
of every piece of text, which the source map needs.
"""

from __future__ import annotations

import pyexpat
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import WitnessError
from .model import Deletion, Witness
from .sources import SourceMap, display_path, line_starts, position, read_text

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"

#: ``[tei] choice`` default: which child of ``<choice>`` is the text.
DEFAULT_CHOICE: tuple[str, ...] = ("corr", "expan", "reg")
CHOICE_NAMES = frozenset({"sic", "corr", "abbr", "expan", "orig", "reg", "seg", "unclear"})
#: set.toml's ``[tei]`` table: key -> (type, what it does)
TEI_OPTIONS = {"choice": (list, "children of <choice> to read: sic or corr, abbr or expan, orig or reg")}

SKIPPED = frozenset({"note", "del", "fw", "teiHeader", "facsimile", "standOff", "figDesc"})
PARAGRAPH = frozenset(
    """p div div1 div2 div3 div4 div5 div6 div7 head ab lg opener closer postscript list table
    floatingText sp argument epigraph trailer byline docTitle titlePage front body back group
    text""".split()
)
LINE = frozenset("l item row dateline salute signed address addrLine speaker docDate docAuthor".split())
#: a usable page number: the page-marker rule's digits or roman numerals, a folio side
_PAGE_N = re.compile(r"^[0-9ivxlcdmIVXLCDM]+[rv]?$")
MAX_DEPTH = 500

_SPACE, _LINE, _PARA = 1, 2, 3
_BREAKS = {_SPACE: " ", _LINE: "\n", _PARA: "\n\n"}


class _Refused(Exception):
    """Something the safe parser will not do (an entity declaration, an external entity)."""


@dataclass
class _Node:
    name: str
    attrs: dict[str, str]
    offset: int  # character offset of the start tag in the file
    end: int = 0  # character offset of the end tag
    children: list[_Node | tuple[str, int]] = field(default_factory=list)


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def parse_tree(source: str, shown: str) -> _Node:
    """Parse XML safely into a small tree whose text pieces carry character offsets."""
    data = source.encode("utf-8")
    parser = pyexpat.ParserCreate(encoding="UTF-8", namespace_separator=" ")
    parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = False
    # byte offset -> character offset: events come in order, so walk forwards
    cursor = [0, 0]  # byte, char

    def char_at(byte: int) -> int:
        b, c = cursor
        if byte < b:  # never expected; recompute from the start
            b, c = 0, 0
        c += len(data[b:byte].decode("utf-8", errors="replace"))
        cursor[0], cursor[1] = byte, c
        return c

    root = _Node("#document", {}, 0)
    stack = [root]

    def start(name: str, attrs: dict[str, str]) -> None:
        if len(stack) > MAX_DEPTH:
            raise _Refused(f"elements nested more than {MAX_DEPTH} deep")
        node = _Node(name, attrs, char_at(parser.CurrentByteIndex))
        stack[-1].children.append(node)
        stack.append(node)

    def end(name: str) -> None:
        node = stack.pop()
        node.end = char_at(parser.CurrentByteIndex)

    def text(piece: str) -> None:
        stack[-1].children.append((piece, char_at(parser.CurrentByteIndex)))

    def refuse_entity(*_args: object) -> None:
        raise _Refused("the file declares an XML entity; entity declarations are refused for safety "
                       "(no external entities, no entity expansion): replace them with the characters")

    def refuse_external(*_args: object) -> int:
        raise _Refused("the file refers to an external entity; collate never loads other files or URLs")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.EntityDeclHandler = refuse_entity
    parser.UnparsedEntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = refuse_external
    try:
        parser.Parse(data, True)
    except _Refused as exc:
        line, column = position(line_starts(source), char_at(max(parser.CurrentByteIndex, 0)))
        raise WitnessError(str(exc), shown, line, column) from None
    except pyexpat.ExpatError as exc:
        at = parser.ErrorByteIndex if parser.ErrorByteIndex >= 0 else 0
        line, column = position(line_starts(source), char_at(at))
        message = pyexpat.ErrorString(exc.code) if exc.code else str(exc)
        raise WitnessError(f"not well-formed XML: {message}", shown, line, column) from None
    return root


class _Text:
    """The text being extracted, each character with its offset in the file."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.chars: list[str] = []
        self.offsets: list[int] = []
        self.pending = 0
        self.pending_at = 0
        self.glue = False  # after <lb break="no"/>: drop the layout whitespace that follows

    def add(self, piece: str, start: int) -> None:
        """XML character data: whitespace runs are layout, the rest is text."""
        src = self.source
        if len(piece) == 1 and src.startswith("&", start):
            positions = [start]  # a character or entity reference stands at its '&'
        else:
            j = start + (9 if src.startswith("<![CDATA[", start) else 0)
            positions = []
            for ch in piece:
                positions.append(j)
                j += 2 if ch == "\n" and src.startswith("\r\n", j) else 1
        for ch, at in zip(piece, positions, strict=True):
            if ch in " \t\n\r":
                if not self.glue:
                    self.brk(_SPACE, at)
            else:
                self.put(ch, at)

    def put(self, ch: str, at: int) -> None:
        if self.pending and self.chars:
            for c in _BREAKS[self.pending]:
                self.chars.append(c)
                self.offsets.append(self.pending_at)
        self.pending = 0
        self.glue = False
        self.chars.append(ch)
        self.offsets.append(at)

    def brk(self, strength: int, at: int) -> None:
        if strength > self.pending:
            self.pending, self.pending_at = strength, at

    def join(self, at: int) -> None:
        """``<lb break="no"/>``: the word goes on; a hyphen before it stays a line-end hyphen."""
        self.pending = 0
        self.glue = True
        if self.chars and self.chars[-1] in "-‐¬":
            self.chars.append("\n")
            self.offsets.append(at)

    def marker(self, text: str, at: int) -> None:
        self.brk(_SPACE, at)
        for ch in text:
            self.put(ch, at)
        self.brk(_SPACE, at)


@dataclass
class _Reader:
    choice: tuple[str, ...]
    out: _Text
    deletions: list[dict[str, Any]] = field(default_factory=list)
    found_text: bool = False

    def walk(self, node: _Node, inside: bool) -> None:
        for child in node.children:
            if isinstance(child, tuple):
                if inside:
                    self.out.add(*child)
                continue
            name = _local(child.name)
            if not inside:
                if name == "text":
                    self.found_text = True
                    self.element(child, name)
                elif name != "teiHeader":
                    self.walk(child, False)
                continue
            self.element(child, name)

    def element(self, node: _Node, name: str) -> None:
        out = self.out
        if name == "del":
            # "at": the text offset just after the last character written before it
            self.deletions.append({"text": " ".join(_all_text(node).split()), "offset": node.offset,
                                   "at": len(out.chars)})
            return
        if name in SKIPPED:
            # a note or running head between two words still separates them
            if name in ("note", "fw"):
                out.brk(_SPACE, node.offset)
            return
        if name == "lb":
            if node.attrs.get("break") == "no":
                out.join(node.offset)
            else:
                out.brk(_LINE, node.offset)
            return
        if name == "pb":
            n = (node.attrs.get("n") or "").strip()
            out.marker(f"[Page {n}]" if _PAGE_N.match(n) else "[Page]", node.offset)
            return
        if name in ("cb", "milestone", "gap", "space"):
            out.brk(_SPACE, node.offset)
            return
        if name == "choice":
            elements = [c for c in node.children if isinstance(c, _Node)]
            chosen = [c for c in elements if _local(c.name) in self.choice]
            for c in chosen or elements[:1]:
                self.walk(c, True)
            return
        strength = _PARA if name in PARAGRAPH else _LINE if name in LINE else 0
        if strength:
            out.brk(strength, node.offset)
        self.walk(node, True)
        if strength:
            out.brk(strength, node.end)


def _all_text(node: _Node) -> str:
    parts: list[str] = []
    for child in node.children:
        parts.append(child[0] if isinstance(child, tuple) else _all_text(child))
    return "".join(parts)


def extract(
    source: str, shown: str, choice: tuple[str, ...] = DEFAULT_CHOICE
) -> tuple[str, SourceMap, list[Deletion]]:
    """The text of a TEI document, its source map and what was deleted."""
    root = parse_tree(source, shown)
    reader = _Reader(tuple(choice), _Text(source))
    reader.walk(root, False)
    if not reader.found_text:
        raise WitnessError("no <text> element: not a TEI document (TEI P5 keeps the text in <TEI><text>)", shown)
    out = reader.out
    end = len(source.rstrip())
    if out.chars:
        out.chars.append("\n")
        out.offsets.append(end)
    text = "".join(out.chars)
    smap = SourceMap([*out.offsets, end], source)
    starts = line_starts(source)
    deletions = []
    for d in reader.deletions:
        line, column = position(starts, d["offset"])
        deletions.append(Deletion(d["text"], line, column, d["at"]))
    return text, smap, deletions


def read_tei_witness(
    path: Path, siglum: str, label: str = "", source: str = "", shown: str = "",
    options: dict[str, Any] | None = None,
) -> Witness:
    """Read a TEI P5 file as a witness (see the module docstring for what is read)."""
    shown = shown or display_path(path)
    xml = read_text(path, shown)
    choice = tuple((options or {}).get("choice", DEFAULT_CHOICE))
    text, smap, deletions = extract(xml, shown, choice)
    return Witness(
        siglum=siglum, path=path, label=label, source=source, text=text, display=shown, format="tei",
        locate=smap, deletions=tuple(deletions), choice=choice,
    )


def check_tei_options(table: object, shown: str, line: int | None = None) -> dict[str, Any]:
    """Validate set.toml's ``[tei]`` table."""
    if not isinstance(table, dict):
        raise WitnessError("tei must be a table", shown, line)
    unknown = sorted(set(table) - set(TEI_OPTIONS))
    if unknown:
        raise WitnessError(f"unknown key in [tei]: {', '.join(unknown)} (known: {', '.join(TEI_OPTIONS)})",
                           shown, line)
    choice = table.get("choice", list(DEFAULT_CHOICE))
    if not isinstance(choice, list) or not all(isinstance(c, str) for c in choice):
        raise WitnessError("tei.choice must be a list of element names, e.g. [\"corr\", \"expan\"]", shown, line)
    bad = [c for c in choice if c not in CHOICE_NAMES]
    if bad:
        raise WitnessError(f"tei.choice: {', '.join(bad)} is not a child of <choice> "
                           f"(one of {', '.join(sorted(CHOICE_NAMES))})", shown, line)
    return {"choice": choice}


def apparatus_witness_text(document: bytes | str, siglum: str) -> str:
    """One witness's text read back out of a parallel-segmentation apparatus (ours).

    The shared text, and in each ``app`` the ``lem`` or ``rdg`` whose ``@wit``
    names the witness (``listWit/witness[@n]`` gives its ``xml:id``). Notes are
    not text. This is how the round trip is checked, and a way to get a witness
    back from an edition's apparatus.
    """
    from lxml import etree  # here, not at the top: only the TEI export's readers need it

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    data = document.encode("utf-8") if isinstance(document, str) else document
    root = etree.fromstring(data, parser)
    ns = {"t": TEI_NS}
    ids = [w.get(f"{{{XML_NS}}}id") for w in root.iterfind(".//t:listWit/t:witness", ns) if w.get("n") == siglum]
    if not ids:
        raise KeyError(f"no witness {siglum!r} in the apparatus")
    pointer = f"#{ids[0]}"
    parts: list[str] = []
    for ab in root.iterfind(".//t:body/t:ab", ns):
        parts.append(ab.text or "")
        for app in ab:
            for reading in app.iter(f"{{{TEI_NS}}}lem", f"{{{TEI_NS}}}rdg"):
                if pointer in (reading.get("wit") or "").split():
                    parts.append(reading.text or "")
                    break
            parts.append(app.tail or "")
    return "".join(parts)
