"""The workspace under load (issue 12): `hegui serve` as a real uvicorn process on loopback, a SQLite
database, and a 50-activity assessment in the registry.

1. Latency: p50/p95 of the main pages (organisation list, assessment with its findings, one finding's
   explanation, the questionnaire), each requested `REQUESTS` times one after another by one signed-in
   user, and of saving an answer (the questionnaire's POST, which validates, stores and re-assesses,
   and the page it redirects to; the answer alternates so that every save changes the draft, or with
   `HEGUI_BENCH_SERVE_NEW_STATES=1` is new each time, so no draft state repeats). Beside each figure: the
   server process's CPU time per request (/proc), steadier than wall time on a shared machine.
2. Load: `USERS` concurrent signed-in users for `SECONDS` seconds, each requesting the main pages in
   turn as fast as the server answers: requests served, errors (anything but 200), p95, and the server
   process's peak memory (VmHWM). `HEGUI_BENCH_SERVE_SECONDS` shortens the run.
Targets: p95 <= 150 ms per page, 0 errors.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks._cluster import free_port
from benchmarks._serve import session_cookie, wait_until_serving
from benchmarks.report import synthetic
from engine.web.app import SESSION_COOKIE

HEGUI = str(Path(sys.executable).parent / "hegui")
PASSWORD = "benchmark password 2026"
ACTIVITIES = 50
REQUESTS = 40
USERS = 50
SECONDS = float(os.environ.get("HEGUI_BENCH_SERVE_SECONDS", "60"))
TARGET_P95_MS = 150.0


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def _state(html: str) -> dict[str, str]:
    """The form's draft-state token (edit conflicts), when the page has one (a server before it has none)."""
    found = re.search(r'name="state" value="([^"]+)"', html)
    return {"state": found.group(1)} if found else {}


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the server process has used so far: steadier than wall time on a shared machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _sign_in(client: httpx.AsyncClient) -> dict[str, str]:
    page = await client.get("/login")
    cookie = session_cookie(page, "")
    form = {"username": "bench", "password": PASSWORD, "csrf": _csrf(page.text)}
    done = await client.post("/login", data=form, headers={"cookie": f"{SESSION_COOKIE}={cookie}"})
    if done.status_code != 303:
        raise RuntimeError(f"login answered {done.status_code}")
    return {"cookie": f"{SESSION_COOKIE}={session_cookie(done, cookie)}"}


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _pages(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, str]:
    """The main pages' paths: organisation, the assessment, its first finding."""
    listing = await client.get("/o/bench", headers=headers)
    key = re.search(r'href="(/o/bench/a/[^"/]+)"', listing.text)
    if not key:
        raise RuntimeError("the assessment is not listed")
    assessment = await client.get(key.group(1), headers=headers)
    finding = re.search(r'href="(/o/bench/a/[^"]+/f/[^"]+)"', assessment.text)
    if not finding:
        raise RuntimeError("the assessment page lists no finding")
    return {
        "organisation": "/o/bench",
        "assessment": key.group(1),
        "finding": finding.group(1),
        "questionnaire": f"{key.group(1)}/questions",
    }


async def _saves(client: httpx.AsyncClient, headers: dict[str, str], questions: str) -> list[float]:
    """Seconds per answer saved (POST and its redirect, as a browser does). Each save sends the state token of
    the page it follows (the form's edit-conflict check); `HEGUI_BENCH_SERVE_NEW_STATES=1` makes every save a
    state the server has not seen (another answer each time) instead of alternating between two."""
    page = (await client.get(questions, headers=headers)).text
    token = _csrf(page)
    times = []
    fresh = os.environ.get("HEGUI_BENCH_SERVE_NEW_STATES") == "1"
    for i in range(REQUESTS):
        form = {"csrf": token, **_state(page), "scope": "org", "subject": "org"}
        if fresh:
            form["months_since_compliance_audit"] = str(100 + i)
        else:
            form["internal_pi_policies"] = ("false", "true")[i % 2]
        start = time.perf_counter()
        saved = await client.post(questions, data=form, headers=headers)
        if saved.status_code != 303:
            raise RuntimeError(f"saving an answer answered {saved.status_code}")
        after = await client.get(saved.headers["location"], headers=headers)
        after.raise_for_status()
        times.append(time.perf_counter() - start)
        page = after.text
    return times


async def _latency(base: str, pid: int) -> dict[str, str]:
    """Each page's p50/p95, and the server's CPU time per request (the figure to compare across runs)."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        headers = await _sign_in(client)
        pages = await _pages(client, headers)
        print(f"{'page (one user)':28} {'p50 ms':>8} {'p95 ms':>8} {'target p95':>11} {'server CPU ms':>14}")
        for label, path in pages.items():
            times = []
            cpu = _cpu_seconds(pid)
            for _ in range(REQUESTS):
                start = time.perf_counter()
                response = await client.get(path, headers=headers)
                times.append(time.perf_counter() - start)
                response.raise_for_status()
            cpu = (_cpu_seconds(pid) - cpu) * 1000 / REQUESTS
            print(f"{label:28} {_ms(times, 0.5):8.1f} {_ms(times, 0.95):8.1f} {TARGET_P95_MS:8.0f} ms {cpu:14.0f}")
        cpu = _cpu_seconds(pid)
        times = await _saves(client, headers, pages["questionnaire"])
        cpu = (_cpu_seconds(pid) - cpu) * 1000 / REQUESTS
        label = "save an answer"
        print(f"{label:28} {_ms(times, 0.5):8.1f} {_ms(times, 0.95):8.1f} {TARGET_P95_MS:8.0f} ms {cpu:14.0f}")
        return pages


async def _load(base: str, pages: dict[str, str]) -> tuple[int, int, list[float]]:
    served, errors, times = 0, 0, []
    limits = httpx.Limits(max_connections=USERS)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        sessions = [await _sign_in(client) for _ in range(USERS)]
        stop = time.monotonic() + SECONDS

        async def user(headers: dict[str, str]) -> None:
            nonlocal served, errors
            paths = list(pages.values())
            i = 0
            while time.monotonic() < stop:
                start = time.perf_counter()
                try:
                    response = await client.get(paths[i % len(paths)], headers=headers)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                times.append(time.perf_counter() - start)
                served += ok
                errors += not ok
                i += 1

        await asyncio.gather(*(user(h) for h in sessions))
    return served, errors, times


def _peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run() -> None:
    with tempfile.TemporaryDirectory(prefix="hegui-serve-") as tmp:
        env = {**os.environ, "HEGUI_DB": f"sqlite:///{tmp}/workspace.db", "HEGUI_PASSWORD": PASSWORD}
        for argv in (
            ["users", "add", "bench", "--org", "bench", "--role", "admin"],
            ["registry", "import", str(synthetic(Path(tmp) / "big", ACTIVITIES)), "--org", "bench"],
        ):
            subprocess.run([HEGUI, *argv], env=env, check=True, capture_output=True)
        port = free_port()
        server = subprocess.Popen([HEGUI, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_serving(server, f"{base}/login")
            print(f"{ACTIVITIES} activities; server pid {server.pid}; load average {os.getloadavg()[0]:.1f}")
            pages = asyncio.run(_latency(base, server.pid))
            served, errors, times = asyncio.run(_load(base, pages))
            print(f"load: {USERS} users for {SECONDS:.0f} s")
            print(f"  requests served {served} ({served / SECONDS:.1f}/s), errors {errors} (target 0)")
            if times:
                p50, p95 = statistics.median(times) * 1000, _ms(times, 0.95)
                print(f"  p50 {p50:.0f} ms, p95 {p95:.0f} ms; server peak memory {_peak_mib(server.pid):.0f} MiB")
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=60)
