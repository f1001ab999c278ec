"""Safe, bounded reading of untrusted XLSX workbooks: the one opener of `questionnaire --import` and
`import-inventory`.

An xlsx is a zip of XML parts, so a small file can hold a zip bomb, a million rows, a DOCTYPE with
external or nested entities, or XML that openpyxl cannot parse. Before openpyxl reads anything the
file size, the unpacked size (the sum of all parts' declared sizes: Python's zipfile never inflates a
part beyond its declared size) and each part's compression ratio are checked; then openpyxl reads in
read-only mode (sheets streamed, never held whole) with defusedxml (a dependency; engine/__init__.py
makes openpyxl take it over lxml) refusing DOCTYPEs and entities; rows stop at MAX_ROWS and MAX_COLUMNS with a located
error. Every failure is an InputError naming the file and, where known, the sheet and cell.

The limits, and why (docs/workflow.md and docs/discovery.md state them too):
- MAX_FILE_BYTES 20 MiB: a 100,000-row inventory written by openpyxl is 3 MB; the questionnaire 80 kB.
- MAX_UNPACKED_BYTES 200 MiB: that inventory unpacks to 48 MB; 200 MiB is four times that, and bounds
  the XML openpyxl parses (and the shared strings it keeps in memory).
- MAX_RATIO 100: real sheet parts compress 5-25 to 1 (measured: 16 for that inventory, 23 for 100,000
  identical rows); zip bombs compress 1,000 to 1 and more.
- MAX_ROWS 100,000 and MAX_COLUMNS 200: an inventory has one row per field (thousands in practice) and
  ten columns; the questionnaire a few hundred rows and eleven columns.
- MAX_CELLS 2,000,000 (per part) and MAX_STRINGS 1,000,000 (shared strings): a full 100,000-row inventory
  has 1,000,000 cells. Without them 200 MiB of small cells or strings fit the limits above and cost
  minutes (measured: 7,000,000 shared strings in an 18 MB file, 193 s of CPU and 1.1 GB before).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from engine.errors import InputError, Problem
from engine.i18n import both
from engine.yamlsafe import too_large

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_CELLS = 2_000_000
MAX_STRINGS = 1_000_000
_RATIO_FROM = 1024 * 1024  # smaller parts cannot hold a bomb worth refusing, and tiny ones compress oddly

# What openpyxl and zipfile raise for a broken file (truncated zip or deflate stream, missing parts,
# XML that does not parse, attribute values of the wrong type). Only library calls on the user's file
# run inside these handlers, so a bug of hegui's own still ends as exit 3.
BROKEN = (
    InvalidFileException, zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, ValueError,
    TypeError, IndexError, AttributeError, SyntaxError,
)  # fmt: skip

# (place, message) → Problem: "Sheet!B7" (or "Sheet") placed in each command's documented style
Locate = Callable[[str, str], Problem]


@dataclass
class Book:
    """An open read-only workbook; `rows` streams a sheet within the limits."""

    file: str
    locate: Locate
    workbook: Any

    @property
    def sheetnames(self) -> list[str]:
        return list(self.workbook.sheetnames)

    def sheet(self, name: str | None) -> Any:
        """The named sheet (which must exist: check `sheetnames`), or the first."""
        return self.workbook[name] if name is not None else self.workbook.worksheets[0]

    def at(self, ws: Any, row: int, column: int, message: str) -> Problem:
        return self.locate(f"{ws.title}!{get_column_letter(column)}{row}", message)

    def rows(self, ws: Any, problems: list[Problem]) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cell values) of every row; a formula cell reads as None and adds a problem.

        The declared dimension of the sheet is ignored (it may claim a million columns): each row is as
        wide as its last cell. Stops with an InputError at the first row or column past the limit.
        """
        ws.reset_dimensions()
        cells = iter(ws.iter_rows())
        number = 0
        while True:
            try:
                row = next(cells, None)
            except BROKEN as exc:
                raise InputError([self.locate(ws.title, _broken(exc))]) from None
            if row is None:
                return
            number += 1
            if number > MAX_ROWS:
                raise InputError([self.at(ws, number, 1, both("xlsx.too_many_rows", max=MAX_ROWS))])
            if len(row) > MAX_COLUMNS:
                raise InputError([self.at(ws, number, len(row), both("xlsx.too_many_columns", max=MAX_COLUMNS))])
            values: list[Any] = []
            for column, cell in enumerate(row, start=1):
                if cell.data_type == "f":
                    problems.append(self.at(ws, number, column, both("xlsx.formula", formula=_formula(cell.value))))
                    values.append(None)
                else:
                    values.append(cell.value)
            yield number, values


def _formula(value: Any) -> str:
    text = value if isinstance(value, str) else getattr(value, "text", "") or ""
    return text if len(text) <= 60 else text[:57] + "..."


def _why(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _broken(exc: BaseException) -> str:
    """The message for what openpyxl raised: its root cause (openpyxl wraps it in a long ValueError)."""
    chain = [exc]
    while (cause := chain[-1].__cause__ or chain[-1].__context__) is not None and cause not in chain:
        chain.append(cause)
    if any(isinstance(e, DefusedXmlException) for e in chain):
        return both("xlsx.entities")
    return both("file.bad_xlsx", why=_why(chain[-1]))


def _check_zip(source: Path | bytes, file: str, locate: Locate) -> None:
    """Refuse before openpyxl parses anything: a part compressed past MAX_RATIO, more than
    MAX_UNPACKED_BYTES in all, or a part with more rows, cells or shared strings than allowed (openpyxl
    reads a whole sheet when it opens a workbook if the sheet does not declare its dimension, and the
    whole string table always)."""
    try:
        with zipfile.ZipFile(source if isinstance(source, Path) else io.BytesIO(source)) as archive:
            parts = archive.infolist()
            for part in parts:
                if part.file_size > _RATIO_FROM and part.file_size > MAX_RATIO * max(part.compress_size, 1):
                    ratio = part.file_size // max(part.compress_size, 1)
                    message = both("xlsx.ratio", part=part.filename, ratio=ratio, limit=MAX_RATIO)
                    raise InputError.one(file, message)
            if sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
                mib = MAX_UNPACKED_BYTES // (1024 * 1024)
                raise InputError.one(file, both("xlsx.unpacked_too_large", mib=mib))
            for part in parts:
                if (over := _over_limit(archive, part)) is not None:
                    limit, key = _LIMITS[over]
                    raise InputError([locate(part.filename, both(key, max=limit))])
    except BROKEN as exc:
        raise InputError.one(file, _broken(exc)) from None


# Counted in every part (a sheet or the string table can be stored under any name): rows, cells and
# shared strings, cheap to count in the raw XML and each costing openpyxl about 25 µs to parse.
_LIMITS = {b"row": (MAX_ROWS, "xlsx.too_many_rows"), b"c": (MAX_CELLS, "xlsx.too_many_cells"),
           b"si": (MAX_STRINGS, "xlsx.too_many_strings")}  # fmt: skip
_COUNTED = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|si)[\s/>]")


def _over_limit(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> bytes | None:
    """The first element of _LIMITS that occurs too often in a part (counted on the raw XML in 1 MiB
    chunks, stopping there), or None."""
    counts = dict.fromkeys(_LIMITS, 0)
    carry = b""
    with archive.open(part) as raw:
        while True:
            chunk = raw.read(1024 * 1024)
            data = carry + (chunk or b" ")
            cut = data.rfind(b"<") if chunk else len(data)  # a tag cut by the chunk's end waits for the next
            cut = len(data) if cut < 0 else cut
            for name in _COUNTED.findall(data, 0, cut):
                counts[name] += 1
            carry = data[cut:]
            over = next((n for n, (limit, _) in _LIMITS.items() if counts[n] > limit), None)
            if over is not None or not chunk:
                return over


@contextmanager
def open_xlsx(source: Path | bytes, file: str, locate: Locate | None = None) -> Iterator[Book]:
    """Open an untrusted workbook (a path, or its bytes) read-only within the limits; closed on exit.

    locate places a sheet or cell problem; the default is `FILE: Sheet!B7: message`.
    """
    if isinstance(source, Path):
        try:
            size = source.stat().st_size
        except OSError as exc:
            raise InputError.one(file, both("file.unreadable", why=exc.strerror)) from None
    else:
        size = len(source)
    if size > MAX_FILE_BYTES:
        raise too_large(file, MAX_FILE_BYTES)
    located = locate or (lambda place, message: Problem(file, message, place))
    _check_zip(source, file, located)
    try:
        workbook = load_workbook(
            source if isinstance(source, Path) else io.BytesIO(source), read_only=True, data_only=False
        )
    except BROKEN as exc:
        raise InputError.one(file, _broken(exc)) from None
    try:
        yield Book(file, located, workbook)
    finally:
        workbook.close()
