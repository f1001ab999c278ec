"""The remediation plan: remediation.yaml validated and located, plans in findings.json, dependency order, lint."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from engine.assess import assess
from engine.inputs import load_assessment
from engine.remediation import ordered
from engine.render.view import actions
from engine.resources import data_dir
from engine.rulebook import load_rulebooks
from tests.conftest import assert_problem, run_cli

Copy = Callable[[str], Path]


def test_prerequisites_come_first_and_ties_break_by_id() -> None:
    keys = {"c": (2,), "a": (2,), "b": (1,), "d": (3,)}
    assert ordered(keys, {}) == ["b", "a", "c", "d"]
    assert ordered(keys, {"b": ["d"], "a": ["c"]}) == ["d", "b", "c", "a"]


def test_a_prerequisite_is_as_urgent_as_what_waits_for_it() -> None:
    """A low-priority first step of a critical action goes before unrelated medium ones, not after them."""
    keys = {"critical": (1,), "first-step": (4,), "medium-1": (3,), "medium-2": (3,)}
    assert ordered(keys, {"critical": ["first-step"]}) == ["first-step", "critical", "medium-1", "medium-2"]
    with pytest.raises(ValueError, match="cycle"):
        ordered({"x": (1,), "y": (1,)}, {"x": ["y"], "y": ["x"]})


def test_the_renewal_follows_the_application(example_copy: Copy) -> None:
    """A security-assessment export: the application comes before planning its renewal, in findings.json too."""
    folder = example_copy("shenzhen-ecommerce")
    path = folder / "assessment.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("    important_data: false\n") == 1
    path.write_text(text.replace("    important_data: false\n", "    important_data: true\n"), encoding="utf-8")
    doc = assess(load_assessment(folder))
    (transfer,) = doc.transfers
    assert transfer.mechanism == "security_assessment"
    tasks = {t.id: t for t in transfer.tasks}
    assert tasks["sa-renew"].plan is not None and tasks["sa-renew"].plan.after == ["hk-parent-crm#sa-apply"]
    numbers = {a.ref: a for a in actions(doc, {})}
    apply, renew = numbers["hk-parent-crm#sa-apply"], numbers["hk-parent-crm#sa-renew"]
    assert apply.number < renew.number and apply.number in renew.after
    # the self-assessment's legal documents (SA-MEASURES art. 9) come before the application, where open
    legal = [a for ref, a in numbers.items() if ref.startswith("SA-9-legal-document@")]
    assert all(a.number in apply.after and a.number < apply.number for a in legal)


def test_plan_entries_reach_findings_json(example_copy: Copy, tmp_path: Path) -> None:
    """An obligation id plans each of its findings; a finding's own entry wins; unplanned met findings have none."""
    folder = example_copy("shenzhen-ecommerce")
    (folder / "remediation.yaml").write_text(
        "actions:\n"
        "  - action: PIPL-55-pipia\n    owner: DPO office\n    priority: 1\n"
        "  - action: PIPL-55-pipia@face-login\n    owner: Zhang Wei\n    due: 2026-06-01\n    status: done\n",
        encoding="utf-8",
    )
    result = run_cli("assess", folder, "--out", tmp_path / "out", "--format", "json", "-q", "--fail-on", "none")
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert doc["schema_version"] == "1.3"
    status = {f["id"]: f["status"] for f in doc["findings"]}
    plans = {f["id"]: f["plan"] for f in doc["findings"]}
    assert status["PIPL-55-pipia@personalised-marketing"] == "gap"
    assert plans["PIPL-55-pipia@personalised-marketing"] == {
        "owner": "DPO office",
        "due": None,
        "status": "open",
        "priority": 1,
        "overdue": False,
        "after": [],
    }
    assert status["PIPL-55-pipia@face-login"] == "met"
    assert plans["PIPL-55-pipia@face-login"] == {
        "owner": "Zhang Wei",
        "due": "2026-06-01",
        "status": "done",
        "priority": 2,
        "overdue": False,
        "after": [],
    }
    assert plans["PIPL-55-pipia@order-fulfilment"]["owner"] == "DPO office"
    # an open finding without an entry: open, priority from its severity, its prerequisites from the rulebooks
    assert plans["PIPL-29-separate-consent-sensitive@face-login"] == {
        "owner": None,
        "due": None,
        "status": "open",
        "priority": 2,
        "overdue": False,
        "after": ["PIPL-30-sensitive-notice@face-login"],
    }
    unplanned_met = [fid for fid, s in status.items() if s == "met" and not fid.startswith("PIPL-55-pipia@")]
    assert unplanned_met and all(plans[fid] is None for fid in unplanned_met)


def test_a_changed_plan_changes_the_input_hash(example_copy: Copy) -> None:
    """Batch runs are incremental by input hash: a new owner or status must re-render the checklist."""
    folder = example_copy("offshore-saas")
    before = load_assessment(folder).input_hash
    (folder / "remediation.yaml").write_text("actions: []\n", encoding="utf-8")
    assert load_assessment(folder).input_hash != before


def test_invalid_plan_entries_exit_2_with_their_location(example_copy: Copy, tmp_path: Path) -> None:
    folder = example_copy("shenzhen-ecommerce")
    plan = folder / "remediation.yaml"
    plan.write_text(
        "actions:\n"
        "  - action: PIPL-55-pipia-transfer@hk-parent-crm\n"
        "    due: 2026-13-45\n"
        "    status: finished\n"
        "    priority: 7\n"
        "    owners: Li Na\n",
        encoding="utf-8",
    )
    result = run_cli("assess", folder, "--out", tmp_path / "out")
    assert result.exit_code == 2, result.output
    file = re.escape(str(plan))
    assert_problem(result.stderr, rf"{file}:3:10: actions\.0\.due", "不是有效的日期", "is not a valid date")
    assert_problem(result.stderr, rf"{file}:4:13: actions\.0\.status", "应为以下值之一", "'accepted_risk'")
    assert_problem(result.stderr, rf"{file}:5:15: actions\.0\.priority", "应小于或等于 4", "less than or equal to 4")
    assert_problem(result.stderr, rf"{file}:6:13: actions\.0\.owners", "是否为“owner”", 'did you mean "owner"')
    assert not (tmp_path / "out").exists(), "nothing written"


def test_an_unknown_action_gets_did_you_mean(example_copy: Copy) -> None:
    folder = example_copy("shenzhen-ecommerce")
    plan = folder / "remediation.yaml"
    plan.write_text(
        "actions:\n"
        "  - action: PIPL-30-sensitive-notice@face-logn\n"
        "  - action: hk-parent-crm#sc-sign-fil\n"
        "  - action: PIPL-17-notice@face-login\n"
        "  - action: PIPL-17-notice@face-login\n",
        encoding="utf-8",
    )
    result = run_cli("validate", folder)
    assert result.exit_code == 2, result.output
    file = re.escape(str(plan))
    assert_problem(
        result.stderr,
        rf"{file}:2:13: actions\.0\.action",
        "是否为“PIPL-30-sensitive-notice@face-login”",
        'did you mean "PIPL-30-sensitive-notice@face-login"',
    )
    assert_problem(
        result.stderr, rf"{file}:3:13: actions\.1\.action", "sc-sign-file", 'did you mean "hk-parent-crm#sc-sign-file"'
    )
    assert_problem(
        result.stderr, rf"{file}:5:13: actions\.3\.action", "已在 actions.2 中安排", "already planned in actions.2"
    )


def test_a_plan_that_is_not_a_mapping(example_copy: Copy) -> None:
    folder = example_copy("offshore-saas")
    (folder / "remediation.yaml").write_text("- PIPL-17-notice\n", encoding="utf-8")
    result = run_cli("validate", folder)
    assert result.exit_code == 2
    assert_problem(result.stderr, r"remediation\.yaml:1:1: \(top\)", "actions 列表", "a mapping with an actions list")


def _rulebooks_with(tmp_path: Path, file: str, old: str, new: str) -> list[str]:
    shutil.copytree(data_dir("rulebooks") / "obligations", tmp_path / "obligations")
    path = tmp_path / "obligations" / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    _, problems = load_rulebooks(tmp_path)
    return [str(p) for p in problems]


def test_lint_refuses_a_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PIPL-14 comes after PIPL-17 and PIPL-15 after PIPL-14: making PIPL-17 wait for PIPL-15 closes a loop."""
    import engine.rulebook

    notice = "  - id: PIPL-17-notice\n"
    problems = _rulebooks_with(tmp_path, "PIPL.yaml", notice, notice + "    after: [PIPL-15-withdrawal]\n")
    assert len(problems) == 1 and "has a cycle" in problems[0], problems
    real = engine.rulebook.load_rulebooks
    monkeypatch.setattr(engine.rulebook, "load_rulebooks", lambda: real(tmp_path))
    result = run_cli("rulebooks", "lint")
    assert result.exit_code == 2, result.output
    assert_problem(result.stderr, r"PIPL\.yaml:\d+:\d+: obligations\.\d+\.after", "整改顺序存在循环依赖", "has a cycle")
    assert re.search(r"PIPL-1[457]-\S+ -> PIPL-1[457]-\S+ -> PIPL-1[457]-\S+ -> PIPL-1[457]-", result.stderr)


def test_lint_refuses_unknown_and_out_of_scope_names(tmp_path: Path) -> None:
    problems = _rulebooks_with(
        tmp_path,
        "CBDF-PROVISIONS.yaml",
        "- id: cert-renew\n            after: [sc-sign-file]",
        "- id: cert-renew\n            after: [sc-sign-fil]",
    )
    assert_problem(
        "\n".join(problems),
        r"CBDF-PROVISIONS\.yaml:\d+:\d+: decisions\.0\.outcomes\.\d+\.tasks\.2\.after\.0",
        "不是义务",
        'did you mean "sc-sign-file"',
    )
    scope = _rulebooks_with(tmp_path / "scope", "CSL.yaml", "after: [CSL-27-incident-plan]", "after: [PIPL-17-notice]")
    assert_problem("\n".join(scope), r"CSL\.yaml:\d+:\d+: obligations\.\d+\.after\.0", "只能指向同一层级", "same scope")


def test_schema_of_the_plan_file() -> None:
    result = run_cli("schema", "--of", "remediation")
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    entry = schema["$defs"]["PlanEntry"]
    assert entry["properties"]["status"]["enum"] == ["open", "in_progress", "done", "accepted_risk"]
    assert entry["additionalProperties"] is False and entry["required"] == ["action"]
    assert "责任人" in entry["properties"]["owner"]["description"]
