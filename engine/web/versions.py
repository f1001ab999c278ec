"""Versions of an assessment: draft → review → approved → superseded, frozen approved files, retention.

The newest version is the working one. While it is a draft its input files are the assessment's
AssessmentFile rows, which every editor changes only when engine/web/db.py `editable` says so. Approval freezes the
inputs and findings.json (rendered by the use-case layer) in VersionFile rows; reports follow from a
background job (engine/web/jobs.py). PIPL art. 56 para. 2 keeps reports and processing records at least
three years: an approved version cannot be deleted before its retention date. The model layer
(engine/web/db.py `_guard`) refuses any other change; this module checks first so users get a message.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import usecases
from engine.errors import InputError, Problem
from engine.finding import FindingsDocument
from engine.i18n import both
from engine.web import registry
from engine.web.db import (
    Assessment,
    AssessmentFile,
    Organisation,
    ReportJob,
    Version,
    VersionFile,
    now,
    org_audit,
)

MIN_RETENTION_YEARS = 3  # PIPL art. 56 para. 2
FINDINGS = "findings.json"


class Refused(Exception):
    """A state change the rules do not allow now; `key` names its message (web.rv_<key>)."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key, self.values = key, values


def retention_years(value: int) -> int:
    """The configured retention, never shorter than the law's three years."""
    if value < MIN_RETENTION_YEARS:
        raise InputError.one("--retention-years", both("web.rv_retention_min", years=value, min=MIN_RETENTION_YEARS))
    return value


def versions(session: Session, assessment: Assessment) -> list[Version]:
    """Every version, newest first."""
    query = select(Version).where(Version.assessment_id == assessment.id).order_by(Version.number.desc())
    return list(session.scalars(query))


def working(session: Session, assessment: Assessment) -> Version:
    """The newest version; an assessment stored without one gets its first draft."""
    found = versions(session, assessment)
    if found:
        return found[0]
    first = Version(assessment_id=assessment.id, number=1, state="draft", comment="")
    session.add(first)
    session.flush()
    return first


def version(session: Session, assessment: Assessment, number: int) -> Version | None:
    query = select(Version).where(Version.assessment_id == assessment.id, Version.number == number)
    return session.scalars(query).first()


def last_approved(session: Session, assessment: Assessment, before: int | None = None) -> Version | None:
    """The newest approved (or since superseded) version, older than `before` when given."""
    query = select(Version).where(Version.assessment_id == assessment.id, Version.state.in_(("approved", "superseded")))
    if before is not None:
        query = query.where(Version.number < before)
    return session.scalars(query.order_by(Version.number.desc()).limit(1)).first()


def files(session: Session, v: Version, kind: str | None = None) -> list[VersionFile]:
    query = select(VersionFile).where(VersionFile.version_id == v.id)
    if kind is not None:
        query = query.where(VersionFile.kind == kind)
    return list(session.scalars(query.order_by(VersionFile.kind, VersionFile.name)))


def inputs_of(session: Session, assessment: Assessment, v: Version) -> dict[str, bytes]:
    """A version's input files: frozen once approved, else the working files."""
    if v.state in ("approved", "superseded"):
        return {f.name: f.content for f in files(session, v, "input")}
    return registry.files_of(session, assessment)


def assessed(inputs: dict[str, bytes], key: str) -> usecases.Assessed:
    """The engine run over stored inputs (InputError with file-relative locations when they are invalid)."""
    with registry.materialised(inputs, key) as folder:
        try:
            return usecases.assess(usecases.load(folder))
        except InputError as exc:
            prefix = str(folder)
            raise InputError(
                [
                    Problem(p.file.removeprefix(prefix).lstrip("/") or p.file, p.message, p.path, p.line, p.column)
                    for p in exc.problems
                ]
            ) from None


def frozen_findings(session: Session, v: Version) -> FindingsDocument | None:
    """An approved version's findings as frozen at approval."""
    for f in files(session, v, "findings"):
        return FindingsDocument.model_validate_json(f.content)
    return None


def findings_of(session: Session, assessment: Assessment, v: Version) -> FindingsDocument:
    """The version's findings: frozen for an approved one, else assessed from the working files now."""
    return frozen_findings(session, v) or assessed(inputs_of(session, assessment, v), assessment.key).doc


def submit(session: Session, org: Organisation, assessment: Assessment, actor: str) -> Version:
    """Draft → in review; the working files must be valid (InputError with their problems otherwise)."""
    v = working(session, assessment)
    if v.state != "draft":
        raise Refused("not_draft", state=v.state)
    assessed(registry.files_of(session, assessment), assessment.key)
    v.state, v.submitted_by, v.submitted_at, v.comment = "review", actor, now(), ""
    org_audit(session, org, actor, "version.submit", f"{assessment.key} v{v.number}")
    return v


def send_back(session: Session, org: Organisation, assessment: Assessment, actor: str, comment: str) -> Version:
    """In review → draft, with the reviewer's comment."""
    v = working(session, assessment)
    if v.state != "review":
        raise Refused("not_in_review", state=v.state)
    v.state, v.comment = "draft", comment
    org_audit(session, org, actor, "version.return", f"{assessment.key} v{v.number}: {comment}")
    return v


def approve(
    session: Session, org: Organisation, assessment: Assessment, actor: str, years: int
) -> tuple[Version, ReportJob]:
    """In review → approved by someone other than the submitter: inputs and findings.json frozen, the
    previous approved version superseded, reports queued."""
    v = working(session, assessment)
    if v.state != "review":
        raise Refused("not_in_review", state=v.state)
    if v.submitted_by == actor:
        raise Refused("own_submission")
    inputs = registry.files_of(session, assessment)
    result = assessed(inputs, assessment.key)
    rendered = usecases.render(result, ["json"], result.loaded.assessment.assessment.language, reproducible=True)
    for name, data in inputs.items():
        _freeze(session, v, "input", name, data)
    findings = rendered[FINDINGS]
    _freeze(session, v, "findings", FINDINGS, findings)
    previous = last_approved(session, assessment)
    if previous is not None and previous.state == "approved":
        previous.state = "superseded"
        org_audit(session, org, actor, "version.supersede", f"{assessment.key} v{previous.number}")
    at = now()
    v.state, v.approved_by, v.approved_at = "approved", actor, at
    v.retain_until = _add_years(at, retention_years(years))
    v.findings_sha256 = hashlib.sha256(findings).hexdigest()
    org_audit(session, org, actor, "version.approve", f"{assessment.key} v{v.number} {FINDINGS} {v.findings_sha256}")
    return v, queue_reports(session, org, assessment, v, actor)


def queue_reports(session: Session, org: Organisation, assessment: Assessment, v: Version, actor: str) -> ReportJob:
    """A queued report job for an approved version (engine/web/jobs.py runs it)."""
    if v.state not in ("approved", "superseded"):
        raise Refused("not_approved")
    job = ReportJob(version_id=v.id, state="queued", progress=0, detail="", requested_by=actor)
    session.add(job)
    session.flush()
    org_audit(session, org, actor, "reports.queue", f"{assessment.key} v{v.number} job {job.id}")
    return job


def start_next(session: Session, org: Organisation, assessment: Assessment, actor: str) -> Version:
    """A new draft from the newest approved version's frozen inputs (re-assessment)."""
    v = working(session, assessment)
    if v.state != "approved":
        raise Refused("not_approved")
    inputs = {f.name: f.content for f in files(session, v, "input")}
    draft = Version(assessment_id=assessment.id, number=v.number + 1, state="draft", comment="")
    session.add(draft)
    session.flush()  # the working files belong to the new draft before they change
    for old in session.scalars(select(AssessmentFile).where(AssessmentFile.assessment_id == assessment.id)):
        session.delete(old)
    session.flush()
    for name, data in inputs.items():
        sha = hashlib.sha256(data).hexdigest()
        session.add(AssessmentFile(assessment_id=assessment.id, name=name, content=data, sha256=sha))
    assessment.updated = now()
    org_audit(session, org, actor, "version.start", f"{assessment.key} v{draft.number}")
    return draft


def retained_until(session: Session, assessment: Assessment) -> datetime | None:
    """The latest retention date of the assessment's versions that is still ahead, if any."""
    dates = [v.retain_until for v in versions(session, assessment) if v.retain_until and v.retain_until > now()]
    return max(dates) if dates else None


def delete(session: Session, org: Organisation, assessment: Assessment, actor: str) -> None:
    """Delete an assessment and every version, refused while any version is under retention."""
    if (until := retained_until(session, assessment)) is not None:
        raise Refused("retained", date=f"{until:%Y-%m-%d}")
    for v in versions(session, assessment):
        session.delete(v)
    session.flush()
    session.delete(assessment)
    org_audit(session, org, actor, "assessment.delete", assessment.key)


@dataclass(frozen=True)
class Row:
    """One line of the portfolio."""

    assessment: Assessment
    version: Version | None
    gaps: dict[str, int]
    mechanisms: list[str]
    next_review: str | None
    problem: bool  # the working files do not assess (shown, not hidden)


def portfolio(session: Session, org: Organisation) -> list[Row]:
    """Every assessment with its newest version, gaps by severity and transfer mechanisms.

    Neither the inputs nor the rulebooks carry a review date or interval today, so next_review is None."""
    rows = []
    for a in registry.assessments(session, org):
        found = versions(session, a)
        v = found[0] if found else None
        try:
            doc = frozen_findings(session, v) if v is not None else None
            doc = doc or assessed(registry.files_of(session, a), a.key).doc
        except InputError:
            rows.append(Row(a, v, {}, [], None, True))
            continue
        mechanisms = sorted({str(t.mechanism) for t in doc.transfers})
        rows.append(Row(a, v, dict(doc.summary.gaps_by_severity), mechanisms, None, False))
    return rows


def _freeze(session: Session, v: Version, kind: str, name: str, data: bytes) -> None:
    session.add(
        VersionFile(version_id=v.id, kind=kind, name=name, content=data, sha256=hashlib.sha256(data).hexdigest())
    )


def _add_years(at: datetime, years: int) -> datetime:
    try:
        return at.replace(year=at.year + years)
    except ValueError:  # 29 February
        return at.replace(year=at.year + years, day=28)
