"""The record classes (``collate.records.record``) against the dataclasses they stand for.

Each record class writes its ``__init__`` and takes the rest from ``record``, so that
importing it compiles nothing (``@dataclass(frozen=True)`` compiled six methods a class at
every import). Here each is held to the class ``dataclasses.dataclass`` itself makes of the
same fields (annotations, defaults, ``field()`` options) and the same ``frozen``, ``eq`` and
``slots``: the same signature, repr, equality, hash, frozenness, slots, pickling, copying and
``replace``. A field added to a class without its ``__init__`` fails here. The values are
synthetic: one distinct string a field (the methods compare and show values, whatever their type).
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from collate import anchored, apparatus, check, config, control, model, records, rules, transpose, units
from collate.reporters import html

#: the modules whose dataclasses are records
MODULES = (model, rules, config, units, check, apparatus, control, transpose, anchored, html)

CLASSES = sorted(
    (cls for module in MODULES for cls in vars(module).values()
     if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == module.__name__),
    key=lambda cls: f"{cls.__module__}.{cls.__qualname__}",
)


def _reference(cls: type) -> type:
    """The dataclass ``dataclasses`` makes of ``cls``'s fields, with its frozen, eq and slots."""
    spec = [
        (f.name, f.type, dataclasses.field(
            default=f.default, default_factory=f.default_factory, init=f.init, repr=f.repr, hash=f.hash,
            compare=f.compare, metadata=f.metadata, kw_only=f.kw_only))
        for f in dataclasses.fields(cls)
    ]
    frozen, eq, slots = cls._record.options  # type: ignore[attr-defined]
    return dataclasses.make_dataclass(cls.__name__, spec, frozen=frozen, eq=eq, slots=slots)


def _arguments(cls: type, values: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """``values`` as a call passes them: the fields in order, the keyword-only ones by name."""
    every = dataclasses.fields(cls)
    return ([values[f.name] for f in every if not f.kw_only and f.name in values],
            {f.name: values[f.name] for f in every if f.kw_only and f.name in values})


def _both(cls: type, ref: type, values: dict[str, Any]) -> tuple[Any, Any]:
    args, kwargs = _arguments(cls, values)
    return cls(*args, **kwargs), ref(*args, **kwargs)


def _sample(cls: type, **changed: Any) -> dict[str, Any]:
    return {f.name: changed.get(f.name, f"{f.name}-value") for f in dataclasses.fields(cls)}


def _required(cls: type) -> dict[str, Any]:
    """Values for the fields without a default only."""
    return {f.name: f"{f.name}-value" for f in dataclasses.fields(cls)
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}


def _raised(action: Any, *args: Any) -> tuple[type, str] | None:
    """What ``action(*args)`` raised (its type and message), or None."""
    try:
        action(*args)
    except Exception as exc:  # noqa: BLE001 - what was raised is the answer
        return type(exc), str(exc)
    return None


def _ids(cls: type) -> str:
    return cls.__qualname__


@pytest.fixture(params=CLASSES, ids=_ids)
def pair(request: pytest.FixtureRequest) -> tuple[type, type]:
    return request.param, _reference(request.param)


def test_every_module_of_records_is_here() -> None:
    """A record defined in a module not in MODULES would go unchecked."""
    package = Path(records.__file__).parent
    using = {path.stem for path in package.rglob("*.py") if "\n@record" in path.read_text(encoding="utf-8")}
    assert using == {module.__name__.rsplit(".", 1)[1] for module in MODULES}


def test_every_record_class_is_found() -> None:
    assert {"Token", "Reading", "Variant", "WitnessSet", "Collation", "Problem", "Rules", "Config", "Unit",
            "Entry", "SetRun", "RenderedSet", "_Candidate", "_Job", "Fragment", "VariantEntry", "IndexRow"} <= \
        {c.__name__ for c in CLASSES}


def test_signature(pair: tuple[type, type]) -> None:
    cls, ref = pair
    ours = list(inspect.signature(cls).parameters.values())
    theirs = list(inspect.signature(ref).parameters.values())
    assert [str(p) for p in ours] == [str(p) for p in theirs]
    for mine, other in zip(ours, theirs, strict=True):
        if mine.default is records.FACTORY:
            assert repr(other.default) == "<factory>"
        else:
            assert mine.default == other.default


def test_repr_and_defaults(pair: tuple[type, type]) -> None:
    cls, ref = pair
    for values in (_sample(cls), _required(cls)):
        ours, theirs = _both(cls, ref, values)
        assert repr(ours) == repr(theirs)
        assert [getattr(ours, f.name) for f in dataclasses.fields(cls)] == \
            [getattr(theirs, f.name) for f in dataclasses.fields(ref)]


def test_a_default_factory_makes_a_fresh_object_per_instance(pair: tuple[type, type]) -> None:
    cls, _ = pair
    args, kwargs = _arguments(cls, _required(cls))
    one, two = cls(*args, **kwargs), cls(*args, **kwargs)
    for f in dataclasses.fields(cls):
        if f.default_factory is not dataclasses.MISSING:
            assert getattr(one, f.name) == f.default_factory()
            assert getattr(one, f.name) is not getattr(two, f.name)


def test_equality_and_hash(pair: tuple[type, type]) -> None:
    cls, ref = pair
    ours, theirs = _both(cls, ref, _sample(cls))
    again, theirs_again = _both(cls, ref, _sample(cls))
    assert (ours == again) == (theirs == theirs_again)
    assert ours.__eq__(object()) is theirs.__eq__(object())  # NotImplemented, or False by identity
    assert (cls.__hash__ is None) == (ref.__hash__ is None)
    assert (cls.__eq__ is object.__eq__) == (ref.__eq__ is object.__eq__)
    assert (cls.__hash__ is object.__hash__) == (ref.__hash__ is object.__hash__)
    hashed = ref.__hash__ not in (None, object.__hash__)
    if hashed:
        assert hash(ours) == hash(theirs)
    for f in dataclasses.fields(cls):  # each field changed alone: equal and hashed as the dataclass says
        other, theirs_other = _both(cls, ref, _sample(cls, **{f.name: "another"}))
        assert (ours == other) == (theirs == theirs_other), f.name
        assert (ours != other) == (theirs != theirs_other), f.name
        if hashed:
            assert hash(other) == hash(theirs_other), f.name


def test_frozenness(pair: tuple[type, type]) -> None:
    cls, ref = pair
    for action, *args in ((delattr,), (setattr, "set")):
        ours, theirs = _both(cls, ref, _sample(cls))
        for f in dataclasses.fields(cls):
            assert _raised(action, ours, f.name, *args) == _raised(action, theirs, f.name, *args), f.name
        assert _raised(repr, ours) == _raised(repr, theirs)  # a class that is not frozen: fields deleted
        # a name that is no field: a frozen record refuses it too. Python 3.11's slotted frozen
        # dataclass raises TypeError there instead (its __setattr__'s super() names the class
        # it replaced by the slotted one)
        mine = _raised(action, ours, "elsewhere", *args)
        if cls._record.options[0] and "__slots__" in ref.__dict__:  # type: ignore[attr-defined]
            assert mine is not None and mine[0] is dataclasses.FrozenInstanceError
        else:
            assert mine == _raised(action, theirs, "elsewhere", *args)


def test_slots_and_match_args(pair: tuple[type, type]) -> None:
    cls, ref = pair
    assert cls.__dict__.get("__slots__") == ref.__dict__.get("__slots__")
    assert cls.__match_args__ == ref.__match_args__  # type: ignore[attr-defined]
    ours, theirs = _both(cls, ref, _sample(cls))
    assert hasattr(ours, "__dict__") == hasattr(theirs, "__dict__")


def test_pickle_copy_and_replace(pair: tuple[type, type]) -> None:
    cls, ref = pair
    ours, theirs = _both(cls, ref, _sample(cls))
    assert ours.__reduce_ex__(4)[2:] == theirs.__reduce_ex__(4)[2:]  # the same state
    for twin in (pickle.loads(pickle.dumps(ours)), copy.copy(ours), copy.deepcopy(ours)):
        assert type(twin) is cls
        assert repr(twin) == repr(ours)
        if cls.__eq__ is not object.__eq__:
            assert twin == ours
    assert dataclasses.asdict(ours) == dataclasses.asdict(theirs)
    assert dataclasses.astuple(ours) == dataclasses.astuple(theirs)
    first = dataclasses.fields(cls)[0].name
    assert repr(dataclasses.replace(ours, **{first: "replaced"})) == \
        repr(dataclasses.replace(theirs, **{first: "replaced"}))


def test_as_dict_gives_the_fields_and_their_own_values(pair: tuple[type, type]) -> None:
    """``records.as_dict``: a named tuple's ``_asdict``, the fields in order and the values not copied."""
    cls, ref = pair
    ours, theirs = _both(cls, ref, _sample(cls))
    got = records.as_dict(ours)
    assert list(got) == [f.name for f in dataclasses.fields(ref)]
    assert all(got[f.name] is getattr(ours, f.name) for f in dataclasses.fields(ref))
    assert got == dataclasses.asdict(theirs)


def test_as_dict_does_not_go_into_the_values() -> None:
    # dataclasses.asdict would make the inner record a dict and copy the list
    inner = html.Fragment(1, "word")
    sigla = ["A", "B"]
    got = records.as_dict(html.ApparatusReading("word", sigla, (inner,)))  # type: ignore[arg-type]
    assert got == {"text": "word", "sigla": sigla, "fragments": (inner,), "word": ""}
    assert got["sigla"] is sigla and got["fragments"][0] is inner


def test_unfrozen_twin_becomes_the_class(pair: tuple[type, type]) -> None:
    cls, _ = pair
    if "__slots__" not in cls.__dict__:
        with pytest.raises(TypeError, match="slotted record"):
            model.unfrozen(cls)
        return
    twin = model.unfrozen(cls)()
    for name, value in _sample(cls).items():
        setattr(twin, name, value)
    twin.__class__ = cls
    args, kwargs = _arguments(cls, _sample(cls))
    assert twin == cls(*args, **kwargs)
    assert repr(twin) == repr(cls(*args, **kwargs))


def test_a_record_writes_its_own_init() -> None:
    with pytest.raises(TypeError, match="writes its own __init__"):
        @records.record
        class Bare:  # synthetic
            """A class without an __init__."""

            name: str


def test_an_init_that_does_not_take_the_fields_fails_at_import() -> None:
    # a field added to the annotations alone, or an __init__ taking them in another order
    with pytest.raises(TypeError, match="__init__ takes name; the fields are name, weight"):
        @records.record
        class Grown:  # synthetic
            """A field added without its __init__."""

            name: str
            weight: int = 0

            def __init__(self, name: str) -> None:
                object.__setattr__(self, "name", name)
    with pytest.raises(TypeError, match="__init__ takes b, a; the fields are a, b"):
        @records.record
        class Swapped:  # synthetic
            """Two fields taken in the wrong order."""

            a: str
            b: str

            def __init__(self, b: str, a: str) -> None:
                object.__setattr__(self, "a", a)
                object.__setattr__(self, "b", b)


def test_copy_replace_as_on_a_dataclass() -> None:
    # copy.replace (Python 3.13+) calls __replace__; a record gives it as a dataclass does
    token = model.Token("word", " ", 0, 1, 1, "word")
    assert token.__replace__(text="other") == model.Token("other", " ", 0, 1, 1, "word")  # type: ignore[attr-defined]
    if hasattr(copy, "replace"):
        assert copy.replace(token, kind="punct").kind == "punct"


def test_importing_the_run_compiles_no_method() -> None:
    """No method of a record module's classes was made from source text at import (as dataclasses makes them)."""
    code = (
        "import importlib, inspect, collate.cli, collate.control\n"
        f"for module in map(importlib.import_module, {[m.__name__ for m in MODULES]!r}):\n"
        "    for cls in vars(module).values():\n"
        "        if isinstance(cls, type) and cls.__module__ == module.__name__:\n"
        "            for name, value in vars(cls).items():\n"
        "                code = getattr(inspect.unwrap(value), '__code__', None) if callable(value) else None\n"
        "                if code is not None and code.co_filename == '<string>':\n"
        "                    print(f'{cls.__qualname__}.{name}')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split() == []


def test_mypy_rejects_assigning_a_field(tmp_path: Path) -> None:
    """Frozen for the type checker too: ``record`` is a ``dataclass_transform(frozen_default=True)``."""
    (tmp_path / "uses.py").write_text(
        "from collate.config import Config\nfrom collate.model import Token\n\n"
        "def change(token: Token, config: Config) -> None:\n"
        "    token.text = 'x'\n"  # frozen: rejected
        "    config.jobs = 2\n",  # frozen=False: allowed
        encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--follow-imports=silent", "uses.py"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
        env={**os.environ, "MYPYPATH": str(Path(records.__file__).parent.parent)})
    assert done.stdout.splitlines()[:-1] == ['uses.py:5: error: Property "text" defined in "Token" is read-only  [misc]']
