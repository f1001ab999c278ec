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
            assert [(v.number, v.state) for v in session.scalars(select(Version))] == [(1, "draft")]
            assert session.scalars(select(AuditEvent.action)).all() == ["registry.import"]
        assert {"finding_comment", "evidence_file", "assessment_version"} <= set(inspect(engine).get_table_names())
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_event"))
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == HEAD
    finally:
        engine.dispose()
