"""Fuzzing the whole pipeline with hypothesis: hostile Unicode in, and nothing may break.

Witness sets are made two ways, both synthetic:

* random sets of 2-4 witnesses built from random words: words of the shipped letters, any
  Unicode (control characters, combining marks, emoji, right-to-left scripts, BOMs), and
  hostile strings (HTML and script, template syntax, quotes, footnote and page markers),
  joined by random layout (CRLF, CR, tabs, no space at all), then edited at random;
* the shipped letters in ``witnesses/``, edited at random character offsets (which splits
  words, CRLF pairs and combining sequences).

Each goes through everything collate does with a set — tokenize, normalize (with random
rules), align (both engines), variants, the JSON, HTML and TEI reports, apparatus sync
twice, check — and these must hold:

* no exception;
* the tokens give back each witness exactly, and every token of every witness stands in
  the alignment exactly once, in order;
* every reading's line and column point at its text in the witness;
* the JSON report parses and is the report's data; a second collation gives the same JSON;
* the HTML page holds no tag that the code writing it (reporters/htmlpage.py) does not, so no
  witness text became markup;
  the TEI is well-formed XML;
* apparatus sync twice: the second changes nothing, and the file read back has an entry,
  unreviewed and not stale, for every variant.

How many examples run is set by the hypothesis profile (tests/conftest.py): a few in a
developer's run, more in CI (``CI`` set), many with ``HYPOTHESIS_PROFILE=fuzz``.
"""

from __future__ import annotations

import json
import re
import tempfile
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import regex
import tomlkit
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from lxml import etree

from collate.apparatus import read_apparatus, with_decisions
from collate.apparatus_write import sync
from collate.check import judge_set
from collate.config import Config
from collate.control import align_set, collate_set, load_sets
from collate.model import Collation
from collate.moves import leads
from collate.reporters import html as html_reporter
from collate.reporters import json as json_reporter
from collate.reporters import tei as tei_reporter
from collate.sources import line_starts
from collate.tokenize import detokenize
from collate.variants import positions

ROOT = Path(__file__).resolve().parent.parent
WITNESSES = ROOT / "witnesses"
#: the code that writes the HTML pages: every tag a page may hold is written out in it
PAGE_CODE = ROOT / "src" / "collate" / "reporters" / "htmlpage.py"

REAL_TEXTS = {p.relative_to(WITNESSES).as_posix(): p.read_text(encoding="utf-8")
              for p in sorted(WITNESSES.rglob("*.txt"))}
VOCABULARY = sorted({w for t in REAL_TEXTS.values() for w in regex.findall(r"\w+", t)})

#: strings that have broken, or could break, a tokenizer, an aligner or a reporter
HOSTILE = [
    "<script>alert(1)</script>", "<i-fuzz>", "</p>", "<img src=x onerror=alert(1)>", "&amp;", "&lt;",
    "]]>", "<!--", "-->", "{{ title }}", "{% if x %}", "${x}", '"', "'", "’", "“quoted”", "‘s", "«»",
    "1,000", "22nd", "tenth", "twenty-two", "[Page 812]", "[p. iv]", "Roosevelt16", "Litvinov,17",
    "recog-\nnize", "co-operation", "—", "--", "-", "\u00ad", "\u202e", "\u200f", "\u200d", "\ufeff",
    "e\u0301", "\u0301", "\u0308a", "👍🏽", "🇺🇸", "👩‍👩‍👧", "שלום", "مرحبا", "١٢٣", "Ⅻ", "𝔘𝔫𝔦𝔱𝔢𝔡", "ﬁ", "ß",
    "İ", "ǅ", "\x0c", "\x0b", "\x1b[31m", "\x7f", "\x85", "\u2028", "\u2029", "\\", "\\n", "%s", "%(x)s",
    "U. S.", "United States", "Litvinoff", "...", "?!", "(", ")", "#", "=", "[", "]", "*", "_",
]
SEPARATORS = [" ", " ", " ", " ", "\n", "\r\n", "\r", "", "  ", "\t", "\u00a0", "\u3000", "\n\n", " \r\n"]

# any character a decoded witness file can hold (loading rejects NUL; no lone surrogates in UTF-8)
any_char = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
words = st.one_of(
    st.sampled_from(VOCABULARY),
    st.sampled_from(VOCABULARY),
    st.sampled_from(HOSTILE),
    st.text(any_char, min_size=1, max_size=6),
)


@st.composite
def layout(draw: st.DrawFn, tokens: list[str]) -> str:
    """Words joined by random separators, with now and then a BOM or leading space."""
    lead = draw(st.sampled_from(["", "", "", "\ufeff", " ", "\n"]))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(tokens), max_size=len(tokens)))
    return lead + "".join(t + s for t, s in zip(tokens, seps, strict=True))


@st.composite
def edited(draw: st.DrawFn, base: list[str]) -> list[str]:
    """A copy of ``base`` with a few word-level edits, as another witness would have it."""
    out = list(base)
    for _ in range(draw(st.integers(0, 5))):
        op = draw(st.sampled_from(["sub", "del", "ins", "case", "move", "split", "join"]))
        if not out:
            op = "ins"
        i = draw(st.integers(0, max(0, len(out) - 1)))
        if op == "sub":
            out[i] = draw(words)
        elif op == "del":
            del out[i]
        elif op == "ins":
            out.insert(i, draw(words))
        elif op == "case":
            out[i] = out[i].swapcase()
        elif op == "move" and len(out) > 1:
            word = out.pop(i)
            out.insert(draw(st.integers(0, len(out))), word)
        elif op == "split" and len(out[i]) > 2:
            cut = draw(st.integers(1, len(out[i]) - 1))
            out[i:i + 1] = [out[i][:cut], out[i][cut:]]
        elif op == "join" and i + 1 < len(out):
            out[i:i + 2] = [out[i] + out[i + 1]]
    return out


@st.composite
def rules(draw: st.DrawFn) -> dict:
    """A set's merged ``[normalize]`` settings, at random."""
    settings_ = dict(Config().normalize)
    for key in ("case", "punctuation", "quotes", "whitespace", "hyphenation", "word-division", "numeral",
                "note-marker", "page-marker"):
        settings_[key] = draw(st.booleans())
    settings_["unicode"] = draw(st.sampled_from(["NFC", "NFC", "NFD", "NFKC", "NFKD", False]))
    settings_["spelling"] = draw(st.sampled_from([[], ["Litvinoff = Litvinov"], ["colour = color", "ß = ss"]]))
    settings_["abbreviation"] = draw(st.sampled_from([[], ["U. S. = United States"]]))
    return settings_


@st.composite
def random_sets(draw: st.DrawFn) -> tuple[dict[str, str], dict]:
    base = draw(st.lists(words, min_size=0, max_size=25))
    texts = {"A": draw(layout(base))}
    for siglum in "BCD"[: draw(st.integers(1, 3))]:
        other = draw(st.one_of(edited(base), edited(base), st.lists(words, max_size=10)))
        texts[siglum] = draw(layout(other))
    return texts, draw(rules())


@st.composite
def char_edits(draw: st.DrawFn) -> list[tuple[str, float, int, str]]:
    """Edits at character offsets (a share of the text's length), as data: (op, where, length, text)."""
    ops = st.sampled_from(["insert", "delete", "replace", "duplicate", "crlf", "nfd"])
    payload = st.one_of(words, st.text(any_char, max_size=8))
    return draw(st.lists(st.tuples(ops, st.floats(0, 1), st.integers(0, 30), payload), min_size=1, max_size=4))


def apply_edits(text: str, edits: list[tuple[str, float, int, str]]) -> str:
    for op, where, length, payload in edits:
        at = int(where * len(text))
        end = min(len(text), at + length)
        if op == "insert":
            text = text[:at] + payload + text[at:]
        elif op == "delete":
            text = text[:at] + text[end:]
        elif op == "replace":
            text = text[:at] + payload + text[end:]
        elif op == "duplicate":
            text = text[:end] + text[at:end] + text[end:]
        elif op == "crlf":
            text = text.replace("\n", "\r\n")
        else:
            text = text[:at] + unicodedata.normalize("NFD", text[at:end]) + text[end:]
    return text


@st.composite
def edited_letters(draw: st.DrawFn) -> tuple[dict[str, str], dict]:
    """A shipped letter's witnesses, one of them edited at random character offsets."""
    folder = draw(st.sampled_from(sorted({k.split("/")[0] for k in REAL_TEXTS})))
    texts = {f"W{n}": t for n, (k, t) in enumerate(sorted(REAL_TEXTS.items())) if k.startswith(folder + "/")}
    target = draw(st.sampled_from(sorted(texts)))
    texts[target] = apply_edits(texts[target], draw(char_edits()))
    if len(texts) < 2:  # a letter with one witness: pair it with its unedited self
        texts["ZZ"] = REAL_TEXTS[next(k for k in REAL_TEXTS if k.startswith(folder + "/"))]
    return texts, dict(Config().normalize)


# -- the checks ------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs) -> None:
        self.tags.add(tag)

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.tags.add(tag)


PAGE_TAGS = {m.lower() for m in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", PAGE_CODE.read_text(encoding="utf-8"))}


def check_html(page: str) -> None:
    """Only the page code's own tags: witness text, however hostile, was escaped."""
    parser = _Tags()
    parser.feed(page)
    parser.close()
    assert parser.tags <= PAGE_TAGS, parser.tags - PAGE_TAGS
    for sentinel in ("<i-fuzz", "<script>alert", "<img src=x", "<!--"):
        assert sentinel not in page, sentinel


def check_positions(c: Collation) -> None:
    """Every reading's line and column (and end) point at its exact text in the witness."""
    texts = {w.siglum: w.text for w in c.witnesses}
    starts = {s: line_starts(t) for s, t in texts.items()}

    def offset(s: str, line: int, column: int) -> int:
        return starts[s][line - 1] + column - 1

    for v in c.variants:
        for s, r in v.readings.items():
            start, end = offset(s, r.line, r.column), offset(s, r.end_line, r.end_column)
            assert texts[s][start:end] == r.text, (v.id, s, r)


ENCODINGS = {"utf-8": "utf-8", "utf-8 with BOM": "utf-8-sig", "utf-16 with BOM": "utf-16"}


def write_set(folder: Path, texts: dict[str, str], normalize: dict, encodings: dict[str, str]) -> None:
    """The set as an editor keeps it: witness files in their encodings, and set.toml (written by tomlkit)."""
    manifest = tomlkit.document()
    manifest["title"] = "fuzz <set> & “title” \\ \"quoted\""
    manifest["base"] = min(texts)
    entries = tomlkit.aot()
    for siglum, text in texts.items():
        name = f"{siglum.lower()}.txt"
        (folder / name).write_bytes(text.encode(ENCODINGS[encodings.get(siglum, "utf-8")]))
        entries.append({"siglum": siglum, "file": name, "label": f"<b>{siglum}</b> & ‘label’"})
    manifest["witness"] = entries
    manifest["normalize"] = normalize
    (folder / "set.toml").write_text(tomlkit.dumps(manifest), encoding="utf-8")


def collate_folder(folder: Path, engine: str) -> Collation:
    (wset,) = load_sets([folder], Config())
    return collate_set(wset, engine)


def pipeline(texts: dict[str, str], normalize: dict, engine: str, encodings: dict[str, str] | None = None,
             later: tuple[str, list] | None = None) -> None:
    """Everything collate does with one set, with every property checked.

    ``later`` is an edit made to one witness after an editor has decided every variant:
    the apparatus must then keep every note, and a second sync must change nothing.
    """
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "fuzz"
        folder.mkdir()
        write_set(folder, texts, normalize, encodings or {})
        c = collate_folder(folder, engine)
        (wset,) = load_sets([folder], Config())
        aligned = align_set(wset, engine)
        # the files read back as written; tokens give back the text; every token once, in order
        # (a BOM at the start of a UTF-8 file is not text; one the encoding adds is taken away again)
        assert {w.siglum: w.text for w in c.witnesses} == {
            s: t.removeprefix("\ufeff") if (encodings or {}).get(s, "utf-8") == "utf-8" else t for s, t in texts.items()
        }
        texts = {w.siglum: w.text for w in c.witnesses}
        for p in aligned.prepared:
            assert detokenize(p.lead, p.tokens) == p.witness.text
        seen: dict[str, list[int]] = {p.witness.siglum: [] for p in aligned.prepared}
        for _, cells in positions(aligned.prepared, aligned.columns):
            for siglum, indices in cells.items():
                seen[siglum].extend(indices)
        for p in aligned.prepared:
            assert seen[p.witness.siglum] == list(range(len(p.tokens)))
        check_positions(c)
        # reports
        text = json_reporter.render(c)
        assert json.loads(text) == json.loads(json.dumps(json_reporter.report_dict(c)))
        assert json_reporter.render(collate_folder(folder, engine)) == text  # deterministic
        check_html(html_reporter.render(c))
        check_html(html_reporter.render_index([c]))
        etree.fromstring(tei_reporter.render(c).encode("utf-8"), etree.XMLParser(resolve_entities=False))
        # apparatus: sync twice, the second changes nothing; the file reads back whole
        path = sync_twice(c)
        entries = read_apparatus(path).entries
        # one entry per variant, but a transposition's second half shares its first half's entry
        assert set(entries) == {v.id for v in c.variants} - set(leads(c.variants))
        merged = with_decisions(c)
        assert merged.stale == () and all(v.status == "unreviewed" for v in merged.variants)
        # check: every variant unreviewed is a problem, each one line (CI logs read it line by line)
        result = judge_set(merged, Config())
        # (a transposition's two halves are one problem, at the first)
        assert [p.variant for p in result.problems] == [v.id for v in c.variants if v.id not in leads(c.variants)]
        for problem in result.problems:
            assert len(str(problem).splitlines()) == 1, str(problem)
        if later is None or not c.variants:
            return
        # an editor decides every variant, with a note; then a witness changes
        doc = tomlkit.parse(path.read_text(encoding="utf-8"))
        notes = {}
        for n, vid in enumerate(entries):
            notes[vid] = f"note {n}: <i>“{vid}”</i> \\ \"q\" {texts[min(texts)][:20]}"
            doc["variants"][vid]["status"] = "recorded"
            doc["variants"][vid]["note"] = notes[vid]
        path.write_text(tomlkit.dumps(doc), encoding="utf-8")
        siglum, edits = later
        target = folder / f"{siglum.lower()}.txt"
        target.write_bytes(apply_edits(texts[siglum], edits).encode("utf-8"))
        c2 = collate_folder(folder, engine)
        sync_twice(c2)
        kept = read_apparatus(path).entries
        assert sorted(e.note for e in kept.values() if e.note) == sorted(notes.values())  # nothing lost
        for e in kept.values():
            assert e.status == ("recorded" if e.note else "unreviewed")
        merged = with_decisions(c2)
        assert {e.note for e in merged.stale} | {v.note for v in merged.variants if v.note} == set(notes.values())


def sync_twice(c: Collation) -> Path:
    first = sync(c)
    before = first.path.read_bytes() if first.path.exists() else None
    second = sync(c)
    assert not second.changed and not second.written, second
    assert (first.path.read_bytes() if first.path.exists() else None) == before
    return first.path


FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(random_sets(), st.sampled_from(["anchored", "collatex"]), st.dictionaries(
    st.sampled_from("ABCD"), st.sampled_from(sorted(ENCODINGS))), st.data())
def test_random_unicode_sets_survive_the_whole_pipeline(
    case: tuple[dict[str, str], dict], engine: str, encodings: dict[str, str], data: st.DataObject
) -> None:
    texts, normalize = case
    later = (data.draw(st.sampled_from(sorted(texts))), data.draw(char_edits()))
    note(f"engine={engine} texts={texts!r} normalize={normalize!r} encodings={encodings} later={later!r}")
    pipeline(texts, normalize, engine, encodings, later)


@FUZZ
@given(edited_letters(), st.data())
def test_edited_letters_survive_the_whole_pipeline(case: tuple[dict[str, str], dict], data: st.DataObject) -> None:
    texts, normalize = case
    later = (data.draw(st.sampled_from(sorted(texts))), data.draw(char_edits()))
    note(f"texts={texts!r} later={later!r}")
    pipeline(texts, normalize, "anchored", later=later)
