"""The TEI P5 critical apparatus: ``reports/<set>.xml``, parallel segmentation.

* ``teiHeader``: ``titleStmt``, ``publicationStmt``, ``encodingDesc`` (the
  variant encoding, and a taxonomy defining every category the apparatus
  points at: variant classes ``#c-case``..., ``#c-substantive``,
  ``#c-accidental``, ``#c-layout``, statuses ``#status-recorded``...), and
  ``sourceDesc/listWit``: one ``witness`` per siglum (``@xml:id``, ``@n`` = the
  siglum, its label, an ``idno`` with the file, a ``ref`` to its source).
* ``text/body/ab`` (``xml:space="preserve"``): the text the witnesses share,
  as plain text, and each variant as
  ``<app xml:id="app-<id>" type="<kind>" ana="#c-substantive #c-case #status-recorded">``
  holding, in this order and all as children of the ``app``: ``<lem wit="#BASE ...">``
  (the base's reading, with every witness that reads exactly the same); an
  ``<rdg type="accidental" ana="#c-...">`` for each reading that differs from the
  lemma only in what the variant's classes explain; then for each other group of
  witnesses (readings that agree but for accidentals) an ``<rdg type="substantive">``
  followed by ``<rdg type="accidental">`` for the group's other spellings. An
  accidental reading belongs to the substantive reading (``lem`` or ``rdg``) before it.
  The editor's note is a ``<note type="editorial">`` in the ``app``; a
  transposition points at its partner with ``@corresp``.

  The readings are flat, not in ``rdgGrp``: this is the form consumers read.
  teiphy gives every reading in a ``rdgGrp`` the group's ``@type`` (a ``lem`` in
  an accidental group becomes accidental, and ``teiphy -t accidental`` then finds
  "no substantive readings"), and collapses each trivial reading under the
  substantive reading before it; EVT wants the ``lem`` first and outside any
  group. So ``teiphy -t accidental`` sees one substantive reading per group of
  witnesses, and a variant that is accidental only is, to it, not informative.
* Spacing or line breaks that differ between witnesses where their words agree
  are not variants, but the text must come back exactly: such a difference is
  added to the neighbouring ``app`` when it touches one, or else stands in an
  ``<app type="layout" ana="#c-layout">`` of its own (no id, not in the
  apparatus file), whose other readings are ``<rdg type="accidental" ana="#c-layout">``
  so that ``teiphy -t accidental`` does not count spacing as a variation unit.

Reading a witness back — the common text plus, in each ``app``, the ``lem`` or
``rdg`` whose ``@wit`` names it — gives its text exactly
(:func:`collate.tei.apparatus_witness_text`). Characters XML 1.0 cannot hold
(control characters other than tab and line ends) are written as U+FFFD.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from .. import __version__
from ..model import CLASSES, STATUSES, Collation, Variant

FORMAT = "tei"
SUFFIX = ".xml"
TABLE = False

TEI = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_RESERVED = ("c-", "status-", "app-", "wit-")

CATEGORY_TEXT = {
    "substantive": "a variant no normalization rule explains: a word added, dropped or replaced",
    "accidental": "a variant explained completely by the normalization rules (house style)",
    "layout": "spacing or line breaks that differ where the words agree; not a variant",
}


def _sub(
    parent: etree._Element, tag: str, attrib: dict[str, str] | None = None, text: str | None = None
) -> etree._Element:
    el = etree.SubElement(parent, f"{{{TEI}}}{tag}", attrib or {})
    if text:
        el.text = _clean(text)
    return el


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def witness_ids(sigla: list[str]) -> dict[str, str]:
    """An ``xml:id`` for each siglum: the siglum itself when it is a valid, unreserved name."""
    ids: dict[str, str] = {}
    used: set[str] = set()
    for n, siglum in enumerate(sigla, 1):
        candidate = siglum
        if not _NCNAME.match(siglum) or siglum.startswith(_RESERVED):
            candidate = "wit-" + re.sub(r"[^\w.-]", "_", siglum)
        if candidate in used:
            candidate = f"wit-{n}-{candidate}"
        used.add(candidate)
        ids[siglum] = candidate
    return ids


def render(c: Collation) -> str:
    """The TEI document for one collation."""
    sigla = [w.siglum for w in c.witnesses]
    ids = witness_ids(sigla)
    root = etree.Element(f"{{{TEI}}}TEI", nsmap={None: TEI})  # type: ignore[dict-item]  # lxml-stubs: the default namespace's key is None
    _header(root, c, ids)
    text = _sub(root, "text")
    body = _sub(text, "body")
    ab = _sub(body, "ab", {XML_SPACE: "preserve"})
    _body(ab, c, sigla, ids)
    return etree.tostring(root, encoding="unicode", xml_declaration=False).join(
        ['<?xml version="1.0" encoding="UTF-8"?>\n', "\n"]
    )


# -- header ------------------------------------------------------------------------


def _header(root: etree._Element, c: Collation, ids: dict[str, str]) -> None:
    header = _sub(root, "teiHeader")
    file_desc = _sub(header, "fileDesc")
    title_stmt = _sub(file_desc, "titleStmt")
    _sub(title_stmt, "title", text=c.title or c.name)
    publication = _sub(file_desc, "publicationStmt")
    _sub(publication, "p", text=f"Critical apparatus of the set {c.name}, written by collate {__version__}"
                                f" (alignment engine: {c.engine}; base text: {c.base}).")
    source_desc = _sub(file_desc, "sourceDesc")
    list_wit = _sub(source_desc, "listWit")
    for w in c.witnesses:
        witness = _sub(list_wit, "witness", {XML_ID: ids[w.siglum], "n": w.siglum})
        witness.text = _clean(w.label or w.siglum)
        if w.file:
            _sub(witness, "idno", {"type": "file"}, w.file)
        if w.source:
            if re.match(r"^[a-z][a-z0-9+.-]*:", w.source):
                _sub(witness, "ref", {"target": w.source}, w.source)
            else:
                _sub(witness, "note", {"type": "source"}, w.source)
    encoding = _sub(header, "encodingDesc")
    _sub(encoding, "variantEncoding", {"method": "parallel-segmentation", "location": "internal"})
    class_decl = _sub(encoding, "classDecl")
    taxonomy = _sub(class_decl, "taxonomy", {XML_ID: "collate-categories"})
    for name in ("substantive", "accidental", "layout", *CLASSES):
        category = _sub(taxonomy, "category", {XML_ID: f"c-{name}"})
        _sub(category, "catDesc", text=CATEGORY_TEXT.get(name, f"variant class: {name}"))
    for status in STATUSES:
        category = _sub(taxonomy, "category", {XML_ID: f"status-{status}"})
        _sub(category, "catDesc", text=f"editor's status: {status}")
    etree.indent(header, space=" ", level=1)
    root.text = "\n "
    header.tail = "\n "


# -- body: the shared text and the apps ----------------------------------------------


def _spans(c: Collation, sigla: list[str]) -> list[tuple[Variant, dict[str, tuple[int, int]]]]:
    """Each variant with each witness's span in its text, made contiguous and in order."""
    cursor = dict.fromkeys(sigla, 0)
    out = []
    for v in c.variants:
        spans = {}
        for s in sigla:
            r = v.readings[s]
            start = max(r.offset, cursor[s]) if r.offset >= 0 else cursor[s]
            end = max(r.end_offset, start)
            spans[s] = (start, end)
            cursor[s] = end
        out.append((v, spans))
    return out


def _body(ab: etree._Element, c: Collation, sigla: list[str], ids: dict[str, str]) -> None:
    texts = {w.siglum: w.text for w in c.witnesses}
    # items: ("text", {siglum: str}) and ("app", variant, {siglum: str}) in order
    items: list[list[Any]] = []
    cursor = dict.fromkeys(sigla, 0)
    for v, spans in _spans(c, sigla):
        items.append(["text", {s: texts[s][cursor[s]:spans[s][0]] for s in sigla}])
        items.append(["app", v, {s: texts[s][spans[s][0]:spans[s][1]] for s in sigla}])
        cursor = {s: spans[s][1] for s in sigla}
    items.append(["text", {s: texts[s][cursor[s]:] for s in sigla}])

    expanded: list[list[Any]] = []
    for i, item in enumerate(items):
        if item[0] == "app":
            expanded.append(item)
            continue
        pieces = _stretch(item[1], sigla)
        # spacing that differs right beside a variant joins that variant's readings
        if pieces and pieces[0][0] == "layout" and expanded and expanded[-1][0] == "app":
            previous = expanded[-1]
            for s in sigla:
                previous[2][s] += pieces[0][2][s]
            pieces.pop(0)
        if pieces and pieces[-1][0] == "layout" and i + 1 < len(items):
            following = items[i + 1]
            for s in sigla:
                following[2][s] = pieces[-1][2][s] + following[2][s]
            pieces.pop()
        expanded.extend(pieces)

    last: etree._Element | None = None
    for item in expanded:
        if item[0] == "text":
            if not item[1]:
                continue
            if last is None:
                ab.text = (ab.text or "") + _clean(item[1])
            else:
                last.tail = (last.tail or "") + _clean(item[1])
            continue
        last = _app(ab, item[1], item[2], c.base, sigla, ids)


def _stretch(parts: dict[str, str], sigla: list[str]) -> list[list[Any]]:
    """The text between two variants: shared text, and ``layout`` where only spacing differs.

    Between variants the witnesses have the same words (the variants hold every
    other difference); their spacing may still differ. Each run of whitespace
    that differs becomes a layout piece of its own. If the words differ after all
    (they should not), the part between the common prefix and suffix is one piece.
    """
    values = [parts[s] for s in sigla]
    if len(set(values)) == 1:
        return [["text", values[0]]]
    splits = {s: re.split(r"(\S+)", parts[s]) for s in sigla}
    first = splits[sigla[0]]
    if all(len(p) == len(first) and p[1::2] == first[1::2] for p in splits.values()):
        pieces: list[list[Any]] = []
        for k in range(len(first)):
            texts = {s: splits[s][k] for s in sigla}
            if len(set(texts.values())) == 1:
                if pieces and pieces[-1][0] == "text":
                    pieces[-1][1] += texts[sigla[0]]
                else:
                    pieces.append(["text", texts[sigla[0]]])
            else:
                pieces.append(["layout", None, texts])
        return pieces
    prefix = _common_prefix(values)
    suffix = _common_suffix([v[len(prefix):] for v in values])
    middle = {s: p[len(prefix):len(p) - len(suffix)] for s, p in parts.items()}
    return [["text", prefix], ["layout", None, middle], ["text", suffix]]


def _common_prefix(values: list[str]) -> str:
    first, *rest = values
    n = 0
    while n < len(first) and all(n < len(v) and v[n] == first[n] for v in rest):
        n += 1
    return first[:n]


def _common_suffix(values: list[str]) -> str:
    reversed_prefix = _common_prefix([v[::-1] for v in values])
    return reversed_prefix[::-1]


def _wit(sigla: list[str], ids: dict[str, str]) -> str:
    return " ".join(f"#{ids[s]}" for s in sigla)


def _app(ab: etree._Element, v: Variant | None, readings: dict[str, str], base: str, sigla: list[str],
         ids: dict[str, str]) -> etree._Element:
    if v is None:  # layout only
        app = _sub(ab, "app", {"type": "layout", "ana": "#c-layout"})
        groups: tuple[tuple[str, ...], ...] = (tuple(sigla),)
    else:
        ana = ["#c-substantive" if v.substantive else "#c-accidental"]
        ana += [f"#c-{cls}" for cls in v.classes]
        ana.append(f"#status-{v.status}")
        attrib = {XML_ID: f"app-{v.id}", "type": v.kind, "ana": " ".join(ana)}
        if v.transposed_with:
            attrib["corresp"] = f"#app-{v.transposed_with}"
        app = _sub(ab, "app", attrib)
        groups = tuple(tuple(s for s in g if s in readings) for g in v.groups)
        missing = [s for s in sigla if not any(s in g for g in groups)]
        groups = tuple(g for g in groups if g) + tuple((s,) for s in missing)
    base_group = next(g for g in groups if base in g)
    ordered = [base_group, *(g for g in groups if g is not base_group)]
    classes_ana = " ".join(f"#c-{cls}" for cls in v.classes) if v is not None else "#c-layout"
    for group in ordered:
        by_text: dict[str, list[str]] = {}
        for s in sigla:
            if s in group:
                by_text.setdefault(readings[s], []).append(s)
        if group is base_group:  # the lemma first, whatever order the base group lists its texts in
            by_text = dict(sorted(by_text.items(), key=lambda item: base not in item[1]))
        for n, (text, wits) in enumerate(by_text.items()):
            if base in wits:
                el = _sub(app, "lem", {"wit": _wit(wits, ids)})
            elif n == 0:  # the first reading of a group outside the lemma's
                el = _sub(app, "rdg", {"wit": _wit(wits, ids), "type": "substantive"})
            else:  # an accidental form of the substantive reading just before it
                attrib = {"wit": _wit(wits, ids), "type": "accidental"}
                if classes_ana:
                    attrib["ana"] = classes_ana
                el = _sub(app, "rdg", attrib)
            if text:
                el.text = _clean(text)
    if v is not None and v.note:
        _sub(app, "note", {"type": "editorial"}, v.note)
    return app
