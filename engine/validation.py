"""Turn pydantic validation errors into located problems (FILE:LINE:COL: dotted.path: message).

Messages are translated by pydantic's error `type` from the `pydantic.<type>` entries of
engine/i18n.py, with the numbers and allowed values of the error's context; a type without an entry
keeps pydantic's English message behind a Chinese prefix, so nothing is lost.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from engine.errors import BadValue, Problem
from engine.i18n import MESSAGES, message, placeholders
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


def pydantic_problems(exc: ValidationError, located: Located, prefix: str = "") -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors(include_url=False):
        path = dotted(err["loc"])
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        text = error_text(err).both()
        if (path, text) in seen:
            continue
        seen.add((path, text))
        line, col = located.where(path)
        problems.append(Problem(located.file, text, path, line, col))
    return problems
