"""hegui scan against a real PostgreSQL server (tools/start-postgres.sh; HEGUI_TEST_PG_URL)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from conftest import PG_URL, requires_pg
from discovery_synth import SHOP, build, expected
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from test_discovery_scan import assert_precision_recall, proposals, scan_to
from typer.testing import CliRunner

from engine.discovery.scan import open_readonly

pytestmark = requires_pg


@pytest.fixture(scope="module")
def pg_schema() -> Iterator[str]:
    assert PG_URL
    schema = f"disc_{uuid.uuid4().hex[:8]}"
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    build(engine, SHOP, rows=300, schema=schema)
    yield schema
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def test_pg_precision_recall(app: typer.Typer, runner: CliRunner, pg_schema: str, tmp_path: Path) -> None:
    assert PG_URL
    out = tmp_path / "datasets.yaml"
    inv = scan_to(app, runner, PG_URL, out, "--tables", f"{pg_schema}.*", "--sample", "200")
    assert_precision_recall(proposals(inv), expected(SHOP, pg_schema))
    written = out.read_text(encoding="utf-8")
    assert 'column comment has "身份证"' in written  # PostgreSQL keeps column comments
    assert "hegui_test:hegui_test" not in written


def test_pg_scanner_connection_refuses_writes(pg_schema: str) -> None:
    assert PG_URL
    engine = open_readonly(PG_URL)
    with engine.connect() as conn:
        assert conn.execute(text("SHOW default_transaction_read_only")).scalar_one() == "on"
        with pytest.raises(DBAPIError, match="read-only transaction"):
            conn.execute(text(f'DELETE FROM "{pg_schema}".customers'))
        conn.rollback()
        with pytest.raises(DBAPIError, match="read-only transaction"):
            conn.execute(text(f'CREATE TABLE "{pg_schema}".intruder (a int)'))
    engine.dispose()
    with create_engine(PG_URL).connect() as conn:
        assert conn.execute(text(f'SELECT count(*) FROM "{pg_schema}".customers')).scalar_one() == 300


def test_pg_json_arrays_and_table_comments(app: typer.Typer, runner: CliRunner, pg_schema: str, tmp_path: Path) -> None:
    """jsonb, json and arrays are searched inside; COMMENT ON TABLE tells a configuration table."""
    assert PG_URL
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        for t in ("t_0042", "t_0043"):
            conn.execute(
                text(f'CREATE TABLE "{pg_schema}".{t} (id serial PRIMARY KEY, a jsonb, b json, c text[], ip text)')
            )
            conn.execute(
                text(
                    f'INSERT INTO "{pg_schema}".{t} (a, b, c, ip) VALUES (CAST(:a AS jsonb), CAST(:b AS json), :c, :ip)'
                ),
                [
                    {
                        "a": f'{{"k": {{"sj": "1391234{i:04d}"}}}}',
                        "b": f'[{{"mail": "u{i}@example.com"}}]',
                        "c": [f"6{i}", f"440305199001{i % 28 + 1:02d}0012"],
                        "ip": f"10.0.0.{i + 1}",
                    }
                    for i in range(40)
                ],
            )
        conn.execute(text(f"COMMENT ON TABLE \"{pg_schema}\".t_0042 IS '系统配置'"))
    engine.dispose()
    out = tmp_path / "d.yaml"
    inv = scan_to(app, runner, PG_URL, out, "--tables", f"{pg_schema}.t_004*")
    cats = {(ds.id.rsplit("-", 1)[-1], f.name): f.category for ds in inv.datasets for f in ds.fields}
    assert cats[("t_0042", "a")] == "phone" and cats[("t_0042", "b")] == "email"
    assert cats[("t_0042", "ip")] is None and cats[("t_0043", "ip")] == "ip_address"
    written = out.read_text(encoding="utf-8")
    assert "JSON or arrays; searched inside" in written and 'comment has "配置"' in written


def test_pg_big_table_sampled_by_pages_across_the_table(
    app: typer.Typer, runner: CliRunner, pg_schema: str, tmp_path: Path
) -> None:
    """120,000 rows: thinned out first (TABLESAMPLE BERNOULLI), still across the table and in key order."""
    assert PG_URL
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE TABLE "{pg_schema}".big (id serial PRIMARY KEY, beiyong2 text, ddh text)'))
        conn.execute(
            text(
                f'INSERT INTO "{pg_schema}".big (beiyong2, ddh) SELECT CASE WHEN g > 90000 THEN :idno END, '
                "(13800000000 + 7 * g)::text FROM generate_series(1, 120000) g"
            ),
            {"idno": "11010519491231002X"},
        )
    engine.dispose()
    inv = scan_to(app, runner, PG_URL, tmp_path / "d.yaml", "--tables", f"{pg_schema}.big", "--sample", "100")
    cats = {f.name: f.category for ds in inv.datasets for f in ds.fields}
    assert cats == {"id": None, "beiyong2": "id_card_number", "ddh": None}
