"""`hegui rulebooks lint` catches what would make legal content wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.rulebook import load_rulebooks

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
    ("kwargs", "message"),
    [
        ({"applies": "activity.automated_decison"}, "did you mean 'activity.automated_decision'"),
        ({"applies": 'activity.legal_basis == "agreed"'}, "is not a value of activity.legal_basis"),
        ({"applies": "transfer.important_data"}, "not visible in a activity rule"),
        ({"citation": "PIPL art. 13 para. 1 item 8"}, "has 7 item(s)"),
        ({"citation": "PIPL art. 99"}, "has no article 99"),
        ({"citation": "CSL2016 art. 21", "in_force": "in_force: {from: 2026-01-01}"}, "excludes every date"),
        ({"citation": "INCIDENT-MEASURES art. 4"}, "confidence must be 'secondary'"),
        ({"na": "gap"}, "fixtures missing for not_applicable"),
        ({"na": "maybe"}, "expect must be one of"),
    ],
)
def test_lint_problems(tmp_path: Path, kwargs: dict[str, str], message: str) -> None:
    problems = _lint(tmp_path, **kwargs)
    assert any(message in p for p in problems), problems
    assert all(p.startswith(str(tmp_path / "obligations" / "test.yaml") + ":") for p in problems if "test.yaml" in p)


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
    assert any("did you mean 'transfer.important_data'" in str(p) for p in problems), problems
