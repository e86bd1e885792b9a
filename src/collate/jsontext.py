"""JSON text exactly as ``json.dumps(value, ensure_ascii=False, indent=N)`` writes it, in half the time.

The standard library writes indented JSON with its pure-Python encoder (its C
encoder does no indenting), one generator per list and object; the JSON report
of a book chapter is ~30,000 values and its CollateX table ten times as many.
This is that encoder's output made by one recursive function appending to a
list: the same separators (``","`` then a new line, ``": "``), the same
``[]``/``{}`` for empty containers, the same forms of numbers (``repr``,
``NaN``/``Infinity``), keys and strings (the library's own ``encode_basestring``).
tests/test_jsontext.py compares the two on the goldens and on generated values.
Only what collate's reports hold is accepted: no ``default=``, no circular
check (a report is a tree), a TypeError for anything else, as the library gives.
"""

from __future__ import annotations

from json.encoder import encode_basestring

_INFINITY = float("inf")


def dumps(value: object, indent: int = 1) -> str:
    """``value`` as JSON text, indented by ``indent`` spaces a level, non-ASCII characters as they are."""
    out: list[str] = []
    _encode(value, out, "\n", " " * indent)
    return "".join(out)


def _float(number: float) -> str:
    if number != number:
        return "NaN"
    if number == _INFINITY:
        return "Infinity"
    if number == -_INFINITY:
        return "-Infinity"
    return float.__repr__(number)


def _key(key: object) -> str:
    """A non-string key as the library writes it (a string already is one)."""
    if isinstance(key, float):
        return _float(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def _encode(value: object, out: list[str], newline: str, step: str) -> None:
    """Append ``value``'s text; ``newline`` is a line break and the indentation of its level.

    A container is what this is called for nearly always (a string or an int in one is written
    by the loop itself), so the two kinds of container are tested first: no value is both a
    container and a leaf (their layouts conflict), so the order changes no output. Each item is
    followed by the separator, and the last separator then replaced by the closing line: no
    count of the items, no test per item of whether it is the first.
    """
    append = out.append
    if isinstance(value, dict):
        if not value:
            append("{}")
            return
        inner = newline + step
        separator = "," + inner
        append("{" + inner)
        for key, item in value.items():
            append(encode_basestring(key if isinstance(key, str) else _key(key)) + ": ")
            if isinstance(item, str):  # the commonest leaves, without a call
                append(encode_basestring(item))
            elif item.__class__ is int:  # a reading's line and column (an int exactly: not a bool)
                append(int.__repr__(item))
            else:
                _encode(item, out, inner, step)
            append(separator)
        out[-1] = newline + "}"
    elif isinstance(value, (list, tuple)):
        if not value:
            append("[]")
            return
        inner = newline + step
        separator = "," + inner
        append("[" + inner)
        for item in value:
            if isinstance(item, str):
                append(encode_basestring(item))
            elif item.__class__ is int:  # a diff's op (an int exactly: not a bool, not an IntEnum)
                append(int.__repr__(item))
            else:
                _encode(item, out, inner, step)
            append(separator)
        out[-1] = newline + "]"
    elif isinstance(value, str):
        append(encode_basestring(value))
    elif value is None:
        append("null")
    elif value is True:
        append("true")
    elif value is False:
        append("false")
    elif isinstance(value, int):
        append(int.__repr__(value))
    elif isinstance(value, float):
        append(_float(value))
    else:
        raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")
