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
