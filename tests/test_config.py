"""config: settings in layers — defaults, then the project file found from the paths, then flags (synthetic projects)."""

from __future__ import annotations

from pathlib import Path

import pytest

from collate.config import NORMALIZE_OPTIONS, Config, config_for, load_config
from collate.control import align_set, check_paths, load_sets
from collate.errors import ConfigError
from helpers import make_set


def test_defaults_without_a_project_file(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.source is None
    assert config.normalize == {k: v[1] for k, v in NORMALIZE_OPTIONS.items()}
    assert (config.engine, config.output, config.jobs, config.accidentals) == ("anchored", "reports", 1, True)


def test_the_project_file_is_found_from_the_paths_given_not_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "edition"
    make_set(project / "witnesses" / "s", {"A": "one two", "B": "one too"})
    (project / "collate.toml").write_text('output = "out"\n[check]\naccidentals = false\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # above the project: no project file here
    config = config_for([project / "witnesses"])
    assert config.source is not None and config.source.name == "collate.toml"
    assert (config.output, config.accidentals) == ("out", False)
    assert config_for([]).source is None  # no paths: the current folder's


def test_lists_add_up_and_other_values_replace_layer_by_layer(tmp_path: Path) -> None:
    (tmp_path / "collate.toml").write_text('[normalize]\ncase = false\nspelling = ["colour = color"]\n',
                                           encoding="utf-8")
    config = load_config(tmp_path)
    assert config.normalize["case"] is False and config.normalize["spelling"] == ["colour = color"]


def test_flags_are_arguments_and_never_change_the_config(tmp_path: Path) -> None:
    folder = make_set(tmp_path / "witnesses" / "s", {"A": "Dear sir, thank you.", "B": "dear sir, thank you."})
    config = Config()
    everything = check_paths([folder], config)
    without_case = check_paths([folder], config, ignore_classes=["case"])
    without_accidentals = check_paths([folder], config, accidentals=False)
    assert len(everything.problems) == 1  # the capital: an accidental case variant, unreviewed
    assert without_case.problems == [] and without_accidentals.problems == []
    assert (config.ignore_classes, config.accidentals) == ([], True)  # the caller's settings are untouched


def test_a_wrong_setting_names_the_project_file(tmp_path: Path) -> None:
    (tmp_path / "collate.toml").write_text('engine = "fast"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="collate.toml.engine must be one of anchored, collatex"):
        load_config(tmp_path)


def test_a_set_carries_its_rules_compiled_once_from_both_layers(tmp_path: Path) -> None:
    (tmp_path / "collate.toml").write_text('[normalize]\ncase = false\nspelling = ["colour = color"]\n',
                                           encoding="utf-8")
    folder = make_set(tmp_path / "witnesses" / "s", {"A": "The colour.", "B": "the color"},
                      normalize='spelling = ["grey = gray"]\npunctuation = false')
    (wset,) = load_sets([folder], config_for([folder]))
    rules = wset.rules
    assert (rules.case, rules.punctuation) == (False, False)
    assert rules.words["spelling"] == {"colour": "color", "color": "color", "grey": "gray", "gray": "gray"}
    assert align_set(wset).rules is rules  # the stages read the set's own Rules, not a second compile


def test_a_bad_project_pattern_is_blamed_on_the_project_file_not_the_set(tmp_path: Path) -> None:
    (tmp_path / "collate.toml").write_text('[normalize]\npage-marker = "[Page"\n', encoding="utf-8")
    folder = make_set(tmp_path / "witnesses" / "s", {"A": "Dear sir.", "B": "Dear sir"})
    with pytest.raises(ConfigError, match="page-marker is not a valid regular expression") as raised:
        load_sets([folder], config_for([folder]))
    assert raised.value.path is not None and str(raised.value.path).endswith("collate.toml")
