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
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import usecases
from engine.errors import InputError, Problem
from engine.finding import FindingsDocument
from engine.i18n import both
from engine.web import registry
from engine.web.db import (
    DEFAULT_REVIEW_MONTHS,
    Assessment,
    AssessmentFile,
    Organisation,
    OrgPolicy,
    ReportJob,
    Version,
    VersionFile,
    add_months,
    now,
    org_audit,
)

MIN_RETENTION_YEARS = 3  # PIPL art. 56 para. 2
MAX_RETENTION_YEARS = 100  # a typo guard, not a rule
MAX_REVIEW_MONTHS = 36  # the default review date always falls within the shortest retention (3 years)
SOON_DAYS = 30  # the portfolio says "due soon" this many days ahead
FINDINGS = "findings.json"


class Refused(Exception):
    """A state change the rules do not allow now; `key` names its message (web.rv_<key>)."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key, self.values = key, values


class Invalid(Exception):
    """A form value the records rules refuse: `field` names the control, `key` its message (web.rc_<key>)."""

    def __init__(self, field: str, key: str, **values: object) -> None:
        super().__init__(f"{field}: {key}")
        self.field, self.key, self.values = field, key, values


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
    session: Session, org: Organisation, assessment: Assessment, actor: str, years: int, review_due: str = ""
) -> tuple[Version, ReportJob]:
    """In review → approved by someone other than the submitter: inputs and findings.json frozen, the
    previous approved version superseded, reports queued. It is kept for the organisation's retention
    (never less than the server's `years`) and is due for review on `review_due` (the reviewer's date,
    ISO) or, when empty, after the organisation's review interval (Invalid names a refused date)."""
    v = working(session, assessment)
    if v.state != "review":
        raise Refused("not_in_review", state=v.state)
    if v.submitted_by == actor:
        raise Refused("own_submission")
    at = now()
    kept = retention_for(session, org, years)
    retain_until = add_months(at, 12 * kept)
    due, basis = review_date(review_due, at.date(), retain_until.date(), policy(session, org).review_months)
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
    v.state, v.approved_by, v.approved_at = "approved", actor, at
    v.retain_until, v.review_due, v.review_basis = retain_until, due, basis
    v.findings_sha256 = hashlib.sha256(findings).hexdigest()
    detail = (
        f"{assessment.key} v{v.number} {FINDINGS} {v.findings_sha256}; kept until {retain_until:%Y-%m-%d} "
        f"({kept} years); next review {due:%Y-%m-%d} ({basis})"
    )
    org_audit(session, org, actor, "version.approve", detail)
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
class Review:
    """When the approved version `number` is to be reviewed again, and how that stands today."""

    due: date
    basis: str  # reviewer (set at approval) | policy (the organisation's review interval)
    number: int
    days: int  # days from today to the date: negative once overdue

    @property
    def standing(self) -> str:
        """overdue | soon | planned: shown in words, not colour alone."""
        return "overdue" if self.days < 0 else "soon" if self.days <= SOON_DAYS else "planned"


@dataclass(frozen=True)
class Row:
    """One line of the portfolio."""

    assessment: Assessment
    version: Version | None
    gaps: dict[str, int]
    mechanisms: list[str]
    next_review: Review | None  # from the newest approved version; None before the first approval
    problem: bool  # the working files do not assess (shown, not hidden)


def next_review(session: Session, assessment: Assessment, today: date) -> Review | None:
    """The next review of an assessment: its newest approved version's date (a later draft is the
    re-assessment under way, so the date still stands until that draft is approved)."""
    v = last_approved(session, assessment)
    if v is None or v.review_due is None:
        return None
    return Review(v.review_due, v.review_basis or "policy", v.number, (v.review_due - today).days)


def portfolio(session: Session, org: Organisation) -> list[Row]:
    """Every assessment with its newest version, gaps by severity, transfer mechanisms and next review."""
    rows = []
    today = now().date()
    for a in registry.assessments(session, org):
        found = versions(session, a)
        v = found[0] if found else None
        review = next_review(session, a, today)
        try:
            doc = frozen_findings(session, v) if v is not None else None
            doc = doc or assessed(registry.files_of(session, a), a.key).doc
        except InputError:
            rows.append(Row(a, v, {}, [], review, True))
            continue
        mechanisms = sorted({str(t.mechanism) for t in doc.transfers})
        rows.append(Row(a, v, dict(doc.summary.gaps_by_severity), mechanisms, review, False))
    return rows


def policy(session: Session, org: Organisation) -> OrgPolicy:
    """The organisation's records policy (the defaults, unsaved, when its admins never set one)."""
    found = session.get(OrgPolicy, org.id)
    return found or OrgPolicy(organisation_id=org.id, retention_years=None, review_months=DEFAULT_REVIEW_MONTHS)


def retention_for(session: Session, org: Organisation, server_years: int) -> int:
    """The years an approval made now is kept: the organisation's setting, never less than the server's."""
    own = policy(session, org).retention_years
    return max(retention_years(server_years), own or 0)


def review_date(text: str, approved: date, retain_until: date, months: int) -> tuple[date, str]:
    """The next review date of an approval on `approved`: the reviewer's `text` (ISO date, after the
    approval and within the retention, so the assessment reviewed is still kept), else `months` later."""
    text = text.strip()
    if not text:
        return add_months(datetime.combine(approved, datetime.min.time()), months).date(), "policy"
    try:
        due = date.fromisoformat(text)
    except ValueError:
        raise Invalid("review_due", "date_format", value=text) from None
    if due <= approved:
        raise Invalid("review_due", "date_past", date=f"{approved:%Y-%m-%d}")
    if due > retain_until:
        raise Invalid("review_due", "date_beyond", date=f"{retain_until:%Y-%m-%d}")
    return due, "reviewer"


def whole(field: str, text: str, low: int, high: int, blank: bool) -> int | None:
    """A whole number from a form field within [low, high] (None for an empty field when `blank`)."""
    text = text.strip()
    if not text and blank:
        return None
    try:
        value = int(text)
    except ValueError:
        raise Invalid(field, "not_whole", value=text) from None
    if not low <= value <= high:
        raise Invalid(field, "out_of_range", low=low, high=high)
    return value


def set_policy(
    session: Session, org: Organisation, actor: str, retention: str, review: str, server_years: int
) -> list[str]:
    """Change the organisation's records policy from the settings form (admins); returns what changed,
    each change audited. Retention is never below three years (PIPL art. 56 para. 2) nor below the
    server's --retention-years; it applies to approvals from now on (existing ones keep their date)."""
    floor = retention_years(server_years)
    years = whole("retention_years", retention, floor, MAX_RETENTION_YEARS, blank=True)
    months = whole("review_months", review, 1, MAX_REVIEW_MONTHS, blank=False)
    current = policy(session, org)
    changes = [
        f"{name}: {old if old is not None else '-'} -> {new if new is not None else '-'}"
        for name, old, new in (
            ("retention_years", current.retention_years, years),
            ("review_months", current.review_months, months),
        )
        if old != new
    ]
    if changes:
        assert months is not None
        current.retention_years, current.review_months = years, months
        current.updated, current.updated_by = now(), actor
        session.add(current)  # a no-op when it was stored already
        org_audit(session, org, actor, "org.policy", "; ".join(changes))
    return changes


def _freeze(session: Session, v: Version, kind: str, name: str, data: bytes) -> None:
    session.add(
        VersionFile(version_id=v.id, kind=kind, name=name, content=data, sha256=hashlib.sha256(data).hexdigest())
    )
