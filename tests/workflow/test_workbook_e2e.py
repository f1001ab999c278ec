"""From an empty folder to an assessment with its PDF through the Excel workbook only: export from a fresh
`hegui init`, fill the cells as a person would (Chinese labels, drop-down values), import, validate, assess."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from pypdf import PdfReader
from workflow_support import Run

from engine.questions import question_bank
from engine.render.words import messages
from engine.taxonomy import taxonomy
from engine.workflow.workbook import ANSWER_COL, ITEM_SHEETS, ORG_SHEET, ORG_VALUE_COL, SHEET
from tests.conftest import assert_problem


def fill_org(ws: Any, values: dict[str, Any]) -> None:
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    for key, value in values.items():
        ws.cell(rows[key], ORG_VALUE_COL).value = value


def fill_entry(ws: Any, row: int, values: dict[str, Any]) -> None:
    cols = {re.search(r"\((\w+)\)$", str(ws.cell(1, c).value)).group(1): c for c in range(1, ws.max_column + 1)}  # type: ignore[union-attr]
    for code, value in values.items():
        ws.cell(row, cols[code]).value = value


def zh(category: str) -> str:
    return taxonomy().categories[category].zh


def test_empty_folder_to_assessment_with_pdf_through_the_workbook(hegui: Run, tmp_path: Path) -> None:
    folder, book = tmp_path / "acme", tmp_path / "acme.xlsx"
    assert hegui("init", folder).exit_code == 0
    result = hegui("questionnaire", folder, "--export", book)
    assert result.exit_code == 0, result.output
    wb = load_workbook(book)
    assert wb.sheetnames[:6] == [SHEET, ORG_SHEET, *ITEM_SHEETS.values()]
    assert "再次导出后这里列出适用的问题" in str(wb[SHEET]["D2"].value)  # no questions before the entries
    lists = wb["lists"]
    assert ["是", "否"] in [[c.value for c in col if c.value is not None] for col in lists.iter_cols()]
    fill_org(
        wb[ORG_SHEET],
        {
            "assessment.id": "acme-hospital-2026",
            "assessment.title": "华康医院集团个人信息保护影响评估",
            "assessor.name": "李伟",
            "organisation.name": "华康医院集团",
            "organisation.ciio": "否",
            "organisation.public_service_body": "是",
            "organisation.individuals_total": 120000,
        },
    )
    fill_entry(
        wb[ITEM_SHEETS["activity"]],
        2,
        {
            "id": "outpatient",
            "name": "门诊挂号与诊疗",
            "purpose": "门诊挂号、诊疗与随访",
            "legal_basis": messages()["basis.contract_or_hr"].zh,
            "data_subjects": "患者",
            "datasets": "patients",
        },
    )
    fill_entry(
        wb[ITEM_SHEETS["dataset"]],
        2,
        {
            "id": "patients",
            "name": "患者主索引",
            "system": "HIS",
            "storage_location": "CN",
            "records": 250000,
            "individuals": 120000,
            "grade": "一般数据",
            "categories": "、".join(zh(c) for c in ("name", "phone", "health_record")),
        },
    )
    transfer = {
        "id": "lab-partner",
        "recipient": "Global Lab Services Inc.",
        "destination": "USA",  # wrong: named at its cell, nothing written
        "activity": "outpatient",
        "datasets": "patients",
        "individuals_non_sensitive": 800,
        "individuals_sensitive": 800,
        "important_data": "否",
        "purpose": "一般情形（不属于以下特殊情形）",
    }
    fill_entry(wb[ITEM_SHEETS["transfer"]], 2, transfer)
    wb.save(book)
    before = (folder / "assessment.yaml").read_bytes()
    result = hegui("questionnaire", folder, "--import", book)
    assert result.exit_code == 2
    assert_problem(result.stderr, re.escape(f"{book}: {ITEM_SHEETS['transfer']}!C2"), "ISO 3166", "ISO 3166")
    assert (folder / "assessment.yaml").read_bytes() == before

    fill_entry(wb[ITEM_SHEETS["transfer"]], 2, {**transfer, "destination": "US"})
    wb.save(book)
    result = hegui("questionnaire", folder, "--import", book, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Imported 0 answers and" in result.stdout
    result = hegui("validate", folder)
    assert result.exit_code == 0, result.output
    text = (folder / "assessment.yaml").read_text(encoding="utf-8")
    assert "# 处理活动，每项一条" in text and "legal_basis: contract_or_hr" in text  # codes in the file

    # second round: the questions that apply now, answered with the first label each offers
    result = hegui("questionnaire", folder, "--export", book, "--force")
    assert result.exit_code == 0, result.output
    wb = load_workbook(book)
    ws = wb[SHEET]
    assert ws.max_row > 10
    bank = question_bank().by_id()
    for row in range(2, ws.max_row + 1):
        q = bank[ws.cell(row, 3).value]
        first = q.options[0].zh if q.options else None  # picked from the drop-down, or typed
        typed = {"bool": "是", "int": q.min or 0, "date": date(2026, 6, 30), "text": "无"}
        ws.cell(row, ANSWER_COL).value = typed.get(q.type, first)
    wb.save(book)
    result = hegui("questionnaire", folder, "--import", book, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert f"Imported {ws.max_row - 1} answers" in result.stdout
    assert hegui("validate", folder).exit_code == 0
    out = tmp_path / "out"
    result = hegui("assess", folder, "--out", out, "--format", "json,pdf", "--fail-on", "none")
    assert result.exit_code == 0, result.output
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert findings["assessment"]["id"] == "acme-hospital-2026"
    assert {t["id"] for t in findings["transfers"]} == {"lab-partner"}
    pdf = "".join(page.extract_text() or "" for page in PdfReader(out / "pipia.pdf").pages)
    assert "华康医院集团" in pdf
