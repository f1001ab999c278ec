"""PIPIA report: hegui's Chinese PDF vs WeasyPrint alone on the same pre-rendered HTML.

The hegui side is the whole renderer (view model, Jinja2, WeasyPrint with PDF/A-3b and the
findings.json attachment); the baseline is WeasyPrint writing a plain PDF from the identical HTML and
stylesheets. Target: overhead <= 15 %. The two sides alternate so that machine load affects both
alike, and the fastest run of each is compared.
"""

from __future__ import annotations

import time
from pathlib import Path

from weasyprint import HTML

from engine.assess import assess
from engine.inputs import LoadedAssessment, load_assessment
from engine.render.pdf import PackagedOnly, render_html, report_pdf
from engine.render.view import build
from engine.resources import data_dir

EXAMPLES = Path(__file__).resolve().parent.parent / "assessments" / "examples"
TARGET = 0.15


def largest() -> LoadedAssessment:
    """The example with the most activities, datasets and transfers."""
    loaded = [load_assessment(p) for p in sorted(EXAMPLES.iterdir()) if (p / "assessment.yaml").is_file()]
    return max(loaded, key=lambda x: len(x.assessment.activities) + len(x.datasets) + len(x.assessment.transfers))


def run(rounds: int = 3) -> float:
    """Print absolute times and the overhead ratio; return the ratio."""
    loaded = largest()
    doc = assess(loaded)
    html = render_html("report/pipia.html", build(doc, loaded, "zh", True))
    base = (data_dir("templates") / "report").resolve().as_uri() + "/"
    ours: list[float] = []
    plain: list[float] = []
    size = pages = 0
    for _ in range(rounds):
        t = time.perf_counter()
        pdf = report_pdf(build(doc, loaded, "zh", True), "report/pipia.html")
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        document = HTML(string=html, base_url=base, url_fetcher=PackagedOnly()).render()
        document.write_pdf()
        plain.append(time.perf_counter() - t)
        size, pages = len(pdf), len(document.pages)
    ratio = min(ours) / min(plain) - 1
    runs = lambda xs: ", ".join(f"{x:.2f}" for x in xs)  # noqa: E731
    print(f"example {loaded.folder.name}: {len(doc.findings)} findings, {pages} pages, {size:,} bytes")
    print(f"hegui (zh, PDF/A-3b, attachment): {min(ours):6.2f} s  runs {runs(ours)}")
    print(f"WeasyPrint, same HTML:            {min(plain):6.2f} s  runs {runs(plain)}")
    print(f"overhead {ratio:+.1%} (target <= {TARGET:.0%}): {'OK' if ratio <= TARGET else 'OVER'}")
    return ratio


if __name__ == "__main__":
    run()
