"""The workbook's remediation plan sheet: remediation.yaml exported, filled offline and imported."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from workflow_support import Run

from engine.workflow.workbook import ITEM_SHEETS
from tests.conftest import assert_problem

PLAN = ITEM_SHEETS["plan"]
EXISTING = (
    "actions:\n"
    "  - action: PIPL-55-pipia\n"
    "    owner: DPO office   # the privacy team\n"
    "    due: 2026-10-31\n"
    "    status: in_progress\n"
    "    priority: 1\n"
)


def column(ws: Any, code: str) -> int:
    return next(c for c in range(1, ws.max_column + 1) if str(ws.cell(1, c).value).endswith(f"({code})"))


def validation(ws: Any, coordinate: str) -> Any:
    return next(dv for dv in ws.data_validations.dataValidation if coordinate in dv.sqref)


def test_plan_sheet_round_trip(hegui: Run, example: Path, tmp_path: Path) -> None:
    plan = example / "remediation.yaml"
    plan.write_text(EXISTING, encoding="utf-8")
    book = tmp_path / "q.xlsx"
    assert hegui("questionnaire", example, "--export", book).exit_code == 0
    wb = load_workbook(book)
    ws = wb[PLAN]
    status, priority, due = column(ws, "status"), column(ws, "priority"), column(ws, "due")
    assert ws.cell(2, column(ws, "action")).value == "PIPL-55-pipia"
    assert ws.cell(2, status).value == "进行中"  # in the user's language
    assert ws.cell(2, due).value.date() == date(2026, 10, 31) and ws.cell(2, due).number_format == "yyyy-mm-dd"
    assert ws.max_row == 2 + 20  # room for new entries, with their checks
    drop = validation(ws, f"{get_column_letter(status)}22")
    listed = re.fullmatch(r"lists!\$([A-Z]+)\$1:\$[A-Z]+\$4", drop.formula1).group(1)  # type: ignore[union-attr]
    assert [wb["lists"][f"{listed}{r}"].value for r in range(1, 5)] == ["未开始", "进行中", "已完成", "接受风险"]
    whole = validation(ws, f"{get_column_letter(priority)}22")
    assert (whole.type, whole.formula1, whole.formula2) == ("whole", "1", "4")
    assert validation(ws, f"{get_column_letter(due)}22").type == "date"

    result = hegui("questionnaire", example, "--import", book, "--lang", "en")  # untouched: nothing rewritten
    assert result.exit_code == 0 and "Imported 0 answers and 0 field changes" in result.stdout
    assert plan.read_bytes() == EXISTING.encode()

    ws.cell(3, column(ws, "action")).value = "hk-parent-crm#sc-sign-file"
    ws.cell(3, column(ws, "owner")).value = "Li Na (Legal)"
    ws.cell(3, due).value = date(2027, 1, 15)
    ws.cell(3, status).value = "已完成"  # a Chinese label, imported in English
    ws.cell(3, priority).value = 2
    ws.cell(2, status).value = "done"  # the code too
    wb.save(book)
    assessment = (example / "assessment.yaml").read_bytes()
    result = hegui("questionnaire", example, "--import", book, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Imported 0 answers and 7 field changes" in result.stdout  # a status; a new entry: 5 fields, 1 row
    assert plan.read_text(encoding="utf-8") == (
        EXISTING.replace("status: in_progress", "status: done") + "  - action: hk-parent-crm#sc-sign-file\n"
        "    owner: Li Na (Legal)\n"
        "    due: 2027-01-15\n"
        "    status: done\n"
        "    priority: 2\n"
    )
    assert (example / "assessment.yaml").read_bytes() == assessment  # only the plan changed
    assert hegui("validate", example).exit_code == 0

    ws.delete_rows(2, 2)  # an action without a row is no longer planned
    wb.save(book)
    result = hegui("questionnaire", example, "--import", book, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert plan.read_text(encoding="utf-8") == "actions: []\n"
    assert hegui("validate", example).exit_code == 0


def test_bad_plan_cells_are_named_and_nothing_is_written(hegui: Run, example: Path, tmp_path: Path) -> None:
    book = tmp_path / "q.xlsx"
    assert hegui("questionnaire", example, "--export", book).exit_code == 0
    wb = load_workbook(book)
    ws = wb[PLAN]
    assert ws.cell(2, 1).value is None  # no remediation.yaml yet: only empty rows
    action, status, priority, due = (column(ws, c) for c in ("action", "status", "priority", "due"))
    ws.cell(2, action).value = "PIPL-55-pipia"
    ws.cell(2, status).value = "finished"
    ws.cell(3, action).value = "PIPL-30-sensitive-notice"
    ws.cell(3, priority).value = 7
    ws.cell(4, action).value = "CSL-44-security-measures"
    ws.cell(4, due).value = "next spring"
    ws.cell(5, action).value = "PIPL-55-pipia"
    wb.save(book)
    result = hegui("questionnaire", example, "--import", book)
    assert result.exit_code == 2
    at = f"{PLAN}!{{}}{{}}"
    assert_problem(result.stderr, at.format(get_column_letter(status), 2), "finished", "finished")
    assert_problem(result.stderr, at.format(get_column_letter(priority), 3), "4", "4")
    assert_problem(result.stderr, at.format(get_column_letter(due), 4), "next spring", "next spring")
    assert_problem(result.stderr, at.format(get_column_letter(action), 5), "第 2 行", "row 2")
    assert not (example / "remediation.yaml").exists()

    for row in (3, 4, 5):
        for col in (action, priority, due):
            ws.cell(row, col).value = None
    ws.cell(2, status).value = "open"
    ws.cell(2, action).value = "PIPL-55-pipiaa"  # names nothing in this assessment: found by validating
    wb.save(book)
    result = hegui("questionnaire", example, "--import", book)
    assert result.exit_code == 2
    assert_problem(result.stderr, f"{PLAN}!{get_column_letter(action)}2", "PIPL-55-pipiaa", "PIPL-55-pipia")
    assert not (example / "remediation.yaml").exists()
