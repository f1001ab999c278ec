"""Reading WeasyPrint's layout tree: boxes that leave the page's content area or their table cell, and lines.

`document = HTML(...).render()` keeps every page's box tree (`page._page_box`); positions and sizes are
in CSS px. Lines and inline boxes without text or an inline-block (the empty remainder of an inline split
across pages) are skipped: they draw nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.formatting_structure import boxes

from engine.render.pdf import PackagedOnly, render_html
from engine.render.view import Report
from engine.resources import data_dir

TOLERANCE = 1.0  # px (0.26 mm): rounding in WeasyPrint's own arithmetic; a container was seen ending 0.9 px low


@dataclass(frozen=True)
class Overflow:
    page: int
    where: str  # "page" or "cell"
    by: float  # px beyond the edge
    box: str

    def __str__(self) -> str:
        return f"page {self.page}: {self.box} overflows its {self.where} by {self.by:.1f}px"


def render(report: Report, template: str) -> Document:
    base = (data_dir("templates") / "report").resolve().as_uri() + "/"
    return HTML(string=render_html(template, report), base_url=base, url_fetcher=PackagedOnly()).render()


def _walk(box: boxes.Box, cell: boxes.TableCellBox | None = None) -> Iterator[tuple[boxes.Box, boxes.Box | None]]:
    yield box, cell
    inner = box if isinstance(box, boxes.TableCellBox) else cell
    for child in getattr(box, "children", []):
        yield from _walk(child, inner)


def _drawn(box: boxes.Box) -> bool:
    if box.width is None or box.position_x is None:
        return False
    if isinstance(box, boxes.InlineBox | boxes.LineBox):
        return any(
            (isinstance(b, boxes.TextBox) and b.text.strip()) or isinstance(b, boxes.AtomicInlineLevelBox)
            for b, _ in _walk(box)
        )
    return True


def _name(box: boxes.Box) -> str:
    text = box.text if isinstance(box, boxes.TextBox) else ""
    return f"{type(box).__name__} <{box.element_tag}> {text[:40]!r}"


def overflows(document: Document) -> list[Overflow]:
    """Every box outside its page's content area, and every box inside a table cell that leaves the cell."""
    found: list[Overflow] = []
    for number, page in enumerate(document.pages, start=1):
        pb = page._page_box
        left, top = pb.content_box_x(), pb.content_box_y()
        right, bottom = left + pb.width, top + pb.height
        for child in pb.children:
            if isinstance(child, boxes.MarginBox):
                continue
            for box, cell in _walk(child):
                if not _drawn(box):
                    continue
                x, y = box.border_box_x(), box.border_box_y()
                x2, y2 = x + box.border_width(), y + box.border_height()
                beyond = max(left - x, x2 - right)
                if not isinstance(box, boxes.TextBox | boxes.InlineBox):  # glyph boxes may exceed their line's
                    beyond = max(beyond, top - y, y2 - bottom)  # height (small line-height): lines are checked
                if beyond > TOLERANCE:
                    found.append(Overflow(number, "page", beyond, _name(box)))
                elif cell is not None and box is not cell:
                    cx = cell.border_box_x()
                    out = max(cx - x, x2 - (cx + cell.border_width()))
                    if out > TOLERANCE:
                        found.append(Overflow(number, "cell", out, _name(box)))
    return found


def lines(document: Document) -> Iterator[tuple[int, str]]:
    """(page number, text) of every line box of the page content."""
    for number, page in enumerate(document.pages, start=1):
        for child in page._page_box.children:
            if isinstance(child, boxes.MarginBox):
                continue
            for box, _ in _walk(child):
                if isinstance(box, boxes.LineBox):
                    yield number, "".join(b.text for b, _ in _walk(box) if isinstance(b, boxes.TextBox))


def header_lines(document: Document) -> Iterator[tuple[int, int]]:
    """(page number, line count) of every running header (the top margin boxes)."""
    for number, page in enumerate(document.pages, start=1):
        for child in page._page_box.children:
            if isinstance(child, boxes.MarginBox) and child.at_keyword.startswith("@top"):
                count = sum(1 for b, _ in _walk(child) if isinstance(b, boxes.LineBox))
                yield number, count
