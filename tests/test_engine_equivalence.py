"""The per-assessment fast paths give exactly what the plain definitions give (issue 14 §2, batch cost).

Each shortcut is compared with the definition it replaces, over the example assessments and generated
ones (benchmarks' generators): one-walk traces against evaluating and explaining every subtree again,
the YAML loader's text fast path against PyYAML's constructor, and per-process caches (citations,
derived-fact traces) against a run in another order. Not timed: speed is in benchmarks/engine.py.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from benchmarks.batch import generate as generate_folders
from benchmarks.engine import generate as generate_contexts
from engine import usecases
from engine.assess import compiled, threshold_exempt
from engine.condition import All, Always, Any_, Cmp, Has, Node, Not, evaluate, explained
from engine.facts import Context, build_contexts
from engine.finding import TraceEntry
from engine.taxonomy import taxonomy
from engine.yamlsafe import _Loader, loads
from tests.conftest import EXAMPLES

NAMES = sorted(p.name for p in EXAMPLES.iterdir() if (p / "assessment.yaml").is_file())


def spec_explain(node: Node, facts: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """The definition: the comparisons of the children that agree with the outcome, first mention kept."""
    result = evaluate(node, facts)
    if isinstance(node, Cmp | Has):
        return [(node.fact, facts.get(node.fact), node.text())]
    if isinstance(node, Not):
        return spec_explain(node.child, facts)
    if isinstance(node, Always):
        return []
    assert isinstance(node, All | Any_)
    out = [item for child in node.children if evaluate(child, facts) is result for item in spec_explain(child, facts)]
    return list({(fact, test): (fact, value, test) for fact, value, test in reversed(out)}.values())[::-1]


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    generated = generate_folders(tmp_path_factory.mktemp("generated"), 24)
    return [EXAMPLES / name for name in NAMES] + generated


def test_one_walk_traces_equal_the_definition() -> None:
    """Every condition of the rulebooks over generated contexts (derived facts filled by the engine)."""
    engine = compiled()
    books = engine.books
    checked = 0
    for seed in range(60):
        contexts = generate_contexts(books, seed)
        engine.run(contexts)
        for ctx in contexts:
            for (rule_id, _), node in books.conditions.items():
                owner = books.obligations.get(rule_id) or books.decisions.get(rule_id) or books.derived.get(rule_id)
                if owner is not None and owner.scope == ctx.scope:
                    assert explained(node, ctx.facts) == (evaluate(node, ctx.facts), spec_explain(node, ctx.facts))
                    checked += 1
    assert checked > 10_000


def test_yaml_text_fast_path_equals_pyyaml_constructor(folders: list[Path]) -> None:
    tricky = (
        "a: !!str 12\nb: '010'\nc: 010\nd: 2026-01-02\nd2: 2026-01-02 10:00:00\n"
        "e: null\nf: no\ng: [x, 'y', {h: 1.5}]\n'i': \"\\u00e9\"\n"
    )
    texts = [tricky] + [path.read_text("utf-8") for f in folders for path in sorted(f.glob("*.yaml"))]
    for text in texts:
        expected = yaml.load(text, Loader=_Loader)  # hegui's safe loader, PyYAML's own constructor
        assert loads(text, "x.yaml").data == _dates_as_text(expected)


def _dates_as_text(value: Any) -> Any:
    """hegui keeps date-times as ISO text (yamlsafe._construct); PyYAML builds datetime objects."""
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    return value.isoformat() if isinstance(value, datetime) else value


def test_findings_do_not_depend_on_what_the_process_assessed_before(folders: list[Path]) -> None:
    """Caches shared across assessments (citations, traces) leave each findings.json byte-identical
    whichever assessments ran before it in the same process."""

    def findings(folder: Path) -> bytes:
        assessed = usecases.assess(usecases.load(folder))
        return usecases.render(assessed, ["json"], assessed.doc.assessment.language)["findings.json"]

    forward = {f: findings(f) for f in folders}
    backward = {f: findings(f) for f in reversed(folders)}
    assert forward == backward
    assert len(set(forward.values())) == len(folders)


def spec_trace(node: Node, ctx: Context) -> list[TraceEntry]:
    """The definition of a trace: each deciding comparison, and for a derived fact why it holds."""
    books = compiled().books
    return [
        TraceEntry(
            fact=fact,
            value=value,
            test=test,
            because=spec_trace(books.cond(fact, "when"), ctx) if fact in books.derived else [],
        )
        for fact, value, test in spec_explain(node, ctx.facts)
    ]


def test_finding_traces_equal_the_definition(folders: list[Path]) -> None:
    """Traces built in one walk, with each derived fact's trace built once per context, equal the
    definition for every finding of every assessment."""
    engine = compiled()
    books = engine.books
    checked = 0
    for folder in folders:
        loaded = usecases.load(folder)
        doc = usecases.assess(loaded).doc
        day = loaded.assessment.assessment.as_of
        contexts = build_contexts(loaded.assessment, loaded.datasets, taxonomy(), threshold_exempt(engine, loaded, day))
        engine.run(contexts, day)
        by_subject = {(c.scope, c.id): c for c in contexts}
        for f in doc.findings:
            ctx = by_subject[(f.scope, f.subject or "org")]
            applies = [
                e
                for e in spec_trace(books.cond(f.obligation, "applies"), ctx)
                if not (e.fact in books.gates and e.value is True)
            ]
            met = (
                spec_trace(books.cond(f.obligation, "met"), ctx)
                if evaluate(books.cond(f.obligation, "applies"), ctx.facts)
                else []
            )
            assert (f.trace.applies, f.trace.met) == (applies, met), f.id
            checked += 1
    assert checked > 1000


def test_threads_sharing_the_engine_get_their_own_findings(folders: list[Path]) -> None:
    """Every run reuses the rulesets' sessions; runs from several threads at once must not mix their facts."""

    def findings(folder: Path) -> bytes:
        assessed = usecases.assess(usecases.load(folder))
        return usecases.render(assessed, ["json"], assessed.doc.assessment.language)["findings.json"]

    alone = {folder: findings(folder) for folder in folders}
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda folder: (folder, findings(folder)), folders * 2))
    assert len({alone[f] for f in folders}) > 1  # distinct assessments, so a mix-up would show
    assert all(alone[folder] == data for folder, data in together)
