"""The data-flow diagram's geometry, bidi controls in user text, and names (not ids) where readers look."""

from __future__ import annotations

import itertools
import re
from functools import cache

import pytest
from markupsafe import Markup

from engine.assess import assess
from engine.inputs import load_assessment
from engine.render.diagram import BOX_W, PAD, PAGE_HEIGHT, FlowBuilder, _em, wrap
from engine.render.pdf import environment, render_html
from engine.render.view import Report, build
from engine.render.words import neutral
from tests.conftest import EXAMPLES

NAMES = sorted(p.name for p in EXAMPLES.iterdir() if (p / "assessment.yaml").is_file())


@cache
def _report(name: str, lang: str = "zh") -> Report:
    loaded = load_assessment(EXAMPLES / name)
    return build(assess(loaded), loaded, lang, reproducible=True)


@pytest.mark.parametrize("name", NAMES)
def test_diagram_draws_only_named_recipients(name: str) -> None:
    report = _report(name)
    (flow,) = report.flow  # the examples' flows fit one page
    recipients = [n for n in flow.nodes if n.column == 2]
    assert {n.key for n in recipients} == {f"t:{t.id}" for t in report.loaded.assessment.transfers}
    notes = {n.key: " ".join(n.sub) for n in flow.nodes}
    for act in report.loaded.assessment.activities:
        if act.entrusted_processing:
            assert report.words.say("flag.entrusted_processing") in notes[f"a:{act.id}"]


@pytest.mark.parametrize("name", NAMES)
def test_diagram_labels_are_whole_and_fit_their_boxes(name: str) -> None:
    report = _report(name, "bilingual")
    (flow,) = report.flow
    titles = {n.key: "".join(n.title).replace(" ", "") for n in flow.nodes}
    for act in report.loaded.assessment.activities:
        assert titles[f"a:{act.id}"] == report.words.plain(report.subject(act.id)).replace(" ", "")
    for t in report.loaded.assessment.transfers:
        assert titles[f"t:{t.id}"] == t.recipient.replace(" ", "")
    for n in flow.nodes:
        assert not any("…" in line for line in n.title + n.sub)


def test_a_flow_taller_than_a_page_is_drawn_in_parts_that_fit() -> None:
    """200 activities (issue 11 §8): one SVG 10 pages tall was cut at the page's end; parts each fit a page and
    together draw every box and line, a shared system or recipient in each part that leads to it."""
    flow = FlowBuilder()
    shared = flow.node("s:crm", 1, "CRM", ["存储于 CN"])
    abroad = flow.node("t:hk", 2, "Parent Ltd.", ["境外 · HK"], "overseas")
    flow.link(shared, abroad, overseas=True)
    for i in range(200):
        act = flow.node(f"a:{i}", 0, f"处理活动 {i}", ["客户"])
        flow.link(act, shared if i % 2 else flow.node(f"s:{i}", 1, f"系统 {i}", ["存储于 CN"]))
    whole = flow.build()
    parts = flow.build_parts()
    assert whole.height > 10 * PAGE_HEIGHT and len(parts) > 10
    assert all(p.height <= PAGE_HEIGHT for p in parts)
    assert {n.key for p in parts for n in p.nodes} == {n.key for n in whole.nodes}
    drawn = {(e.source.key, e.target.key) for p in parts for e in p.edges}
    assert drawn == {(e.source.key, e.target.key) for e in whole.edges}
    for p in parts:  # boxes of a part do not overlap: each was laid out on its own copy
        for col in range(3):
            boxes = sorted((n.y, n.y + n.height) for n in p.nodes if n.column == col)
            assert all(a[1] <= b[0] for a, b in itertools.pairwise(boxes))


def test_a_flow_that_fits_is_one_part_as_before() -> None:
    flow = FlowBuilder()
    flow.link(flow.node("a", 0, "活动", ["客户"]), flow.node("s", 1, "系统", ["存储于 CN"]))
    (part,) = flow.build_parts()
    whole = flow.build()
    assert [(n.key, n.x, n.y) for n in part.nodes] == [(n.key, n.x, n.y) for n in whole.nodes]
    assert [e.path for e in part.edges] == [e.path for e in whole.edges]


def test_lines_never_pass_behind_a_box() -> None:
    flow = FlowBuilder()
    a = flow.node("a", 0, "活动 A", ["客户"])
    b = flow.node("b", 0, "活动 B " * 12, ["客户"])
    s = flow.node("s", 1, "系统", ["存储于 CN"])
    t = flow.node("t", 2, "Recipient Ltd.", ["境外 · HK"], "overseas")
    flow.link(a, s)
    flow.link(b, t, overseas=True)  # skips the systems column
    d = flow.build()
    nodes = {n.key: n for n in d.nodes}
    for edge in d.edges:
        points = [(float(x), float(y)) for x, y in re.findall(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)", edge.path)]
        hv = re.findall(r"([HV])(-?\d+)", edge.path)
        x, y = points[0]
        for axis, value in hv:  # the lane route: every segment stays off every box
            nx, ny = (float(value), y) if axis == "H" else (x, float(value))
            for n in nodes.values():
                if n.key in ("b", "t"):
                    continue
                inside_x = min(x, nx) < n.x + BOX_W and max(x, nx) > n.x
                inside_y = min(y, ny) < n.y + n.height and max(y, ny) > n.y
                assert not (inside_x and inside_y), (edge.path, n.key)
            x, y = nx, ny
    skipping = [e for e in d.edges if "H" in e.path]
    assert len(skipping) == 1
    lane = re.search(r"V(\d+)", skipping[0].path)
    assert lane is not None and int(lane.group(1)) > max(n.y + n.height for n in nodes.values())


def test_wrap_keeps_every_character_and_each_line_fits() -> None:
    text = "Pengcheng Select Holdings Ltd. (Hong Kong parent company) 鹏城优选控股有限公司" + "X" * 80
    lines = wrap(text, 9)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(_em(line) * 9 <= BOX_W - 2 * PAD for line in lines)


def test_bidi_controls_are_shown_not_obeyed() -> None:
    assert neutral("abc\u202eexe.txt") == "abc[U+202E]exe.txt"
    assert neutral("\u2066x\u2069\u200f") == "[U+2066]x[U+2069][U+200F]"
    marked = neutral(Markup("<b>\u202e</b>"))
    assert isinstance(marked, Markup) and str(marked) == "<b>[U+202E]</b>"
    assert neutral(3) == 3
    html = environment().from_string("<p>{{ v }}</p>").render(v="a\u202eb<")
    assert html == "<p>a[U+202E]b&lt;</p>"


def test_pipia_triggers_are_named_not_ids() -> None:
    report = _report("shenzhen-ecommerce")
    html = render_html("report/pipia.html", report)
    para = re.search(r"触发的对象为：([^<]*)", html)
    assert para is not None
    for key in report.doc.pipia_required.subjects:
        assert report.words.plain(report.subject(key)) in para.group(1)
        assert key not in para.group(1)
