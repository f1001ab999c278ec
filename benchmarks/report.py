"""PIPIA report size and speed: 3, 50 and 200 activities, and hegui's overhead over bare WeasyPrint.

Each size is measured in fresh child processes, so that peak memory (ru_maxrss) is the report's own:
one child renders the PIPIA as `hegui assess --format pdf` does for the filing edition (view model, Jinja2,
WeasyPrint with PDF/A-3b, no attachment) and saves its HTML; a second child has WeasyPrint alone write a plain
PDF from that same HTML. Bounds (issue 11 §8): 200 activities in at most 300 pages, 60 s and 1 GiB; overhead
ratio at most 1.15. The machine is shared: seconds are given as CPU time (what the render costs) and wall
time (what it took, with the load average beside it); the ratio and the 60 s bound are checked on CPU time.
The synthetic assessment repeats the activities of the e-commerce example (each copy its own id and name)
over the example's datasets and transfers.
"""

from __future__ import annotations

import copy
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

EXAMPLE = Path(__file__).resolve().parent.parent / "assessments" / "examples" / "shenzhen-ecommerce"
SIZES = (3, 50, 200)
MAX_PAGES, MAX_SECONDS, MAX_MIB, MAX_RATIO = 300, 60.0, 1024.0, 1.15


def synthetic(folder: Path, n: int) -> Path:
    """An assessment folder with `n` activities: the example's, copied round-robin under new ids."""
    data: dict[str, Any] = yaml.safe_load((EXAMPLE / "assessment.yaml").read_text(encoding="utf-8"))
    base = data["activities"]
    acts = []
    for i in range(n):
        act = copy.deepcopy(base[i % len(base)])
        if i >= len(base):
            act["id"] = f"{act['id']}-{i}"
            act["name"] = {k: f"{v} {i}" for k, v in act["name"].items()}
        acts.append(act)
    data["activities"] = acts
    keep = {a["id"] for a in acts}
    data["transfers"] = [t for t in data.get("transfers", []) if t.get("activity") in keep or "activity" not in t]
    data["waivers"] = [
        w
        for w in data.get("waivers", [])
        if w["finding"].split("@")[-1] in keep | {t["id"] for t in data["transfers"]} or "@" not in w["finding"]
    ]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "assessment.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for extra in EXAMPLE.iterdir():
        if extra.name.startswith("datasets."):
            (folder / extra.name).write_bytes(extra.read_bytes())
    return folder


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _clocks() -> tuple[float, float]:
    return time.process_time(), time.perf_counter()


def _since(start: tuple[float, float]) -> dict[str, float]:
    cpu, wall = _clocks()
    return {"cpu": cpu - start[0], "wall": wall - start[1]}


def _hegui(folder: Path, html_out: Path) -> dict[str, float]:
    """Child: assess, then render the filing PIPIA the way `hegui assess --format pdf` does; save its HTML."""
    from pypdf import PdfReader

    from engine.assess import assess
    from engine.inputs import load_assessment
    from engine.render.pdf import html_to_pdf, render_html
    from engine.render.view import build

    loaded = load_assessment(folder)
    doc = assess(loaded)
    start = _clocks()
    report = build(doc, loaded, "zh", True)
    html = render_html("report/pipia.html", report)
    pdf = html_to_pdf(html, {}, report.created)
    took = _since(start)
    html_out.write_text(html, encoding="utf-8")
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    return {**took, "pages": pages, "mib": _peak_mib(), "findings": len(doc.findings)}


def _bare(html_in: Path) -> dict[str, float]:
    """Child: WeasyPrint alone, a plain PDF from the same HTML and stylesheets (the fetcher is needed for them)."""
    from weasyprint import HTML

    from engine.render.pdf import PackagedOnly
    from engine.resources import data_dir

    html = html_in.read_text(encoding="utf-8")
    base = (data_dir("templates") / "report").resolve().as_uri() + "/"
    start = _clocks()
    HTML(string=html, base_url=base, url_fetcher=PackagedOnly()).write_pdf()
    return {**_since(start), "mib": _peak_mib()}


def _child(*args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.report", *args], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"


def run(sizes: tuple[int, ...] = SIZES) -> list[dict[str, float]]:
    """Print pages, CPU and wall seconds, peak memory and the ratio to bare WeasyPrint for each size, beside
    the bounds and the load average; return the rows."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="hegui-bench-report-") as tmp:
        for n in sizes:
            folder = synthetic(Path(tmp) / f"a{n}", n)
            html = Path(tmp) / f"a{n}.html"
            load = _load()
            ours = _child("--hegui", str(folder), str(html))
            bare = _child("--bare", str(html))
            ratio = ours["cpu"] / bare["cpu"]
            bounded = n == 200
            ok = not bounded or (ours["pages"] <= MAX_PAGES and ours["cpu"] <= MAX_SECONDS and ours["mib"] <= MAX_MIB)
            bounds = f" (<= {MAX_PAGES})" if bounded else ""
            print(
                f"{n:4d} activities, {int(ours['findings']):5d} findings: {int(ours['pages']):4d} pages{bounds}, "
                f"CPU {ours['cpu']:6.1f} s{f' (<= {MAX_SECONDS:.0f})' if bounded else ''}, "
                f"wall {ours['wall']:6.1f} s, peak {ours['mib']:5.0f} MiB{f' (<= {MAX_MIB:.0f})' if bounded else ''}"
                f" | bare WeasyPrint CPU {bare['cpu']:6.1f} s, wall {bare['wall']:6.1f} s, peak {bare['mib']:5.0f} MiB"
                f" | ratio (CPU) {ratio:.2f} (<= {MAX_RATIO}) | load {load} -> {_load()}"
                f"{'' if ok and ratio <= MAX_RATIO else '  OVER'}",
                flush=True,
            )
            rows.append({"activities": n, **ours, "bare_cpu": bare["cpu"], "bare_wall": bare["wall"], "ratio": ratio})
    return rows


if __name__ == "__main__":
    if sys.argv[1:2] == ["--hegui"]:
        print(json.dumps(_hegui(Path(sys.argv[2]), Path(sys.argv[3]))))
    elif sys.argv[1:2] == ["--bare"]:
        print(json.dumps(_bare(Path(sys.argv[2]))))
    else:
        run(tuple(int(x) for x in sys.argv[1:]) or SIZES)
