"""The reports as editable Word documents: the same HTML the PDFs are made from, walked into python-docx.

One source of truth: every document (PIPIA, self-assessment report, contract annex, checklist) is rendered
by its Jinja template once, and the DOCX is that HTML read back (tinyhtml5, WeasyPrint's own parser) and
written element by element: h1-h4 as Word's Heading 1-4 (the navigation pane), the table of contents as a
TOC field (its cached entries are the HTML's list; Word refreshes page numbers on opening or F9), tables
with their header rows repeated (w:tblHeader) and column widths from the templates' percentages, badges as
shaded runs. The SVG figures cannot go into Word: each figure carries an equivalent table (class
`docx-only`, only in the HTML made for the DOCX) written instead; what only explains the SVG (`pdf-only`) is
left out. Styles set Latin and East Asian fonts (w:eastAsia),
the page is A4 with the PDF's margins and the footer counts pages with PAGE / NUMPAGES fields.

Text is only ever written as text (python-docx escapes it); characters XML 1.0 forbids are shown as their
code point ([U+0001]), like the bidi controls the templates already neutralise.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal
from xml.etree.ElementTree import Element

import tinyhtml5
from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from engine.i18n import tr
from engine.render.checklist import fixed_zip_dates
from engine.render.view import Report

Main = Literal["zh", "en"]

A4 = (Cm(21.0), Cm(29.7))
MARGINS = {False: (Cm(2.54), Cm(3.18)), True: (Cm(2.54), Cm(2.54))}  # (top/bottom, left/right); landscape
LATIN = {"zh": ("Times New Roman", "Times New Roman"), "en": ("Times New Roman", "Arial")}  # (body, headings)
EAST_ASIAN = {"body": "SimSun", 1: "SimHei", 2: "KaiTi", 3: "SimSun", 4: "SimSun"}  # 宋体, 黑体, 楷体
GREY = "6B7280"
HEADER_FILL = "E8EEF6"
KEY_FILL = "F1F5F9"
# badge classes (report.css) -> (fill, text colour)
TAGS = {
    "tag-sensitive": ("B91C1C", "FFFFFF"),
    "status-gap": ("B91C1C", "FFFFFF"),
    "status-unknown": ("D97706", "FFFFFF"),
    "status-waived": ("6B7280", "FFFFFF"),
    "status-met": ("15803D", "FFFFFF"),
    "status-task": ("1F3A5F", "FFFFFF"),
    "band-critical": ("991B1B", "FFFFFF"),
    "band-high": ("EA580C", "FFFFFF"),
    "band-medium": ("FACC15", "111827"),
    "band-low": ("BBF7D0", "111827"),
    "late": ("991B1B", "FFFFFF"),
    "todo": ("FEF3C7", "92400E"),
    "sev-critical": (None, "7F1D1D"),
    "sev-high": (None, "B91C1C"),
    "sev-medium": (None, "B45309"),
    "sev-low": (None, "4B5563"),
}
ROW_FILLS = {"sensitive": "FDEEEE"}
BLOCKS = {
    "p",
    "div",
    "section",
    "nav",
    "figure",
    "figcaption",
    "table",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "svg",
}
SKIPPED = {"svg", "head", "style", "script"}
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# CT_Settings elements that come after w:updateFields (the schema's order; Word is strict about it)
AFTER_UPDATE_FIELDS = {
    qn(f"w:{n}")
    for n in (
        "hdrShapeDefaults",
        "footnotePr",
        "endnotePr",
        "compat",
        "docVars",
        "rsids",
        "attachedSchema",
        "themeFontLang",
        "clrSchemeMapping",
        "doNotIncludeSubdocsInStats",
        "doNotAutoCompressPictures",
        "forceUpgrade",
        "captions",
        "readModeInkLockDown",
        "smartTagType",
        "schemaLibrary",
        "shapeDefaults",
        "doNotEmbedSmartTags",
        "decimalSymbol",
        "listSeparator",
    )
} | {"{http://schemas.openxmlformats.org/officeDocument/2006/math}mathPr"}
SPACE = " \t\n\r\f"  # HTML's white space (Python's also counts U+001C-U+001F, which must stay visible)
HTML_SPACE = re.compile(f"[{SPACE}]+")
WIDTH = re.compile(r"width:\s*([\d.]+)%")


def inert(text: str) -> str:
    """Text XML 1.0 can hold: a forbidden character is shown by its code point instead."""
    return NOT_XML.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


@dataclass(frozen=True)
class Fmt:
    """Character formatting inherited down the HTML tree."""

    bold: bool = False
    grey: bool = False
    mono: bool = False
    small: bool = False
    fill: str | None = None
    colour: str | None = None
    pre: bool = False  # white-space: pre-line (narrative texts keep their line breaks)
    depth: int = 0  # list nesting
    badge: bool = False  # inside a badge (span.tag)


BREAK = object()  # a line break inside a paragraph


@dataclass
class Para:
    """A paragraph being collected: runs are written only when it turns out not to be empty."""

    style: str | None = None
    align: Any = None
    runs: list[tuple[Any, Fmt]] | None = None

    def add(self, text: Any, fmt: Fmt) -> None:
        self.runs = self.runs or []
        if text is BREAK:
            self.runs.append((BREAK, fmt))
            return
        if not fmt.pre:
            text = HTML_SPACE.sub(" ", text)
            if text.startswith(" ") and (not self.runs or self.runs[-1][0] is BREAK or self.runs[-1][0].endswith(" ")):
                text = text[1:]
        if text:
            self.runs.append((text, fmt))

    def trimmed(self) -> list[tuple[Any, Fmt]]:
        runs = list(self.runs or [])
        while runs and (runs[-1][0] is BREAK or not runs[-1][0].strip(SPACE)):
            runs.pop()
        while runs and runs[0][0] is BREAK:
            runs.pop(0)
        if runs and not runs[-1][1].pre:
            runs[-1] = (runs[-1][0].rstrip(SPACE), runs[-1][1])
        return runs


class Sink:
    """Where paragraphs and tables go: the document body or a table cell (whose first paragraph exists)."""

    def __init__(self, container: Document | _Cell) -> None:
        self.container = container
        self.fresh = isinstance(container, _Cell)

    def paragraph(self, style_id: str | None) -> Paragraph:
        """A paragraph in the style of that id (set directly: python-docx's setter scans every style each time)."""
        if self.fresh:
            self.fresh = False
            p = self.container.paragraphs[0]
        else:
            p = self.container.add_paragraph()
        if style_id is not None:
            p._p.style = style_id
        return p

    def table(self, rows: int, cols: int) -> Table:
        self.fresh = False
        return self.container.add_table(rows, cols)


def _tag(el: Element) -> str:
    """The local name (tinyhtml5 puts <svg> in the SVG namespace); "" for comments."""
    return el.tag.rpartition("}")[2] if isinstance(el.tag, str) else ""


def _classes(el: Element) -> set[str]:
    return set((el.get("class") or "").split())


class Writer:
    """Walks one HTML document into one python-docx Document."""

    def __init__(self, main: Main, landscape: bool) -> None:
        self.main = main
        self.doc = new_document()
        self.landscape = landscape
        self.break_next = False
        self.caption = ""  # of the figure being written
        self.styles: dict[str, str] = {}
        _styles(self.doc, main)
        self.text_width = _page(self.doc, landscape)

    def style(self, name: str | None) -> str | None:
        """The id of a style (looking a style up by name scans every style: slow for thousands of paragraphs)."""
        if name is None:
            return None
        if name not in self.styles:
            self.styles[name] = self.doc.styles[name].style_id
        return self.styles[name]

    # blocks

    def flow(self, el: Element, sink: Sink, para: Para, fmt: Fmt) -> None:
        """Mixed content of `el`: inline text collects into `para`; block children end it and go to `sink`."""
        self.inline_text(el.text, para, fmt)
        for child in el:
            tag = _tag(child)
            if tag in SKIPPED or "pdf-only" in _classes(child):  # e.g. the colour key of an SVG figure
                pass
            elif tag in BLOCKS:
                self.end(para, sink)
                self.block(child, sink, fmt)
                para.runs = None
            else:
                self.inline(child, sink, para, fmt)
            self.inline_text(child.tail, para, fmt)

    def end(self, para: Para, sink: Sink) -> None:
        runs = para.trimmed()
        if not runs:
            return
        p = sink.paragraph(self.style(para.style))
        if self.break_next:
            p.paragraph_format.page_break_before = True
            self.break_next = False
        if para.align is not None:
            p.alignment = para.align
        for text, fmt in runs:
            if text is BREAK:
                p.add_run().add_break()
                continue
            for i, line in enumerate(text.split("\n") if fmt.pre else [text]):
                if i:
                    p.add_run().add_break()
                if line:
                    _run(p, inert(line), fmt)
        para.runs = None

    def block(self, el: Element, sink: Sink, fmt: Fmt) -> None:
        tag, cls = _tag(el), _classes(el)
        if tag == "table":
            self.table(el, sink, fmt)
        elif tag == "figure":  # an SVG figure: its docx-only table, titled by the caption, stands in for it
            caption = next((c for c in el if _tag(c) == "figcaption"), None)
            self.caption = "".join(caption.itertext()).strip() if caption is not None else ""
            self.contained(el, sink, fmt, Para())
        elif tag == "nav" and "toc" in cls:
            self.toc(el, sink)
        elif tag in ("ul", "ol"):
            inner = replace(fmt, depth=fmt.depth + 1)
            for li in el:
                if _tag(li) == "li":
                    self.contained(li, sink, inner, Para(style="List Bullet" if inner.depth == 1 else "List Bullet 2"))
        elif tag == "dl":
            for child in el:
                if _tag(child) == "dt":
                    self.contained(child, sink, replace(fmt, bold=True), Para())
                elif _tag(child) == "dd":
                    self.contained(child, sink, fmt, Para(style="Definition"))
        else:
            if tag == "section" and "annex" in cls:
                self.break_next = True
            style = _heading(tag) or _paragraph_style(tag, cls)
            pre = "pre-line" in (el.get("style") or "")
            self.contained(
                el,
                sink,
                replace(
                    fmt, grey=fmt.grey or "muted" in cls, pre=fmt.pre or pre, small=fmt.small or tag == "figcaption"
                ),
                Para(style=style, align=WD_ALIGN_PARAGRAPH.CENTER if tag == "figcaption" else None),
            )
            if tag == "section" and "cover" in cls:
                self.break_next = True

    def contained(self, el: Element, sink: Sink, fmt: Fmt, para: Para) -> None:
        self.flow(el, sink, para, fmt)
        self.end(para, sink)

    # inline

    def inline_text(self, text: str | None, para: Para, fmt: Fmt) -> None:
        if text:
            para.add(text, fmt)

    def inline(self, el: Element, sink: Sink, para: Para, fmt: Fmt) -> None:
        tag, cls = _tag(el), _classes(el)
        if tag == "br":
            para.add(BREAK, fmt)
            return
        if "alt" in cls and fmt.badge:  # in a badge the English follows on the line (report.css `.tag .alt`)
            para.add(" / ", fmt)
        elif "alt" in cls:  # the English beneath the Chinese (display: block)
            para.add(BREAK, fmt)
            fmt = replace(fmt, grey=True)
        if tag in ("b", "strong"):
            fmt = replace(fmt, bold=True)
        if "code" in cls:
            fmt = replace(fmt, mono=True, small=True)
        if "muted" in cls:
            fmt = replace(fmt, grey=True)
        for c in cls:
            if c in TAGS:
                fill, colour = TAGS[c]
                fmt = replace(fmt, fill=fill, colour=colour, small=True, badge=True)
        self.flow(el, sink, para, fmt)

    # tables

    def table(self, el: Element, sink: Sink, fmt: Fmt) -> None:
        rows = list(_rows(el))
        if not rows:
            return
        cols = max(sum(int(c.get("colspan") or 1) for c in cells) for _, _, cells in rows)
        table = sink.table(len(rows), cols)
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = _widths(el, rows, cols, "kv" in _classes(el))
        width = self.text_width
        _fixed(table, width)
        for column, share in zip(table.columns, widths, strict=True):  # the grid: LibreOffice lays out by it
            column.width = Emu(int(width * share / 100))
        if "docx-only" in _classes(el) and self.caption:
            title = OxmlElement("w:tblCaption")
            title.set(qn("w:val"), inert(self.caption))
            table._tbl.tblPr.append(title)
        signature = "signature" in _classes(el)
        for r, (head, row_el, cells) in enumerate(rows):
            row = table.rows[r]
            trpr = row._tr.get_or_add_trPr()
            trpr.append(OxmlElement("w:cantSplit"))
            if head:
                trpr.append(OxmlElement("w:tblHeader"))
            elif signature:
                row.height = Pt(34)
            c = 0
            tcs = list(row._tr.tc_lst)  # table.cell() re-reads the whole grid on every call: quadratic
            for cell_el in cells:
                span = int(cell_el.get("colspan") or 1)
                tc = tcs[c]
                if span > 1:  # a colspan: one cell over the grid columns, the others removed
                    tc.grid_span = span
                    for extra in tcs[c + 1 : c + span]:
                        row._tr.remove(extra)
                cell = _Cell(tc, table)
                cell.width = Emu(int(width * sum(widths[c : c + span]) / 100))
                header = _tag(cell_el) == "th"
                cls = _classes(cell_el)
                fill = HEADER_FILL if head else KEY_FILL if header else None
                fill = next((ROW_FILLS[x] for x in _classes(row_el) if x in ROW_FILLS), fill)
                tag = next((TAGS[x] for x in cls if x in TAGS), None)
                fill = tag[0] if tag and tag[0] else fill
                if fill:
                    _shade(cell, fill)
                self.contained(
                    cell_el,
                    Sink(cell),
                    replace(fmt, bold=header, colour=tag[1] if tag else None),
                    Para(style="Table Text", align=WD_ALIGN_PARAGRAPH.RIGHT if "num" in cls else None),
                )
                c += span

    # table of contents

    def toc(self, el: Element, sink: Sink) -> None:
        """The heading, then a TOC field whose cached result is the HTML's list (Word fills in the pages)."""
        entries = []
        for child in el:
            if _tag(child).startswith("h"):
                self.contained(child, sink, Fmt(), Para(style="TOC Heading"))
            elif _tag(child) == "ul":
                entries = [li for li in child if _tag(li) == "li"]
        first = sink.paragraph(self.style("TOC 1"))
        _field_start(first, 'TOC \\o "1-3" \\h \\z \\u')
        last = first
        for i, li in enumerate(entries):
            level = 2 if "l2" in _classes(li) else 1
            para = Para()
            self.flow(li, sink, para, Fmt())
            target = first if i == 0 else sink.paragraph(None)
            target._p.style = self.style(f"TOC {level}")
            for text, fmt in para.trimmed():
                if text is BREAK:
                    target.add_run().add_break()
                else:
                    _run(target, inert(text), replace(fmt, grey=False))
            last = target
        _field_end(last)
        self.break_next = True


def _heading(tag: str) -> str | None:
    return f"Heading {tag[1]}" if re.fullmatch(r"h[1-4]", tag) else None


def _paragraph_style(tag: str, cls: set[str]) -> str | None:
    for name in ("cover-kicker", "cover-title", "cover-sub", "cover-note", "cover-edition"):
        if name in cls:
            return {"cover-title": "Title"}.get(name, "Cover")
    if tag == "p" and "body" in cls:
        return "Body Text"
    if tag == "figcaption":
        return "Caption"
    return None


def _rows(table: Element) -> Iterator[tuple[bool, Element, list[Element]]]:
    """(in thead, tr, cells) of a table in document order."""
    for part in table:
        tag = _tag(part)
        grouped = tag in ("thead", "tbody", "tfoot")
        rows = [part] if tag == "tr" else [x for x in part if _tag(x) == "tr"] if grouped else []
        for row in rows:
            yield tag == "thead", row, [c for c in row if _tag(c) in ("th", "td")]


def _widths(el: Element, rows: list[tuple[bool, Element, list[Element]]], cols: int, kv: bool) -> list[float]:
    """Column widths in percent from the first row's `width:NN%` (report.css: kv tables' keys 28 %); the rest
    share what is left, so every table is exactly as wide as the text."""
    given: list[float | None] = [None] * cols
    if kv:
        given[0] = 28.0
    c = 0
    for cell in rows[0][2]:
        span = int(cell.get("colspan") or 1)
        if span == 1 and (m := WIDTH.search(cell.get("style") or "")):
            given[c] = float(m.group(1))
        c += span
    known = sum(w for w in given if w is not None)
    free = [i for i, w in enumerate(given) if w is None]
    rest = max(100.0 - known, 5.0 * len(free)) / len(free) if free else 0.0
    out = [w if w is not None else rest for w in given]
    total = sum(out)
    return [w * 100 / total for w in out]


def _fixed(table: Table, width: int) -> None:
    tblpr = table._tbl.tblPr
    tblw = tblpr.find(qn("w:tblW"))
    if tblw is None:
        tblw = OxmlElement("w:tblW")
        tblpr.append(tblw)
    tblw.set(qn("w:w"), str(int(width / 635)))  # EMU -> twentieths of a point
    tblw.set(qn("w:type"), "dxa")


def _shade(cell: _Cell, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _run(p: Paragraph, text: str, fmt: Fmt) -> None:
    run = p.add_run(text)
    if fmt.bold:
        run.bold = True
    if fmt.mono:
        run.font.name = "Courier New"
    if fmt.small:
        run.font.size = Pt(8)
    colour = fmt.colour or (GREY if fmt.grey else None)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)
    if fmt.fill:
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), fmt.fill)
        run._r.get_or_add_rPr().append(shd)


def _fonts(rpr: Any, latin: str, east_asian: str) -> None:
    """Latin and East Asian fonts on a style's run properties; theme fonts removed (they would win)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for key in list(fonts.attrib):
        del fonts.attrib[key]
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:cs", latin), ("w:eastAsia", east_asian)):
        fonts.set(qn(attr), value)


def _styles(doc: Document, main: Main) -> None:
    """Normal, headings, body text, tables, cover and TOC styles: fonts (with w:eastAsia), sizes, spacing."""
    styles = doc.styles
    body, heads = LATIN[main]
    zh = main == "zh"
    normal = styles["Normal"]
    normal.font.size = Pt(10.5 if zh else 10)
    _fonts(normal.element.get_or_add_rPr(), body, EAST_ASIAN["body"])
    lang = normal.element.get_or_add_rPr().find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        normal.element.get_or_add_rPr().append(lang)
    lang.set(qn("w:val"), "en-US")  # the language of Latin-script runs: zh-CN there breaks English words anywhere
    lang.set(qn("w:eastAsia"), "zh-CN")
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None and (rpr := defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))) is not None:
        _fonts(rpr, body, EAST_ASIAN["body"])
    normal.paragraph_format.space_after = Pt(2)
    sizes = {1: 16, 2: 14 if zh else 13, 3: 14 if zh else 11.5, 4: 10.5}
    for level, size in sizes.items():
        style = styles[f"Heading {level}"]
        _fonts(style.element.get_or_add_rPr(), body if zh else heads, EAST_ASIAN[level])
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor.from_string("1F3A5F" if level == 2 else "111827")
        style.paragraph_format.space_before = Pt(14 if level < 3 else 8)
        style.paragraph_format.space_after = Pt(6 if level < 3 else 3)
        style.paragraph_format.keep_with_next = True
    if zh:  # level-1 headings in HeiTi with its own Latin letters (PDF: Noto Sans CJK SC)
        _fonts(styles["Heading 1"].element.get_or_add_rPr(), heads, EAST_ASIAN[1])
    text = _style(doc, "Body Text", "Normal")
    text.font.size = Pt(14 if zh else 11)
    if zh:
        text.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        text.paragraph_format.line_spacing = Pt(26)
        text.paragraph_format.first_line_indent = Pt(28)
        text.paragraph_format.space_after = Pt(0)
    else:
        text.paragraph_format.space_after = Pt(6)
        text.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    cell = _style(doc, "Table Text", "Normal")
    cell.font.size = Pt(9.5 if zh else 9)
    cell.paragraph_format.space_after = Pt(0)
    cover = _style(doc, "Cover", "Normal")
    cover.font.size = Pt(12)
    cover.font.color.rgb = RGBColor.from_string("1F3A5F")
    cover.paragraph_format.space_before = Pt(12)
    title = styles["Title"]
    _fonts(title.element.get_or_add_rPr(), heads, EAST_ASIAN[1])
    title.font.size = Pt(22)
    title.font.bold = True
    title.font.color.rgb = RGBColor.from_string("111827")
    definition = _style(doc, "Definition", "Normal")
    definition.paragraph_format.left_indent = Pt(16)
    toc_heading = _style(doc, "TOC Heading", "Normal")
    _fonts(toc_heading.element.get_or_add_rPr(), heads, EAST_ASIAN[1])
    toc_heading.font.size = Pt(16)
    toc_heading.font.bold = True
    for level in (1, 2):
        toc = _style(doc, f"TOC {level}", "Normal")
        toc.font.size = Pt((14 if zh else 11.5) if level == 1 else (12 if zh else 10.5))
        toc.paragraph_format.left_indent = Pt(0 if level == 1 else 24)
    caption = _style(doc, "Caption", "Normal")
    caption.font.color.rgb = RGBColor.from_string("4B5563")
    caption.font.italic = False


def _style(doc: Document, name: str, base: str) -> Any:
    try:
        return doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles[base]
        return style


def _page(doc: Document, landscape: bool) -> int:
    """A4 (landscape for the checklist) with the PDF's margins; returns the text width in EMU."""
    section = doc.sections[0]
    width, height = A4
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = width, height
    vertical, horizontal = MARGINS[landscape]
    section.top_margin = section.bottom_margin = vertical
    section.left_margin = section.right_margin = horizontal
    return int(width - 2 * horizontal)


def _field_start(p: Paragraph, instruction: str) -> None:
    for kind, text in (("begin", None), (None, instruction), ("separate", None)):
        run = p.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            if kind == "begin":
                char.set(qn("w:dirty"), "true")  # Word updates it when the document opens
            run._r.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {text} "
            run._r.append(instr)


def _field_end(p: Paragraph) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    p.add_run()._r.append(char)


def _simple_field(p: Paragraph, instruction: str, shown: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = shown
    run.append(text)
    field.append(run)
    p._p.append(field)


def _footer(doc: Document, main: Main, title: str, cover: bool) -> None:
    """Page n of N (PAGE and NUMPAGES fields) centred in the footer, the title in the header; none on a cover."""
    section = doc.sections[0]
    section.different_first_page_header_footer = cover
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    template = tr("docx.footer", main, page="\0PAGE\0", pages="\0NUMPAGES\0")
    for i, part in enumerate(template.split("\0")):
        if i % 2:
            _simple_field(p, part, "1")
        elif part:
            p.add_run(part)
    head = section.header.paragraphs[0]
    run = head.add_run(inert(title))
    run.font.size = Pt(8.5)
    run.font.color.rgb = RGBColor.from_string(GREY)


def html_to_docx(
    html: str, main: Main, *, title: str, author: str, created: datetime, landscape: bool = False
) -> bytes:
    """The DOCX of one rendered report (`main`: the report's main language, for fonts and the footer)."""
    root = tinyhtml5.parse(html, namespace_html_elements=False)
    body = root.find("body")
    if body is None:
        raise ValueError("a report without a body")
    writer = Writer(main, landscape)
    writer.contained(body, Sink(writer.doc), Fmt(), Para())
    running = next((el.get("data-running") or "" for el in body.iter() if el.get("data-running")), title)
    _footer(writer.doc, main, running, body.find("section[@class='cover']") is not None)
    _settings(writer.doc)
    props = writer.doc.core_properties
    props.title, props.author, props.last_modified_by = inert(title), inert(author), inert(author)
    props.created = props.modified = created.replace(tzinfo=None)
    props.revision, props.comments, props.keywords = 1, "", ""
    props.language = "zh-CN" if main == "zh" else "en-US"
    out = io.BytesIO()
    writer.doc.save(out)
    return fixed_zip_dates(out.getvalue(), created)  # python-docx stamps zip entries with the current time


def report_docx(report: Report, html: str, landscape: bool = False) -> bytes:
    """One rendered report template as DOCX: dated like its PDF (the as-of date when reproducible)."""
    w = report.words
    return html_to_docx(
        html,
        "en" if w.main == "en" else "zh",
        title=w.plain(report.title),
        author=report.doc.assessment.assessor,
        created=report.created,
        landscape=landscape,
    )


def _settings(doc: Document) -> None:
    """Ask Word to update fields (the TOC's page numbers) when the document opens."""
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    later = next((el for el in settings if el.tag in AFTER_UPDATE_FIELDS), None)
    if later is None:
        settings.append(update)
    else:
        later.addprevious(update)
