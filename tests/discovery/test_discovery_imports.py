"""import-inventory from real CSV, XLSX and Fides files; the CSV parser is the one assessments use."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
import typer
import yaml
from openpyxl import Workbook
from typer.testing import CliRunner

from engine.dataset import Inventory
from engine.discovery.fides import fides_map
from engine.errors import InputError
from engine.inputs import load_assessment
from engine.taxonomy import taxonomy
from tests.conftest import assert_problem

EXAMPLE = Path(__file__).resolve().parents[2] / "assessments" / "examples" / "shenzhen-ecommerce"
HEADER = [
    "dataset",
    "name",
    "system",
    "storage_location",
    "records",
    "individuals",
    "grade",
    "field",
    "category",
]
ROWS = [
    ["members", "会员信息库", "CRM", "CN", "3,200,000", "3200000", "general", "mobile", "phone"],
    ["members", "会员信息库", "CRM", "CN", "3,200,000", "3200000", "general", "sfzh", ""],
    ["members", "会员信息库", "CRM", "CN", "3,200,000", "3200000", "general", "email", "email"],
    [
        "face-templates",
        "人脸特征库",
        "IAM",
        "CN",
        "410000",
        "410000",
        "general",
        "face",
        "facial_recognition",
    ],
    ["orders", "订单库", "OMS", "CN", "18500000", "2900000", "general", "consignee", "name"],
    ["browsing", "浏览日志", "DW", "CN", "920000000", "2600000", "general", "ip", "ip_address"],
]


def write_xlsx(path: Path, rows: list[list[str]]) -> None:
    book = Workbook()
    ws = book.active
    ws.title = "清单"
    ws.append(["数据集", "名称", "系统", "存储地", "记录数", "个人数", "分级", "字段", "个人信息类别"])
    for row in rows:
        ws.append([int(c) if c.isdigit() else c for c in row])
    book.save(path)


def write_csv(path: Path, rows: list[list[str]]) -> None:
    lines = [",".join(HEADER)] + [",".join(f'"{c}"' if "," in c else c for c in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_import(app: typer.Typer, runner: CliRunner, source: Path, out: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["import-inventory", str(source), "--out", str(out), *args])
    return result.exit_code, result.output


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_import_plugs_into_assessment(app: typer.Typer, runner: CliRunner, tmp_path: Path, kind: str) -> None:
    source = tmp_path / f"inventory.{kind}"
    (write_csv if kind == "csv" else write_xlsx)(source, ROWS)
    folder = tmp_path / "a"
    folder.mkdir()
    shutil.copy(EXAMPLE / "assessment.yaml", folder)
    code, output = run_import(app, runner, source, folder / "datasets.yaml")
    assert code == 0, output
    loaded = load_assessment(folder)
    assert loaded.datasets["members"].records == 3_200_000
    assert loaded.datasets["members"].categories() == ["email", "phone"]
    written = (folder / "datasets.yaml").read_text(encoding="utf-8")
    assert "field name suggests id_card_number" in written  # sfzh has no category: a comment, not a guess


def test_xlsx_unknown_category_names_the_cell(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    rows = [r.copy() for r in ROWS]
    rows[1][8] = "shouji"
    rows[3][4] = "many"
    source = tmp_path / "inv.xlsx"
    write_xlsx(source, rows)
    out = tmp_path / "datasets.yaml"
    code, output = run_import(app, runner, source, out)
    assert code == 2
    assert_problem(output, f"{re.escape(str(source))}!清单!I3", "未知的个人信息类别“shouji”；是否为“phone”？",
                   'unknown PI category "shouji"; did you mean "phone"?')
    assert_problem(output, f"{re.escape(str(source))}!清单!E5", "records 须为整数，实为 'many'",
                   "records must be a whole number, got 'many'")
    assert not out.exists()


def test_csv_errors_have_line_and_column(tmp_path: Path) -> None:
    rows = [r.copy() for r in ROWS]
    rows[2][3] = "XX"  # storage_location differs within members
    (tmp_path / "assessment.yaml").write_bytes((EXAMPLE / "assessment.yaml").read_bytes())
    write_csv(tmp_path / "datasets.csv", rows)
    with pytest.raises(InputError) as err:
        load_assessment(tmp_path)
    assert any(
        p.line == 4 and p.column == 4 and "differs from row 2" in p.message for p in err.value.problems
    )


FIDES = """\
dataset:
  - fides_key: crm_db
    name: CRM database
    collections:
      - name: users
        fields:
          - name: email
            data_categories: [user.contact.email]
          - name: address
            fields:
              - name: city
                data_categories: [user.contact.address.city]
          - name: lang
            data_categories: [user.demographic.language]
          - name: card
            data_categories: [user.financial.credit_card, user.custom.loyalty_tier]
          - name: created_at
            data_categories: [system.operations]
"""


def test_fides_import_reports_unmapped(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "fides.yml"
    source.write_text(FIDES, encoding="utf-8")
    out = tmp_path / "datasets.yaml"
    code, output = run_import(app, runner, source, out)
    assert code == 0, output
    inv = Inventory.model_validate(yaml.safe_load(out.read_text(encoding="utf-8")))
    fields = {(f.name, f.category) for f in inv.datasets[0].fields}
    assert inv.datasets[0].id == "crm_db-users"
    assert fields == {
        ("email", "email"),
        ("address.city", "postal_address"),
        ("lang", None),
        ("card", "bank_account"),
        ("created_at", None),
    }
    assert_problem(output, f"{re.escape(str(source))}:14:31: dataset.0.collections.0.fields.2.data_categories.0",
                   "Fides 类别 user.demographic.language 无对应的 hegui 个人信息类别",
                   "Fides category user.demographic.language has no hegui PI category")
    assert "user.custom.loyalty_tier" in output and "system.operations" not in output


def test_fides_bad_structure_exit_2(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "fides.yaml"
    source.write_text("dataset:\n  - name: no key\n", encoding="utf-8")
    code, output = run_import(app, runner, source, tmp_path / "d.yaml")
    assert code == 2
    assert_problem(output, r"fides\.yaml:2:5: dataset\.0\.fides_key", "缺少必填字段", "required field is missing")


def test_import_problems_are_bilingual(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    code, output = run_import(app, runner, tmp_path / "none.csv", tmp_path / "d.yaml")
    assert code == 2
    assert_problem(output, "none.csv", "文件不存在", "no such file")
    source = tmp_path / "inventory.txt"
    source.write_text("x", encoding="utf-8")
    code, output = run_import(app, runner, source, tmp_path / "d.yaml")
    assert code == 2
    assert_problem(output, "inventory.txt", "无法从扩展名判断格式", "cannot tell the format from the file name")
    source = tmp_path / "inventory.csv"
    write_csv(source, ROWS)
    source.write_text(source.read_text(encoding="utf-8").replace("category", "kategorie"), encoding="utf-8")
    code, output = run_import(app, runner, source, tmp_path / "d.yaml", "--location", "China")
    assert code == 2
    assert_problem(output, "^--location", "应为两位国家代码（如 CN），实为 'China'", "two-letter country code")
    code, output = run_import(app, runner, source, tmp_path / "d.yaml")
    assert code == 2
    assert_problem(output, r"inventory\.csv:1:9", "未知列 'kategorie'", "unknown column 'kategorie' (expected")
    assert_problem(output, r"inventory\.csv:1:1", "缺少列 'category'", "missing column 'category'")


def test_fides_map_targets_taxonomy_keys() -> None:
    table = fides_map()
    assert set(table.map.values()) <= set(taxonomy().categories)
    assert not set(table.map) & set(table.not_pi)
    assert table.lookup("user.government_id.national_identification_number") == "id_card_number"
    assert table.lookup("user.contact") is None  # a parent: too coarse, reported


def test_control_characters_are_refused_at_their_source_cell(
    app: typer.Typer, runner: CliRunner, tmp_path: Path
) -> None:
    """A control character in an inventory cell is named at its line and column (not at the YAML it
    would become); XLSX cannot even hold one (openpyxl refuses to write it)."""
    rows = [r.copy() for r in ROWS]
    rows[1][7] = "mo\x07bile"
    source = tmp_path / "inv.csv"
    with source.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADER, *rows])
    out = tmp_path / "datasets.yaml"
    code, output = run_import(app, runner, source, out)
    assert code == 2
    assert_problem(output, rf"{re.escape(str(source))}:3:8", "U+0007", "control character U+0007")
    assert not out.exists()
