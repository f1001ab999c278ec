"""hegui scan on real SQLite files: per-category precision and recall, masking, read-only, exit 2."""

from __future__ import annotations

import random
import re
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
import typer
import yaml
from discovery_synth import SHOP, expected, resident_id
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from engine.dataset import Inventory
from engine.discovery.scan import open_readonly
from engine.inputs import load_assessment
from tests.conftest import assert_problem

EXAMPLE = Path(__file__).resolve().parents[2] / "assessments" / "examples" / "shenzhen-ecommerce"
PRECISION = 0.9
RECALL = 0.9


def scan_to(app: typer.Typer, runner: CliRunner, url: str, out: Path, *args: str) -> Inventory:
    result = runner.invoke(app, ["scan", url, "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    return Inventory.model_validate(yaml.safe_load(out.read_text(encoding="utf-8")))


def proposals(inv: Inventory) -> dict[tuple[str, str], str | None]:
    name_en = {ds.id: ds.name.en.removeprefix("Table ") for ds in inv.datasets}  # type: ignore[union-attr]
    return {(name_en[ds.id], f.name): f.category for ds in inv.datasets for f in ds.fields}


def assert_precision_recall(got: dict[tuple[str, str], str | None], want: dict[tuple[str, str], str | None]) -> None:
    assert got.keys() == want.keys()
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for key, truth in want.items():
        guess = got[key]
        if guess == truth and truth:
            tp[truth] += 1
        else:
            if guess:
                fp[guess] += 1
            if truth:
                fn[truth] += 1
    wrong = {k: (got[k], v) for k, v in want.items() if got[k] != v}
    for cat in set(tp) | set(fp) | set(fn):
        assert tp[cat] / (tp[cat] + fp[cat]) >= PRECISION, (cat, wrong)
        assert tp[cat] / (tp[cat] + fn[cat]) >= RECALL, (cat, wrong)


def test_sqlite_precision_recall(app: typer.Typer, runner: CliRunner, shop_db: Path, tmp_path: Path) -> None:
    inv = scan_to(app, runner, f"sqlite:///{shop_db}", tmp_path / "datasets.yaml", "--sample", "200")
    assert_precision_recall(proposals(inv), expected(SHOP))
    orders = next(ds for ds in inv.datasets if ds.id == "orders")
    assert orders.records == 300 and orders.storage_location == "CN"


def test_output_has_evidence_but_no_raw_values(
    app: typer.Typer, runner: CliRunner, shop_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "datasets.yaml"
    scan_to(app, runner, f"sqlite:///{shop_db}", out)
    written = out.read_text(encoding="utf-8")
    assert "value check prc_resident_id" in written and "取值校验 prc_resident_id" in written
    assert "name hint not used" in written  # the `phone` column holding order numbers
    assert "free text mainland_mobile" in written and "自由文本 prc_resident_id" in written
    with sqlite3.connect(shop_db) as conn:
        for table, cols in SHOP.items():
            for col in cols:
                values = {str(v) for (v,) in conn.execute(f'SELECT "{col.name}" FROM "{table}"') if v is not None}
                # whole values, and numbers or addresses inside free text
                items = values | {m for v in values for m in re.findall(r"\d{6,}|\S+@\S+", v)}
                leaked = [v for v in items if len(v) >= 6 and v in written]
                assert not leaked, (table, col.name, leaked[:3])


def test_tables_filter_and_no_sampling(app: typer.Typer, runner: CliRunner, shop_db: Path, tmp_path: Path) -> None:
    inv = scan_to(
        app,
        runner,
        f"sqlite:///{shop_db}",
        tmp_path / "d.yaml",
        "--tables",
        "cust*,bad_values",
        "--sample",
        "0",
    )
    assert sorted(ds.id for ds in inv.datasets) == ["bad_values", "customers"]
    cats = {f.name: f.category for ds in inv.datasets for f in ds.fields}
    assert cats["shouji"] == "phone" and cats["cert_no"] == "id_card_number"  # names only without samples


def test_scanner_connection_refuses_writes(shop_db: Path) -> None:
    before = shop_db.read_bytes()
    engine = open_readonly(f"sqlite:///{shop_db}")
    with engine.connect() as conn, pytest.raises(DBAPIError, match=r"readonly|read-only|query_only|not authorized"):
        conn.execute(text("DELETE FROM customers"))
    engine.dispose()
    assert shop_db.read_bytes() == before


def test_scanned_inventory_plugs_into_an_assessment(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "crm.db"
    with sqlite3.connect(db) as conn:
        for table in ("members", "face-templates", "orders", "browsing"):
            conn.execute(f'CREATE TABLE "{table}" (user_id INTEGER, mobile TEXT, email TEXT)')
            conn.executemany(
                f'INSERT INTO "{table}" VALUES (?, ?, ?)',
                [(i, f"1391234{i:04d}", f"u{i}@example.com") for i in range(40)],
            )
    folder = tmp_path / "assessment"
    folder.mkdir()
    shutil.copy(EXAMPLE / "assessment.yaml", folder / "assessment.yaml")
    scan_to(app, runner, f"sqlite:///{db}", folder / "datasets.yaml")
    loaded = load_assessment(folder)
    assert set(loaded.datasets) == {"members", "face-templates", "orders", "browsing"}
    assert loaded.datasets["members"].categories() == ["email", "phone"]
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "not a database URL"),
        ("sqlite:///{tmp}/missing.db", "no SQLite database file"),
        ("sqlite://", "must name a database file"),
        ("nosuchdb://host/db", "unsupported database"),
        ("postgresql+psycopg://u:topsecret@127.0.0.1:1/db", "cannot connect"),
    ],
)
def test_bad_url_exit_2(app: typer.Typer, runner: CliRunner, tmp_path: Path, url: str, message: str) -> None:
    out = tmp_path / "datasets.yaml"
    result = runner.invoke(app, ["scan", url.format(tmp=tmp_path), "--out", str(out)])
    assert result.exit_code == 2
    assert message in result.output and "DATABASE_URL" in result.output
    assert "topsecret" not in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_bad_location_exit_2(app: typer.Typer, runner: CliRunner, shop_db: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["scan", f"sqlite:///{shop_db}", "--out", str(tmp_path / "d.yaml"), "--location", "China"]
    )
    assert result.exit_code == 2
    assert_problem(result.output, "^--location", "应为两位国家代码（如 CN），实为 'China'", "two-letter country code")


def test_sample_is_drawn_across_the_table(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    """A column filled only from row 1,500 (beiyong2) is found with a 300-row sample of 2,000 rows."""
    db = tmp_path / "late.db"
    rng = random.Random(5)
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE members (id INTEGER PRIMARY KEY, beiyong2 TEXT, ddh TEXT)")
        conn.executemany(
            "INSERT INTO members (beiyong2, ddh) VALUES (?, ?)",
            [(resident_id(rng) if i >= 1500 else None, str(13800000000 + 7 * i)) for i in range(2000)],
        )
    conn.close()
    inv = scan_to(app, runner, f"sqlite:///{db}", tmp_path / "d.yaml", "--sample", "300")
    cats = {f.name: f.category for ds in inv.datasets for f in ds.fields}
    # order numbers in a mobile segment: in key order they rise, so they are not phone numbers
    assert cats == {"id": None, "beiyong2": "id_card_number", "ddh": None}
