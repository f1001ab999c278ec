"""`hegui scan`: introspect a database read-only and propose a PI category per column.

One dataset per table: row count, columns with their types, and a proposal per column from
engine/discovery/classify.py. Tables are scanned and handed on one at a time (the inventory writer
writes each as it comes) and only counts and masked examples are kept, so memory stays flat however
many tables there are.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    FromClause,
    TableClause,
    column,
    create_engine,
    event,
    func,
    inspect,
    literal_column,
    select,
    table,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DataError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.types import LargeBinary

from engine.dataset import DataField, Dataset
from engine.discovery import DEFAULT_TIMEOUT
from engine.discovery.classify import ColumnStats, column_stats, propose
from engine.discovery.emit import DraftDataset, DraftField, unique_slug
from engine.errors import InputError, clip
from engine.hints import hints
from engine.i18n import both, message
from engine.taxonomy import taxonomy
from engine.text import Text

URL_ARG = "DATABASE_URL"
SYSTEM_SCHEMAS = frozenset({"information_schema", "pg_catalog", "pg_toast", "mysql", "performance_schema", "sys"})
TEXT_ENCODINGS = ("utf-8", "gb18030")  # tried in order on text a driver hands over as bytes

# Session statements that make a connection refuse writes (PostgreSQL is also read-only per
# transaction, see _begin_read_only; SQLite is opened mode=ro with an authorizer, see _sqlite_connect).
_MYSQL_SESSION = (
    "SET SESSION TRANSACTION READ ONLY",
    "SET SESSION lock_wait_timeout = {s}, SESSION innodb_lock_wait_timeout = {s}",
)
_READ_ONLY = {"mysql": _MYSQL_SESSION, "mariadb": _MYSQL_SESSION}

# Secrets in a URL or connection string: the password of `scheme://user:password@host`, and
# `password=`, `sslpassword=` and the like in a query string or libpq keyword/value form.
_USERINFO_SECRET = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/?#@\s]*:)[^\s/?#]*@")
_PARAM_SECRET = re.compile(
    r"(?i)(?P<head>\b\w*(?:password|passwd|pwd|passphrase|secret|token|api_?key|access_?key|sslkey)\w*)"
    r"(?P<eq>\s*=\s*)(?:'(?:[^'\\]|\\.)*'|\"[^\"]*\"|[^&;\s'\"]+)"
)


def mask_url(text: str) -> str:
    """`text` with every password or token of any URL or connection string in it replaced by ***.

    Every message that may hold a URL or a driver's words goes through here (hide_password only
    knows the user:password form; a password may also come as ?password= or sslpassword=)."""
    text = _USERINFO_SECRET.sub(lambda m: f"{m['head']}***@", text)
    return _PARAM_SECRET.sub(lambda m: f"{m['head']}{m['eq']}***", text)


def _bad_url(problem: Text) -> InputError:
    return InputError.one(URL_ARG, mask_url(problem.both()))


def open_readonly(url: str, timeout: float = DEFAULT_TIMEOUT) -> Engine:
    """An engine whose every connection is read-only where the database allows it; never written through.

    `timeout`: seconds a statement may run (PostgreSQL statement_timeout) or wait for a lock
    (PostgreSQL lock_timeout, SQLite busy timeout)."""
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
    millis = max(1, round(timeout * 1000))
    if backend == "sqlite":
        kwargs["creator"] = _sqlite_creator(u, timeout)
        u = URL.create(u.drivername)
    elif backend == "postgresql":
        options = f"-c default_transaction_read_only=on -c statement_timeout={millis} -c lock_timeout={millis}"
        kwargs["connect_args"] = {"options": options, "connect_timeout": max(1, min(10, round(timeout)))}
    elif backend in _READ_ONLY:  # MySQL and MariaDB (pymysql, mysqldb …)
        kwargs["connect_args"] = {"connect_timeout": max(1, min(10, round(timeout)))}
    try:
        engine = create_engine(u, **kwargs)
    except (NoSuchModuleError, ImportError) as exc:
        raise _bad_url(
            Text(
                zh=f"不支持的数据库类型或未安装驱动：{u.drivername}（{exc}）",
                en=f"unsupported database or driver not installed: {u.drivername} ({exc})",
            )
        ) from None
    statements = [s.format(s=max(1, round(timeout))) for s in _READ_ONLY.get(backend, ())]
    if statements:
        event.listen(engine, "connect", lambda dbapi_conn, _record: _set_read_only(dbapi_conn, statements))
    if backend == "postgresql":
        event.listen(engine, "do_connect", _connect_not_sql_ascii)
        event.listen(engine, "begin", lambda conn: _begin_read_only(conn, millis))
    return engine


def _connect_not_sql_ascii(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
    """Connect, refusing a SQL_ASCII database before SQLAlchemy reads from it: the server stores
    its text as unchecked bytes, which neither hegui nor SQLAlchemy's own start-up can read."""
    conn = dialect.loaded_dbapi.connect(*cargs, **cparams)
    info = getattr(conn, "info", None)  # psycopg 3 and psycopg2 report it; other drivers are not checked
    if info is not None and info.parameter_status("server_encoding") == "SQL_ASCII":
        conn.close()
        raise _bad_url(message("scan.sql_ascii"))
    return conn


def _begin_read_only(conn: Connection, millis: int) -> None:
    """Open every PostgreSQL transaction READ ONLY, with its own timeouts (SET LOCAL: this transaction only).

    A session default could be lifted by a later statement; a transaction already running read-only
    cannot be switched back to read-write once it has read anything."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(
            f"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = {millis}; SET LOCAL lock_timeout = {millis}"
        )
    finally:
        cursor.close()


def _sqlite_creator(u: URL, timeout: float) -> Any:
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
    if _wal_without_log(file):
        uri += "&immutable=1"
    return lambda: _sqlite_connect(uri, timeout)


def _wal_without_log(file: Path) -> bool:
    """A WAL-mode database with no -wal file: nothing is writing it, and opening it normally would
    create -wal and -shm files next to it. Opened immutable, SQLite reads it as it is."""
    with file.open("rb") as fh:
        header = fh.read(20)
    is_wal = header.startswith(b"SQLite format 3\x00") and header[18:20] == b"\x02\x02"
    return is_wal and not Path(f"{file}-wal").exists()


def _sqlite_connect(uri: str, timeout: float) -> sqlite3.Connection:
    conn = sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=False)
    conn.execute("PRAGMA query_only = ON")
    conn.set_authorizer(_sqlite_authorizer)
    return conn


# What SQLite lets hegui's connection do: read, and the PRAGMAs that describe tables. Everything
# else (writes, ATTACH, CREATE TEMP, PRAGMA query_only = OFF …) is denied before it runs. One
# exception: opening a virtual table (FTS5) asks to update sqlite_master while it parses the schema;
# that write could never happen (mode=ro, query_only, and writable_schema cannot be switched on).
_SQLITE_ALLOWED = frozenset(
    {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
)
_SQLITE_INFO_PRAGMAS = frozenset(
    {"table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list", "table_list"}
)
_SQLITE_SCHEMA_TABLES = frozenset({"sqlite_master", "sqlite_schema"})


def _sqlite_authorizer(action: int, arg1: str | None, arg2: str | None, _db: str | None, _trigger: str | None) -> int:
    allowed = (
        action in _SQLITE_ALLOWED
        or (action == sqlite3.SQLITE_TRANSACTION and arg1 in {"BEGIN", "COMMIT", "ROLLBACK"})
        or (action == sqlite3.SQLITE_PRAGMA and (arg2 is None or arg1 in _SQLITE_INFO_PRAGMAS))
        or (action == sqlite3.SQLITE_UPDATE and arg1 in _SQLITE_SCHEMA_TABLES)
    )
    return sqlite3.SQLITE_OK if allowed else sqlite3.SQLITE_DENY


def _set_read_only(dbapi_conn: Any, statements: list[str]) -> None:
    cursor = dbapi_conn.cursor()
    try:
        for statement in statements:
            cursor.execute(statement)
    finally:
        cursor.close()
    dbapi_conn.commit()  # a session setting made inside a transaction that is later rolled back is lost


def decode_text(raw: bytes) -> tuple[str, str] | None:
    """Text a driver handed over as bytes (SQLite TEXT that is not UTF-8), and the encoding that read it.

    Old Chinese systems store GBK/GB18030; those bytes are decoded so the values can be checked, and
    the evidence says so. Bytes neither encoding reads are not checked (and never echoed)."""
    for encoding in TEXT_ENCODINGS:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None


@dataclass
class ScanOptions:
    tables: list[str]  # fnmatch patterns on "table" or "schema.table"; empty: all
    sample: int  # rows sampled per table
    location: str  # ISO 3166-1 alpha-2 storage location for every dataset
    system: str | None  # system label; default from the URL (never the password)
    views: bool = False  # scan views and materialized views too (default: skipped with a note)
    timeout: float = DEFAULT_TIMEOUT  # seconds per statement or lock wait; a table over it is skipped


@dataclass(frozen=True)
class Relation:
    schema: str | None  # None: the default schema
    name: str
    view: bool  # a view or materialized view: it stores no rows of its own

    @property
    def qualified(self) -> str:
        return _qualified(self.schema, self.name)


@dataclass
class Scan:
    """One scan of a database: iterate it for each table's draft dataset, or a note on a skipped table.

    Creating it connects and lists the tables, so a bad URL, an unreadable database or a --tables
    that matches nothing is an input error before any output is opened."""

    url: str
    options: ScanOptions

    def __post_init__(self) -> None:
        self.engine = open_readonly(self.url, self.options.timeout)
        u = self.engine.url
        self.system = self.options.system or f"{u.get_backend_name()} {Path(u.database or '').name}".strip()
        try:
            with self._reading() as conn:
                self.relations = _relations(conn, self.options.tables)
        except BaseException:
            self.engine.dispose()
            raise

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            reason = _first_line(exc)
            raise _bad_url(
                Text(zh=f"无法连接或读取 {self.url}：{reason}", en=f"cannot connect to or read {self.url}: {reason}")
            ) from None

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
        try:
            with self._reading() as conn:
                ids: set[str] = set()
                for rel in self.relations:
                    if rel.view and not self.options.views:
                        yield message("scan.view_skipped", table=rel.qualified)
                        continue
                    item: DraftDataset | Text
                    try:
                        item = _scan_table(conn, rel, self.options, self.system, ids)
                    except SQLAlchemyError as exc:
                        item = _skipped(rel.qualified, exc, self.options.timeout)
                    conn.rollback()  # one short read-only transaction per table
                    yield item
        finally:
            self.engine.dispose()


def _skipped(qual: str, exc: SQLAlchemyError, timeout: float) -> Text:
    """Why a table was skipped, never quoting a value (a driver's message may hold one)."""
    orig = getattr(exc, "orig", None)
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate in _TIMEOUT_STATES or "database is locked" in str(orig):
        return message("scan.timeout", table=qual, seconds=f"{timeout:g}")
    if isinstance(exc, DataError):
        reason = message("scan.data_error", kind=type(orig or exc).__name__)
    else:
        line = _first_line(exc)
        reason = Text(zh=line, en=line)
    return Text(zh=f"跳过 {qual}：无法读取（{reason.zh}）", en=f"skipped {qual}: cannot read ({reason.en})")


_TIMEOUT_STATES = frozenset({"57014", "55P03"})  # PostgreSQL: query_canceled (statement_timeout), lock_not_available


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return mask_url((str(orig).strip().splitlines() or [type(orig).__name__])[0])


def _qualified(schema: str | None, name: str) -> str:
    return f"{schema}.{name}" if schema else name


_PG_RELATIONS = """
SELECT n.nspname, c.relname, c.relkind IN ('v', 'm')
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition
  AND left(n.nspname, 3) <> 'pg_' AND n.nspname <> 'information_schema'
ORDER BY 1, 2
"""


def _relations(conn: Connection, patterns: list[str]) -> list[Relation]:
    """The tables and views to scan, in order: PostgreSQL partitions are left to their parent
    table (scanned once, all rows), SQLite internal and full-text shadow tables are left out."""
    insp = inspect(conn)
    found: list[Relation] = []
    if conn.dialect.name == "sqlite":
        for schema, name, kind, *_ in conn.exec_driver_sql("PRAGMA table_list"):
            if schema == "main" and not name.startswith("sqlite_") and kind in {"table", "virtual", "view"}:
                found.append(Relation(None, name, kind == "view"))
        found.sort(key=lambda r: r.name)
    elif conn.dialect.name == "postgresql":
        default = insp.default_schema_name
        for schema, name, view in conn.exec_driver_sql(_PG_RELATIONS):
            found.append(Relation(None if schema == default else schema, name, bool(view)))
    else:
        default = insp.default_schema_name
        for s in insp.get_schema_names():
            if s in SYSTEM_SCHEMAS:
                continue
            schema = None if s == default else s
            found += [Relation(schema, n, False) for n in sorted(insp.get_table_names(schema=schema))]
            found += [Relation(schema, n, True) for n in sorted(insp.get_view_names(schema=schema))]
    if not patterns:
        return found
    chosen = [r for r in found if any(fnmatchcase(r.name, p) or fnmatchcase(r.qualified, p) for p in patterns)]
    if not chosen:
        names = [r.qualified for r in found]
        shown = ", ".join(clip(n) for n in names[:20]) + (" …" if len(names) > 20 else "")
        raise InputError.one("--tables", both("scan.no_tables", patterns=", ".join(patterns), names=shown or "—"))
    return chosen


def _scan_table(conn: Connection, rel: Relation, options: ScanOptions, system: str, ids: set[str]) -> DraftDataset:
    insp = inspect(conn)
    schema, name, qual = rel.schema, rel.name, rel.qualified
    all_columns = insp.get_columns(name, schema=schema)
    columns = [c for c in all_columns if c["name"]]  # a field needs a name; an empty one is reported
    comments = [
        message("scan.empty_column", table=qual, position=i + 1) for i, c in enumerate(all_columns) if not c["name"]
    ]
    try:
        table_comment = insp.get_table_comment(name, schema=schema).get("text")
    except NotImplementedError:
        table_comment = None
    readable = [c["name"] for c in columns if not isinstance(c["type"], LargeBinary)]
    t = table(name, *(column(c["name"]) for c in columns), schema=schema)
    rows = int(conn.execute(select(func.count()).select_from(t)).scalar_one())
    by_name = {c["name"]: c for c in columns}
    stats = {c: column_stats(c, by_name[c].get("comment")) for c in readable}
    encodings: dict[str, Counter[str]] = {c: Counter() for c in readable}
    if readable and options.sample > 0:
        key = _order_key(conn, rel, t)  # before _text_as_bytes: reflection reads text
        with _text_as_bytes(conn):
            for row in _sample(conn, t, key, readable, rows, options.sample, rel.view):
                for col_name, value in zip(readable, row, strict=False):
                    if isinstance(value, bytes):  # SQLite text, read undecoded: it may not be UTF-8
                        decoded = decode_text(value)
                        encodings[col_name][decoded[1] if decoded else ""] += 1
                        value = decoded[0] if decoded else None
                    stats[col_name].add(value)
    kind = hints().table_kind(name, table_comment)
    fields: list[DraftField] = []
    tax = taxonomy()
    for c in columns:
        col_stats = stats.get(c["name"], ColumnStats())
        p = propose(c["name"], c.get("comment"), col_stats, kind)
        type_name = _type_name(conn, c["type"])
        head = (
            Text(
                zh=f"{type_name}；建议 {p.category}（置信度 {p.confidence:.2f}，{tax.categories[p.category].zh}）",
                en=f"{type_name}; proposed {p.category} (confidence {p.confidence:.2f}, "
                f"{tax.categories[p.category].en})",
            )
            if p.category
            else Text(zh=f"{type_name}；未识别为个人信息", en=f"{type_name}; no PI category proposed")
        )
        notes = _encoding_notes(encodings.get(c["name"], Counter()))
        fields.append(DraftField(DataField(name=c["name"], category=p.category), [head, *p.evidence, *notes]))
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
    comments.insert(
        0,
        Text(
            zh=f"表 {qual}：{rows} 行，{len(all_columns)} 列；individuals 暂按行数估计，请核对",
            en=f"table {qual}: {rows} rows, {len(all_columns)} columns; individuals estimated as the row count, "
            "please review",
        ),
    )
    return DraftDataset(dataset, fields, comments)


BIG_TABLE = 100_000  # PostgreSQL: rows from which a table's rows are thinned out first (TABLESAMPLE)
THIN_TO = 10  # … to about this many times the sample size


def _sample(
    conn: Connection, t: TableClause, key: str | None, readable: list[str], rows: int, size: int, view: bool
) -> Iterator[Sequence[Any]]:
    """Up to `size` rows drawn at random across the whole table (not the first rows: PI may start
    late, in a column filled from row 1,500), handed on in key order so that the classifier can
    tell identifiers that rise with the key (order numbers) from phone numbers.

    PostgreSQL thins a big table out row by row first (TABLESAMPLE BERNOULLI: one pass, like
    COUNT(*)), so that only about THIN_TO times the sample is put in random order, not every row.
    (SYSTEM, by pages, would be cheaper but draws whole pages: rows added together come together.)"""
    big = conn.dialect.name == "postgresql" and not view and rows > max(BIG_TABLE, THIN_TO * size)
    drawn = _draw(conn, t, key, readable, size, rows, THIN_TO * 100.0 * size / rows if big else None)
    if key is not None:  # the key comes last in each row
        drawn.sort(key=lambda r: (r[-1] is None, r[-1]))
    return iter(drawn)


def _draw(
    conn: Connection, t: TableClause, key: str | None, readable: list[str], size: int, rows: int, percent: float | None
) -> list[Sequence[Any]]:
    """`size` rows in random order (all of them when there are no more), from about `percent` of the
    table's rows when given, with the order key last."""
    source: FromClause = t if percent is None else t.tablesample(func.bernoulli(percent))
    order = None if key is None else literal_column("rowid") if key == _ROWID else source.c[key]
    query = select(*(source.c[c] for c in readable), *([order.label("hegui_key")] if order is not None else []))
    if rows > size:
        query = query.order_by(func.rand() if conn.dialect.name in {"mysql", "mariadb"} else func.random())
    return list(conn.execute(query.limit(size)))


_ROWID = "\0rowid"  # SQLite's rowid as the order key (no column may have this name)


def _order_key(conn: Connection, rel: Relation, t: TableClause) -> str | None:
    """The column that orders a table's rows as they were added: a one-column primary key, else
    SQLite's rowid; None for views and tables with neither."""
    if rel.view:
        return None
    try:
        pk = inspect(conn).get_pk_constraint(rel.name, schema=rel.schema).get("constrained_columns") or []
    except (NotImplementedError, SQLAlchemyError):
        pk = []
    if len(pk) == 1 and pk[0] in t.c:
        return str(pk[0])
    return _ROWID if conn.dialect.name == "sqlite" else None


@contextmanager
def _text_as_bytes(conn: Connection) -> Iterator[None]:
    """SQLite hands TEXT over as bytes inside the block, so text that is not UTF-8 is decoded here
    (decode_text) instead of failing the whole table with a message that quotes the value."""
    raw = conn.connection.dbapi_connection
    if not isinstance(raw, sqlite3.Connection):
        yield
        return
    before = raw.text_factory
    raw.text_factory = bytes
    try:
        yield
    finally:
        raw.text_factory = before


def _encoding_notes(counts: Counter[str]) -> list[Text]:
    notes = [
        message("scan.encoding", count=n, encoding=enc.upper())
        for enc, n in sorted(counts.items())
        if enc and enc != TEXT_ENCODINGS[0]
    ]
    if counts[""]:
        notes.append(message("scan.undecodable", count=counts[""]))
    return notes


def _type_name(conn: Connection, type_: Any) -> str:
    try:
        return str(type_.compile(dialect=conn.dialect))
    except SQLAlchemyError:
        return type(type_).__name__
