"""The Alembic migrations: from empty to head, idempotent, equal to the models (no drift), and from the
previous revision with data in it (kept)."""

from __future__ import annotations

import hashlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, insert, inspect, select, text
from sqlalchemy.exc import DBAPIError

from engine.web import registry
from engine.web.db import (
    MIGRATIONS,
    Assessment,
    AssessmentFile,
    AuditEvent,
    Base,
    Organisation,
    Version,
    now,
    open_engine,
    organisation,
    session_scope,
    upgrade,
)
from tests.conftest import EXAMPLES


def _script() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


HEAD = _script().get_current_head()
# every revision a database may still be at: each is upgraded to the head with its data kept
OLDER = [r.revision for r in _script().walk_revisions() if r.revision != HEAD]
# revisions that have versions already: an assessment stored at one of them has no version until it is used
VERSIONED = {r.revision for r in _script().walk_revisions("0003_review", HEAD)}


def test_upgrade_from_empty_creates_the_models_and_is_idempotent(db_url: str) -> None:
    engine = open_engine(db_url)
    try:
        assert inspect(engine).get_table_names() == []
        upgrade(engine)
        upgrade(engine)  # every start upgrades: a second run finds nothing to do
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables and "alembic_version" in tables
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == HEAD
            drift = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert drift == [], drift
    finally:
        engine.dispose()


def test_the_fixture_database_is_at_head(engine: Engine) -> None:
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == HEAD


@pytest.mark.parametrize("revision", OLDER)
def test_upgrade_from_an_older_revision_keeps_the_data(db_url: str, revision: str) -> None:
    """A database at an older revision: its assessment, files and audit events are kept, the newer tables
    appear, the assessment becomes the draft of version 1 (0003_review), and from then on audit_event
    refuses changes."""
    engine = open_engine(db_url)
    try:
        upgrade(engine, revision)
        data = (EXAMPLES / "offshore-saas" / "assessment.yaml").read_bytes()
        with engine.begin() as conn:  # tables as that revision has them: no model code that needs newer ones
            org_id = conn.execute(
                insert(Organisation).values(slug="acme", name="acme", created=now())
            ).inserted_primary_key[0]
            a_id = conn.execute(
                insert(Assessment).values(organisation_id=org_id, key="old", title="t", updated=now())
            ).inserted_primary_key[0]
            sha = hashlib.sha256(data).hexdigest()
            conn.execute(
                insert(AssessmentFile).values(assessment_id=a_id, name="assessment.yaml", content=data, sha256=sha)
            )
            conn.execute(insert(AuditEvent).values(at=now(), actor="cli", action="registry.import", detail="acme/old"))
        upgrade(engine)
        with session_scope(engine) as session:
            org = organisation(session, "acme")
            assert org is not None
            stored = registry.assessment(session, org, "old")
            assert stored is not None and registry.files_of(session, stored) == {"assessment.yaml": data}
            drafts = [] if revision in VERSIONED else [(1, "draft")]
            assert [(v.number, v.state) for v in session.scalars(select(Version))] == drafts
            assert session.scalars(select(AuditEvent.action)).all() == ["registry.import"]
        assert {"finding_comment", "evidence_file", "assessment_version"} <= set(inspect(engine).get_table_names())
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_event"))
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == HEAD
    finally:
        engine.dispose()


# webrecords: 0004_records (organisation policy, next review dates, job attempts)
def test_0004_keeps_retention_dates_gives_approved_versions_a_review_date_and_downgrades(db_url: str) -> None:
    """A version approved under 0003_review keeps its retention date and gets the default next review
    (approval + 12 months, from the policy); its unfinished job starts with no attempts; the revision
    downgrades to 0003_review and upgrades again with the data kept."""
    from datetime import datetime

    from engine.web.db import OrgPolicy, ReportJob, add_months

    engine = open_engine(db_url)
    try:
        upgrade(engine, "0003_review")
        approved, kept = datetime(2026, 1, 31, 10), datetime(2029, 1, 31, 10)
        with engine.begin() as conn:
            org_id = conn.execute(
                insert(Organisation).values(slug="acme", name="acme", created=now())
            ).inserted_primary_key[0]
            a_id = conn.execute(
                insert(Assessment).values(organisation_id=org_id, key="old", title="t", updated=now())
            ).inserted_primary_key[0]
            conn.execute(  # the tables as 0003_review has them, without the model's newer columns
                text(
                    "INSERT INTO assessment_version (assessment_id, number, state, created, approved_by, "
                    "approved_at, retain_until, comment) VALUES (:a, 1, 'approved', :at, 'rita', :at, :kept, ''), "
                    "(:a, 2, 'draft', :at, NULL, NULL, NULL, '')"
                ),
                {"a": a_id, "at": approved, "kept": kept},
            )
            v_id = conn.execute(text("SELECT id FROM assessment_version WHERE number = 1")).scalar_one()
            conn.execute(
                text(
                    "INSERT INTO report_job (version_id, state, progress, detail, requested_by, created) "
                    "VALUES (:v, 'running', 40, '', 'rita', :at)"
                ),
                {"v": v_id, "at": approved},
            )
        for _ in range(2):  # up, then down to 0003_review and up again
            upgrade(engine)
            with session_scope(engine) as session:
                rows = session.scalars(select(Version).order_by(Version.number)).all()
                assert [(v.retain_until, v.review_due, v.review_basis) for v in rows] == [
                    (kept, add_months(approved, 12).date(), "policy"),
                    (None, None, None),
                ]
                assert [(j.state, j.attempts) for j in session.scalars(select(ReportJob))] == [("running", 0)]
                assert session.scalars(select(OrgPolicy)).all() == []
            _downgrade(engine, "0003_review")
            columns = {c["name"] for c in inspect(engine).get_columns("assessment_version")}
            assert "review_due" not in columns and "org_policy" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
