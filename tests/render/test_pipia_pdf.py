"""The PIPIA report as a real PDF, read back with pdftotext, pdffonts, pdftoppm and pypdf."""

from __future__ import annotations

import io
import json
import re
import subprocess

from PIL import Image
from pypdf import PdfReader

from engine.render.words import messages
from tests.render.conftest import Rendered, require_poppler


def _squash(text: str) -> str:
    """Without whitespace and hyphens: pdftotext drops the hyphen where a long id wraps."""
    return re.sub(r"[\s-]+", "", text)


def test_chinese_outbound_report_has_the_cac_outline_and_findings(ecommerce_zh: Rendered) -> None:
    require_poppler()
    text = _squash(ecommerce_zh.text("pipia.pdf"))
    m = messages()
    for key in ("h.overall", "h.processor", "h.recipients", "h.impact", "h.lawfulness", "h.risk",
                "h.safeguards", "h.penalties", "h.crossborder", "h.conclusion", "h.remediation", "h.signoff", "h.annex",
                "toc", "decision.stop", "annex.by_obligation", "annex.by_activity"):
        assert _squash(m[key].zh) in text, key
    gaps = [f for f in ecommerce_zh.doc.findings if f.status == "gap"]
    assert gaps
    for f in gaps:
        assert _squash(f.title.zh) in text, f.id
        assert _squash(f.citations[0].text_zh) in text, f.id
    for f in ecommerce_zh.doc.findings:  # the annex lists every obligation evaluated
        assert _squash(f.title.zh) in text, f.id
    assert "第2页/共" in text


def test_page_count_is_sane_and_footer_counts_pages(ecommerce_zh: Rendered) -> None:
    reader = PdfReader(io.BytesIO(ecommerce_zh.files["pipia.pdf"]))
    pages = len(reader.pages)
    assert 8 <= pages <= 200
    last = _squash(reader.pages[-1].extract_text())
    assert f"第{pages}页/共{pages}页" in last


def test_cjk_fonts_are_embedded(ecommerce_zh: Rendered) -> None:
    require_poppler()
    out = subprocess.run(["pdffonts", str(ecommerce_zh.folder / "pipia.pdf")], check=True, capture_output=True,
                         text=True).stdout
    rows = out.splitlines()[2:]
    assert any("CJK" in r for r in rows), out
    assert all(r.split()[-5] == "yes" for r in rows), "every font embedded"  # emb column


def test_pdfa_metadata_and_findings_attachment(ecommerce_zh: Rendered) -> None:
    reader = PdfReader(io.BytesIO(ecommerce_zh.files["pipia.pdf"]))
    xmp = reader.xmp_metadata
    assert xmp is not None
    raw = xmp.stream.get_data().decode("utf-8")
    assert re.search(r'pdfaid:part="?3', raw) and re.search(r'pdfaid:conformance="?B', raw), raw[:500]
    assert reader.metadata is not None
    assert reader.metadata.title == ecommerce_zh.doc.assessment.title.zh
    assert reader.metadata.author == ecommerce_zh.doc.assessment.assessor
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
    assert "findings.json" not in reader.attachments  # the filing edition carries no engine data
    attached = PdfReader(io.BytesIO(ecommerce_zh.files["checklist.pdf"])).attachments["findings.json"][0]
    assert attached == ecommerce_zh.files["findings.json"]
    assert json.loads(attached)["assessment"]["id"] == ecommerce_zh.doc.assessment.id


def test_a_rendered_page_is_not_blank(ecommerce_zh: Rendered, tmp_path: object) -> None:
    require_poppler()
    png = subprocess.run(["pdftoppm", "-f", "3", "-l", "3", "-r", "40", "-png", str(ecommerce_zh.folder / "pipia.pdf")],
                         check=True, capture_output=True).stdout
    image = Image.open(io.BytesIO(png)).convert("L")
    inked = sum(count for count in image.histogram()[:200])  # anything clearly darker than paper
    assert inked > image.width * image.height * 0.01


def test_english_report_without_transfers_uses_the_art_56_outline(offshore_en: Rendered) -> None:
    require_poppler()
    text = offshore_en.text("pipia.pdf")
    m = messages()
    for key in ("h.scope", "h.processing", "h.lawfulness", "h.risk", "h.safeguards", "h.conclusion", "h.annex"):
        assert m[key].en in text, key
    assert m["h.recipients"].en not in text
    assert re.search(r"Page 2 of \d+", text)
    gaps = [f for f in offshore_en.doc.findings if f.status == "gap"]
    for f in gaps:
        assert " ".join(f.title.en.split()[:4]) in " ".join(text.split()), f.id
        assert f.citations[0].label("en") in " ".join(text.split()), f.id
    reader = PdfReader(io.BytesIO(offshore_en.files["pipia.pdf"]))
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_checklist_pdf_lists_every_action_with_checkboxes(ecommerce_zh: Rendered) -> None:
    text = _squash(ecommerce_zh.text("checklist.pdf"))
    assert _squash(messages()["checklist.title"].zh) in text
    opened = [f for f in ecommerce_zh.doc.findings if f.status in ("gap", "unknown")]
    for f in opened:
        assert _squash(f.title.zh) in text, f.id
    for col in ("col.owner", "col.due", "col.done"):
        assert _squash(messages()[col].zh) in text
