"""`hegui init`: a short scaffold of the required fields that a person reads, fills in and assesses."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from workflow_support import Run

from engine.assessment import Activity, Assessment, Assessor, Incident, Meta, Organisation, Platform, Transfer, Waiver
from engine.dataset import DataField, Dataset
from engine.i18n import both
from engine.workflow.scaffold import FIELD_HELP, WIDTH, scaffold

MODELS: list[type[BaseModel]] = [
    Assessment,
    Meta,
    Assessor,
    Organisation,
    Platform,
    Activity,
    Transfer,
    Incident,
    Waiver,
    Dataset,
    DataField,
]
VALUES = {  # what a person fills in, by field name
    "id": "acme-2026",
    "title": "Acme PIPIA",
    "name": "Acme",
    "ciio": False,
    "individuals_total": 1000,
    "purpose": "customer service",
    "legal_basis": "contract_or_hr",
    "data_subjects": ["customers"],
}
PROBLEM = re.compile(r"assessment\.yaml:\d+:\d+: (\S+): (.*)$")


def nulls(data: Any, path: str = "") -> list[str]:
    """Dotted paths of the values left null."""
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in nulls(v, f"{path}.{k}" if path else str(k))]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in nulls(v, f"{path}.{i}")]
    return [path] if data is None else []


def fill(data: Any) -> None:
    """Replace every null with a value, as a person would."""
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else []
    for key, value in list(items):
        if value is None:
            data[key] = VALUES[key]
        else:
            fill(value)


def test_init_validates_to_the_fields_to_fill_in_then_assesses_once_filled(hegui: Run, tmp_path: Path) -> None:
    folder = tmp_path / "new"
    result = hegui("init", folder)
    assert result.exit_code == 0, result.output
    assert (folder / "datasets.yaml").is_file()
    path = folder / "assessment.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    left = nulls(data)
    assert "assessment.id" in left and "activities.0.legal_basis" in left
    result = hegui("validate", folder)
    assert result.exit_code == 2
    problems = [m.groups() for line in result.stderr.splitlines() if (m := PROBLEM.search(line))]
    assert sorted(p for p, _ in problems) == sorted(left)  # exactly one problem per null, nothing else
    assert {why for _, why in problems} == {both("pydantic.not_filled")}

    fill(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = hegui("validate", folder)
    assert result.exit_code == 0, result.output
    assert "1 activities, 0 datasets, 0 transfers" in result.stdout
    result = hegui("assess", folder, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "findings.json").is_file()


def test_the_scaffold_is_short_and_readable() -> None:
    text = scaffold(date(2026, 11, 27))
    lines = text.splitlines()
    assert len(text.encode()) < 5000 and len(lines) < 80
    assert max(len(line) for line in lines) <= WIDTH
    for pointer in ("hegui questionnaire .", "hegui schema --of assessment", "docs/workflow.md"):
        assert any(line.startswith("#") and pointer in line for line in lines), pointer
    assert "answers:" not in text and "transfers:" not in text  # everything optional is left to those
    assert "  as_of: 2026-11-27" in lines


def test_each_required_field_has_its_zh_and_en_help_above_it() -> None:
    lines = scaffold(date(2026, 11, 27)).splitlines()
    fields = [(i, m.group(1)) for i, line in enumerate(lines) if (m := re.match(r"^[ -]*(\w+):", line))]
    expected = [
        (Assessment, "assessment"),
        (Meta, "id"),
        (Meta, "title"),
        (Meta, "assessor"),
        (Assessor, "name"),
        (Meta, "as_of"),
        (Assessment, "organisation"),
        (Organisation, "name"),
        (Organisation, "ciio"),
        (Organisation, "individuals_total"),
        (Assessment, "activities"),
        (Activity, "id"),
        (Activity, "name"),
        (Activity, "purpose"),
        (Activity, "legal_basis"),
        (Activity, "data_subjects"),
    ]
    assert [name for _, name in fields] == [name for _, name in expected]
    for (i, name), (model, _) in zip(fields, expected, strict=True):
        above = []
        while lines[i - 1].lstrip().startswith("#"):
            i -= 1
            above.insert(0, lines[i].strip().removeprefix("# "))
        help_ = FIELD_HELP[f"{model.__name__}.{name}"]
        assert help_.zh in "".join(above) and help_.en in " ".join(above), (name, above)
    assert "consent | contract_or_hr" in "\n".join(lines)  # allowed values listed


def test_every_field_has_help() -> None:
    assert set(FIELD_HELP) == {f"{m.__name__}.{n}" for m in MODELS for n in m.model_fields}


def test_init_never_overwrites(hegui: Run, tmp_path: Path) -> None:
    (tmp_path / "assessment.yaml").write_text("keep me\n", encoding="utf-8")
    result = hegui("init", tmp_path)
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert (tmp_path / "assessment.yaml").read_text(encoding="utf-8") == "keep me\n"
