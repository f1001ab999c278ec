"""The workspace on a real database: SQLite always, PostgreSQL too when HEGUI_TEST_PG_URL is set.

Each test gets an upgraded, empty database (SQLite: a file; PostgreSQL: a schema `web_<random>` in the
test database, dropped afterwards) and, through `seeded`, two organisations with one user per role.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from starlette.testclient import TestClient

from engine.web import accounts, registry
from engine.web.app import create_app
from engine.web.db import ROLES, open_engine, session_scope, upgrade
from tests.conftest import EXAMPLES

PG_URL = os.environ.get("HEGUI_TEST_PG_URL")
PASSWORD = "correct horse battery"
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not PG_URL, reason="HEGUI_TEST_PG_URL is not set (run tools/start-postgres.sh and export its URL)"
        ),
    ),
]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'workspace.db'}"
        return
    assert PG_URL is not None
    schema = (
        f"{os.environ.get('HEGUI_TEST_SCHEMA_PREFIX', 'web')}_{secrets.token_hex(6)}"  # who made it, on a shared server
    )
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield (
            make_url(PG_URL)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = open_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@dataclass(frozen=True)
class Seeded:
    engine: Engine
    own: str  # the organisation every role user belongs to
    other: str  # another organisation, with its own admin and assessment
    assessment: str  # the key of the assessment both organisations hold


@pytest.fixture
def seeded(engine: Engine) -> Seeded:
    with session_scope(engine) as session:
        for role in ROLES:
            accounts.add_user(session, role, PASSWORD, "acme", role)
        accounts.add_user(session, "stranger", PASSWORD, "rival", "admin")
    with session_scope(engine) as session:
        stored, _ = registry.import_folder(session, "acme", EXAMPLES / "shenzhen-ecommerce", "test")
        registry.import_folder(session, "rival", EXAMPLES / "shenzhen-ecommerce", "test")
        key = stored.key
    return Seeded(engine, "acme", "rival", key)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def signed_in(engine: Engine, username: str) -> TestClient:
    """A browser-like client (https, so the Secure cookie is sent) signed in as `username`."""
    client = TestClient(create_app(engine), base_url="https://testserver", follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf": token})
    assert response.status_code == 303, response.text
    return client


def new_assessment_form(ident: str) -> dict[str, str]:
    """The create form's fields for a minimal new assessment (the authorisation matrix and records tests)."""
    return {
        "assessment.id": ident,
        "assessment.title": "t",
        "assessment.as_of": "2026-12-01",
        "assessor.name": "a",
        "organisation.name": "o",
        "organisation.ciio": "false",
        "organisation.individuals_total": "1",
        "activity.id": "x",
        "activity.name": "x",
        "activity.purpose": "x",
        "activity.legal_basis": "consent",
        "activity.data_subjects": "customers",
    }
