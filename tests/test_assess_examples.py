"""End to end on the example assessments: findings, exit codes, determinism, the output contract."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from engine.finding import json_schema
from tests.conftest import EXAMPLES, assert_problem, run_cli

NAMES = sorted(p.name for p in EXAMPLES.iterdir() if (p / "assessment.yaml").is_file())


def _assess(name: str, out: Path, *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = run_cli("assess", EXAMPLES / name, "--out", out, "-q", *extra)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads((out / "findings.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", NAMES)
def test_example_validates_against_schema_and_is_deterministic(name: str, tmp_path: Path) -> None:
    _, doc = _assess(name, tmp_path / "a")
    jsonschema.validate(doc, json_schema())
    _assess(name, tmp_path / "b")
    assert (tmp_path / "a" / "findings.json").read_bytes() == (tmp_path / "b" / "findings.json").read_bytes()
    assert doc["findings"], "an example with no applicable obligation teaches nothing"
    for f in doc["findings"]:
        assert f["citations"], f["id"]
        assert f["title"]["zh"] and f["title"]["en"]
        if f["status"] == "unknown":
            assert f["trace"]["unknown"], f"{f['id']} is unknown but names no missing fact"


def test_shenzhen_ecommerce(tmp_path: Path) -> None:
    code, doc = _assess("shenzhen-ecommerce", tmp_path)
    assert code == 1  # critical and high gaps, default --fail-on high
    (transfer,) = doc["transfers"]
    assert transfer["mechanism"] == "standard_contract_or_certification"
    assert {"instrument": "CBDF-PROVISIONS", "article": 8, "paragraph": 1, "item": None} in [
        {k: c[k] for k in ("instrument", "article", "paragraph", "item")} for c in transfer["citations"]
    ]
    assert doc["pipia_required"]["required"] is True
    items = {(c["article"], c["item"]) for c in doc["pipia_required"]["citations"]}
    assert items == {(55, 1), (55, 2), (55, 3), (55, 4)}
    by_id = {f["id"]: f for f in doc["findings"]}
    sep = by_id["PIPL-29-separate-consent-sensitive@face-login"]
    assert sep["status"] == "gap"
    assert [e["fact"] for e in sep["trace"]["met"]] == ["q.separate_consent_sensitive"]
    assert by_id["PIPL-51-access-training"]["status"] == "waived"
    assert "PIPL-29-separate-consent-sensitive@order-fulfilment" not in by_id  # not applicable: not listed


def test_offshore_saas_unknowns_ask_questions(tmp_path: Path) -> None:
    _, doc = _assess("offshore-saas", tmp_path)
    by_id = {f["id"]: f for f in doc["findings"]}
    officer = by_id["PIPL-52-pi-officer"]
    assert officer["status"] == "unknown"
    assert officer["trace"]["questions"] == ["pi_officer_threshold_reached"]
    assert by_id["PIPL-53-representative"]["status"] == "gap"
    assert doc["transfers"] == []


def test_guangzhou_hospital_research_needs_a_security_assessment(tmp_path: Path) -> None:
    code, doc = _assess("guangzhou-hospital-research", tmp_path)
    assert code == 1  # the export has no security assessment yet: a critical gap
    (transfer,) = doc["transfers"]
    assert transfer["mechanism"] == "security_assessment"
    assert transfer["individuals_sensitive"] >= 10_000 and transfer["individuals_non_sensitive"] == 0
    assert ("CBDF-PROVISIONS", 7, 1) in {(c["instrument"], c["article"], c["paragraph"]) for c in transfer["citations"]}
    by_id = {f["id"]: f for f in doc["findings"]}
    assert by_id["CBDF-7-security-assessment@de-research-partner"]["status"] == "gap"
    assert {(c["article"], c["item"]) for c in doc["pipia_required"]["citations"]} >= {(55, 1), (55, 4)}


def test_fail_on_and_as_of(tmp_path: Path) -> None:
    result = run_cli("assess", EXAMPLES / "shenzhen-ecommerce", "--out", tmp_path / "x", "-q", "--fail-on", "none")
    assert result.exit_code == 0
    _, before = _assess("shenzhen-ecommerce", tmp_path / "y", "--as-of", "2024-01-15")
    assert before["assessment"]["as_of"] == "2024-01-15"
    # CBDF not yet in force: SA-MEASURES art. 4 item 3 decides (150,000 people this year alone reach 100,000)
    (transfer,) = before["transfers"]
    assert transfer["mechanism"] == "security_assessment"
    assert {(c["instrument"], c["article"]) for c in transfer["citations"]} >= {("SA-MEASURES", 4)}
    assert "CBDF-PROVISIONS" not in {c["instrument"] for r in transfer["reasons"] for c in r["citations"]}
    ids = {f["obligation"] for f in before["findings"]}
    assert "CBDF-8-contract-or-certification" not in ids
    _, earlier = _assess("shenzhen-ecommerce", tmp_path / "z", "--as-of", "2022-08-31")
    assert earlier["transfers"][0]["mechanism"] == "undetermined"  # before SA-MEASURES: no thresholds yet


def test_expired_waiver_is_a_gap_again(tmp_path: Path) -> None:
    _, doc = _assess("shenzhen-ecommerce", tmp_path, "--as-of", "2027-04-01")
    finding = next(f for f in doc["findings"] if f["id"] == "PIPL-51-access-training")
    assert finding["status"] == "gap" and finding["waiver"]["expired"] is True


def test_schema_command_exports_the_contract(tmp_path: Path) -> None:
    target = tmp_path / "findings.schema.json"
    assert run_cli("schema", "--out", target).exit_code == 0
    schema = json.loads(target.read_text(encoding="utf-8"))
    assert schema["properties"]["schema_version"]
    assert "Finding" in schema["$defs"]


def test_validate_command(tmp_path: Path) -> None:
    result = run_cli("validate", EXAMPLES / "offshore-saas")
    assert result.exit_code == 0 and "3 项处理活动" in result.stdout and "3 activities" in result.stdout


def test_committed_schema_is_current() -> None:
    """docs/findings.schema.json is what `hegui schema` exports (run `make docs` after changing the contract)."""
    from tests.conftest import ROOT

    committed = json.loads((ROOT / "docs" / "findings.schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema()


def test_internal_errors_exit_3_not_1(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """An engine error surfaces with its traceback and exit 3, never confused with 'gaps found' (1)."""
    import engine.assess
    from engine.cli import INTERNAL_ERROR, main
    from engine.compiler import EngineError

    def broken(*_: object, **__: object) -> None:
        raise EngineError("simulated disagreement")

    monkeypatch.setattr(engine.assess, "assess", broken)
    monkeypatch.setattr(
        "sys.argv", ["hegui", "assess", str(EXAMPLES / "offshore-saas"), "--out", "/nonexistent/x", "-q"]
    )
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code == INTERNAL_ERROR
    assert "simulated disagreement" in capsys.readouterr().err


def _two_transfers(tmp_path: Path, each: int, org_total: int | None = None) -> Path:
    """shenzhen-ecommerce with its Hong Kong transfer split in two of `each` people (CBDF counts per processor)."""
    import copy
    import shutil

    import yaml

    folder = tmp_path / "in"
    shutil.copytree(EXAMPLES / "shenzhen-ecommerce", folder)
    doc = yaml.safe_load((folder / "assessment.yaml").read_text(encoding="utf-8"))
    first = {**doc["transfers"][0], "individuals_non_sensitive": each}
    doc["transfers"] = [first, {**copy.deepcopy(first), "id": "sg-analytics", "destination": "SG"}]
    if org_total is not None:
        doc["organisation"]["outbound_individuals_non_sensitive"] = org_total
    (folder / "assessment.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return folder


@pytest.mark.parametrize(("each", "org_total", "mechanism"), [
    (60_000, None, "standard_contract_or_certification"),  # 120,000 in all: not under 100,000
    (40_000, None, "exempt"),  # 80,000 in all
    (40_000, 150_000, "standard_contract_or_certification"),  # other exports of the processor count too
    (600_000, None, "security_assessment"),  # 1,200,000 in all
])  # fmt: skip
def test_thresholds_count_the_processors_exports_together(
    tmp_path: Path, each: int, org_total: int | None, mechanism: str
) -> None:
    folder = _two_transfers(tmp_path, each, org_total)
    _, doc = _assess(str(folder), tmp_path / "out")
    got = {t["id"]: t["mechanism"] for t in doc["transfers"]}
    assert got == {"hk-parent-crm": mechanism, "sg-analytics": mechanism}
    total = org_total if org_total is not None else 2 * each
    assert {t["processor_total_non_sensitive"] for t in doc["transfers"]} == {total}  # shown in reports


def test_processor_total_below_one_transfer_is_an_input_error(tmp_path: Path) -> None:
    folder = _two_transfers(tmp_path, 60_000, org_total=50_000)
    result = run_cli("assess", folder, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert_problem(
        result.stderr, r"assessment\.yaml:\d+:\d+: organisation\.outbound_individuals_non_sensitive",
        "小于单项出境的 60000 人", "below the 60000 people of one transfer",
    )  # fmt: skip
    assert not (tmp_path / "out").exists()
