"""Tabular dataset inventories (CSV and XLSX): one row per field, dataset columns repeated per row.

One parser serves both `datasets.csv` in an assessment folder (engine/inputs.py) and
`hegui import-inventory`; every problem names its cell: `file.csv:7:4: records: …` for CSV and
`file.xlsx!Sheet!D7: …` for XLSX.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from pydantic import ValidationError

from engine.dataset import DataField, Dataset
from engine.errors import RAW_CONTROL, InputError, Problem
from engine.i18n import both
from engine.validation import error_text
from engine.xlsxsafe import open_xlsx
from engine.yamlsafe import MAX_BYTES, control_text, too_large

CSV_COLUMNS = ("dataset", "name", "system", "storage_location", "records", "individuals", "grade", "field", "category")
OPTIONAL = ("name", "grade", "note")
COLUMNS = (*CSV_COLUMNS, "note")
# Header spellings accepted besides the column names themselves (Chinese templates, the words).
HEADER_ALIASES = {
    "location": "storage_location",
    "field_name": "field",
    "pi_category": "category",
    "数据集": "dataset",
    "数据集名称": "name",
    "名称": "name",
    "系统": "system",
    "存储地": "storage_location",
    "存储位置": "storage_location",
    "记录数": "records",
    "个人数": "individuals",
    "涉及个人数": "individuals",
    "分级": "grade",
    "级别": "grade",
    "字段": "field",
    "字段名": "field",
    "类别": "category",
    "个人信息类别": "category",
    "备注": "note",
}


@dataclass
class Grid:
    """Text cells of a CSV file or of one XLSX sheet, each row with its 1-based line/row number."""

    file: str
    sheet: str | None
    rows: list[tuple[int, list[str]]]

    def problem(self, row: int, col: int, message: str, path: str = "") -> Problem:
        if self.sheet is None:
            return Problem(self.file, message, path, row, col)
        return Problem(f"{self.file}!{self.sheet}!{get_column_letter(col)}{row}", message)


@dataclass
class ParsedDataset:
    dataset: Dataset
    where: tuple[str, int | None, int | None]  # engine.inputs.Where of the dataset's first row
    category_cells: list[tuple[int, int]]  # (row, column) of each field's category cell


def read_csv(path: Path) -> Grid:
    file = str(path)
    if path.stat().st_size > MAX_BYTES:
        raise too_large(file)
    return csv_grid(path.read_bytes(), file)


def csv_grid(raw: bytes, file: str) -> Grid:
    """The rows of a CSV file's bytes (UTF-8, a byte order mark allowed), each with its line number."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError.one(file, both("file.not_utf8", reason=exc.reason, byte=exc.start)) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for cells in reader:
            rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError.one(file, both("import.bad_csv", why=exc), "", reader.line_num) from None
    return Grid(file, None, rows)


def read_xlsx(path: Path, sheet: str | None = None) -> Grid:
    """The named sheet, or the first one; cell values as text (whole numbers without a decimal point).

    Opened by the one guarded opener (engine/xlsxsafe.py: size, unpacked size, rows, columns,
    entities); a formula cell is a problem at its cell, since hegui reads values only.
    """
    file = str(path)
    with open_xlsx(path, file, lambda place, message: Problem(f"{file}!{place}", message)) as book:
        if sheet is not None and sheet not in book.sheetnames:
            raise InputError.one(file, both("import.no_sheet", sheet=sheet, names=", ".join(book.sheetnames)))
        ws = book.sheet(sheet)
        problems: list[Problem] = []
        rows = [(n, [_cell_text(v) for v in values]) for n, values in book.rows(ws, problems)]
        if problems:
            raise InputError(problems)
        return Grid(file, ws.title, rows)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _header(grid: Grid, line: int, cells: list[str]) -> dict[str, int]:
    """Column name → index; Chinese and alternative spellings accepted (HEADER_ALIASES)."""
    header = [HEADER_ALIASES.get(h.strip(), h.strip()) for h in cells]
    expected = ", ".join(COLUMNS)
    problems = [
        grid.problem(line, i + 1, both("import.unknown_column", column=h, expected=expected))
        for i, h in enumerate(header)
        if h and h not in COLUMNS
    ]
    problems += [
        grid.problem(line, 1, both("import.missing_column", column=c))
        for c in CSV_COLUMNS
        if c not in header and c not in OPTIONAL
    ]
    problems += [
        grid.problem(line, i + 1, both("import.column_twice", column=h))
        for i, h in enumerate(header)
        if h and header.index(h) != i
    ]
    if problems:
        raise InputError(problems)
    return {h: i for i, h in enumerate(header) if h}


def _record(
    grid: Grid, n: int, cell: dict[str, str], col: dict[str, int], problems: list[Problem]
) -> dict[str, Any]:
    """The dataset columns of one row, counts parsed (3,200,000 and 3_200_000 allowed)."""
    record: dict[str, Any] = {
        "id": cell["dataset"],
        "name": cell.get("name") or cell["dataset"],
        "system": cell["system"],
        "storage_location": cell["storage_location"],
        "grade": cell.get("grade") or "general",
    }
    for num in ("records", "individuals"):
        try:
            record[num] = int(cell[num].replace("_", "").replace(",", ""))
        except ValueError:
            problems.append(
                grid.problem(n, col[num] + 1, both("import.not_whole_number", column=num, value=cell[num]), num)
            )
    return record


def parse(grid: Grid, check_category: Callable[[str], str | None] | None = None) -> list[ParsedDataset]:
    """Group rows into datasets; rows of one dataset must agree on every dataset column.

    check_category (import-inventory) returns a message for a category cell that is wrong, so that
    every problem of the file is reported at once; assessments check categories later themselves.
    """
    if bad := [  # refused where they stand, so no writer downstream ever meets one
        grid.problem(line, i + 1, control_text(found.group()).both())
        for line, cells in grid.rows
        for i, cell in enumerate(cells)
        if (found := RAW_CONTROL.search(cell))
    ]:
        raise InputError(bad)
    rows = [(n, cells) for n, cells in grid.rows if any(c.strip() for c in cells)]
    if not rows:
        raise InputError([grid.problem(1, 1, both("import.empty", columns=",".join(COLUMNS)))])
    col = _header(grid, *rows[0])
    width = len(rows[0][1])
    problems: list[Problem] = []
    grouped: dict[str, dict[str, Any]] = {}
    first: dict[str, int] = {}
    cells_of: dict[str, list[tuple[int, int]]] = {}
    broken: set[str] = set()  # datasets with a row problem: model errors would only repeat it
    for n, row in rows[1:]:
        if any(c.strip() for c in row[width:]) or (grid.sheet is None and len(row) != width):
            problems.append(grid.problem(n, min(len(row), width) + 1,
                                         both("import.column_count", expected=width, found=len(row))))
            continue
        cell = {h: (row[i].strip() if i < len(row) else "") for h, i in col.items()}
        ds_id = cell["dataset"]
        before = len(problems)
        record = _record(grid, n, cell, col, problems)
        if ds_id not in grouped:
            grouped[ds_id] = {**record, "fields": []}
            first[ds_id] = n
            cells_of[ds_id] = []
        for k, v in record.items():
            if grouped[ds_id].get(k) != v:
                differs = both("import.differs", column=k, value=v, row=first[ds_id], dataset=ds_id)
                problems.append(grid.problem(n, col.get("dataset" if k == "id" else k, 0) + 1, differs, k))
        if cell["field"]:
            where = (n, col["category"] + 1)
            if cell["category"] and check_category and (why := check_category(cell["category"])):
                problems.append(grid.problem(*where, why, "category"))
            category, note = cell["category"] or None, cell.get("note") or None
            grouped[ds_id]["fields"].append(DataField(name=cell["field"], category=category, note=note))
            cells_of[ds_id].append(where)
        if len(problems) > before:
            broken.add(ds_id)
    out = []
    for ds_id, data in grouped.items():
        if ds_id in broken:
            continue
        try:
            ds = Dataset.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                key = str(err["loc"][0]) if err["loc"] else "dataset"
                problems.append(grid.problem(first[ds_id], col.get("dataset" if key == "id" else key, 0) + 1,
                                             error_text(err).both(), key))
            continue
        out.append(ParsedDataset(ds, ("dataset", first[ds_id], 1), cells_of[ds_id]))
    if problems:
        raise InputError(problems)
    return out
