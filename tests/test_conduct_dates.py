"""The law of the conduct: an incident is judged by the rules in force when it occurred, whatever the
as-of date (the incident-reporting measures' hours only for incidents from their entry into force)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine import citation
from tests.conftest import run_cli


@pytest.mark.parametrize(("occurred", "hours_rule"), [(-1, False), (0, True)])
def test_incident_reporting_hours_follow_the_incident_date(
    example_copy: Any, tmp_path: Path, occurred: int, hours_rule: bool
) -> None:
    start = citation.in_force_window("INCIDENT-MEASURES")[0]
    day = date.fromordinal(start.toordinal() + occurred)
    folder = example_copy("shenzhen-ecommerce")
    path = folder / "assessment.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    incident = {"id": "big-leak", "occurred": day, "individuals_affected": 2_000_000, "remedied": True}
    data["incidents"] = [incident]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = run_cli("assess", folder, "--out", tmp_path / "out", "-q", "--fail-on", "none")
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    ids = {f["obligation"] for f in doc["findings"]}
    assert ("INCIDENT-4-other-4h" in ids) is hours_rule
    assert "PIPL-57-breach" in ids and "CSL-27-incident-response" in ids  # the duties then in force


@pytest.mark.parametrize(
    ("occurred", "duty", "penalty"),
    [(date(2025, 12, 31), ("CSL2016", 25), ("CSL2016", 59)), (date(2026, 1, 1), ("CSL2025", 27), ("CSL2025", 61))],
)
def test_csl_version_of_the_incident_date(
    example_copy: Any, tmp_path: Path, occurred: date, duty: tuple[str, int], penalty: tuple[str, int]
) -> None:
    """Assessed on the same as-of date (2026), an incident is cited and penalised under the CSL text in
    force when it occurred: the 2016 text until 2025-12-31, the amended one from 2026-01-01."""
    folder = example_copy("shenzhen-ecommerce")
    path = folder / "assessment.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["incidents"] = [{"id": "outage", "occurred": occurred, "individuals_affected": 10, "remedied": False}]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = run_cli("assess", folder, "--out", tmp_path / "out", "-q", "--fail-on", "none")
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    finding = next(f for f in doc["findings"] if f["obligation"] == "CSL-27-incident-response")
    assert [(c["instrument"], c["article"]) for c in finding["citations"]] == [duty]
    assert penalty in [(c["instrument"], c["article"]) for c in finding["penalties"]]
    assert {c["instrument"] for c in finding["citations"] + finding["penalties"]} <= {duty[0]}
