"""`hegui questionnaire` in a real pseudo-terminal: show_if, validation, help, save after each answer, resume."""

from __future__ import annotations

import os
import shutil
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pexpect
import pytest
import yaml
from workflow_support import EXAMPLES, edit

from engine.assess import assess
from engine.inputs import load_assessment
from engine.narrative import missing
from engine.questions import Question, question_bank
from engine.workflow.answers import write_answers
from engine.workflow.questionnaire import coerce, slots

QUESTION_CLASSIFIED = "Is personal information managed by classification?"
QUESTION_THRESHOLD = "Does the volume of PI processed reach the number the CAC sets"
QUESTION_APPOINTED = "Has a PI protection officer been appointed"
QUESTION_RETENTION = "Is PI kept only for the shortest time the purpose needs"


def spawn(folder: Path, menu: bool = True) -> pexpect.spawn:
    """The questionnaire on a complete assessment; past the menu of activities, datasets and transfers."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "250"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "engine.workflow", "questionnaire", str(folder), "--lang", "en"],
        env=env,
        dimensions=(50, 250),
        encoding="utf-8",
        timeout=60,
    )
    if menu:
        child.expect("Enter: go on to the questions that apply")
        child.expect("→ ")
        child.sendline("")
    return child


def answers(folder: Path) -> str:
    return (folder / "assessment.yaml").read_text(encoding="utf-8")


def answer_all_but(folder: Path, keep_open: set[tuple[str, str, str]]) -> None:
    """Answer every question that applies (so the bank may grow) except those the test asks itself."""
    while True:
        todo = [
            s
            for s in slots(load_assessment(folder))
            if s.value is None and s.shown is not False and s.key not in keep_open
        ]
        if not todo:
            return
        write_answers(folder / "assessment.yaml", [s.answer(valid(s.question)) for s in todo])


def valid(q: Question) -> Any:
    return {"bool": True, "int": q.min or 0, "text": "n/a", "date": date(2026, 1, 1)}.get(
        q.type, [q.options[0].value] if q.type == "multi" else q.options[0].value if q.options else None
    )


def test_questionnaire_asks_what_applies_saves_each_answer_and_resumes(example: Path) -> None:
    for line in (
        "  pi_classified: true\n",
        "  pi_officer_threshold_reached: true\n",
        "  pi_officer_appointed: true\n",
        "      no_service_refusal: true\n      retention_minimum: true\n",
    ):
        edit(example, line, "      no_service_refusal: true\n" if "no_service" in line else "")
    answer_all_but(
        example,
        {
            ("org", "org", "pi_classified"),
            ("org", "org", "pi_officer_threshold_reached"),
            ("org", "org", "pi_officer_appointed"),
            ("activity", "face-login", "retention_minimum"),
        },
    )
    child = spawn(example)
    child.expect(QUESTION_CLASSIFIED)
    child.expect("PIPL art. 51 para. 1 item 2")  # the legal reason for asking
    child.expect("→ ")
    child.sendline("maybe")
    child.expect(r"Not a valid answer: ([^\r\n]*)")
    assert child.match.group(1) == "expected yes or no, got 'maybe'"  # the chosen language only
    child.sendline("y")
    child.expect("Saved to")
    assert "  pi_classified: true\n" in answers(example)  # saved at once, before the next question
    child.expect(QUESTION_THRESHOLD)
    child.expect("→ ")
    child.sendline("n")
    child.expect(QUESTION_RETENTION)  # the officer question's show_if is now false: never asked
    assert QUESTION_APPOINTED not in child.before
    child.expect("→ ")
    child.sendline("q")
    child.expect("Saved; run the same command again to resume.")
    child.expect("Questions still unanswered")
    child.expect("retention_minimum")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = answers(example)
    assert "  pi_officer_threshold_reached: false\n" in text and "pi_officer_appointed" not in text

    child = spawn(example)  # resume: the answered questions are not asked again
    child.expect(QUESTION_RETENTION)
    assert QUESTION_CLASSIFIED not in child.before
    child.expect("→ ")
    child.sendline("")  # skipped: stays unknown
    child.expect("The narrative the filing documents need")  # the example's standard contract lacks it
    child.expect("→ ")
    child.sendline("q")
    child.expect("Saved; run the same command again to resume.")
    child.expect("PIPL-19-retention@face-login: q.retention_minimum")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_questionnaire_on_invalid_input_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "assessment.yaml").write_text("assessment: {id: BAD}\n", encoding="utf-8")
    child = spawn(tmp_path, menu=False)
    child.expect("assessment.yaml:1:")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert "Traceback" not in (child.before or "")


@pytest.mark.parametrize("shenzhen", [True, False])
def test_prompts_count_what_is_left_take_lists_and_ranges_and_give_only_reasons_that_can_apply(
    example: Path, shenzhen: bool
) -> None:
    edit(example, "  shenzhen: true\n", f"  shenzhen: {str(shenzhen).lower()}\n")
    (line,) = [line for line in answers(example).splitlines(keepends=True) if line.startswith("  rights_supported:")]
    edit(example, line, "")
    edit(example, "      no_service_refusal: true\n      retention_minimum: true\n", "      no_service_refusal: true\n")
    answer_all_but(example, {("org", "org", "rights_supported"), ("activity", "face-login", "retention_minimum")})
    child = spawn(example)
    child.expect("Which of these individual rights")
    child.expect(r"\(rights_supported · 2 questions left\)")
    child.expect("→ ")
    assert "(PIPL-45-access-copy)" in child.before
    child.sendline("1-3 5")
    child.expect("Saved to")
    options = [o.value for o in question_bank().by_id()["rights_supported"].options]
    assert f"  rights_supported: [{', '.join(options[i] for i in (0, 1, 2, 4))}]\n" in answers(example)
    child.expect(QUESTION_RETENTION)
    child.expect(r"\(retention_minimum · 1 questions left\)")
    child.expect("→ ")
    assert "(PIPL-19-retention)" in child.before
    assert ("(SZDR-11-retention)" in child.before) is shenzhen  # a Shenzhen rule only for a Shenzhen organisation
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytest.mark.parametrize("typed", ["1 2 3", "1,2,3", "1，2，3", "1、2、3", "1-3", "1 - 3", "1-2, 3", "3 1-2"])
def test_multi_choice_takes_spaces_commas_full_width_commas_and_ranges(typed: str) -> None:
    q = question_bank().by_id()["rights_supported"]
    value, error = coerce(q, typed)
    assert error is None
    assert sorted(value) == sorted(o.value for o in q.options[:3])


NARRATIVE_HEADING = "The narrative the filing documents need"


def test_the_narrative_a_filing_lacks_is_asked_after_the_questions(example: Path) -> None:
    """The standard contract decided for the example's transfer needs texts nobody gave: each is asked with its
    help, saved as typed (the rest of the file untouched), Enter leaves one out; a filled one is not asked."""
    answer_all_but(example, set())
    before = answers(example)
    lacks = [m.path for m in missing(load_assessment(example).assessment, assess(load_assessment(example)))]
    assert lacks[:3] == ["assessment.team", "assessment.third_party_role", "organisation.shareholding"]
    assert "transfers.0.contract_measures" in lacks
    child = spawn(example)
    child.expect(NARRATIVE_HEADING)
    child.expect(f"sc-annex.pdf\\), which still lack {len(lacks)} texts")
    child.expect("How the assessment was done")  # its help, in the chosen language
    child.expect("→ ")
    child.sendline("Two days of interviews with the IT and legal teams, June 2026.")
    child.expect("Saved to")
    child.expect("The third party's basic facts and its part in the assessment")
    child.expect("→ ")
    child.sendline("")  # left out: the documents mark it to be completed
    child.expect("Shareholding structure and investments in and outside China")
    for _ in lacks[2:]:
        child.expect("→ ")
        child.sendline("")
    child.expect("Questionnaire finished.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    after = answers(example)
    assert "  team: Two days of interviews with the IT and legal teams, June 2026.\n" in after
    assert after.splitlines()[0] == before.splitlines()[0] and after.count("#") == before.count("#")  # comments kept
    data = yaml.safe_load(after)
    del data["assessment"]["team"]
    assert data == yaml.safe_load(before)  # nothing else changed
    left = [m.path for m in missing(load_assessment(example).assessment, assess(load_assessment(example)))]
    assert left == lacks[1:]


def test_no_narrative_is_asked_without_a_filing(tmp_path: Path) -> None:
    """Processing in China only (no transfer to file): the questionnaire ends after the questions."""
    folder = tmp_path / "bureau"
    shutil.copytree(EXAMPLES / "shenzhen-bureau-data-sharing", folder)
    answer_all_but(folder, set())
    child = spawn(folder)
    child.expect("Questionnaire finished.")
    assert NARRATIVE_HEADING not in child.before
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
