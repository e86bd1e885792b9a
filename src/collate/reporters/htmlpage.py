"""The HTML of the reports, written by plain Python: one function per part of the page.

Each function takes the views of :mod:`collate.reporters.html` (plain
dataclasses, already in the order the page shows them) and returns its part of
the page, laid out as the page is, so the layout reads as a template would. No
template engine: importing and loading one cost every ``collate run`` more time
than writing the page does (HTML is a default format), and a page this regular
needs nothing but f-strings.

Every value that comes from an edition (witness text, sigla, labels, notes,
titles, file names, sources) goes through :func:`escape`; only our own CSS, JS
and Content-Security-Policy go in as they are. :func:`escape` writes the
entities Jinja's autoescape (markupsafe) wrote, and :func:`script_json` is
Jinja's ``|tojson``, so the pages are byte for byte what the templates wrote.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .html import (
        FilterGroup,
        Fragment,
        IndexPage,
        IndexRow,
        MatrixRow,
        ReviewControls,
        SetPage,
        StaleEntry,
        SynopticRow,
        TextPiece,
        VariantEntry,
        WitnessRow,
    )

#: a set with more entries than this is "long": the browser lays out only the entries near the screen
LONG = 200


def escape(value: object) -> str:
    """``value`` as text in HTML, an element's or a quoted attribute's.

    The five characters markupsafe escapes, as the entities it writes (``html.escape``
    writes ``&quot;`` and ``&#x27;``: the same page to a browser, other bytes).
    """
    text = str(value)
    # most texts of a page (words, ids, numbers) hold none of the five: five ``in`` tests are
    # half the time of five replacements that find nothing
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace('"', "&#34;").replace("'", "&#39;"))
    return text


def script_json(data: Any) -> str:
    """``data`` as JSON safe inside ``<script>``: Jinja's ``|tojson`` (``htmlsafe_json_dumps``).

    Keys sorted, as Jinja's default ``json.dumps_kwargs`` has them; ``< > & '`` as
    ``\\u`` escapes, so no ``</script>`` and no entity can end or change the element.
    """
    return (json.dumps(data, sort_keys=True).replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026").replace("'", "\\u0027"))


def _s(n: int) -> str:
    return "" if n == 1 else "s"


# --------------------------------------------------------------------------- the document


def document(title: str, body_class: str, body: str, *, csp: str, css: str, review_css: str | None = None) -> str:
    """The page around ``body``: our CSP, our CSS inlined, nothing loaded from anywhere."""
    return "".join(_document(title, body_class, [body], csp=csp, css=css, review_css=review_css))


def _document(title: str, body_class: str, body: list[str], *, csp: str, css: str, review_css: str | None) -> list[str]:
    """:func:`document` in pieces, ``body`` too, for the caller to join once.

    A set's page is ~200,000 characters: made whole at each level (the apparatus, the body,
    the document) it was three strings of that size more, each fresh memory (~250 page
    faults, ~0.7 ms of a run).
    """
    review_style = f"<style>{review_css}</style>\n" if review_css is not None else ""
    head = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="generator" content="collate">
<link rel="icon" href="data:,">
<title>{title}</title>
<style>{css}</style>
{review_style}</head>
<body class="{body_class}">
<a class="skip" href="#main">Skip to the content</a>
"""
    return [head, *body, "</body>\n</html>\n"]


# --------------------------------------------------------------------------- a set's page


def set_document(page: SetPage, review: ReviewControls | None, *, csp: str, css: str, script: str) -> str:
    """One set's whole page; ``review`` adds the decision controls (its script and CSS filled in)."""
    body_class = "set long" if len(page.entries) > LONG else "set"
    return "".join(_document(f"{escape(page.title)} — collation", body_class, set_body(page, review, script),
                             csp=csp, css=css, review_css=review.css if review else None))


def set_body(page: SetPage, review: ReviewControls | None, script: str) -> list[str]:
    """The parts in the order the page shows them; a set without variants has no controls, apparatus or script.

    In pieces, the apparatus's entries among them, joined once with the whole page.
    """
    controls = controls_panel(page, review) if page.entries else ""
    return [
        f"""{set_head(page)}<div class="layout">
{controls}<main id="main">
{witnesses(page)}
{base_text(page)}
""",
        *(apparatus(page, review) if page.entries else ()),
        f"""
{errata(page.errata)}
{stale(page.stale)}</main>
</div>
{scripts(page, review, script) if page.entries else ""}""",
    ]


def set_head(page: SetPage) -> str:
    """The title and the counts."""
    n = page.counts
    if page.single:
        summary = f"""  <p class="summary">One witness ({escape(page.sigla[0])}): nothing to collate.</p>
"""
    else:
        summary = f"""  <p class="summary">{len(page.sigla)} witnesses · base {escape(page.base)} · engine {escape(page.engine)} ·
    <strong>{n["variants"]}</strong> variant{_s(n["variants"])}
    ({n["substantive"]} substantive, {n["accidental"]} accidental) ·
    {n["unreviewed"]} unreviewed</p>
"""
    return f"""<header class="page-head">
  <p class="crumbs"><a href="index.html">All sets</a> › <code>{escape(page.name)}</code></p>
  <h1>{escape(page.title)}</h1>
{summary}</header>
"""


def controls_panel(page: SetPage, review: ReviewControls | None) -> str:
    """Next/previous, the filters, and (under ``collate review``) the keys and the batch decision."""
    variants = page.counts["variants"]
    return f"""<aside class="controls" aria-label="Filters and navigation">
  <div class="nav-buttons">
    <button type="button" id="prev-variant" title="Previous variant (k or p)">‹ Previous</button>
    <button type="button" id="next-variant" title="Next variant (j or n)">Next ›</button>
  </div>
  <p id="shown" class="shown" role="status" aria-live="polite">Showing {variants} of {variants} variants</p>
  <form class="filters" id="filters" aria-label="Filters">
{"".join(filter_group(g) for g in page.filters)}\
    <button type="button" id="show-all">Show all</button>
  </form>
  <p class="keys">Keys: <kbd>j</kbd>/<kbd>n</kbd> next, <kbd>k</kbd>/<kbd>p</kbd> previous variant.</p>
{review_panel(review) if review else ""}</aside>
"""


def filter_group(group: FilterGroup) -> str:
    """One fieldset of checkboxes, all checked: the script hides what a box left unchecked filters out."""
    name = group.name
    boxes = "".join(
        f"""      <label class="filter {"" if o.variants else "zero"}"><input type="checkbox" checked \
name="{escape(name)}" value="{escape(o.value)}" data-group="{escape(name)}">
        <span class="filter-label">{escape(o.label)}</span> <span class="count">{o.variants}</span></label>
"""
        for o in group.options
    )
    return f"""    <fieldset class="filter-group" data-group="{escape(name)}">
      <legend>{escape(group.legend)}</legend>
{boxes}    </fieldset>
"""


def review_panel(review: ReviewControls) -> str:
    """The status keys, marking every shown variant at once, and the banner for refusals."""
    keys = ", ".join(f"<kbd>{escape(key)}</kbd> {escape(status)}" for key, status in review.keys)
    options = "".join(f'<option value="{escape(s)}">{escape(s)}</option>' for s in review.statuses)
    return f"""  <p class="keys review-keys">Status of the current variant: {keys}{"." if review.keys else ""}</p>
  <div class="batch">
    <label for="batch-status">Mark all shown variants as</label>
    <select id="batch-status">{options}</select>
    <button type="button" id="batch-apply">Mark all shown…</button>
  </div>
  <div id="review-banner" class="review-banner" role="alert" hidden></div>
"""


def witnesses(page: SetPage) -> str:
    """The witnesses table, and how far apart they are."""
    return f"""<section id="witnesses" aria-labelledby="witnesses-h">
  <h2 id="witnesses-h">Witnesses</h2>
  <div class="table-wrap">
  <table class="witnesses">
    <thead><tr><th scope="col">Siglum</th><th scope="col">Witness</th><th scope="col">File</th>\
<th scope="col" class="num">Tokens</th></tr></thead>
    <tbody>
{"".join(witness_row(w) for w in page.witnesses)}\
    </tbody>
  </table>
  </div>
{matrix(page.sigla, page.matrix) if len(page.matrix) > 1 else ""}</section>
"""


def witness_row(w: WitnessRow) -> str:
    """A witness: its siglum, label, source (linked only if it is a web address), file, tokens."""
    source = ""
    if w.source and w.href:
        source = f'<br><a class="source" href="{escape(w.href)}" rel="noopener noreferrer">{escape(w.source)}</a>'
    elif w.source:
        source = f'<br><span class="source">{escape(w.source)}</span>'
    return f"""      <tr{' class="base"' if w.is_base else ""}>
        <th scope="row">{escape(w.siglum)}{' <span class="tag">base</span>' if w.is_base else ""}</th>
        <td>{escape(w.label)}{source}</td>
        <td><code>{escape(w.file)}</code></td>
        <td class="num">{w.tokens}</td>
      </tr>
"""


def matrix(sigla: Iterable[str], rows: Iterable[MatrixRow]) -> str:
    """CER, WER and agreement of every witness against every other."""
    head = "".join(f'<th scope="col">{escape(s)}</th>' for s in sigla)
    return f"""  <h3>How far apart</h3>
  <p class="hint">Character error rate · word error rate · agreement of the column witness against the row witness.</p>
  <div class="table-wrap">
  <table class="matrix">
    <thead><tr><td></td>{head}</tr></thead>
    <tbody>
{"".join(matrix_row(row) for row in rows)}\
    </tbody>
  </table>
  </div>
"""


def matrix_row(row: MatrixRow) -> str:
    """One witness against every other; a witness against itself is a dash."""
    cells = "".join(
        f"""<td title="{escape(c.title)}"><span class="m"><abbr title="character error rate">CER</abbr> \
{escape(c.cer)}</span> <span class="m"><abbr title="word error rate">WER</abbr> {escape(c.wer)}</span> \
<span class="m">agree {escape(c.agreement)}</span></td>
"""
        if c
        else '<td class="empty">—</td>'
        for c in row.cells
    )
    return f"""      <tr><th scope="row">{escape(row.siglum)}</th>
{cells}      </tr>
"""


def base_text(page: SetPage) -> str:
    """The base witness's text, each variant marked where it stands."""
    marked = ", with the variants marked" if not page.single else ""
    legend = """  <p class="legend"><span class="vm k-sub sample">substantive<sup>1</sup></span> solid underline, bold number ·
    <span class="vm k-acc sample">accidental<sup>2</sup></span> dotted underline ·
    <span class="vm k-sub point sample">‸<sup>3</sup></span> where the base lacks a reading</p>
""" if page.entries else ""
    return f"""<section id="text" aria-labelledby="text-h">
  <h2 id="text-h">Text of {escape(page.base)}{marked}</h2>
{legend}  <div class="base-text">{"".join(text_piece(p) for p in page.text)}</div>
</section>
"""


def text_piece(piece: TextPiece) -> str:
    """A stretch of the base text, or a variant's mark (``‸`` where the base has no reading)."""
    e = piece.entry
    if e is None:
        return escape(piece.text)
    return (f'<a class="vm {escape(e.css)}{"" if piece.text else " point"}" id="t-{escape(e.id)}" '
            f'href="#{escape(e.id)}" title="variant {e.number}: {_kind_word(e)} {escape(e.kind)}">'
            f'{escape(piece.text) if piece.text else "‸"}<sup>{e.number}</sup></a>')


def _kind_word(e: VariantEntry) -> str:
    return "substantive" if e.substantive else "accidental"


def apparatus(page: SetPage, review: ReviewControls | None) -> list[str]:
    """Every variant: its apparatus line, what it is, its note, and every witness's reading (in pieces)."""
    return [
        """<section id="apparatus" aria-labelledby="apparatus-h">
  <h2 id="apparatus-h">Apparatus</h2>
  <p class="hint">line lemma] reading SIGLA; reading SIGLA — <del>struck</del> characters are the base's, \
<ins>marked</ins> characters the witness's own.</p>
  <ol class="entries">
""",
        *(apparatus_entry(e, page.base, review) for e in page.entries),
        """  </ol>
</section>
""",
    ]


def apparatus_entry(e: VariantEntry, base: str, review: ReviewControls | None) -> str:
    """One variant; its id is its anchor, so ``<set>.html#<id>`` opens the page at it."""
    vid = escape(e.id)
    place = f"<i>{escape(e.lemma_place)}</i> " if e.lemma_place else ""
    return f"""    <li class="entry {escape(e.css)}" id="{vid}" tabindex="-1">
      <p class="app-line">
        <a class="n" href="#{vid}" title="Link to this variant">{e.number}</a>
        <span class="line" title="line {e.line} in {escape(base)}"><span class="visually-hidden">line </span>{e.line}</span>
        <span class="lemma">{place}{escape(e.lemma)}</span>]
{readings(e)}      </p>
      <p class="meta">
        <code class="vid" title="The variant's id: its [variants.{vid}] entry in apparatus.toml">{vid}</code>\
<button type="button" class="copy" data-copy="{vid}" title="Copy the id" aria-label="Copy the id {vid}">copy</button>
        <span class="badge {"sub" if e.substantive else "acc"}">{_kind_word(e)}</span>
        <span class="kind">{escape(e.kind)}</span>
{classes(e)}        <span class="status st-{escape(e.status)}">{escape(e.status)}</span>
{moved(e)}{in_text(e)}      </p>
{note(e)}{decision_form(e, review) if review else ""}{synopsis(e)}    </li>
"""


def readings(e: VariantEntry) -> str:
    """The apparatus line after the lemma: ``reading SIGLA; reading SIGLA``."""
    out = []
    for r in e.readings:
        word = f"<i>{escape(r.word)}</i>{' ' if r.text else ''}" if r.word else ""
        out.append(f'<span class="rdg">{word}{fragments(r.fragments)}</span> '
                   f'<span class="sigla">{" ".join(escape(s) for s in r.sigla)}</span>')
    return "; ".join(out)


def fragments(frags: Iterable[Fragment]) -> str:
    """A reading against the base: its own characters marked, the base's struck."""
    return "".join(
        f"<ins>{escape(f.text)}</ins>" if f.op == 1 else f"<del>{escape(f.text)}</del>" if f.op == -1 else escape(f.text)
        for f in frags
    )


def classes(e: VariantEntry) -> str:
    """The variant's classes, one badge each (none for a variant without a class)."""
    if not e.classes:
        return ""
    return f"""<span class="classes">{"".join(f'<span class="cls">{escape(k)}</span>' for k in e.classes)}</span>"""


def moved(e: VariantEntry) -> str:
    """A transposition: the words moved, the other half, and which entry holds the one decision."""
    if not e.transposed_with:
        return ""
    other = escape(e.transposed_with)
    decision = "this entry" if e.decision == e.id else f'<a href="#{escape(e.decision)}">{escape(e.decision)}</a>'
    return (f'<span class="moved">moved “{escape(e.moved)}”, with <a href="#{other}">{other}</a>; '
            f"one decision: {decision}</span>")


def in_text(e: VariantEntry) -> str:
    """A link to the variant's mark in the base text, where it has one."""
    return f'<a class="to-text" href="#t-{escape(e.id)}">in the text</a>' if e.in_text else ""


def note(e: VariantEntry) -> str:
    """The editor's note; another variant's id in it links to that variant."""
    if not e.note:
        return ""
    text = "".join(f'<a href="#{escape(t)}">{escape(t)}</a>' if is_id else escape(t) for t, is_id in e.note)
    return f'<p class="note"><span class="note-h">Note:</span> {text}</p>'


def decision_form(e: VariantEntry, review: ReviewControls) -> str:
    """``collate review``: the variant's status as radio buttons, and its note to edit."""
    vid = escape(e.id)
    radios = "".join(
        f'<label><input type="radio" name="status-{vid}" value="{escape(s)}"{" checked" if s == e.status else ""}> '
        f"{escape(s)}</label>\n"
        for s in review.statuses
    )
    has_note = " hidden" if e.note else ""
    no_note = "" if e.note else " hidden"
    return f"""      <form class="decide" data-id="{vid}" aria-label="Decision on variant {e.number}">
        <fieldset class="status-choice"><legend>Status</legend>
{radios}</fieldset>
        <button type="button" class="edit-note"{no_note}>Edit note</button>
        <label class="note-edit"{has_note}>Note <textarea name="note" rows="2" maxlength="{review.max_note}">\
{escape(review.notes[e.id])}</textarea></label>
        <button type="button" class="save-note"{has_note}>Save note</button>
        <span class="saved" role="status" aria-live="polite"></span>
      </form>
"""


def synopsis(e: VariantEntry) -> str:
    """Every witness at the variant: where, a little of its own text either side, its reading."""
    return f"""      <table class="synopsis">
        <caption class="visually-hidden">Every witness at variant {e.number}</caption>
        <tbody>
{"".join(synoptic_row(row) for row in e.rows)}\
        </tbody>
      </table>
"""


def synoptic_row(row: SynopticRow) -> str:
    """One witness at the variant: a witness that lacks the passage reads *om.*"""
    reading = "<i>om.</i>" if row.empty else fragments(row.fragments)
    return (f"""          <tr{' class="base"' if row.is_base else ""}><th scope="row">{escape(row.siglum)}</th>"""
            f'<td class="loc">{escape(row.location)}</td><td class="ctx"><span class="around">{escape(row.before)}</span>'
            f'<span class="rdg{" empty" if row.empty else ""}">{reading}</span>'
            f'<span class="around">{escape(row.after)}</span></td></tr>\n')


def errata(entries: Iterable[StaleEntry]) -> str:
    """The corrections on record: transcription errors fixed in the witnesses."""
    items = "".join(gone_item(entry, with_status=False) for entry in entries)
    if not items:
        return ""
    return f"""<section id="errata" aria-labelledby="errata-h">
  <h2 id="errata-h">Corrections made (errata)</h2>
  <p class="hint">Transcription errors recorded in the apparatus and since fixed in the witness; \
each entry is kept with status <code>corrected</code>.</p>
  <ul class="errata">
{items}  </ul>
</section>
"""


def stale(entries: Iterable[StaleEntry]) -> str:
    """Apparatus entries whose variant no longer occurs."""
    items = "".join(gone_item(entry, with_status=True) for entry in entries)
    if not items:
        return ""
    return f"""<section id="stale" aria-labelledby="stale-h">
  <h2 id="stale-h">Apparatus entries whose variant is gone</h2>
  <p class="hint">Kept in the apparatus file and marked <code>stale</code>; \
<code>collate check</code> fails until they are resolved.</p>
  <ul class="stale">
{items}  </ul>
</section>
"""


def gone_item(entry: StaleEntry, with_status: bool) -> str:
    """An apparatus entry without a variant: where it is, its id, (its status,) readings and note."""
    status = (f' <span class="status st-{escape(entry.status)}">{escape(entry.status)}</span>'
              if with_status else "")
    readings = f'<span class="rdg">{escape(entry.readings)}</span>' if entry.readings else ""
    note = f' — <span class="note-text">{escape(entry.note)}</span>' if entry.note else ""
    return f"""    <li><code>{escape(entry.where)}</code> <code class="vid">{escape(entry.id)}</code>{status}
{readings}{note}</li>
"""


def scripts(page: SetPage, review: ReviewControls | None, script: str) -> str:
    """The data the page's script reads, and the script (under ``collate review``, its too)."""
    out = f"""<script type="application/json" id="collate-data">{script_json(page.data)}</script>
<script>{script}</script>
"""
    if review:
        out += f"""<script type="application/json" id="collate-review">{script_json(review.data)}</script>
<script>{review.script}</script>
"""
    return out


# --------------------------------------------------------------------------- the index


def index_document(index: IndexPage, *, csp: str, css: str) -> str:
    """The index page: no script, so its CSP allows none."""
    return document("Collation reports", "index", index_body(index), csp=csp, css=css)


def index_body(index: IndexPage) -> str:
    """Every set with its witnesses and counts, each linked to its page."""
    return f"""<header class="page-head">
  <h1>Collation reports</h1>
  <p class="summary">{index.sets} set{_s(index.sets)} ·
    {index.variants} variant{_s(index.variants)} ·
    {index.substantive} substantive · {index.unreviewed} unreviewed</p>
</header>
<main id="main">
  <div class="table-wrap">
  <table class="sets">
    <caption class="visually-hidden">Every witness set, with its witnesses and counts</caption>
    <thead>
      <tr><th scope="col">Set</th><th scope="col">Witnesses</th><th scope="col" class="num">Variants</th>\
<th scope="col" class="num">Substantive</th><th scope="col" class="num">Unreviewed</th></tr>
    </thead>
    <tbody>
{"".join(index_row(row) for row in index.rows)}\
    </tbody>
  </table>
  </div>
</main>
"""


def index_row(row: IndexRow) -> str:
    """One set: a single witness has nothing to count."""
    if row.single:
        counts = """        <td colspan="3" class="single-note">single witness — nothing to collate</td>
"""
    else:
        counts = f"""        <td class="num">{row.variants}</td>
        <td class="num">{row.substantive}</td>
        <td class="num{" todo" if row.unreviewed else ""}">{row.unreviewed}</td>
"""
    return f"""      <tr class="{"single" if row.single else ""}">
        <th scope="row"><a href="{escape(row.href)}">{escape(row.title)}</a><br><code class="set-name">\
{escape(row.name)}</code></th>
        <td>{", ".join(escape(s) for s in row.sigla)}</td>
{counts}      </tr>
"""
