"""The remediation checklist as CSV (UTF-8 with BOM) and XLSX (openpyxl), read back with the real libraries."""

from __future__ import annotations

import csv
import io
import re
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from engine.finding import PLAN_STATUSES
from engine.obligation import SEVERITIES
from engine.render.checklist import COLUMNS, DATE_FORMAT, column
from engine.render.words import messages
from tests.conftest import EXAMPLES
from tests.render.conftest import Rendered, render_example

# A plan for the Shenzhen e-commerce example (as of 2026-11-20): an overdue action, a done one past its date
# (not overdue), an obligation-wide entry, and an owner that a spreadsheet would run as a formula.
PLAN = """\
actions:
  - action: PIPL-55-pipia-transfer@hk-parent-crm
    owner: Li Na (Legal)
    due: 2026-10-31
    status: in_progress
  - action: hk-parent-crm#sc-sign-file
    owner: Li Na (Legal)
    due: 2027-01-15
  - action: PIPL-30-sensitive-notice
    owner: Product team
    due: 2026-09-30
    status: done
  - action: CSL-44-security-measures
    owner: "=HYPERLINK(\\"http://example.com\\")"
    due: 2027-03-31
    status: accepted_risk
    priority: 4
"""


@pytest.fixture(scope="module")
def planned_en(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    folder = tmp_path_factory.mktemp("planned") / "shenzhen-ecommerce"
    shutil.copytree(EXAMPLES / "shenzhen-ecommerce", folder)
    (folder / "remediation.yaml").write_text(PLAN, encoding="utf-8")
    return render_example(folder, "en", ["json", "pdf", "csv", "xlsx"], folder.parent / "out")


def _open_findings(r: Rendered) -> list[str]:
    return [f.id for f in r.doc.findings if f.status in ("gap", "unknown")]


def _csv(r: Rendered) -> list[list[str]]:
    return list(csv.reader(io.StringIO(r.files["checklist.csv"].decode("utf-8-sig"), newline="")))


def _at(row: list[Any], key: str) -> Any:
    return row[column(key) - 1]


def test_csv_has_bom_chinese_headers_and_one_row_per_action(ecommerce_zh: Rendered) -> None:
    data = ecommerce_zh.files["checklist.csv"]
    assert data.startswith(b"\xef\xbb\xbf")
    rows = _csv(ecommerce_zh)
    assert rows[0] == [messages()[k].zh for k, _ in COLUMNS]
    body = rows[1:]
    refs = [_at(r, "col.ref") for r in body]
    assert set(_open_findings(ecommerce_zh)) <= set(refs)
    assert [int(_at(r, "col.number")) for r in body] == list(range(1, len(body) + 1))
    assert {_at(r, "col.severity") for r in body} <= {messages()[f"severity.{s}"].zh for s in SEVERITIES}
    # without remediation.yaml: no owner or due date, every action open, the priority from the severity
    assert all(_at(r, "col.owner") == _at(r, "col.due") == "" for r in body)
    assert {_at(r, "col.status") for r in body} == {messages()["plan.open"].zh}
    zh_severity = [messages()[f"severity.{s}"].zh for s in SEVERITIES]
    assert all(int(_at(r, "col.priority")) == zh_severity.index(_at(r, "col.severity")) + 1 for r in body)
    task_rows = [r for r in body if "#" in _at(r, "col.ref")]
    assert any(_at(r, "col.deadline") for r in task_rows), "transfer tasks keep their legal deadline"


def test_xlsx_is_typed_validated_frozen_filtered_and_print_ready(planned_en: Rendered) -> None:
    wb = load_workbook(io.BytesIO(planned_en.files["checklist.xlsx"]))
    ws = wb.active
    assert [c.value for c in ws[1]] == [messages()[k].en for k, _ in COLUMNS]
    assert ws.column_dimensions["F"].width == COLUMNS[5][1]
    body = list(ws.iter_rows(min_row=2))
    by_ref = {_at(row, "col.ref").value: row for row in body}
    assert set(_open_findings(planned_en)) <= set(by_ref)
    # numbers as numbers, dates as dates
    assert all(isinstance(_at(row, "col.number").value, int) for row in body)
    assert all(isinstance(_at(row, "col.priority").value, int) for row in body)
    pipia = by_ref["PIPL-55-pipia-transfer@hk-parent-crm"]
    due = _at(pipia, "col.due")
    assert due.value == datetime(2026, 10, 31) and due.is_date and due.number_format == DATE_FORMAT
    assert _at(pipia, "col.owner").value == "Li Na (Legal)"
    assert _at(pipia, "col.status").value == "in progress"
    assert _at(by_ref["CSL-44-security-measures"], "col.priority").value == 4
    # the owner is user text: shown, never run
    owner = _at(by_ref["CSL-44-security-measures"], "col.owner")
    assert owner.data_type == "s" and owner.value == '\'=HYPERLINK("http://example.com")'
    # status from a list in the report language, priority a whole number 1-4, on every action row
    validations = {dv.type: dv for dv in ws.data_validations.dataValidation}
    labels = [messages()[f"plan.{s}"].en for s in PLAN_STATUSES]
    status, priority = validations["list"], validations["whole"]
    assert status.formula1 == '"' + ",".join(labels) + '"' and status.showErrorMessage
    letter = _at(ws[1], "col.status").column_letter
    assert str(status.sqref) == f"{letter}2:{letter}{ws.max_row}"
    assert all(_at(row, "col.status").value in labels for row in body)
    assert (priority.operator, priority.formula1, priority.formula2) == ("between", "1", "4")
    assert str(priority.sqref).startswith(_at(ws[1], "col.priority").column_letter + "2:")
    # frozen header, autofilter over the table, print setup
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(COLUMNS)).column_letter}{ws.max_row}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9  # A4
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == "$1:$1"


def test_an_overdue_action_is_flagged_and_a_done_one_is_not(planned_en: Rendered) -> None:
    """Due before the as-of date (2026-11-20) and not done: overdue in findings.json and every checklist."""
    plans = {f.id: f.plan for f in planned_en.doc.findings if f.plan is not None}
    assert plans["PIPL-55-pipia-transfer@hk-parent-crm"].overdue  # type: ignore[union-attr]
    notice = [k for k in plans if k.startswith("PIPL-30-sensitive-notice@")]
    assert notice and all(plans[k].status == "done" and not plans[k].overdue for k in notice)  # type: ignore[union-attr]
    ws = load_workbook(io.BytesIO(planned_en.files["checklist.xlsx"])).active
    flagged = {_at(row, "col.ref").value for row in ws.iter_rows(min_row=2) if _at(row, "col.overdue").value}
    assert flagged == {"PIPL-55-pipia-transfer@hk-parent-crm"}
    assert {_at(r, "col.ref") for r in _csv(planned_en)[1:] if _at(r, "col.overdue")} == flagged
    text = planned_en.text("checklist.pdf")
    assert re.search(r"2026-10-31\s+overdue", text) and not re.search(r"2027-01-15\s+overdue", text)


def test_csv_and_xlsx_have_the_same_columns_and_values(planned_en: Rendered) -> None:
    rows = _csv(planned_en)
    ws = load_workbook(io.BytesIO(planned_en.files["checklist.xlsx"])).active

    def shown(v: Any) -> str:
        return "" if v is None else v.date().isoformat() if isinstance(v, datetime) else str(v)

    cells = [[shown(v) for v in row] for row in ws.iter_rows(values_only=True)]
    assert cells[0] == rows[0]
    assert cells == rows
    assert any(_at(r, "col.due") == "2027-01-15" for r in rows[1:])


def test_pdf_checklist_shows_owner_due_status_and_priority(planned_en: Rendered) -> None:
    text = " ".join(planned_en.text("checklist.pdf").split())  # a cell's lines joined
    for expected in ("Li Na (Legal)", "2027-01-15", "in progress", "accepted risk", "P4", "Priority", "Owner"):
        assert expected in text, expected


def test_actions_follow_their_prerequisites(planned_en: Rendered, ecommerce_zh: Rendered) -> None:
    for rendered in (planned_en, ecommerce_zh):
        rows = _csv(rendered)[1:]
        number = {_at(r, "col.ref"): int(_at(r, "col.number")) for r in rows}
        for r in rows:
            after = [int(n) for n in _at(r, "col.after").split(", ") if n]
            assert all(n < int(_at(r, "col.number")) for n in after), r
        assert number["PIPL-55-pipia-transfer@hk-parent-crm"] < number["hk-parent-crm#sc-sign-file"]
        assert number["hk-parent-crm#sc-sign-file"] < number["hk-parent-crm#cert-renew"]


def test_empty_plan_file_is_no_plan(tmp_path: Path) -> None:
    folder = tmp_path / "offshore-saas"
    shutil.copytree(EXAMPLES / "offshore-saas", folder)
    (folder / "remediation.yaml").write_text("# nothing planned yet\n", encoding="utf-8")
    r = render_example(folder, "zh", ["csv"], tmp_path / "out")
    assert r.loaded.plan is not None and r.loaded.plan.plan.actions == []
    assert all(_at(row, "col.owner") == "" for row in _csv(r)[1:])
