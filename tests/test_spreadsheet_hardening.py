"""Spreadsheets in and out: no formula injection in what hegui writes, bounded and safe reading of what it imports.

Hostile workbooks are built here byte by byte (zipfile), so each test shows exactly what is refused.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook, load_workbook

from engine import xlsxsafe
from engine.xlsxsafe import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, MAX_STRINGS
from tests.conftest import EXAMPLES, assert_problem, run_cli

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
# folder names cannot hold "/"
HOSTILE_FOLDERS = ['=HYPERLINK("x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
QSHEET = "问卷 Questionnaire"


# --------------------------------------------------------------------------- reading outputs back


def xlsx_texts(path: Path) -> list[str]:
    """Every text cell of every sheet; fails on any cell openpyxl reads as a formula."""
    book = load_workbook(path)
    texts: list[str] = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{path.name}!{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def csv_texts(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def in_xml(text: str) -> str:
    """Text as it reads back from any XLSX: XML turns a carriage return into a line feed."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def assert_neutralised(texts: list[str], expected: Iterable[str], where: str) -> None:
    """No text cell starts with a formula character, and each hostile value is there, behind one quote."""
    live = [t for t in texts if t.startswith(DANGEROUS)]
    assert not live, f"{where}: cells that a spreadsheet would run: {live}"
    for value in expected:
        assert any(t.startswith("'" + value) for t in texts), f"{where}: {value!r} not found at the start of a cell"


# --------------------------------------------------------------------------- 1. formula injection


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_checklist_names_never_become_formulas(tmp_path: Path, lang: str) -> None:
    folder = tmp_path / "a"
    shutil.copytree(EXAMPLES / "shenzhen-ecommerce", folder)
    doc = yaml.safe_load((folder / "assessment.yaml").read_text(encoding="utf-8"))
    # CR is refused in assessment.yaml itself (it stays covered by folder names and answers); the third
    # activity has no action in the checklist: four named places per language
    h = [*HOSTILE[:5], "=cmd|' /C calc'!A0"]
    doc["organisation"]["name"] = {"zh": h[0], "en": h[4]}
    for act, (zh, en) in zip(doc["activities"], [(h[1], h[5]), (h[2], h[0]), (h[3], h[3])], strict=True):
        act["name"] = {"zh": zh, "en": en}
    doc["transfers"][0]["recipient"] = h[3]
    (folder / "assessment.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(
        "assess", folder, "--out", out, "--format", "json,csv,xlsx", "--report-lang", lang, "--fail-on", "none"
    )
    assert result.exit_code == 0, result.output
    expected = [h[0], h[1], h[2], h[3]] if lang == "zh" else [h[4], h[5], h[0], h[3]]
    assert_neutralised(xlsx_texts(out / "checklist.xlsx"), map(in_xml, expected), "checklist.xlsx")
    assert_neutralised(csv_texts(out / "checklist.csv"), expected, "checklist.csv")


def test_batch_summary_folder_names_never_become_formulas(tmp_path: Path) -> None:
    root = tmp_path / "clients"
    for name in HOSTILE_FOLDERS:
        (root / name).mkdir(parents=True)
        (root / name / "assessment.yaml").write_text("assessment: [\n", encoding="utf-8")  # invalid: id = folder
    out = tmp_path / "out"
    result = run_cli("batch", root, "--out", out, "--jobs", "1")
    assert result.exit_code == 2, result.output
    assert_neutralised(xlsx_texts(out / "summary.xlsx"), map(in_xml, HOSTILE_FOLDERS), "summary.xlsx")
    assert_neutralised(csv_texts(out / "summary.csv"), HOSTILE_FOLDERS, "summary.csv")
    sheet = load_workbook(out / "summary.xlsx")["summary"]
    assert sheet["G1"].value == "严重差距 / critical gaps"
    assert sheet["G2"].value is None  # an invalid assessment has no counts, not 0 (tests/workflow/test_batch.py)


def test_questionnaire_text_answers_are_exported_inert_and_read_back_unchanged(tmp_path: Path) -> None:
    from engine.questions import Question
    from engine.text import Text
    from engine.workflow.questionnaire import Slot
    from engine.workflow.workbook import ANSWER_COL, export_workbook, read_workbook

    t = Text(zh="问", en="q")
    values = [*HOSTILE, "\nx", "'\nx", "'=already quoted", "''-x", "'plain", "plain"]
    slots = [
        Slot("org", "org", t, Question(id=f"t{i}", scope="org", type="text", text=t, help=t), None, v)
        for i, v in enumerate(values)
    ]
    data = export_workbook(slots, "acme")
    (tmp_path / "q.xlsx").write_bytes(data)
    cells = [row[ANSWER_COL - 1] for row in load_workbook(tmp_path / "q.xlsx")[QSHEET].iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in cells)
    assert_neutralised([c.value for c in cells], map(in_xml, HOSTILE), "questionnaire")
    assert {a.qid: a.value for a in read_workbook(data, "q.xlsx", slots, "acme").answers} == {
        f"t{i}": in_xml(v) for i, v in enumerate(values)
    }


# --------------------------------------------------------------------------- hostile workbooks


def rewrite(data: bytes, replace: dict[str, Callable[[], Iterator[bytes]] | bytes]) -> bytes:
    """A copy of an xlsx with some members replaced (or added), each streamed in chunks."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = [i.filename for i in src.infolist()]
        for name in names + [n for n in replace if n not in names]:
            new = replace.get(name)
            if new is None:
                dst.writestr(name, src.read(name))
            elif isinstance(new, bytes):
                dst.writestr(name, new)
            else:
                with dst.open(name, "w", force_zip64=True) as f:
                    for chunk in new():
                        f.write(chunk)
    return out.getvalue()


def sheet_rows(rows: Iterable[str]) -> Callable[[], Iterator[bytes]]:
    """A worksheet part whose <sheetData> holds the given <row> elements, written 10,000 at a time."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    def chunks() -> Iterator[bytes]:
        yield f'<worksheet xmlns="{ns}"><sheetData>'.encode()
        batch: list[str] = []
        for row in rows:
            batch.append(row)
            if len(batch) == 10_000:
                yield "".join(batch).encode()
                batch = []
        yield ("".join(batch) + "</sheetData></worksheet>").encode()

    return chunks


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


INVENTORY_HEADER = ["dataset", "system", "storage_location", "records", "individuals", "field", "category"]


def inventory_bytes() -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = "清单"
    ws.append(INVENTORY_HEADER)
    ws.append(["members", "CRM", "CN", 3200000, 3200000, "mobile", "phone"])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


SHEET1 = "xl/worksheets/sheet1.xml"
BOMB = b"<worksheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'><sheetData/><!--"


def _bomb() -> Iterator[bytes]:
    yield BOMB
    for _ in range(150):  # 150 MiB of spaces: under the unpacked limit, so the ratio check is what refuses it
        yield b" " * (1024 * 1024)
    yield b"--></worksheet>"


HEADER_ROW = '<row r="1">' + "".join(inline(f"{c}1", h) for c, h in zip("ABCDEFG", INVENTORY_HEADER, strict=True))
HEADER_ROW += "</row>"
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY ext SYSTEM "file:///etc/passwd">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
    b'<c r="A1" t="inlineStr"><is><t>&lol3;&ext;</t></is></c></row></sheetData></worksheet>'
)


def with_strings(data: bytes) -> bytes:
    """A string table of 1,100,000 short strings (registered in [Content_Types].xml, as openpyxl needs)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        types = z.read("[Content_Types].xml")
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    types = types.replace(
        b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/></Types>'.encode()
    )

    def strings() -> Iterator[bytes]:
        yield b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        for start in range(0, 1_100_000, 100_000):
            yield "".join(f"<si><t>{i}</t></si>" for i in range(start, start + 100_000)).encode()
        yield b"</sst>"

    return rewrite(data, {"xl/sharedStrings.xml": strings, "[Content_Types].xml": types})


# name → (what to do to a valid workbook, where the problem is, English words of the message)
HOSTILE_BOOKS: dict[str, tuple[Callable[[bytes], bytes], str, str]] = {
    "zip bomb": (lambda d: rewrite(d, {SHEET1: _bomb}), "", "compressed"),
    "1M rows": (
        lambda d: rewrite(
            d,
            {
                SHEET1: sheet_rows(
                    [HEADER_ROW, *(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(2, 1_000_002))]
                )
            },
        ),
        SHEET1,
        f"more than {MAX_ROWS:,} rows",  # counted before openpyxl parses anything
    ),
    "1M empty rows in one jump": (
        lambda d: rewrite(
            d, {SHEET1: sheet_rows([HEADER_ROW, inline("A1048576", "x").join(['<row r="1048576">', "</row>"])])}
        ),
        f"清单!A{MAX_ROWS + 1}",
        f"more than {MAX_ROWS:,} rows",
    ),
    "2.1M cells in 100,000 rows": (
        lambda d: rewrite(
            d,
            {SHEET1: sheet_rows(f'<row r="{r}">' + "<c><v>1</v></c>" * 21 + "</row>" for r in range(1, MAX_ROWS + 1))},
        ),
        SHEET1,
        f"more than {MAX_CELLS:,} cells",
    ),
    "1.1M shared strings": (with_strings, "xl/sharedStrings.xml", f"more than {MAX_STRINGS:,} shared strings"),
    "too many columns": (
        lambda d: rewrite(d, {SHEET1: sheet_rows([HEADER_ROW, '<row r="2">' + inline("XFD2", "x") + "</row>"])}),
        "清单!XFD2",
        f"more than {MAX_COLUMNS} columns",
    ),
    "truncated zip": (lambda d: d[: len(d) // 2], "", "not a readable xlsx workbook"),
    "broken sheet XML": (
        lambda d: rewrite(
            d,
            {
                SHEET1: b"<worksheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/"
                b"2006/main'><sheetData><row r='1'><c r='A1'"
            },
        ),
        "",
        "unclosed token",
    ),
    "XXE and entity expansion": (lambda d: rewrite(d, {SHEET1: XXE}), "", "DOCTYPE"),
    "bad styles.xml": (
        lambda d: rewrite(d, {"xl/styles.xml": b"<styleSheet><numFmts count='x'><b"}),
        "",
        "not a readable xlsx workbook",
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE_BOOKS))
def test_import_inventory_refuses_hostile_workbooks(tmp_path: Path, name: str) -> None:
    make, where, english = HOSTILE_BOOKS[name]
    source = tmp_path / "inv.xlsx"
    source.write_bytes(make(inventory_bytes()))
    out = tmp_path / "datasets.yaml"
    result = run_cli("import-inventory", source, "--out", out)
    assert result.exit_code == 2, result.output
    assert_problem(result.stderr, re.escape(str(source) + (f"!{where}" if where else "")), "", english)
    assert not out.exists()


def questionnaire_bytes(folder: Path, tmp_path: Path) -> bytes:
    book = tmp_path / "export.xlsx"
    assert run_cli("questionnaire", folder, "--export", book).exit_code == 0
    return book.read_bytes()


@pytest.mark.parametrize("name", list(HOSTILE_BOOKS))
def test_questionnaire_import_refuses_hostile_workbooks(tmp_path: Path, name: str) -> None:
    make, where, english = HOSTILE_BOOKS[name]
    folder = tmp_path / "a"
    shutil.copytree(EXAMPLES / "shenzhen-ecommerce", folder)
    before = (folder / "assessment.yaml").read_bytes()
    source = tmp_path / "q.xlsx"
    source.write_bytes(make(questionnaire_bytes(folder, tmp_path)))
    result = run_cli("questionnaire", folder, "--import", source)
    assert result.exit_code == 2, result.output
    where = where.replace("清单", QSHEET)  # the questionnaire's style: `FILE: Sheet!B7: message`
    assert_problem(result.stderr, re.escape(str(source) + (f": {where}" if where else "")), "", english)
    assert (folder / "assessment.yaml").read_bytes() == before


DTD = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
    b'<!ENTITY ext SYSTEM "file:///etc/passwd">]>'
)


@pytest.mark.parametrize("part", [SHEET1, "xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml"])
def test_entities_are_never_expanded_nor_resolved(part: str) -> None:
    """openpyxl parses with defusedxml (a dependency): a DOCTYPE in any part is refused, not expanded or fetched."""
    from engine.errors import InputError
    from engine.xlsxsafe import open_xlsx

    data = inventory_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        original = re.sub(rb"^<\?xml[^>]*>", b"", z.read(part))
    hostile = rewrite(data, {part: XXE if part == SHEET1 else DTD + original})
    problems: list[Any] = []
    with pytest.raises(InputError) as caught, open_xlsx(hostile, "x.xlsx") as book:
        list(book.rows(book.sheet(None), problems))
    text = str(caught.value.problems[0])
    assert "lollol" not in text and "root:" not in text and "DOCTYPE" in text


def test_unpacked_size_is_the_sum_of_all_members(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Many members, each modestly compressed, together over the limit (limit lowered to keep the test small)."""
    import random

    monkeypatch.setattr(xlsxsafe, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    rng = random.Random(7)
    parts = {f"xl/media/blob{i}.bin": bytes(rng.getrandbits(8) for _ in range(300_000)) for i in range(8)}
    source = tmp_path / "inv.xlsx"
    source.write_bytes(rewrite(inventory_bytes(), dict(parts)))
    result = run_cli("import-inventory", source, "--out", tmp_path / "d.yaml")
    assert result.exit_code == 2, result.output
    assert_problem(result.stderr, re.escape(str(source)), "", "unpacks to more than 2 MiB")


def test_too_large_file_is_refused_before_reading(tmp_path: Path) -> None:
    from engine.xlsxsafe import MAX_FILE_BYTES

    folder = tmp_path / "a"
    shutil.copytree(EXAMPLES / "shenzhen-ecommerce", folder)
    source = tmp_path / "q.xlsx"
    with source.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)
    result = run_cli("questionnaire", folder, "--import", source)
    assert result.exit_code == 2, result.output
    assert_problem(result.stderr, re.escape(str(source)), "文件超过", f"larger than {MAX_FILE_BYTES // 2**20} MiB")


# --------------------------------------------------------------------------- 7. formulas are not answers


def test_formula_answers_are_refused_with_their_cell(tmp_path: Path) -> None:
    folder = tmp_path / "a"
    shutil.copytree(EXAMPLES / "shenzhen-ecommerce", folder)
    source = tmp_path / "q.xlsx"
    source.write_bytes(questionnaire_bytes(folder, tmp_path))
    book = load_workbook(source)
    ws = book[QSHEET]
    ws["F2"] = "=1=1"
    ws["F3"] = "=TRUE()"
    ws["F4"] = "=A1"
    book.save(source)
    before = (folder / "assessment.yaml").read_bytes()
    result = run_cli("questionnaire", folder, "--import", source, "--lang", "en")
    assert result.exit_code == 2, result.output
    for cell in ("F2", "F3", "F4"):
        assert_problem(result.stderr, re.escape(f"{source}: {QSHEET}!{cell}"), "公式", "formula")
    assert "Imported" not in result.stdout
    assert (folder / "assessment.yaml").read_bytes() == before


def test_formula_in_inventory_is_refused_with_its_cell(tmp_path: Path) -> None:
    source = tmp_path / "inv.xlsx"
    source.write_bytes(inventory_bytes())
    book = load_workbook(source)
    book.active["D2"] = "=1000*3"
    book.save(source)
    result = run_cli("import-inventory", source, "--out", tmp_path / "d.yaml")
    assert result.exit_code == 2, result.output
    assert_problem(result.stderr, re.escape(f"{source}!清单!D2"), "公式", "formula")


def test_workbooks_are_parsed_with_defusedxml_even_where_lxml_is_installed_and_asked_for() -> None:
    """lxml is installed (python-docx needs it) and openpyxl would take it, which neither refuses entities
    nor reads line breaks as defusedxml does; hegui takes defusedxml whatever the environment says."""
    import subprocess
    import sys

    probe = "import engine.xlsxsafe, openpyxl.xml as x, lxml; print(x.LXML, x.DEFUSEDXML)"
    env = {"OPENPYXL_LXML": "True", "OPENPYXL_DEFUSEDXML": "False", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]
