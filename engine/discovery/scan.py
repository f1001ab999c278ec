"""`hegui scan`: introspect a database read-only and propose a PI category per column.

One dataset per table: row count, columns with their types, and a proposal per column from
engine/discovery/classify.py. Tables are scanned and handed on one at a time (the inventory writer
writes each as it comes) and only counts and masked examples are kept, so memory stays flat however
many tables there are.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, column, create_engine, event, func, inspect, select, table
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.types import LargeBinary

from engine.dataset import DataField, Dataset
from engine.discovery.classify import ColumnStats, propose
from engine.discovery.emit import DraftDataset, DraftField, unique_slug
from engine.errors import InputError
from engine.taxonomy import taxonomy
from engine.text import Text

URL_ARG = "DATABASE_URL"
SYSTEM_SCHEMAS = frozenset({"information_schema", "pg_catalog", "pg_toast", "mysql", "performance_schema", "sys"})

# Session statements that make a connection refuse writes, per dialect; SQLite is also opened mode=ro.
_READ_ONLY = {
    "postgresql": "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
    "mysql": "SET SESSION TRANSACTION READ ONLY",
    "mariadb": "SET SESSION TRANSACTION READ ONLY",
    "sqlite": "PRAGMA query_only = ON",
}


def _bad_url(message: Text) -> InputError:
    return InputError.one(URL_ARG, message.both())


def open_readonly(url: str) -> Engine:
    """An engine whose every connection is read-only where the database allows it; never written through."""
    try:
        u = make_url(url)
    except ArgumentError:
        raise _bad_url(
            Text(
                zh="不是数据库 URL（例：sqlite:///shop.db、postgresql+psycopg://user@host/db）",
                en="not a database URL (e.g. sqlite:///shop.db, postgresql+psycopg://user@host/db)",
            )
        ) from None
    backend = u.get_backend_name()
    # every table's statements differ: a big compiled-statement cache would only grow with the tables
    kwargs: dict[str, Any] = {"query_cache_size": 50}
    if backend == "sqlite":
        kwargs["creator"] = _sqlite_creator(u)
        u = URL.create(u.drivername)
    elif backend == "postgresql":
        kwargs["connect_args"] = {"options": "-c default_transaction_read_only=on", "connect_timeout": 10}
    try:
        engine = create_engine(u, **kwargs)
    except (NoSuchModuleError, ImportError) as exc:
        raise _bad_url(
            Text(
                zh=f"不支持的数据库类型或未安装驱动：{u.drivername}（{exc}）",
                en=f"unsupported database or driver not installed: {u.drivername} ({exc})",
            )
        ) from None
    statement = _READ_ONLY.get(backend)
    if statement is not None:
        event.listen(engine, "connect", lambda dbapi_conn, _record: _set_read_only(dbapi_conn, statement))
    return engine


def _sqlite_creator(u: URL) -> Any:
    path = u.database
    if not path or path == ":memory:" or path.startswith("file:"):
        raise _bad_url(
            Text(
                zh="SQLite URL 须指向数据库文件（sqlite:///路径/文件.db）",
                en="a SQLite URL must name a database file (sqlite:///path/file.db)",
            )
        )
    file = Path(path)
    if not file.is_file():
        raise _bad_url(Text(zh=f"SQLite 数据库文件不存在：{file}", en=f"no SQLite database file at {file}"))
    uri = file.resolve().as_uri() + "?mode=ro"
    return lambda: sqlite3.connect(uri, uri=True, check_same_thread=False)


def _set_read_only(dbapi_conn: Any, statement: str) -> None:
    cursor = dbapi_conn.cursor()
    try:
        cursor.execute(statement)
    finally:
        cursor.close()
    dbapi_conn.commit()  # a session setting made inside a transaction that is later rolled back is lost


@dataclass
class ScanOptions:
    tables: list[str]  # fnmatch patterns on "table" or "schema.table"; empty: all
    sample: int  # rows sampled per table
    location: str  # ISO 3166-1 alpha-2 storage location for every dataset
    system: str | None  # system label; default from the URL (never the password)


@dataclass
class Scan:
    """One scan of a database: iterate it for each table's draft dataset, or a note on a skipped table."""

    url: str
    options: ScanOptions

    def __post_init__(self) -> None:
        self.engine = open_readonly(self.url)  # a bad URL is an input error before anything is written
        u = self.engine.url
        self.system = self.options.system or f"{u.get_backend_name()} {Path(u.database or '').name}".strip()

    def header(self) -> list[Text]:
        return [
            Text(
                zh="hegui scan 生成的数据集清单草稿：请逐项核对类别、存储地和个人数量后再用于评估。",
                en="Draft inventory written by hegui scan: review categories, storage location and counts before use.",
            ),
            Text(
                zh=f"来源：{self.system}，每表抽样至多 {self.options.sample} 行；注释中的示例均已脱敏。",
                en=f"Source: {self.system}, at most {self.options.sample} rows sampled per table; "
                "examples in comments are masked.",
            ),
        ]

    def __iter__(self) -> Iterator[DraftDataset | Text]:
        system = self.system
        try:
            with self.engine.connect() as conn:
                ids: set[str] = set()
                for schema, name in _tables(conn, self.options.tables):
                    item: DraftDataset | Text
                    try:
                        item = _scan_table(conn, schema, name, self.options, system, ids)
                    except SQLAlchemyError as exc:
                        qual, reason = _qualified(schema, name), _first_line(exc)
                        item = Text(
                            zh=f"跳过 {qual}：无法读取（{reason}）", en=f"skipped {qual}: cannot read ({reason})"
                        )
                    conn.rollback()  # one short read-only transaction per table
                    yield item
        except SQLAlchemyError as exc:
            reason = _first_line(exc)
            safe = self.engine.url.render_as_string(hide_password=True)
            raise _bad_url(
                Text(zh=f"无法连接或读取 {safe}：{reason}", en=f"cannot connect to or read {safe}: {reason}")
            ) from None
        finally:
            self.engine.dispose()


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0]


def _qualified(schema: str | None, name: str) -> str:
    return f"{schema}.{name}" if schema else name


def _tables(conn: Connection, patterns: list[str]) -> Iterator[tuple[str | None, str]]:
    insp = inspect(conn)
    if conn.dialect.name == "sqlite":
        schemas: list[str | None] = [None]
    else:
        default = insp.default_schema_name
        schemas = [
            None if s == default else s
            for s in insp.get_schema_names()
            if s not in SYSTEM_SCHEMAS and not s.startswith("pg_")
        ]
    for schema in schemas:
        for name in sorted(insp.get_table_names(schema=schema)):
            qual = _qualified(schema, name)
            if not patterns or any(fnmatchcase(name, p) or fnmatchcase(qual, p) for p in patterns):
                yield schema, name


def _scan_table(
    conn: Connection, schema: str | None, name: str, options: ScanOptions, system: str, ids: set[str]
) -> DraftDataset:
    insp = inspect(conn)
    qual = _qualified(schema, name)
    columns = insp.get_columns(name, schema=schema)
    try:
        table_comment = insp.get_table_comment(name, schema=schema).get("text")
    except NotImplementedError:
        table_comment = None
    readable = [c["name"] for c in columns if not isinstance(c["type"], LargeBinary)]
    t = table(name, *(column(c["name"]) for c in columns), schema=schema)
    rows = int(conn.execute(select(func.count()).select_from(t)).scalar_one())
    stats = {c: ColumnStats() for c in readable}
    if readable and options.sample > 0:
        result = conn.execute(select(*(t.c[c] for c in readable)).limit(options.sample))
        for row in result:
            for col_name, value in zip(readable, row, strict=True):
                stats[col_name].add(value)
    fields: list[DraftField] = []
    tax = taxonomy()
    for c in columns:
        col_stats = stats.get(c["name"], ColumnStats())
        p = propose(c["name"], c.get("comment"), col_stats)
        kind = _type_name(conn, c["type"])
        head = (
            Text(
                zh=f"{kind}；建议 {p.category}（置信度 {p.confidence:.2f}，{tax.categories[p.category].zh}）",
                en=f"{kind}; proposed {p.category} (confidence {p.confidence:.2f}, {tax.categories[p.category].en})",
            )
            if p.category
            else Text(zh=f"{kind}；未识别为个人信息", en=f"{kind}; no PI category proposed")
        )
        fields.append(DraftField(DataField(name=c["name"], category=p.category), [head, *p.evidence]))
    label = f"{qual}（{table_comment}）" if table_comment else qual
    dataset = Dataset(
        id=unique_slug(qual, ids),
        name=Text(zh=f"数据表 {label}", en=f"Table {qual}"),
        system=system,
        storage_location=options.location,
        records=rows,
        individuals=rows,
        fields=[f.data for f in fields],
    )
    comments = [
        Text(
            zh=f"表 {qual}：{rows} 行，{len(columns)} 列；individuals 暂按行数估计，请核对",
            en=f"table {qual}: {rows} rows, {len(columns)} columns; individuals estimated as the row count, "
            "please review",
        )
    ]
    return DraftDataset(dataset, fields, comments)


def _type_name(conn: Connection, type_: Any) -> str:
    try:
        return str(type_.compile(dialect=conn.dialect))
    except SQLAlchemyError:
        return type(type_).__name__
