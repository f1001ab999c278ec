"""Reports rendered in the background: a job table (queued → running → done | failed) and one worker thread.

Rendering the PDFs of an approved version takes seconds, so approval (or "generate reports") only queues a
ReportJob; a thread of the server process renders it through the use-case layer from the version's frozen
inputs and findings.json, and stores the files as the version's frozen reports. Pages show the progress.
Jobs a stop left queued or running are picked up again when the next server starts (rendering is
reproducible and stores only missing files, so a second run is harmless); one cut off MAX_ATTEMPTS times
is failed with the reason instead, so a job that kills the server cannot do it forever (it can be queued
again by hand).
"""

from __future__ import annotations

import hashlib
import logging
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine import usecases
from engine.i18n import both
from engine.web import registry
from engine.web.db import Assessment, Organisation, ReportJob, Version, VersionFile, now, org_audit, session_scope
from engine.web.versions import FINDINGS, files, frozen_findings

REPORT_FORMATS = ("pdf", "docx")  # every document of the decision, as PDF and as editable DOCX
MAX_ATTEMPTS = 2  # renders started for one job: a job cut off this often is not restarted again
log = logging.getLogger(__name__)


class Reports:
    """The server's report worker: one thread, so PDF rendering never starves the pages of both cores."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hegui-reports")
        self.futures: list[Future[None]] = []

    def start(self, job_id: int) -> None:
        self.futures.append(self.pool.submit(self.run, job_id))

    def wait(self) -> None:
        """Block until every started job has finished (server shutdown, tests)."""
        for future in list(self.futures):
            future.result()
        self.futures.clear()

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True)

    def resume(self) -> list[int]:
        """Run the jobs a previous server left unfinished (the app calls this as it starts); their ids."""
        queued = recover(self.engine)
        for job_id in queued:
            self.start(job_id)
        return queued

    def run(self, job_id: int) -> None:
        """Render one job's reports; any error fails the job (its message kept), never the server."""
        try:
            self._render(job_id)
        except Exception as exc:
            log.exception("report job %s failed", job_id)
            with session_scope(self.engine) as session:
                job = session.get(ReportJob, job_id)
                if job is not None:
                    job.state, job.detail, job.finished = "failed", f"{type(exc).__name__}: {exc}", now()
                    _audit(session, job, "reports.failed")

    def _progress(self, job_id: int, state: str, progress: int) -> None:
        with session_scope(self.engine) as session:
            job = session.get(ReportJob, job_id)
            if job is not None:
                job.state, job.progress = state, progress

    def _render(self, job_id: int) -> None:
        with session_scope(self.engine) as session:
            job = session.get(ReportJob, job_id)
            if job is None or job.state != "queued":
                return
            job.state, job.progress, job.attempts = "running", 5, job.attempts + 1
            version = session.get(Version, job.version_id)
            assert version is not None
            assessment = session.get(Assessment, version.assessment_id)
            assert assessment is not None
            inputs = {f.name: f.content for f in files(session, version, "input")}
            doc = frozen_findings(session, version)
            present = {f.name for f in files(session, version, "report")}
            key, version_id = assessment.key, version.id
        assert doc is not None, FINDINGS
        with registry.materialised(inputs, key) as folder:
            loaded = usecases.load(folder)
        lang = loaded.assessment.assessment.language
        rendered: dict[str, bytes] = {}
        for n, fmt in enumerate(REPORT_FORMATS):
            self._progress(job_id, "running", 10 + 80 * n // len(REPORT_FORMATS))
            # from the frozen findings.json, so the reports say exactly what was approved
            rendered.update(usecases.render(usecases.Assessed(loaded, doc), [fmt], lang, reproducible=True))
        with session_scope(self.engine) as session:
            for name, data in sorted(rendered.items()):
                if name not in present:  # frozen files are written once: a second run adds only what is missing
                    session.add(_report(version_id, name, data))
            job = session.get(ReportJob, job_id)
            assert job is not None
            job.state, job.progress, job.finished = "done", 100, now()
            _audit(session, job, "reports.done", ", ".join(sorted(rendered)))


def recover(engine: Engine) -> list[int]:
    """Jobs a previous server left queued or running, back in the queue (a running one was cut off), or
    failed with the reason once started MAX_ATTEMPTS times; returns the queued ids, oldest first.

    This assumes one server process per database (as `hegui serve` runs): it is called before this
    server's worker takes anything, so every job still running belongs to a server that stopped."""
    with session_scope(engine) as session:
        left = session.scalars(
            select(ReportJob).where(ReportJob.state.in_(("queued", "running"))).order_by(ReportJob.id)
        ).all()
        queued = []
        for job in left:
            if job.attempts >= MAX_ATTEMPTS:
                job.state, job.finished = "failed", now()
                job.detail = both("web.rc_job_gave_up", attempts=job.attempts)
                _audit(session, job, "reports.failed")
                continue
            job.state, job.progress = "queued", 0
            _audit(session, job, "reports.resume")
            queued.append(job.id)
        return queued


def _audit(session: Session, job: ReportJob, action: str, files: str = "") -> None:
    """A job's end in its organisation's audit trail (the actor is the server, for who asked for it)."""
    version = session.get(Version, job.version_id)
    assessment = session.get(Assessment, version.assessment_id) if version else None
    org = session.get(Organisation, assessment.organisation_id) if assessment else None
    if version is not None and assessment is not None and org is not None:
        detail = f"{assessment.key} v{version.number} job {job.id} ({job.requested_by}) {files}".strip()
        org_audit(session, org, "server", action, detail)


def _report(version_id: int, name: str, data: bytes) -> VersionFile:
    sha = hashlib.sha256(data).hexdigest()
    return VersionFile(version_id=version_id, kind="report", name=name, content=data, sha256=sha)


def latest_job(session: Session, version: Version) -> ReportJob | None:
    query = select(ReportJob).where(ReportJob.version_id == version.id).order_by(ReportJob.id.desc()).limit(1)
    return session.scalars(query).first()
