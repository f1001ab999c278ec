"""hegui scan on SQLite: 500 tables x 20 columns, 1,000 sampled rows each.

Prints the time and columns per second of a full scan written to datasets.yaml, and the peak memory
(max RSS of a fresh process) when scanning 100 vs 500 tables: tables are scanned and written one at a
time, so it should stay flat.
"""

from __future__ import annotations

import multiprocessing
import resource
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from engine.discovery.emit import DraftDataset, write
from engine.discovery.scan import Scan, ScanOptions
from tests.discovery import discovery_synth as synth

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


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
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
