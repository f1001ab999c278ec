"""Find the findings document a workflow command is pointed at: a findings.json, or a folder to assess."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.errors import InputError
from engine.finding import FindingsDocument
from engine.i18n import both, message
from engine.inputs import ASSESSMENT_FILE
from engine.text import Text
from engine.validation import dotted, error_text

FINDINGS_FILE = "findings.json"
MAX_DEPTH = 100  # nesting of objects and lists a findings.json may have (hegui's own are about 15 deep)


def depth(value: Any) -> int:
    """How deeply objects and lists nest in parsed JSON, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def load_findings(path: Path) -> FindingsDocument:
    """findings.json itself, an assessment folder (assessed now) or an output folder holding findings.json."""
    if path.is_dir() and (path / ASSESSMENT_FILE).is_file():
        from engine.assess import assess
        from engine.inputs import load_assessment

        return assess(load_assessment(path))
    file = path / FINDINGS_FILE if path.is_dir() else path
    if not file.is_file():
        raise InputError.one(str(path), both("x.no_findings"))
    too_deep = InputError.one(str(file), both("x.bad_json", why=message("x.too_deep", depth=MAX_DEPTH)))
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        if depth(data) > MAX_DEPTH:  # explain and diff walk traces recursively: bounded here
            raise too_deep
        return FindingsDocument.model_validate(data)
    except RecursionError:  # nested deeper than the json module itself can parse
        raise too_deep from None
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        text, where = error_text(err), dotted(err["loc"])
        why = Text(zh=f"{where}：{text.zh}", en=f"{where}: {text.en}")
        raise InputError.one(str(file), both("x.bad_json", why=why)) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError.one(str(file), both("x.bad_json", why=str(exc).splitlines()[0])) from None
