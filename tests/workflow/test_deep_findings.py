"""`explain` and `diff` on a findings.json nested absurdly deep: exit 2 with a short bilingual message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from workflow_support import Run

from engine.workflow.findings import MAX_DEPTH
from tests.conftest import assert_problem


@pytest.fixture
def findings(hegui: Run, example: Path, tmp_path: Path) -> Path:
    assert hegui("assess", example, "-o", tmp_path / "o", "-q", "--fail-on", "none").exit_code == 0
    return tmp_path / "o" / "findings.json"


def deep_trace(findings: Path, levels: int) -> Path:
    """The real findings with one trace entry derived through `levels` more (a valid document otherwise)."""
    doc = json.loads(findings.read_text(encoding="utf-8"))
    entry: dict[str, object] = {"fact": "org.ciio", "value": True, "test": "org.ciio", "because": []}
    top = entry
    for _ in range(levels):
        inner: dict[str, object] = {"fact": "org.ciio", "value": True, "test": "org.ciio", "because": []}
        entry["because"] = [inner]
        entry = inner
    doc["findings"][0]["trace"]["applies"] = [top]
    path = findings.parent / f"deep-{levels}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["explain", "diff"])
def test_100000_nested_lists(hegui: Run, findings: Path, command: str) -> None:
    deep = findings.parent / "lists.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    args = [deep, "PIPL-13-legal-basis"] if command == "explain" else [deep, findings]
    result = hegui(command, *args)
    assert result.exit_code == 2, result.output
    assert_problem(result.stderr, "/lists.json", f"嵌套层数过多（超过 {MAX_DEPTH} 层）", "nested too deeply")


def test_a_trace_deeper_than_the_limit_is_refused_and_one_within_it_read(hegui: Run, findings: Path) -> None:
    result = hegui("diff", findings, deep_trace(findings, 300))
    assert result.exit_code == 2
    assert_problem(result.stderr, "/deep-300.json", "嵌套层数过多", f"more than {MAX_DEPTH} levels")
    assert len(result.stderr) < 500  # one short line, not a dotted path hundreds of levels long
    assert hegui("diff", findings, deep_trace(findings, 10), "--json").exit_code == 0
