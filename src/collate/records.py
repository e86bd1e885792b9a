"""``@record``: a dataclass whose methods are written out, so that importing it compiles nothing.

``@dataclass(frozen=True)`` writes each class's ``__init__``, ``__repr__``, ``__eq__``,
``__hash__``, ``__setattr__`` and ``__delattr__`` as source text and compiles each with
``exec`` at every import (Python 3.11): ~0.45 ms a class, ~8 ms of a ~0.14 s ``collate run``
for the fourteen classes of :mod:`collate.model` alone, the largest single item of its
start-up. Functions written in a module are compiled once into its ``.pyc``.

So a record class writes its own ``__init__`` (its signature is what people and
``inspect.signature`` read, and the fields are set as a frozen dataclass sets them,
``object.__setattr__``), and :func:`record` gives it the rest: ``dataclass(init=False,
repr=False, eq=False)``, which generates no method (~25 µs a class: the fields, for
``dataclasses.fields``, ``replace`` and ``asdict``, and ``__match_args__``), and then the
functions below, written once for every class, each reading the class's field names, which
:func:`record` keeps on it. They behave as the generated ones do: the same ``repr``,
``==`` (a tuple of the compared fields, against an object of the same class only),
``hash`` (the hashed fields' tuple), frozenness (``FrozenInstanceError`` on assigning or
deleting), ``__slots__`` and pickling of a slotted frozen class (the fields' values as a
list). ``tests/test_records.py`` builds, for every record class, the dataclass
``dataclasses.dataclass`` would have made of the same fields and holds the two to the same
answers, so a field added to a class without its ``__init__`` fails there.

A module of records does without ``from __future__ import annotations``: ``dataclass``
reads each string annotation with a regular expression, three times a field (for
``ClassVar``, ``InitVar``, ``KW_ONLY``), a quarter of what is left of a record class's
cost at import; an evaluated annotation it only compares (executing model's code: 0.79 ->
0.58 ms, min of 400).

For type checkers, :func:`record` is a ``dataclass_transform`` whose classes are frozen
unless they say ``frozen=False``: mypy rejects assigning to a field, as for
``@dataclass(frozen=True)``. At run time ``dataclasses`` sees a class that is not frozen
(``__dataclass_params__.frozen`` is false: a frozen dataclass could not subclass one), so
record classes are not subclassed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import Field, FrozenInstanceError, dataclass, field, fields
from operator import attrgetter
from reprlib import recursive_repr
from typing import Any, TypeVar, dataclass_transform, overload

_T = TypeVar("_T", bound=type)


class _Factory:
    """What a field made by its ``default_factory`` has for a default in ``__init__``'s signature.

    A written ``__init__`` makes the field's object when it is given this (a fresh one per
    instance, as ``field(default_factory=...)`` does); ``inspect.signature`` shows it as
    the generated ``__init__`` shows dataclasses' own marker: ``<factory>``.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "<factory>"


#: the default of a ``default_factory`` field in a written ``__init__``: ``x: list[str] = FACTORY``,
#: then ``list(...) if x is FACTORY else x``
FACTORY: Any = _Factory()


def _getter(names: tuple[str, ...]) -> staticmethod[[object], tuple[Any, ...]]:
    """A function of an instance: the tuple of these fields' values (one field too is a tuple).

    A staticmethod, as the class keeps it: a lambda would otherwise be bound to the instance.
    """
    if len(names) > 1:
        return staticmethod(attrgetter(*names))
    if names:
        one = attrgetter(names[0])
        return staticmethod(lambda self: (one(self),))
    return staticmethod(lambda self: ())


@recursive_repr()
def _repr(self: Any) -> str:
    # as dataclasses' repr: the class's qualified name, then name=repr(value) for each field shown
    names: tuple[str, ...] = self._record_repr
    values = self._record_repr_values(self)
    shown = ", ".join([f"{name}={value!r}" for name, value in zip(names, values, strict=True)])
    return f"{self.__class__.__qualname__}({shown})"


def _eq(self: Any, other: Any) -> Any:
    # as dataclasses' __eq__: the compared fields' tuples, and only against the same class
    if other.__class__ is self.__class__:
        compared = self._record_compared
        return compared(self) == compared(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self._record_hashed(self))


def _setattr(self: object, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: object, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _getstate(self: Any) -> list[Any]:
    # a slotted frozen dataclass's pickled state: its fields' values, in order
    return list(self._record_fields(self))


def _setstate(self: Any, state: list[Any]) -> None:
    for name, value in zip(self._record_names, state, strict=False):
        object.__setattr__(self, name, value)


@overload
def record(cls: _T, /) -> _T: ...
@overload
def record(*, frozen: bool = True, eq: bool = True, slots: bool = False) -> Callable[[_T], _T]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def record(
    cls: _T | None = None, /, *, frozen: bool = True, eq: bool = True, slots: bool = False
) -> _T | Callable[[_T], _T]:
    """Make ``cls`` a dataclass with its written ``__init__`` and the methods above.

    ``frozen``, ``eq`` and ``slots`` mean what they mean to ``dataclass`` (frozen by default);
    ``eq=False`` keeps ``object``'s identity ``==`` and ``hash``, and a class that is ``eq``
    but not frozen is unhashable, as a dataclass is.
    """

    def make(cls: _T) -> _T:
        if "__init__" not in cls.__dict__:
            raise TypeError(f"{cls.__name__}: a record writes its own __init__")
        made: Any = dataclass(init=False, repr=False, eq=False, slots=slots)(cls)
        every = fields(made)
        names = tuple(f.name for f in every)
        made._record_options = (frozen, eq, slots)
        made._record_names = names
        made._record_fields = _getter(names)
        made._record_repr = tuple(f.name for f in every if f.repr)
        made._record_repr_values = _getter(made._record_repr)
        made.__repr__ = _repr
        if eq:
            made._record_compared = _getter(tuple(f.name for f in every if f.compare))
            made.__eq__ = _eq
            if frozen:
                made._record_hashed = _getter(
                    tuple(f.name for f in every if (f.compare if f.hash is None else f.hash)))
                made.__hash__ = _hash
            else:
                made.__hash__ = None
        if frozen:
            made.__setattr__ = _setattr
            made.__delattr__ = _delattr
            if slots:
                made.__getstate__ = _getstate
                made.__setstate__ = _setstate
        result: _T = made
        return result

    return make if cls is None else make(cls)
