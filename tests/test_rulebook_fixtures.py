"""The one generic runner: every fixture beside every rule, through the real durable-rules engine."""

from __future__ import annotations

import pytest

from engine.fixtures import Case, cases, run_case

CASES = list(cases())


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case: Case) -> None:
    assert run_case(case) == case.fixture.expect, f"{case.file}: {case.id}"


def test_packaged_rulebooks_lint_clean() -> None:
    from engine.rulebook import load_rulebooks

    _, problems = load_rulebooks()
    assert [str(p) for p in problems] == []
