"""Waivers (engine/assess.py): reported as `waived`, never hidden; not counted for --fail-on; expiry."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import yaml
from workflow_support import Run, edit

from tests.conftest import assert_problem

WAIVED = "PIPL-51-access-training"


def findings(out: Path) -> dict[str, dict[str, object]]:
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return {f["id"]: f for f in doc["findings"]}


def test_a_waived_gap_is_reported_as_waived_with_its_waiver(hegui: Run, example: Path, tmp_path: Path) -> None:
    result = hegui("assess", example, "--out", tmp_path / "o", "--quiet", "--fail-on", "none")
    assert result.exit_code == 0, result.output
    f = findings(tmp_path / "o")[WAIVED]
    assert f["status"] == "waived"
    assert f["waiver"] == {"reason": f["waiver"]["reason"], "approver": "王敏（首席合规官）",  # type: ignore[index]
                           "expires": "2027-03-31", "expired": False}


def test_a_waived_gap_does_not_count_for_fail_on(hegui: Run, example: Path, tmp_path: Path) -> None:
    assert hegui("assess", example, "-o", tmp_path / "a", "-q", "--fail-on", "low").exit_code == 1
    gaps = sorted(fid for fid, f in findings(tmp_path / "a").items() if f["status"] == "gap")
    assert gaps
    path = example / "assessment.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["waivers"] += [{"finding": fid, "reason": "accepted", "approver": "CCO", "expires": date(2099, 1, 1)}
                        for fid in gaps]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = hegui("assess", example, "-o", tmp_path / "b", "-q", "--fail-on", "low")
    assert result.exit_code == 0, result.output
    after = findings(tmp_path / "b")
    assert sorted(fid for fid, f in after.items() if f["status"] == "waived") == sorted([*gaps, WAIVED])  # none hidden
    data["waivers"].pop()  # one gap no longer waived: it counts again
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert hegui("assess", example, "-o", tmp_path / "c", "-q", "--fail-on", "low").exit_code == 1


def test_an_expired_waiver_leaves_a_gap(hegui: Run, example: Path, tmp_path: Path) -> None:
    result = hegui("assess", example, "-o", tmp_path / "o", "-q", "--fail-on", "none", "--as-of", "2027-04-01")
    assert result.exit_code == 0, result.output
    f = findings(tmp_path / "o")[WAIVED]
    assert f["status"] == "gap"
    assert f["waiver"]["expired"] is True  # type: ignore[index]


def test_a_waiver_naming_no_finding_is_an_input_error(hegui: Run, example: Path, tmp_path: Path) -> None:
    edit(example, f"  - finding: {WAIVED}", "  - finding: PIPL-51-acces-training")
    result = hegui("assess", example, "-o", tmp_path / "o", "-q")
    assert result.exit_code == 2
    where = r"assessment\.yaml:\d+:\d+: waivers\.0\.finding"
    assert_problem(result.stderr, where, "不是本评估的任何发现", "waiver names no finding")
    assert f'did you mean "{WAIVED}"?' in result.stderr  # as for a mistyped dataset id
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()
