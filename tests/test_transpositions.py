"""Moved passages are transpositions: near or far, exact or (for OCR) alike enough.

The moved-paragraph set (tests/sets/moved-paragraph) is synthetic: three real
paragraphs of Darwin's 1859 chapter 1, the second one moved to the end in MOVED.
"""

from __future__ import annotations

from pathlib import Path

from rapidfuzz import fuzz

from collate.reporters import html, tei
from collate.reporters.json import report_dict
from collate.transpose import MOVED_SIMILARITY
from helpers import collate_folder, collate_texts

MOVED = Path(__file__).resolve().parent / "sets" / "moved-paragraph"
IN_ORDER = (MOVED / "in-order.synthetic.txt").read_text(encoding="utf-8")
MOVED_TEXT = (MOVED / "moved.synthetic.txt").read_text(encoding="utf-8")
PARAGRAPH = IN_ORDER.split("\n\n")[1]  # "From these several reasons, …"


def _ocr(text: str, every: int) -> str:
    """Synthetic OCR noise: every ``every``-th letter read as a look-alike (e→c, n→u, m→rn, …)."""
    look_alike = {"e": "c", "c": "e", "i": "l", "l": "i", "n": "u", "u": "n", "o": "a", "a": "o", "h": "b", "m": "rn"}
    out, letters = [], 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            if letters % every == 0:
                ch = look_alike.get(ch, ch)
        out.append(ch)
    return "".join(out)


def test_a_moved_paragraph_is_one_transposition_with_both_places() -> None:
    collation = collate_folder(MOVED)
    first, second = collation.variants
    assert (first.kind, second.kind) == ("transposition", "transposition")
    assert first.transposed_with == second.id and second.transposed_with == first.id
    # where it stands in A, and where it stands in MOVED: the whole paragraph, nothing else
    assert first.readings["MOVED"].text == "" and second.readings["A"].text == ""
    assert "From these several reasons" in first.readings["A"].text
    assert first.readings["A"].text == second.readings["MOVED"].text
    # the paragraph, its final stop and the previous one's aside (which of two like stops is a guess)
    assert first.readings["A"].text.strip(".\n") == PARAGRAPH.strip(".")
    assert first.readings["A"].line == 1 and second.readings["MOVED"].line == 3
    # linked in JSON, HTML and TEI
    data = {v["id"]: v for v in report_dict(collation)["variants"]}
    assert data[first.id]["transposed_with"] == second.id and data[second.id]["transposed_with"] == first.id
    page = html.render(collation)
    assert f'href="#{second.id}"' in page and f'href="#{first.id}"' in page
    xml = tei.render(collation)
    assert f'corresp="#app-{second.id}"' in xml and f'corresp="#app-{first.id}"' in xml


def test_a_paragraph_read_with_ocr_errors_in_its_new_place_still_pairs() -> None:
    noisy = _ocr(PARAGRAPH, 5)
    assert MOVED_SIMILARITY <= fuzz.ratio(PARAGRAPH.casefold(), noisy.casefold()) < 95
    collation = collate_texts({"A": IN_ORDER, "OCR": MOVED_TEXT.replace(PARAGRAPH, noisy)})
    assert [v.kind for v in collation.variants] == ["transposition", "transposition"]


def test_a_different_paragraph_elsewhere_is_no_transposition() -> None:
    """An omission here and an unrelated addition there stay what they are."""
    other = IN_ORDER.split("\n\n")[2][:len(PARAGRAPH)]
    collation = collate_texts({"A": IN_ORDER, "B": MOVED_TEXT.replace(PARAGRAPH, other[: other.rindex(" ")])})
    assert "transposition" not in [v.kind for v in collation.variants]
    assert {"omission", "addition"} <= {v.kind for v in collation.variants}


def test_a_few_words_moved_a_short_way_are_still_paired() -> None:
    collation = collate_texts({
        "A": "It has been a great personal pleasure to me to meet you and I trust that some day",
        "B": "It has been a personal great pleasure to me to meet you and I trust that some day",
    })
    first, second = collation.variants
    assert (first.kind, second.kind) == ("transposition", "transposition")
    assert first.transposed_with == second.id


def test_a_comma_dropped_here_and_one_added_there_is_no_transposition() -> None:
    """Synthetic: punctuation alone is never moved text."""
    collation = collate_texts({"A": "the objects lay about there, reliquaries and pyxes were there",
                               "B": "the objects lay about there reliquaries and pyxes, were there"})
    assert sorted(v.kind for v in collation.variants) == ["addition", "omission"]
