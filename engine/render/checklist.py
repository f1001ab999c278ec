"""The remediation checklist as CSV and XLSX: one row per action in plan order (engine/remediation.py).

Both have the columns of `rows`: the action, its owner, due date, status and priority from remediation.yaml,
the actions it comes after and whether it is overdue. CSV is UTF-8 with a BOM so that Excel opens Chinese
text correctly. The XLSX is typed (numbers as numbers, the due date as a date, the status from a validated
list in the report language, the priority a validated whole number) with a frozen header, an autofilter
and a print setup (A4 landscape, fit to one page wide, header row on every page). Names come from the
user: every cell goes through engine/render/cells.py, so none becomes a formula.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from engine.finding import PLAN_STATUSES
from engine.render.cells import append, inert_row
from engine.render.view import Report
from engine.render.words import Words
from engine.text import Text

# (message key of the header, column width in XLSX characters)
COLUMNS: tuple[tuple[str, int], ...] = (
    ("col.number", 6), ("col.priority", 8), ("col.severity", 10), ("col.kind", 10), ("col.group", 24),
    ("col.action", 40), ("col.citation", 30), ("col.steps", 56), ("col.evidence", 36), ("col.deadline", 22),
    ("col.after", 10), ("col.owner", 14), ("col.due", 12), ("col.status", 12), ("col.overdue", 9),
    ("col.ref", 36),
)
SEVERITY_FILL = {"critical": "FF991B1B", "high": "FFEA580C", "medium": "FFFACC15", "low": "FFBBF7D0"}
OVERDUE_FILL = "FFFECACA"
DATE_FORMAT = "yyyy-mm-dd"
Value = str | int | date | None


def column(key: str) -> int:
    """1-based position of a column by its header key."""
    return 1 + [k for k, _ in COLUMNS].index(key)


def rows(report: Report) -> list[list[Value]]:
    """Header row, then one row per action: numbers as int, the due date as a date, text in the report language."""
    w = report.words
    out: list[list[Value]] = [[w.say(key) for key, _ in COLUMNS]]
    for a in report.actions:
        out.append([
            a.number, a.plan.priority, w.say(f"severity.{a.severity}"), w.say(f"status.{a.kind}"), w.plain(a.group),
            w.plain(a.title), w.plain(report.cite(a.citations)), _lines(w.plain, a.steps),
            _lines(w.plain, a.evidence), w.plain(a.deadline) if a.deadline else "", ", ".join(map(str, a.after)),
            a.plan.owner or "", date.fromisoformat(a.plan.due) if a.plan.due else None,
            w.say(f"plan.{a.plan.status}"), w.say("plan.overdue") if a.plan.overdue else "", a.ref,
        ])
    return out


def status_labels(words: Words) -> list[str]:
    """The plan statuses as the status column's list offers them (report language)."""
    labels = [words.say(f"plan.{s}") for s in PLAN_STATUSES]
    if any("," in label or '"' in label for label in labels):  # an Excel list formula separates with commas
        raise ValueError(f"status labels cannot go into a list validation: {labels}")
    return labels


def _lines(plain: Callable[[Text], str], items: list[Text]) -> str:
    return "\n".join(f"{i}. {plain(t)}" for i, t in enumerate(items, start=1))


def to_csv(report: Report) -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(inert_row("" if v is None else v for v in r) for r in rows(report))
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(report: Report, reproducible: bool) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = report.words.text("checklist.sheet").get(report.words.main)  # "/" is not allowed in sheet names
    table = rows(report)
    for row in table:
        append(ws, row)
    header_fill = PatternFill("solid", fgColor="FF1F3A5F")
    for i, (_, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True, color="FFFFFFFF")
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    due, overdue = column("col.due"), column("col.overdue")
    for r, action in enumerate(report.actions, start=2):
        for c in range(1, len(COLUMNS) + 1):
            ws.cell(row=r, column=c).alignment = Alignment(vertical="top", wrap_text=True)
        ws.cell(row=r, column=due).number_format = DATE_FORMAT
        fill = SEVERITY_FILL.get(action.severity, "FFFFFFFF")
        ws.cell(row=r, column=column("col.severity")).fill = PatternFill("solid", fgColor=fill)
        if action.plan.overdue:
            ws.cell(row=r, column=due).fill = PatternFill("solid", fgColor=OVERDUE_FILL)
            ws.cell(row=r, column=overdue).font = Font(bold=True, color="FF991B1B")
    _validations(ws, report.words, len(table))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(len(table), 1)}"
    _print_setup(ws)
    wb.properties.title = report.words.plain(report.title)
    wb.properties.creator = "hegui"
    wb.properties.created = wb.properties.modified = report.created.replace(tzinfo=None)
    buf = io.BytesIO()
    wb.save(buf)
    return fixed_zip_dates(buf.getvalue(), report.created) if reproducible else buf.getvalue()


def _validations(ws: Worksheet, words: Words, last_row: int) -> None:
    """Status from the list of plan statuses, priority a whole number 1-4: what remediation.yaml accepts."""
    if last_row < 2:
        return
    status = DataValidation(type="list", formula1=f'"{",".join(status_labels(words))}"', allow_blank=False,
                            showErrorMessage=True, errorTitle=words.say("col.status"),
                            error=words.say("plan.status_prompt"))
    priority = DataValidation(type="whole", operator="between", formula1="1", formula2="4", allow_blank=False,
                              showErrorMessage=True, errorTitle=words.say("col.priority"),
                              error=words.say("plan.priority_prompt"))
    for validation, key in ((status, "col.status"), (priority, "col.priority")):
        letter = get_column_letter(column(key))
        ws.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{last_row}")


def _print_setup(ws: Worksheet) -> None:
    """A4 landscape, one page wide (as many pages long as needed), the header row on every page."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def fixed_zip_dates(data: bytes, when: datetime) -> bytes:
    """openpyxl and python-docx stamp the zip entries (openpyxl also dcterms:modified) with the current time; fix
    both (engine/render/docx.py writes every DOCX through it)."""
    out = io.BytesIO()
    stamp = (when.year, when.month, when.day, 0, 0, 0)
    modified = f"<dcterms:modified xsi:type=\"dcterms:W3CDTF\">{when:%Y-%m-%dT%H:%M:%SZ}</dcterms:modified>"
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            raw = src.read(info)
            if info.filename == "docProps/core.xml":
                raw = re.sub(rb"<dcterms:modified [^>]*>[^<]*</dcterms:modified>", modified.encode(), raw)
            dst.writestr(zipfile.ZipInfo(info.filename, stamp), raw, zipfile.ZIP_DEFLATED)
    return out.getvalue()
