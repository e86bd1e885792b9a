"""Normalization rules: what aligns, and what explains a difference.

A rule never removes a difference from the report. It does two things:

* it makes tokens *align*: each witness becomes a list of :class:`Segment` keys
  (case-folded, quotes straightened, "corner stone" joined to match
  "cornerstone" where another witness has it, a line-end hyphen joined, a
  footnote marker or page marker left out of the alignment and placed by
  position instead);
* it *classifies*: :func:`comparable` renders a reading with a chosen set of
  rules applied, and variants.py asks which rules are needed to make the
  readings equal. Those rules are the variant's classes.

Each rule is named after the variant class it explains (model.CLASSES).
"""

from __future__ import annotations

import operator
import unicodedata
from collections.abc import Sequence
from functools import cache, lru_cache
from itertools import compress, count, pairwise
from pathlib import Path
from typing import Any, cast

import regex

from .errors import ConfigError
from .lexicon import LANGUAGES, accepted_by
from .model import Prepared, Segment, Token, Witness, unfrozen
from .rules import DEFAULT_PAGE_MARKER, Rules, UnicodeForm
from .tokenize import tokenize

QUOTES = str.maketrans(
    {
        "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
        "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "″": '"',
        "—": "-", "–": "-", "‐": "-", "‑": "-", "‒": "-", "―": "-", "−": "-",
    }
)


def straight_quotes(text: str) -> str:
    """``text.translate(QUOTES)``, without the translation where there is nothing to translate.

    ``str.translate`` looks every character up in the table, ~1.5 µs a word; a word of
    ASCII letters (most words of most editions) has no curly quote or dash to straighten
    (the backtick is the only ASCII key), and ``isascii`` is a flag CPython keeps.
    """
    if text.isascii() and "`" not in text:
        return text
    return text.translate(QUOTES)


@cache
def _dashes() -> regex.Pattern[str]:
    """A run of dashes (straightened), compiled where first needed (~0.12 ms): only a reading
    that holds two dashes running is ever searched."""
    return regex.compile(r"-{2,}")


#: Words after which a number at a line end is a reference, not a footnote marker.
_NOT_BEFORE_MARKER = frozenset(
    """january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec article art section sec
    chapter ch no number page p pp part vol volume book act rule room paragraph para
    appendix annex table figure fig item doc document point psalm verse""".split()
)

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORD_ONES = "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split()
_ORD_TENS = "twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth".split()


def _number_words() -> dict[str, str]:
    words: dict[str, str] = {}
    for value, word in enumerate(_ONES):
        words[word] = str(value)
    for value, word in enumerate(_ORD_ONES):
        words[word] = str(value)
    for index, (tens, ordinal) in enumerate(zip(_TENS, _ORD_TENS, strict=True)):
        value = 20 + 10 * index
        words[tens] = words[ordinal] = str(value)
        for unit in range(1, 10):
            words[f"{tens}-{_ONES[unit]}"] = str(value + unit)
            words[f"{tens}-{_ORD_ONES[unit]}"] = str(value + unit)
    words["hundred"] = "100"
    words["hundredth"] = "100"
    return words


NUMBER_WORDS = _number_words()


@cache
def _ordinal_digits() -> regex.Pattern[str]:
    """An ordinal in digits ("22nd", "3d"), compiled where first needed (~0.3 ms): only a word or
    number that begins with no letter, ends as an ordinal and is not all digits is ever tried."""
    return regex.compile(r"^(\d+)(?:st|nd|rd|th|d)$")


def compile_rules(settings: dict[str, Any], path: str | Path | None = None) -> Rules:
    """Turn a merged ``[normalize]`` table into :class:`Rules` (errors name ``path``)."""
    unicode_form = settings.get("unicode", "NFC")
    if unicode_form is True:
        unicode_form = "NFC"
    if unicode_form and unicode_form not in ("NFC", "NFD", "NFKC", "NFKD"):
        raise ConfigError(f"normalize.unicode must be NFC, NFD, NFKC, NFKD or false, not {unicode_form!r}", path)
    page = settings.get("page-marker", True)
    page_pattern = DEFAULT_PAGE_MARKER if page is True else (page or None)
    note = settings.get("note-marker", True)
    # each compiled with the flags assign_roles searches with, so that search finds it in regex's
    # cache (compiling the page marker again, case-blind, was ~0.7 ms of every run)
    for name, pattern, flags in (("page-marker", page_pattern, regex.IGNORECASE), ("note-marker", note, 0)):
        if isinstance(pattern, str):
            try:
                regex.compile(pattern, flags)
            except regex.error as exc:
                raise ConfigError(f"normalize.{name} is not a valid regular expression: {exc}", path) from None
    base = Rules(
        case=settings.get("case", True),
        punctuation=settings.get("punctuation", True),
        quotes=settings.get("quotes", True),
        unicode=cast(UnicodeForm, unicode_form) if unicode_form else None,
        whitespace=settings.get("whitespace", True),
        hyphenation=settings.get("hyphenation", True),
        word_division=settings.get("word-division", True),
        note_marker=note,
        page_marker=page_pattern,
        numeral=settings.get("numeral", True),
        language=_language(settings.get("language", "en"), path),
        apostrophe=settings.get("apostrophe", True),
        ampersand=settings.get("ampersand", True),
        # an OCR set's non-words are misreadings, not spellings (README, "How spelling is decided")
        misspelling=settings.get("misspelling", True) and not settings.get("ocr", False),
        ocr=settings.get("ocr", False),
        elision=settings.get("elision", True),
        variant_spelling=settings.get("variant-spelling", True),
        marks=_marks_pattern(settings.get("marks", False), path),
    )
    words: dict[str, dict[str, str]] = {}
    phrases: list[tuple[str, tuple[str, ...], str]] = []
    for cls in ("spelling", "abbreviation"):
        for entry in settings.get(cls, []):
            sides = [s.strip() for s in entry.split("=")]
            if len(sides) < 2 or not all(sides):
                raise ConfigError(f"normalize.{cls}: {entry!r} is not of the form 'a = b'", path)
            canonical = sides[-1]
            if all(len(tokenize(s)[1]) == 1 for s in sides):
                table = words.setdefault(cls, {})
                for side in sides:
                    table[plain_form(side, base)] = canonical
            else:
                phrases.append((cls, tuple(sides), canonical))
    return Rules(**{**base.__dict__, "words": words, "phrases": tuple(phrases)})


def _language(code: object, path: str | Path | None) -> str:
    if not isinstance(code, str) or code.casefold() not in LANGUAGES:
        raise ConfigError(
            f"normalize.language must be one of {', '.join(sorted(LANGUAGES))}, not {code!r}", path
        )
    return code.casefold()


def _marks_pattern(marks: object, path: str | Path | None) -> str | None:
    """``marks``: a list of sigla written out (``["^", "[?]"]``) or a regular expression."""
    if marks is False or marks is None or marks == [] or marks == "":
        return None
    if marks is True:
        marks = list(DEFAULT_MARKS)
    if isinstance(marks, list):
        literal = sorted({str(m) for m in marks if str(m)}, key=len, reverse=True)
        if any(any(c.isspace() for c in m) for m in literal):
            raise ConfigError("normalize.marks: a siglum cannot contain whitespace", path)
        return "|".join(regex.escape(m) for m in literal) or None
    if not isinstance(marks, str):
        raise ConfigError(f"normalize.marks must be a list of sigla or a regular expression, not {marks!r}", path)
    try:
        regex.compile(marks)
    except regex.error as exc:
        raise ConfigError(f"normalize.marks is not a valid regular expression: {exc}", path) from None
    return marks


#: ``marks = true``: carets for an insertion and a doubtful reading
DEFAULT_MARKS = ("^", "‸", "[?]")

#: what "&" stands for, by language
AND_WORDS = {"en": "and", "de": "und", "fr": "et", "la": "et", "es": "y", "it": "e", "pt": "e", "nl": "en"}

#: apostrophes as they are written inside words
_APOSTROPHES = str.maketrans("", "", "'’‘ʼ`´")


def _may_hold_apostrophe(text: str) -> bool:
    """False only for a text without any of :data:`_APOSTROPHES`: ASCII (a flag CPython keeps)
    without ``'`` or a backtick, the only ASCII ones. ``str.translate`` looks every character up
    in the table, ~0.5 µs a word (as :func:`straight_quotes` says) for nothing, nearly always."""
    return not text.isascii() or "'" in text or "`" in text


def plain_form(text: str, rules: Rules) -> str:
    """A word with every character-level rule applied: the lookup key for equivalences."""
    if rules.unicode:
        text = unicodedata.normalize(rules.unicode, text)
    text = straight_quotes(text).casefold()
    return text.replace("-", "")


def spelling_key(text: str, rules: Rules) -> str:
    """A word as found spellings are keyed: capitals and quote styles aside, hyphens kept
    (a hyphen is word-division's difference, not spelling's)."""
    if rules.unicode:
        text = unicodedata.normalize(rules.unicode, text)
    return straight_quotes(text).casefold()


def token_form(text: str, kind: str, rules: Rules, classes: frozenset[str]) -> str:
    """One token with the character-level rules in ``classes`` applied."""
    return _token_form(text, kind, rules, classes)


@lru_cache(maxsize=200_000)
def _token_form(text: str, kind: str, rules: Rules, classes: frozenset[str]) -> str:
    if text == "&" and rules.ampersand and "abbreviation" in classes:
        return _token_form(AND_WORDS.get(rules.language, "and"), "word", rules, classes)
    if kind in ("word", "number"):
        for cls in ("spelling", "abbreviation"):
            if cls in classes and rules.words.get(cls):
                canonical = rules.words[cls].get(plain_form(text, rules))
                if canonical is not None and canonical != text:
                    return _token_form(canonical, kind, rules, classes - {cls})
        if "spelling" in classes and rules.found_spellings:
            canonical = rules.found_spellings.get(spelling_key(text, rules))
            if canonical is not None:
                return _token_form(_recased(canonical, text), kind, rules, classes - {"spelling"})
        if "numeral" in classes:
            value = numeral_value(text, rules)
            if value is not None:
                return value
    if "unicode" in classes and rules.unicode:
        text = unicodedata.normalize(rules.unicode, text)
    if "quotes" in classes:
        text = straight_quotes(text)
        if kind == "punct":
            text = text.replace("--", "-")
    if "case" in classes:
        text = text.casefold()
    if "word-division" in classes and kind == "word" and len(text) > 1:
        text = text.replace("-", "").replace("‐", "")
    if "punctuation" in classes and rules.apostrophe and kind == "word" and _may_hold_apostrophe(text):
        # "man's" against "mans": the apostrophe is punctuation inside a word
        text = text.translate(_APOSTROPHES) or text
    return text


def _recased(form: str, like: str) -> str:
    """``form`` with the capitals of ``like``: all capitals, an initial capital, or none."""
    if like.isupper() and len(like) > 1:
        return form.upper()
    if like[:1].isupper():
        return form[:1].upper() + form[1:]
    return form


def numeral_value(text: str, rules: Rules) -> str | None:
    """'tenth', '10th', 'ten' and '10' all give '10'; anything else None."""
    folded = straight_quotes(text).casefold()
    if folded.isdigit():  # never an ordinal: that has letters after its digits
        return folded
    # an ordinal in digits begins with no letter and ends as the pattern's endings do. Not gated on
    # str.isdigit: Python's Unicode tables can be older than regex's \d (Kawi's digits are \d, not
    # isdigit, in Python 3.11); a digit of any table is no letter in an older one
    if not folded[:1].isalpha() and folded.endswith(("st", "th", "d")):
        match = _ordinal_digits().match(folded)
        if match:
            return match.group(1)
    return NUMBER_WORDS.get(folded)


def comparable(
    tokens: Sequence[Token],
    roles: Sequence[str],
    rules: Rules,
    classes: frozenset[str],
) -> str:
    """A reading as text with the rules in ``classes`` applied, for comparing readings.

    With no classes it is the reading as written, except that (with the
    ``whitespace`` rule on, the default) any run of spaces or line breaks counts
    as one space: layout is not text.
    """
    exact = not rules.whitespace
    if not classes:
        return as_written(tokens, exact)
    parts: list[str] = []
    previous: Token | None = None
    previous_role = ""
    joiner_pending = False
    skipped = ""  # the whitespace after tokens left out since the last one kept
    for token, role in zip(tokens, roles, strict=True):
        if role in _DROPPED and _DROPPED[role] in classes:
            # a mark, marker or punctuation left out keeps the space around it:
            # "word ^ word" and "word^ word" stay two words, "wo^rd" one
            if previous is not None:
                skipped += token.space
            continue
        if role == "hyph" and "hyphenation" in classes:
            joiner_pending = True
            continue
        form = _token_form(token.text, token.kind, rules, classes)  # token_form's cache itself: a call less
        if previous is not None:
            raw = previous.space + skipped  # the whitespace after the last token kept
            skipped = ""
            if joiner_pending:
                sep = ""
            elif "word-division" in classes and previous_role == "word" and role == "word":
                sep = ""
            elif "whitespace" in classes:
                if previous_role != "word" or role != "word":
                    sep = ""
                else:
                    sep = " " if raw else ""
            else:
                sep = raw if exact else (" " if raw else "")
            parts.append(sep)
        parts.append(form)
        previous, previous_role, joiner_pending = token, _word_role(role), False
    if exact and previous is not None and "whitespace" not in classes:
        parts.append(previous.space)  # layout is text when whitespace = false
    text = "".join(parts)
    if "quotes" in classes:
        if "--" in text:  # what the pattern needs to find anything; most readings have none
            text = _dashes().sub("-", text)
    for cls, sides, canonical in rules.phrases:
        if cls in classes:
            target = _phrase_form(canonical, rules, classes - {cls})
            for side in sides:
                form = _phrase_form(side, rules, classes - {cls})
                if form and form != target:
                    text = regex.sub(rf"(?<!\w){regex.escape(form)}(?!\w)", target.replace("\\", "\\\\"), text)
    return text


def as_written(tokens: Sequence[Token], exact: bool) -> str:
    """:func:`comparable` under no rules: the tokens as written, each run of layout one space.

    What the loop there gives when no class applies (no token left out or joined, each
    word as written), in one join: this is every place of an alignment's walk
    (:func:`collate.units._places`) and every reading's text as written.
    """
    if exact:  # whitespace = false: layout is text, the space after the last token too
        return "".join([t.text + t.space for t in tokens])
    if not tokens:
        return ""
    last = len(tokens) - 1
    return "".join([t.text + " " if t.space else t.text for t in tokens[:last]]) + tokens[last].text


#: roles a rule leaves out of a reading, and the rule (class) that does
_DROPPED = {"note": "note-marker", "page": "page-marker", "punct": "punctuation", "mark": "mark"}


def _word_role(role: str) -> str:
    return "word" if role in ("word", "number") else role


@lru_cache(maxsize=4096)
def _phrase_form(text: str, rules: Rules, classes: frozenset[str]) -> str:
    _, tokens = tokenize(text)
    roles = tuple("punct" if t.kind == "punct" else "word" for t in tokens)
    return comparable(tokens, roles, Rules(**{**rules.__dict__, "phrases": ()}), classes)


def assign_roles(text: str, tokens: Sequence[Token], rules: Rules) -> tuple[str, ...]:
    """Each token's part: word, punct, note (footnote marker), page (page marker), mark, hyph.

    A transcription mark (the ``marks`` rule) is never a word or punctuation: a
    run of whole tokens the pattern covers. "&" is a word when it stands for "and".
    """
    roles = ["punct" if t.kind == "punct" and not (t.text == "&" and rules.ampersand) else "word"
             for t in tokens]
    if rules.marks:
        spans = [m.span() for m in regex.finditer(rules.marks, text) if m.end() > m.start()]
        _mark_spans(tokens, roles, spans, "mark")
    if rules.page_marker:
        spans = [m.span() for m in regex.finditer(rules.page_marker, text, regex.IGNORECASE)]
        _mark_spans(tokens, roles, spans, "page")
    if isinstance(rules.note_marker, str):
        spans = []
        for m in regex.finditer(rules.note_marker, text):
            spans.append(m.span(1) if m.re.groups else m.span())
        _mark_spans(tokens, roles, spans, "note")
    elif rules.note_marker:
        for i, token in enumerate(tokens):
            # only a number is ever a marker (is_note_marker's first test): the words, most tokens,
            # are passed over without a call
            if token.kind == "number" and roles[i] == "word" and is_note_marker(tokens, i):
                roles[i] = "note"
    if rules.hyphenation:
        for i in range(1, len(tokens) - 1):
            token = tokens[i]
            if (
                token.kind == "punct" and token.text in ("-", "‐", "¬")
                and roles[i - 1] == "word" and roles[i + 1] == "word"
                and tokens[i - 1].kind == "word" and tokens[i + 1].kind == "word"
                and tokens[i - 1].space == ""
                and ("\n" in token.space or "\r" in token.space
                     or _break_kept_mid_line(tokens[i - 1].text, token.space, tokens[i + 1].text, rules))
            ):
                roles[i] = "hyph"
    return tuple(roles)


def _break_kept_mid_line(head: str, space: str, tail: str, rules: Rules) -> bool:
    """A line-end break a reprint kept mid-line, ``con- tinues``: the halves joined are a word, the second is not.

    ``pre- and post-war`` is left alone: "and" is a word. The language's
    dictionaries (lexicon.py) decide, so only a set whose orthography rules are on uses this.
    """
    if space != " " or not tail[:1].islower() or not rules.orthography:
        return False
    return bool(accepted_by(head + tail, rules.language)) and not accepted_by(tail, rules.language)


def _mark_spans(tokens: Sequence[Token], roles: list[str], spans: list[tuple[int, int]], role: str) -> None:
    if not spans:
        return
    j = 0
    for i, token in enumerate(tokens):
        while j < len(spans) and spans[j][1] <= token.offset:
            j += 1
        if j == len(spans):
            break
        start, end = spans[j]
        if start <= token.offset and token.offset + len(token.text) <= end:
            roles[i] = role


@cache
def _fused_year() -> regex.Pattern[str]:
    """A year and the footnote marker fused to it, compiled where first needed (~0.35 ms): only a
    number of five digits or more, or a number written straight after another, is ever tried."""
    return regex.compile(r"^(1[6-9]\d\d|20\d\d)(\d{1,3})$")


_MONTHS = frozenset(
    "january february march april may june july august september october november december".split()
)


def split_fused_years(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """Split a year fused with its footnote marker in a date: ``November 16, 193346``.

    FRUS web renderings print a footnote number straight after the year it
    follows, so "1933" + note 46 reads ``193346``. Only a number that is a
    plausible year (1600–2099) plus one to three digits, with a capitalised
    month name among the three tokens before it ("may" is a verb), is split; the marker becomes a token of its own (and then
    a ``note`` by :func:`is_note_marker`, since no space precedes it).
    """
    out: list[Token] = []
    done = 0  # tokens before this index are in out
    for i, token in enumerate(tokens):
        if token.kind != "number" or len(token.text) < 5:
            continue
        match = _fused_year().match(token.text)
        if match and any(t.text[:1].isupper() and t.text.casefold() in _MONTHS for t in tokens[max(0, i - 3):i]):
            year, marker = match.group(1), match.group(2)
            out.extend(tokens[done:i])
            out.append(Token(year, "", token.offset, token.line, token.column, "number"))
            out.append(Token(marker, token.space, token.offset + len(year), token.line,
                             token.column + len(year), "number"))
            done = i + 1
    if not done:
        return tokens
    out.extend(tokens[done:])
    return tuple(out)


def is_note_marker(tokens: Sequence[Token], i: int) -> bool:
    """A number that is a footnote marker fused to the text before it.

    ``Litvinov,17`` and ``Roosevelt16`` (no space before the number), and a
    number after a capitalised word at the end of a line, as FRUS headings print
    them (``... to President Roosevelt 16``), unless the word names what the
    number counts (``November 16``, ``Article 16``).
    """
    token = tokens[i]
    if token.kind != "number" or not token.text.isdigit() or len(token.text) > 3 or i == 0:
        return False
    previous = tokens[i - 1]
    if previous.space == "":
        if previous.kind == "word":
            return True
        if previous.kind == "number" and _fused_year().match(previous.text + token.text):
            return True  # split off a year by split_fused_years
        return previous.text in ",.;:!?)]”’\"'" and i >= 2 and tokens[i - 2].kind == "word"
    at_line_end = i == len(tokens) - 1 or "\n" in token.space or "\r" in token.space
    return (
        at_line_end
        and previous.kind == "word"
        and previous.space == " "
        and previous.text[:1].isupper()
        and previous.text.casefold().rstrip(".") not in _NOT_BEFORE_MARKER
    )


#: a Segment's slots without its frozen ``__setattr__`` (model.unfrozen): prepare makes a Segment
#: per word of every witness, filled there as tokenize fills a Token
_UnfrozenSegment = unfrozen(Segment)


def _segment(key: str, start: int, end: int) -> Segment:
    """``Segment(key, start, end)``, in less than half the time: ~0.17 µs, against ~0.41 by its
    ``__init__`` (each field set by ``object.__setattr__``) and ~0.26 through the slots' descriptors.
    :func:`prepare`'s loop over the words writes this out in itself (a call less a word: ~1,000
    instructions of ~22,000 a token of preparing)."""
    segment: Any = object.__new__(_UnfrozenSegment)
    segment.key = key
    segment.start = start
    segment.end = end
    segment.__class__ = Segment
    return cast(Segment, segment)


def prepare(witness: Witness, rules: Rules) -> Prepared:
    """Tokenize a witness and give it segments, before set-wide joining (word division)."""
    lead, tokens = tokenize(witness.text)
    if rules.note_marker is True:
        tokens = split_fused_years(tokens)
    roles = assign_roles(witness.text, tokens, rules)
    aligned = rules.classes
    inside = ("mark", "punct") if rules.ocr else ("mark",)
    # only a mark (the marks rule) or, in an OCR set, punctuation can stand inside a word
    marks_inside = bool(rules.marks) or rules.ocr
    form = _token_form  # token_form's cache itself: a call less per word of a book
    segments: list[Segment] = []
    n = len(tokens)
    i = 0
    new = object.__new__
    segment: Any  # an _UnfrozenSegment until it takes Segment's class
    while i < n:
        role = roles[i]
        if role == "word":
            token = tokens[i]
            key = form(token.text, token.kind, rules, aligned)
            end = i + 1
            # most words: a space follows, and nothing joins a word to what comes after a space (a
            # line-end hyphen, role "hyph", is written straight after its word: assign_roles; no mark
            # inside a word has a space before it: _past_marks), so the word is one token
            while not tokens[end - 1].space:
                # join a word broken at a line end: recog-\nnize
                if end + 1 < n and roles[end] == "hyph":
                    key += form(tokens[end + 1].text, tokens[end + 1].kind, rules, aligned)
                    end += 2
                    continue
                if not marks_inside:
                    break
                # a mark inside a word does not split it: "wo^rd"; nor, in an OCR set,
                # a punctuation mark misread inside one: "wo»rd"
                after = _past_marks(tokens, roles, end, inside)
                if after > end and after < n and roles[after] == "word":
                    key += form(tokens[after].text, tokens[after].kind, rules, aligned)
                    end = after + 1
                    continue
                break
            # _segment(key, i, end), written out: a call less per word of every witness
            segment = new(_UnfrozenSegment)
            segment.key = key
            segment.start = i
            segment.end = end
            segment.__class__ = Segment
            segments.append(segment)
            i = end
            continue
        if role == "punct" and not rules.punctuation:
            segments.append(_segment(token_form(tokens[i].text, "punct", rules, aligned), i, i + 1))
        i += 1
    prepared = Prepared(witness, tokens, roles, tuple(segments), lead)
    if rules.phrases:
        prepared = _join_phrases(prepared, rules)
    return prepared


def _past_marks(tokens: Sequence[Token], roles: Sequence[str], i: int, inside: tuple[str, ...] = ("mark",)) -> int:
    """The index after a run of marks (roles ``inside``) written inside a word, no space on either side; else ``i``."""
    if i == 0 or tokens[i - 1].space:
        return i
    j = i
    while j < len(tokens) and roles[j] in inside and not tokens[j].space:
        j += 1
    return j if j > i else i


def _replace_segments(prepared: Prepared, segments: list[Segment]) -> Prepared:
    return Prepared(prepared.witness, prepared.tokens, prepared.roles, tuple(segments), prepared.lead)


def _join_phrases(prepared: Prepared, rules: Rules) -> Prepared:
    """Make a multi-word equivalence ("U. S." = "United States") one segment."""
    sides: list[tuple[tuple[str, ...], str, list[str]]] = []
    aligned = rules.classes
    for _cls, texts, canonical in rules.phrases:
        canonical_key = "".join(_keys_of(canonical, rules, aligned))
        for text in texts:
            keys = _keys_of(text, rules, aligned)
            if keys:
                sides.append((keys, canonical_key, _trailing_punct(text)))
    sides.sort(key=lambda s: -len(s[0]))
    segs = list(prepared.segments)
    tokens = prepared.tokens
    out: list[Segment] = []
    i = 0
    while i < len(segs):
        for keys, canonical_key, trailing in sides:
            n = len(keys)
            if tuple(s.key for s in segs[i:i + n]) == keys:
                end = segs[i + n - 1].end
                # "U. S." ends with a full stop that belongs to the abbreviation
                for mark in trailing:
                    if end < len(tokens) and tokens[end].text == mark and prepared.roles[end] == "punct":
                        end += 1
                out.append(Segment(canonical_key, segs[i].start, end))
                i += n
                break
        else:
            out.append(segs[i])
            i += 1
    return _replace_segments(prepared, out)


def _trailing_punct(text: str) -> list[str]:
    _, tokens = tokenize(text)
    marks: list[str] = []
    for token in reversed(tokens):
        if token.kind != "punct":
            break
        marks.insert(0, token.text)
    return marks


def _keys_of(text: str, rules: Rules, classes: frozenset[str]) -> tuple[str, ...]:
    _, tokens = tokenize(text)
    return tuple(token_form(t.text, t.kind, rules, classes) for t in tokens if t.kind != "punct")


def join_word_division(prepared: Sequence[Prepared], rules: Rules) -> list[Prepared]:
    """Join adjacent segments where another witness has them as one word.

    "corner stone" in one witness and "cornerstone" in another: no token-by-token
    aligner matches one token against two, so the two become one segment keyed
    "cornerstone". A pair is joined only when some other witness has the joined
    word and does not itself have the pair, so a phrase both witnesses write
    apart is never touched.
    """
    if not rules.word_division or len(prepared) < 2:
        return list(prepared)
    keys = [[s.key for s in p.segments] for p in prepared]
    # each witness's words, and the set's, by C-level set building; which witnesses have a
    # joined word is asked only of the few joins found (a word-by-word loop of owners was a
    # tenth of this function on the 3 x 1,000 set, which has one such join)
    vocabularies = [set(k) for k in keys]
    is_word = set().union(*vocabularies).__contains__
    # each witness's pairs of adjacent segments, made when a join first asks (a third of this
    # function made for every witness, for a test that most sets never reach)
    bigrams: dict[int, frozenset[tuple[str, str]]] = {}

    def pairs_of(o: int) -> frozenset[tuple[str, str]]:
        found = bigrams.get(o)
        if found is None:
            found = bigrams[o] = frozenset(pairwise(keys[o]))
        return found

    out = []
    for w, p in enumerate(prepared):
        segs = list(p.segments)
        seg_keys = keys[w]
        # the places where this segment joined with the next one (or two) is some witness's
        # word, found by C-level joins and lookups: a book chapter has ~70,000 places to
        # try, and almost none is one
        twos = list(map(operator.add, seg_keys, seg_keys[1:]))
        threes = list(map(operator.add, twos, seg_keys[2:]))
        candidates = sorted({*compress(count(), map(is_word, twos)), *compress(count(), map(is_word, threes))})
        result: list[Segment] = []
        i = 0
        for at in candidates:
            if at < i:
                continue  # inside a join made before
            result.extend(segs[i:at])
            i = at
            joined = None
            for n, found in ((3, threes), (2, twos)):
                key = found[i] if i < len(found) else None
                if key is None or not is_word(key):
                    continue
                having = [o for o, words in enumerate(vocabularies) if o != w and key in words]
                group = segs[i:i + n]
                if not having or not _adjacent(p, group):
                    continue
                pairs = set(pairwise(s.key for s in group))
                if any(not pairs <= pairs_of(o) for o in having):
                    joined = Segment(key, group[0].start, group[-1].end)
                    i += n
                    break
            if joined is None:
                result.append(segs[i])
                i += 1
            else:
                result.append(joined)
        result.extend(segs[i:])
        out.append(_replace_segments(p, result))
    return out


def _adjacent(p: Prepared, group: Sequence[Segment]) -> bool:
    """Segments that follow each other with only whitespace between, all words."""
    for a, b in pairwise(group):
        if a.end != b.start:
            return False
    for s in group:
        if p.roles[s.start] != "word" or p.tokens[s.start].kind != "word":
            return False
    return True


def prepare_set(witnesses: Sequence[Witness], rules: Rules) -> list[Prepared]:
    """Prepare every witness of a set for alignment."""
    return join_word_division([prepare(w, rules) for w in witnesses], rules)
