"""The workspace web app (Starlette): server-rendered Jinja2 pages over the use-case layer.

Security, every page: a signed session cookie (`__Host-` prefix: Secure, HttpOnly, SameSite=Lax, path /)
bound to the password hash, a CSRF token in every form checked on every POST, login throttling
(engine/web/accounts.py), a strict Content-Security-Policy with no script at all, and the usual headers.
Tenancy: an organisation the user is not a member of does not exist for them (404, like a missing one),
and every object is looked up through the organisation in the URL.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any, ParamSpec, TypeVar

from jinja2 import Environment, FileSystemLoader
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engine import usecases
from engine.errors import InputError, Problem
from engine.i18n import tr, value_text
from engine.inputs import ASSESSMENT_FILE, INPUT_FILES
from engine.resources import data_dir
from engine.web import accounts, datasets, editing, plan, registry, rename, review
from engine.web.db import Assessment, Membership, Organisation, Setting, User, organisation, session_scope
from engine.web.jobs import Reports
from engine.web.versions import MIN_RETENTION_YEARS
from engine.web.versions import retention_years as retention
from engine.workflow.explain import cite_labels, fact_label

SESSION_COOKIE = "__Host-hegui"
ASSESSED_KEPT = 32  # input states whose findings a server process keeps (Drafts)
# signed-in requests handled at once: each holds a database connection while it waits for the engine thread,
# so fewer than SQLAlchemy's default pool (5 + 10 overflow); the others wait before opening a session
IN_FLIGHT = 8
SESSION_AGE = timedelta(hours=8)
LANGS = ("zh", "en")
MAX_UPLOAD = 2 * 1024 * 1024  # per file; engine/yamlsafe.py refuses larger inputs anyway
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    b"content-security-policy": CSP.encode(),
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"no-referrer",
    b"cross-origin-opener-policy": b"same-origin",
    b"cross-origin-resource-policy": b"same-origin",
    b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
    b"cache-control": b"no-store",
}


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every response, errors included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS.items() if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


Outcome = tuple[usecases.Assessed | None, list[Problem]]  # the findings, or the inputs' problems
P = ParamSpec("P")
R = TypeVar("R")


class EngineThread:
    """The one thread of this process that runs the engine and the pages' other CPU work, so that the event
    loop keeps serving while a 50-activity assessment is assessed, and durable-rules (never to be shared
    across threads, engine/compiler.py: its engine is one per process) is driven by one thread from here."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hegui-engine")
        self.ident = self.pool.submit(threading.get_ident).result()

    def call(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run `fn` there and wait (blocking); run it in place when already there (no deadlock)."""
        if threading.get_ident() == self.ident:
            return fn(*args, **kwargs)
        return self.pool.submit(fn, *args, **kwargs).result()

    async def run(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run `fn` there while the event loop serves other requests."""
        return await asyncio.wrap_future(self.pool.submit(fn, *args, **kwargs))


@cache
def engine_thread() -> EngineThread:
    """The process's engine thread, started by the first app (every app of the process shares it)."""
    return EngineThread()


class Drafts:
    """The engine's findings on the last ASSESSED_KEPT input states (editing.Draft), by the assessment key, the
    day (an undated assessment is assessed as of today) and the files' content (editing.token_of): every page
    reads them, and a 50-activity assessment costs the engine half a second. A save puts the findings it
    computed to validate the new files here, so the page after it does not assess them again."""

    def __init__(self) -> None:
        self.kept: OrderedDict[tuple[str, date, str], editing.Draft] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str, files: dict[str, bytes]) -> editing.Draft | None:
        with self.lock:
            found = self.kept.get((key, date.today(), editing.token_of(files)))
            if found is not None:
                self.kept.move_to_end((key, found.day, found.token))
            return found

    def put(self, found: editing.Draft) -> editing.Draft:
        """Keep `found`, or return the entry already kept for that state (with what pages derived from it)."""
        key = (found.key, found.day, found.token)
        with self.lock:
            found = self.kept.setdefault(key, found)
            self.kept.move_to_end(key)
            while len(self.kept) > ASSESSED_KEPT:
                self.kept.popitem(last=False)
        return found

    def compute(self, key: str, files: dict[str, bytes]) -> editing.Draft:
        """The draft of these files, assessed now unless kept (runs on the engine thread)."""
        found = self.get(key, files)
        if found is not None:
            return found
        with registry.materialised(files, key) as folder:
            try:
                outcome: Outcome = (usecases.assess(usecases.load(folder)), [])
            except InputError as exc:
                outcome = (None, [_relative(p, str(folder)) for p in exc.problems])
        return self.put(editing.Draft(key, date.today(), files, *outcome))


@dataclass(frozen=True)
class Visitor:
    """Who is asking, in which language; user is None before login."""

    user: User | None
    lang: str


def session_secret(engine: Engine) -> str:
    """The cookie signing key, made once and kept in the database (every worker and restart share it)."""
    with session_scope(engine) as session:
        stored = session.get(Setting, "session_secret")
        if stored is None:
            stored = Setting(name="session_secret", value=secrets.token_urlsafe(48))
            session.add(stored)
        return stored.value


def create_app(engine: Engine, retention_years: int = MIN_RETENTION_YEARS) -> Starlette:
    """The ASGI app over an upgraded database (engine/web/db.py `upgrade`); approved versions are kept
    `retention_years` (at least three, PIPL art. 56 para. 2)."""
    retention_years = retention(retention_years)
    reports = Reports(engine)
    worker = engine_thread()
    drafts = Drafts()
    templates = Jinja2Templates(
        env=Environment(loader=FileSystemLoader(data_dir("templates") / "web"), autoescape=True)
    )

    def language(request: Request) -> str:
        chosen = request.session.get("lang")
        if chosen in LANGS:
            return str(chosen)
        accept = request.headers.get("accept-language", "").lower()
        return "en" if accept.startswith("en") else "zh"

    def csrf_token(request: Request) -> str:
        token = request.session.get("csrf")
        if not isinstance(token, str):
            token = secrets.token_urlsafe(32)
            request.session["csrf"] = token
        return token

    async def form_checked(
        request: Request, max_files: int = 3, max_fields: int = 20, max_part_size: int = MAX_UPLOAD
    ) -> Mapping[str, Any]:
        """The posted form, refused (403) unless it carries this session's CSRF token."""
        form = await request.form(max_files=max_files, max_fields=max_fields, max_part_size=max_part_size)
        sent, expected = form.get("csrf"), request.session.get("csrf")
        if not (isinstance(sent, str) and isinstance(expected, str) and secrets.compare_digest(sent, expected)):
            raise HTTPException(403, "csrf")
        return form

    def visitor(request: Request, session: Session) -> Visitor:
        lang = language(request)
        uid = request.session.get("uid")
        user = session.get(User, uid) if isinstance(uid, int) else None
        if user is None or user.disabled or request.session.get("stamp") != accounts.session_stamp(user):
            return Visitor(None, lang)
        return Visitor(user, lang)

    def page(request: Request, name: str, who: Visitor, code: int = 200, **context: Any) -> Response:
        def t(key: str, **values: Any) -> str:
            return tr(f"web.{key}", who.lang, **values)

        values = {"t": t, "lang": who.lang, "user": who.user, "csrf": csrf_token(request), **context}
        response: Response = templates.TemplateResponse(request, name, values, status_code=code)
        return response

    def member(session: Session, who: Visitor, slug: str, needed: str) -> tuple[Organisation, str]:
        """The organisation and the user's role there: 404 for a stranger (as for no such organisation),
        403 for a member whose role is too low."""
        assert who.user is not None
        org = organisation(session, slug)
        role = None
        if org is not None:
            role = session.scalar(
                select(Membership.role).where(Membership.organisation_id == org.id, Membership.user_id == who.user.id)
            )
        if org is None or role is None:
            raise HTTPException(404)
        if not accounts.allowed(role, needed):
            raise HTTPException(403)
        return org, role

    Handler = Callable[[Request, Session, Visitor], Awaitable[Response]]

    in_flight = asyncio.Semaphore(IN_FLIGHT)

    def signed_in(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            async with in_flight:  # waiting here holds no database connection
                with session_scope(engine) as session:
                    who = visitor(request, session)
                    if who.user is None:
                        return RedirectResponse("/login", 303)
                    return await handler(request, session, who)

        return endpoint

    async def home(request: Request) -> Response:
        with session_scope(engine) as session:
            who = visitor(request, session)
        return RedirectResponse("/orgs" if who.user else "/login", 303)

    async def login_page(request: Request) -> Response:
        with session_scope(engine) as session:
            who = visitor(request, session)
        if request.method == "GET":
            return page(request, "login.html", who)
        form = await form_checked(request)
        username, password = str(form.get("username", "")), str(form.get("password", ""))
        client = request.client.host if request.client else "?"
        with session_scope(engine) as session:
            result = accounts.login(session, username, password, client)
            if result.user is None:
                error = "throttled" if result.throttled else "login_failed"
                return page(request, "login.html", who, 429 if result.throttled else 401, error=error)
            uid, stamp = result.user.id, accounts.session_stamp(result.user)
        request.session.clear()  # a new session on login: no fixation
        request.session.update({"uid": uid, "stamp": stamp, "lang": who.lang, "csrf": secrets.token_urlsafe(32)})
        return RedirectResponse("/orgs", 303)

    async def logout(request: Request) -> Response:
        await form_checked(request)
        request.session.clear()
        return RedirectResponse("/login", 303)

    async def set_language(request: Request) -> Response:
        form = await form_checked(request)
        if (lang := form.get("lang")) in LANGS:
            request.session["lang"] = lang
        back = str(form.get("next", "/"))
        return RedirectResponse(back if back.startswith("/") and not back.startswith("//") else "/", 303)

    @signed_in
    async def orgs(request: Request, session: Session, who: Visitor) -> Response:
        assert who.user is not None
        return page(request, "orgs.html", who, roles=accounts.roles_of(session, who.user.id))

    @signed_in
    async def org_page(request: Request, session: Session, who: Visitor) -> Response:
        org, role = member(session, who, request.path_params["org"], "viewer")
        items = registry.assessments(session, org)
        return page(request, "org.html", who, org=org, role=role, assessments=items)

    @signed_in
    async def assessment_page(request: Request, session: Session, who: Visitor) -> Response:
        org, role, stored = stored_or_404(request, session, who)
        found = await current(stored, session)
        doc = found.assessed.doc if found.assessed else None
        listed = editing.findings_page(doc, request.query_params) if doc else None
        context: dict[str, Any] = {"org": org, "role": role, "a": stored, "doc": doc, "listed": listed}
        context["problems"] = found.problems
        return await worker.run(page, request, "assessment.html", who, **context)

    def stored_or_404(request: Request, session: Session, who: Visitor) -> tuple[Organisation, str, Assessment]:
        """The organisation, the visitor's role in it and the assessment the path names; 404 when the
        visitor may not see it, exactly as when it does not exist."""
        org, role = member(session, who, request.path_params["org"], "viewer")
        stored = registry.assessment(session, org, request.path_params["key"])
        if stored is None:
            raise HTTPException(404)
        return org, role, stored

    def assessed_or_problems(stored: Assessment, session: Session) -> Outcome:
        """The engine's findings for the stored inputs, or their problems (file names without the temporary
        path); computed on the engine thread while this one waits, unless kept (Drafts)."""
        found = worker.call(drafts.compute, stored.key, registry.files_of(session, stored))
        return found.assessed, found.problems

    async def current(stored: Assessment, session: Session) -> editing.Draft:
        """The stored draft with its findings, assessed on the engine thread unless kept; the event loop
        serves other requests meanwhile."""
        files = registry.files_of(session, stored)
        found = drafts.get(stored.key, files)
        return found if found is not None else await worker.run(drafts.compute, stored.key, files)

    @signed_in
    async def finding_page(request: Request, session: Session, who: Visitor) -> Response:
        org, role, stored = stored_or_404(request, session, who)
        assessed, _ = assessed_or_problems(stored, session)
        if assessed is None:
            raise HTTPException(404)
        try:
            finding = usecases.explain(assessed.doc, request.path_params["finding"], stored.key)
        except InputError:
            raise HTTPException(404) from None

        def x(key: str, **values: Any) -> str:
            return tr(f"x.{key}", who.lang, **values)

        def fact(name: str) -> str:
            return fact_label(name, who.lang)

        def value(v: Any) -> str:
            return value_text(v, who.lang)

        lang = who.lang
        return page(
            request,
            "finding.html",
            who,
            org=org,
            role=role,
            a=stored,
            f=finding,
            x=x,
            fact=fact,
            value=value,
            unknown=[fact_label(name, lang) for name in finding.trace.unknown],
            questions=[fact_label(f"q.{q}", lang) for q in finding.trace.questions],
            citations=cite_labels(finding.citations, lang),
            penalties=cite_labels(finding.penalties, lang),
        )

    @signed_in
    async def upload(request: Request, session: Session, who: Visitor) -> Response:
        assert who.user is not None
        org, role = member(session, who, request.path_params["org"], "assessor")
        form = await form_checked(request)
        files: dict[str, bytes] = {}
        too_large: list[Problem] = []
        for name in INPUT_FILES:
            part = form.get(name)
            if isinstance(part, UploadFile) and part.filename:
                files[name] = await part.read(MAX_UPLOAD + 1)  # never more than the limit in memory
                if len(files[name]) > MAX_UPLOAD:
                    too_large.append(Problem(name, tr("web.upload_too_large", who.lang, max=MAX_UPLOAD)))
        status = 400  # invalid files; 409 once they are valid but the stored draft is locked
        try:
            if too_large:
                raise InputError(too_large)
            if ASSESSMENT_FILE not in files:
                raise InputError.one(ASSESSMENT_FILE, tr("web.upload_missing", who.lang))
            with registry.materialised(files, "upload") as folder:
                try:
                    loaded = usecases.validate(folder).loaded
                except InputError as exc:
                    raise InputError([_relative(p, str(folder)) for p in exc.problems]) from None
            status = 409
            stored, _ = registry.store(session, org, files, loaded, who.user.username)  # refused unless editable
        except InputError as exc:
            items = registry.assessments(session, org)
            return page(
                request,
                "org.html",
                who,
                status,
                org=org,
                role=role,
                assessments=items,
                problems=[str(p) for p in exc.problems],
            )
        return RedirectResponse(f"/o/{org.slug}/a/{stored.key}", 303)

    @signed_in
    async def members(request: Request, session: Session, who: Visitor) -> Response:
        org, role = member(session, who, request.path_params["org"], "admin")
        rows = session.execute(
            select(User.username, Membership.role, User.disabled)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == org.id)
            .order_by(User.username)
        ).all()
        return page(request, "members.html", who, org=org, role=role, members=rows)

    async def stylesheet(request: Request) -> Response:
        return FileResponse(data_dir("templates") / "web" / "web.css", media_type="text/css")

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        with session_scope(engine) as session:
            who = visitor(request, session)
        return page(request, "error.html", who, status, status=status)

    editing_kit = editing.Kit(
        page, member, form_checked, signed_in, stored_or_404, assessed_or_problems, current, drafts.put, worker.run
    )
    routes = [
        Route("/", home),
        Route("/login", login_page, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/lang", set_language, methods=["POST"]),
        Route("/orgs", orgs),
        Route("/o/{org}", org_page),
        Route("/o/{org}/upload", upload, methods=["POST"]),
        Route("/o/{org}/members", members),
        Route("/o/{org}/a/{key}", assessment_page),
        Route("/o/{org}/a/{key}/f/{finding}", finding_page),
        Route("/static/web.css", stylesheet),
        *editing.routes(editing_kit),
    ]
    kit = review.Kit(engine, page, member, form_checked, signed_in, stored_or_404, reports, retention_years)
    routes += review.routes(kit)
    routes += datasets.routes(editing_kit) + plan.routes(editing_kit) + rename.routes(editing_kit)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        reports.resume()  # report jobs the last stop left unfinished (one server process per database)
        yield
        reports.shutdown()  # a report being rendered finishes before the server exits

    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            SessionMiddleware,
            secret_key=session_secret(engine),
            session_cookie=SESSION_COOKIE,
            max_age=int(SESSION_AGE.total_seconds()),
            same_site="lax",
            https_only=True,
        ),
    ]
    app = Starlette(
        routes=routes, middleware=middleware, exception_handlers={HTTPException: http_error}, lifespan=lifespan
    )
    app.state.reports = reports
    return app


def _relative(problem: Problem, folder: str) -> Problem:
    """A problem in a temporary copy names the file alone (assessment.yaml:3:1: …), not the copy's path."""
    name = problem.file.removeprefix(folder).lstrip("/") or problem.file
    return Problem(name, problem.message, problem.path, problem.line, problem.column)
