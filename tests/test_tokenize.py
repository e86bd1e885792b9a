"""Tokens keep their whitespace and their place in the file."""

from __future__ import annotations

import regex
from hypothesis import given
from hypothesis import strategies as st

from collate.tokenize import detokenize, tokenize


def test_words_numbers_and_punctuation_are_tokens() -> None:
    _, tokens = tokenize("Mr. M. M. Litvinov,17 People’s Commissar, good-bye; 22nd 1,000")
    assert [(t.text, t.kind) for t in tokens] == [
        ("Mr", "word"), (".", "punct"), ("M", "word"), (".", "punct"), ("M", "word"), (".", "punct"),
        ("Litvinov", "word"), (",", "punct"), ("17", "number"), ("People’s", "word"),
        ("Commissar", "word"), (",", "punct"), ("good-bye", "word"), (";", "punct"),
        ("22nd", "number"), ("1,000", "number"),
    ]


def test_lines_and_columns_are_one_based_and_count_crlf_as_one_break() -> None:
    text = "My dear\r\nMr. Litvinov:\r\n\r\n  I thank you"
    _, tokens = tokenize(text)
    where = {t.text: (t.line, t.column) for t in tokens}
    assert where["My"] == (1, 1)
    assert where["dear"] == (1, 4)
    assert where["Litvinov"] == (2, 5)
    assert where["thank"] == (4, 5)


def test_combining_marks_stay_with_their_letter() -> None:
    _, tokens = tokenize("cafe\u0301 \u00e9t\u00e9")
    assert [t.text for t in tokens] == ["cafe\u0301", "\u00e9t\u00e9"]


def test_real_witness_is_reproduced_exactly(edition_copy) -> None:
    for path in edition_copy.rglob("*.txt"):
        text = path.read_text(encoding="utf-8")
        lead, tokens = tokenize(text)
        assert detokenize(lead, tokens) == text
        for token in tokens:
            line_start = text.rfind("\n", 0, token.offset) + 1
            assert text.count("\n", 0, token.offset) + 1 == token.line
            assert token.offset - line_start + 1 == token.column


@given(st.text())
def test_any_text_is_reproduced_from_its_tokens(text: str) -> None:
    lead, tokens = tokenize(text)
    assert detokenize(lead, tokens) == text
    assert all(t.text and not regex.fullmatch(r"\s+", t.text) for t in tokens)


def test_a_token_mixing_letters_and_digits_is_one_word_but_a_fused_note_marker_parts() -> None:
    _, tokens = tokenize("25ten 4to 12mo H2O 1st Roosevelt16 Litvinov,17 193346")
    assert [(t.text, t.kind) for t in tokens] == [
        ("25ten", "word"), ("4to", "word"), ("12mo", "word"), ("H2O", "word"), ("1st", "number"),
        ("Roosevelt", "word"), ("16", "number"), ("Litvinov", "word"), (",", "punct"), ("17", "number"),
        ("193346", "number"),
    ]
