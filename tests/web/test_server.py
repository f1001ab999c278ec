"""`hegui serve` as a real uvicorn process: start, migrate an empty database, log in, see a page, log out."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from benchmarks._cluster import free_port
from benchmarks._serve import session_cookie
from engine.web.app import SESSION_COOKIE
from tests.conftest import EXAMPLES
from tests.web.conftest import PASSWORD, csrf_of

HEGUI = str(Path(sys.executable).parent / "hegui")


def test_a_login_round_trip_against_the_real_server(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'data' / 'workspace.db'}"
    env = {**os.environ, "HEGUI_DB": db, "HEGUI_PASSWORD": PASSWORD}
    run = [HEGUI, "users", "add", "ann", "--org", "acme", "--role", "admin"]
    subprocess.run(run, env=env, check=True, capture_output=True, timeout=120)
    run = [HEGUI, "registry", "import", str(EXAMPLES / "offshore-saas"), "--org", "acme"]
    subprocess.run(run, env=env, check=True, capture_output=True, timeout=120)
    port = free_port()
    server = subprocess.Popen(
        [HEGUI, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=30) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    page = client.get("/login")
                    break
                except httpx.TransportError:
                    assert server.poll() is None and time.monotonic() < deadline, server.stderr
                    time.sleep(0.2)
            assert page.status_code == 200 and "server" not in page.headers
            cookie = session_cookie(page, "")
            headers = {"cookie": f"{SESSION_COOKIE}={cookie}"}
            form = {"username": "ann", "password": PASSWORD, "csrf": csrf_of(page.text)}
            response = client.post("/login", data=form, headers=headers)
            assert response.status_code == 303 and response.headers["location"] == "/orgs"
            headers = {"cookie": f"{SESSION_COOKIE}={session_cookie(response, cookie)}"}
            orgs = client.get("/orgs", headers=headers)
            assert orgs.status_code == 200 and 'href="/o/acme"' in orgs.text
            listing = client.get("/o/acme", headers=headers)
            assert "/o/acme/a/" in listing.text
            response = client.post("/logout", data={"csrf": csrf_of(listing.text)}, headers=headers)
            assert response.status_code == 303
            headers = {"cookie": f"{SESSION_COOKIE}={session_cookie(response, cookie)}"}
            assert client.get("/orgs", headers=headers).headers["location"] == "/login"
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    assert b"Traceback" not in err, err
    assert f"http://127.0.0.1:{port}/".encode() in out
