"""Untrusted text never becomes markup, and WeasyPrint can fetch nothing but packaged templates."""

from __future__ import annotations

import http.server
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from engine.assess import assess
from engine.inputs import load_assessment
from engine.render.pdf import PackagedOnly, RefusedURL, html_to_pdf, render_html
from engine.render.view import build
from engine.resources import data_dir
from tests.render.conftest import write_small

SECRET = "SENTINEL-7f3a9c"


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.hits.append(self.path)
        body = f"body::before {{ content: '{SECRET}' }}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def server() -> Iterator[str]:
    _Recorder.hits = []
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def sentinels(tmp_path: Path) -> dict[str, str]:
    """Local files whose content would show up in the PDF text if they were ever loaded."""
    css = tmp_path / "evil.css"
    css.write_text(f"body::after {{ content: '{SECRET}' }}", encoding="utf-8")
    svg = tmp_path / "evil.svg"
    svg.write_text(f'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
                   f'<text y="20">{SECRET}</text></svg>', encoding="utf-8")
    return {"css": css.as_uri(), "svg": svg.as_uri()}


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_fetcher_serves_packaged_files_only() -> None:
    fetcher = PackagedOnly()
    css = (data_dir("templates") / "report" / "report.css").resolve()
    assert fetcher(css.as_uri()).read() == css.read_bytes()
    for url in ("file:///etc/passwd", "http://127.0.0.1:9/x.css", "https://example.com/a.png",
                "data:text/css,body{}", (css.parent / ".." / ".." / "pyproject.toml").as_uri(),
                css.as_uri() + "?x=1"):
        with pytest.raises(RefusedURL):
            fetcher(url)
    assert len(fetcher.refused) == 6 and len(fetcher.served) == 1


def test_raw_markup_cannot_read_files_or_reach_the_network(server: str, sentinels: dict[str, str],
                                                           tmp_path: Path) -> None:
    """Second line of defence: even markup that bypassed escaping loads nothing."""
    html = f"""<html><head><link rel="stylesheet" href="{sentinels['css']}">
    <link rel="stylesheet" href="{server}/evil.css"><style>@import url("{server}/import.css");
    p {{ background: url("{sentinels['svg']}") }}</style></head>
    <body><p>visible text</p><img src="{sentinels['svg']}"><img src="{server}/pixel.png">
    <div style="background-image: url('{server}/bg.png')">x</div></body></html>"""
    fetcher = PackagedOnly()
    text = _pdf_text(html_to_pdf(html, {}, __import__("datetime").datetime(2026, 1, 1), fetcher), tmp_path)
    assert "visible text" in text
    assert SECRET not in text
    assert _Recorder.hits == []
    assert any(u.startswith("file://") and "evil" in u for u in fetcher.refused)
    assert any(u.startswith(server) for u in fetcher.refused)


def test_hostile_input_text_is_escaped_in_the_report(server: str, sentinels: dict[str, str], tmp_path: Path) -> None:
    org = f'Evil Co <img src="{sentinels["svg"]}"><link rel="stylesheet" href="{server}/x.css">'
    purpose = f'<style>body {{ background: url("{server}/bg.png") }}</style><p style="color:red">{SECRET[:3]}</p>'
    loaded = load_assessment(write_small(tmp_path / "a", org=org, purpose=purpose))
    report = build(assess(loaded), loaded, "en", reproducible=True)
    html = render_html("report/pipia.html", report)
    assert "<img src" not in html and "&lt;img src=" in html
    fetcher = PackagedOnly()
    text = _pdf_text(html_to_pdf(html, {}, report.created, fetcher), tmp_path)
    assert SECRET not in text
    assert "<img src=" in text, "the hostile text shows as text"
    assert fetcher.refused == [] and _Recorder.hits == []
    assert all(Path(__import__("urllib.parse").parse.urlsplit(u).path).is_relative_to(data_dir("templates").resolve())
               for u in fetcher.served)
