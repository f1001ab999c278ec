"""Layout of the data-flow diagram: activities → systems → recipients, as boxes and lines.

Only geometry is computed here; templates/report/macros.html draws it as inline SVG so that every
label goes through Jinja's autoescaping. SVG text does not wrap, so labels are broken into lines here
(from an estimate of glyph widths, on the safe side) and boxes grow to hold them: nothing is cut.
Lines never cross a box: neighbouring columns are joined through the gap between them, and a line that
skips the middle column runs along its own lane below every box.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace

WIDTH = 560
BOX_W = 150
PAD = 6
GAP = 12
TOP = 34
LANE = 7  # vertical distance between the lanes of lines that skip a column
# The tallest diagram one A4 page holds with its caption and legend: the PIPIA's content area is 146 mm wide
# (WIDTH units) and 246 mm high, about 940 units; a taller flow is drawn in parts (FlowBuilder.build_parts).
PAGE_HEIGHT = 800
COLUMNS_X = (0, (WIDTH - BOX_W) // 2, WIDTH - BOX_W)
TITLE_SIZE = 9.0
SUB_SIZE = 7.5
TITLE_LEAD = 11
SUB_LEAD = 9.5


def em(ch: str) -> float:
    """Estimated advance of one character in em (CJK sans; Latin from its wider bold glyphs)."""
    if unicodedata.east_asian_width(ch) in "WF":
        return 1.0
    if ch in " .,:;'!|iIl()[]/·-":
        return 0.34
    return 0.72 if ch.isupper() or ch in "mwMW@%" else 0.6


def wrap(text: str, size: float, width: float = BOX_W - 2 * PAD) -> list[str]:
    """Lines of `text` no wider than `width` at font `size`: break between words (and between hanzi) when
    a word fits on a line, anywhere inside a word that does not."""
    limit = width / size
    lines: list[str] = []
    line = ""
    for word in _words(text):
        if _em(line + word) <= limit:
            line += word
            continue
        if line.strip() and _em(word.lstrip()) <= limit:
            lines.append(line.rstrip())
            line = word.lstrip()
            continue
        for ch in word if line.strip() else word.lstrip():
            if line and _em(line + ch) > limit:
                lines.append(line.rstrip())
                line = "" if ch == " " else ch
            else:
                line += ch
    return [*lines, line.rstrip()] if line.strip() or not lines else lines


def _em(text: str) -> float:
    return sum(em(c) for c in text)


def _words(text: str) -> list[str]:
    """Latin words with their leading space; every wide character is a word of its own."""
    out: list[str] = []
    for ch in text:
        wide = unicodedata.east_asian_width(ch) in "WF"
        if not out or wide or ch == " " or unicodedata.east_asian_width(out[-1][-1]) in "WF":
            out.append(ch)
        else:
            out[-1] += ch
    return out


@dataclass
class Node:
    key: str
    column: int
    title: list[str]
    sub: list[str]
    kind: str = "internal"  # internal | domestic | overseas
    label: str = ""  # the title and notes unwrapped: the DOCX shows the flows as a table (macros.html flow_svg)
    notes: tuple[str, ...] = ()
    x: int = 0
    y: int = 0

    @property
    def height(self) -> int:
        return int(PAD + len(self.title) * TITLE_LEAD + len(self.sub) * SUB_LEAD + PAD)

    def title_y(self, i: int) -> float:
        return self.y + PAD + TITLE_SIZE + i * TITLE_LEAD

    def sub_y(self, i: int) -> float:
        return self.y + PAD + len(self.title) * TITLE_LEAD + SUB_SIZE + 1 + i * SUB_LEAD


@dataclass(frozen=True)
class Edge:
    path: str
    overseas: bool
    source: Node
    target: Node


@dataclass
class Diagram:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    height: int = 0

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def headings_x(self) -> list[int]:
        return [x + BOX_W // 2 for x in COLUMNS_X]

    @property
    def box_width(self) -> int:
        return BOX_W


class FlowBuilder:
    """Collects nodes (deduplicated by key) and links, then lays them out column by column."""

    def __init__(self) -> None:
        self._nodes: dict[str, Node] = {}
        self._links: list[tuple[str, str, bool]] = []

    def node(self, key: str, column: int, title: str, sub: list[str], kind: str = "internal") -> str:
        if key not in self._nodes:
            lines = [line for s in sub for line in wrap(s, SUB_SIZE)]
            self._nodes[key] = Node(key, column, wrap(title, TITLE_SIZE), lines, kind, title, tuple(sub))
        return key

    def link(self, source: str, target: str, overseas: bool = False) -> None:
        if (source, target, overseas) not in self._links:
            self._links.append((source, target, overseas))

    def build(self) -> Diagram:
        return _layout(list(self._nodes.values()), self._links)

    def build_parts(self, max_height: int = PAGE_HEIGHT) -> list[Diagram]:
        """The diagram, or when it is taller than a page, parts that each fit one: the sources (activities,
        and systems or the organisation that no activity leads to) taken in order, each with every box and
        line that follows from it, so a system or recipient shared by sources of two parts is in both. A
        single source whose flows alone are taller than a page still makes a part of its own."""
        whole = self.build()
        if whole.height <= max_height:
            return [whole]
        targets = {t for _, t, _ in self._links}
        roots = [k for k, n in self._nodes.items() if n.column == 0 or (n.column == 1 and k not in targets)]
        parts: list[list[str]] = []
        for root in roots:
            if parts and self._part([*parts[-1], root]).height <= max_height:
                parts[-1].append(root)
            else:
                parts.append([root])
        return [self._part(p) for p in parts]

    def _part(self, roots: list[str]) -> Diagram:
        """The roots, what their lines reach (two columns on at most), and those lines, laid out afresh on
        copies of the boxes (a box shared with another part keeps that part's position)."""
        keys = dict.fromkeys(roots)
        for _ in range(2):
            keys.update(dict.fromkeys(t for s, t, _ in self._links if s in keys))
        nodes = {k: replace(self._nodes[k]) for k in self._nodes if k in keys}
        links = [(s, t, o) for s, t, o in self._links if s in nodes and t in nodes]
        return _layout(list(nodes.values()), links, nodes)


def _layout(nodes: list[Node], links: list[tuple[str, str, bool]], by_key: dict[str, Node] | None = None) -> Diagram:
    """Boxes stacked in their columns, centred on the tallest, and the lines between them."""
    by_key = by_key if by_key is not None else {n.key: n for n in nodes}
    columns = [[n for n in nodes if n.column == c] for c in range(3)]
    heights = [sum(n.height for n in c) + GAP * max(len(c) - 1, 0) for c in columns]
    tallest = max(heights, default=0)
    for c, column in enumerate(columns):
        y = TOP + (tallest - heights[c]) // 2
        for n in column:
            n.x, n.y = COLUMNS_X[c], y
            y += n.height + GAP
    bottom = TOP + tallest
    edges = []
    lanes = 0
    for source, target, overseas in links:
        a, b = by_key[source], by_key[target]
        x1, y1 = a.x + BOX_W, a.y + a.height // 2
        x2, y2 = b.x, b.y + b.height // 2
        if b.column - a.column == 1:
            mid = (x1 + x2) // 2
            path = f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2 - 6},{y2}"
        else:  # around the middle column, on a lane of its own below every box
            lanes += 1
            lane = bottom + lanes * LANE
            g1 = (x1 + COLUMNS_X[a.column + 1]) // 2 - lanes
            g2 = (COLUMNS_X[b.column - 1] + BOX_W + x2) // 2 + lanes
            path = f"M{x1},{y1} H{g1} V{lane} H{g2} V{y2} H{x2 - 6}"
        edges.append(Edge(path, overseas, a, b))
    return Diagram(nodes, edges, bottom + lanes * LANE + GAP)
