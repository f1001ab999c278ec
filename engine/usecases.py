"""The use cases of hegui as plain functions, shared by every front end.

The Typer commands (engine/cli.py, engine/workflow/cli.py), the batch workers (engine/workflow/batch.py)
and the web handlers (engine/web/) all call these, so a rule, a check or a format is never implemented
twice. Nothing here prints or exits: bad input raises InputError, the caller decides how to show it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from engine.errors import InputError
from engine.i18n import both

if TYPE_CHECKING:
    from engine.finding import Finding, FindingsDocument
    from engine.inputs import InputFiles, LoadedAssessment
    from engine.render.formats import Edition
    from engine.workflow.diff import Diff

ReportLang = Literal["zh", "en", "bilingual"]


def parse_formats(value: str) -> list[str]:
    """Comma-separated output formats, each one the renderer registry knows; json always first."""
    from engine.render.formats import RENDERERS

    wanted = list(dict.fromkeys(f.strip() for f in value.split(",") if f.strip()))
    if unknown := [f for f in wanted if f not in RENDERERS]:
        known = ", ".join(RENDERERS)
        raise InputError.one("--format", both("cli.unknown_format", unknown=", ".join(unknown), known=known))
    return ["json", *(f for f in wanted if f != "json")]


def parse_date(value: str | None, option: str) -> date | None:
    """An ISO date given by the user (an option or a form field named `option`), None when absent."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError.one(option, both("cli.not_date", value=value)) from None


def load(source: Path | InputFiles) -> LoadedAssessment:
    """Validate an assessment folder, or its files already read (a Dask worker gets them as bytes):
    every problem located, raised together."""
    from engine.inputs import InputFiles, load_assessment, load_inputs

    return load_inputs(source) if isinstance(source, InputFiles) else load_assessment(source)


@dataclass(frozen=True)
class Assessed:
    loaded: LoadedAssessment
    doc: FindingsDocument


def assess(loaded: LoadedAssessment, day: date | None = None) -> Assessed:
    """Run the rulebooks over a loaded assessment (as of `day`, else the assessment's own date)."""
    from engine.assess import assess as run_assessment

    return Assessed(loaded, run_assessment(loaded, day))


def validate(folder: Path) -> Assessed:
    """Load a folder and assess it once: waivers can only be checked against the findings they name."""
    return assess(load(folder))


def render(
    assessed: Assessed, formats: list[str], lang: ReportLang, reproducible: bool = False, edition: Edition = "filing"
) -> dict[str, bytes]:
    """The requested formats (see parse_formats) as file name → bytes, all in memory before any is written."""
    from engine.render.formats import RenderJob
    from engine.render.formats import render as render_formats

    return render_formats(RenderJob(assessed.doc, assessed.loaded, lang, reproducible, edition), formats)


def write_reports(folder: Path, files: dict[str, bytes]) -> None:
    """Write rendered files all or none: a full disk leaves no findings.json without its reports."""
    from engine.output import write_files

    write_files(folder, files)


def findings(path: Path) -> FindingsDocument:
    """The findings document at `path`: a findings.json, an output folder, or an assessment folder (assessed)."""
    from engine.workflow.findings import load_findings

    return load_findings(path)


def explain(doc: FindingsDocument, finding_id: str, source: str) -> Finding:
    """The finding to explain (its trace, citations and remedy are in it); a typo gets a suggestion."""
    from engine.workflow.explain import find

    return find(doc, finding_id, source)


def diff(old: FindingsDocument, new: FindingsDocument) -> Diff:
    """What changed between two assessments: gaps, statuses, facts."""
    from engine.workflow.diff import diff as compare

    return compare(old, new)


def country_code(value: str, option: str) -> str:
    """An ISO 3166-1 alpha-2 code the user gave (any case), upper-cased."""
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise InputError.one(option, both("cli.country_code", value=value))
    return code
