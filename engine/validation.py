"""Turn pydantic validation errors into located problems (FILE:LINE:COL: dotted.path: message)."""

from __future__ import annotations

from pydantic import ValidationError

from engine.errors import Problem
from engine.yamlsafe import Located


def dotted(loc: tuple[int | str, ...]) -> str:
    # pydantic puts union/tagged-member names into loc; keep only the data path
    parts = [
        str(p) for p in loc if not (isinstance(p, str) and ("[" in p or p in ("str", "Text", "int", "bool", "date")))
    ]
    return ".".join(parts)


def pydantic_problems(exc: ValidationError, located: Located, prefix: str = "") -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors(include_url=False):
        path = dotted(err["loc"])
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown key (not allowed here)"
        elif err["type"] == "missing":
            message = "required field is missing"
        if (path, message) in seen:
            continue
        seen.add((path, message))
        line, col = located.where(path)
        problems.append(Problem(located.file, message, path, line, col))
    return problems
