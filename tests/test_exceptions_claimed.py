"""Statutory exceptions are claimed, not presumed: an unanswered exception leaves a failed duty a gap
(PIPL arts 18 and 57 para. 2, SZDR art. 15 para. 2), and a claimed one satisfies it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import run_cli

INCIDENT = {
    "id": "crm-leak",
    "occurred": date(2026, 5, 4),
    "individuals_affected": 1200,
    "remedied": True,
    "authority_notified": True,
    "individuals_notified": False,
}


def _run(folder: Path, out: Path, change: Any) -> dict[str, dict[str, Any]]:
    path = folder / "assessment.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = run_cli("assess", folder, "--out", out, "-q", "--fail-on", "none")
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return {f["id"]: f for f in doc["findings"]}


def test_breach_notice_exception_must_be_claimed(example_copy: Any, tmp_path: Path) -> None:
    folder = example_copy("shenzhen-ecommerce")
    silent = _run(folder, tmp_path / "a", lambda d: d.update(incidents=[dict(INCIDENT)]))
    assert silent["PIPL-57-breach"]["status"] == "gap"
    claimed = _run(folder, tmp_path / "b", lambda d: d["incidents"][0].update(harm_avoided=True))
    assert claimed["PIPL-57-breach"]["status"] == "met"


def test_unanswered_notice_exemption_leaves_a_gap(example_copy: Any, tmp_path: Path) -> None:
    folder = example_copy("shenzhen-ecommerce")
    act = "face-login"

    def no_notice(d: dict[str, Any]) -> None:
        answers = next(a for a in d["activities"] if a["id"] == act)["answers"]
        answers["notice_given"] = False
        answers.pop("notice_exemption", None)

    findings = _run(folder, tmp_path / "a", no_notice)
    notice = findings[f"PIPL-17-notice@{act}"]
    assert notice["status"] == "gap"  # not "unknown": the exception was not claimed
    met_trace = {e["fact"]: e["value"] for e in notice["trace"]["met"]}
    assert met_trace == {"q.notice_given": False, "q.notice_exemption": False}  # the claimable exception shows
    assert findings[f"SZDR-14-notice@{act}"]["status"] == "gap"

    def exemption(d: dict[str, Any]) -> None:
        next(a for a in d["activities"] if a["id"] == act)["answers"]["notice_exemption"] = True

    findings = _run(folder, tmp_path / "b", exemption)
    assert findings[f"PIPL-17-notice@{act}"]["status"] == "met"
    assert findings[f"SZDR-14-notice@{act}"]["status"] == "met"  # SZDR art. 15 para. 2


def test_data_incident_report_only_where_the_rules_require_it(example_copy: Any, tmp_path: Path) -> None:
    """DSL art. 29 reports 'as required': a claimed sub-threshold incident needs no report; PIPL art. 57
    still wants every PI incident notified to the regulator."""
    folder = example_copy("shenzhen-ecommerce")
    outage = {**INCIDENT, "id": "ddos", "pi_involved": False, "authority_notified": False}
    silent = _run(folder, tmp_path / "a", lambda d: d.update(incidents=[outage]))
    assert silent["DSL-29-incident-handling"]["status"] == "gap"
    assert "PIPL-57-breach" not in silent  # no PI: no PIPL art. 57 duty
    claimed = _run(folder, tmp_path / "b", lambda d: d["incidents"][0].update(below_reporting_threshold=True))
    assert claimed["DSL-29-incident-handling"]["status"] == "met"


def test_important_data_sharing_is_its_own_input_and_its_exception_is_claimed(
    example_copy: Any, tmp_path: Path
) -> None:
    """NDSMR art. 31: sharing important data (personal or not) needs a risk assessment, unless the
    processor claims a statutory duty; activities that provide important datasets count too."""
    bureau = example_copy("shenzhen-bureau-data-sharing")
    claimed = _run(bureau, tmp_path / "a", lambda d: None)
    assert "NDSMR-31-sharing-risk-assessment" not in claimed  # the example claims its statutory duty

    def unclaimed(d: dict[str, Any]) -> None:
        del d["answers"]["important_data_sharing_statutory"]
        d["answers"]["important_data_sharing_assessment"] = False

    finding = _run(bureau, tmp_path / "b", unclaimed)["NDSMR-31-sharing-risk-assessment"]
    assert finding["status"] == "gap"
    assert ("org.important_data_sharing", ["provides"]) in [
        (e["fact"], e["value"]) for e in finding["trace"]["applies"]
    ]

    shop = example_copy("shenzhen-ecommerce")  # no dataset graded important: only the declared sharing counts
    assert "NDSMR-31-sharing-risk-assessment" not in _run(shop, tmp_path / "c", lambda d: None)
    declared = _run(
        shop, tmp_path / "d", lambda d: d["organisation"].update(important_data_sharing=["joint_processing"])
    )
    assert declared["NDSMR-31-sharing-risk-assessment"]["status"] == "unknown"
