"""PDF reports: autoescaped Jinja2 HTML rendered by WeasyPrint as PDF/A-3b with findings.json attached.

WeasyPrint only ever sees our own fetcher, which serves packaged template files and refuses every
other URL (file:, http:, data:, …): even if markup from an input slipped through, it could neither
read local files nor reach the network. Fonts come from the system (fontconfig), never fetched.
"""

from __future__ import annotations

import mimetypes
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher, URLFetcherResponse

from engine.render.view import Report
from engine.render.words import neutral
from engine.resources import data_dir

PDF_VARIANT = "pdf/a-3b"  # PDF/A-2b would silently drop the attachment


class RefusedURL(ValueError):
    """A URL outside the packaged templates; WeasyPrint logs it and renders without the resource."""


class PackagedOnly(URLFetcher):  # type: ignore[misc]
    """Serves regular files below templates/ and nothing else; records every attempt (tests read it)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.root = data_dir("templates").resolve()
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = self.packaged(url)
        if path is None:
            self.refused.append(url)
            raise RefusedURL(f"hegui reports load no external resources: {url[:200]}")
        self.served.append(url)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})

    def packaged(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost") or parts.query:
            return None
        path = Path(unquote(parts.path)).resolve()
        return path if path.is_relative_to(self.root) and path.is_file() else None


@cache
def environment() -> Environment:
    """Autoescaping on for every template, whatever its name; undefined names are errors; bidi controls
    in any printed value are shown, not obeyed (`neutral`)."""
    return Environment(loader=FileSystemLoader(data_dir("templates")), autoescape=True, finalize=neutral,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_html(template: str, report: Report, *, docx: bool = False, **extra: Any) -> str:
    """The HTML of one document; `docx` adds the tables that stand in for the SVG figures in Word (the PDF
    leaves them out rather than hide them: WeasyPrint would parse and style a 200-row table for nothing)."""
    w = report.words
    meta = {
        "title": w.plain(report.title),
        "author": report.doc.assessment.assessor,
        "description": w.plain(report.doc.assessment.organisation),
        "created": report.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "date": report.created.date().isoformat(),
    }
    return environment().get_template(template).render(r=report, w=w, L=w.label, meta=meta, docx=docx, **extra)


def report_pdf(report: Report, template: str, attach: bool = True) -> bytes:
    """One PDF of the report, with findings.json (exactly as written beside it) attached unless `attach` is
    false: the filing edition of the PIPIA carries no engine data (rule ids, traces) a regulator would see."""
    attached = {"findings.json": report.doc.to_json().encode("utf-8")} if attach else {}
    return html_to_pdf(render_html(template, report), attached, report.created)


def html_to_pdf(html: str, attachments: dict[str, bytes], created: datetime,
                fetcher: PackagedOnly | None = None) -> bytes:
    """PDF/A-3b bytes; attachment dates fixed to `created` so reproducible runs are byte-identical."""
    fetcher = fetcher or PackagedOnly()
    base = (data_dir("templates") / "report").resolve().as_uri() + "/"
    files = [Attachment(string=data, name=name, relationship="Data", created=created, modified=created,
                        url_fetcher=fetcher, description=name) for name, data in attachments.items()]
    pdf: bytes = HTML(string=html, base_url=base, url_fetcher=fetcher).write_pdf(
        pdf_variant=PDF_VARIANT, attachments=files, pdf_identifier=None)
    return pdf
