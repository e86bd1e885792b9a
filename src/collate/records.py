"""``@record``: a dataclass whose methods are written out, so that importing it compiles nothing.

``@dataclass(frozen=True)`` writes each class's ``__init__``, ``__repr__``, ``__eq__``,
``__hash__``, ``__setattr__`` and ``__delattr__`` as source text and compiles each with
``exec`` at every import (Python 3.11): ~0.45 ms a class, ~7.4 ms of a ~0.14 s ``collate run``
for the fourteen classes of :mod:`collate.model` alone, the largest single item of its
start-up. Even ``dataclass(init=False, repr=False, eq=False)``, which generates no method,
reads every field's annotation and options (~30 µs a class). Functions written in a module
are compiled once into its ``.pyc``, and a class statement costs what its body does.

So a record class writes its own ``__init__`` (its signature is what people and
``inspect.signature`` read, and the fields are set as a frozen dataclass sets them,
``object.__setattr__``, or in one ``self.__dict__.update`` where the class has no slots), and :func:`record` gives it the rest, reading only the class's
annotations and the ``field()`` options written in its body: the functions below, written
once for every class, each reading the class's :class:`_Layout`. They behave as the
generated ones do: the same ``repr``, ``==`` (a tuple of the compared fields, against an
object of the same class only, as up to Python 3.12; 3.13's compares field by field, which
differs only for a value not equal to itself held by both, such as one NaN), ``hash`` (the hashed fields' tuple), frozenness
(``FrozenInstanceError`` on assigning or deleting), ``__slots__``, ``__match_args__`` and
pickling of a slotted frozen class (the fields' values as a list). Its dataclass fields, for
``dataclasses.fields``, ``replace``, ``asdict`` and ``is_dataclass``, ``dataclass`` itself
makes when they are first asked for (:class:`_Fields`). Executing model's code: 7.40 ms with
``@dataclass(frozen=True)``, 0.58 ms with ``dataclass(init=False, ...)``, 0.21 ms so (min of 400).

A record without slots may set its fields in one call, ``self.__dict__.update(a=a, b=b)``: what
``object.__setattr__`` does field by field (the value in the instance's dict, the class's frozen
``__setattr__`` passed by), in half the time for seven fields. The HTML report's views, made by
the hundred a page (:mod:`collate.reporters.html`), do, and so do the records of
:mod:`collate.apparatus`, :mod:`collate.control`, :mod:`collate.transpose`,
:mod:`collate.anchored`, :mod:`collate.check` and :mod:`collate.model`'s unslotted ones (a slotted
record has no ``__dict__``: it sets each field with ``object.__setattr__``). It passes by any
descriptor the class defines under a field's name (a property, say), as ``object.__setattr__``
would not: none of these records has one, and one that gets one must set that field itself. :func:`as_dict` gives a record's fields and values as a named tuple's
``_asdict`` does, without :func:`dataclasses.asdict`'s deep copy.

``tests/test_records.py`` builds, for every record class, the dataclass ``dataclasses.dataclass``
makes of the same fields and holds the two to the same answers, so a field added to a class
without its ``__init__`` fails there.

A module of records does without ``from __future__ import annotations``: ``dataclass``
reads a string annotation with a regular expression, three times a field (for ``ClassVar``,
``InitVar``, ``KW_ONLY``), an evaluated one it only compares: a record's fields are made in
half the time (``Variant``'s 56 -> 29 µs).

For type checkers, :func:`record` is a ``dataclass_transform`` whose classes are frozen
unless they say ``frozen=False``: mypy rejects assigning to a field, as for
``@dataclass(frozen=True)``. A record has no ``__dataclass_params__`` and is not subclassed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError, dataclass, field, replace
from inspect import get_annotations  # inspect is dataclasses' own import: no cost
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


def _getter(names: tuple[str, ...]) -> Callable[[object], tuple[Any, ...]]:
    """A function of an instance: the tuple of these fields' values (one field too is a tuple)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda self: (one(self),)
    return lambda self: ()


class _Layout:
    """What the methods below read of a record class (its ``_record``): its fields; those shown, compared, hashed."""

    __slots__ = ("options", "annotations", "declared", "names", "values", "shown", "shown_values", "compared",
                 "hashed")

    def __init__(self, options: tuple[bool, bool, bool], annotations: dict[str, Any], declared: dict[str, Any],
                 names: tuple[str, ...], shown: tuple[str, ...], compared: tuple[str, ...],
                 hashed: tuple[str, ...]) -> None:
        #: frozen, eq, slots, as given to :func:`record`
        self.options = options
        #: the class's annotations and what it wrote for each field (a default, a ``field()``): for ``_Fields``
        self.annotations = annotations
        self.declared = declared
        self.names = names
        self.values = _getter(names)
        self.shown = shown
        self.shown_values = _getter(shown)
        self.compared = _getter(compared)
        self.hashed = _getter(hashed)


@recursive_repr()
def _repr(self: Any) -> str:
    # as dataclasses' repr: the class's qualified name, then name=repr(value) for each field shown
    layout: _Layout = self._record
    shown = ", ".join([f"{name}={value!r}" for name, value in zip(layout.shown, layout.shown_values(self), strict=True)])
    return f"{self.__class__.__qualname__}({shown})"


def _eq(self: Any, other: Any) -> Any:
    # as dataclasses' __eq__: the compared fields' tuples, and only against the same class
    if other.__class__ is self.__class__:
        compared = self._record.compared
        return compared(self) == compared(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self._record.hashed(self))


def _replace(self: Any, /, **changes: Any) -> Any:
    # copy.replace (Python 3.13+) calls it, as on a dataclass
    return replace(self, **changes)


def _setattr(self: object, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: object, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def as_dict(instance: Any) -> dict[str, Any]:
    """A record's fields and their values, in order: shallow, as a named tuple's ``_asdict``.

    Not :func:`dataclasses.asdict`, which goes into every value (a record, a list, a dict in a
    field comes out a copy of it, and the class's dataclass fields are made to find them):
    here the values are the instance's own.
    """
    layout: _Layout = instance._record
    return dict(zip(layout.names, layout.values(instance), strict=True))


def _getstate(self: Any) -> list[Any]:
    # a slotted frozen dataclass's pickled state: its fields' values, in order
    return list(self._record.values(self))


def _setstate(self: Any, state: list[Any]) -> None:
    for name, value in zip(self._record.names, state, strict=False):
        object.__setattr__(self, name, value)


class _Fields:
    """Every record's ``__dataclass_fields__``: made by ``dataclass`` itself when first asked for.

    ``dataclasses.fields``, ``replace``, ``asdict`` and ``is_dataclass`` read it; a run asks
    for two or three classes' (``replace`` of a :class:`~collate.model.Variant`), so the
    fields are made then, ~30 µs a class, by ``dataclass(init=False, repr=False, eq=False)``
    on a class of the record's annotations and declared defaults, and kept on the record in
    this descriptor's place.
    """

    def __get__(self, instance: object, owner: Any) -> dict[str, Field[Any]]:
        layout: _Layout = owner._record
        shadow: Any = type(owner.__name__, (), {
            **layout.declared, "__annotations__": layout.annotations, "__module__": owner.__module__,
            "__qualname__": owner.__qualname__, "__doc__": owner.__doc__})
        made: dict[str, Field[Any]] = dataclass(init=False, repr=False, eq=False)(shadow).__dataclass_fields__
        type.__setattr__(owner, "__dataclass_fields__", made)
        return made


_FIELDS = _Fields()

#: the options of a field written without ``field()``
_PLAIN: Field[Any] = field()


@overload
def record(cls: _T, /) -> _T: ...
@overload
def record(*, frozen: bool = True, eq: bool = True, slots: bool = False) -> Callable[[_T], _T]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def record(
    cls: _T | None = None, /, *, frozen: bool = True, eq: bool = True, slots: bool = False
) -> _T | Callable[[_T], _T]:
    """Make ``cls`` a record: a dataclass with its written ``__init__`` and the methods above.

    ``frozen``, ``eq`` and ``slots`` mean what they mean to ``dataclass`` (frozen by default);
    ``eq=False`` keeps ``object``'s identity ``==`` and ``hash``, and a class that is ``eq``
    but not frozen is unhashable, as a dataclass is. Every annotation is a field
    (no ``ClassVar``, ``InitVar`` or ``KW_ONLY``).
    """

    def make(cls: _T) -> _T:
        namespace = dict(cls.__dict__)
        if "__init__" not in namespace:
            raise TypeError(f"{cls.__name__}: a record writes its own __init__")
        # the class's own annotations, however this Python keeps them: in the class's __dict__
        # up to 3.13, evaluated on demand from 3.14 (PEP 649), where __dict__ holds none
        annotations = get_annotations(cls)
        names = tuple(annotations)
        declared = {name: namespace[name] for name in names if name in namespace}
        shown, compared, hashed, positional = [], [], [], []
        for name in names:  # the field() options, as dataclass reads them (a plain default: field()'s own)
            spec = declared.get(name)
            if not isinstance(spec, Field):
                spec = _PLAIN
            if spec.repr:
                shown.append(name)
            if spec.compare:
                compared.append(name)
            if spec.compare if spec.hash is None else spec.hash:
                hashed.append(name)
            if spec.kw_only is not True:
                positional.append(name)
        # the written __init__ takes the fields in dataclass's order (keyword-only ones last), by name:
        # checked here, at no cost, so that a field added to the annotations alone fails at import
        code = namespace["__init__"].__code__
        takes = code.co_varnames[1:code.co_argcount + code.co_kwonlyargcount]
        if takes != (*positional, *(name for name in names if name not in positional)):
            raise TypeError(f"{cls.__name__}: __init__ takes {', '.join(takes)}; the fields are {', '.join(names)}")
        made: dict[str, Any] = {
            "__dataclass_fields__": _FIELDS, "__match_args__": tuple(positional), "__repr__": _repr,
            "__replace__": _replace,
            "_record": _Layout((frozen, eq, slots), annotations, declared, names, tuple(shown),
                               tuple(compared), tuple(hashed)),
        }
        if eq:
            made.update(__eq__=_eq, __hash__=_hash if frozen else None)
        if frozen:
            made.update(__setattr__=_setattr, __delattr__=_delattr)
            if slots:
                made.update(__getstate__=_getstate, __setstate__=_setstate)
        if slots:  # a class with the fields as slots in the class's place, as dataclass makes one
            for name in ("__dict__", "__weakref__", *names):
                namespace.pop(name, None)
            slotted: _T = type(cls)(cls.__name__, cls.__bases__, {**namespace, **made, "__slots__": names})
            slotted.__qualname__ = cls.__qualname__
            return slotted
        for name, value in declared.items():  # what dataclass leaves on the class: a field()'s default
            if isinstance(value, Field):
                if value.default is MISSING:
                    delattr(cls, name)
                else:
                    setattr(cls, name, value.default)
        for key, value in made.items():
            setattr(cls, key, value)
        return cls

    return make if cls is None else make(cls)
