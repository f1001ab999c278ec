"""Rulebook tools: coverage, generated docs, and the quick transfer decision."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, assert_problem, run_cli


def test_coverage_json_lists_every_instrument() -> None:
    result = run_cli("rulebooks", "coverage", "--json")
    assert result.exit_code == 0
    data = {row["instrument"]: row for row in json.loads(result.stdout)}
    assert {"PIPL", "DSL", "CSL2016", "CSL2025", "NDSMR", "CBDF-PROVISIONS"} <= set(data)
    for row in data.values():
        assert row["encoded"] <= row["obligation_articles"]


def test_generated_docs_are_current(tmp_path: Path) -> None:
    """docs/rules is generated from the rulebooks; regenerate with `hegui rulebooks docs`."""
    assert run_cli("rulebooks", "docs", "--out", tmp_path).exit_code == 0
    committed = ROOT / "docs" / "rules"
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(p.name for p in committed.iterdir())
    for name in names:
        assert (tmp_path / name).read_text(encoding="utf-8") == (committed / name).read_text(encoding="utf-8"), name


@pytest.mark.parametrize(
    ("args", "mechanism"),
    [
        (["--non-sensitive", "99999"], "exempt"),
        (["--non-sensitive", "100000"], "standard_contract_or_certification"),
        (["--non-sensitive", "999999"], "standard_contract_or_certification"),
        (["--non-sensitive", "1000000"], "security_assessment"),
        (["--sensitive", "9999"], "standard_contract_or_certification"),
        (["--sensitive", "10000"], "security_assessment"),
        (["--ciio", "--non-sensitive", "1"], "security_assessment"),
        (["--important-data", "--purpose", "cross_border_hr", "--non-sensitive", "5"], "security_assessment"),
        (["--purpose", "contract_with_individual", "--non-sensitive", "5000000"], "exempt"),
        (["--free-trade-zone", "--ftz-outside-list", "--non-sensitive", "5000000"], "exempt"),
        (["--destination", "CN", "--non-sensitive", "5000000"], "not_a_transfer"),
        (["--non-sensitive", "500000", "--as-of", "2024-03-21"], "undetermined"),
        (["--ciio", "--purpose", "legal_duty", "--non-sensitive", "5000000"], "exempt"),  # NDSMR art. 35(1)(6)
        (["--important-data", "--purpose", "legal_duty", "--non-sensitive", "5"], "security_assessment"),
    ],
)
def test_transfer_command(args: list[str], mechanism: str) -> None:
    result = run_cli("transfer", "--json", *args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["mechanism"] == mechanism
    if mechanism not in ("not_a_transfer", "undetermined"):
        assert data["reasons"][0]["citations"], data


def test_legal_duty_case_is_refused_before_ndsmr() -> None:
    result = run_cli("transfer", "--json", "--purpose", "legal_duty", "--non-sensitive", "5", "--as-of", "2024-12-31")
    assert result.exit_code == 2
    assert_problem(result.stderr, "--purpose", "自 2025-01-01 起施行", "in force from 2025-01-01")


def test_transfer_exempt_still_lists_duties() -> None:
    data = json.loads(run_cli("transfer", "--json", "--non-sensitive", "10").stdout)
    duties = {d["id"] for d in data["duties"]}
    assert {"PIPL-39-transfer-notice", "PIPL-55-pipia-transfer"} <= duties


def test_transfer_bad_destination() -> None:
    result = run_cli("transfer", "--destination", "Hong Kong")
    assert result.exit_code == 2 and "--destination" in result.stderr


def test_transfer_command_offers_every_transfer_purpose() -> None:
    """`hegui transfer --purpose` (a typer choice) and the input model's TransferPurpose stay one list."""
    from engine.assessment import TransferPurpose
    from engine.cli import Purpose

    assert [p.value for p in Purpose] == list(TransferPurpose.__args__)  # type: ignore[attr-defined]
