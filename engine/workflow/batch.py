"""`hegui batch`: assess many assessment folders in a process pool, incrementally.

durable-rules must never be shared across threads, so each worker process builds its own compiled
engine in the pool initializer. Workers only compute (assess and render in memory); the parent
writes each assessment's files as one set (all or none, engine.output.write_files). Two folders that
declare one assessment id are both invalid, decided before anything runs. An assessment whose inputs,
rulebook version and options are unchanged since the last run, and whose output files are still the
very bytes that run wrote (content key and file hashes kept in DIR/.hegui-batch.json, per assessment
id), is skipped unless --force. One batch at a time writes into DIR (a lock file), and workers end with
the batch process however it ends.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import io
import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import traceback
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing, contextmanager, suppress
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import BaseModel, ValidationError

from engine import __version__
from engine.errors import INTERNAL_ERROR, InputError
from engine.i18n import both, message
from engine.inputs import ASSESSMENT_FILE, InputFiles
from engine.obligation import SEVERITIES
from engine.output import output_errors, reason, write_atomic, write_files
from engine.text import Text
from engine.validation import dotted, error_text
from engine.yamlsafe import _Loader

if TYPE_CHECKING:
    from engine.render.formats import Edition

STATE_FILE = ".hegui-batch.json"
STATE_VERSION = 2
LOCK_FILE = ".hegui-batch.lock"
RowStatus = Literal["assessed", "unchanged", "invalid", "failed"]


@dataclass(frozen=True)
class Options:
    """Everything besides the inputs that changes what a run writes."""

    formats: tuple[str, ...] = ("json",)
    report_lang: str | None = None
    as_of: date | None = None
    reproducible: bool = False
    edition: Edition = "filing"  # of the PIPIA and the filing documents: another edition is another output

    def key(self) -> str:
        return json.dumps([list(self.formats), self.report_lang, str(self.as_of), self.reproducible, self.edition])


@dataclass
class Row:
    """One assessment in the portfolio summary (summary.json/csv/xlsx)."""

    folder: str
    id: str = ""
    organisation: str = ""  # in the report language
    title: str = ""
    as_of: str = ""
    status: RowStatus = "assessed"
    gaps: dict[str, int] = field(default_factory=dict)  # by severity; empty unless assessed
    unknown: int | None = None  # None unless assessed: an invalid assessment has no counts, not zero
    waived: int | None = None
    pipia_required: bool | None = None
    transfer_mechanisms: dict[str, str] = field(default_factory=dict)
    error: str = ""

    def exceeds(self, fail_on: str) -> bool:
        """Same rule as engine.assess.exceeds, read from the counted (not waived) gaps."""
        if fail_on == "none":
            return False
        limit = SEVERITIES.index(fail_on)  # type: ignore[arg-type,unused-ignore]
        return any(self.gaps.get(s, 0) for s in SEVERITIES[: limit + 1])


@dataclass(frozen=True)
class Task:
    folder: Path
    options: Options
    previous_key: str | None  # skip when the new content key equals this
    inputs: InputFiles | None = None  # the folder's files, read by the batch process (a Dask run); else read here


@dataclass
class Outcome:
    row: Row
    key: str = ""
    files: dict[str, bytes] = field(default_factory=dict)


# --------------------------------------------------------------------------- discovery


def discover(paths: Iterable[Path]) -> list[Path]:
    """Every folder holding an assessment.yaml under the given paths (hidden folders skipped)."""
    found: set[Path] = set()
    problems: list[InputError] = []
    for path in paths:
        if not path.exists():
            problems.append(InputError.one(str(path), both("batch.no_path")))
            continue
        if path.is_file():
            path = path.parent
        before = len(found)
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            if ASSESSMENT_FILE in files:
                found.add(Path(root).resolve())
        if len(found) == before:
            problems.append(InputError.one(str(path), both("batch.no_assessment", file=ASSESSMENT_FILE)))
    if problems:
        raise InputError.merge(problems)
    return sorted(found)


def declared_ids(folders: Iterable[Path]) -> dict[Path, str]:
    """Each folder's assessment id as its assessment.yaml states it, read before anything is assessed (a
    folder whose id cannot be read is left to its worker to report)."""
    return {folder: ident for folder in folders if (ident := declared_id(folder / ASSESSMENT_FILE)) is not None}


def declared_id(path: Path) -> str | None:
    """`assessment.id`, read from the YAML parser's events only as far as it (a tenth of the time of a full
    load, which is the worker's job); None for anything a full load would refuse or not find."""
    # per open collection: [is a mapping, key of the entry being read (None: its key comes next)]
    open_: list[list[Any]] = []
    try:
        with path.open("rb") as fh:
            for event in yaml.parse(fh, Loader=_Loader):
                if isinstance(event, yaml.CollectionEndEvent):
                    open_.pop()
                    if not open_:
                        return None  # the document ended without it
                elif isinstance(event, yaml.NodeEvent):
                    top = open_[-1] if open_ else None
                    if top is not None and top[0] and top[1] is None:  # a key
                        if not isinstance(event, yaml.ScalarEvent):
                            return None  # an alias or a complex key: refused by the full load
                        top[1] = event.value
                        continue
                    if isinstance(event, yaml.CollectionStartEvent):
                        open_.append([isinstance(event, yaml.MappingStartEvent), None])
                        continue
                    if isinstance(event, yaml.ScalarEvent) and [c[1] for c in open_] == ["assessment", "id"]:
                        return str(event.value)
                if open_ and open_[-1][0] and not isinstance(event, yaml.CollectionStartEvent):
                    open_[-1][1] = None  # a value ended: the next node is a key
    except (OSError, yaml.YAMLError):
        return None
    return None


def shared_ids(ids: dict[Path, str]) -> dict[Path, Row]:
    """The invalid rows of folders that declare an id another folder of the batch declares too: all of
    them, whatever order they would finish in (they would share one output folder)."""
    folders: defaultdict[str, list[Path]] = defaultdict(list)
    for folder, ident in ids.items():
        folders[ident].append(folder)
    rows = {}
    for ident, group in folders.items():
        for folder in group if len(group) > 1 else ():
            others = ", ".join(str(f) for f in sorted(group) if f != folder)
            error = both("batch.duplicate_ids", id=ident, others=others)
            rows[folder] = Row(folder=str(folder), id=ident, status="invalid", error=error)
    return rows


# --------------------------------------------------------------------------- worker side


def init_worker() -> None:
    """Worker initializer: this process's own compiled engine (durable-rules is never shared)."""
    from engine.assess import compiled

    exit_with_parent()
    compiled.cache_clear()
    compiled()


def exit_with_parent() -> None:
    """End this worker as soon as the batch process is gone (killed, say) instead of living on, an orphan
    holding its few hundred MB. multiprocessing's parent sentinel turns readable when the batch process
    dies, for a forked worker and a forkserver's alike (whose parent, for multiprocessing, is the batch);
    a forkserver ends by itself once the batch and its last worker are gone (they hold its lifeline)."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="hegui-lifeline", daemon=True).start()


def content_key(input_hash: str, rulebook_version: str, options: Options) -> str:
    parts = [input_hash, rulebook_version, __version__, options.key()]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def assess_folder(task: Task) -> Outcome:
    """Assess and render one folder in memory; one failure never stops the batch."""
    from engine import usecases
    from engine.rulebook import rulebooks

    row = Row(folder=str(task.folder), id=task.folder.name)
    try:
        loaded = usecases.load(task.inputs if task.inputs is not None else task.folder)
        meta = loaded.assessment.assessment
        row.id = meta.id
        lang = task.options.report_lang or meta.language
        row.organisation, row.title = _text(loaded.assessment.organisation.name, lang), _text(meta.title, lang)
        key = content_key(loaded.input_hash, rulebooks().version, task.options)
        if key == task.previous_key:
            row.status = "unchanged"
            return Outcome(row, key)
        assessed = usecases.assess(loaded, task.options.as_of)
        doc = assessed.doc
        wanted = ["json", *(f for f in task.options.formats if f != "json")]
        files = usecases.render(
            assessed,
            wanted,
            lang,  # type: ignore[arg-type]
            task.options.reproducible,
            task.options.edition,
        )
    except InputError as exc:
        row.status, row.error = "invalid", str(exc)
        return Outcome(row)
    except Exception:  # an internal error: recorded with its traceback, and the others go on
        row.status, row.error = "failed", traceback.format_exc().rstrip()
        return Outcome(row)
    row.as_of = doc.assessment.as_of
    row.gaps = {s: doc.summary.gaps_by_severity.get(s, 0) for s in SEVERITIES}
    row.unknown = doc.summary.by_status.get("unknown", 0)
    row.waived = doc.summary.by_status.get("waived", 0)
    row.pipia_required = doc.pipia_required.required
    row.transfer_mechanisms = {t.id: t.mechanism for t in doc.transfers}
    return Outcome(row, key, files)


def _text(label: str | Text, lang: str) -> str:
    """A name or title as one string in the report language (`中文 / English` for a bilingual report)."""
    if isinstance(label, str):
        return label
    return label.both() if lang == "bilingual" else label.get(lang)


# --------------------------------------------------------------------------- parent side


class Entry(BaseModel):
    """What a batch last wrote into DIR/<id>/: the content key of its inputs and options, the SHA-256 of
    each file, and the summary row."""

    key: str
    files: dict[str, str]
    row: Row


class StateFile(BaseModel):
    version: int
    entries: dict[str, Entry]


def sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@dataclass
class State:
    """What the last runs produced, per assessment id (that is, per output folder)."""

    entries: dict[str, Entry] = field(default_factory=dict)

    @classmethod
    def load(cls, out: Path, *, damaged_ok: bool = False) -> State:
        """The state of earlier runs; one another hegui version wrote counts as none (everything is
        assessed again). A damaged one is an error unless `damaged_ok` (--force: it is rewritten)."""
        path = out / STATE_FILE
        why: str | Text
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("version") != STATE_VERSION:
                return cls()
            return cls(StateFile.model_validate(data).entries)
        except FileNotFoundError:
            return cls()
        except OSError as exc:
            why = reason(exc)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            text, where = error_text(err), dotted(err["loc"])
            why = Text(zh=f"{where}：{text.zh}", en=f"{where}: {text.en}")
        except (ValueError, RecursionError) as exc:  # not JSON (UnicodeDecodeError is a ValueError too)
            why = str(exc).splitlines()[0]
        if damaged_ok:
            return cls()
        raise InputError.one(str(path), both("batch.state_damaged", why=why))

    def save(self, out: Path) -> None:
        entries = dict(sorted(self.entries.items()))  # by id, not in the order the assessments finished
        doc = StateFile(version=STATE_VERSION, entries=entries).model_dump(mode="json")
        write_atomic(out / STATE_FILE, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")

    def previous_key(self, ident: str | None, out: Path) -> str | None:
        """The stored key, but only while every file that run wrote is still there byte for byte: one that
        another folder or batch has written since is not this input's output."""
        entry = self.entries.get(ident) if ident else None
        if ident is None or entry is None:
            return None
        if any(sha256(out / ident / name) != digest for name, digest in entry.files.items()):
            return None
        return entry.key

    def row(self, ident: str, folder: str) -> Row:
        return replace(self.entries[ident].row, folder=folder, status="unchanged")


@dataclass
class BatchResult:
    rows: list[Row]

    def count(self, status: RowStatus) -> int:
        return sum(1 for r in self.rows if r.status == status)

    def exit_code(self, fail_on: str) -> int:
        """2 if any input was invalid, else 3 (hegui's internal error) if any failed, else 1 if a gap
        reaches fail_on, else 0."""
        if any(r.status == "invalid" for r in self.rows):
            return 2
        if any(r.status == "failed" for r in self.rows):
            return INTERNAL_ERROR
        return 1 if any(r.exceeds(fail_on) for r in self.rows) else 0


Listener = Callable[[Row], None]


Remote = Callable[[list[Task]], Generator[Outcome, None, None]]  # runs the tasks elsewhere, yields as they finish


def run_batch(
    folders: list[Path],
    out: Path,
    options: Options,
    *,
    jobs: int,
    force: bool,
    on_done: Listener,
    remote: Remote | None = None,
) -> BatchResult:
    """Assess `folders` with `jobs` worker processes, or elsewhere through `remote` (a Dask cluster:
    engine/workflow/dask_runner.py `on_cluster`); writes DIR/<id>/…, the state and the summaries here either way."""
    with locked(out):
        state = State.load(out, damaged_ok=force)
        ids = declared_ids(folders)
        rejected = shared_ids(ids)
        tasks = [
            Task(f, options, None if force else state.previous_key(ids.get(f), out))
            for f in folders
            if f not in rejected
        ]
        claimed: dict[str, str] = {}  # assessment id -> folder, should an id change while the batch runs
        rows: list[Row] = []
        try:
            finished = remote(tasks) if remote is not None else _outcomes(tasks, jobs)
            with closing(finished) as outcomes:  # its workers (or cluster tasks) stop however this loop ends
                for outcome in outcomes:
                    row = _settle(outcome, out, state, claimed)
                    rows.append(row)
                    on_done(row)
        finally:
            state.save(out)
        for row in rejected.values():  # reported last: a progress bar's thread must not start before the fork
            rows.append(row)
            on_done(row)
        rows.sort(key=lambda r: r.folder)
        write_summaries(rows, out)
    return BatchResult(rows)


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold DIR's lock file for the block: a second batch into DIR meanwhile is refused, since the state
    each keeps in memory and saves at its end would lose what the other recorded."""
    with output_errors(out):
        out.mkdir(parents=True, exist_ok=True)
    with output_errors(out / LOCK_FILE):
        fd = os.open(out / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError.one(str(out), both("batch.locked")) from None
        yield
    finally:
        os.close(fd)  # releases the lock


# WeasyPrint's caches grow a worker by 10-20% over 25 PDFs (benchmarks/batch.py): a worker that renders
# PDFs is replaced after this many assessments, which keeps its memory bounded at ~1% of the time.
PDF_TASKS_PER_WORKER = 10


def _outcomes(tasks: list[Task], jobs: int) -> Generator[Outcome, None, None]:
    """Outcomes as they finish, in any order; a worker process that dies never stops the batch.

    A worker killed by a segfault in durable-rules, the OOM killer or os._exit breaks its whole pool and
    fails the tasks in flight with it (multiprocessing.Pool waited for a lost task forever). They go to a
    fresh pool; a task caught in two broken pools then runs alone, so that only a folder that kills its
    own worker is recorded as failed, never an innocent neighbour.
    """
    pdf = any("pdf" in t.options.formats for t in tasks)
    strikes: Counter[Task] = Counter()  # broken pools each task was in flight in
    queue = tasks
    while queue:
        for task in (t for t in queue if strikes[t] >= 2):
            yield from _run([task], 1, pdf)
        caught, untried = yield from _run([t for t in queue if strikes[t] < 2], jobs, pdf)
        strikes.update(caught)
        queue = caught + untried


def _pool(workers: int, pdf: bool) -> ProcessPoolExecutor:
    """A fresh pool: forkserver workers replaced every PDF_TASKS_PER_WORKER when PDFs are rendered."""
    if pdf:
        # replacement workers start while the pool's own threads run: forkserver forks them from a clean
        # single-threaded server instead of this process; each builds its engine in init_worker
        return ProcessPoolExecutor(
            workers,
            multiprocessing.get_context("forkserver"),
            init_worker,
            max_tasks_per_child=PDF_TASKS_PER_WORKER,
        )
    # fork is fast and safe here: a pool forks all its workers at its first task, before its own threads
    # start and, for the first pool, before the caller's progress bar starts a thread (only a pool that
    # replaces a broken one, after a crash, forks beside it); each builds its own engine in init_worker
    return ProcessPoolExecutor(workers, multiprocessing.get_context("fork"), init_worker)


def _run(tasks: list[Task], jobs: int, pdf: bool) -> Generator[Outcome, None, tuple[list[Task], list[Task]]]:
    """Run `tasks` in one pool, yielding outcomes as they finish, until done or a worker dies.

    Returns the tasks in flight when a worker died and those not submitted yet; in a pool for one task
    alone, that task killed its worker and is recorded as failed here. Each worker has one task in
    flight at most: a broken pool takes no more with it, and a backlog would hang a pool with
    max_tasks_per_child (CPython gh-115634: workers that exit are then no longer replaced).
    """
    if not tasks:
        return [], []
    workers = min(jobs, len(tasks))
    pool = _pool(workers, pdf)
    untried = deque(tasks)
    running: dict[Future[Outcome], Task] = {}
    caught: list[Task] = []
    ended: list[BaseProcess] = []  # the workers when the pool broke, to tell how a task's own one ended

    def submit() -> None:
        with suppress(BrokenProcessPool):  # then the tasks in flight fail too, and are caught
            while untried and len(running) < workers:
                future = pool.submit(assess_folder, untried[0])
                running[future] = untried.popleft()

    try:
        submit()
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            if any(isinstance(f.exception(), BrokenProcessPool) for f in done):
                ended = list((getattr(pool, "_processes", None) or {}).values())  # CPython's record
                done, _ = wait(running)  # the pool fails all the others at once
            finished = {f: running.pop(f) for f in done}
            caught = [t for f, t in finished.items() if isinstance(f.exception(), BrokenProcessPool)]
            if not caught:
                submit()  # before the outcomes go out: no worker waits while the caller writes them
            for future in finished:
                if not isinstance(future.exception(), BrokenProcessPool):
                    yield future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # joins every worker: none is left behind
    if len(tasks) == 1 and caught:
        yield died(tasks[0], ended[0].exitcode if len(ended) == 1 else None)
        return [], []
    return caught, list(untried)


def died(task: Task, exitcode: int | None) -> Outcome:
    """The failed row of a task whose worker process died, with its signal (by name) or exit code."""
    status: str | Text = message("v.none")
    if exitcode is not None:
        try:
            status = signal.Signals(-exitcode).name if exitcode < 0 else str(exitcode)
        except ValueError:  # not a signal this platform names
            status = str(exitcode)
    row = Row(folder=str(task.folder), id=task.folder.name, status="failed")
    row.error = both("batch.worker_died", status=status)
    return Outcome(row)


def _settle(outcome: Outcome, out: Path, state: State, claimed: dict[str, str]) -> Row:
    """Record one finished folder: write its files (all or none) or take its stored row."""
    row = outcome.row
    folder = row.folder
    if row.status in ("invalid", "failed"):
        return row
    other = claimed.setdefault(row.id, folder)
    if other != folder:
        row.status = "invalid"
        row.error = both("batch.duplicate_id", id=row.id, other=other)
        return row
    if row.status == "unchanged":
        return state.row(row.id, folder)
    try:
        write_files(out / row.id, outcome.files)
    except InputError as exc:  # a full disk, say: DIR/<id>/ keeps what it had, and its state entry
        row.status, row.error = "invalid", str(exc)
        return row
    files = {name: hashlib.sha256(data).hexdigest() for name, data in outcome.files.items()}
    state.entries[row.id] = Entry(key=outcome.key, files=files, row=replace(row))
    return row


# --------------------------------------------------------------------------- summaries

COLUMNS: list[tuple[str, str]] = [  # key, bilingual header for people (xlsx)
    ("id", "评估编号 / Assessment id"),
    ("organisation", "组织 / Organisation"),
    ("title", "标题 / Title"),
    ("folder", "文件夹 / Folder"),
    ("as_of", "评估基准日 / As of"),
    ("status", "状态 / Status"),
    *((f"gaps_{s}", f"{z}差距 / {s} gaps") for s, z in zip(SEVERITIES, ("严重", "高", "中", "低"), strict=True)),
    ("unknown", "待确认 / Unknown"),
    ("waived", "已豁免 / Waived"),
    ("pipia_required", "须开展影响评估 / PIPIA required"),
    ("transfer_mechanisms", "出境路径 / Transfer mechanisms"),
    ("error", "错误 / Error"),
]


def flat(row: Row) -> dict[str, Any]:
    """A row as the flat record of summary.csv and summary.xlsx: numbers and booleans as such, None for
    what is not known (an empty cell), never a 0 for an assessment that could not be assessed."""
    return {
        "id": row.id,
        "organisation": row.organisation,
        "title": row.title,
        "folder": row.folder,
        "as_of": row.as_of,
        "status": row.status,
        **{f"gaps_{s}": row.gaps.get(s) for s in SEVERITIES},
        "unknown": row.unknown,
        "waived": row.waived,
        "pipia_required": row.pipia_required,
        "transfer_mechanisms": "; ".join(f"{k}: {v}" for k, v in sorted(row.transfer_mechanisms.items())),
        "error": row.error,
    }


def _csv(value: Any) -> Any:
    """CSV has only text: booleans as true/false (as in JSON and YAML), None as an empty field."""
    return str(value).lower() if isinstance(value, bool) else value


def write_summaries(rows: list[Row], out: Path) -> None:
    """summary.json (the portfolio with totals), summary.csv and summary.xlsx: one row per assessment."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from engine.render.cells import append, inert
    from engine.rulebook import rulebooks

    totals = {s: sum(1 for r in rows if r.status == s) for s in ("assessed", "unchanged", "invalid", "failed")}
    doc = {
        "engine": {"version": __version__, "rulebook_version": rulebooks().version},
        "totals": {
            "assessments": len(rows),
            **totals,
            "gaps_by_severity": {s: sum(r.gaps.get(s, 0) for r in rows) for s in SEVERITIES},
            "pipia_required": sum(1 for r in rows if r.pipia_required),
        },
        "assessments": [asdict(r) for r in rows],
    }
    write_atomic(out / "summary.json", json.dumps(doc, ensure_ascii=False, indent=2) + "\n")

    records = [flat(r) for r in rows]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[k for k, _ in COLUMNS], lineterminator="\r\n")  # CR in a name is quoted
    writer.writeheader()
    writer.writerows({k: inert(_csv(v)) for k, v in rec.items()} for rec in records)
    write_atomic(out / "summary.csv", buf.getvalue())

    wb = Workbook()
    ws = wb.active
    ws.title = "summary"
    ws.append([h for _, h in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for rec in records:
        append(ws, [rec[k] for k, _ in COLUMNS])  # folder names and errors are user text: never formulas
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    data = io.BytesIO()
    wb.save(data)
    write_atomic(out / "summary.xlsx", data.getvalue())
