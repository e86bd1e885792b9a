"""What a person running collate should know that is no error: ``warning: …`` lines on stderr.

An unknown key in ``set.toml``, an empty witness, a passage aligned by a word diff
because CollateX would take too long: each is one line, said where it is found,
and the run goes on. The standard ``logging`` module would carry them as well,
but collate has one level and one destination, and importing logging (with the
traceback, string and threading modules and its format regexes) was ~4.5 ms of
every run's start-up: a fortieth of a short run.

Code that embeds collate, and the tests, take the warnings instead of printing
them with :func:`caught`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

#: the lists of :func:`caught` blocks now open, innermost last
_catching: list[list[str]] = []


def warn(message: str) -> None:
    """Say ``message`` on stderr as ``warning: message`` (into the innermost :func:`caught` list, if one is open)."""
    if _catching:
        _catching[-1].append(message)
        return
    stream = sys.stderr  # looked up now: click's test runner and pytest replace it
    stream.write(f"warning: {message}\n")
    stream.flush()  # before a traceback-free exit (cli.main's os._exit) or a child's output


@contextmanager
def caught() -> Iterator[list[str]]:
    """The warnings said inside the ``with`` block, in order, instead of on stderr."""
    messages: list[str] = []
    _catching.append(messages)
    try:
        yield messages
    finally:
        _catching.remove(messages)
