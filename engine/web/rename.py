"""Renaming an activity, transfer or dataset id in the browser, with every reference to it.

An id is referred to by name elsewhere: a dataset by the activities and transfers that list it, an
activity by the transfers that name it; an activity or transfer is also the subject of its findings
(`OBLIGATION@subject`), which remediation.yaml entries, waivers, and the workspace's comments and
evidence name, and a transfer's tasks are `transfer#task`. All of them change together in one save
(validated as every save is, editing.save), or none: a new id another entry already has is refused,
as are ids the model refuses (the questionnaire's own parsing of `id`).
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from engine.errors import InputError
from engine.i18n import message
from engine.text import Text
from engine.web.db import Assessment, EvidenceFile, FindingComment, audit
from engine.web.editing import EDIT_ROLE, Kit, draft, save
from engine.workflow import questionnaire as qn

KINDS: tuple[qn.Kind, ...] = ("activity", "transfer", "dataset")
SUBJECTS: tuple[qn.Kind, ...] = ("activity", "transfer")  # the kinds findings are about (`…@id`)


def renamed_finding(name: str, old: str, new: str) -> str:
    """A finding id or transfer task ref with the subject `old` renamed; any other name unchanged."""
    if name.endswith(f"@{old}"):
        return name[: -len(old)] + new
    if name.startswith(f"{old}#"):
        return new + name[len(old) :]
    return name


def taken_ids(editor: qn.Editor, kind: qn.Kind) -> set[str]:
    """The ids a renamed entry may not take: another dataset's (datasets.yaml or .csv), or another
    activity's or transfer's (both are subjects of findings, `…@id`, so they share one name space)."""
    kinds = SUBJECTS if kind in SUBJECTS else (kind,)
    ids = {str(x.get("id")) for k in kinds for x in editor.items(k) if isinstance(x, Mapping)}
    return ids | (set(editor.csv_datasets()) if kind == "dataset" else set())


def rename(editor: qn.Editor, kind: qn.Kind, old: str, new: str) -> None:
    """Rename the entry `old` of `kind` to `new` in the documents, and every reference to it."""
    item = next(x for x in editor.items(kind) if isinstance(x, MutableMapping) and str(x.get("id")) == old)
    item["id"] = new
    for other in SUBJECTS:
        for x in editor.items(other):
            if not isinstance(x, MutableMapping):
                continue
            listed = x.get("datasets")
            if kind == "dataset" and isinstance(listed, list):
                for i, ref in enumerate(listed):
                    if ref == old:
                        listed[i] = new
            if kind == "activity" and other == "transfer" and x.get("activity") == old:
                x["activity"] = new
    if kind in SUBJECTS:
        for entry in editor.items("plan"):
            if isinstance(entry, MutableMapping) and isinstance(entry.get("action"), str):
                entry["action"] = renamed_finding(entry["action"], old, new)
        waivers = editor.main.get("waivers")
        for waiver in waivers if isinstance(waivers, list) else []:
            if isinstance(waiver, MutableMapping) and isinstance(waiver.get("finding"), str):
                waiver["finding"] = renamed_finding(waiver["finding"], old, new)
    for changed in ("activity", "dataset", "plan"):  # the three documents (assessment, datasets, plan)
        if editor.path(changed).exists() or changed == kind:
            editor.save(changed)


def rename_records(session: Session, stored: Assessment, old: str, new: str) -> None:
    """The workspace's comments and evidence on the renamed subject's findings follow them."""
    comments = session.scalars(select(FindingComment).where(FindingComment.assessment_id == stored.id))
    evidence = session.scalars(select(EvidenceFile).where(EvidenceFile.assessment_id == stored.id))
    for row in [*comments, *evidence]:
        row.finding = renamed_finding(row.finding, old, new)


def routes(kit: Kit) -> list[Route]:
    """The rename page, added to the app's own (engine/web/app.py)."""

    @kit.signed_in
    async def page(request: Request, session: Session, who: Any) -> Response:
        org, role, stored = kit.stored_or_404(request, session, who)  # 404 for a stranger first
        kit.member(session, who, org.slug, EDIT_ROLE)
        kind, old = request.path_params["kind"], request.path_params["ident"]
        if kind not in KINDS:
            raise HTTPException(404)
        error: Text | None = None
        value = old
        with draft(session, stored) as folder:
            editor = qn.Editor(folder)
            if not any(isinstance(x, Mapping) and str(x.get("id")) == old for x in editor.items(kind)):
                raise HTTPException(404)
            problems: list[str] = []
            if request.method == "POST":
                form = await kit.form_checked(request)
                value = str(form.get("id", "")).strip()
                spec = next(s for s in qn.specs(kind, editor.refs()) if s.name == "id")
                new, error = spec.parse(value)
                if error is None and new == old:
                    error = message("web.rename_same")
                elif error is None and str(new) in taken_ids(editor, kind):
                    error = message("web.rename_clash", id=new, kind=message(f"web.part_{kind}"))
                if error is None:
                    rename(editor, kind, old, str(new))
                    try:
                        problems = (await save(kit, session, org, folder, who, f"web.rename.{kind}")).problems
                    except InputError as exc:  # the draft is locked (in review or approved)
                        problems = [str(p) for p in exc.problems]
                    if not problems:
                        if kind in SUBJECTS:
                            rename_records(session, stored, old, str(new))
                        detail = f"{org.slug}/{stored.key} {old} -> {new}"
                        audit(session, who.user.username, f"web.rename.{kind}.id", detail)
                        return RedirectResponse(f"/o/{org.slug}/a/{stored.key}/edit/{kind}/{new}", 303)
        code = 200 if request.method == "GET" else 400
        return kit.page(
            request,
            "rename.html",
            who,
            code,
            org=org,
            role=role,
            a=stored,
            kind=kind,
            ident=old,
            value=value,
            error=error,
            problems=problems,
        )

    return [Route("/o/{org}/a/{key}/edit/{kind}/{ident}/rename", page, methods=["GET", "POST"])]
