"""The questionnaire as an Excel workbook a client fills offline, and its import.

One row per question and context, in zh and en, with help, allowed values (drop-downs where Excel
has them), the show_if condition and whether it currently holds. Rows are matched on import by
scope, subject and question id (so sorting or filtering the sheet is harmless); every answer goes
through the same validation as the interactive questionnaire, and each bad cell is reported as
`Sheet!F12`. A blank answer cell means unanswered; a formula is an error at its cell (hegui reads
values, and a formula written by another program has no value). Text that a spreadsheet would run
(=, +, -, @, TAB, CR or LF first) is exported behind a single quote and read back without it.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from engine.errors import InputError, Problem
from engine.i18n import both, value_text
from engine.questions import Question
from engine.render.cells import append, put, restore
from engine.workflow.answers import Answer
from engine.workflow.questionnaire import Slot, answer_text, coerce, reasons
from engine.xlsxsafe import open_xlsx

SHEET = "问卷 Questionnaire"
META = "hegui"
FORMAT = "hegui-questionnaire/1"
COLUMNS = [  # header, width
    ("范围 Scope", 10),
    ("对象 Subject", 18),
    ("问题编号 Question id", 24),
    ("问题", 50),
    ("Question", 50),
    ("回答 Answer", 16),
    ("可填值 Allowed", 24),
    ("说明", 40),
    ("Help", 40),
    ("显示条件 Shown if", 36),
    ("法律依据 Why we ask", 60),
]
ANSWER_COL = 6  # F
ALLOWED = {
    "bool": "TRUE / FALSE（是/否 yes/no）",
    "int": "整数 whole number",
    "text": "文字 text",
    "date": "日期 date YYYY-MM-DD",
    "choice": "",
    "multi": "",
}
CONDITIONAL_FILL = PatternFill("solid", fgColor="FFF2CC")


def _allowed(q: Question) -> str:
    if q.type in ("choice", "multi"):
        joined = ", ".join(o.value for o in q.options)
        return f"{joined}（多选用逗号分隔 comma-separated; 无 none: [])" if q.type == "multi" else joined
    bounds = (
        f" [{q.min if q.min is not None else ''}..{q.max if q.max is not None else ''}]"
        if q.type == "int"
        else ""
    )
    return ALLOWED[q.type] + bounds


def _validation(q: Question) -> DataValidation | None:
    prompt = dict(showErrorMessage=True, errorTitle="hegui", error=_allowed(q))
    if q.type == "bool":
        return DataValidation(type="list", formula1='"TRUE,FALSE"', allow_blank=True, **prompt)
    if q.type == "choice":
        return DataValidation(
            type="list", formula1='"' + ",".join(o.value for o in q.options) + '"', allow_blank=True, **prompt
        )
    if q.type == "int":
        lo = q.min if q.min is not None else -(2**31)
        hi = q.max if q.max is not None else 2**31 - 1
        return DataValidation(
            type="whole", operator="between", formula1=str(lo), formula2=str(hi), allow_blank=True, **prompt
        )
    if q.type == "date":
        return DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True, **prompt)
    return None


def _cell_value(q: Question, value: Any) -> Any:
    """How an answer is stored in its cell: native booleans, numbers and dates; lists as text."""
    if value is None:
        return None
    if q.type in ("bool", "int", "date"):
        return value
    return answer_text(q, value)


def _shown(slot: Slot) -> str:
    q = slot.question
    if not q.show_if:
        return ""
    return f"{q.show_if}\n→ {value_text(slot.shown, 'zh')} / {value_text(slot.shown, 'en')}"


def export_workbook(slots: list[Slot], assessment_id: str) -> bytes:
    """The workbook's bytes: one row per slot, answers filled in where given."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([h for h, _ in COLUMNS])
    for i, (_, width) in enumerate(COLUMNS, start=1):
        ws.cell(1, i).font = Font(bold=True)
        ws.column_dimensions[ws.cell(1, i).column_letter].width = width
    validations: dict[str, DataValidation] = {}
    for row, slot in enumerate(slots, start=2):
        q = slot.question
        why = "\n".join(reasons(q.id, "zh")) + "\n" + "\n".join(reasons(q.id, "en"))
        values = [
            slot.scope,
            slot.subject,
            q.id,
            q.text.zh,
            q.text.en,
            None,
            _allowed(q),
            q.help.zh,
            q.help.en,
            _shown(slot),
            why.strip(),
        ]
        for col, value in enumerate(values, start=1):
            put(ws, row, col, value).alignment = Alignment(wrap_text=True, vertical="top")
        answer = put(ws, row, ANSWER_COL, _cell_value(q, slot.value))
        if q.type == "date":
            answer.number_format = "yyyy-mm-dd"
        if q.show_if:
            for col in range(1, len(COLUMNS) + 1):
                ws.cell(row, col).fill = CONDITIONAL_FILL
        dv_key = f"{q.type}:{q.id}" if q.type in ("choice", "int") else q.type
        if dv_key not in validations and (dv := _validation(q)) is not None:
            validations[dv_key] = dv
            ws.add_data_validation(dv)
        if dv_key in validations:
            validations[dv_key].add(answer.coordinate)
    ws.freeze_panes = "D2"
    ws.auto_filter.ref = ws.dimensions
    meta = wb.create_sheet(META)
    append(meta, ["format", FORMAT])
    append(meta, ["assessment", assessment_id])
    meta.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_workbook(source: Path | bytes, file: str, slots: list[Slot], assessment_id: str) -> list[Answer]:
    """Answers from a filled workbook; InputError naming every bad cell (nothing is applied then).

    Opened by the one guarded opener (engine/xlsxsafe.py: size, unpacked size, rows, columns,
    entities). A formula is never an answer: it is a problem at its cell, like any other bad value.
    """
    with open_xlsx(source, file) as book:
        if SHEET not in book.sheetnames or META not in book.sheetnames:
            raise InputError.one(file, both("q.bad_workbook", sheet=SHEET))
        problems: list[Problem] = []
        meta = {str(r[0]): r[1] for _, r in book.rows(book.sheet(META), problems) if len(r) > 1 and r[0]}
        if problems:
            raise InputError(problems)
        if meta.get("assessment") != assessment_id:
            raise InputError.one(
                file, both("q.other_assessment", found=meta.get("assessment"), expected=assessment_id), f"{META}!B2"
            )
        ws = book.sheet(SHEET)
        known = {s.key: s for s in slots}
        seen: dict[tuple[str, str, str], int] = {}
        answers: list[Answer] = []
        for row, values in book.rows(ws, problems):
            if row == 1:
                continue
            cells = [restore(v) for v in values + [None] * (ANSWER_COL - len(values))]
            scope, subject, qid, raw = cells[0], cells[1], cells[2], cells[ANSWER_COL - 1]
            if scope is None and subject is None and qid is None:
                continue
            key = (str(scope), str(subject), str(qid))
            slot = known.get(key)
            if slot is None:
                problems.append(book.at(ws, row, 3, both("q.no_question", key="/".join(key))))
                continue
            if key in seen:
                problems.append(book.at(ws, row, 3, both("q.duplicate_row", row=seen[key])))
                continue
            seen[key] = row
            if raw is None:
                answers.append(slot.answer(None))
                continue
            value, error = coerce(slot.question, raw)
            if error is not None:
                problems.append(book.at(ws, row, ANSWER_COL, error.both()))
            else:
                answers.append(slot.answer(value))
    if problems:
        raise InputError(problems)
    return answers


def changed(answers: list[Answer], slots: list[Slot]) -> list[Answer]:
    """Only answers that differ from the file (so an unchanged workbook rewrites nothing)."""
    current = {s.key: s.value for s in slots}
    return [
        a
        for a in answers
        if current.get((a.scope, a.subject, a.qid)) != a.value
        or type(current.get((a.scope, a.subject, a.qid))) is not type(a.value)
    ]
