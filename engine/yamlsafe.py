"""Safe YAML loading that remembers where every value came from.

PyYAML's SafeLoader builds plain data; we compose the node tree ourselves so that every dotted path
(`activities.0.legal_basis`) maps to its line and column for error messages. Aliases are refused
outright (no alias blow-up); files are checked (a regular file, inside the assessment folder, within
the size limit) before a bounded read; control characters are refused where they stand. Plain values
resolve as in the YAML 1.2 core schema (true/false, null, decimal numbers) plus dates: PyYAML's
YAML 1.1 readings (`no` as false, `0x10` as 16, `190:20:30` as a number) stay text, which the
models then reject by type.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from engine.errors import CONTROL, RAW_CONTROL, InputError, Problem, clip
from engine.i18n import both, message
from engine.text import Text

MAX_BYTES = 5 * 1024 * 1024


@dataclass
class Located:
    """Parsed data plus a map from dotted path to (line, column), both 1-based."""

    data: Any
    positions: dict[str, tuple[int, int]]
    file: str
    # values YAML reads but that cannot be built (a date 2026-13-45), kept as their text when the caller
    # asked to see every other problem too (parse(..., defer_values=True))
    deferred: list[Problem] = field(default_factory=list)
    # keys with no value inside a {…} mapping: most likely the tail of a value cut at a comma
    # (`{en: Acme Co., Ltd.}` reads as en: "Acme Co." and a key "Ltd."), so a problem there gets a hint
    comma_split: set[str] = field(default_factory=set)

    def where(self, path: str) -> tuple[int | None, int | None]:
        """Position of the deepest known prefix of path (a missing key points at its parent)."""
        parts = path.split(".") if path else []
        while True:
            pos = self.positions.get(".".join(parts))
            if pos:
                return pos
            if not parts:
                return None, None
            parts.pop()

    def error(self, path: str, message: str) -> InputError:
        line, col = self.where(path)
        return InputError.one(self.file, message, path or "(top)", line, col)


# libyaml's C loader when available (about ten times faster); the pure-Python one otherwise
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[valid-type,misc]
    """The safe loader with YAML 1.2 core scalar types (and dates) instead of YAML 1.1's."""


def _core_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    return int(loader.construct_scalar(node), 10)  # 010 is ten, as in YAML 1.2


_TIMESTAMP = next(rx for tag, rx in yaml.SafeLoader.yaml_implicit_resolvers["2"] if tag.endswith(":timestamp"))
_Loader.yaml_implicit_resolvers = {}
for _tag, _rx, _first in (
    ("null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]),
    ("bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")),
    ("int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")),
    (
        "float",
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        list("-+.0123456789"),
    ),
    ("timestamp", _TIMESTAMP, list("0123456789")),
):
    _Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", _rx, _first)
_Loader.add_constructor("tag:yaml.org,2002:int", _core_int)


class Dumper(yaml.SafeDumper):
    """Writes text that `_Loader` would read as another type (`0E0`, `1_000`…) quoted: the same resolvers."""


Dumper.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


class _Refused(Exception):
    """A YAML construct hegui does not accept, at its position (turned into an InputError by loads)."""

    def __init__(self, message: str, mark: yaml.Mark) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


def _construct(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: str,
    positions: dict[str, tuple[int, int]],
    seen: set[int],
    deferred: list[tuple[str, str, yaml.Mark]],
    comma_split: set[str],
) -> Any:
    # an alias is the anchored node object appearing a second time: refuse it (no alias blow-up)
    if id(node) in seen:
        raise _Refused(both("yaml.alias"), node.start_mark)
    seen.add(id(node))
    positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    prefix = f"{path}." if path else ""
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(loader, key_node)
            if isinstance(key, list | dict):
                raise _Refused(both("yaml.complex_key"), key_node.start_mark)
            if key in out:
                raise _Refused(both("yaml.duplicate_key", key=key), key_node.start_mark)
            if node.flow_style and isinstance(value_node, yaml.ScalarNode) and value_node.value == "":
                comma_split.add(f"{prefix}{key}")
            out[key] = _construct(loader, value_node, f"{prefix}{key}", positions, seen, deferred, comma_split)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(loader, child, f"{prefix}{i}", positions, seen, deferred, comma_split)
            for i, child in enumerate(node.value)
        ]
    try:
        value = _scalar(loader, node)
    except _Refused as exc:  # one bad value: noted where it stands, the rest of the file still read
        deferred.append((path, exc.message, exc.mark))
        return node.value
    if isinstance(value, datetime):
        return value.isoformat()
    return value


_STR = "tag:yaml.org,2002:str"  # what SafeConstructor builds as the node's text, unchanged


def _scalar(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """A plain value; one YAML resolves but Python cannot build (2026-13-01) is the user's error."""
    if node.tag == _STR and isinstance(node, yaml.ScalarNode):  # most values: the text as written
        value = node.value
    else:
        try:
            value = loader.construct_object(node, deep=True)
        except (ValueError, OverflowError) as exc:
            key = "yaml.bad_date" if node.tag.endswith(":timestamp") else "yaml.bad_value"
            raise _Refused(both(key, value=clip(node.value), why=clip(exc, 80)), node.start_mark) from None
    if isinstance(value, str) and (found := CONTROL.search(value)):  # written as an escape such as "\e"
        raise _Refused(control_text(found.group()).both(), node.start_mark)
    return value


def control_text(char: str) -> Text:
    """The problem with a control character in an input (any but tab and newline)."""
    return message("file.control_char", code=f"U+{ord(char):04X}")


def position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index in `text`."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _at(file: str, message: str, mark: yaml.Mark | None) -> InputError:
    return InputError.one(file, message, "", mark.line + 1 if mark else None, mark.column + 1 if mark else None)


def too_large(file: str, limit: int = MAX_BYTES) -> InputError:
    """The problem for an input file over its size limit (also used for CSV and XLSX inventories)."""
    return InputError.one(file, both("file.too_large", mib=limit // (1024 * 1024)))


def loads(text: str, file: str, defer_values: bool = False) -> Located:
    """Parse YAML text. A value that cannot be built is an error; with `defer_values` it is kept as its
    text and reported in `Located.deferred`, so a caller can list it beside every other problem."""
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise too_large(file)
    if found := RAW_CONTROL.search(text):
        raise InputError.one(file, control_text(found.group()).both(), "", *position(text, found.start()))
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        positions: dict[str, tuple[int, int]] = {}
        deferred: list[tuple[str, str, yaml.Mark]] = []
        comma_split: set[str] = set()
        data = None if root is None else _construct(loader, root, "", positions, set(), deferred, comma_split)
    except _Refused as exc:
        raise _at(file, exc.message, exc.mark) from None
    except yaml.MarkedYAMLError as exc:
        why = " ".join(x for x in (exc.context, exc.problem) if x) or str(exc)
        raise _at(file, both("yaml.invalid", why=why), exc.problem_mark or exc.context_mark) from None
    except yaml.YAMLError as exc:
        raise InputError.one(file, both("yaml.invalid", why=exc)) from None
    finally:
        loader.dispose()
    problems = [Problem(file, text, path, mark.line + 1, mark.column + 1) for path, text, mark in deferred]
    if problems and not defer_values:
        raise InputError(problems)
    return Located(data, positions, file, problems, comma_split)


def read_input(path: Path, limit: int = MAX_BYTES, folder: Path | None = None) -> bytes:
    """An input file's bytes, checked before reading: a regular file (not a FIFO or device), within
    `limit` (stat, then a read of at most limit + 1 bytes), and inside `folder` after links are followed."""
    file = str(path)
    try:
        if folder is not None and not path.resolve().is_relative_to(folder.resolve()):
            raise InputError.one(file, both("file.link_outside", folder=folder))
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise InputError.one(file, both("file.not_regular"))
            if info.st_size > limit:
                raise too_large(file, limit)
            data = fh.read(limit + 1)
    except OSError as exc:
        raise InputError.one(file, both("file.unreadable", why=exc.strerror)) from None
    if len(data) > limit:
        raise too_large(file, limit)
    return data


def decode(data: bytes, file: str) -> str:
    """UTF-8 text, or the located problem (LINE:COL of the first byte that is not UTF-8)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8")
        line, col = position(before, len(before))
        message = both("file.not_utf8", reason=exc.reason, byte=exc.start)
        raise InputError.one(file, message, "", line, col) from None


def parse(data: bytes, file: str, defer_values: bool = False) -> Located:
    """Parse the bytes of a YAML file."""
    return loads(decode(data, file), file, defer_values)


def load(path: Path, folder: Path | None = None) -> Located:
    """Read (see read_input) and parse one YAML file."""
    return parse(read_input(path, folder=folder), str(path))
