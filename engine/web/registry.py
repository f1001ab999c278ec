"""The assessment registry: assessment folders stored byte for byte, so CLI, batch and web share one format.

`hegui registry import FOLDER` validates the folder with the same use case as `hegui validate` and
stores its input files unchanged; `export` writes them back, all or none. What is stored is exactly what
was validated (the stored bytes hash to the validated input hash).
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import usecases
from engine.errors import InputError
from engine.i18n import both
from engine.inputs import ASSESSMENT_FILE, INPUT_FILES, LoadedAssessment
from engine.output import output_errors, write_files
from engine.overwrite import check_output
from engine.web.db import Assessment, AssessmentFile, Organisation, audit, editable, newest_state, now, organisation


def read_folder(folder: Path) -> tuple[dict[str, bytes], usecases.Assessed]:
    """The input files of a valid assessment folder, byte for byte, and the engine's findings on them.

    The folder is validated where it is (problems name the user's files), then read; the bytes must hash
    to what was validated, so a file changed in between is refused rather than stored unchecked."""
    assessed = usecases.validate(folder)
    loaded = assessed.loaded
    files: dict[str, bytes] = {}
    digest = hashlib.sha256()
    for name in INPUT_FILES:
        path = loaded.folder / name
        if path.is_file():
            with output_errors(path):
                files[name] = path.read_bytes()
            digest.update(files[name])
    if digest.hexdigest() != loaded.input_hash:
        raise InputError.one(str(folder), both("web.changed_while_reading"))
    return files, assessed


@contextmanager
def materialised(files: dict[str, bytes], label: str) -> Iterator[Path]:
    """Stored files in a private temporary folder named `label`, for the use cases that read folders."""
    with tempfile.TemporaryDirectory(prefix="hegui-") as tmp:
        folder = Path(tmp) / label
        folder.mkdir()
        for name, data in files.items():
            (folder / name).write_bytes(data)
        yield folder


def import_folder(session: Session, org_slug: str, folder: Path, actor: str) -> tuple[Assessment, bool]:
    """Store a valid folder under its assessment id; returns it and whether it was new (else replaced)."""
    org = _organisation(session, org_slug)
    files, assessed = read_folder(folder)
    return store(session, org, files, assessed.loaded, actor)


def store(
    session: Session,
    org: Organisation,
    files: dict[str, bytes],
    loaded: LoadedAssessment,
    actor: str,
    action: str = "registry.import",
) -> tuple[Assessment, bool]:
    """Validated files (`loaded` is what the engine read from them) as the organisation's assessment; the
    web editor saves every change of a draft through here too (`action` names it in the audit trail)."""
    meta = loaded.assessment.assessment
    title = meta.title if isinstance(meta.title, str) else meta.title.both()
    stored = _find(session, org, meta.id)
    created = stored is None
    if stored is None:
        stored = Assessment(organisation_id=org.id, key=meta.id, title=title)
        session.add(stored)
        session.flush()
    else:
        if not editable(session, stored):
            state = newest_state(session, stored.id)
            raise InputError.one(ASSESSMENT_FILE, both("web.rv_not_editable", id=meta.id, state=state))
        stored.title, stored.updated = title, now()
        for old in session.scalars(select(AssessmentFile).where(AssessmentFile.assessment_id == stored.id)):
            session.delete(old)
        session.flush()
    for name, data in files.items():
        sha = hashlib.sha256(data).hexdigest()
        session.add(AssessmentFile(assessment_id=stored.id, name=name, content=data, sha256=sha))
    audit(session, actor, action, f"{org.slug}/{meta.id}")
    return stored, created


def files_of(session: Session, assessment: Assessment) -> dict[str, bytes]:
    rows = session.scalars(
        select(AssessmentFile).where(AssessmentFile.assessment_id == assessment.id).order_by(AssessmentFile.name)
    )
    return {f.name: f.content for f in rows}


def export_folder(session: Session, org_slug: str, key: str, folder: Path, force: bool) -> list[str]:
    """Write a stored assessment's files into `folder`, all or none; existing files only with force."""
    org = _organisation(session, org_slug)
    stored = _find(session, org, key)
    if stored is None:
        raise InputError.one("ASSESSMENT", both("web.no_assessment", id=key, org=org_slug))
    files = files_of(session, stored)
    for name in files:
        check_output(folder / name, force=force, ours=lambda _path: False)
    write_files(folder, files)
    audit(session, "cli", "registry.export", f"{org.slug}/{key}")
    return sorted(files)


def _organisation(session: Session, slug: str) -> Organisation:
    org = organisation(session, slug)
    if org is None:
        raise InputError.one("--org", both("web.no_org", org=slug))
    return org


def _find(session: Session, org: Organisation, key: str) -> Assessment | None:
    query = select(Assessment).where(Assessment.organisation_id == org.id, Assessment.key == key)
    return session.scalars(query).first()


def assessments(session: Session, org: Organisation) -> list[Assessment]:
    query = select(Assessment).where(Assessment.organisation_id == org.id).order_by(Assessment.key)
    return list(session.scalars(query))


def assessment(session: Session, org: Organisation, key: str) -> Assessment | None:
    return _find(session, org, key)
