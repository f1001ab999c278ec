"""Cell values for every CSV and XLSX file hegui writes: user text never becomes a formula.

Organisation, activity and recipient names, folder names and answers are user text. A spreadsheet
runs a cell that starts with = + - @ (and TAB or CR can hide one), so, as OWASP advises for CSV
injection, such text gets a leading single quote and is shown as text. openpyxl would also store a
string starting with "=" as a formula: text cells are stored as strings (data type "s"). Numbers,
booleans and dates stay what they are. A line feed first is treated like CR (XLSX stores every CR as
a line feed). Text that already starts with quotes before such a character gets one more quote, so
that `restore` (the questionnaire import reading hegui's own export) gives back what was written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

_FORMULA = re.compile(r"'*[=+\-@\t\r\n]")


def inert(value: Any) -> Any:
    """The value as it goes into a cell: text that a spreadsheet would run gets a leading quote."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def restore(value: Any) -> Any:
    """The inverse of `inert`, for text read back from a workbook hegui exported."""
    if isinstance(value, str) and value.startswith("'") and _FORMULA.match(value):
        return value[1:]
    return value


def inert_row(values: Iterable[Any]) -> list[Any]:
    """One CSV or XLSX row of inert values."""
    return [inert(v) for v in values]


def put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write one cell: inert, and text stored as a string, never as a formula."""
    cell = ws.cell(row, column, inert(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def append(ws: Worksheet, values: Iterable[Any]) -> None:
    """Append one row of inert values, text stored as strings, never as formulas."""
    row = inert_row(values)
    ws.append(row)
    for column, value in enumerate(row, start=1):
        if isinstance(value, str):
            ws.cell(ws.max_row, column).data_type = "s"
