"""Shared fixtures: the hegui app with the discovery commands, a scanned SQLite shop database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from discovery_synth import SHOP, build
from sqlalchemy import create_engine
from typer.testing import CliRunner

from engine.cli import app as hegui_app
from engine.discovery.cli import register

PG_URL = os.environ.get("HEGUI_TEST_PG_URL")
requires_pg = pytest.mark.skipif(
    not PG_URL, reason="HEGUI_TEST_PG_URL is not set (run tools/start-postgres.sh and export its URL)"
)
MYSQL_URL = os.environ.get("HEGUI_TEST_MYSQL_URL")
requires_mysql = pytest.mark.skipif(
    not MYSQL_URL, reason="HEGUI_TEST_MYSQL_URL is not set (run tools/start-mariadb.sh and export its URL)"
)


@pytest.fixture(scope="session")
def app() -> typer.Typer:
    if not any(c.name == "scan" for c in hegui_app.registered_commands):
        register(hegui_app)
    return hegui_app


@pytest.fixture(scope="session")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def shop_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("shop") / "shop.db"
    engine = create_engine(f"sqlite:///{path}")
    build(engine, SHOP, rows=300)
    engine.dispose()
    yield path
