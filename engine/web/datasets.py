"""Datasets in the browser: import an inventory (CSV, XLSX, Fides) or a scan's proposals into a draft.

Nothing here reads a format of its own. CSV, XLSX and Fides files go through `hegui import-inventory`'s
importer (engine/discovery/imports.py), a datasets.yaml written by `hegui scan` (or any datasets.yaml)
through the input layer's reader (engine/inputs.py), and the chosen datasets are written into the
draft's datasets.yaml with the questionnaire's round-trip editor and stored only when the whole
folder validates (editing.save), as every other change in the browser.

Two steps, no state on the server: the upload shows a preview (each dataset added, changed or
unchanged, its fields and PI categories, the importer's notes and warnings with file and place); the
preview's form carries the uploaded file back (base64) with the choices, and confirming reads it
again with the same importer. The file is the assessor's own input either way, so nothing is
trusted from the form that an upload would not be: it is sniffed, size-checked and read afresh.
"""

from __future__ import annotations

import base64
import binascii
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import filetype
from ruamel.yaml.comments import CommentedMap
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from engine.dataset import Dataset
from engine.errors import InputError, Problem
from engine.i18n import both, message
from engine.inputs import DATASETS_CSV, read_datasets_yaml
from engine.taxonomy import taxonomy
from engine.web.db import Assessment, Organisation, audit
from engine.web.editing import EDIT_ROLE, Kit, draft, relative, safe_filename, save
from engine.workflow import questionnaire as qn
from engine.workflow.answers import insert
from engine.yamlsafe import parse

MAX_INVENTORY = 2 * 1024 * 1024  # per upload, before base64 (the form that confirms carries it back)
MAX_FORM_FIELDS = 10_000  # a preview's choices: one per dataset and one per proposed category
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Kind = Literal["csv", "xlsx", "fides", "proposals"]
SUFFIXES: dict[str, Kind] = {".csv": "csv", ".xlsx": "xlsx", ".yaml": "fides", ".yml": "fides"}
Status = Literal["added", "changed", "same", "in_csv"]


@dataclass
class Incoming:
    """One dataset of the upload as the preview shows it, with what it would do to the draft."""

    dataset: Dataset
    status: Status
    notes: list[str] = field(default_factory=list)  # the importer's comments (a scan's evidence)
    field_notes: list[list[str]] = field(default_factory=list)
    before: list[str] = field(default_factory=list)  # the categories of the dataset it replaces


@dataclass
class Upload:
    """An uploaded file, read: what kind it is, its datasets and the importer's warnings."""

    filename: str
    kind: Kind
    location: str  # the storage location the importer gave datasets without one (Fides has none)
    datasets: list[Incoming]
    warnings: list[str]


def sniff(data: bytes, filename: str) -> Kind:
    """The upload's kind from its name and content together: an XLSX must be a workbook, the others
    text (no other binary, no NUL); a YAML file is a Fides dataset file unless it has hegui's `datasets`."""
    name = safe_filename(filename)
    kind = SUFFIXES.get(Path(name).suffix.lower())
    if kind is None:
        raise InputError.one(name, both("web.ds_suffix"))
    guessed = filetype.guess(data)
    is_text = guessed is None and b"\x00" not in data
    if (kind == "xlsx" and (guessed is None or guessed.mime != XLSX)) or (kind != "xlsx" and not is_text):
        raise InputError.one(name, both("web.ds_content", kind=kind.upper() if kind != "fides" else "YAML"))
    if kind == "fides":
        located = parse(data, name)
        if isinstance(located.data, Mapping) and "datasets" in located.data:
            return "proposals"
    return kind


class Refused(Exception):
    """An upload that cannot be imported: its problems, each naming the uploaded file and the place."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def read_upload(data: bytes, filename: str, location: str, lang: str) -> tuple[Kind, list[Incoming], list[str]]:
    """The upload's datasets (their status not yet compared) and the importer's warnings; Refused with
    every problem, named by the uploaded file's own name (never the server's temporary path)."""
    name = safe_filename(filename)
    with tempfile.TemporaryDirectory(prefix="hegui-") as tmp:
        try:
            if len(data) > MAX_INVENTORY:
                raise InputError.one(name, both("web.upload_too_large", max=MAX_INVENTORY))
            kind = sniff(data, name)
            path = Path(tmp) / name
            path.write_bytes(data)
            if kind == "proposals":
                return kind, _proposals(path, data), []
            from engine.discovery import SourceFormat
            from engine.discovery.imports import import_inventory

            imported = import_inventory(path, SourceFormat(kind), None, location)
        except InputError as exc:
            raise Refused(relative(exc.problems, Path(tmp))) from None
        incoming = [
            Incoming(
                d.dataset,
                "added",
                [t.get(lang) for t in d.comments],
                [[t.get(lang) for t in f.comments] for f in d.fields],
            )
            for d in imported.drafts
        ]
        return kind, incoming, relative(imported.warnings, Path(tmp))


def _proposals(path: Path, data: bytes) -> list[Incoming]:
    """A datasets.yaml (`hegui scan` writes one): each field's category is a proposal to accept or reject;
    the comment lines right above a dataset or field (the scan's evidence) are shown beside it."""
    found = read_datasets_yaml(path, data)
    seen: dict[str, str] = {}
    twice = []
    for ds, (where, line, column) in found:
        if ds.id in seen:
            twice.append(Problem(str(path), both("input.dataset_twice", id=ds.id), where, line, column))
        seen[ds.id] = where
    if twice:
        raise InputError(twice)
    located = parse(data, str(path))
    lines = data.decode("utf-8", errors="replace").splitlines()

    def above(dotted: str) -> list[str]:
        line, _ = located.where(dotted)
        out: list[str] = []
        at = (line or 1) - 2
        while at >= 0 and lines[at].lstrip().startswith("#"):
            out.insert(0, lines[at].lstrip()[1:].strip())
            at -= 1
        return out

    return [
        Incoming(ds, "added", above(where), [above(f"{where}.fields.{j}") for j in range(len(ds.fields))])
        for ds, (where, _, _) in found
    ]


def compared(incoming: list[Incoming], current: Mapping[str, Dataset], in_csv: list[str]) -> list[Incoming]:
    """Each incoming dataset's effect on the draft: added, changed (same id), unchanged, or refused
    because datasets.csv holds that id (a spreadsheet is edited as one; the id cannot be in both files)."""
    for item in incoming:
        old = current.get(item.dataset.id)
        if item.dataset.id in in_csv:
            item.status = "in_csv"
        elif old is None:
            item.status = "added"
        else:
            item.status = "same" if old == item.dataset else "changed"
            item.before = old.categories()
    return incoming


def chosen(upload: Upload, form: Any) -> list[Dataset]:
    """The datasets ticked in the preview, each proposal (a field's category) accepted or rejected:
    a rejected one leaves the field without a category, for a person to fill in."""
    out = []
    for i, item in enumerate(upload.datasets):
        if item.status in ("same", "in_csv") or form.get(f"d.{i}") != "on":
            continue
        ds = item.dataset
        if upload.kind == "proposals":
            fields = [
                f.model_copy(update={"category": None}) if form.get(f"p.{i}.{j}") == "reject" else f
                for j, f in enumerate(ds.fields)
            ]
            ds = ds.model_copy(update={"fields": fields})
        out.append(ds)
    return out


def entry(ds: Dataset) -> CommentedMap:
    """A dataset as a datasets.yaml entry, each field on one line (as import-inventory and scan write them)."""

    def flow(mapping: Mapping[str, Any]) -> CommentedMap:
        one = CommentedMap(mapping)
        one.fa.set_flow_style()
        return one

    item = CommentedMap(ds.model_dump(mode="json", exclude={"fields"}))
    if isinstance(item["name"], Mapping):  # {zh, en}
        item["name"] = flow(item["name"])
    item["fields"] = [flow(f.model_dump(exclude_none=True)) for f in ds.fields]
    return item


def merge(folder: Path, datasets: list[Dataset]) -> None:
    """Write the datasets into the draft's datasets.yaml: one with the same id is replaced in place (the
    activities and transfers naming it keep doing so), a new one is added at the end."""
    editor = qn.Editor(folder)
    items = editor.items("dataset", create=True)
    for ds in datasets:
        at = next((i for i, x in enumerate(items) if isinstance(x, Mapping) and x.get("id") == ds.id), None)
        if at is None:
            insert(items, None, entry(ds))
        else:
            items[at] = entry(ds)
    editor.save("dataset")


def routes(kit: Kit) -> list[Route]:
    """The dataset import routes, added to the app's own (engine/web/app.py)."""

    def editor_of(request: Request, session: Session, who: Any) -> tuple[Organisation, str, Assessment]:
        org, role, stored = kit.stored_or_404(request, session, who)  # 404 for a stranger first
        kit.member(session, who, org.slug, EDIT_ROLE)  # then 403 for a reviewer or viewer
        return org, role, stored

    def current(session: Session, stored: Assessment) -> tuple[dict[str, Dataset], list[str]]:
        """The draft's datasets by id (none while it does not validate) and the ids datasets.csv holds."""
        assessed, _ = kit.assessed_or_problems(stored, session)
        datasets = dict(assessed.loaded.datasets) if assessed else {}
        with draft(session, stored) as folder:
            return datasets, qn.Editor(folder).csv_datasets() if (folder / DATASETS_CSV).is_file() else []

    def show(request: Request, session: Session, who: Any, code: int = 200, **extra: Any) -> Response:
        org, role, stored = editor_of(request, session, who)
        datasets, in_csv = current(session, stored)
        tax = taxonomy()
        context: dict[str, Any] = {"problems": [], "upload": None, "payload": "", **extra}
        return kit.page(
            request,
            "datasets.html",
            who,
            code,
            org=org,
            role=role,
            a=stored,
            datasets=sorted(datasets.values(), key=lambda d: d.id),
            in_csv=in_csv,
            category=lambda key: getattr(tax.categories[key], who.lang) if key in tax.categories else key,
            done=request.session.pop("datasets_done", None) if request.method == "GET" else None,
            **context,
        )

    async def received(form: Any, who: Any) -> tuple[bytes, str, str]:
        """The file (uploaded, or carried back by the preview's form), its name and the storage location."""
        from engine.usecases import country_code

        try:
            location = country_code(str(form.get("location", "CN")), message("web.ds_location").get(who.lang))
        except InputError as exc:
            raise Refused([str(p) for p in exc.problems]) from None
        part = form.get("file")
        if isinstance(part, UploadFile) and part.filename:
            return await part.read(MAX_INVENTORY + 1), part.filename, location  # never more in memory
        name = str(form.get("filename", ""))
        try:
            data = base64.b64decode(str(form.get("payload", "")), validate=True)
        except (binascii.Error, ValueError):
            data = b""
        if not name or not data:
            raise Refused([message("web.ds_no_file").get(who.lang)])
        return data, name, location

    async def upload_of(session: Session, stored: Assessment, who: Any, form: Any) -> tuple[Upload, bytes]:
        """The posted file read and compared with the draft, and its bytes (for the confirming form)."""
        data, name, location = await received(form, who)
        kind, incoming, warnings = read_upload(data, name, location, who.lang)
        datasets, in_csv = current(session, stored)
        return Upload(safe_filename(name), kind, location, compared(incoming, datasets, in_csv), warnings), data

    @kit.signed_in
    async def page(request: Request, session: Session, who: Any) -> Response:
        return show(request, session, who)

    @kit.signed_in
    async def preview(request: Request, session: Session, who: Any) -> Response:
        _, _, stored = editor_of(request, session, who)
        form = await kit.form_checked(request, max_files=1, max_part_size=MAX_INVENTORY + 1)
        try:
            upload, data = await upload_of(session, stored, who, form)
        except Refused as exc:
            return show(request, session, who, 400, problems=exc.problems)
        return show(request, session, who, upload=upload, payload=base64.b64encode(data).decode("ascii"))

    @kit.signed_in
    async def apply(request: Request, session: Session, who: Any) -> Response:
        org, _, stored = editor_of(request, session, who)
        limit = (MAX_INVENTORY + 2) // 3 * 4 + 4  # the file, base64-encoded
        form = await kit.form_checked(request, max_fields=MAX_FORM_FIELDS, max_part_size=limit)
        try:
            upload, data = await upload_of(session, stored, who, form)
        except Refused as exc:
            return show(request, session, who, 400, problems=exc.problems)
        picked = chosen(upload, form)
        problems = [] if picked else [message("web.ds_nothing").get(who.lang)]
        if picked:
            with draft(session, stored) as folder:
                merge(folder, picked)
                try:
                    problems = (await save(kit, session, org, folder, who, f"web.datasets.{upload.kind}")).problems
                except InputError as exc:  # the draft is locked (in review or approved)
                    problems = [str(p) for p in exc.problems]
        if problems:
            payload = base64.b64encode(data).decode("ascii")
            return show(request, session, who, 400, problems=problems, upload=upload, payload=payload)
        added = {item.dataset.id for item in upload.datasets if item.status == "added"}
        new = sum(1 for d in picked if d.id in added)
        request.session["datasets_done"] = [new, len(picked) - new, upload.filename]
        detail = f"{org.slug}/{stored.key} {upload.filename}: " + ", ".join(d.id for d in picked)
        audit(session, who.user.username, "web.datasets.imported", detail)
        return RedirectResponse(f"/o/{org.slug}/a/{stored.key}/datasets", 303)

    return [
        Route("/o/{org}/a/{key}/datasets", page),
        Route("/o/{org}/a/{key}/datasets/preview", preview, methods=["POST"]),
        Route("/o/{org}/a/{key}/datasets/apply", apply, methods=["POST"]),
    ]
