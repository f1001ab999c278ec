"""Input errors located as FILE:LINE:COL: dotted.path: message (exit code 2 at the CLI)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.text import Text

# C0 and C1 control characters and DEL, except tab and newline (which free text may hold)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# the same as written in a file, where a carriage return is part of a CRLF line break
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
MAX_ECHO = 40
# exit code of hegui's own bugs (2 is bad input, 1 gaps found): every front end and batch use it
INTERNAL_ERROR = 3


def clip(value: object, limit: int = MAX_ECHO) -> str:
    """User text as a message echoes it: cut to `limit` characters, so a message names a value, never copies a file."""
    text = str(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    path: str = ""
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        path = ".".join(clip(part) for part in self.path.split("."))  # a key may be a whole line of a file
        text = f"{where}: {path}: {self.message}" if self.path else f"{where}: {self.message}"
        return _printable(text)


def _printable(text: str) -> str:
    """Escape control characters (from user keys and values) so one problem stays one line."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


@dataclass
class InputError(Exception):
    """One or more problems in user input; never a crash."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    @classmethod
    def one(
        cls, file: str, message: str, path: str = "", line: int | None = None, column: int | None = None
    ) -> InputError:
        return cls([Problem(file, message, path, line, column)])

    @classmethod
    def merge(cls, errors: Iterable[InputError]) -> InputError:
        return cls([p for e in errors for p in e.problems])


class BadValue(ValueError):
    """A ValueError worded in both languages; from our model validators pydantic reports it as `value_error`."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text
