"""The workspace database: SQLAlchemy 2 models, the default SQLite file, and upgrade on start.

The schema is owned by the Alembic migrations in engine/web/migrations (they ship with the package);
`upgrade` brings any database, empty or older, to the newest revision before the server or a command
uses it. SQLite (a file in the data directory) is the default; PostgreSQL comes by URL.
"""

from __future__ import annotations

import calendar
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    inspect,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from engine.errors import InputError
from engine.i18n import both

ROLES = ("admin", "assessor", "reviewer", "viewer")  # most rights first
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # stored as naive UTC: SQLite keeps no zone


class Base(DeclarativeBase):
    pass


class Organisation(Base):
    """A tenant: a client of an advisor firm. No user sees another organisation's data."""

    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created: Mapped[datetime] = mapped_column(DateTime, default=now)


class User(Base):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created: Mapped[datetime] = mapped_column(DateTime, default=now)


class Membership(Base):
    """A user's role in one organisation (admin, assessor, reviewer, viewer)."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))


class Assessment(Base):
    """An assessment folder in the registry: its input files, byte for byte (AssessmentFile)."""

    __tablename__ = "assessment"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))  # the assessment's own id (assessment.yaml)
    title: Mapped[str] = mapped_column(Text)
    updated: Mapped[datetime] = mapped_column(DateTime, default=now)


class AssessmentFile(Base):
    __tablename__ = "assessment_file"
    __table_args__ = (UniqueConstraint("assessment_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))


class LoginFailure(Base):
    """A refused login, kept for throttling (by user name and by client address)."""

    __tablename__ = "login_failure"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=now, index=True)


class AuditEvent(Base):
    """Append-only: who did what, when (users, registry imports, logins)."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=now)
    actor: Mapped[str] = mapped_column(String(64))  # a user name, or "cli"
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")


class Setting(Base):
    """Server-wide values kept with the data, e.g. the session signing key (shared by every worker)."""

    __tablename__ = "setting"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


def data_dir() -> Path:
    """Where the default SQLite file lives: $HEGUI_DATA_DIR, else $XDG_DATA_HOME/hegui, else ~/.local/share/hegui."""
    if explicit := os.environ.get("HEGUI_DATA_DIR"):
        return Path(explicit)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "hegui"


def default_url() -> str:
    return f"sqlite:///{data_dir() / 'workspace.db'}"


def open_engine(url: str | None) -> Engine:
    """An engine for `url` (default: the SQLite file in the data directory, created with its folder)."""
    text = url or default_url()
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise InputError.one("--db", both("web.bad_db_url")) from None
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(parsed)
    except (NoSuchModuleError, ImportError) as exc:
        raise InputError.one("--db", both("web.db_driver", why=str(exc))) from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to the newest migration (from empty or from any earlier revision); tests
    stop at an older `revision` to check the upgrade from it."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back on an error."""
    with sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
        yield session


def organisation(session: Session, slug: str) -> Organisation | None:
    return session.scalars(select(Organisation).where(Organisation.slug == slug)).first()


def audit(session: Session, actor: str, action: str, detail: str = "") -> None:
    session.add(AuditEvent(actor=actor, action=action, detail=detail))


# webedit: completing an assessment in the browser (comments and evidence on findings)


class FindingComment(Base):
    """A comment on one finding of an assessment (who, when, what)."""

    __tablename__ = "finding_comment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    finding: Mapped[str] = mapped_column(String(300))
    author: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime, default=now)
    text: Mapped[str] = mapped_column(Text)


class EvidenceBlob(Base):
    """An evidence file's bytes, stored once by their SHA-256 (the same file attached twice is kept once)."""

    __tablename__ = "evidence_blob"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class EvidenceFile(Base):
    """An evidence attachment of one finding: the uploaded name, the sniffed type and the content hash."""

    __tablename__ = "evidence_file"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    finding: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(ForeignKey("evidence_blob.sha256"))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime, default=now)
# webreview: versions of an assessment, their frozen files, report jobs, append-only guards

STATES = ("draft", "review", "approved", "superseded")
FROZEN_STATES = ("approved", "superseded")
JOB_STATES = ("queued", "running", "done", "failed")


class Frozen(RuntimeError):
    """A write the model layer refuses: an approved version, its files or the audit trail changed.

    The routes check first and answer with a message; this is the backstop for every other path."""


class Version(Base):
    """Version `number` of an assessment: draft → review → approved → superseded.

    The newest version is the working one; its input files are the assessment's AssessmentFile rows
    while it is a draft. Approval freezes the inputs and findings.json in VersionFile rows."""

    __tablename__ = "assessment_version"
    __table_args__ = (UniqueConstraint("assessment_id", "number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    created: Mapped[datetime] = mapped_column(DateTime, default=now)
    submitted_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    retain_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")  # the reviewer's reason for sending it back
    findings_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # webrecords: when the approved version is to be reviewed again, and who set it (reviewer | policy)
    review_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    review_basis: Mapped[str | None] = mapped_column(String(16), nullable=True)


class VersionFile(Base):
    """A frozen file of an approved version: an input, findings.json or a report. Written once, never changed."""

    __tablename__ = "version_file"
    __table_args__ = (UniqueConstraint("version_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("assessment_version.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # input, findings, report
    name: Mapped[str] = mapped_column(String(128))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime] = mapped_column(DateTime, default=now)


class ReportJob(Base):
    """Rendering an approved version's reports in the background: queued → running → done | failed."""

    __tablename__ = "report_job"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("assessment_version.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent
    detail: Mapped[str] = mapped_column(Text, default="")
    requested_by: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime] = mapped_column(DateTime, default=now)
    finished: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # webrecords: renders started


class OrgAuditEvent(Base):
    """Which organisation an audit event belongs to, so an organisation's admin sees its trail only."""

    __tablename__ = "org_audit_event"
    event_id: Mapped[int] = mapped_column(ForeignKey("audit_event.id"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)


def org_audit(session: Session, org: Organisation, actor: str, action: str, detail: str = "") -> None:
    """An audit event of one organisation (shown on its audit page)."""
    event = AuditEvent(actor=actor, action=action, detail=detail)
    session.add(event)
    session.flush()
    session.add(OrgAuditEvent(event_id=event.id, organisation_id=org.id))


def _committed(obj: object, name: str) -> object:
    """The attribute's value as loaded from the database (before this flush's change)."""
    history = inspect(obj).attrs[name].history
    if history.deleted:
        return history.deleted[0]
    return getattr(obj, name)


def _changed(obj: object) -> set[str]:
    return {a.key for a in inspect(obj).attrs if a.history.has_changes()}


@event.listens_for(Session, "before_flush")
def _guard(session: Session, _context: object, _instances: object) -> None:
    """Approved versions and their files never change, the audit trail is append-only, and a draft's
    files change only while the draft is editable."""
    for obj in session.dirty:
        if isinstance(obj, (AuditEvent, OrgAuditEvent, VersionFile)) and _changed(obj):
            raise Frozen(f"{type(obj).__tablename__} rows are never changed")
        if isinstance(obj, Version) and _changed(obj):
            was = _committed(obj, "state")
            if was == "superseded" or (was == "approved" and (_changed(obj) != {"state"} or obj.state != "superseded")):
                raise Frozen(f"version {obj.number} is {was} and cannot change")
    for obj in session.new:
        if isinstance(obj, VersionFile) and obj.kind != "report":  # reports follow approval; nothing else does
            version = session.get(Version, obj.version_id)
            if version is not None and _committed(version, "state") in FROZEN_STATES:
                raise Frozen(f"version {version.number} is frozen: no {obj.kind} file is added")
    for obj in session.deleted:
        if isinstance(obj, (AuditEvent, OrgAuditEvent)):
            raise Frozen("the audit trail is append-only")
        if isinstance(obj, Version) and obj.retain_until is not None and obj.retain_until > now():
            raise Frozen(f"version {obj.number} is retained until {obj.retain_until:%Y-%m-%d}")
        if isinstance(obj, VersionFile):
            version = session.get(Version, obj.version_id)
            if version is not None and version not in session.deleted:
                raise Frozen("a frozen file is deleted only with its version")
    for obj in [*session.new, *session.dirty, *session.deleted]:
        if isinstance(obj, AssessmentFile) and obj.assessment_id is not None:
            with session.no_autoflush:
                state = newest_state(session, obj.assessment_id)
            if state != "draft":
                raise Frozen(f"the working files cannot change while the version is {state}")


def newest_state(session: Session, assessment_id: int) -> str:
    """The state of an assessment's newest version ("draft" before it has any)."""
    query = select(Version.state).where(Version.assessment_id == assessment_id).order_by(Version.number.desc()).limit(1)
    return session.scalars(query).first() or "draft"


def editable(session: Session, assessment: Assessment) -> bool:
    """Whether the working files may change: only while the newest version is a draft.

    Every editor (upload, registry import, questionnaire pages) calls this before it writes."""
    return newest_state(session, assessment.id) == "draft"


# webrecords: an organisation's records policy (retention, review interval)

DEFAULT_REVIEW_MONTHS = 12


class OrgPolicy(Base):
    """An organisation's own records policy, set by its admins; no row means the defaults.

    retention_years: how long its approved versions are kept (None: the server's --retention-years);
    review_months: the default time from approval to the next review (the organisation's policy: PIPL
    fixes no review interval for an impact assessment)."""

    __tablename__ = "org_policy"
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    retention_years: Mapped[int | None] = mapped_column(Integer, nullable=True)
    review_months: Mapped[int] = mapped_column(Integer, default=DEFAULT_REVIEW_MONTHS)
    updated: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_by: Mapped[str] = mapped_column(String(64))


def add_months(at: datetime, months: int) -> datetime:
    """`at` plus whole months, the day kept or clamped to the month's last (31 Jan + 1 → 28/29 Feb; 29 Feb
    + 3 years → 28 Feb): retention dates and review dates count calendar months and years."""
    month0 = at.month - 1 + months
    year, month = at.year + month0 // 12, month0 % 12 + 1
    return at.replace(year=year, month=month, day=min(at.day, calendar.monthrange(year, month)[1]))
