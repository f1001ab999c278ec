"""Excel questionnaire: export, offline edits, import with per-cell errors, and a lossless round trip."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from workflow_support import EXAMPLES, Run, edit

from engine.questions import Option, Question
from engine.text import Text
from engine.workflow.questionnaire import Slot
from engine.workflow.workbook import (
    ANSWER_COL,
    ITEM_SHEETS,
    ORG_SHEET,
    ORG_VALUE_COL,
    SHEET,
    export_workbook,
    read_workbook,
)
from tests.conftest import assert_problem


def row_of(ws: Any, scope: str, subject: str, qid: str) -> int:
    return next(
        r
        for r in range(2, ws.max_row + 1)
        if (ws.cell(r, 1).value, ws.cell(r, 2).value, ws.cell(r, 3).value) == (scope, subject, qid)
    )


def test_export_edit_import(hegui: Run, example: Path, tmp_path: Path) -> None:
    book = tmp_path / "questionnaire.xlsx"
    assert hegui("questionnaire", example, "--export", book).exit_code == 0
    before = (example / "assessment.yaml").read_bytes()
    wb = load_workbook(book)
    ws = wb[SHEET]
    assert ws.cell(row_of(ws, "org", "org", "pi_classified"), ANSWER_COL).value == "是"  # in the user's language
    officer = row_of(ws, "org", "org", "pi_officer_appointed")
    assert "q.pi_officer_threshold_reached" in ws.cell(officer, 10).value  # conditional questions are marked
    yes_no = next(dv for dv in ws.data_validations.dataValidation if "F" + str(officer) in str(dv.sqref))
    column = re.fullmatch(r"lists!\$([A-Z]+)\$1:\$[A-Z]+\$2", yes_no.formula1).group(1)  # type: ignore[union-attr]
    assert [wb["lists"][f"{column}{r}"].value for r in (1, 2)] == ["是", "否"]

    result = hegui("questionnaire", example, "--import", book, "--lang", "en")  # untouched: nothing rewritten
    assert result.exit_code == 0 and "Imported 0 answers and 0 field changes" in result.stdout
    assert (example / "assessment.yaml").read_bytes() == before

    ws.cell(row_of(ws, "org", "org", "pi_classified"), ANSWER_COL).value = "否"
    with pytest.raises(StopIteration):  # only questions that apply: face-login concerns no children
        row_of(ws, "activity", "face-login", "guardian_consent")
    ws.cell(row_of(ws, "activity", "face-login", "biometric_alternative"), ANSWER_COL).value = True
    ws.cell(row_of(ws, "org", "org", "months_since_compliance_audit"), ANSWER_COL).value = None
    wb.save(book)
    result = hegui("questionnaire", example, "--import", book, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Imported 3 answers and 0 field changes" in result.stdout
    text = (example / "assessment.yaml").read_text(encoding="utf-8")
    assert "  pi_classified: false\n" in text and "      biometric_alternative: true\n" in text
    assert "  months_since_compliance_audit: null\n" in text


def test_bad_cells_are_named_and_nothing_is_applied(hegui: Run, example: Path, tmp_path: Path) -> None:
    book = tmp_path / "q.xlsx"
    hegui("questionnaire", example, "--export", book)
    wb = load_workbook(book)
    ws = wb[SHEET]
    bool_row = row_of(ws, "org", "org", "pi_classified")
    int_row = row_of(ws, "org", "org", "months_since_compliance_audit")
    ws.cell(bool_row, ANSWER_COL).value = "maybe"
    ws.cell(int_row, ANSWER_COL).value = 5000
    ws.cell(int_row + 1, 3).value = "no_such_question"
    wb.save(book)
    before = (example / "assessment.yaml").read_bytes()
    result = hegui("questionnaire", example, "--import", book)
    assert result.exit_code == 2
    assert_problem(
        result.stderr,
        f"{re.escape(str(book))}: {SHEET}!F{bool_row}",
        "应为“是”或“否”，实为 'maybe'",
        "expected yes or no, got 'maybe'",
    )
    assert_problem(result.stderr, f"{SHEET}!F{int_row}", "不得大于 1200", "must be at most 1200")
    assert_problem(
        result.stderr,
        f"{SHEET}!C{int_row + 1}",
        "本评估没有这个问题：org/org/no_such_question",
        "no such question for this assessment",
    )
    assert (example / "assessment.yaml").read_bytes() == before
    (tmp_path / "other.xlsx").write_bytes(b"not a workbook")
    result = hegui("questionnaire", example, "--import", tmp_path / "other.xlsx")
    assert result.exit_code == 2
    assert_problem(result.stderr, "other.xlsx", "无法读取的 XLSX 工作簿", "not a readable xlsx workbook")


T = Text(zh="问", en="q")
QUESTIONS = [
    Question(id="b", scope="org", type="bool", text=T, help=T),
    Question(id="i", scope="org", type="int", text=T, help=T, min=-5, max=10**9),
    Question(
        id="c",
        scope="activity",
        type="choice",
        text=T,
        help=T,
        options=[Option(value=v, zh=v, en=v) for v in ("alpha", "beta", "gamma")],
    ),
    Question(
        id="m",
        scope="activity",
        type="multi",
        text=T,
        help=T,
        options=[Option(value=v, zh=v, en=v) for v in ("x", "y", "z")],
    ),
    Question(id="t", scope="transfer", type="text", text=T, help=T, show_if=None),
    Question(id="d", scope="transfer", type="date", text=T, help=T),
]
XML_TEXT = st.text(st.characters(exclude_categories=["Cs", "Cc"]), min_size=1)
VALUES = {
    "b": st.booleans(),
    "i": st.integers(-5, 10**9),
    "c": st.sampled_from(["alpha", "beta", "gamma"]),
    "m": st.lists(st.sampled_from(["x", "y", "z"]), unique=True),
    "t": XML_TEXT,
    "d": st.dates(date(1900, 3, 1), date(9999, 12, 31)),
}


@settings(max_examples=40, deadline=None)
@given(
    st.fixed_dictionaries({q.id: st.one_of(st.none(), VALUES[q.id]) for q in QUESTIONS}), st.sampled_from(["zh", "en"])
)
def test_round_trip_loses_nothing(answers: dict[str, Any], lang: str) -> None:
    slots = [Slot(q.scope, "s1", T, q, None, answers[q.id]) for q in QUESTIONS]
    data = export_workbook(slots, "acme", lang)
    back = {a.qid: a.value for a in read_workbook(data, "q.xlsx", slots, "acme", lang).answers}
    assert back == answers
    assert {k: type(v) for k, v in back.items()} == {k: type(v) for k, v in answers.items()}


def entry_row(ws: Any, ident: str) -> int:
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == ident)


def column(ws: Any, code: str) -> int:
    return next(c for c in range(1, ws.max_column + 1) if str(ws.cell(1, c).value).endswith(f"({code})"))


def test_entry_sheets_name_bad_cells_then_rename_and_remove_entries(hegui: Run, example: Path, tmp_path: Path) -> None:
    book = tmp_path / "q.xlsx"
    assert hegui("questionnaire", example, "--export", book, "--lang", "en").exit_code == 0
    wb = load_workbook(book)
    org, acts, transfers = wb[ORG_SHEET], wb[ITEM_SHEETS["activity"]], wb[ITEM_SHEETS["transfer"]]
    ciio = next(r for r in range(2, org.max_row + 1) if org.cell(r, 1).value == "organisation.ciio")
    assert org.cell(ciio, ORG_VALUE_COL).value == "no"  # in the language exported
    face = entry_row(acts, "face-login")
    basis = column(acts, "legal_basis")
    org.cell(ciio, ORG_VALUE_COL).value = "perhaps"
    acts.cell(face, basis).value = "because"
    acts.cell(face, column(acts, "datasets")).value = "members\nno-such-dataset"
    wb.save(book)
    before = (example / "assessment.yaml").read_bytes()
    result = hegui("questionnaire", example, "--import", book)
    assert result.exit_code == 2
    assert_problem(result.stderr, f"{ORG_SHEET}!D{ciio}", "应为“是”或“否”，实为 'perhaps'", "expected yes or no")
    letter = get_column_letter(basis)
    assert_problem(result.stderr, f"{ITEM_SHEETS['activity']}!{letter}{face}", "实为 'because'", "got 'because'")
    assert "no-such-dataset" in result.stderr
    assert (example / "assessment.yaml").read_bytes() == before  # nothing applied

    org.cell(ciio, ORG_VALUE_COL).value = "否"  # either language
    acts.cell(face, basis).value = "consent"  # the code too
    acts.cell(face, column(acts, "datasets")).value = "members\nface-templates"
    acts.cell(entry_row(acts, "order-fulfilment"), column(acts, "name")).value = "Orders and delivery"
    transfers.delete_rows(entry_row(transfers, "hk-parent-crm"))
    wb.save(book)
    result = hegui("questionnaire", example, "--import", book, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Imported 0 answers and 2 field changes" in result.stdout  # the name and the removed transfer
    text = (example / "assessment.yaml").read_text(encoding="utf-8")
    assert "    name: Orders and delivery\n" in text and "hk-parent-crm" not in text
    assert "name: {zh: 人脸识别登录, en: Face-recognition login}" in text  # an unchanged bilingual label stays
    assert hegui("validate", example).exit_code == 0


@pytest.mark.parametrize("shenzhen", [True, False])
def test_why_we_ask_lists_only_obligations_that_can_apply(
    hegui: Run, example: Path, tmp_path: Path, shenzhen: bool
) -> None:
    edit(example, "  shenzhen: true\n", f"  shenzhen: {str(shenzhen).lower()}\n")
    book = tmp_path / "q.xlsx"
    assert hegui("questionnaire", example, "--export", book).exit_code == 0
    ws = load_workbook(book)[SHEET]
    why = str(ws.cell(row_of(ws, "activity", "face-login", "retention_minimum"), 11).value)
    assert "(PIPL-19-retention)" in why
    assert ("(SZDR-11-retention)" in why) is shenzhen  # a Shenzhen rule only for a Shenzhen organisation


def test_an_inventory_in_datasets_csv_stays_the_only_one(hegui: Run, tmp_path: Path) -> None:
    folder, book = tmp_path / "offshore", tmp_path / "q.xlsx"
    shutil.copytree(EXAMPLES / "offshore-saas", folder)
    assert not (folder / "datasets.yaml").exists()
    assert hegui("questionnaire", folder, "--export", book).exit_code == 0
    wb = load_workbook(book)
    org = wb[ORG_SHEET]
    name = next(r for r in range(2, org.max_row + 1) if org.cell(r, 1).value == "assessment.title")
    org.cell(name, ORG_VALUE_COL).value = "Offshore SaaS 2027"
    acts = wb[ITEM_SHEETS["activity"]]
    first = acts.cell(2, column(acts, "datasets"))
    first.value = str(first.value).split("\n")[0]  # a dataset of datasets.csv, chosen again
    wb.save(book)
    result = hegui("questionnaire", folder, "--import", book, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "title: Offshore SaaS 2027" in (folder / "assessment.yaml").read_text(encoding="utf-8")
    assert not (folder / "datasets.yaml").exists()
    assert hegui("validate", folder).exit_code == 0


def test_narrative_texts_round_trip_with_checks_at_their_cells(hegui: Run, example: Path, tmp_path: Path) -> None:
    """The narrative the filing documents need (issue 11 §1): rows of the organisation sheet, columns of the
    activities and transfers sheets; checked at their cells, written back into assessment.yaml, read again."""
    book = tmp_path / "q.xlsx"
    assert hegui("questionnaire", example, "--export", book, "--lang", "en").exit_code == 0
    wb = load_workbook(book)
    org, acts, transfers = wb[ORG_SHEET], wb[ITEM_SHEETS["activity"]], wb[ITEM_SHEETS["transfer"]]
    rows = {org.cell(r, 1).value: r for r in range(2, org.max_row + 1)}
    assert {"assessment.team", "assessment.independent_opinion", "organisation.shareholding"} <= set(rows)
    assert "Shareholding structure" in org.cell(rows["organisation.shareholding"], 3).value  # the zh/en help
    crm = entry_row(transfers, "hk-parent-crm")
    measures, details = column(transfers, "contract_measures"), column(transfers, "recipient_details")
    assert "What the contract provides" in transfers.cell(1, measures).value
    org.cell(rows["organisation.shareholding"], ORG_VALUE_COL).value = "Held 100% by a Hong Kong parent.\nNo VIE."
    org.cell(rows["assessment.independent_opinion"], ORG_VALUE_COL).value = "yes"  # assessor.third_party is named
    transfers.cell(crm, measures).value = "- no onward transfer without consent"  # text, never a formula
    transfers.cell(crm, details).value = "x" * 4001
    acts.cell(entry_row(acts, "face-login"), column(acts, "safeguards")).value = "   "  # blank: left out
    wb.save(book)
    before = (example / "assessment.yaml").read_bytes()
    result = hegui("questionnaire", example, "--import", book)
    assert result.exit_code == 2
    at = f"{ITEM_SHEETS['transfer']}!{get_column_letter(details)}{crm}"
    assert_problem(result.stderr, at, "叙述内容过长（zh：4001 个字符，最多 4000 个）", "at most 4000")
    assert (example / "assessment.yaml").read_bytes() == before  # nothing applied

    transfers.cell(crm, details).value = "HK Parent Ltd., Hong Kong; group CRM."
    wb.save(book)
    result = hegui("questionnaire", example, "--import", book, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Imported 0 answers and 4 field changes" in result.stdout
    text = (example / "assessment.yaml").read_text(encoding="utf-8")
    assert "  shareholding: |-\n    Held 100% by a Hong Kong parent.\n    No VIE.\n" in text  # a literal block
    assert "  independent_opinion: true\n" in text and "  safeguards:" not in text
    assert "    contract_measures: '- no onward transfer without consent'\n" in text
    result = hegui("validate", example, "--for-filing")
    lacking = result.stdout + result.stderr
    assert result.exit_code == 1  # valid, and the filing still lacks other texts
    for path in ("organisation.shareholding", "transfers.0.contract_measures", "transfers.0.recipient_details"):
        assert f"{path}:" not in lacking
    assert "organisation.actual_controller:" in lacking

    again = tmp_path / "again.xlsx"  # exported again, the texts are in their cells; untouched, nothing changes
    assert hegui("questionnaire", example, "--export", again, "--lang", "en").exit_code == 0
    wb = load_workbook(again)
    transfers = wb[ITEM_SHEETS["transfer"]]
    assert (
        transfers.cell(entry_row(transfers, "hk-parent-crm"), measures).value == "'- no onward transfer without consent"
    )
    result = hegui("questionnaire", example, "--import", again, "--lang", "en")
    assert result.exit_code == 0 and "Imported 0 answers and 0 field changes" in result.stdout
