"""The remediation plan of a draft in the browser, and its orphaned entries.

An entry of remediation.yaml names a finding, an obligation or a transfer task (engine/remediation.py).
When that name goes (an activity or transfer removed or renamed, an answer that makes an obligation not
apply, a rulebook update), `hegui validate` refuses the plan, as it refuses a misspelt name, and so
every save of the draft is refused until the entry is settled. The engine stays strict (CLI, batch and
web read one format the same way); this page shows each entry, marks those that name nothing (found by
assessing the draft without its plan: what the entries could name) and lets an assessor delete an entry
or move an orphaned one to the finding most like its old name (keeping owner, due date and status).
A deleted entry's values go into the audit trail: a plan records committed work, nothing drops it silently.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from engine import usecases
from engine.errors import InputError
from engine.i18n import message
from engine.remediation import PLAN_FILE, PlanEntry, load_plan, plannable
from engine.web import registry
from engine.web.db import Assessment, audit
from engine.web.editing import EDIT_ROLE, Kit, draft, relative, save
from engine.workflow import questionnaire as qn


@dataclass(frozen=True)
class Row:
    """One plan entry as the page shows it."""

    entry: PlanEntry
    orphan: bool | None  # None when the findings cannot be computed (the draft has other problems)
    move_to: str | None  # the name most like an orphan's, not planned yet


def rows_of(session: Session, stored: Assessment) -> tuple[list[Row], list[str]]:
    """The draft's plan entries, each marked orphaned or not, and the problems that keep it from telling."""
    files = registry.files_of(session, stored)
    loaded, problems = load_plan(Path(PLAN_FILE), files.get(PLAN_FILE))  # problems name the file alone
    if loaded is None:
        return [], [str(p) for p in problems]
    actions = loaded.plan.actions
    without = {name: data for name, data in files.items() if name != PLAN_FILE}
    with registry.materialised(without, stored.key) as folder:
        try:
            doc = usecases.assess(usecases.load(folder)).doc
        except InputError as exc:
            return [Row(e, None, None) for e in actions], relative(exc.problems, folder)
    exact, obligations = plannable(doc.findings, doc.transfers)
    known = exact | obligations
    planned = {e.action for e in actions}
    free = sorted(known - planned)
    rows = []
    for e in actions:
        orphan = e.action not in known
        close = difflib.get_close_matches(e.action, free, n=1) if orphan else []
        rows.append(Row(e, orphan, close[0] if close else None))
    return rows, []


def routes(kit: Kit) -> list[Route]:
    """The plan page and its settling form, added to the app's own (engine/web/app.py)."""

    def show(
        request: Request, session: Session, who: Any, code: int = 200, problems: list[str] | None = None
    ) -> Response:
        org, role, stored = kit.stored_or_404(request, session, who)
        rows, unchecked = rows_of(session, stored)
        done = request.session.pop("plan_done", None) if request.method == "GET" else None
        return kit.page(
            request,
            "plan.html",
            who,
            code,
            org=org,
            role=role,
            a=stored,
            rows=rows,
            unchecked=unchecked,
            orphans=sum(1 for r in rows if r.orphan),
            problems=problems or [],
            done=done,
        )

    @kit.signed_in
    async def page(request: Request, session: Session, who: Any) -> Response:
        return show(request, session, who)

    @kit.signed_in
    async def settle(request: Request, session: Session, who: Any) -> Response:
        org, _, stored = kit.stored_or_404(request, session, who)  # 404 for a stranger first
        kit.member(session, who, org.slug, EDIT_ROLE)
        form = await kit.form_checked(request, max_fields=2000)
        rows, _ = rows_of(session, stored)
        chosen: dict[int, str] = {}
        for i, row in enumerate(rows):
            choice = str(form.get(f"o.{i}", "keep"))
            if choice == "keep":
                continue
            if (
                form.get(f"a.{i}") != row.entry.action
                or choice not in ("delete", "move")
                or (choice == "move" and row.move_to is None)
            ):  # the plan changed since the page was shown, or a forged choice
                return show(request, session, who, 409, [message("web.plan_changed").get(who.lang)])
            chosen[i] = choice
        if not chosen:
            return show(request, session, who, 400, [message("web.plan_nothing").get(who.lang)])
        with draft(session, stored) as folder:
            editor = qn.Editor(folder)
            items = editor.items("plan")
            for i in sorted(chosen, reverse=True):
                if chosen[i] == "delete":
                    del items[i]
                else:
                    items[i]["action"] = rows[i].move_to
            editor.save("plan")
            try:
                problems = (await save(kit, session, org, folder, who, "web.plan.settle")).problems
            except InputError as exc:  # the draft is locked (in review or approved)
                problems = [str(p) for p in exc.problems]
        if problems:
            return show(request, session, who, 400, problems)
        for i, choice in sorted(chosen.items()):
            e = rows[i].entry
            values = e.model_dump_json(exclude_none=True)
            detail = f"{org.slug}/{stored.key} {values}" + (f" -> {rows[i].move_to}" if choice == "move" else "")
            audit(session, who.user.username, f"web.plan.{choice}", detail)
        moved = sum(1 for c in chosen.values() if c == "move")
        request.session["plan_done"] = [len(chosen) - moved, moved]
        return RedirectResponse(f"/o/{org.slug}/a/{stored.key}/plan", 303)

    return [
        Route("/o/{org}/a/{key}/plan", page),
        Route("/o/{org}/a/{key}/plan/settle", settle, methods=["POST"]),
    ]
