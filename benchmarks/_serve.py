"""A real `hegui serve` process, for tests and benchmarks: wait until it answers, and read its session
cookie by hand (the cookie is Secure, and an http client sends those only over https)."""

from __future__ import annotations

import subprocess
import time

import httpx

from engine.web.app import SESSION_COOKIE


def wait_until_serving(process: subprocess.Popen[bytes], url: str, seconds: float = 60) -> None:
    """Return once `url` answers; raise when the process ended or `seconds` passed first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(url, timeout=5)
            return
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("hegui serve did not start") from None
            time.sleep(0.2)


def session_cookie(response: httpx.Response, current: str) -> str:
    """The session cookie a response sets, else the one held."""
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        if name == SESSION_COOKIE:
            return rest.split(";", 1)[0]
    return current
