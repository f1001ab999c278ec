"""hegui scan safety against a real PostgreSQL server: read-only per transaction, timeouts, views,
partitioned tables, SQL_ASCII databases (tools/start-postgres.sh; HEGUI_TEST_PG_URL)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
import yaml
from conftest import PG_URL, requires_pg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, ProgrammingError
from typer.testing import CliRunner

from engine.discovery.scan import open_readonly

pytestmark = requires_pg

MOBILES = ", ".join(f"('1381234{i:04d}')" for i in range(20))


@pytest.fixture
def schema() -> Iterator[str]:
    assert PG_URL
    name = f"safe_{uuid.uuid4().hex[:8]}"
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
        conn.execute(text(f'CREATE TABLE "{name}".users (mobile text)'))
        conn.execute(text(f'INSERT INTO "{name}".users VALUES {MOBILES}'))
    yield name
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    engine.dispose()


def scan(app: typer.Typer, runner: CliRunner, out: Path, *args: str, url: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["scan", url or PG_URL or "", "--out", str(out), *args])
    return result.exit_code, result.output


def dataset_ids(out: Path) -> list[str]:
    return [ds["id"] for ds in yaml.safe_load(out.read_text(encoding="utf-8"))["datasets"]]


def test_pg_every_transaction_read_only_even_after_session_lifted(schema: str) -> None:
    assert PG_URL
    engine = open_readonly(PG_URL)
    with engine.connect() as conn:
        conn.execute(text("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE"))
        conn.execute(text("SET default_transaction_read_only = off"))
        conn.commit()
        with pytest.raises(DBAPIError, match="read-only transaction"):
            conn.execute(text(f'DELETE FROM "{schema}".users'))
        conn.rollback()
        with pytest.raises(DBAPIError, match="read-only transaction"):
            conn.execute(text(f'CREATE TABLE "{schema}".intruder (a int)'))
    engine.dispose()
    with create_engine(PG_URL).connect() as conn:
        assert conn.execute(text(f'SELECT count(*) FROM "{schema}".users')).scalar_one() == 20


def test_pg_locked_table_skipped_scan_goes_on(app: typer.Typer, runner: CliRunner, schema: str, tmp_path: Path) -> None:
    assert PG_URL
    holder = create_engine(PG_URL)
    with holder.connect() as conn:
        conn.execute(text(f'CREATE TABLE "{schema}".locked (email text)'))
        conn.commit()
        conn.execute(text(f'LOCK TABLE "{schema}".locked IN ACCESS EXCLUSIVE MODE'))  # held until rollback
        out = tmp_path / "d.yaml"
        code, output = scan(app, runner, out, "--tables", f"{schema}.*", "--timeout", "0.5")
        conn.rollback()
    holder.dispose()
    assert code == 0, output
    assert f"skipped {schema}.locked: not done or no lock within 0.5 s (--timeout)" in output
    assert dataset_ids(out) == [f"{schema}-users"]


def test_pg_slow_statement_skipped(app: typer.Typer, runner: CliRunner, schema: str, tmp_path: Path) -> None:
    assert PG_URL
    with create_engine(PG_URL).begin() as conn:
        conn.execute(text(f'CREATE VIEW "{schema}".slow AS SELECT pg_sleep(30)::text AS mobile'))
    out = tmp_path / "d.yaml"
    code, output = scan(app, runner, out, "--tables", f"{schema}.*", "--views", "--timeout", "0.5")
    assert code == 0, output
    assert f"skipped {schema}.slow: not done or no lock within 0.5 s" in output
    assert dataset_ids(out) == [f"{schema}-users"]


def test_pg_views_and_partitions(app: typer.Typer, runner: CliRunner, schema: str, tmp_path: Path) -> None:
    assert PG_URL
    with create_engine(PG_URL).begin() as conn:
        conn.execute(text(f'CREATE VIEW "{schema}".v_users AS SELECT mobile FROM "{schema}".users'))
        conn.execute(text(f'CREATE MATERIALIZED VIEW "{schema}".m_users AS SELECT mobile FROM "{schema}".users'))
        conn.execute(text(f'CREATE TABLE "{schema}".events (day date, mobile text) PARTITION BY RANGE (day)'))
        for year in (2025, 2026):
            conn.execute(
                text(
                    f'CREATE TABLE "{schema}".events_{year} PARTITION OF "{schema}".events '
                    f"FOR VALUES FROM ('{year}-01-01') TO ('{year + 1}-01-01')"
                )
            )
            conn.execute(text(f"INSERT INTO \"{schema}\".events VALUES ('{year}-03-01', '13812345678')"))
    out = tmp_path / "d.yaml"
    code, output = scan(app, runner, out, "--tables", f"{schema}.*")
    assert code == 0, output
    assert f"skipped view {schema}.v_users" in output and f"skipped view {schema}.m_users" in output
    assert dataset_ids(out) == [f"{schema}-events", f"{schema}-users"]
    events = yaml.safe_load(out.read_text(encoding="utf-8"))["datasets"][0]
    assert events["records"] == 2  # the parent counts the rows of every partition
    code, output = scan(app, runner, out, "--tables", f"{schema}.*", "--views", "--force")
    assert code == 0, output
    assert dataset_ids(out) == [f"{schema}-events", f"{schema}-m_users", f"{schema}-users", f"{schema}-v_users"]


def test_pg_sql_ascii_database_exit_2(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    assert PG_URL
    name = f"hegui_ascii_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(
                text(f"CREATE DATABASE {name} ENCODING 'SQL_ASCII' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'")
            )
    except ProgrammingError as exc:
        admin.dispose()
        pytest.skip(f"the test role cannot create databases: {exc.orig}")
    try:
        out = tmp_path / "d.yaml"
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        code, output = scan(app, runner, out, url=url)
        assert code == 2, output
        assert "the database encoding is SQL_ASCII" in output and "Traceback" not in output
        assert not out.exists()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE {name}"))
        admin.dispose()


def test_pg_unreadable_value_skips_table_without_echoing_it(
    app: typer.Typer, runner: CliRunner, schema: str, tmp_path: Path
) -> None:
    assert PG_URL
    with create_engine(PG_URL).begin() as conn:  # PostgreSQL keeps 'infinity'; Python's date cannot hold it
        conn.execute(text(f'CREATE TABLE "{schema}".odd (born date)'))
        conn.execute(text(f"INSERT INTO \"{schema}\".odd VALUES ('infinity')"))
    out = tmp_path / "d.yaml"
    code, output = scan(app, runner, out, "--tables", f"{schema}.*")
    assert code == 0, output
    assert (
        f"skipped {schema}.odd: cannot read (a value cannot be read as its column type (DataError; not shown))"
        in output
    )
    assert "infinity" not in output + out.read_text(encoding="utf-8")
    assert dataset_ids(out) == [f"{schema}-users"]
