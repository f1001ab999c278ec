"""`hegui init`: a scaffold with every input field and question that validates once filled in."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from workflow_support import Run

from engine.assessment import Activity, Assessment, Assessor, Incident, Meta, Organisation, Platform, Transfer, Waiver
from engine.inputs import load_assessment
from engine.questions import question_bank
from engine.workflow.scaffold import FIELD_HELP, scaffold

MODELS: list[type[BaseModel]] = [Assessment, Meta, Assessor, Organisation, Platform, Activity, Transfer, Incident,
                                 Waiver]
REQUIRED = {  # what a person fills in: one value for each required field
    ("assessment", "id"): "acme-2026", ("assessment", "title"): "Acme PIPIA",
    ("assessor", "name"): "Li Lei", ("organisation", "name"): "Acme", ("organisation", "ciio"): False,
    ("organisation", "individuals_total"): 1000, ("platform", "registered_users"): 10,
    ("platform", "monthly_active_users"): 5, ("activity", "id"): "crm", ("activity", "name"): "CRM",
    ("activity", "purpose"): "customer service", ("activity", "legal_basis"): "contract_or_hr",
    ("activity", "data_subjects"): ["customers"], ("transfer", "id"): "hq", ("transfer", "recipient"): "HQ",
    ("transfer", "destination"): "SG", ("transfer", "individuals_non_sensitive"): 10,
    ("transfer", "individuals_sensitive"): 0, ("transfer", "important_data"): False,
    ("incident", "id"): "leak", ("incident", "occurred"): date(2026, 1, 5), ("incident", "individuals_affected"): 3,
    ("waiver", "finding"): "PIPL-17-notice@crm", ("waiver", "reason"): "new notice in review",
    ("waiver", "approver"): "CCO", ("waiver", "expires"): date(2027, 1, 1),
}


def fill(data: dict[str, Any]) -> None:
    """Fill the required fields of the scaffold's data in place (as a person would)."""
    a, o = data["assessment"], data["organisation"]
    sections: list[tuple[str, dict[str, Any]]] = [("assessment", a), ("assessor", a["assessor"]), ("organisation", o)]
    if isinstance(o.get("platform"), dict):
        sections.append(("platform", o["platform"]))
    for kind, key in (("activity", "activities"), ("transfer", "transfers"), ("incident", "incidents"),
                      ("waiver", "waivers")):
        sections += [(kind, x) for x in data.get(key) or []]
    for kind, section in sections:
        for key, value in section.items():
            if value is None and (kind, key) in REQUIRED:
                section[key] = REQUIRED[(kind, key)]
    for t in data.get("transfers") or []:
        t["activity"] = "crm"


def test_init_writes_a_scaffold_that_validates_once_required_fields_are_filled(hegui: Run, tmp_path: Path) -> None:
    folder = tmp_path / "new"
    result = hegui("init", folder)
    assert result.exit_code == 0, result.output
    assert (folder / "datasets.yaml").is_file()
    assert hegui("validate", folder).exit_code == 2  # required fields are still null
    path = folder / "assessment.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    fill(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = hegui("validate", folder)
    assert result.exit_code == 0, result.output
    assert "1 activities, 0 datasets, 0 transfers" in result.stdout


def test_commented_examples_are_valid_too_once_filled(tmp_path: Path) -> None:
    data = yaml.safe_load(scaffold(date(2026, 11, 27), live_examples=True))
    fill(data)
    (tmp_path / "assessment.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    loaded = load_assessment(tmp_path)
    a = loaded.assessment
    assert (len(a.activities), len(a.transfers), len(a.incidents), len(a.waivers)) == (1, 1, 1, 1)
    assert a.organisation.platform is not None and a.organisation.platform.registered_users == 10


def test_every_field_and_every_question_is_in_the_scaffold_with_help() -> None:
    text = scaffold(date(2026, 11, 27))
    for model in MODELS:
        for name in model.model_fields:
            assert f"{model.__name__}.{name}" in FIELD_HELP
            assert f" {name}:" in text or text.startswith(f"{name}:") or f"\n{name}:" in text
    for q in question_bank().questions:
        line = next(line for line in text.splitlines() if line.lstrip("# ").startswith(f"{q.id}: null"))
        assert q.text.zh in line and q.text.en in line
    assert set(FIELD_HELP) == {f"{m.__name__}.{n}" for m in MODELS for n in m.model_fields}


def test_init_never_overwrites(hegui: Run, tmp_path: Path) -> None:
    (tmp_path / "assessment.yaml").write_text("keep me\n", encoding="utf-8")
    result = hegui("init", tmp_path)
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert (tmp_path / "assessment.yaml").read_text(encoding="utf-8") == "keep me\n"
