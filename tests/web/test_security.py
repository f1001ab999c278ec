"""Login, sessions, CSRF, throttling, headers: each refusal checked against the real app."""

from __future__ import annotations

from starlette.testclient import TestClient

from engine.web import accounts
from engine.web.app import CSP, SESSION_COOKIE, create_app
from engine.web.db import session_scope
from tests.web.conftest import PASSWORD, Seeded, csrf_of, signed_in


def fresh(seeded: Seeded) -> TestClient:
    return TestClient(create_app(seeded.engine), base_url="https://testserver", follow_redirects=False)


def login(client: TestClient, username: str, password: str) -> int:
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"username": username, "password": password, "csrf": token}).status_code


def test_the_session_cookie_is_secure_and_renewed_at_login(seeded: Seeded) -> None:
    client = fresh(seeded)
    client.get("/login")
    before = client.cookies.get(SESSION_COOKIE)
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": "viewer", "password": PASSWORD, "csrf": token})
    assert response.status_code == 303 and response.headers["location"] == "/orgs"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    for flag in ("path=/", "httponly", "secure", "samesite=lax"):
        assert flag in cookie.lower(), cookie
    assert "domain" not in cookie.lower()
    assert client.cookies.get(SESSION_COOKIE) != before  # no session fixation
    assert client.get("/orgs").status_code == 200


def test_wrong_passwords_unknown_users_and_disabled_users_are_refused_alike(seeded: Seeded) -> None:
    client = fresh(seeded)
    assert login(client, "viewer", "wrong password!") == 401
    assert login(client, "nobody", PASSWORD) == 401
    with session_scope(seeded.engine) as session:
        accounts.disable_user(session, "reviewer")
    assert login(client, "reviewer", PASSWORD) == 401
    assert client.get("/orgs").status_code == 303


def test_logins_are_throttled_per_user_even_with_the_right_password(seeded: Seeded) -> None:
    client = fresh(seeded)
    for _ in range(accounts.MAX_FAILURES_PER_USER):
        assert login(client, "admin", "wrong password!") == 401
    assert login(client, "admin", PASSWORD) == 429
    assert login(client, "assessor", PASSWORD) == 303  # another user is not locked out


def test_logins_are_throttled_per_client_address(seeded: Seeded) -> None:
    client = fresh(seeded)  # every TestClient request comes from the same address
    for n in range(accounts.MAX_FAILURES_PER_CLIENT):
        assert login(client, f"guess{n}", "wrong password!") == 401
    assert login(client, "viewer", PASSWORD) == 429


def test_a_password_change_or_disabling_ends_existing_sessions(seeded: Seeded) -> None:
    viewer, admin = signed_in(seeded.engine, "viewer"), signed_in(seeded.engine, "admin")
    with session_scope(seeded.engine) as session:
        accounts.set_password(session, "viewer", "another long password")
        accounts.disable_user(session, "admin")
    for client in (viewer, admin):
        response = client.get("/orgs")
        assert response.status_code == 303 and response.headers["location"] == "/login"


def test_every_form_needs_the_csrf_token(seeded: Seeded) -> None:
    client = signed_in(seeded.engine, "admin")
    token = csrf_of(client.get("/orgs").text)
    posts = {
        "/logout": {},
        "/lang": {"lang": "en", "next": "/orgs"},
        f"/o/{seeded.own}/upload": {},
        "/login": {"username": "admin", "password": PASSWORD},
    }
    for path, data in posts.items():
        for sent in ({}, {"csrf": "forged"}):
            assert client.post(path, data={**data, **sent}).status_code == 403, (path, sent)
    assert client.get("/orgs").status_code == 200  # still signed in: no refused form logged out
    assert client.post("/logout", data={"csrf": token}).status_code == 303
    assert client.get("/orgs").status_code == 303


def test_security_headers_on_pages_errors_and_files(seeded: Seeded) -> None:
    client = signed_in(seeded.engine, "viewer")
    for path in ("/login", "/orgs", "/o/no-such-org", "/static/web.css"):
        headers = client.get(path).headers
        assert headers["content-security-policy"] == CSP
        assert "script-src" not in CSP and "default-src 'none'" in CSP
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert "server" not in headers or "uvicorn" not in headers["server"]


def test_the_language_switch_stays_on_the_site(seeded: Seeded) -> None:
    client = signed_in(seeded.engine, "viewer")
    token = csrf_of(client.get("/orgs").text)
    assert "My organisations" not in client.get("/orgs").text
    response = client.post("/lang", data={"csrf": token, "lang": "en", "next": "/orgs"})
    assert response.headers["location"] == "/orgs"
    assert "My organisations" in client.get("/orgs").text
    for hostile in ("//evil.example/", "https://evil.example/", "javascript:alert(1)"):
        response = client.post("/lang", data={"csrf": token, "lang": "zh", "next": hostile})
        assert response.headers["location"] == "/"
    assert "我的组织" in client.get("/orgs").text
