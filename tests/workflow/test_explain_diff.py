"""`hegui explain` and `hegui diff` on real assessments and their findings.json."""

from __future__ import annotations

import json
from pathlib import Path

from workflow_support import Run, edit

from tests.conftest import assert_problem

FINDING = "PIPL-29-separate-consent-sensitive@face-login"


def test_explain_shows_trace_rule_citations_penalties_and_remediation(hegui: Run, example: Path) -> None:
    result = hegui("explain", example, FINDING, "--lang", "en")
    assert result.exit_code == 0, result.output
    out = result.stdout
    for expected in ("Status: gap", "Is separate consent obtained for processing sensitive PI? "
                     "(q.separate_consent_sensitive) = no", "activity.legal_basis = consent",
                     "PIPL art. 29", "PIPL art. 66 para. 1", "Remediation", "Evidence"):
        assert expected in out, expected


def test_explain_reads_a_findings_json_in_chinese(hegui: Run, example: Path, tmp_path: Path) -> None:
    assert hegui("assess", example, "-o", tmp_path / "o", "-q", "--fail-on", "none").exit_code == 0
    edit(example, "      separate_consent_sensitive: false", "      separate_consent_sensitive: true")  # not re-read
    result = hegui("explain", tmp_path / "o" / "findings.json", FINDING)
    assert result.exit_code == 0, result.output
    assert "状态: 差距" in result.stdout and "《个人信息保护法》第二十九条" in result.stdout
    waived = hegui("explain", tmp_path / "o", "PIPL-51-access-training").stdout
    assert "状态: 已豁免" in waived and "豁免：权限复核项目已立项" in waived and "批准人 王敏" in waived


def test_explain_unknown_id_is_exit_2_with_a_suggestion(hegui: Run, example: Path, tmp_path: Path) -> None:
    result = hegui("explain", example, FINDING.replace("login", "logn"))
    assert result.exit_code == 2
    assert_problem(result.stderr, "/shenzhen", f"是否为“{FINDING}”？", f'did you mean "{FINDING}"?')
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    result = hegui("explain", tmp_path / "bad.json", FINDING)
    assert result.exit_code == 2
    assert_problem(result.stderr, r"/bad\.json", "不是有效的 findings.json：assessment：缺少必填字段",
                   "not a valid findings.json: assessment: required field is missing")


def test_diff_reports_new_and_closed_gaps_statuses_and_facts(hegui: Run, example: Path, tmp_path: Path) -> None:
    assert hegui("assess", example, "-o", tmp_path / "old", "-q", "--fail-on", "none").exit_code == 0
    edit(example, "      adm_opt_out: false", "      adm_opt_out: true")
    edit(example, "  internal_pi_policies: true", "  internal_pi_policies: false")
    result = hegui("diff", tmp_path / "old" / "findings.json", example, "--json")
    assert result.exit_code == 0, result.output
    d = json.loads(result.stdout)
    assert "PIPL-51-policies" in [c["id"] for c in d["new_gaps"]]
    assert "PIPL-24-adm-opt-out@personalised-marketing" in [c["id"] for c in d["closed_gaps"]]
    assert all(c["new"] == "gap" and c["old"] != "gap" for c in d["new_gaps"])
    assert all(c["old"] == "gap" and c["new"] != "gap" for c in d["closed_gaps"])
    assert {c["id"] for c in d["new_gaps"] + d["closed_gaps"]} <= {c["id"] for c in d["status_changes"]}
    facts = {(f["subject"], f["fact"], f["old"], f["new"]) for f in d["fact_changes"]}
    assert {f[1] for f in facts} == {"q.internal_pi_policies", "q.adm_opt_out"}
    assert ("org", "q.internal_pi_policies", True, False) in facts
    assert ("personalised-marketing", "q.adm_opt_out", False, True) in facts
    table = hegui("diff", tmp_path / "old", example, "--lang", "en").stdout
    assert f"New gaps ({len(d['new_gaps'])})" in table and f"Closed gaps ({len(d['closed_gaps'])})" in table
    assert "q.adm_opt_out" in table


def test_diff_of_identical_assessments_says_so(hegui: Run, example: Path) -> None:
    result = hegui("diff", example, example, "--lang", "en")
    assert result.exit_code == 0 and "No changes." in result.stdout


def test_diff_reads_last_years_schema_1_0_findings(hegui: Run, example: Path, tmp_path: Path) -> None:
    """A 1.0 findings.json (before the processor totals were reported) still compares with a new one."""
    assert hegui("assess", example, "-o", tmp_path / "old", "-q", "--fail-on", "none").exit_code == 0
    old = tmp_path / "old" / "findings.json"
    doc = json.loads(old.read_text(encoding="utf-8"))
    doc["schema_version"] = "1.0"
    for t in doc["transfers"]:
        del t["processor_total_non_sensitive"], t["processor_total_sensitive"]
    old.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = hegui("diff", old, example, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["new_gaps"] == []
