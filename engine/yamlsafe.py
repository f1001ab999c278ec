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


def _construct(
    loader: yaml.SafeLoader, node: yaml.Node, path: str, positions: dict[str, tuple[int, int]], seen: set[int]
) -> Any:
    # an alias is the anchored node object appearing a second time: refuse it (no alias blow-up)
    if id(node) in seen:
        raise yaml.composer.ComposerError(
            None, None, "YAML aliases (*name) are not allowed in hegui inputs", node.start_mark
        )
    seen.add(id(node))
    positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    prefix = f"{path}." if path else ""
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, list | dict):
                raise yaml.constructor.ConstructorError(
                    None, None, "mapping keys must be plain values", key_node.start_mark
                )
            if key in out:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            out[key] = _construct(loader, value_node, f"{prefix}{key}", positions, seen)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(loader, child, f"{prefix}{i}", positions, seen) for i, child in enumerate(node.value)]
    value = loader.construct_object(node, deep=True)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def loads(text: str, file: str) -> Located:
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise InputError.one(file, f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        positions: dict[str, tuple[int, int]] = {}
        data = None if root is None else _construct(loader, root, "", positions, set())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        msg = " ".join(x for x in (exc.context, exc.problem) if x) or str(exc)
        raise InputError.one(
            file, f"invalid YAML: {msg}", "", mark.line + 1 if mark else None, mark.column + 1 if mark else None
        ) from None
    except yaml.YAMLError as exc:
        raise InputError.one(file, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    return Located(data, positions, file)


def load(path: Path) -> Located:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError.one(str(path), f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError.one(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise InputError.one(str(path), f"cannot read: {exc.strerror}") from None
    return loads(text, str(path))
