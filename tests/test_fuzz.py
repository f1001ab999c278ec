"""Property-based fuzzing of the inputs: whatever an assessment folder holds, `validate` and `assess`
end with 0, 1 or 2 (never an uncaught exception, which the real CLI turns into exit 3), and a refused
input writes nothing.

CI runs a bounded number of examples; `make fuzz` runs the long campaign (HEGUI_FUZZ_EXAMPLES, default
10,000 there) with hypothesis' statistics.
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLES, data_paths, run_cli

EXAMPLES_PER_TEST = int(os.environ.get("HEGUI_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES_PER_TEST,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
BASE = EXAMPLES / "offshore-saas"
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=80),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x20), max_size=5),  # control characters
    st.sampled_from(["no", "0x10", "190:20:30", "=1+1", "\u202eevil", "CN", "US", "consent", "controller"]),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
)


def _mutate(data: Any, path: tuple[Any, ...], action: str, value: Any) -> Any:
    if not path:
        return value if action == "replace" else data
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "add" and isinstance(parent, dict):
        parent[f"{last}_x"] = value
    else:
        parent[last] = value
    return data


def _check(folder: Path, out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)  # one tmp_path serves every example of a test
    validated = run_cli("validate", folder)
    assert validated.exit_code in (0, 2), validated.output
    assessed = run_cli("assess", folder, "--out", out, "--format", "json", "-q", "--fail-on", "none")
    assert assessed.exit_code in (0, 2), assessed.output
    assert (assessed.exit_code == 0) == (validated.exit_code == 0), (validated.output, assessed.output)
    if assessed.exit_code == 2:
        assert not out.exists() or not any(out.iterdir()), "a refused input must write nothing"
        assert assessed.stderr.strip(), "a refused input must say why"


def _copy(tmp: Path) -> Path:
    if tmp.exists():
        shutil.rmtree(tmp)
    shutil.copytree(BASE, tmp)
    return tmp


@FUZZ
@given(data=st.data())
def test_structural_mutations_of_assessment_yaml(tmp_path: Path, data: st.DataObject) -> None:
    folder = _copy(tmp_path / "in")
    doc = yaml.safe_load((folder / "assessment.yaml").read_text(encoding="utf-8"))
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        path = data.draw(st.sampled_from([(), *data_paths(doc)]), label="path")
        action = data.draw(st.sampled_from(["replace", "delete", "add"]), label="action")
        doc = _mutate(doc, path, action, data.draw(VALUES, label="value"))
    try:
        text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        return  # not representable as YAML: nothing for hegui to read
    (folder / "assessment.yaml").write_text(text, encoding="utf-8")
    _check(folder, tmp_path / "out")


@FUZZ
@given(data=st.data())
def test_byte_mutations_of_assessment_yaml_and_datasets_csv(tmp_path: Path, data: st.DataObject) -> None:
    folder = _copy(tmp_path / "in")
    name = data.draw(st.sampled_from(["assessment.yaml", "datasets.csv"]), label="file")
    raw = bytearray((folder / name).read_bytes())
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        at = data.draw(st.integers(0, len(raw)), label="at")
        cut = data.draw(st.integers(0, 40), label="cut")
        insert = data.draw(st.binary(max_size=24) | st.text(max_size=12).map(str.encode), label="insert")
        raw[at : at + cut] = insert
    (folder / name).write_bytes(bytes(raw))
    _check(folder, tmp_path / "out")


@FUZZ
@given(data=st.data())
def test_cell_mutations_of_datasets_csv(tmp_path: Path, data: st.DataObject) -> None:
    folder = _copy(tmp_path / "in")
    lines = (folder / "datasets.csv").read_text(encoding="utf-8").splitlines()
    rows = [line.split(",") for line in lines]
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        r = data.draw(st.integers(0, len(rows) - 1), label="row")
        c = data.draw(st.integers(0, len(rows[r])), label="column")
        cell = data.draw(st.text(max_size=30).map(lambda t: t.replace(",", ";").replace("\n", " ")), label="cell")
        if c == len(rows[r]):
            rows[r].append(cell)
        else:
            rows[r][c] = cell
    (folder / "datasets.csv").write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    _check(folder, tmp_path / "out")


@FUZZ
@given(data=st.data())
def test_cell_mutations_of_questionnaire_and_inventory_workbooks(tmp_path: Path, data: st.DataObject) -> None:
    """The Excel round trips: a questionnaire workbook edited anywhere is imported or refused (exit 2,
    assessment.yaml untouched); an inventory workbook likewise for import-inventory."""
    import openpyxl

    folder = _copy(tmp_path / "in")
    book_path = tmp_path / "q.xlsx"
    kind = data.draw(st.sampled_from(["questionnaire", "inventory"]), label="kind")
    if kind == "questionnaire":
        book_path.unlink(missing_ok=True)
        exported = run_cli("questionnaire", folder, "--export", book_path)
        assert exported.exit_code == 0, exported.output
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        for line in (folder / "datasets.csv").read_text(encoding="utf-8").splitlines():
            sheet.append(line.split(","))
        book.save(book_path)
    book = openpyxl.load_workbook(book_path)
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        sheet = book[data.draw(st.sampled_from(book.sheetnames), label="sheet")]
        row = data.draw(st.integers(1, max(sheet.max_row, 1) + 1), label="row")
        col = data.draw(st.integers(1, max(sheet.max_column, 1) + 1), label="col")
        value = data.draw(
            st.none()
            | st.booleans()
            | st.integers(-(10**12), 10**12)
            | st.floats(allow_nan=False)
            | st.text(max_size=40).filter(lambda t: not any(ord(c) < 32 for c in t))
            | st.sampled_from(["=1+1", '=HYPERLINK("x")', "是", "否", "yes", "2026-13-40"]),
            label="value",
        )
        sheet.cell(row=row, column=col, value=value)
    book.save(book_path)
    before = (folder / "assessment.yaml").read_bytes()
    if kind == "questionnaire":
        result = run_cli("questionnaire", folder, "--import", book_path)
        assert result.exit_code in (0, 2), result.output
        if result.exit_code == 2:
            assert (folder / "assessment.yaml").read_bytes() == before, "a refused import must change nothing"
            return
        _check(folder, tmp_path / "out")  # what an import wrote must load again
    else:
        out = tmp_path / "datasets.yaml"
        out.unlink(missing_ok=True)
        result = run_cli("import-inventory", book_path, "--out", out)
        assert result.exit_code in (0, 2), result.output
        assert (result.exit_code == 0) == out.exists()
