"""The remediation checklist as CSV (UTF-8 with BOM) and XLSX (openpyxl)."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from engine.obligation import SEVERITIES
from engine.render.checklist import COLUMNS
from engine.render.words import messages
from tests.render.conftest import Rendered


def _open_findings(r: Rendered) -> list[str]:
    return [f.id for f in r.doc.findings if f.status in ("gap", "unknown")]


def test_csv_has_bom_chinese_headers_and_one_row_per_action(ecommerce_zh: Rendered) -> None:
    data = ecommerce_zh.files["checklist.csv"]
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == [messages()[k].zh for k, _ in COLUMNS]
    body = rows[1:]
    refs = [r[-1] for r in body]
    assert set(_open_findings(ecommerce_zh)) <= set(refs)
    assert [int(r[0]) for r in body] == list(range(1, len(body) + 1))
    zh_severity = [messages()[f"severity.{s}"].zh for s in SEVERITIES]
    ranks = [zh_severity.index(r[1]) for r in body]
    assert ranks == sorted(ranks), "prioritised by severity"
    assert all(r[9] == r[10] == r[11] == "" for r in body), "owner, due date and done are left empty"
    task_rows = [r for r in body if "#task" in r[-1]]
    assert any(r[8] for r in task_rows), "transfer tasks keep their legal deadline"


def test_xlsx_has_frozen_header_autofilter_widths_and_english_headers(offshore_en: Rendered) -> None:
    wb = load_workbook(io.BytesIO(offshore_en.files["checklist.xlsx"]))
    ws = wb.active
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A1:")
    headers = [c.value for c in ws[1]]
    assert headers == [messages()[k].en for k, _ in COLUMNS]
    assert ws.column_dimensions["E"].width == COLUMNS[4][1]
    refs = [row[-1] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert set(_open_findings(offshore_en)) <= set(refs)
    assert ws.max_row == len(refs) + 1


def test_csv_and_xlsx_agree(offshore_en: Rendered) -> None:
    rows = list(csv.reader(io.StringIO(offshore_en.files["checklist.csv"].decode("utf-8-sig"), newline="")))
    ws = load_workbook(io.BytesIO(offshore_en.files["checklist.xlsx"])).active
    cells = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
    assert cells == rows
