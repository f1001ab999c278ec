"""Completing an assessment in the browser: create, the questionnaire, fields, remediation, comments, evidence.

Nothing here decides a rule, a question or a file format. The assessment's files in the registry are the
working draft; every change materialises them in a private temporary folder, edits them with the terminal
questionnaire's own code (engine/workflow/questionnaire.py: which questions apply, how a typed value is
parsed and checked, the ruamel.yaml round-trip writer that keeps comments; engine/workflow/answers.py for
answers), validates the result as `hegui validate` does and stores it (registry.store), or stores nothing
and shows each problem next to its field. Remediation actions go into remediation.yaml (engine/remediation.py's
PlanEntry), so the CLI, batch and the web share one format. Comments and evidence live in their own
tables; evidence is kept once per SHA-256 and typed by its content, not by its name.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import tempfile
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import filetype
from ruamel.yaml.comments import CommentedMap
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from engine import usecases
from engine.errors import CONTROL, InputError, Problem
from engine.i18n import message
from engine.inputs import ASSESSMENT_FILE, DATASETS_YAML
from engine.output import write_atomic
from engine.text import Text
from engine.web import registry
from engine.web.db import Assessment, EvidenceBlob, EvidenceFile, FindingComment, Organisation, audit
from engine.workflow import questionnaire as qn
from engine.workflow.answers import Answer, insert, write_answers
from engine.yamlsafe import parse

EDIT_ROLE = "assessor"  # assessors and admins edit; reviewers and viewers read
MAX_EVIDENCE = 5 * 1024 * 1024
MAX_COMMENT = 4000
EVIDENCE_TYPES = {  # sniffed from the content (filetype); plain text is recognised separately
    "application/pdf",
    "image/png",
    "image/jpeg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
TEXT_TYPE = "text/plain"
NEW_PARTS: tuple[qn.Kind, ...] = ("assessment", "assessor", "organisation", "activity")
SECTIONS: tuple[qn.Kind, ...] = ("assessment", "assessor", "organisation")
PATHS: dict[qn.Kind, str] = {
    "assessment": "assessment",
    "assessor": "assessment.assessor",
    "organisation": "organisation",
}


@dataclass(frozen=True)
class Kit:
    """What the app (engine/web/app.py) shares with these routes: pages, sessions, CSRF and tenancy checks."""

    page: Callable[..., Response]
    member: Callable[[Session, Any, str, str], tuple[Organisation, str]]
    form_checked: Callable[..., Awaitable[Any]]
    signed_in: Callable[
        [Callable[[Request, Session, Any], Awaitable[Response]]], Callable[[Request], Awaitable[Response]]
    ]
    stored_or_404: Callable[[Request, Session, Any], tuple[Organisation, str, Assessment]]
    assessed_or_problems: Callable[[Assessment, Session], tuple[usecases.Assessed | None, list[Problem]]]
    current: Callable[[Assessment, Session], Awaitable[Draft]]  # the stored draft, assessed off the event loop
    remember: Callable[[Draft], Draft]  # keep a draft a save has just assessed (app.py Drafts)
    run: Callable[..., Awaitable[Any]]  # run CPU work on the engine thread: await kit.run(fn, *args)


def token_of(files: Mapping[str, bytes]) -> str:
    """The state of a draft: a hash of its input files' names and contents. Forms carry the token of the
    state they were rendered from, and a save from an older state is refused (409), never merged."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(f"{name}\0{hashlib.sha256(files[name]).hexdigest()}\0".encode())
    return digest.hexdigest()


@dataclass
class Draft:
    """One state of an assessment's files: the engine's findings on it (or its problems), and what the pages
    derive from it, computed once per state (slots, reasons, parts) since a state never changes."""

    key: str
    day: date
    files: dict[str, bytes]
    assessed: usecases.Assessed | None
    problems: list[Problem]
    token: str = ""
    derived: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.token = self.token or token_of(self.files)

    def memo(self, name: str, make: Callable[[], Any]) -> Any:
        if name not in self.derived:
            self.derived[name] = make()
        return self.derived[name]


ONE_PAGE_QUESTIONS = 200  # above this many applicable questions the questionnaire shows one group a page
FINDINGS_PAGE = 100  # findings per page of the assessment page (a 50-activity assessment has thousands)
STATUS_ORDER = ("gap", "unknown", "met", "waived")


def findings_page(doc: Any, query: Mapping[str, str]) -> dict[str, Any]:
    """The assessment page's share of the findings: gaps first, FINDINGS_PAGE at a time (`?page=N`), or all of
    them (`?all=1`), with the counts by status. Rendering the thousands of a 50-activity assessment took
    most of that page's time."""
    ordered = sorted(doc.findings, key=lambda f: f.status != "gap")  # stable: the engine's order otherwise
    counts: dict[str, int] = dict.fromkeys(STATUS_ORDER, 0)
    for f in ordered:
        counts[f.status] = counts.get(f.status, 0) + 1
    total = len(ordered)
    pages = max(1, -(-total // FINDINGS_PAGE))
    everything = query.get("all") == "1"
    raw = query.get("page", "")
    number = min(max(int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else 1, 1), pages)
    start, end = (0, total) if everything else ((number - 1) * FINDINGS_PAGE, min(number * FINDINGS_PAGE, total))
    return {
        "findings": ordered[start:end],
        "counts": list(counts.items()),
        "first": start + 1 if total else 0,
        "last": end,
        "total": total,
        "page": number,
        "pages": pages,
        "all": everything,
    }


@dataclass
class FieldView:
    """One form control: a question or an assessment field, its current (or just typed) value and any error."""

    name: str  # the form field's name
    dom_id: str
    label: Text
    qtype: str
    options: list[tuple[str, Text]]
    value: Any  # a string, or a list of strings for multi
    required: bool = False
    help: Text | None = None
    why: list[str] = field(default_factory=list)
    path: str = ""  # the dotted path in the file
    error: Text | None = None
    minimum: int | None = None
    maximum: int | None = None


def form_value(value: Any) -> Any:
    """A stored value as a form shows it: a {zh, en} label as `zh / en`, lists as lists of strings."""
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return " / ".join(str(v) for v in value.values())
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def raw_of(form: Any, name: str, qtype: str) -> str:
    """What a person entered for one control: checked boxes one per line (as the workbook writes them)."""
    if qtype == "multi":  # "not answered" sends an empty value
        return "\n".join(str(v) for v in form.getlist(name) if v)
    return str(form.get(name, ""))


def dom_id(*parts: str) -> str:
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "_", "-".join(parts))


def _view(spec: qn.Spec, prefix: str, path: str, value: Any) -> FieldView:
    q = spec.question
    return FieldView(
        name=f"{prefix}.{spec.name}",
        dom_id=dom_id(prefix, spec.name),
        label=q.text,
        qtype=q.type,
        options=[(o.value, Text(zh=o.zh, en=o.en)) for o in q.options],
        value=value,
        required=spec.required,
        path=f"{path}.{spec.name}",
        minimum=q.min,
        maximum=q.max,
    )


def field_specs(kind: qn.Kind, item: Mapping[str, Any], refs: qn.Refs, only_required: bool) -> list[qn.Spec]:
    """The fields the questionnaire asks for this entry (and only the required ones when creating)."""
    out = []
    for spec in qn.specs(kind, refs):
        if not qn.asked(spec, item) or (only_required and not spec.required):
            continue
        if spec.question.type in ("multi", "choice") and not spec.question.options:
            continue  # nothing to choose from yet (no datasets, no activities), as in the terminal
        out.append(spec)
    return out


def apply_fields(
    kind: qn.Kind,
    item: Any,
    form: Any,
    prefix: str,
    path: str,
    refs: qn.Refs,
    taken: list[str],
    only_required: bool = False,
    fixed: tuple[str, ...] = (),
) -> list[FieldView]:
    """Parse and store the posted values of one entry with the questionnaire's own parsing and writer;
    returns the controls, each with its error (nothing is kept by the caller when one has one)."""
    views = []
    for spec in field_specs(kind, item, refs, only_required):
        if spec.name in fixed:
            continue
        old = qn.current(spec, item)
        raw = raw_of(form, f"{prefix}.{spec.name}", spec.question.type)
        view = _view(spec, prefix, path, raw.split("\n") if spec.question.type == "multi" else raw)
        views.append(view)
        if old is not None and form_value(old) == view.value:
            continue  # unchanged: a {zh, en} label stays one
        if not raw.strip():
            if spec.required:
                view.error = message("pydantic.not_filled")
                continue
            new = None
        else:
            new, why = spec.parse(raw if spec.question.type == "text" else raw.strip())
            if why is None and spec.name == "id" and new in taken:
                why = message("input.duplicate_id", id=new)
            if why is not None:
                view.error = why
                continue
        qn.store(spec, item, new)
    return views


def views_of(
    kind: qn.Kind, item: Mapping[str, Any], prefix: str, path: str, refs: qn.Refs, only_required: bool = False
) -> list[FieldView]:
    """The controls of one entry filled with its current values."""
    views = []
    for spec in field_specs(kind, item, refs, only_required):
        value = qn.current(spec, item)
        views.append(_view(spec, prefix, path, form_value(value if value is not None else spec.default)))
    return views


@contextmanager
def draft(session: Session, stored: Assessment) -> Iterator[Path]:
    """The stored draft's files in a private temporary folder."""
    with registry.materialised(registry.files_of(session, stored), stored.key) as folder:
        yield folder


def relative(problems: list[Problem], folder: Path) -> list[str]:
    """Problems of a temporary copy, naming the file alone."""
    out = []
    for p in problems:
        name = p.file.removeprefix(str(folder)).lstrip("/") or p.file
        out.append(str(Problem(name, p.message, p.path, p.line, p.column)))
    return out


@dataclass(frozen=True)
class Checked:
    """An edited folder validated as `hegui validate` does: its files and the findings on them, or its
    problems (then nothing is to be stored)."""

    problems: list[str]
    files: dict[str, bytes]
    assessed: usecases.Assessed | None


def check(folder: Path) -> Checked:
    """Validate an edited folder (CPU only, no database: it runs on the engine thread)."""
    try:
        files, assessed = registry.read_folder(folder)
    except InputError as exc:
        return Checked(relative(exc.problems, folder), {}, None)
    return Checked([], files, assessed)


def edit(files: dict[str, bytes], label: str, change: Callable[[Path], tuple[Any, bool]]) -> tuple[Any, Checked | None]:
    """Apply `change` to a private copy of the files (on the engine thread); it returns what the page needs
    and whether it wrote a change, which is then validated (else nothing is)."""
    with registry.materialised(files, label) as folder:
        result, written = change(folder)
        return result, (check(folder) if written else None)


def sniff(data: bytes) -> str | None:
    """The evidence file's type from its content: one of EVIDENCE_TYPES, plain UTF-8 text, else None."""
    kind = filetype.guess(data)
    if kind is not None:
        return str(kind.mime) if kind.mime in EVIDENCE_TYPES else None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = re.sub(r"[\t\r\n]", "", text)  # line breaks and tabs are text; other control characters are not
    return TEXT_TYPE if data and not CONTROL.search(lines) else None


def safe_filename(name: str) -> str:
    """The uploaded file's own name without folders or control characters (never a path on the server)."""
    base = re.split(r"[\\/]", name)[-1]
    base = CONTROL.sub("", base).strip()[:200]
    return base or "evidence"


def question_groups(found: Draft, lang: str) -> tuple[list[dict[str, Any]], int, int]:
    """The questions that apply now, grouped by organisation / activity / transfer, with progress. The slots
    and their reasons are kept with the draft; the controls are new each time (a POST fills in errors)."""
    if found.assessed is None:
        return [], 0, 0
    loaded = found.assessed.loaded
    slots: list[qn.Slot] = found.memo("slots", lambda: [s for s in qn.slots(loaded) if s.shown is not False])
    why: list[list[str]] = found.memo(
        f"why.{lang}", lambda: [list(qn.reasons(s.question.id, lang, s.facts)) for s in slots]
    )
    index = {f"activity:{a.id}": i for i, a in enumerate(loaded.assessment.activities)}
    index |= {f"transfer:{t.id}": i for i, t in enumerate(loaded.assessment.transfers)}
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    answered = 0
    for slot, reasons in zip(slots, why, strict=True):
        answered += slot.value is not None
        group = groups.setdefault(
            (slot.scope, slot.subject),
            {
                "scope": slot.scope,
                "subject": slot.subject,
                "label": slot.label,
                "anchor": dom_id("g", slot.scope, slot.subject),
                "fields": [],
                "slots": [],
                "answered": 0,
            },
        )
        group["answered"] += slot.value is not None
        where = f"{slot.scope}:{slot.subject}"
        base = "" if slot.scope == "org" else f"{qn.LIST_KEYS[slot.scope]}.{index[where]}."
        q = slot.question
        group["slots"].append(slot)
        group["fields"].append(
            FieldView(
                name=q.id,
                dom_id=dom_id(slot.scope, slot.subject, q.id),
                label=q.text,
                qtype=q.type,
                options=[(o.value, Text(zh=o.zh, en=o.en)) for o in q.options],
                value=form_value(slot.value),
                help=q.help,
                why=reasons,
                path=f"{base}answers.{q.id}",
                minimum=q.min,
                maximum=q.max,
            )
        )
    paged = len(slots) > ONE_PAGE_QUESTIONS
    out = list(groups.values())
    for i, g in enumerate(out):
        where = f"?scope={quote(g['scope'])}&subject={quote(g['subject'], safe='')}" if paged and i else ""
        g["href"] = f"{where}#{g['anchor']}"
    return out, answered, len(slots)


def shown_groups(groups: list[dict[str, Any]], total: int, query: Mapping[str, str]) -> list[dict[str, Any]]:
    """The groups the questionnaire page renders: all of them, or for a long questionnaire (a thousand controls
    for 50 activities took most of the page's time) the one the query names, else the organisation's."""
    if total <= ONE_PAGE_QUESTIONS or not groups:
        return groups
    scope, subject = query.get("scope"), query.get("subject")
    return [next((g for g in groups if g["scope"] == scope and g["subject"] == subject), groups[0])]


def parts_of(found: Draft) -> list[tuple[str, str, str]]:
    """What the assessment is made of, each with its edit page: (kind, id or - / +, label); datasets
    of datasets.yaml only (datasets.csv is edited as a spreadsheet, as in the terminal)."""
    if found.assessed is None:
        return []
    return list(found.memo("parts", lambda: _parts(found.files)))


def _parts(files: Mapping[str, bytes]) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = [(kind, "-", "") for kind in SECTIONS]
    docs: dict[str, Any] = {}
    for name in (ASSESSMENT_FILE, DATASETS_YAML):
        # the input layer's C loader: the round-trip editor's pure-Python parser took most of a
        # 50-activity questionnaire page's second
        with contextlib.suppress(InputError):  # a stored draft is valid; a broken one just lists nothing
            docs[name] = parse(files[name], name).data if name in files else None
    for kind in qn.ITEM_KINDS:
        doc = docs.get(DATASETS_YAML if kind == "dataset" else ASSESSMENT_FILE)
        found = doc.get(qn.LIST_KEYS[kind]) if isinstance(doc, Mapping) else None
        for x in found if isinstance(found, list) else []:
            if isinstance(x, Mapping) and x.get("id"):
                out.append((kind, str(x.get("id")), qn.label_of(x, kind)))
        out.append((kind, "+", ""))
    return out


def store(kit: Kit, session: Session, org: Organisation, checked: Checked, who: Any, action: str) -> None:
    """Store a validated draft and keep its findings for the page that follows."""
    assert checked.assessed is not None
    stored, _ = registry.store(session, org, checked.files, checked.assessed.loaded, who.user.username, action)
    kit.remember(Draft(stored.key, date.today(), checked.files, checked.assessed, []))


async def save(kit: Kit, session: Session, org: Organisation, folder: Path, who: Any, action: str) -> Checked:
    """Validate an edited folder on the engine thread and store it, or nothing when it has problems (the
    other editing pages, engine/web/datasets.py, plan.py and rename.py, save through this too)."""
    checked: Checked = await kit.run(check, folder)
    if checked.assessed is not None:
        store(kit, session, org, checked, who, action)
    return checked


def routes(kit: Kit) -> list[Route]:
    """The editing routes, added to the app's own."""

    def editor_of(
        session: Session, who: Any, request: Request, always: bool = False
    ) -> tuple[Organisation, str, Assessment]:
        """The assessment the path names (404 for a stranger); a change (a POST, or an edit form when
        `always`) needs an assessor or admin (403 for the other roles, which read only)."""
        org, role, stored = kit.stored_or_404(request, session, who)
        if request.method == "POST" or always:
            kit.member(session, who, org.slug, EDIT_ROLE)
        return org, role, stored

    # ------------------------------------------------------------------ create

    @kit.signed_in
    async def create(request: Request, session: Session, who: Any) -> Response:
        org, role = kit.member(session, who, request.path_params["org"], EDIT_ROLE)
        if request.method == "GET":
            groups = new_groups(CommentedMap(), None)
            return kit.page(request, "edit-new.html", who, org=org, role=role, groups=groups, problems=[])
        form = await kit.form_checked(request, max_fields=60)
        with tempfile.TemporaryDirectory(prefix="hegui-") as tmp:
            folder = Path(tmp) / "new"
            folder.mkdir()
            from engine.workflow.scaffold import DATASETS, scaffold

            write_atomic(folder / DATASETS_YAML, DATASETS)  # exactly what `hegui init` writes
            write_atomic(folder / ASSESSMENT_FILE, scaffold(date.today()))
            editor = qn.Editor(folder)
            taken = [a.key for a in registry.assessments(session, org)]
            groups = new_groups(form, editor, taken)
            problems: list[str] = []
            if not any(v.error for _, views in groups for v in views):
                editor.save("assessment")
                problems = (await save(kit, session, org, folder, who, "web.create")).problems
                if not problems:
                    key = str(editor.section("assessment").get("id"))
                    return RedirectResponse(f"/o/{org.slug}/a/{key}/questions", 303)
        return kit.page(request, "edit-new.html", who, 400, org=org, role=role, groups=groups, problems=problems)

    def new_groups(
        form: Any, editor: qn.Editor | None, taken: list[str] | None = None
    ) -> list[tuple[qn.Kind, list[FieldView]]]:
        """The create form's parts: the required fields of the assessment, its assessor, the organisation
        and its first activity (what `hegui init` leaves null), parsed into `editor`'s documents if given."""
        groups: list[tuple[qn.Kind, list[FieldView]]] = []
        for kind in NEW_PARTS:
            if editor is None:
                item: Any = CommentedMap()
                views = views_of(kind, item, kind, PATHS.get(kind, "activities.0"), qn.Refs(), only_required=True)
                if kind == "assessment":
                    for v in views:
                        v.value = date.today().isoformat() if v.name.endswith(".as_of") else v.value
            else:
                item = editor.section(kind) if kind in SECTIONS else editor.items("activity")[0]
                path = PATHS.get(kind, "activities.0")
                views = apply_fields(
                    kind, item, form, kind, path, editor.refs(), (taken or []) if kind == "assessment" else [], True
                )
            groups.append((kind, views))
        return groups

    # ------------------------------------------------------------------ the questionnaire

    def note_changes(request: Request, changes: list[Any]) -> None:
        """Keep the findings whose status a save changed (as `hegui diff` lists them) for the next page."""
        request.session["changed"] = [[c.id, c.old, c.new] for c in changes][:30]

    def changes(before: usecases.Assessed | None, after: usecases.Assessed | None) -> list[Any]:
        return usecases.diff(before.doc, after.doc).status_changes if before and after else []

    def stale(session: Session, stored: Assessment, token: str) -> bool:
        """Whether the stored draft is no longer the state a form was rendered from. Called right before
        storing, with no await between it, the store and the commit (signed_in), so that two saves on this
        event loop never both pass it."""
        return token_of(registry.files_of(session, stored)) != token

    @kit.signed_in
    async def questions(request: Request, session: Session, who: Any) -> Response:
        org, role, stored = editor_of(session, who, request)
        found = await kit.current(stored, session)
        groups, answered, total = await kit.run(question_groups, found, who.lang)
        changed = request.session.pop("changed", None) if request.method == "GET" else None
        query = request.query_params
        group: dict[str, Any] | None = None  # the group posted

        def render(code: int, problems: list[Any], changed: list[Any], conflict: bool) -> Response:
            shown = [group] if group is not None and total > ONE_PAGE_QUESTIONS else shown_groups(groups, total, query)
            return kit.page(
                request,
                "edit-questions.html",
                who,
                code,
                org=org,
                role=role,
                a=stored,
                groups=groups,
                shown=shown,
                paged=total > ONE_PAGE_QUESTIONS,
                answered=answered,
                total=total,
                problems=problems,
                changed=changed,
                conflict=conflict,
                token=found.token,
                parts=parts_of(found),
            )

        async def show(code: int, problems: list[Any], changed: list[Any], conflict: bool = False) -> Response:
            """The page, rendered on the engine thread (a 50-activity questionnaire has a thousand controls)."""
            response: Response = await kit.run(render, code, problems, changed, conflict)
            return response

        if request.method == "GET" or found.assessed is None:
            return await show(200, found.problems, changed or [])
        form = await kit.form_checked(request, max_fields=200)
        scope, subject = str(form.get("scope", "")), str(form.get("subject", ""))
        group = next((g for g in groups if g["scope"] == scope and g["subject"] == subject), None)
        if group is None:
            raise HTTPException(404)
        if form.get("state") != found.token:  # rendered from an older state: show the current one
            return await show(409, [], [], conflict=True)
        answers: list[Answer] = []
        for view, slot in zip(group["fields"], group["slots"], strict=True):
            if view.name not in form:
                continue  # not sent: unchanged (a page sends every control, "not answered" included)
            raw = raw_of(form, view.name, view.qtype)
            typed = raw.split("\n") if view.qtype == "multi" else raw
            if not raw.strip():  # "not answered", or an emptied text: the answer goes, the engine's unknown
                if slot.value is not None:
                    answers.append(slot.answer(None))
                    view.value = ""
                continue
            if typed == view.value:
                continue
            view.value = typed
            value, why = qn.coerce(slot.question, raw if view.qtype == "text" else raw.strip())
            if why is not None:
                view.error = why
                continue
            answers.append(slot.answer(value))
        if any(v.error for v in group["fields"]):
            return await show(400, [], [])
        if answers:

            def write(folder: Path) -> tuple[None, bool]:
                write_answers(folder / ASSESSMENT_FILE, answers)
                return None, True

            _, checked = await kit.run(edit, found.files, stored.key, write)
            assert checked is not None
            if checked.problems:
                return await show(400, checked.problems, [])
            changed = await kit.run(changes, found.assessed, checked.assessed)
            if stale(session, stored, found.token):  # someone saved while this was validated
                found = await kit.current(stored, session)
                groups, answered, total = await kit.run(question_groups, found, who.lang)
                group = next((g for g in groups if g["scope"] == scope and g["subject"] == subject), None)
                return await show(409, [], [], conflict=True)
            store(kit, session, org, checked, who, "web.answer")
            note_changes(request, changed)
        return RedirectResponse(f"/o/{org.slug}/a/{stored.key}/questions{group['href']}", 303)

    # ------------------------------------------------------------------ organisation, activities, datasets, transfers

    @kit.signed_in
    async def fields(request: Request, session: Session, who: Any) -> Response:
        org, role, stored = editor_of(session, who, request, always=True)
        kind = request.path_params["kind"]
        ident = request.path_params["ident"]
        if kind not in (*SECTIONS, *qn.ITEM_KINDS) or (kind in SECTIONS) != (ident == "-"):
            raise HTTPException(404)
        found = await kit.current(stored, session)

        def show(code: int, views: list[Any], problems: list[str], conflict: bool = False) -> Response:
            return kit.page(
                request,
                "edit-fields.html",
                who,
                code,
                org=org,
                role=role,
                a=stored,
                kind=kind,
                ident=ident,
                views=views,
                problems=problems,
                conflict=conflict,
                token=found.token,
            )

        def change(folder: Path, form: Any) -> tuple[list[FieldView], bool]:
            """The entry's controls: with its current values (no form), or with the posted ones written into
            the folder (True) unless one is invalid."""
            editor = qn.Editor(folder)
            items = [] if kind in SECTIONS else list(editor.items(kind, create=ident == "+"))
            if kind in SECTIONS:
                item, path = editor.section(kind), PATHS[kind]
            elif ident == "+":
                item, path = CommentedMap(), f"{qn.LIST_KEYS[kind]}.{len(items)}"
            else:
                at = next(
                    (i for i, x in enumerate(items) if isinstance(x, Mapping) and str(x.get("id")) == ident), None
                )
                if at is None:
                    raise HTTPException(404)
                item, path = items[at], f"{qn.LIST_KEYS[kind]}.{at}"
            fixed = ("id",) if kind == "assessment" or ident not in ("-", "+") else ()
            if form is None:
                views = views_of(kind, item, kind, path, editor.refs())
                return [v for v in views if v.name.split(".")[-1] not in fixed], False
            taken = [str(x.get("id")) for x in items if isinstance(x, Mapping) and x is not item]
            views = apply_fields(kind, item, form, kind, path, editor.refs(), taken, fixed=fixed)
            if any(v.error for v in views):
                return views, False
            if ident == "+":
                insert(editor.items(kind, create=True), None, item)
            editor.save(kind)
            return views, True

        async def current_views(code: int, conflict: bool = False) -> Response:
            views, _ = await kit.run(edit, found.files, stored.key, lambda folder: change(folder, None))
            return show(code, views, [], conflict)

        if request.method == "GET":
            return await current_views(200)
        form = await kit.form_checked(request, max_fields=200)
        if form.get("state") != found.token:  # rendered from an older state: show the current one
            return await current_views(409, conflict=True)
        views, checked = await kit.run(edit, found.files, stored.key, lambda folder: change(folder, form))
        if checked is None or checked.problems:
            return show(400, views, checked.problems if checked else [])
        changed = await kit.run(changes, found.assessed, checked.assessed)
        if stale(session, stored, found.token):  # someone saved while this was validated
            found = await kit.current(stored, session)
            return await current_views(409, conflict=True)
        store(kit, session, org, checked, who, f"web.edit.{kind}")
        note_changes(request, changed)
        return RedirectResponse(f"/o/{org.slug}/a/{stored.key}/questions", 303)

    @kit.signed_in
    async def remove(request: Request, session: Session, who: Any) -> Response:
        org, _, stored = editor_of(session, who, request)
        kind, ident = request.path_params["kind"], request.path_params["ident"]
        if kind not in qn.ITEM_KINDS:
            raise HTTPException(404)
        await kit.form_checked(request)
        with draft(session, stored) as folder:
            editor = qn.Editor(folder)
            items = editor.items(kind)
            at = next((i for i, x in enumerate(items) if isinstance(x, Mapping) and str(x.get("id")) == ident), None)
            if at is None:
                raise HTTPException(404)
            before = await kit.current(stored, session)
            editor.remove(kind, at)  # and every reference to it, as the terminal questionnaire does
            checked = await save(kit, session, org, folder, who, f"web.remove.{kind}")
            problems = checked.problems
            note_changes(request, await kit.run(changes, before.assessed, checked.assessed))
        if problems:
            return kit.page(
                request,
                "edit-fields.html",
                who,
                400,
                org=org,
                role=None,
                a=stored,
                kind=kind,
                ident=ident,
                views=[],
                problems=problems,
            )
        return RedirectResponse(f"/o/{org.slug}/a/{stored.key}/questions", 303)

    # ------------------------------------------------------------------ per finding: remediation, comments, evidence

    def finding_of(request: Request, session: Session, who: Any) -> tuple[Organisation, str, Assessment, Any]:
        org, role, stored = editor_of(session, who, request)
        assessed, _ = kit.assessed_or_problems(stored, session)
        if assessed is None:
            raise HTTPException(404)
        try:
            return org, role, stored, usecases.explain(assessed.doc, request.path_params["finding"], stored.key)
        except InputError:
            raise HTTPException(404) from None

    def plan_item(editor: qn.Editor, finding_id: str) -> tuple[Any, int, bool]:
        """The remediation.yaml entry of this finding (a new one when it has none), its index, and whether new."""
        items = editor.items("plan")
        for i, x in enumerate(items):
            if isinstance(x, Mapping) and x.get("action") == finding_id:
                return x, i, False
        return CommentedMap(action=finding_id), len(items), True

    def work_page(request: Request, session: Session, who: Any, code: int = 200, **extra: Any) -> Response:
        org, role, stored, finding = finding_of(request, session, who)
        if "plan" not in extra:
            with draft(session, stored) as folder:
                item, at, _ = plan_item(qn.Editor(folder), finding.id)
                extra["plan"] = views_of("plan", item, "plan", f"actions.{at}", qn.Refs())
        extra["plan"] = [v for v in extra["plan"] if not v.name.endswith(".action")]
        comments = session.scalars(
            select(FindingComment)
            .where(FindingComment.assessment_id == stored.id, FindingComment.finding == finding.id)
            .order_by(FindingComment.at, FindingComment.id)
        ).all()
        evidence = session.scalars(
            select(EvidenceFile)
            .where(EvidenceFile.assessment_id == stored.id, EvidenceFile.finding == finding.id)
            .order_by(EvidenceFile.at, EvidenceFile.id)
        ).all()
        context = {"problems": [], "comment_error": None, "evidence_error": None, **extra}
        return kit.page(
            request,
            "edit-finding.html",
            who,
            code,
            org=org,
            role=role,
            a=stored,
            f=finding,
            comments=comments,
            evidence=evidence,
            max_evidence=MAX_EVIDENCE,
            max_comment=MAX_COMMENT,
            **context,
        )

    def back(org: Organisation, stored: Assessment, finding_id: str, anchor: str) -> Response:
        return RedirectResponse(f"/o/{org.slug}/a/{stored.key}/f/{quote(finding_id, safe='')}/work#{anchor}", 303)

    @kit.signed_in
    async def work(request: Request, session: Session, who: Any) -> Response:
        return work_page(request, session, who)

    @kit.signed_in
    async def plan(request: Request, session: Session, who: Any) -> Response:
        org, _, stored, finding = finding_of(request, session, who)
        form = await kit.form_checked(request)
        with draft(session, stored) as folder:
            editor = qn.Editor(folder)
            item, at, new = plan_item(editor, finding.id)
            views = apply_fields("plan", item, form, "plan", f"actions.{at}", qn.Refs(), [], fixed=("action",))
            if any(v.error for v in views):
                return work_page(request, session, who, 400, plan=views)
            if new:
                insert(editor.items("plan", create=True), None, item)
            editor.save("plan")
            problems = (await save(kit, session, org, folder, who, "web.remediation")).problems
        if problems:
            return work_page(request, session, who, 400, plan=views, problems=problems)
        audit(session, who.user.username, "web.remediation.finding", f"{org.slug}/{stored.key}/{finding.id}")
        return back(org, stored, finding.id, "plan")

    @kit.signed_in
    async def comment(request: Request, session: Session, who: Any) -> Response:
        org, _, stored, finding = finding_of(request, session, who)
        form = await kit.form_checked(request)
        text = str(form.get("text", "")).strip()
        error = None
        if not text:
            error = message("pydantic.not_filled")
        elif len(text) > MAX_COMMENT:
            error = message("web.comment_too_long", max=MAX_COMMENT)
        elif found := CONTROL.search(text.replace("\n", "").replace("\r", "").replace("\t", "")):
            error = message("web.control_character", code=f"U+{ord(found.group()):04X}")
        if error is not None:
            return work_page(request, session, who, 400, comment_error=error, comment_text=text)
        session.add(FindingComment(assessment_id=stored.id, finding=finding.id, author=who.user.username, text=text))
        audit(session, who.user.username, "web.comment", f"{org.slug}/{stored.key}/{finding.id}")
        return back(org, stored, finding.id, "comments")

    @kit.signed_in
    async def attach(request: Request, session: Session, who: Any) -> Response:
        org, _, stored, finding = finding_of(request, session, who)
        form = await kit.form_checked(request, max_files=1, max_part_size=MAX_EVIDENCE)
        part = form.get("file")
        error = None
        data = b""
        if not (isinstance(part, UploadFile) and part.filename):
            error = message("pydantic.not_filled")
        else:
            data = await part.read(MAX_EVIDENCE + 1)  # never more than the limit in memory
            if len(data) > MAX_EVIDENCE:
                error = message("web.evidence_too_large", max=MAX_EVIDENCE)
        media = sniff(data) if error is None else None
        if error is None and media is None:
            error = message("web.evidence_type")
        if error is not None or media is None or not isinstance(part, UploadFile):
            return work_page(request, session, who, 400, evidence_error=error)
        sha = hashlib.sha256(data).hexdigest()
        if session.get(EvidenceBlob, sha) is None:
            session.add(EvidenceBlob(sha256=sha, size=len(data), content=data))
        name = safe_filename(part.filename or "")
        session.add(
            EvidenceFile(
                assessment_id=stored.id,
                finding=finding.id,
                filename=name,
                media_type=media,
                sha256=sha,
                uploaded_by=who.user.username,
            )
        )
        audit(session, who.user.username, "web.evidence", f"{org.slug}/{stored.key}/{finding.id} {sha}")
        return back(org, stored, finding.id, "evidence")

    @kit.signed_in
    async def download(request: Request, session: Session, who: Any) -> Response:
        _, _, stored = kit.stored_or_404(request, session, who)
        ident = request.path_params["ident"]
        found = session.get(EvidenceFile, ident)
        if found is None or found.assessment_id != stored.id:
            raise HTTPException(404)
        blob = session.get(EvidenceBlob, found.sha256)
        assert blob is not None
        ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", found.filename)
        disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(found.filename, safe='')}"
        return Response(
            blob.content,
            media_type=found.media_type,
            headers={"content-disposition": disposition, "x-content-type-options": "nosniff"},
        )

    return [
        Route("/o/{org}/new", create, methods=["GET", "POST"]),
        Route("/o/{org}/a/{key}/questions", questions, methods=["GET", "POST"]),
        Route("/o/{org}/a/{key}/edit/{kind}/{ident}", fields, methods=["GET", "POST"]),
        Route("/o/{org}/a/{key}/edit/{kind}/{ident}/remove", remove, methods=["POST"]),
        Route("/o/{org}/a/{key}/f/{finding}/work", work),
        Route("/o/{org}/a/{key}/f/{finding}/plan", plan, methods=["POST"]),
        Route("/o/{org}/a/{key}/f/{finding}/comment", comment, methods=["POST"]),
        Route("/o/{org}/a/{key}/f/{finding}/evidence", attach, methods=["POST"]),
        Route("/o/{org}/a/{key}/evidence/{ident:int}", download),
    ]
