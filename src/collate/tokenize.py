"""Split a witness into tokens that keep their whitespace and their place.

Words, numbers and single punctuation marks are tokens; the whitespace after a
token stays with it, so ``lead + "".join(t.text + t.space)`` gives back the
witness exactly. Every token knows its 1-based line and column, counted in
characters with ``\\r\\n``, ``\\r`` and ``\\n`` each one line break, so a
message can point an editor at the very character in their file.
"""

from __future__ import annotations

from typing import Any

import regex

from .model import Token, unfrozen
from .sources import line_starts

# A word: letters (with their combining marks), joined by inner apostrophes or
# hyphens ("People’s", "good-bye"). A number: digits, with inner separators and an
# ordinal ending ("1,000", "22nd"). A token mixing digits and letters is one word
# ("25ten", "4to", "H2O"): an OCR misreading or a bibliographer's format is not two
# words. Only letters followed by trailing digits part ("Roosevelt16"), since that
# is how a footnote marker fused to a word prints (normalize.is_note_marker).
# Anything else that is not whitespace is one grapheme of punctuation, so a stray
# combining mark never splits a character. Whitespace is matched by nothing: it is what
# lies between one token's match and the next.
# A word's letters are matched once, then what follows them: digits and a letter (a word
# mixing both, "H2O") or else inner apostrophes and hyphens. (As two alternatives, the mixed
# one tried first, every word's letters were scanned twice: a fifth of the matching time.)
_TOKEN = regex.compile(
    r"""
    (?P<word>[\p{L}][\p{L}\p{M}]*(?:\p{Nd}+[\p{L}][\p{L}\p{M}\p{Nd}]*|(?:['’\-][\p{L}][\p{L}\p{M}]*)*))
  | (?P<number>\p{Nd}+(?:[.,:]\p{Nd}+)*(?:st|nd|rd|th|d)?(?![\p{L}\p{M}\p{Nd}]))
  | (?P<alnum2>\p{Nd}+[\p{L}\p{M}][\p{L}\p{M}\p{Nd}]*)
  | (?P<number2>\p{Nd}+)
  | (?P<punct>(?!\s)\X)
    """,
    regex.VERBOSE,
)

#: each alternative of the pattern and the kind of token it is
_KINDS = {"word": "word", "number": "number", "alnum2": "word", "number2": "number", "punct": "punct"}
#: the same by the alternative's group number, which ``match.lastindex`` gives (the alternative's
#: group closes last: it holds the whole match), where ``lastgroup`` looks the group's name up for
#: every token (~7% of tokenizing: Darwin's six editions 85 -> 79 ms). A number that is no
#: alternative's (0, no group: never) is punctuation, as ``lastgroup or "punct"`` had it
_KIND_OF = tuple(next((_KINDS[name] for name, n in _TOKEN.groupindex.items() if n == number), "punct")
                 for number in range(_TOKEN.groups + 1))


#: a Token's slots without its frozen ``__setattr__`` (model.unfrozen: a token is filled there, then made a Token)
_Unfrozen = unfrozen(Token)


def tokenize(text: str) -> tuple[str, tuple[Token, ...]]:
    """Return the leading whitespace and the tokens of ``text``."""
    starts = line_starts(text)
    tokens: list[Token] = []
    line = 0  # index into starts of the current token's line
    last = len(starts) - 1
    line_number, column_base = 1, 1  # the token's line, and what its offset needs to be its column
    next_line = starts[1] if last else len(text) + 1
    new = object.__new__
    kinds = _KIND_OF
    token: Any = None  # an _Unfrozen until it takes Token's class
    end = 0
    for match in _TOKEN.finditer(text):
        offset, stop = match.span()
        if token is not None:
            # every character that is not whitespace is in a token, so a token's space is all
            # that stands between its end and the next token's start (matching the space as a
            # token of its own took a third of the matches, and a join per run of it): the
            # token before is finished here, as the next one begins
            token.space = text[end:offset]
            token.__class__ = Token
        if offset >= next_line:
            # offsets only grow: walk the line starts alongside instead of a search per token
            while line < last and starts[line + 1] <= offset:
                line += 1
            line_number, column_base = line + 1, 1 - starts[line]
            next_line = starts[line + 1] if line < last else len(text) + 1
        # Token(...), made as an _Unfrozen (model.unfrozen)
        token = new(_Unfrozen)
        token.text = text[offset:stop]
        token.offset = offset
        token.line = line_number
        token.column = offset + column_base
        token.kind = kinds[match.lastindex or 0]
        tokens.append(token)
        end = stop
    if token is None:
        return text, ()
    token.space = text[end:]
    token.__class__ = Token
    return text[: tokens[0].offset], tuple(tokens)


def detokenize(lead: str, tokens: tuple[Token, ...] | list[Token]) -> str:
    """The exact text the tokens came from."""
    return lead + "".join(t.text + t.space for t in tokens)
