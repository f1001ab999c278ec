"""Safe YAML loading that remembers where every value came from.

PyYAML's SafeLoader builds plain data; we compose the node tree ourselves so that every dotted path
(`activities.0.legal_basis`) maps to its line and column for error messages. Aliases are refused
outright (no alias blow-up) and files are size-limited before parsing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from engine.errors import InputError
from engine.i18n import both

MAX_BYTES = 5 * 1024 * 1024


@dataclass
class Located:
    """Parsed data plus a map from dotted path to (line, column), both 1-based."""

    data: Any
    positions: dict[str, tuple[int, int]]
    file: str

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
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Refused(Exception):
    """A YAML construct hegui does not accept, at its position (turned into an InputError by loads)."""

    def __init__(self, message: str, mark: yaml.Mark) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


def _construct(
    loader: yaml.SafeLoader, node: yaml.Node, path: str, positions: dict[str, tuple[int, int]], seen: set[int]
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
            out[key] = _construct(loader, value_node, f"{prefix}{key}", positions, seen)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(loader, child, f"{prefix}{i}", positions, seen) for i, child in enumerate(node.value)]
    value = _scalar(loader, node)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _scalar(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """A plain value; one YAML resolves but Python cannot build (2026-13-01) is the user's error."""
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, OverflowError) as exc:
        key = "yaml.bad_date" if node.tag.endswith(":timestamp") else "yaml.bad_value"
        raise _Refused(both(key, value=node.value, why=exc), node.start_mark) from None


def _at(file: str, message: str, mark: yaml.Mark | None) -> InputError:
    return InputError.one(file, message, "", mark.line + 1 if mark else None, mark.column + 1 if mark else None)


def too_large(file: str, limit: int = MAX_BYTES) -> InputError:
    """The problem for an input file over its size limit (also used for CSV and XLSX inventories)."""
    return InputError.one(file, both("file.too_large", mib=limit // (1024 * 1024)))


def loads(text: str, file: str) -> Located:
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise too_large(file)
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        positions: dict[str, tuple[int, int]] = {}
        data = None if root is None else _construct(loader, root, "", positions, set())
    except _Refused as exc:
        raise _at(file, exc.message, exc.mark) from None
    except yaml.MarkedYAMLError as exc:
        why = " ".join(x for x in (exc.context, exc.problem) if x) or str(exc)
        raise _at(file, both("yaml.invalid", why=why), exc.problem_mark or exc.context_mark) from None
    except yaml.YAMLError as exc:
        raise InputError.one(file, both("yaml.invalid", why=exc)) from None
    finally:
        loader.dispose()
    return Located(data, positions, file)


def load(path: Path) -> Located:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise too_large(str(path))
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError.one(str(path), both("file.not_utf8", reason=exc.reason, byte=exc.start)) from None
    except OSError as exc:
        raise InputError.one(str(path), both("file.unreadable", why=exc.strerror)) from None
    return loads(text, str(path))
