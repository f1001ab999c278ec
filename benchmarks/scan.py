"""hegui scan: accuracy on the hard synthetic databases, then speed and memory on 500 tables.

First the hard databases of tests/discovery/hard_synth.py (the tuning seeds, the held-out one, and
the held-out one under names no pool has, hard_synth.UNSEEN_SETS):
precision and recall over PI columns, per seed and per category, beside columns per second, on SQLite
and, when HEGUI_TEST_PG_URL / HEGUI_TEST_MYSQL_URL are set, on PostgreSQL and MySQL/MariaDB.
Then SQLite, 500 tables x 20 columns, 1,000 sampled rows each: the time and columns per second of a
full scan written to datasets.yaml, and the peak memory (max RSS of a fresh process) when scanning
100 vs 500 tables: tables are scanned and written one at a time, so it should stay flat.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from engine.discovery.emit import DraftDataset, write
from engine.discovery.scan import Scan, ScanOptions
from tests.discovery import discovery_synth as synth
from tests.discovery import hard_synth as hard

TABLES = 500
ROWS = 1000
GENERATORS = (synth.resident_id, synth.mobile, synth.email, synth.order_number, synth.bank_card, synth.ip,
              synth.plate, synth.text, synth.person_name, synth.uscc)  # fmt: skip
NAMES = ("remark", "contact", "mail", "ref_no", "card", "addr", "car", "memo", "who", "org")


def _build(path: Path) -> None:
    """Table t000 with 20 columns (every generator twice, under names that say little), then copies."""
    engine = create_engine(f"sqlite:///{path}")
    cols = [synth.Col(f"{NAMES[i % 10]}_{i}", GENERATORS[i % 10], None) for i in range(20)]
    synth.build(engine, {"t000": cols}, ROWS)
    with engine.begin() as conn:
        for n in range(1, TABLES):
            conn.execute(text(f"CREATE TABLE t{n:03d} AS SELECT * FROM t000"))
    engine.dispose()


def _measure(url: str, tables: int, out: Path, queue: multiprocessing.Queue[tuple[float, int, int]]) -> None:
    """What `hegui scan` does: scan and write datasets.yaml, table by table."""
    start = time.perf_counter()
    found = Scan(url, ScanOptions([f"t{n:03d}" for n in range(tables)], ROWS, "CN", None))
    written = write((d for d in found if isinstance(d, DraftDataset)), found.header(), out)
    seconds = time.perf_counter() - start
    queue.put((seconds, written.fields, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def _hard_on(url: str, db: hard.HardDb, tmp: Path) -> tuple[dict[tuple[str, str], str | None], float, str | None]:
    """Build one hard database at `url` (SQLite: a file in tmp; PostgreSQL: a discovery2_ schema;
    MySQL: its tables), scan it, drop it: (proposals, seconds, schema)."""
    if url == "sqlite":
        url = f"sqlite:///{tmp}/hard-{db.seed}.db"
    engine = create_engine(url)
    schema = f"discovery2_bench_{db.seed}" if engine.dialect.name == "postgresql" else None
    if schema:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        hard.build(engine, db, schema=schema)
        start = time.perf_counter()
        got = hard.scan(url, [f"{schema}.*"] if schema else list(db.tables))
        return got, time.perf_counter() - start, schema
    finally:
        with engine.begin() as conn:
            if schema:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            elif engine.dialect.name != "sqlite":
                for t in db.tables:
                    conn.execute(text(f"DROP TABLE IF EXISTS `{t}`"))
        engine.dispose()


def accuracy(tmp: Path) -> None:
    """Precision and recall on the hard databases: tuning seeds, then the held-out one."""
    urls = {"SQLite": "sqlite", "PostgreSQL": os.environ.get("HEGUI_TEST_PG_URL"),
            "MySQL": os.environ.get("HEGUI_TEST_MYSQL_URL")}  # fmt: skip
    for label, url in urls.items():
        if not url:
            print(f"{label}: skipped (set HEGUI_TEST_{'PG' if label == 'PostgreSQL' else 'MYSQL'}_URL)")
            continue
        groups = (("tuning", hard.TUNING_SEEDS, 0), ("held-out", (hard.HELD_OUT,), 0),
                  ("held-out, unseen names 1", (hard.HELD_OUT,), 1),
                  ("held-out, unseen names 2", (hard.HELD_OUT,), 2))  # fmt: skip
        for group, seeds, unseen in groups:
            total = hard.Score()
            for seed in seeds:
                db = hard.draw(seed, unseen)
                got, seconds, schema = _hard_on(url, db, tmp)
                score = hard.Score().add(got, db.truth(schema))
                total.add(got, db.truth(schema))
                pi = sum(1 for v in db.truth().values() if v)
                print(f"{label} {group} seed {seed}: precision {score.precision():.3f} recall {score.recall():.3f} "
                      f"({sum(score.tp.values())} of {pi} PI columns found; {len(got)} columns x {hard.ROWS} rows "
                      f"in {seconds:.1f} s, {len(got) / seconds:.0f} columns/s)")  # fmt: skip
            print(f"{label} {group}: precision {total.precision():.3f} recall {total.recall():.3f}\n{total.table()}")


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        accuracy(Path(tmp))
        path = Path(tmp) / "bench.db"
        start = time.perf_counter()
        _build(path)
        print(f"built {TABLES} tables x 20 columns x {ROWS} rows in {time.perf_counter() - start:.1f} s "
              f"({path.stat().st_size / 2**20:.0f} MiB)")  # fmt: skip
        ctx = multiprocessing.get_context("spawn")  # a fresh process per run: its peak RSS is its own
        for tables in (100, TABLES):
            queue: multiprocessing.Queue[tuple[float, int, int]] = ctx.Queue()
            proc = ctx.Process(target=_measure, args=(f"sqlite:///{path}", tables, Path(tmp) / "datasets.yaml", queue))
            proc.start()
            seconds, columns, rss_kib = queue.get()
            proc.join()
            print(f"scan {tables:>3} tables: {seconds:6.1f} s, {columns / seconds:7.0f} columns/s, "
                  f"{columns * ROWS / seconds:9.0f} values/s, peak RSS {rss_kib / 1024:.0f} MiB")  # fmt: skip


if __name__ == "__main__":
    run()
