"""Run the fixtures that sit beside every rule, with the real engine (one generic runner).

Used by `hegui rulebooks test` and by tests/test_rulebook_fixtures.py (one pytest case per fixture).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from engine.assess import Evaluator, compiled
from engine.facts import Context
from engine.obligation import Fixture
from engine.questions import question_bank
from engine.rulebook import fixture_defaults, holds_on


@dataclass(frozen=True)
class Case:
    rule: str
    kind: str  # obligation | derived | decision
    fixture: Fixture
    file: str

    @property
    def id(self) -> str:
        return f"{self.rule}::{self.fixture.name}"


def cases() -> Iterator[Case]:
    books = compiled().books
    groups = (("obligation", books.obligations), ("derived", books.derived), ("decision", books.decisions))
    for kind, items in groups:
        for rule_id in sorted(items):
            for fx in items[rule_id].fixtures:
                yield Case(rule_id, kind, fx, books.origin[rule_id][0])


def run_case(case: Case) -> str:
    """The outcome the engine gives for the fixture, in the fixture's `expect` vocabulary."""
    engine = compiled()
    books = engine.books
    day = case.fixture.as_of or date.today()
    scope = {
        "obligation": lambda: books.obligations[case.rule].scope,
        "derived": lambda: books.derived[case.rule].scope,
        "decision": lambda: books.decisions[case.rule].scope,
    }[case.kind]()
    defaults = {k: v for k, v in fixture_defaults().items() if k.startswith(("org.", f"{scope}."))}
    defaults.update(question_bank().unclaimed("org"))
    defaults.update(question_bank().unclaimed(scope))
    ctx = Context(scope, "fixture", {**defaults, **case.fixture.facts})
    contexts = [ctx]
    if scope != "org":  # organisation-level derived facts are computed in the organisation context
        contexts.append(Context("org", "org", {k: v for k, v in ctx.facts.items() if k.startswith("org.")}))
    fired = engine.run(contexts, day)
    evaluator = Evaluator(books, fired, day)
    if case.kind == "derived":
        value = ctx.facts.get(case.rule)
        return "unknown" if value is None else str(value).lower()
    if case.kind == "decision":
        return evaluator.decide(case.rule, ctx).value
    ob = books.obligations[case.rule]
    if not holds_on(ob, day):
        return "not_applicable"
    finding = evaluator.finding(ob, ctx)
    return "not_applicable" if finding is None else finding.status
