"""The Alembic migrations: from empty to head, idempotent, and equal to the models (no drift)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from engine.web.db import Base, open_engine, upgrade

HEAD = "0002_editing"


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


def test_upgrade_from_the_workspace_revision_keeps_the_registry(db_url: str) -> None:
    """webedit: a database at 0001 with a stored assessment gains the editing tables and keeps its data."""
    from alembic import command
    from alembic.config import Config

    from engine.web import accounts, registry
    from engine.web.db import MIGRATIONS, session_scope
    from tests.conftest import EXAMPLES

    engine = open_engine(db_url)
    try:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0001")
        assert "evidence_file" not in inspect(engine).get_table_names()
        with session_scope(engine) as session:
            accounts.add_user(session, "ann", "correct horse battery", "acme", "admin")
        with session_scope(engine) as session:
            registry.import_folder(session, "acme", EXAMPLES / "shenzhen-ecommerce", "test")
        upgrade(engine)
        assert {"finding_comment", "evidence_blob", "evidence_file"} <= set(inspect(engine).get_table_names())
        with session_scope(engine) as session, engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == HEAD
            org = registry.organisation(session, "acme")
            assert org is not None and [a.key for a in registry.assessments(session, org)]
    finally:
        engine.dispose()
