"""Cross-border precedence end to end: which volumes the cumulative thresholds count, which exemption
gives way to which stricter rule, and one answer per transfer (CBDF-PROVISIONS arts 3-8, NDSMR arts
35-37, PIPL arts 36 and 38, DSL art. 31)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import run_cli

HR = {
    "id": "hr-payroll",
    "recipient": "Group HR shared-service centre",
    "destination": "SG",
    "individuals_non_sensitive": 80000,
    "individuals_sensitive": 0,
    "important_data": False,
    "purpose": "cross_border_hr",
}


def _edit(folder: Path, change: Any) -> None:
    path = folder / "assessment.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _assess(folder: Path, out: Path) -> dict[str, Any]:
    result = run_cli("assess", folder, "--out", out, "-q", "--fail-on", "none")
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return doc


def _transfers(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["id"]: t for t in doc["transfers"]}


def _findings(doc: dict[str, Any], subject: str) -> dict[str, dict[str, Any]]:
    return {f["obligation"]: f for f in doc["findings"] if f["subject"] == subject}


def test_exempt_exports_are_left_out_of_the_cumulative_counts(example_copy: Any, tmp_path: Path) -> None:
    folder = example_copy("shenzhen-ecommerce")

    def two_transfers(d: dict[str, Any]) -> None:
        d["transfers"][0]["individuals_non_sensitive"] = 60000
        d["transfers"].append(dict(HR))

    _edit(folder, two_transfers)
    doc = _transfers(_assess(folder, tmp_path / "a"))
    assert doc["hr-payroll"]["mechanism"] == "exempt"  # CBDF art. 5 para. 1 item 2
    crm = doc["hk-parent-crm"]
    # 60,000 counted, the 80,000 employees left out: below 100,000, so exempt (art. 5 para. 1 item 4);
    # counting them would give 140,000 and the standard contract
    assert crm["mechanism"] == "exempt"
    assert crm["processor_total_non_sensitive"] == 60000
    counted = crm["reasons"][-1]
    hr, crm_recipient = HR["recipient"], crm["recipient"]
    assert f"left out as made under an exemption: {hr}." in counted["text"]["en"]
    assert f"{crm_recipient} (60000/0)" in counted["text"]["en"] and hr in counted["text"]["zh"]
    assert {(c["article"], c["paragraph"]) for c in counted["citations"]} == {(7, 2), (8, 2)}

    _edit(folder, lambda d: d["transfers"][1].update(purpose="general"))  # no longer exempt: counted
    doc = _transfers(_assess(folder, tmp_path / "b"))
    assert doc["hk-parent-crm"]["mechanism"] == "standard_contract_or_certification"
    assert doc["hk-parent-crm"]["processor_total_non_sensitive"] == 140000


def test_ftz_negative_list_never_exempts_important_data(example_copy: Any, tmp_path: Path) -> None:
    folder = example_copy("shenzhen-ecommerce")

    def ftz(d: dict[str, Any]) -> None:
        d["organisation"]["free_trade_zone"] = True
        d["transfers"][0].update(ftz_negative_list="outside")

    _edit(folder, ftz)
    assert _transfers(_assess(folder, tmp_path / "plain"))["hk-parent-crm"]["mechanism"] == "exempt"
    _edit(folder, lambda d: d["transfers"][0].update(important_data=True))
    doc = _assess(folder, tmp_path / "important")
    assert _transfers(doc)["hk-parent-crm"]["mechanism"] == "security_assessment"
    assert _findings(doc, "hk-parent-crm")["DSL-31-important-data-export"]["status"] == "gap"


def test_state_organ_transfer_has_one_answer(example_copy: Any, tmp_path: Path) -> None:
    folder = example_copy("shenzhen-bureau-data-sharing")
    small = {**HR, "id": "visiting-scholars", "individuals_non_sensitive": 40, "purpose": "general"}
    _edit(folder, lambda d: d.setdefault("transfers", []).append(small))
    doc = _assess(folder, tmp_path / "out")
    transfer = _transfers(doc)["visiting-scholars"]
    assert transfer["mechanism"] == "security_assessment"  # not "exempt" under 100,000 people
    assert ("PIPL", 36) in {(c["instrument"], c["article"]) for c in transfer["citations"]}
    assert _findings(doc, "visiting-scholars")["PIPL-36-state-organ-export"]["status"] == "gap"


def test_a_passed_security_assessment_satisfies_the_contract_tier(example_copy: Any, tmp_path: Path) -> None:
    folder = example_copy("shenzhen-ecommerce")
    _edit(folder, lambda d: d["transfers"][0].update(mechanism_in_place="security_assessment"))
    doc = _assess(folder, tmp_path / "out")
    assert _transfers(doc)["hk-parent-crm"]["mechanism"] == "standard_contract_or_certification"
    assert _findings(doc, "hk-parent-crm")["CBDF-8-contract-or-certification"]["status"] == "met"


def test_identity_numbers_follow_the_law_and_name_the_standards_reading(example_copy: Any, tmp_path: Path) -> None:
    """PIPL art. 28 does not name identity numbers; GB/T 35273-2020 Annex B does: hegui follows the law,
    says what the standard's reading would decide, and applies that reading when the assessment asks."""
    folder = example_copy("shenzhen-ecommerce")
    path = folder / "datasets.yaml"
    inventory = yaml.safe_load(path.read_text(encoding="utf-8"))
    inventory["datasets"][0]["fields"].append({"name": "id_no", "category": "id_card_number"})
    path.write_text(yaml.safe_dump(inventory, allow_unicode=True, sort_keys=False), encoding="utf-8")

    crm = _transfers(_assess(folder, tmp_path / "law"))["hk-parent-crm"]
    assert crm["mechanism"] == "standard_contract_or_certification"  # 150,000 non-sensitive
    note = crm["reasons"][-1]
    assert "GB/T 35273-2020" in note["text"]["en"] and "CAC security assessment" in note["text"]["en"]
    assert "申报数据出境安全评估" in note["text"]["zh"]
    assert [(c["instrument"], c["article"]) for c in note["citations"]] == [("PIPL", 28)]

    _edit(folder, lambda d: d["assessment"].update(id_numbers_sensitive=True))
    doc = _assess(folder, tmp_path / "standard")
    crm = _transfers(doc)["hk-parent-crm"]
    assert crm["mechanism"] == "security_assessment"  # 150,000 people with sensitive PI >= 10,000
    assert crm["processor_total_sensitive"] == 150000 and crm["processor_total_non_sensitive"] == 0
    assert not [r for r in crm["reasons"] if "GB/T 35273" in r["text"]["en"]]
