"""The remediation checklist as CSV and XLSX: one row per action, empty owner / due date / done columns.

CSV is UTF-8 with a BOM so that Excel opens Chinese text correctly; the XLSX has an autofilter, a
frozen header row and fixed column widths. Both read the same actions as the PDF checklist. Names
come from the user: every cell goes through engine/render/cells.py, so none becomes a formula.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from engine.render.cells import append, inert_row
from engine.render.view import Report
from engine.text import Text

# (message key of the header, column width in XLSX characters)
COLUMNS: tuple[tuple[str, int], ...] = (
    ("col.number", 6), ("col.severity", 10), ("col.kind", 10), ("col.group", 28), ("col.action", 40),
    ("col.citation", 34), ("col.steps", 60), ("col.evidence", 40), ("col.deadline", 24),
    ("col.owner", 14), ("col.due", 12), ("col.done", 8), ("col.ref", 36),
)
SEVERITY_FILL = {"critical": "FF991B1B", "high": "FFEA580C", "medium": "FFFACC15", "low": "FFBBF7D0"}


def rows(report: Report) -> list[list[str]]:
    """Header row, then one row per action (plain text in the report language)."""
    w = report.words
    out = [[w.say(key) for key, _ in COLUMNS]]
    for a in report.actions:
        out.append([
            str(a.number), w.say(f"severity.{a.severity}"), w.say(f"status.{a.kind}"), w.plain(a.group),
            w.plain(a.title), w.plain(report.cite(a.citations)), _lines(w.plain, a.steps),
            _lines(w.plain, a.evidence), w.plain(a.deadline) if a.deadline else "", "", "", "", a.ref,
        ])
    return out


def _lines(plain: Callable[[Text], str], items: list[Text]) -> str:
    return "\n".join(f"{i}. {plain(t)}" for i, t in enumerate(items, start=1))


def to_csv(report: Report) -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(inert_row(r) for r in rows(report))
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
    for r, action in enumerate(report.actions, start=2):
        for c in range(1, len(COLUMNS) + 1):
            ws.cell(row=r, column=c).alignment = Alignment(vertical="top", wrap_text=True)
        ws.cell(row=r, column=2).fill = PatternFill("solid", fgColor=SEVERITY_FILL.get(action.severity, "FFFFFFFF"))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(len(table), 1)}"
    wb.properties.title = report.words.plain(report.title)
    wb.properties.creator = "hegui"
    wb.properties.created = wb.properties.modified = report.created.replace(tzinfo=None)
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip_dates(buf.getvalue(), report.created) if reproducible else buf.getvalue()


def _fixed_zip_dates(data: bytes, when: datetime) -> bytes:
    """openpyxl stamps the zip entries and dcterms:modified with the current time; fix both."""
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
