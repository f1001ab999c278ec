"""Saving answers into assessment.yaml changes only the answer, never the rest of the user's file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from workflow_support import EXAMPLE

from engine.errors import InputError
from engine.inputs import load_assessment
from engine.workflow.answers import Answer, scalar, set_answer, write_answers
from engine.yamlsafe import loads


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    import difflib

    ops = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines()).get_opcodes()
    a, b = before.splitlines(), after.splitlines()
    return [("\n".join(a[i1:i2]), "\n".join(b[j1:j2])) for tag, i1, i2, j1, j2 in ops if tag != "equal"]


def test_replacing_and_adding_answers_touches_only_those_lines(tmp_path: Path) -> None:
    text = (EXAMPLE / "assessment.yaml").read_text(encoding="utf-8")
    after = text
    for answer in [Answer("org", "org", "pi_classified", False),
                   Answer("activity", "face-login", "guardian_consent", True),
                   Answer("transfer", "hk-parent-crm", "transfer_notice", None)]:
        after = set_answer(after, answer, "assessment.yaml")
    assert changed_lines(text, after) == [
        ("  pi_classified: true", "  pi_classified: false"),
        ("", "      guardian_consent: true"),
        ("      transfer_notice: true", "      transfer_notice: null"),
    ]
    (tmp_path / "assessment.yaml").write_text(after, encoding="utf-8")
    for extra in ("datasets.yaml",):
        (tmp_path / extra).write_bytes((EXAMPLE / extra).read_bytes())
    loaded = load_assessment(tmp_path)
    assert loaded.assessment.answers["pi_classified"] is False
    assert loaded.assessment.activities[0].answers["guardian_consent"] is True
    assert loaded.assessment.transfers[0].answers["transfer_notice"] is None


def test_missing_and_flow_style_answer_blocks() -> None:
    text = ("activities:\n  - id: a  # first\n    answers: {}\n  - id: b\n    purpose: p  # keep\n\n"
            "# trailing comment\ntransfers: []\n")
    text = set_answer(text, Answer("activity", "a", "x", "it's: ok"), "f")
    text = set_answer(text, Answer("activity", "b", "y", ["one", "two"]), "f")
    text = set_answer(text, Answer("org", "org", "z", date(2026, 1, 2)), "f")
    assert text == ("activities:\n  - id: a  # first\n    answers: {x: 'it''s: ok'}\n"
                    "  - id: b\n    purpose: p  # keep\n    answers:\n      y: [one, two]\n\n"
                    "# trailing comment\ntransfers: []\nanswers:\n  z: 2026-01-02\n")
    with pytest.raises(InputError, match=r"^f: activities: 没有编号为 'c' 的处理活动 / no activity with id 'c'$"):
        set_answer(text, Answer("activity", "c", "x", True), "f")
    with pytest.raises(InputError, match=r"^f:1:1: 无法在流式 \{…\} 映射中添加 answers；请改写为块格式 / cannot add"):
        set_answer("{assessment: {}}\n", Answer("org", "org", "x", True), "f")


@given(st.one_of(st.booleans(), st.integers(-10**12, 10**12), st.dates(),
                 st.text(st.characters(exclude_categories=["Cs", "Cc"], exclude_characters="\u2028\u2029\ufeff")),
                 st.lists(st.text(st.characters(categories=("L", "N", "P", "Zs")), min_size=1), max_size=4)))
@example("\u3000")  # an ideographic space at an end: once stripped by the writer, read back as null
@example("备注\xa0")
@example("tab\tand\nnewline")  # the only control characters an input may hold
def test_any_answer_value_reads_back_as_written(value: object) -> None:
    text = set_answer("answers:\n  a: 1  # note\n", Answer("org", "org", "a", value), "f")
    assert loads(text, "f").data == {"answers": {"a": value}}
    assert text.endswith("  # note\n") and scalar(value) in text


def test_write_answers_is_atomic_and_complete(tmp_path: Path) -> None:
    path = tmp_path / "assessment.yaml"
    path.write_text("answers:\n  a: 1\n", encoding="utf-8")
    write_answers(path, [Answer("org", "org", "a", 2), Answer("org", "org", "b", True)])
    assert path.read_text(encoding="utf-8") == "answers:\n  a: 2\n  b: true\n"
    assert [p.name for p in tmp_path.iterdir()] == ["assessment.yaml"]
