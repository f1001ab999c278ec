"""Layout of the data-flow diagram: activities → systems → recipients, as boxes and curves.

Only geometry is computed here; templates/report/macros.html draws it as inline SVG so that every
label goes through Jinja's autoescaping.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

WIDTH = 560
BOX_W = 150
BOX_H = 38
GAP = 12
TOP = 34
COLUMNS_X = (0, (WIDTH - BOX_W) // 2, WIDTH - BOX_W)
LINE_UNITS = 24  # one box line holds about 24 Latin characters, 12 hanzi


@dataclass
class Node:
    key: str
    column: int
    title: str
    sub: str
    kind: str = "internal"  # internal | domestic | overseas
    x: int = 0
    y: int = 0


@dataclass(frozen=True)
class Edge:
    path: str
    overseas: bool


@dataclass
class Diagram:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    height: int = 0

    @property
    def width(self) -> int:
        return WIDTH


def fit(text: str, units: int = LINE_UNITS) -> str:
    """Cut a label to the box width (wide characters count double), with an ellipsis."""
    used = 0
    for i, ch in enumerate(text):
        used += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used > units:
            return text[: max(i - 1, 1)] + "…"
    return text


class FlowBuilder:
    """Collects nodes (deduplicated by key) and links, then lays them out column by column."""

    def __init__(self) -> None:
        self._nodes: dict[str, Node] = {}
        self._links: list[tuple[str, str, bool]] = []

    def node(self, key: str, column: int, title: str, sub: str, kind: str = "internal") -> str:
        if key not in self._nodes:
            self._nodes[key] = Node(key, column, fit(title), fit(sub), kind)
        return key

    def link(self, source: str, target: str, overseas: bool = False) -> None:
        if (source, target, overseas) not in self._links:
            self._links.append((source, target, overseas))

    def build(self) -> Diagram:
        columns: list[list[Node]] = [[n for n in self._nodes.values() if n.column == c] for c in range(3)]
        tallest = max((len(c) for c in columns), default=0)
        height = TOP + tallest * (BOX_H + GAP)
        for c, nodes in enumerate(columns):
            offset = TOP + (tallest - len(nodes)) * (BOX_H + GAP) // 2
            for i, n in enumerate(nodes):
                n.x, n.y = COLUMNS_X[c], offset + i * (BOX_H + GAP)
        edges = []
        for source, target, overseas in self._links:
            a, b = self._nodes[source], self._nodes[target]
            x1, y1 = a.x + BOX_W, a.y + BOX_H // 2
            x2, y2 = b.x, b.y + BOX_H // 2
            mid = (x1 + x2) // 2
            edges.append(Edge(f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2 - 6},{y2}", overseas))
        return Diagram(list(self._nodes.values()), edges, height)
