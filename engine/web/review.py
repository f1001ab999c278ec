"""The review pages: versions, submit / approve / send back / next version, frozen files and reports,
deletion under retention, the organisation's portfolio and its audit trail.

The rules live in engine/web/versions.py (states, freezing, retention) and engine/web/jobs.py
(background reports); these handlers check the role, call them, audit downloads and render pages.
Every object is looked up through the organisation in the URL (app.py `member`, `stored_or_404`).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from engine import usecases
from engine.errors import InputError
from engine.i18n import tr, value_text
from engine.web import versions
from engine.web.db import STATES, Assessment, AuditEvent, Organisation, OrgAuditEvent, Version, org_audit
from engine.web.jobs import Reports, latest_job

AUDIT_PAGE = 50
MAX_COMMENT = 2000
APPROVERS = ("reviewer", "admin")  # the PI-protection officer signs off; an assessor does not
SORTS = ("key", "title", "status", "critical", "high", "medium", "low", "review")

Handler = Callable[[Request, Session, Any], Awaitable[Response]]


@dataclass(frozen=True)
class Kit:
    """What the review routes need from the app (engine/web/app.py builds it)."""

    engine: Engine
    page: Callable[..., Response]  # (request, template, visitor, status, **context)
    member: Callable[[Session, Any, str, str], tuple[Organisation, str]]
    form_checked: Callable[[Request], Awaitable[Mapping[str, Any]]]
    signed_in: Callable[[Handler], Callable[[Request], Awaitable[Response]]]
    stored_or_404: Callable[[Request, Session, Any], tuple[Organisation, str, Assessment]]
    reports: Reports
    retention_years: int


def routes(kit: Kit) -> list[Route]:
    """The review, portfolio and audit routes."""

    def with_role(request: Request, session: Session, who: Any, needed: str) -> tuple[Organisation, str, Assessment]:
        """The assessment of the path for a user with at least `needed` (404 for strangers, 403 below it)."""
        org, role, stored = kit.stored_or_404(request, session, who)
        kit.member(session, who, org.slug, needed)
        return org, role, stored

    def numbered(session: Session, stored: Assessment, request: Request) -> Version:
        try:
            number = int(request.path_params["n"])
        except ValueError:
            raise HTTPException(404) from None
        found = versions.version(session, stored, number)
        if found is None:
            raise HTTPException(404)
        return found

    def refused(request: Request, who: Any, org: Organisation, stored: Assessment, key: str, **values: Any) -> Response:
        message = tr(f"web.rv_{key}", who.lang, **{k: state_text(v, who.lang) for k, v in values.items()})
        return kit.page(request, "review-refused.html", who, 409, org=org, a=stored, message=message)

    def back(org: Organisation, stored: Assessment, number: int | None = None, job: int | None = None) -> Response:
        """Back to the versions (or one version's page); a queued job starts once the request's
        transaction has committed (a background task runs after the response)."""
        path = (
            f"/o/{org.slug}/a/{stored.key}/versions" if number is None else f"/o/{org.slug}/a/{stored.key}/v/{number}"
        )
        task = BackgroundTask(kit.reports.start, job) if job is not None else None
        return RedirectResponse(path, 303, background=task)

    def versions_view(
        request: Request, session: Session, who: Any, org: Organisation, role: str, stored: Assessment, **form: Any
    ) -> Response:
        """The versions page; a refused approval comes back to it (400) with the error at its field."""
        found = versions.versions(session, stored)
        return kit.page(
            request,
            "review-versions.html",
            who,
            400 if form.get("error") else 200,
            org=org,
            role=role,
            a=stored,
            versions=found,
            working=found[0] if found else None,
            approver=role in APPROVERS,
            retained=versions.retained_until(session, stored),
            policy=versions.policy(session, org),
            retention=versions.retention_for(session, org, kit.retention_years),
            form=form,
        )

    @kit.signed_in
    async def versions_page(request: Request, session: Session, who: Any) -> Response:
        org, role, stored = kit.stored_or_404(request, session, who)
        return versions_view(request, session, who, org, role, stored)

    @kit.signed_in
    async def version_page(request: Request, session: Session, who: Any) -> Response:
        org, role, stored = kit.stored_or_404(request, session, who)
        v = numbered(session, stored, request)
        job = latest_job(session, v)
        previous = versions.last_approved(session, stored, before=v.number)
        change, problems = None, []
        try:
            doc = versions.findings_of(session, stored, v)
            if previous is not None and (old := versions.frozen_findings(session, previous)) is not None:
                change = usecases.diff(old, doc)
        except InputError as exc:
            problems = [str(p) for p in exc.problems]
        lang = who.lang
        return kit.page(
            request,
            "review-version.html",
            who,
            org=org,
            role=role,
            a=stored,
            v=v,
            files=versions.files(session, v),
            job=job,
            refresh=job is not None and job.state in ("queued", "running"),
            previous=previous,
            diff=change,
            problems=problems,
            tr_=lambda key: tr(key, lang),
            value=lambda x: value_text(x, lang),
        )

    @kit.signed_in
    async def submit(request: Request, session: Session, who: Any) -> Response:
        org, _, stored = with_role(request, session, who, "assessor")
        await kit.form_checked(request)
        try:
            versions.submit(session, org, stored, who.user.username)
        except versions.Refused as exc:
            return refused(request, who, org, stored, exc.key, **exc.values)
        except InputError as exc:
            problems = [str(p) for p in exc.problems]
            message = tr("web.rv_invalid", who.lang)
            return kit.page(
                request, "review-refused.html", who, 400, org=org, a=stored, message=message, problems=problems
            )
        return back(org, stored)

    def approver(request: Request, session: Session, who: Any) -> tuple[Organisation, Assessment]:
        org, role, stored = with_role(request, session, who, "reviewer")
        if role not in APPROVERS:
            raise HTTPException(403)
        return org, stored

    @kit.signed_in
    async def approve(request: Request, session: Session, who: Any) -> Response:
        org, stored = approver(request, session, who)
        form = await kit.form_checked(request)
        due = str(form.get("review_due", ""))
        try:
            v, job = versions.approve(session, org, stored, who.user.username, kit.retention_years, due)
        except versions.Refused as exc:
            return refused(request, who, org, stored, exc.key, **exc.values)
        except versions.Invalid as exc:
            role = kit.member(session, who, org.slug, "viewer")[1]
            error = invalid_text(exc, who.lang)
            return versions_view(request, session, who, org, role, stored, review_due=due, error=error)
        except InputError as exc:
            problems = [str(p) for p in exc.problems]
            message = tr("web.rv_invalid", who.lang)
            return kit.page(
                request, "review-refused.html", who, 400, org=org, a=stored, message=message, problems=problems
            )
        return back(org, stored, v.number, job.id)

    @kit.signed_in
    async def send_back(request: Request, session: Session, who: Any) -> Response:
        org, stored = approver(request, session, who)
        form = await kit.form_checked(request)
        comment = str(form.get("comment", "")).strip()
        if len(comment) > MAX_COMMENT:
            return refused(request, who, org, stored, "comment_too_long", max=MAX_COMMENT)
        try:
            versions.send_back(session, org, stored, who.user.username, comment)
        except versions.Refused as exc:
            return refused(request, who, org, stored, exc.key, **exc.values)
        return back(org, stored)

    @kit.signed_in
    async def start_next(request: Request, session: Session, who: Any) -> Response:
        org, _, stored = with_role(request, session, who, "assessor")
        await kit.form_checked(request)
        try:
            draft = versions.start_next(session, org, stored, who.user.username)
        except versions.Refused as exc:
            return refused(request, who, org, stored, exc.key, **exc.values)
        return back(org, stored, draft.number)

    @kit.signed_in
    async def generate(request: Request, session: Session, who: Any) -> Response:
        org, _, stored = with_role(request, session, who, "reviewer")
        await kit.form_checked(request)
        v = numbered(session, stored, request)
        running = latest_job(session, v)
        if running is not None and running.state in ("queued", "running"):
            return back(org, stored, v.number)
        try:
            job = versions.queue_reports(session, org, stored, v, who.user.username)
        except versions.Refused as exc:
            return refused(request, who, org, stored, exc.key, **exc.values)
        return back(org, stored, v.number, job.id)

    @kit.signed_in
    async def download(request: Request, session: Session, who: Any) -> Response:
        org, _, stored = kit.stored_or_404(request, session, who)
        v = numbered(session, stored, request)
        name = request.path_params["name"]
        frozen = next((f for f in versions.files(session, v) if f.name == name), None)
        if frozen is None:
            raise HTTPException(404)
        org_audit(session, org, who.user.username, "file.download", f"{stored.key} v{v.number} {name}")
        media = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if media.startswith("text/") or name.endswith((".yaml", ".json")):
            media = "application/octet-stream"  # never rendered by the browser
        filename = f"{stored.key}-v{v.number}-{name}"
        headers = {"content-disposition": f'attachment; filename="{filename}"'}
        return Response(frozen.content, media_type=media, headers=headers)

    @kit.signed_in
    async def delete(request: Request, session: Session, who: Any) -> Response:
        org, _, stored = with_role(request, session, who, "admin")
        await kit.form_checked(request)
        try:
            versions.delete(session, org, stored, who.user.username)
        except versions.Refused as exc:
            return refused(request, who, org, stored, exc.key, **exc.values)
        return RedirectResponse(f"/o/{org.slug}/portfolio", 303)

    @kit.signed_in
    async def portfolio(request: Request, session: Session, who: Any) -> Response:
        org, role = kit.member(session, who, request.path_params["org"], "viewer")
        sort = request.query_params.get("sort", "key")
        sort = sort if sort in SORTS else "key"
        rows = sorted(versions.portfolio(session, org), key=lambda r: order(r, sort))
        return kit.page(
            request,
            "portfolio.html",
            who,
            org=org,
            role=role,
            rows=rows,
            sort=sort,
            sorts=SORTS,
            policy=versions.policy(session, org),
        )

    @kit.signed_in
    async def settings(request: Request, session: Session, who: Any) -> Response:
        """The organisation's records policy (admins): retention and the review interval, each change audited."""
        org, role = kit.member(session, who, request.path_params["org"], "admin")
        current = versions.policy(session, org)
        values = {
            "retention_years": "" if current.retention_years is None else str(current.retention_years),
            "review_months": str(current.review_months),
        }
        error, field, saved = "", "", False
        if request.method == "POST":
            form = await kit.form_checked(request)
            values = {name: str(form.get(name, "")) for name in values}
            try:
                saved = bool(
                    versions.set_policy(
                        session,
                        org,
                        who.user.username,
                        values["retention_years"],
                        values["review_months"],
                        kit.retention_years,
                    )
                )
            except versions.Invalid as exc:
                error, field = invalid_text(exc, who.lang), exc.field
        return kit.page(
            request,
            "org-settings.html",
            who,
            400 if error else 200,
            org=org,
            role=role,
            values=values,
            error=error,
            field=field,
            saved=saved,
            posted=request.method == "POST",
            server_years=kit.retention_years,
            legal_years=versions.MIN_RETENTION_YEARS,
            max_months=versions.MAX_REVIEW_MONTHS,
            effective=versions.retention_for(session, org, kit.retention_years),
        )

    @kit.signed_in
    async def audit_page(request: Request, session: Session, who: Any) -> Response:
        org, role = kit.member(session, who, request.path_params["org"], "admin")
        try:
            number = max(1, int(request.query_params.get("page", "1")))
        except ValueError:
            number = 1
        mine = select(OrgAuditEvent.event_id).where(OrgAuditEvent.organisation_id == org.id)
        total = session.scalar(select(func.count()).select_from(mine.subquery())) or 0
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.id.in_(mine))
            .order_by(AuditEvent.id.desc())
            .offset((number - 1) * AUDIT_PAGE)
            .limit(AUDIT_PAGE)
        ).all()
        pages = max(1, -(-total // AUDIT_PAGE))
        return kit.page(request, "audit.html", who, org=org, role=role, events=events, page_no=number, pages=pages)

    prefix = "/o/{org}/a/{key}"
    return [
        Route("/o/{org}/portfolio", portfolio),
        Route("/o/{org}/audit", audit_page),
        Route("/o/{org}/settings", settings, methods=["GET", "POST"]),
        Route(f"{prefix}/versions", versions_page),
        Route(f"{prefix}/submit", submit, methods=["POST"]),
        Route(f"{prefix}/approve", approve, methods=["POST"]),
        Route(f"{prefix}/return", send_back, methods=["POST"]),
        Route(f"{prefix}/next", start_next, methods=["POST"]),
        Route(f"{prefix}/delete", delete, methods=["POST"]),
        Route(f"{prefix}/v/{{n}}", version_page),
        Route(f"{prefix}/v/{{n}}/reports", generate, methods=["POST"]),
        Route(f"{prefix}/v/{{n}}/files/{{name}}", download),
    ]


def state_text(value: Any, lang: str) -> Any:
    """A version state named in a message, in the reader's language; other values as they are."""
    return tr(f"web.rv_state_{value}", lang) if value in STATES else value


def invalid_text(exc: versions.Invalid, lang: str) -> str:
    """A refused form value in the reader's language."""
    return tr(f"web.rc_{exc.key}", lang, **exc.values)


def order(row: versions.Row, sort: str) -> tuple[Any, ...]:
    """The portfolio's sort key: most gaps first for a severity, 'not set' review dates last."""
    if sort in ("critical", "high", "medium", "low"):
        return (-row.gaps.get(sort, 0), row.assessment.key)
    if sort == "status":
        state = row.version.state if row.version else "draft"
        return (STATES.index(state), row.assessment.key)
    if sort == "title":
        return (row.assessment.title, row.assessment.key)
    if sort == "review":
        due = row.next_review.due.isoformat() if row.next_review else ""
        return (row.next_review is None, due, row.assessment.key)
    return (row.assessment.key,)
