"""Typed errors, so the CLI can turn a user's mistake into one line and exit code 2.

Every error raised for bad input is a :class:`CollateError`. Its ``str()`` is the
``file:line:col: message`` form that editors and CI logs read; anything that is
not a ``CollateError`` is a bug in collate and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path


class CollateError(Exception):
    """Bad input: a message, and where it is when that is known."""

    def __init__(
        self,
        message: str,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column

    def __reduce__(self) -> tuple[type[CollateError], tuple[str, str | None, int | None, int | None]]:
        # keep the place when the error crosses from a worker process (collate run -j)
        return (self.__class__, (self.message, self.path, self.line, self.column))

    def __str__(self) -> str:
        where = [self.path] if self.path else []
        if self.path and self.line is not None:
            where.append(str(self.line))
            if self.column is not None:
                where.append(str(self.column))
        return ": ".join(filter(None, [":".join(where), self.message]))


class ConfigError(CollateError):
    """A project setting or a set's ``[normalize]`` table is wrong."""


class WitnessError(CollateError):
    """A set manifest or a witness file cannot be read as given."""


class ApparatusError(CollateError):
    """An ``apparatus.toml`` cannot be read or written."""


class OutputError(CollateError):
    """A report cannot be written where it was asked to go."""
