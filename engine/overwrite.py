"""Output files that may already exist: replace only what hegui wrote, never an input of the run.

How hegui knows it wrote a file (each mark is something hegui itself writes into the file):
a datasets.yaml from import-inventory or scan starts with the line `YAML_MARK`; a JSON Schema from
`hegui schema` has an `$id` under `SCHEMA_ID`; a questionnaire workbook has the hidden `hegui` sheet
with its format line. Anything else is replaced only with `--force`; an input of the run never is.
OS errors on the way (a folder given as the file, a parent that is a file, no permission) are the
user's to fix: exit 2 with the reason, never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated
from zipfile import BadZipFile

import typer

from engine.errors import InputError
from engine.i18n import both
from engine.output import output_errors as output_errors  # one OS-error mapping for every writer
from engine.output import unwritable

YAML_MARK = "# hegui:generated"
SCHEMA_ID = "https://hegui.dev/schema/"
MAX_MARKED = 64 * 1024 * 1024  # a larger file is not one of ours: not worth reading to find out

ForceOption = Annotated[bool, typer.Option("--force", help=both("cli.force"))]


def yaml_is_ours(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.readline(len(YAML_MARK) + 2).rstrip(b"\r\n") == YAML_MARK.encode()


def schema_is_ours(path: Path) -> bool:
    if path.stat().st_size > MAX_MARKED:
        return False
    try:
        data = json.loads(path.read_bytes())
    except ValueError:
        return False
    return isinstance(data, dict) and str(data.get("$id", "")).startswith(SCHEMA_ID)


def workbook_is_ours(path: Path) -> bool:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    from engine.workflow.workbook import FORMAT, META

    if path.stat().st_size > MAX_MARKED:
        return False
    with path.open("rb") as fh:  # a file object: openpyxl would refuse a name not ending in .xlsx
        try:
            book = load_workbook(fh, read_only=True)
        except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError):
            return False  # whatever openpyxl cannot open is not a workbook hegui wrote
        try:
            first = next(book[META].iter_rows(max_row=1, values_only=True), None) if META in book.sheetnames else None
            return first == ("format", FORMAT)
        finally:
            book.close()


def check_output(out: Path, *, force: bool, ours: Callable[[Path], bool], inputs: Iterable[Path] = ()) -> None:
    """Refuse `out` before any work: a folder, an input of this run, or (unless force) a file hegui did not write."""
    file = str(out)
    if out.is_dir():
        raise InputError.one(file, both("out.is_dir"))
    if not out.exists():
        return
    try:
        for source in inputs:
            if source.exists() and out.samefile(source):
                raise InputError.one(file, both("out.is_input", input=source))
        if not force and not (out.is_file() and ours(out)):
            raise InputError.one(file, both("out.not_ours"))
    except OSError as exc:
        raise unwritable(out, exc) from None
