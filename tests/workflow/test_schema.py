"""`hegui schema --of assessment|datasets`: editor schemas that accept the examples and catch mistakes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from jsonschema import Draft202012Validator

from engine.questions import question_bank
from engine.workflow.schema import input_schema
from tests.conftest import ROOT

EXAMPLES = sorted((ROOT / "assessments" / "examples").iterdir())


class EditorLoader(yaml.SafeLoader):
    """YAML as an editor's language server sees it: dates stay text."""


EditorLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=EditorLoader)


@pytest.mark.parametrize("folder", EXAMPLES, ids=[f.name for f in EXAMPLES])
def test_the_examples_match_their_schemas(folder: Path) -> None:
    Draft202012Validator.check_schema(input_schema("assessment"))
    jsonschema.validate(load(folder / "assessment.yaml"), input_schema("assessment"))
    if (folder / "datasets.yaml").exists():
        jsonschema.validate(load(folder / "datasets.yaml"), input_schema("datasets"))


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("organisation", "ciio"), "yes", "is not of type 'boolean'"),
        (("organisation", "shenzen"), True, "Additional properties are not allowed"),
        (("answers", "no_such_question"), True, "Additional properties are not allowed"),
        (("answers", "pi_classified"), "yes", "is not valid under any of the given schemas"),
    ],
)
def test_mistakes_an_editor_flags(path: tuple[str, str], value: object, message: str) -> None:
    doc = load(EXAMPLES[-1] / "assessment.yaml")
    doc[path[0]][path[1]] = value
    errors = [e.message for e in Draft202012Validator(input_schema("assessment")).iter_errors(doc)]
    assert any(message in e for e in errors), errors


def test_every_question_is_described_in_both_languages() -> None:
    schema = input_schema("assessment")
    scopes = {"org": schema, "activity": schema["$defs"]["Activity"], "transfer": schema["$defs"]["Transfer"]}
    for q in question_bank().questions:
        answer = scopes[q.scope]["properties"]["answers"]["properties"][q.id]
        assert answer["description"].startswith(f"{q.text.zh} / {q.text.en}")
    ciio = schema["$defs"]["Organisation"]["properties"]["ciio"]["description"]
    assert ciio == "是否为关键信息基础设施运营者 / Operator of critical information infrastructure?"


def test_schema_command_writes_the_file(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from engine.cli import app

    out = tmp_path / "datasets.schema.json"
    result = CliRunner().invoke(app, ["schema", "--of", "datasets", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["title"] == "hegui datasets.yaml"
