"""Rewritten passages are one variant; small changes stay apart (real texts: Darwin, chapter 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import collate_texts

DARWIN = Path(__file__).resolve().parent.parent / "benchmarks" / "darwin-origin-ch1"
EDITIONS = ("1859", "1860", "1861", "1866", "1869", "1872")


def paragraph(edition: str, words: str) -> str:
    """The paragraph of one edition that contains ``words``."""
    text = (DARWIN / f"{edition}.txt").read_text(encoding="utf-8")
    (found,) = [p for p in text.split("\n\n") if words in p]
    return found


def test_the_rewritten_sentences_about_egypt_are_one_variant() -> None:
    """1859/1860 "Even if this latter fact … existed in Egypt?" against 1866–1872 "But this only throws …".

    The aligner matches "this", "and", "than", "the"/"The" inside the rewrite;
    they no longer cut it (22 variants before, one a fake accidental the/The).
    """
    texts = {e: paragraph(e, "Even if this latter fact") for e in ("1859", "1860")}
    texts |= {e: paragraph(e, "But this only throws far backwards") for e in ("1866", "1869", "1872")}
    collation = collate_texts(texts)
    start = texts["1859"].index("Even if this latter")
    end = texts["1859"].index("existed in Egypt?") + len("existed in Egypt?")
    inside = [v for v in collation.variants
              if v.readings["1859"].offset < end and v.readings["1859"].end_offset > start]
    assert len(inside) <= 3
    rewrite = inside[0]
    assert rewrite.kind == "substitution" and rewrite.substantive and rewrite.classes == ()
    assert rewrite.readings["1859"].text.startswith("Even if this latter fact were found more strictly")
    assert rewrite.readings["1859"].text.endswith("existed in Egypt?")
    assert rewrite.readings["1866"].text.startswith("But this only throws far backwards the history of civilization")
    assert rewrite.groups[0] == ("1859", "1860") and len(rewrite.groups) == 4  # 1866, 1869, 1872 differ too
    # no fake accidental inside: every variant there is substantive
    assert all(v.substantive for v in inside)
    # the diff shows the words that changed, not letters shared by chance ("r ", "ac")
    assert all(len(text) > 3 for op, text in rewrite.diffs["1866"] if op == 0)
    first_op, first_text = rewrite.diffs["1866"][0]
    assert first_op == -1 and first_text.startswith("Even if this latter fact were found more strictly")
    # inside the later editions' text the word-level differences are shown
    assert (-1, "z") in rewrite.diffs["1872"] or any(op == 1 and "civilisation" in t for op, t in rewrite.diffs["1872"])


def test_short_agreeing_words_still_separate_small_changes() -> None:
    """ "look to] compare" and "much more] more" are two variants each, not glued to their neighbours."""
    texts = {e: paragraph(e, "WHEN we") for e in EDITIONS}
    readings = [{s: r.text for s, r in v.readings.items()} for v in collate_texts(texts).variants]
    assert {"1859": "look to", "1860": "look to", "1861": "look to", "1866": "look to",
            "1869": "compare", "1872": "compare"} in readings
    # 1869 moves "more" after "from each other" (the gold's p1.4): one unit with the dropped "much", still
    # apart from "look to] compare"
    assert {"1859": "much more from each other,", "1860": "more from each other", "1861": "more from each other",
            "1866": "more from each other", "1869": "from each other more", "1872": "more from each other"} in readings


def test_a_content_word_both_keep_separates_two_rewrites() -> None:
    """Synthetic: agreement on "geologists" is agreement an editor sees; on "the" it is not."""
    kept = collate_texts({
        "A": "Since the discovery of flint tools in France and England all geologists believe that man in a barbarous condition existed long ago",
        "B": "Since the discovery of flint tools in many parts of the world all geologists believe that barbarian man existed long ago",
    })
    assert kept.variants and not any("geologists" in v.readings["A"].text for v in kept.variants)
    chance = collate_texts({
        "A": "It was found more strictly and generally true than seems to me the case in Egypt long ago",
        "B": "It was only throwing far backwards the history and showing animals tamed much earlier in Egypt long ago",
    })
    assert len(chance.variants) == 1


def test_a_word_written_differently_next_to_a_change_is_one_unit_with_it() -> None:
    """Whitman 1855 "invite my soul," against 1867 "invite my Soul;": the differences touch, one unit."""
    whitman = Path(__file__).resolve().parent.parent / "benchmarks" / "juxta-whitman-leaves"
    lines = {e: next(line for line in (whitman / f"{e}.txt").read_text(encoding="utf-8").splitlines()
                     if line.startswith("I loafe and invite my")) for e in ("1855", "1867")}
    (variant,) = collate_texts(lines).variants
    assert (variant.readings["1855"].text, variant.readings["1867"].text) == ("soul,", "Soul;")
    assert not variant.substantive and variant.classes == ("case", "punctuation")


def _readings(texts: dict[str, str]) -> list[dict[str, str]]:
    return [{s: r.text for s, r in v.readings.items()} for v in collate_texts(texts).variants]


def test_a_word_moved_across_a_few_agreeing_words_makes_one_recast() -> None:
    """1859 "I do not think it is possible" / 1861 "it is not possible": "not" dropped before "it is", added after.

    The agreeing "it is" cut it into an omission and an addition; the word that
    comes back on the other side shows the clause was recast: one unit.
    """
    texts = {e: paragraph(e, "anciently domesticated animals and plants") for e in ("1859", "1861")}
    readings = _readings(texts)
    assert {"1859": "I do not think it is", "1861": "it is not"} in readings
    assert not any(r["1859"] == "I do not think" for r in readings)


def test_a_form_of_a_content_word_moved_makes_one_recast() -> None:
    """1869 "allow his worst animals to breed" / 1872 "breed from his worst animals": "breed" moved, one unit."""
    texts = {e: paragraph(e, "worst animals") for e in ("1869", "1872")}
    readings = _readings(texts)
    assert {"1869": "allow his worst animals to breed", "1872": "breed from his worst animals"} in readings


def test_a_function_word_two_substitutions_share_is_chance() -> None:
    """Synthetic: "a" in both "the]a" and "sets a seed]will produce seeds" does not join them."""
    readings = _readings({
        "A": "Whenever the plant sets a seed in our gardens we know it",
        "B": "Whenever a plant will produce seeds in our gardens we know it",
    })
    assert len(readings) == 2


def test_the_same_words_moved_stay_a_transposition() -> None:
    """Darwin 1859 "vary on an average" / 1872 "on an average vary": not a recast, the words moved as they are."""
    texts = {e: paragraph(e, "der domestication, they would") for e in ("1859", "1872")}
    readings = _readings(texts)
    assert not any("vary" in r["1859"] and "on an average" in r["1859"] for r in readings)
    assert {"1859": "vary", "1872": ""} in readings and {"1859": "", "1872": "vary"} in readings


def paragraphs(edition: str, first: str, last: str, folder: Path = DARWIN) -> str:
    """The paragraphs of one edition from the one that contains ``first`` to the one that contains ``last``."""
    text = (folder / f"{edition}.txt").read_text(encoding="utf-8").split("\n\n")
    start = next(n for n, p in enumerate(text) if first in p)
    end = next(n for n, p in enumerate(text) if last in p)
    return "\n\n".join(text[start : end + 1])


def test_the_1869_rewrite_of_five_sentences_is_one_variant_to_its_sentences_end() -> None:
    """Darwin 1859 "It has been disputed … conditions of life." / 1869 "As far as I am able … surrounding conditions."

    The agreeing words inside ("act", "during", "monstrosities cannot be separated
    by any", "from", "variations.") are each shorter than the changes around them,
    so the proportional rule folds them in; "in the ‸ conditions of life" /
    "in the surrounding conditions" after it is the rest of the recast sentence
    (the sentence-end rule): one unit, as the gold's p2.1.
    """
    texts = {"1859": paragraph("1859", "It has been disputed at what period"),
             "1869": paragraphs("1869", "As far as I am able to judge", "in the surrounding conditions")}
    variants = collate_texts(texts).variants
    end = texts["1859"].index("conditions of life.") + len("conditions of life")
    inside = [v for v in variants if v.readings["1859"].offset < end]
    assert len(inside) == 1
    (rewrite,) = inside
    assert rewrite.kind == "substitution" and rewrite.substantive
    assert rewrite.readings["1859"].text.startswith("It has been disputed at what period of life")
    assert rewrite.readings["1859"].text.endswith("to the action of any change in the conditions of life")
    assert rewrite.readings["1869"].text.startswith("As far as I am able to judge")
    assert rewrite.readings["1869"].text.endswith("reproductive system is to very slight changes in the surrounding conditions")
    # the next sentence's small changes stay their own variants
    readings = [{s: r.text for s, r in v.readings.items()} for v in variants]
    assert {"1859": "in the many cases", "1869": ""} in readings


def test_a_short_clause_recast_around_one_agreeing_word_is_one_variant() -> None:
    """Whitman 1855 "God comes a loving bedfellow and" / 1856 "the hugging and loving Bed-fellow".

    "loving" (six letters, one word) is shorter than the changes on both sides
    (fifteen and thirteen letters, three and two words): one unit. The rest of
    the line ("sleeps at my side" agrees, then "all night and close on" /
    "through the night, and withdraws at") is not folded in: "sleeps at my side"
    outweighs the one-word change after it.
    """
    whitman = Path(__file__).resolve().parent.parent / "benchmarks" / "juxta-whitman-leaves"
    lines = {e: next(line for line in (whitman / f"{e}.txt").read_text(encoding="utf-8").splitlines()
                     if "sleeps at my side" in line) for e in ("1855", "1856")}
    readings = _readings(lines)
    assert {"1855": "God comes a loving bedfellow and", "1856": "the hugging and loving Bed-fellow"} in readings
    assert {"1855": "all", "1856": "through the"} in readings


def test_the_same_proportion_keeps_a_heavier_agreement_apart() -> None:
    """Darwin 1859 "not quite regularly, and producing offspring not perfectly like" / 1869 "irregularly, … somewhat unlike".

    ", and producing offspring" is as many words as the changes round it and
    more letters: agreement an editor sees, two variants (the gold's p2.24, p2.25).
    """
    texts = {e: paragraph(e, "and producing offspring") for e in ("1859", "1869")}
    readings = _readings(texts)
    assert {"1859": "not quite regularly", "1869": "irregularly"} in readings


def test_a_unit_stops_at_a_paragraph_end_every_witness_has() -> None:
    """Darwin 1859 "… may not have existed in Egypt?" / 1866 "… at least the dog.": both end the paragraph.

    The next paragraphs begin differently too ("The whole subject must, I think,"
    / "The origin of most of our domestic animals will probably for ever"), and
    the run of disagreement went on over the break; the paragraph end cuts it.
    """
    texts = {e: paragraphs(e, "Even if this latter fact" if e == "1859" else "But this only throws far backwards",
                           "remain vague") for e in ("1859", "1866")}
    variants = collate_texts(texts).variants
    rewrite = next(v for v in variants if v.readings["1859"].text.startswith("Even if this latter fact"))
    assert rewrite.readings["1859"].text.endswith("may not have existed in Egypt?")
    assert rewrite.readings["1866"].text.endswith("domesticated at least the dog.")
    assert any(v.readings["1859"].text.startswith("whole subject must") for v in variants)


def test_a_rewrite_of_its_own_is_not_a_small_change_left_in_the_sentence() -> None:
    """Darwin 1861 adds "for recently in certain parts of Spain … by careful selection:" before "in peacocks";
    1869 adds "; but the goose seems to have a singularly inflexible organisation." and a new paragraph after
    "distinct breeds".

    The sentence-end rule runs a rewrite on over the *small* changes left in its
    sentence; the 1869 addition is a rewrite of its own (hundreds of words), and
    the 25 words every edition reads alike between ("in geese, from being
    valuable only for two purposes, food and feathers, …") stay out of any
    variant: they were one variant of 41 words against 406 before.
    """
    texts = {e: paragraph(e, "in peacocks, from not being very easily reared") for e in ("1859", "1861")}
    texts["1869"] = paragraphs("1869", "in peacocks, from not being very easily reared",
                               "Some authors have maintained that the amount of variation")
    variants = collate_texts(texts).variants
    agreed = "in geese, from being valuable only for two purposes, food and feathers"
    assert not [v for v in variants if any(agreed in r.text for r in v.readings.values())]
    assert any(v.readings["1859"].text == "" and v.readings["1861"].text.startswith("for recently in certain parts")
               for v in variants)


def test_changes_in_two_sentences_stay_apart_over_a_sentence_all_read_alike() -> None:
    """Darwin 1859 "… as distinct parent-stocks? So it is in India. Even in the case of the domestic dogs …"
    / 1872 "otherwise could they have been derived? So it is in India. Even in the case of the breeds …".

    Between the two revisions every edition reads the end of one sentence, a
    whole sentence and the start of the next: two variants, whatever their sizes.
    """
    texts = {e: paragraph(e, "So it is in India.") for e in EDITIONS}
    readings = _readings(texts)
    assert not [r for r in readings if any("So it is in India" in t for t in r.values())]
    # the first revision: 1872's "otherwise could they have" for "could they have", and the clause
    # 1872 drops after the agreeing "been derived" (a passage one witness lacks is a place of its own)
    assert {**dict.fromkeys(EDITIONS[:4], "could they have"), "1869": "have they",
            "1872": "otherwise could they have"} in readings
    first = next(r for r in readings if r["1859"].endswith("as distinct parent-stocks"))
    assert first["1872"] == ""
    assert any(r["1859"] == "domestic dogs of the whole" and r["1872"] == "breeds of the domestic dog throughout the"
               for r in readings)


PATER = Path(__file__).resolve().parent.parent / "benchmarks" / "juxta-pater-leonardo"


def pater(edition: str, first: str, last: str) -> str:
    """Pater's paragraphs of one edition from the one that contains ``first`` to the one that contains ``last``."""
    return paragraphs(edition, first, last, PATER)


def test_an_added_passage_split_at_a_word_it_begins_with_slides_whole_and_keeps_its_capital() -> None:
    """Pater 1873 "a prisoner, and ‸ the remaining years" / 1910 "a prisoner, and ended his days … at Milan. The".

    The aligner matched 1873's "and" with an "and" inside the added passage, so the
    passage came out in two pieces, the first beginning with the "and" it passed
    over; slid over it, the passage touches "the" / "The", whose capital comes with
    the sentence the passage ends (the gold's p27-28.19). The passage 1910 adds just
    before ("What, in that age, … For") is a place of its own: an addition is never
    folded into a neighbouring change by the proportional rule (p27-28.18).
    """
    texts = {"1873": pater("1873", "Ludovico became a prisoner", "Ludovico became a prisoner"),
             "1910": pater("1910", "Ludovico became a prisoner", "The remaining years of Leonardo")}
    variants = collate_texts(texts).variants
    readings = [(v.kind, v.readings["1873"].text, v.readings["1910"].text) for v in variants]
    (captivity,) = [r for r in readings if "Loches" in r[2]]
    assert captivity[:2] == ("substitution", "the")
    assert captivity[2].startswith("ended his days at Loches in Touraine.")
    assert captivity[2].endswith("at Milan.\n\nThe")
    (colleoni,) = [r for r in readings if r[2].startswith("What, in that age")]
    assert colleoni[:2] == ("addition", "") and colleoni[2].endswith("in a far-off town of France. For")
    assert not any(r[1:] == ("the", "The") for r in readings)


WHITMAN = Path(__file__).resolve().parent.parent / "benchmarks" / "juxta-whitman-leaves"


def stanza(edition: str, first: str, last: str) -> str:
    """Whitman's lines of one edition from the one that begins with ``first`` to the one that contains ``last``."""
    lines = (WHITMAN / f"{edition}.txt").read_text(encoding="utf-8").split("\n")
    start = next(n for n, line in enumerate(lines) if line.startswith(first))
    end = next(n for n in range(start, len(lines)) if last in lines[n])
    return "\n".join(lines[start : end + 1]) + "\n"


def test_a_verse_line_end_parts_changes_made_by_different_witnesses() -> None:
    """Whitman 1855 "breath, ⏎ Echos" / 1856 "breath, ⏎ Echoes" / 1867 "breath; ⏎ Echoes": two units.

    The comma 1867 changes ends one line and the spelling 1856 changes begins the
    next; touching, they were one unit. 1867's semicolon before the line it adds
    ("exaltations; ⏎ Battles, … ⏎ These") stays one unit with it: the same
    witnesses differ on both sides of the line end.
    """
    texts = {e: stanza(e, "The smoke of my own breath", "crotch") for e in ("1855", "1856", "1867")}
    readings = _readings(texts)
    assert {"1855": ",", "1856": ",", "1867": ";"} in readings
    assert {"1855": "Echos", "1856": "Echoes", "1867": "Echoes"} in readings
    battles = {e: stanza(e, "The sickness of one of my folks", "come to me days and nights") for e in ("1855", "1867")}
    added = [r for r in _readings(battles) if "Battles" in r["1867"]]
    assert [(r["1855"], r["1867"][:1], r["1867"][-5:]) for r in added] == [(",\nThey", ";", "These")]


def test_a_stanza_end_every_witness_has_parts_the_section_number_after_it() -> None:
    """Whitman 1855 "yourself." ends a stanza; 1867's "your-self." too, and its section number "3" follows."""
    texts = {e: stanza(e, "You shall listen to all sides", "I have heard what the talkers") for e in ("1855", "1867")}
    readings = _readings(texts)
    assert {"1855": "yourself", "1867": "your-self"} in readings
    assert {"1855": "", "1867": "3"} in readings


def test_the_light_words_are_wordfreqs_commonest_read_whole() -> None:
    """Only the first frequency lists of wordfreq's file are unpacked; they are the lists read whole gives."""
    import gzip
    import importlib.util

    import msgpack

    from collate.rewrites import LIGHT_ZIPF, _commonest

    spec = importlib.util.find_spec("wordfreq")
    assert spec is not None and spec.submodule_search_locations
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    for language in ("en", "de", "fr"):
        with gzip.open(folder / f"small_{language}.msgpack.gz", "rb") as f:
            header, *buckets = msgpack.load(f, raw=False)
        assert header == {"format": "cB", "version": 1}
        whole = frozenset(w for bucket in buckets[: round((9 - LIGHT_ZIPF) * 100) + 1] for w in bucket)
        assert _commonest(language) == whole
    assert {"the", "and", "of"} <= _commonest("en")
    assert _commonest("xx") == frozenset()  # a language wordfreq does not have: no light words


def test_the_light_words_are_kept_in_the_users_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first run reads wordfreq's file and keeps the words found; a later run reads the kept copy,
    and a copy that is not whole (no last line end) is read again from wordfreq and replaced."""
    from collate import usercache
    from collate.lexicon import commonest
    from collate.rewrites import LIGHT_ZIPF

    monkeypatch.setenv(usercache.ENVIRONMENT, str(tmp_path))
    fresh = commonest("en", LIGHT_ZIPF)
    (kept,) = (tmp_path / "lexicon").glob("wordfreq-en-*.txt")
    assert kept.read_text(encoding="utf-8") == "".join(f"{w}\n" for w in sorted(fresh))
    kept.write_text(kept.read_text(encoding="utf-8") + "kept-copy\n", encoding="utf-8")
    assert commonest("en", LIGHT_ZIPF) == fresh | {"kept-copy"}  # read from the copy
    kept.write_text("the\nand", encoding="utf-8")  # cut short
    assert commonest("en", LIGHT_ZIPF) == fresh
    assert kept.read_text(encoding="utf-8").endswith("\n") and set(kept.read_text(encoding="utf-8").split()) == fresh
    assert commonest("en", 7.0) < fresh and len(list((tmp_path / "lexicon").glob("wordfreq-en-*.txt"))) == 2
    monkeypatch.setenv(usercache.ENVIRONMENT, "")  # no cache: the same words, nothing kept
    assert commonest("en", LIGHT_ZIPF) == fresh
