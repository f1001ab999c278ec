"""JSON Schemas of assessment.yaml, datasets.yaml and remediation.yaml for editors: completion, hover help, checks.

Generated from the input models, with the scaffold's field help and the question bank as descriptions,
so the schema, `hegui init` and validation cannot disagree. Editors only guide: `hegui validate` remains
the check (the schema cannot see cross-references such as dataset ids or waivers).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from engine.assessment import Assessment
from engine.dataset import Inventory
from engine.questions import Question, question_bank
from engine.remediation import Plan
from engine.workflow.scaffold import ANSWER_SCOPES, FIELD_HELP

MODELS: dict[str, type[BaseModel]] = {"assessment": Assessment, "datasets": Inventory, "remediation": Plan}
_SCOPES = {model.__name__: scope for model, scope in ANSWER_SCOPES.items()}
_ANSWER_TYPES: dict[str, dict[str, Any]] = {
    "bool": {"type": "boolean"},
    "int": {"type": "integer"},
    "text": {"type": "string"},
    "date": {"type": "string", "format": "date"},
}


def input_schema(kind: str) -> dict[str, Any]:
    """The schema of `kind` (a key of MODELS), with bilingual descriptions and every question of each scope."""
    model = MODELS[kind]
    schema = model.model_json_schema()
    for name, node in [(model.__name__, schema), *schema.get("$defs", {}).items()]:
        for prop, spec in node.get("properties", {}).items():
            if (help_ := FIELD_HELP.get(f"{name}.{prop}")) is not None:
                spec["description"] = f"{help_.zh} / {help_.en}"
            if prop == "answers" and name in _SCOPES:
                questions = question_bank().in_scope(_SCOPES[name])
                spec.update(
                    type="object",
                    properties={q.id: _answer(q) for q in questions},
                    additionalProperties=False,
                )
    schema["$id"] = f"https://hegui.dev/schema/{kind}.json"
    schema["title"] = f"hegui {kind}.yaml"
    return schema


def _answer(q: Question) -> dict[str, Any]:
    """One answer: its type, or null while unknown; the question and its help as description."""
    options = [o.value for o in q.options]
    if q.type == "choice":
        spec: dict[str, Any] = {"enum": options}
    elif q.type == "multi":
        spec = {"type": "array", "items": {"enum": options}}
    else:
        spec = dict(_ANSWER_TYPES[q.type])
    if q.min is not None:
        spec["minimum"] = q.min
    if q.max is not None:
        spec["maximum"] = q.max
    return {
        "anyOf": [spec, {"type": "null"}],
        "description": f"{q.text.zh} / {q.text.en}\n\n{q.help.zh}\n\n{q.help.en}",
    }
