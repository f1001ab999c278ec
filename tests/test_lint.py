"""`hegui rulebooks lint` catches what would make legal content wrong."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.rulebook import load_rulebooks
from tests.conftest import assert_problem, run_cli

GOOD = """
instrument: PIPL
title: {zh: 测试, en: Test}
obligations:
  - id: PIPL-29-test
    scope: activity
    title: {zh: 标题, en: Title}
    summary: {zh: 摘要, en: Summary}
    citations: [CITATION]
    applies_when: APPLIES
    met_when: q.separate_consent_sensitive
    severity: high
    remediation: {zh: [做], en: [Do]}
    evidence: {zh: [证], en: [Proof]}
    penalties: [PIPL art. 66 para. 1]
    IN_FORCE
    fixtures:
      - {name: "met", facts: {activity.automated_decision: true, q.separate_consent_sensitive: true}, expect: met}
      - {name: "gap", facts: {activity.automated_decision: true, q.separate_consent_sensitive: false}, expect: gap}
      - {name: "na", facts: {activity.automated_decision: false}, expect: NA}
"""


def _lint(
    tmp_path: Path,
    citation: str = "PIPL art. 29",
    applies: str = "activity.automated_decision",
    in_force: str = "",
    na: str = "not_applicable",
) -> list[str]:
    import shutil

    from engine.resources import data_dir

    # the real rulebooks plus one test file: questions' show_if conditions name real derived facts
    shutil.copytree(data_dir("rulebooks") / "obligations", tmp_path / "obligations", dirs_exist_ok=True)
    text = (
        GOOD.replace("CITATION", citation).replace("APPLIES", applies).replace("IN_FORCE", in_force).replace("NA", na)
    )
    (tmp_path / "obligations" / "test.yaml").write_text(text, encoding="utf-8")
    _, problems = load_rulebooks(tmp_path)
    return [str(p) for p in problems]


def test_clean_rule_passes(tmp_path: Path) -> None:
    assert _lint(tmp_path) == []


@pytest.mark.parametrize(
    ("kwargs", "path", "zh", "en"),
    [
        (
            {"applies": "activity.automated_decison"},
            "obligations.0.applies_when",
            "是否为“activity.automated_decision”",
            'did you mean "activity.automated_decision"',
        ),
        (
            {"applies": 'activity.legal_basis == "agreed"'},
            "obligations.0.applies_when",
            "'agreed' 不是 activity.legal_basis 的可选值",
            "is not a value of activity.legal_basis",
        ),
        (
            {"applies": "transfer.important_data"},
            "obligations.0.applies_when",
            "处理活动层级的规则不能使用事实 transfer.important_data",
            "fact transfer.important_data is not visible in activity rules",
        ),
        (
            {"citation": "PIPL art. 13 para. 1 item 8"},
            "obligations.0.citations.0",
            "该款只有 7 项",
            "that paragraph has 7 item(s)",
        ),
        ({"citation": "PIPL art. 99"}, "obligations.0.citations.0", "PIPL 没有第 99 条", "PIPL has no article 99"),
        ({"citation": "PIPL article 9"}, "obligations.0.citations.0", "格式应为", "is not of the form"),
        (
            {"citation": "CSL2016 art. 21", "in_force": "in_force: {from: 2026-01-01}"},
            "obligations.0.in_force",
            "排除了其所引法规生效的全部日期",
            "excludes every date",
        ),
        (
            {"citation": "INCIDENT-MEASURES art. 4"},
            "obligations.0.confidence",
            "二手来源",
            "confidence must be 'secondary'",
        ),
        (
            {"na": "gap"},
            "obligations.0.fixtures",
            "缺少预期结果为 not_applicable 的用例",
            "fixtures missing for not_applicable",
        ),
        ({"na": "maybe"}, "obligations.0.fixtures.2.expect", "expect 须为", "expect must be one of"),
    ],
)
def test_lint_problems(tmp_path: Path, kwargs: dict[str, str], path: str, zh: str, en: str) -> None:
    problems = _lint(tmp_path, **kwargs)
    file = str(tmp_path / "obligations" / "test.yaml")
    assert_problem("\n".join(problems), rf"{re.escape(file)}:\d+:\d+: {re.escape(path)}", zh, en)
    assert all(p.startswith(file + ":") for p in problems if "test.yaml" in p)


def test_problem_names_line_and_column(tmp_path: Path) -> None:
    (problem,) = _lint(tmp_path, citation="PIPL art. 99")
    assert problem.startswith(f"{tmp_path / 'obligations' / 'test.yaml'}:9:17:"), problem


def test_a_derived_fact_that_does_not_parse_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    """Derived facts are ordered into strata after parsing: one whose condition failed must not crash that."""
    _lint(tmp_path)  # copies the real rulebooks next to the test file
    cbdf = tmp_path / "obligations" / "CBDF-PROVISIONS.yaml"
    text = cbdf.read_text(encoding="utf-8")
    broken = 'when: transfer.purpose == "legal_duty" and not transfer.important_data'
    assert broken in text
    cbdf.write_text(text.replace(broken, 'when: transfer.purpose == "legal_duty" and not transfer.important_dat'))
    _, problems = load_rulebooks(tmp_path)
    assert any('did you mean "transfer.important_data"' in str(p) for p in problems), problems


def test_lint_command_prints_problems_in_both_languages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real command over rulebooks holding one broken rule: each problem and the count read `中文 / English`."""
    import engine.rulebook

    _lint(tmp_path, citation="PIPL art. 99")  # the real rulebooks plus a rule citing an article PIPL lacks
    real = engine.rulebook.load_rulebooks
    monkeypatch.setattr(engine.rulebook, "load_rulebooks", lambda: real(tmp_path))
    result = run_cli("rulebooks", "lint")
    assert result.exit_code == 2, result.output
    where = rf"{re.escape(str(tmp_path / 'obligations' / 'test.yaml'))}:9:17: obligations\.0\.citations\.0"
    zh, en = "PIPL-29-test 的引用有误：PIPL 没有第 99 条", "PIPL-29-test: PIPL has no article 99"
    assert_problem(result.stderr, where, zh, en)
    assert result.stderr.splitlines()[-1] == "共 1 个问题 / 1 problem(s)"


def test_lint_command_ok_line_in_both_languages() -> None:
    result = run_cli("rulebooks", "lint")
    assert result.exit_code == 0, result.output
    line = result.stdout.strip()
    assert re.fullmatch(
        r"规则库 (\S+) 检查通过：(\d+) 项义务，(\d+) 个派生事实，(\d+) 个决策表，(\d+) 个义务用例 / "
        r"OK rulebooks \1: \2 obligations, \3 derived facts, \4 decisions, \5 obligation fixtures",
        line,
    ), line
