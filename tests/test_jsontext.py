"""collate.jsontext writes what json.dumps(ensure_ascii=False, indent=1) writes, byte for byte."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collate import jsontext
from conftest import ROOT


def library(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)


def test_every_json_golden_is_written_again_as_it_is() -> None:
    # real reports: the goldens of the shipped edition (JSON and CollateX JSON), each read and written again
    paths = sorted((ROOT / "tests" / "goldens").rglob("*.json"))
    assert len(paths) > 5
    for path in paths:
        value = json.loads(path.read_text(encoding="utf-8"))
        assert jsontext.dumps(value) == library(value), path


_SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
            | st.text())
_KEYS = st.text() | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                       | st.dictionaries(_KEYS, inner, max_size=4), max_leaves=30)


@given(_VALUES)
def test_any_value_is_written_as_the_library_writes_it(value: object) -> None:
    assert jsontext.dumps(value) == library(value)


@given(_VALUES, st.integers(min_value=0, max_value=4))
def test_any_indent(value: object, indent: int) -> None:
    assert jsontext.dumps(value, indent) == json.dumps(value, ensure_ascii=False, indent=indent)


def test_what_json_cannot_hold_is_a_type_error() -> None:
    for bad in ({"a": {1, 2}}, [object()], {(1, 2): "tuple key"}):
        with pytest.raises(TypeError):
            library(bad)
        with pytest.raises(TypeError):
            jsontext.dumps(bad)
    assert jsontext.dumps([math.nan, -math.inf]) == library([math.nan, -math.inf])
