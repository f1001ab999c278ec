"""Batch throughput, scaling and worker memory: `python -m benchmarks.batch` (or `run()`).

Generates 1,000 varied assessments (JSON output only) and 50 rendered in every registered format,
runs each set with 1 and 2 worker processes, and prints assessments per second, the scaling ratio
and the largest worker's resident memory early and late in the run (it should stay flat; workers that
render PDFs are replaced every engine.workflow.batch.PDF_TASKS_PER_WORKER assessments).
"""

from __future__ import annotations

import random
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from multiprocessing import active_children
from pathlib import Path
from typing import Any

import yaml

from engine.questions import Question, question_bank
from engine.render.formats import RENDERERS
from engine.resources import data_dir
from engine.workflow.batch import Options, Row, run_batch

EXAMPLE = data_dir("rulebooks").parent / "assessments" / "examples" / "shenzhen-ecommerce"
BASES = ["consent", "contract_or_hr", "legal_duty", "public_pi"]
SUBJECTS = ["customers", "users", "employees", "patients", "minors_under_14", "public"]
DESTINATIONS = ["HK", "SG", "US", "DE", "JP"]


def generate(folder: Path, n: int, seed: int = 7) -> list[Path]:
    """`n` assessment folders varied in activities, answers, platform size and transfers."""
    rng = random.Random(seed)
    template = yaml.safe_load((EXAMPLE / "assessment.yaml").read_text(encoding="utf-8"))
    datasets = (EXAMPLE / "datasets.yaml").read_text(encoding="utf-8")
    ds_ids = [d["id"] for d in yaml.safe_load(datasets)["datasets"]]
    bank = question_bank()
    out = []
    for i in range(n):
        a: dict[str, Any] = {**template, "waivers": []}
        a["assessment"] = {**template["assessment"], "id": f"bench-{i:04d}"}
        org = {**template["organisation"], "ciio": rng.random() < 0.1, "individuals_total": rng.randint(10**3, 10**7)}
        org["platform"] = None if rng.random() < 0.5 else {
            "registered_users": rng.randint(10**4, 10**8), "monthly_active_users": rng.randint(10**3, 10**7)}
        a["organisation"] = org

        def answers(scope: str) -> dict[str, Any]:
            return {q.id: answer(q, rng) for q in bank.in_scope(scope) if rng.random() < 0.8}  # type: ignore[arg-type]

        a["answers"] = answers("org")
        a["activities"] = [{
            "id": f"act-{j}", "name": f"Activity {j}", "purpose": "benchmark", "legal_basis": rng.choice(BASES),
            "data_subjects": rng.sample(SUBJECTS, rng.randint(1, 2)), "datasets": rng.sample(ds_ids, rng.randint(1, 3)),
            "automated_decision": rng.random() < 0.3, "provides_to_other_processor": rng.random() < 0.3,
            "answers": answers("activity"),
        } for j in range(rng.randint(1, 6))]
        a["transfers"] = [{
            "id": f"tr-{j}", "recipient": "Overseas recipient", "destination": rng.choice(DESTINATIONS),
            "activity": "act-0", "datasets": rng.sample(ds_ids, 1),
            "individuals_non_sensitive": rng.randint(0, 2_000_000), "individuals_sensitive": rng.randint(0, 20_000),
            "important_data": rng.random() < 0.05, "answers": answers("transfer"),
        } for j in range(rng.randint(0, 3))]
        target = folder / f"a{i:04d}"
        target.mkdir(parents=True)
        (target / "assessment.yaml").write_text(yaml.safe_dump(a, allow_unicode=True, sort_keys=False), "utf-8")
        (target / "datasets.yaml").write_text(datasets, encoding="utf-8")
        out.append(target)
    return out


def answer(q: Question, rng: random.Random) -> Any:
    """A random valid answer to `q` (most yes/no answers yes, as in a maturing organisation)."""
    values = [o.value for o in q.options]
    if q.type == "bool":
        return rng.random() < 0.7
    if q.type == "int":
        return rng.randint(q.min or 0, min(q.max if q.max is not None else 60, 60))
    if q.type == "choice":
        return rng.choice(values)
    if q.type == "multi":
        return rng.sample(values, rng.randint(0, len(values)))
    return date(2026, 1, 1) if q.type == "date" else "n/a"


@dataclass
class MemorySampler:
    """Resident memory of the worker processes, sampled in a thread (workers may be replaced mid-run)."""

    samples: list[tuple[float, int, float]] = field(default_factory=list)  # (time, pid, MiB)
    stop: threading.Event = field(default_factory=threading.Event)

    def sample(self) -> None:
        while not self.stop.wait(0.25):
            for child in active_children():
                try:
                    status = Path(f"/proc/{child.pid}/status").read_text()
                except OSError:
                    continue
                kib = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), None)
                if kib is not None:  # a worker that is exiting has no VmRSS line any more
                    self.samples.append((time.perf_counter(), child.pid or 0, kib / 1024))

    def report(self) -> str:
        """The largest worker in the first and in the last third of the run: flat memory keeps them close."""
        if not self.samples:
            return "no samples"
        start, end = self.samples[0][0], self.samples[-1][0]
        third = (end - start) / 3
        first = max(m for t, _, m in self.samples if t <= start + third)
        last = max(m for t, _, m in self.samples if t >= end - third)
        workers = len({pid for _, pid, _ in self.samples})
        return f"{workers} worker processes, largest {first:.0f} MiB (first third) → {last:.0f} MiB (last third)"


def timed(folders: list[Path], out: Path, options: Options, jobs: int) -> tuple[float, list[Row], str]:
    shutil.rmtree(out, ignore_errors=True)
    sampler = MemorySampler()
    thread = threading.Thread(target=sampler.sample, daemon=True)
    thread.start()
    start, parent_cpu = time.perf_counter(), time.process_time()
    result = run_batch(folders, out, options, jobs=jobs, force=True, on_done=lambda row: None)
    seconds = time.perf_counter() - start
    sampler.stop.set()
    thread.join()
    # the parent only receives, writes and summarises: its CPU share shows whether it limits scaling
    return seconds, result.rows, f"{sampler.report()}; parent CPU {time.process_time() - parent_cpu:.1f} s"


def run() -> None:
    with tempfile.TemporaryDirectory(prefix="hegui-bench-") as tmp:
        root = Path(tmp)
        many = generate(root / "many", 1000)
        few = many[:50]
        for label, folders, options in (
            ("1,000 assessments, json", many, Options()),
            (f"50 assessments, {','.join(RENDERERS)}", few, Options(formats=tuple(RENDERERS))),
        ):
            times = {}
            for jobs in (1, 2):
                seconds, rows, memory = timed(folders, root / f"out{jobs}", options, jobs)
                bad = [r for r in rows if r.status not in ("assessed",)]
                assert not bad, bad[0].error
                times[jobs] = seconds
                print(f"{label}: --jobs {jobs}: {seconds:.1f} s, {len(folders) / seconds:.2f} assessments/s "
                      f"({seconds / len(folders):.2f} s each); "
                      f"worker RSS: {memory}")
            print(f"{label}: scaling 1→2 jobs: {times[1] / times[2]:.2f}x")


if __name__ == "__main__":
    run()
