"""hegui scan safety on real SQLite files: inputs never overwritten, secrets masked, odd encodings,
views and shadow tables, read-only connections, WAL databases left as found."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
import typer
import yaml
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from test_discovery_scan import scan_to
from typer.testing import CliRunner

from engine.discovery.scan import mask_url, open_readonly

MOBILES = [f"1381234{i:04d}" for i in range(20)]


def make_db(path: Path, *statements: str, rows: dict[str, list[tuple[object, ...]]] | None = None) -> Path:
    with sqlite3.connect(path) as conn:
        for statement in statements:
            conn.execute(statement)
        for table, values in (rows or {}).items():
            marks = ", ".join("?" * len(values[0]))
            conn.executemany(f'INSERT INTO "{table}" VALUES ({marks})', values)
    conn.close()
    return path


def scan(app: typer.Typer, runner: CliRunner, db: Path, out: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["scan", f"sqlite:///{db}", "--out", str(out), *args])
    return result.exit_code, result.output


def test_out_is_the_database_exit_2(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    db = make_db(tmp_path / "x.sqlite", "CREATE TABLE t (mobile TEXT)", rows={"t": [(m,) for m in MOBILES]})
    before = db.read_bytes()
    os.chdir(tmp_path)  # the relative forms: sqlite:///x.sqlite and --out x.sqlite
    result = runner.invoke(app, ["scan", "sqlite:///x.sqlite", "--out", "x.sqlite", "--force"])
    assert result.exit_code == 2, result.output
    assert "the output is an input of this run" in result.output
    assert db.read_bytes() == before


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:pw-SECRET@h/db",
        "postgresql+psycopg://u:pw@SECRET@h:5432/db",
        "postgresql://u@h/db?password=pw-SECRET",
        "postgresql://u@h/db?sslmode=require&sslpassword=pw-SECRET&application_name=x",
        "host=h user=u password='pw SECRET' dbname=db",
        "host=h password=pw-SECRET dbname=db",
        "mysql://u@h/db?PASSWORD=pw-SECRET;x=1",
        "https://h/x?api_key=pw-SECRET&access_token=pw-SECRET",
    ],
)
def test_mask_url_hides_every_secret(url: str) -> None:
    masked = mask_url(f"cannot connect to {url} (refused)")
    assert "SECRET" not in masked and "pw" not in masked
    assert "***" in masked and "h" in masked and masked.endswith(" (refused)")


def test_secret_in_query_string_never_printed(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "d.yaml"
    url = "postgresql+psycopg://u@127.0.0.1:1/db?password=topsecret&sslpassword=alsosecret"
    result = runner.invoke(app, ["scan", url, "--out", str(out)])
    assert result.exit_code == 2 and "cannot connect" in result.output
    assert "topsecret" not in result.output and "alsosecret" not in result.output
    assert not out.exists()


def test_gbk_text_is_decoded_not_skipped_nor_echoed(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    names = [f"张{c}手机{m}".encode("gbk") for c, m in zip("一二三四五六七八九十" * 2, MOBILES, strict=True)]
    db = make_db(
        tmp_path / "legacy.db",
        "CREATE TABLE members (name TEXT, remark TEXT)",
        rows={"members": [(n, n) for n in names]},
    )
    with sqlite3.connect(db) as conn:  # stored as TEXT (not BLOB): what an old GBK application leaves
        conn.execute("UPDATE members SET name = CAST(name AS TEXT), remark = CAST(remark AS TEXT)")
    conn.close()
    out = tmp_path / "d.yaml"
    code, output = scan(app, runner, db, out)
    assert code == 0, output
    written = out.read_text(encoding="utf-8")
    assert "skipped" not in output + written
    assert "20 sampled values are not UTF-8 text; decoded as GB18030" in written
    cats = {f["name"]: f.get("category") for f in yaml.safe_load(written)["datasets"][0]["fields"]}
    # "张一手机138…" is no person's name: the values rule the name hint out and their numbers speak
    assert cats == {"name": "phone", "remark": "phone"}
    assert not any(m in written + output for m in MOBILES) and "张一" not in written + output


def test_views_skipped_unless_asked(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    db = make_db(
        tmp_path / "v.db",
        "CREATE TABLE users (mobile TEXT)",
        "CREATE VIEW user_phones AS SELECT mobile FROM users",
        rows={"users": [(m,) for m in MOBILES]},
    )
    out = tmp_path / "d.yaml"
    code, output = scan(app, runner, db, out)
    assert code == 0, output
    assert "skipped view user_phones" in output and "--views" in output
    assert [ds["id"] for ds in yaml.safe_load(out.read_text(encoding="utf-8"))["datasets"]] == ["users"]
    inv = scan_to(app, runner, f"sqlite:///{db}", tmp_path / "v.yaml", "--views")
    assert sorted(ds.id for ds in inv.datasets) == ["user_phones", "users"]


def test_fts_shadow_and_internal_tables_skipped(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    db = make_db(
        tmp_path / "fts.db",
        "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, mobile TEXT)",  # makes sqlite_sequence
        "CREATE VIRTUAL TABLE notes USING fts5(body)",
        "ANALYZE",  # makes sqlite_stat1
        rows={"users": [(None, m) for m in MOBILES], "notes": [(f"请致电{m}",) for m in MOBILES]},
    )
    inv = scan_to(app, runner, f"sqlite:///{db}", tmp_path / "d.yaml")
    assert sorted(ds.id for ds in inv.datasets) == ["notes", "users"]
    assert {f.name: f.category for ds in inv.datasets for f in ds.fields}["body"] == "phone"


def test_tables_matching_nothing_exit_2(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    db = make_db(tmp_path / "t.db", "CREATE TABLE users (mobile TEXT)")
    out = tmp_path / "d.yaml"
    code, output = scan(app, runner, db, out, "--tables", "orders*,nothing")
    assert code == 2, output
    assert "--tables: " in output and "no table or view matches orders*, nothing (there are: users)" in output
    assert not out.exists()


def test_empty_column_name_is_a_reported_skip(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    db = make_db(tmp_path / "e.db", 'CREATE TABLE t ("" TEXT, mobile TEXT)', rows={"t": [("x", m) for m in MOBILES]})
    out = tmp_path / "d.yaml"
    code, output = scan(app, runner, db, out)
    assert code == 0, output
    written = out.read_text(encoding="utf-8")
    assert "skipped column 1 of t: its name is empty" in written
    fields = yaml.safe_load(written)["datasets"][0]["fields"]
    assert fields == [{"name": "mobile", "category": "phone"}]


@pytest.mark.parametrize("where", ["proc", "dir"])
def test_out_unwritable_exit_2(app: typer.Typer, runner: CliRunner, tmp_path: Path, where: str) -> None:
    db = make_db(tmp_path / "t.db", "CREATE TABLE users (mobile TEXT)")
    out = Path("/proc/hegui-scan.yaml") if where == "proc" else tmp_path
    code, output = scan(app, runner, db, out)
    assert code == 2, output
    assert str(out) in output and "Traceback" not in output


def test_sqlite_connection_denies_attach_and_lifting_query_only(tmp_path: Path) -> None:
    db = make_db(tmp_path / "t.db", "CREATE TABLE users (mobile TEXT)", rows={"users": [("13812345678",)]})
    before = db.read_bytes()
    engine = open_readonly(f"sqlite:///{db}")
    with engine.connect() as conn:
        for statement in (
            f"ATTACH DATABASE '{tmp_path / 'other.db'}' AS other",
            "PRAGMA query_only = OFF",
            "CREATE TEMP TABLE spill (a)",
            "INSERT INTO users VALUES ('x')",
            "UPDATE sqlite_master SET sql = NULL",
            "PRAGMA writable_schema = ON",
        ):
            with pytest.raises(DBAPIError, match=r"not authorized|may not be modified"):
                conn.execute(text(statement))
        assert conn.execute(text("SELECT count(*) FROM users")).scalar_one() == 1
    engine.dispose()
    assert db.read_bytes() == before and not (tmp_path / "other.db").exists()


def test_wal_database_left_as_found(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = make_db(
        folder / "wal.db", "PRAGMA journal_mode=WAL", "CREATE TABLE users (mobile TEXT)",
        rows={"users": [(m,) for m in MOBILES]},
    )  # fmt: skip
    before = sorted(os.listdir(folder))
    assert before == ["wal.db"]  # closed cleanly: no -wal or -shm file
    inv = scan_to(app, runner, f"sqlite:///{db}", tmp_path / "d.yaml")
    assert inv.datasets[0].fields[0].category == "phone"
    assert sorted(os.listdir(folder)) == before


def test_locked_database_reported_not_hung(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    db = make_db(tmp_path / "busy.db", "CREATE TABLE users (mobile TEXT)", rows={"users": [("13812345678",)]})
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")  # another program in the middle of writing
    try:
        code, output = scan(app, runner, db, tmp_path / "d.yaml", "--timeout", "0.2")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert code == 2, output
    assert "database is locked" in output and "Traceback" not in output
