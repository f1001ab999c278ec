"""The editable DOCX documents (issue 11 §6), read back with python-docx and compared with the PDFs.

Every example in every report language is rendered once (PDF and DOCX through the real renderers). The PDF
is read back with pypdf (its outline: the headings and their levels) and pdftotext (the text of every table
row); the DOCX with python-docx. Each document's headings must be the PDF's, and every DOCX table's rows
must appear in the PDF, in order. The figures (SVG in the PDF) are tables in the DOCX, titled by their
caption.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from pypdf import PdfReader

from engine.assess import assess
from engine.inputs import load_assessment
from engine.render.documents import report_htmls
from engine.render.docx import html_to_docx, inert
from engine.render.formats import RenderJob, ReportLang, render
from engine.render.view import build
from engine.render.words import messages
from tests.conftest import EXAMPLES
from tests.render.conftest import Rendered, render_example, require_poppler, write_small
from tests.render.test_editions import NAMES, _squash, forbidden

LANGS: tuple[ReportLang, ...] = ("zh", "en", "bilingual")


@dataclass(frozen=True)
class Case:
    r: Rendered
    lang: ReportLang

    def html(self, pdf: str) -> str:
        """The HTML a PDF was made from (its figures are SVG in the PDF: not readable back as figures)."""
        return report_htmls(build(self.r.doc, self.r.loaded, self.lang, False))[pdf]


@pytest.fixture(scope="module", params=[(n, lang) for n in NAMES for lang in LANGS], ids=lambda p: f"{p[0]}-{p[1]}")
def case(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Case:
    require_poppler()
    name, lang = request.param
    return Case(render_example(EXAMPLES / name, lang, ["pdf", "docx"], tmp_path_factory.mktemp(f"docx-{name}")), lang)


def _pairs(r: Rendered) -> list[tuple[str, str]]:
    pdfs = sorted(n for n in r.files if n.endswith(".pdf"))
    return [(pdf, pdf.removesuffix(".pdf") + ".docx") for pdf in pdfs]


def _open(r: Rendered, name: str) -> DocxDocument:
    return Document(io.BytesIO(r.files[name]))


def _norm(text: str) -> str:
    """Whitespace, the " / " of bilingual badges (CSS generated content, not in the PDF outline) and list bullets
    (drawn by the PDF, a numbering format in Word) removed."""
    return _squash(text).replace("/", "").replace("•", "")


def pdf_headings(data: bytes) -> list[tuple[str, int]]:
    """The PDF outline (WeasyPrint makes it from h1-h4) as (text, level)."""
    out: list[tuple[str, int]] = []

    def walk(items: list, level: int) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                out.append((_norm(item.title), level))

    walk(PdfReader(io.BytesIO(data)).outline, 1)
    return out


def docx_headings(doc: DocxDocument) -> list[tuple[str, int]]:
    return [
        (_norm(p.text), int(p.style.name[-1]))
        for p in doc.paragraphs
        if p.style is not None and re.fullmatch(r"Heading [1-4]", p.style.name)
    ]


def outline(headings: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Heading levels as an outline nests them: an h3 right under an h1 is the outline's level 2."""
    out, open_levels = [], []
    for text, level in headings:
        while open_levels and open_levels[-1] >= level:
            open_levels.pop()
        open_levels.append(level)
        out.append((text, len(open_levels)))
    return out


def cells(table: Table, row: int) -> list[_Cell]:
    """The cells of one row as written (a colspan is one cell)."""
    return [_Cell(tc, table) for tc in table.rows[row]._tr.tc_lst]


def caption(table: Table) -> str | None:
    el = table._tbl.tblPr.find(qn("w:tblCaption"))
    return None if el is None else el.get(qn("w:val"))


def header_rows(table: Table) -> int:
    n = 0
    for row in table.rows:
        trpr = row._tr.trPr
        if trpr is None or trpr.find(qn("w:tblHeader")) is None:
            break
        n += 1
    return n


def key_value(table: Table) -> bool:
    """A key-value table: no header row, each row's first cell a key (shaded like the PDF's th)."""
    return all(
        (shd := c._tc.tcPr.find(qn("w:shd"))) is not None and shd.get(qn("w:fill")) == "F1F5F9"
        for c in (cells(table, i)[0] for i in range(len(table.rows)))
    )


def test_headings_are_the_pdfs(case: Case) -> None:
    rendered = case.r
    toc = _norm(messages()["toc"].en if case.lang == "en" else messages()["toc"].zh)
    for pdf, docx in _pairs(rendered):
        expected = [h for h in pdf_headings(rendered.files[pdf]) if not (h[1] == 1 and toc in h[0])]
        got = outline(docx_headings(_open(rendered, docx)))
        assert got == expected, (docx, [x for x in zip(got, expected, strict=False) if x[0] != x[1]][:3])
    assert any(docx_headings(_open(rendered, d)) for _, d in _pairs(rendered))


def test_tables_are_the_pdfs(case: Case) -> None:
    """Every DOCX table's header and body rows are in the PDF's text, in order; figures are captioned tables."""
    rendered = case.r
    for pdf, docx in _pairs(rendered):
        text = _norm(rendered.text(pdf))
        doc = _open(rendered, docx)
        at = 0
        figures = 0
        for t, table in enumerate(doc.tables):
            if caption(table) is not None:
                figures += 1
                assert _norm(caption(table) or "") in text
                continue
            for r in range(len(table.rows)):
                # a row taller than a page goes on after the page break and the repeated header: each line of
                # each cell is looked for after where the row starts, the rows in order
                paras = [x for c in cells(table, r) for line in c.text.split("\n") if (x := _norm(line))]
                if not paras:
                    continue
                start = text.find(paras[0], at)
                assert start >= 0, (docx, t, r, paras[0][:80])
                for x in paras:
                    assert text.find(x, start) >= 0, (docx, t, r, x[:80])
                if r >= header_rows(table):  # repeated header rows are found again on later pages
                    at = start + len(paras[0])
        assert figures == len(re.findall(r"<figure", case.html(pdf))), docx


def test_word_structure(case: Case) -> None:
    """Heading styles, the TOC field, repeated header rows, East Asian fonts, page numbers, A4 with the margins."""
    rendered = case.r
    for _, docx in _pairs(rendered):
        doc = _open(rendered, docx)
        body = doc.element.body.xml
        with zipfile.ZipFile(io.BytesIO(rendered.files[docx])) as z:
            styles = z.read("word/styles.xml").decode()
            footers = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
        assert re.search(r'<w:fldSimple w:instr=" PAGE "', footers) and "NUMPAGES" in footers, docx
        for name in ("Normal", "Heading 1", "Heading 2", "Heading 3"):
            fonts = doc.styles[name].element.rPr.find(qn("w:rFonts"))
            assert fonts.get(qn("w:eastAsia")) and fonts.get(qn("w:ascii")), (docx, name)
        assert 'w:eastAsia="SimSun"' in styles and 'w:eastAsia="SimHei"' in styles
        headed = [t for t in doc.tables if header_rows(t)]
        for table in doc.tables:
            assert header_rows(table) or key_value(table), (docx, cells(table, 0)[0].text)
        assert headed, docx
        section = doc.sections[0]
        assert {round(section.page_width.cm, 1), round(section.page_height.cm, 1)} == {21.0, 29.7}
        assert round(section.top_margin.cm, 2) == 2.54
        if docx == "pipia.docx":
            assert re.search(r'<w:instrText[^>]*> TOC \\o "1-3" \\h \\z \\u </w:instrText>', body)
            assert round(section.left_margin.cm, 2) == 3.18
            assert any(p.style.name == "Heading 1" for p in doc.paragraphs)
        if docx == "checklist.docx":
            assert section.page_width > section.page_height  # landscape, like the PDF


def _docx_text(data: bytes) -> str:
    """Every text a reader could see: body, tables, headers, footers, properties."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        shown = re.compile(r"(word/(document|header\d*|footer\d*)|docProps/\w+)\.xml")
        parts = [z.read(n).decode() for n in z.namelist() if shown.fullmatch(n)]
    return "".join(re.findall(r">([^<]*)<", "".join(parts)))


def test_filing_edition_has_no_engine_text(case: Case) -> None:
    rendered = case.r
    bad = {s: _squash(s) for s in forbidden(rendered.doc)}
    # the documents for the regulator; the checklist is the advisor's to-do list in both editions (it names
    # remediation.yaml and the rulebook version, as its PDF does)
    for _, docx in _pairs(rendered):
        if docx == "checklist.docx":
            continue
        text = _squash(_docx_text(rendered.files[docx]))
        found = sorted(s for s, sq in bad.items() if sq in text)
        assert not found, (docx, found[:10])


def test_working_edition_docx_keeps_the_rule_ids(tmp_path: Path) -> None:
    """The check above can fail: the working edition's DOCX shows the rule ids the filing one must not."""
    loaded = load_assessment(EXAMPLES / "shenzhen-ecommerce")
    doc = assess(loaded)
    files = render(RenderJob(doc, loaded, "zh", True, "working"), ["docx"])
    text = _squash(_docx_text(files["pipia.docx"]))
    assert any(_squash(s) in text for s in forbidden(doc))


HOSTILE_ORG = "<script>alert(1)</script>\u202e恶意公司&amp;" + "X" * 300


def test_hostile_text_stays_text(tmp_path: Path) -> None:
    folder = write_small(tmp_path / "in", org=HOSTILE_ORG, purpose="<b>加粗</b>" + "长" * 500)
    r = render_example(folder, "bilingual", ["docx"], tmp_path / "out")
    data = r.files["pipia.docx"]
    doc = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs) + "".join(
        c.text for t in doc.tables for row in t.rows for c in row.cells
    )
    assert "<script>alert(1)</script>[U+202E]恶意公司&amp;" + "X" * 300 in text
    assert "<b>加粗</b>" + "长" * 500 in text
    assert "测试员 <b>Tester</b>" in text
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode()
    assert "\u202e" not in xml and "<script>" not in xml and "&lt;script&gt;" in xml


def test_characters_xml_forbids_are_shown_not_written() -> None:
    from datetime import UTC, datetime

    assert inert("a\x01b\x0bc\ud800") == "a[U+0001]b[U+000B]c[U+D800]"
    data = html_to_docx(
        "<html><body><h1>标题\x02</h1><p>a\x1fb</p></body></html>",
        "zh",
        title="t\x03",
        author="x",
        created=datetime(2026, 1, 1, tzinfo=UTC),
    )
    doc = Document(io.BytesIO(data))
    assert [p.text for p in doc.paragraphs] == ["标题[U+0002]", "a[U+001F]b"]
    assert doc.core_properties.title == "t[U+0003]"


def test_reproducible_docx_is_byte_identical(small_folder: Path) -> None:
    loaded = load_assessment(small_folder)
    doc = assess(loaded)
    first, second = (render(RenderJob(doc, loaded, "zh", True), ["docx"]) for _ in range(2))
    assert first == second and set(first) == {"pipia.docx", "checklist.docx"}
    with zipfile.ZipFile(io.BytesIO(first["pipia.docx"])) as z:
        assert {i.date_time[:3] for i in z.infolist()} == {(2026, 6, 30)}
        core = z.read("docProps/core.xml").decode()
    assert "2026-06-30T00:00:00Z" in core and "python-docx" not in core


def test_bilingual_text_beneath_and_badges_on_one_line() -> None:
    """The English of a label goes beneath the Chinese; inside a badge it follows on the line, as in the PDF."""
    from datetime import UTC, datetime

    badge = '<span class="tag band-low">低风险<span class="alt">low</span></span>'
    html = f'<body><p>低<span class="alt">low</span> {badge}</p></body>'
    doc = Document(
        io.BytesIO(html_to_docx(html, "zh", title="t", author="a", created=datetime(2026, 1, 1, tzinfo=UTC)))
    )
    assert [p.text for p in doc.paragraphs] == ["低\nlow 低风险 / low"]
