"""A real `hegui serve` and Debian's Chromium driven by Playwright (never its own browser download).

The server runs as a subprocess on a free loopback port with a temporary SQLite database and one admin
made by `hegui users add`; it is stopped by its pid. The browser opens it as http://localhost:PORT:
Chromium treats localhost (and 127.0.0.1, checked by hand with Chromium 156) as a secure context, so it
keeps the `__Host-` Secure session cookie over plain http there; the cookie is not weakened for tests
(the test asserts the browser holds it as Secure). Skipped when Chromium or Playwright is
missing (tools/setup-system.sh installs the one, `make setup` the other).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks._cluster import free_port
from benchmarks._serve import wait_until_serving
from tests.web.conftest import PASSWORD
from tests.web.test_server import HEGUI

CHROMIUM = "/usr/bin/chromium"
USER = "ann"
ORG = "acme"


@dataclass(frozen=True)
class Server:
    base: str  # http://localhost:PORT
    data: Path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("serve")
    env = {**os.environ, "HEGUI_DB": f"sqlite:///{tmp / 'workspace.db'}", "HEGUI_PASSWORD": PASSWORD}
    run = [HEGUI, "users", "add", USER, "--org", ORG, "--role", "admin"]
    subprocess.run(run, env=env, check=True, capture_output=True, timeout=120)
    port = free_port()
    process = subprocess.Popen(
        [HEGUI, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://localhost:{port}"
    try:
        wait_until_serving(process, f"http://127.0.0.1:{port}/login")
        yield Server(base, tmp)
    finally:
        os.kill(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=30)
        assert b"Traceback" not in err, err


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).is_file() and not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed (tools/setup-system.sh installs it)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()
