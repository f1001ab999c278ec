"""Output formats of `hegui assess --format`: each renders from the findings document.

A renderer returns file name -> bytes; the CLI renders every requested format in memory first and
only then writes the files (atomically), so a failing renderer leaves no partial output set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from engine.finding import FindingsDocument
from engine.inputs import LoadedAssessment

ReportLang = Literal["zh", "en", "bilingual"]


@dataclass(frozen=True)
class RenderJob:
    doc: FindingsDocument
    loaded: LoadedAssessment
    lang: ReportLang
    reproducible: bool = False


Renderer = Callable[[RenderJob], dict[str, bytes]]


def _json(job: RenderJob) -> dict[str, bytes]:
    return {"findings.json": job.doc.to_json().encode("utf-8")}


RENDERERS: dict[str, Renderer] = {"json": _json}


def render(job: RenderJob, formats: list[str]) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for fmt in formats:
        out.update(RENDERERS[fmt](job))
    return out
