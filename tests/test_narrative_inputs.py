"""Narrative inputs (engine/assessment.py `Narrative`): validated where they are, listed by
`validate --for-filing` with their dotted paths, described in the editor schema."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.assessment import Activity, Meta, Organisation, Transfer, narrative_fields
from engine.i18n import message
from engine.narrative import NARRATIVE_HELP
from engine.render.words import messages
from tests.conftest import EXAMPLES, assert_problem, run_cli

ORG_FIELDS = [
    "shareholding",
    "actual_controller",
    "structure",
    "pi_protection_body",
    "pi_protection_officer",
    "business",
    "security_evidence",
    "contact",
]
TRANSFER_FIELDS = [
    "business",
    "necessity",
    "route_link",
    "overseas_storage",
    "onward_transfer",
    "retention",
    "projection",
    "recipient_details",
    "recipient_processing",
    "recipient_capabilities",
    "destination_law",
    "contract_measures",
]


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # hegui refuses YAML aliases; write repeated values out
        return True


FILING_LINE = re.compile(r"assessment\.yaml:(\d+):(\d+): (\S+): 备案尚缺：.+ / a filing still lacks: .+$")


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / name / "assessment.yaml").read_text(encoding="utf-8"))
    return data


def _write(folder: Path, data: dict[str, Any], name: str = "shenzhen-ecommerce") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for extra in (EXAMPLES / name).iterdir():
        if extra.name != "assessment.yaml":
            (folder / extra.name).write_bytes(extra.read_bytes())
    text = yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False)
    (folder / "assessment.yaml").write_text(text, encoding="utf-8")
    return folder


def _filled(data: dict[str, Any]) -> dict[str, Any]:
    """Every narrative text a filing can ask for, given."""
    data["assessment"]["team"] = {"zh": "合规部牵头评估", "en": "Led by compliance"}
    data["assessment"]["third_party_role"] = "外部律师提供法律意见 / outside counsel advised"
    for name in ORG_FIELDS:
        data["organisation"][name] = f"组织说明 {name}"
    for act in data["activities"]:
        act["safeguards"] = {"zh": "访问控制与加密", "en": "Access control and encryption"}
    for t in data["transfers"]:
        for name in TRANSFER_FIELDS:
            t[name] = {"zh": f"出境说明 {name}", "en": f"Transfer note {name}"}
    return data


def test_the_models_declare_the_narrative_fields_and_each_has_help_and_a_report_label() -> None:
    assert narrative_fields(Meta) == ["team", "third_party_role"]
    assert narrative_fields(Organisation) == ORG_FIELDS
    assert narrative_fields(Activity) == ["safeguards"]
    assert narrative_fields(Transfer) == TRANSFER_FIELDS
    labels = messages()
    for model in (Meta, Organisation, Activity, Transfer):
        for name in narrative_fields(model):
            help_ = NARRATIVE_HELP[f"{model.__name__}.{name}"]
            assert re.search(r"[\u4e00-\u9fff]", help_.zh) and help_.en, name
            assert f"narr.{model.__name__.lower()}.{name}" in labels, name
    assert "Meta.independent_opinion" in NARRATIVE_HELP


@pytest.mark.parametrize(
    "value",
    ["一段说明", {"zh": "第一行\n第二行", "en": "line one\nline two"}, "x" * 4000, "<b>escaped later</b>"],
)
def test_good_narrative_values_are_accepted_everywhere(tmp_path: Path, value: Any) -> None:
    data = _load("shenzhen-ecommerce")
    data["organisation"]["shareholding"] = value
    data["activities"][0]["safeguards"] = value
    data["transfers"][0]["route_link"] = value
    data["assessment"]["team"] = value
    data["assessment"]["independent_opinion"] = True  # the example names its law firm in assessor.third_party
    result = run_cli("validate", _write(tmp_path / "f", data))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("where", "value", "zh", "en"),
    [
        (("organisation", "shareholding"), "   ", "叙述内容不能为空（zh）", "narrative text must not be blank (zh)"),
        (("transfers", 0, "route_link"), {"zh": "专线", "en": " "}, "不能为空（en）", "must not be blank (en)"),
        (("activities", 1, "safeguards"), "长" * 4001, "4001 个字符，最多 4000 个", "4001 characters, at most 4000"),
        (("transfers", 0, "destination_law"), 42, "应为", "string"),
        (("assessment", "team"), ["a", "b"], "应为", "string"),
    ],
)
def test_bad_narrative_values_are_located_errors(
    tmp_path: Path, where: tuple[Any, ...], value: Any, zh: str, en: str
) -> None:
    data = _load("shenzhen-ecommerce")
    node = data
    for part in where[:-1]:
        node = node[part]
    node[where[-1]] = value
    result = run_cli("validate", _write(tmp_path / "f", data))
    assert result.exit_code == 2
    path = re.escape(".".join(map(str, where)))
    assert re.search(rf"assessment\.yaml:\d+:\d+: {path}: ", result.stderr), result.stderr
    assert zh in result.stderr and en in result.stderr, result.stderr


def test_an_unknown_language_key_in_a_narrative_text_is_located(tmp_path: Path) -> None:
    data = _load("shenzhen-ecommerce")
    data["transfers"][0]["retention"] = {"zh": "两年", "en": "two years", "fr": "deux ans"}
    result = run_cli("validate", _write(tmp_path / "f", data))
    assert result.exit_code == 2
    assert re.search(r"assessment\.yaml:\d+:\d+: transfers\.0\.retention\.fr: ", result.stderr), result.stderr


@pytest.mark.parametrize(("field", "value"), [("third_party_role", "律师参与访谈"), ("independent_opinion", True)])
def test_a_third_partys_role_or_opinion_needs_the_third_party_named(tmp_path: Path, field: str, value: Any) -> None:
    data = _load("shenzhen-ecommerce")
    del data["assessment"]["assessor"]["third_party"]
    data["assessment"][field] = value
    result = run_cli("validate", _write(tmp_path / "f", data))
    assert result.exit_code == 2
    text = message("narrative.third_party_unnamed", field=field)
    assert_problem(result.stderr, rf"assessment\.yaml:\d+:\d+: assessment\.{field}", text.zh, text.en)


def test_independent_opinion_is_a_yes_or_no(tmp_path: Path) -> None:
    data = _load("shenzhen-ecommerce")
    data["assessment"]["independent_opinion"] = "yes"
    result = run_cli("validate", _write(tmp_path / "f", data))
    assert result.exit_code == 2
    assert re.search(r"assessment\.yaml:\d+:\d+: assessment\.independent_opinion: ", result.stderr)


def _lacking(output: str) -> list[str]:
    return [m.group(3) for line in output.splitlines() if (m := FILING_LINE.search(line))]


def test_for_filing_lists_what_a_standard_contract_filing_lacks_then_passes_once_given(tmp_path: Path) -> None:
    data = _load("shenzhen-ecommerce")
    folder = _write(tmp_path / "f", data)
    result = run_cli("validate", folder, "--for-filing")
    assert result.exit_code == 1, result.output  # valid input that a filing cannot use yet; not exit 2
    lacking = _lacking(result.stdout)
    served = next(i for i, a in enumerate(data["activities"]) if a["id"] == data["transfers"][0]["activity"])
    expected = (
        ["assessment.team", "assessment.third_party_role"]
        + [f"organisation.{n}" for n in ORG_FIELDS if n != "security_evidence"]  # the SA report's only
        + [f"activities.{served}.safeguards"]
        + [f"transfers.0.{n}" for n in TRANSFER_FIELDS if n != "projection"]
    )
    assert lacking == expected
    assert "sc-annex.pdf" in result.stdout and "21" in result.stdout.splitlines()[-1]
    # each points into the file: a missing key at the object that should hold it
    lines = folder.joinpath("assessment.yaml").read_text(encoding="utf-8").splitlines()
    first = next(m for line in result.stdout.splitlines() if (m := FILING_LINE.search(line)))
    assert lines[int(first.group(1)) - 2] == "assessment:"  # the mapping `assessment.team` belongs in

    _write(tmp_path / "f", _filled(data))
    result = run_cli("validate", folder, "--for-filing")
    assert result.exit_code == 0, result.output
    assert _lacking(result.stdout) == [] and "complete" in result.stdout


def test_for_filing_asks_a_security_assessment_for_its_own_texts(tmp_path: Path) -> None:
    data = _load("guangzhou-hospital-research")
    del data["organisation"]["security_evidence"], data["transfers"][0]["projection"]
    result = run_cli("validate", _write(tmp_path / "f", data, "guangzhou-hospital-research"), "--for-filing")
    assert result.exit_code == 1
    assert _lacking(result.stdout) == [
        "organisation.security_evidence",
        "transfers.0.projection",
        "transfers.0.contract_measures",
    ]
    assert "sa-self-assessment.pdf" in result.stdout and "organisation.contact" not in result.stdout


def test_for_filing_without_a_filing_and_without_the_flag(tmp_path: Path) -> None:
    result = run_cli("validate", EXAMPLES / "shenzhen-bureau-data-sharing", "--for-filing")
    assert result.exit_code == 0, result.output
    assert "nothing to file" in result.stdout and _lacking(result.stdout) == []
    result = run_cli("validate", EXAMPLES / "shenzhen-ecommerce")
    assert result.exit_code == 0 and _lacking(result.stdout) == []  # only asked for


def test_the_editor_schema_describes_every_narrative_field_in_both_languages(tmp_path: Path) -> None:
    out = tmp_path / "assessment.schema.json"
    assert run_cli("schema", "--of", "assessment", "--out", out).exit_code == 0
    defs = json.loads(out.read_text(encoding="utf-8"))["$defs"]
    for model in (Meta, Organisation, Activity, Transfer):
        for name in [*narrative_fields(model), *(["independent_opinion"] if model is Meta else [])]:
            spec = defs[model.__name__]["properties"][name]
            help_ = NARRATIVE_HELP[f"{model.__name__}.{name}"]
            assert spec["description"] == f"{help_.zh} / {help_.en}", name
            assert name not in defs[model.__name__].get("required", [])
    assert {"type": "null"} in defs["Organisation"]["properties"]["shareholding"]["anyOf"]


def test_every_narrative_field_is_checked_at_its_own_path(tmp_path: Path) -> None:
    data = _filled(_load("shenzhen-ecommerce"))
    assert run_cli("validate", _write(tmp_path / "good", data)).exit_code == 0  # every field given well
    paths = []
    for where, model in (("assessment", Meta), ("organisation", Organisation)):
        for name in narrative_fields(model):
            data[where][name] = " "
            paths.append(f"{where}.{name}")
    for key, model in (("activities", Activity), ("transfers", Transfer)):
        for i, item in enumerate(data[key]):
            for name in narrative_fields(model):
                item[name] = {"zh": "\u3000", "en": "ok"}
                paths.append(f"{key}.{i}.{name}")
    result = run_cli("validate", _write(tmp_path / "bad", data))
    assert result.exit_code == 2
    found = re.findall(r"assessment\.yaml:\d+:\d+: (\S+): 叙述内容不能为空", result.stderr)
    assert sorted(found) == sorted(paths)
