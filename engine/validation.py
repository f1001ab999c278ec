"""Turn pydantic validation errors into located problems (FILE:LINE:COL: dotted.path: message).

Messages are translated by pydantic's error `type` from the `pydantic.<type>` entries of
engine/i18n.py, with the numbers and allowed values of the error's context; a type without an entry
keeps pydantic's English message behind a Chinese prefix, so nothing is lost.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from engine.errors import BadValue, Problem
from engine.i18n import MESSAGES, closest, message, placeholders
from engine.text import Text
from engine.yamlsafe import Located

ALIASES = {"enum": "literal_error"}  # same message, different pydantic type


def dotted(loc: tuple[int | str, ...]) -> str:
    # pydantic puts union/tagged-member names into loc; keep only the data path
    parts = [
        str(p) for p in loc if not (isinstance(p, str) and ("[" in p or p in ("str", "Text", "int", "bool", "date")))
    ]
    return ".".join(parts)


def error_text(err: ErrorDetails) -> Text:
    """One pydantic error's message in Chinese and English."""
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    if isinstance(error := ctx.get("error"), BadValue):
        return error.text
    if isinstance(ctx.get("expected"), str):  # "'a', 'b' or 'c'" reads 'a'、'b'、'c' in Chinese
        ctx["expected"] = Text(zh=re.sub(r", | or ", "、", ctx["expected"]), en=ctx["expected"])
    key = f"pydantic.{ALIASES.get(err['type'], err['type'])}"
    if key not in MESSAGES or not placeholders(MESSAGES[key].en) <= ctx.keys():
        return message("pydantic.other", detail=err["msg"])
    return message(key, **ctx)


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The models a field's annotation can hold (through lists, dicts, optionals and unions)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, list, dict, typing.Annotated):
        return [m for a in args for m in _models(a)]
    return []


def _keys_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """The field names allowed where an unknown key `loc` was found."""
    current = [model]
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        current = [m for c in current if part in c.model_fields for m in _models(c.model_fields[part].annotation)]
    return sorted({name for c in current for name in c.model_fields})


def pydantic_problems(
    exc: ValidationError, located: Located, prefix: str = "", model: type[BaseModel] | None = None
) -> list[Problem]:
    """Located problems; with the model, an unknown key also gets "did you mean" the closest field."""
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors(include_url=False):
        path = dotted(err["loc"])
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        text = error_text(err).both()
        null = err.get("input", ...) is None
        if null and (err["type"].endswith("_type") or err["type"] in ("literal_error", "enum")):  # left null
            text = message("pydantic.not_filled").both()
        if err["type"] == "extra_forbidden" and model is not None and (known := _keys_at(model, err["loc"])):
            hint = closest(str(err["loc"][-1]), known)
            text = message("pydantic.extra_forbidden_hint", hint=hint).both() if hint else text
        if err["type"] == "extra_forbidden" and path in located.comma_split:
            text = message("yaml.comma_split", key=err["loc"][-1]).both()
        if (path, text) in seen:
            continue
        seen.add((path, text))
        line, col = located.where(path)
        problems.append(Problem(located.file, text, path, line, col))
    return problems
