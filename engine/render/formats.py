"""Output formats of `hegui assess --format`: each renders from the findings document.

A renderer returns file name -> bytes; the CLI renders every requested format in memory first and
only then writes the files (atomically), so a failing renderer leaves no partial output set.
`pdf` writes the PIPIA report, the remediation checklist and the documents the transfers' decisions call
for (engine/render/documents.py); `docx` the same documents as editable Word files, from the same HTML
(engine/render/docx.py); `csv` and `xlsx` the checklist.
Report modules are imported on use: WeasyPrint is slow to import and JSON-only runs do not need it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from engine.finding import FindingsDocument
from engine.inputs import LoadedAssessment

ReportLang = Literal["zh", "en", "bilingual"]
# filing: regulator-facing PIPIA, no engine internals; working: the advisor's paper with traces and rule ids
Edition = Literal["filing", "working"]


@dataclass(frozen=True)
class RenderJob:
    doc: FindingsDocument
    loaded: LoadedAssessment
    lang: ReportLang
    reproducible: bool = False
    edition: Edition = "filing"


Renderer = Callable[[RenderJob], dict[str, bytes]]


def _json(job: RenderJob) -> dict[str, bytes]:
    return {"findings.json": job.doc.to_json().encode("utf-8")}


def _pdf(job: RenderJob) -> dict[str, bytes]:
    from engine.render.documents import decision_documents
    from engine.render.pdf import report_pdf
    from engine.render.view import build

    report = build(job.doc, job.loaded, job.lang, job.reproducible, job.edition)
    return {"pipia.pdf": report_pdf(report, "report/pipia.html", attach=report.working),
            "checklist.pdf": report_pdf(report, "report/checklist.html"),
            **decision_documents(report)}  # what the transfers' decisions call for (engine/render/documents.py)


def _docx(job: RenderJob) -> dict[str, bytes]:
    from engine.render.documents import report_htmls
    from engine.render.docx import report_docx
    from engine.render.view import build

    report = build(job.doc, job.loaded, job.lang, job.reproducible, job.edition)
    return {
        name.removesuffix(".pdf") + ".docx": report_docx(report, html, landscape=name == "checklist.pdf")
        for name, html in report_htmls(report).items()
    }


def _csv(job: RenderJob) -> dict[str, bytes]:
    from engine.render.checklist import to_csv
    from engine.render.view import build

    return {"checklist.csv": to_csv(build(job.doc, job.loaded, job.lang, job.reproducible))}


def _xlsx(job: RenderJob) -> dict[str, bytes]:
    from engine.render.checklist import to_xlsx
    from engine.render.view import build

    return {"checklist.xlsx": to_xlsx(build(job.doc, job.loaded, job.lang, job.reproducible), job.reproducible)}


RENDERERS: dict[str, Renderer] = {"json": _json, "pdf": _pdf, "csv": _csv, "xlsx": _xlsx, "docx": _docx}


def render(job: RenderJob, formats: list[str]) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for fmt in formats:
        out.update(RENDERERS[fmt](job))
    return out
