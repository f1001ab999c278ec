"""Compile rulebooks into durable-rules rulesets and run them (no hand-written Python per rule).

Every condition becomes rules that fire only when it is definitely true or definitely false (an
obligation: one rule per status); when none fires, a fact it needs is unknown. Derived facts are
evaluated in strata (a derived fact only uses inputs and earlier strata), each stratum's results are
added to the contexts, then obligations and decisions run in the last stratum.

durable-rules limits (see docs/architecture.md): at most 64 alpha branches per fact per ruleset, so
rules are packed into small rulesets. Each ruleset keeps one session that every run reuses: a run
asserts its facts, takes the firings and retracts the facts again. Creating a session (durable-rules
zeroes its state tables) cost more than all the matching of a run, and deleting one that never fired
crashes durable-rules, which a reused session never meets.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import durable_rules_engine as dre

from engine.condition import All, Any_, Node, facts_used, key, length_key, negate, to_durable
from engine.facts import Context
from engine.rulebook import Rulebooks, holds_on

# durable-rules fails (error 303) when one fact matches more than 64 alpha branches in a ruleset; rules are
# packed into rulesets so that the distinct tests of each (an upper bound of those branches) stay below this.
ALPHA_BUDGET = 56


class EngineError(RuntimeError):
    """durable-rules reported an error: surfaced, never swallowed."""


@dataclass(frozen=True)
class Rule:
    """One durable-rules rule, standing for every name whose condition it decides (see `_merged`)."""

    names: tuple[str, ...]  # "<rule id>|<which>|<T or F>", or "<obligation>|status|<status>"
    scope: str
    node: Node


def rules_for(books: Rulebooks) -> list[list[Rule]]:
    """Rules grouped by stratum: derived facts by dependency level, then obligations and decisions."""
    strata: list[list[Rule]] = []
    for level in books.derived_order():
        strata.append(_merged(_both(((fid, "when", books.derived[fid].scope) for fid in level), books)))
    final: list[tuple[str, str, Node]] = []
    for oid in sorted(books.obligations):
        final += _status_rules(oid, books)
    for did in sorted(books.decisions):
        final += _both(((did, f"outcome{i}", "transfer") for i in range(len(books.decisions[did].outcomes))), books)
    strata.append(_merged(final))
    return strata


def _merged(rules: Iterable[tuple[str, str, Node]]) -> list[Rule]:
    """Fewer firings, same answers: a disjunction holds when one of its parts holds, so it becomes one
    rule per part (a condition is not applicable as soon as one conjunct of `applies` is false), and
    equal (scope, condition) pairs become one rule that reports every name it stands for. Obligations
    share many conjuncts (`org.ciio`, `org.shenzhen`, ...), so one firing settles many of them."""
    groups: dict[tuple[str, Node], dict[str, None]] = {}
    for name, scope, node in rules:
        for part in node.children if isinstance(node, Any_) else (node,):
            groups.setdefault((scope, part), {})[name] = None
    return [Rule(tuple(names), scope, node) for (scope, node), names in groups.items()]


STATUSES = ("met", "gap", "not_applicable")


def _status_rules(oid: str, books: Rulebooks) -> Iterator[tuple[str, str, Node]]:
    """One rule per outcome, so each known obligation fires once: applies∧met, applies∧¬met, ¬applies.
    None firing means unknown (Kleene: an unknown `applies`, or a known one with an unknown `met`)."""
    scope = books.obligations[oid].scope
    applies, met = books.cond(oid, "applies"), books.cond(oid, "met")
    yield f"{oid}|status|met", scope, All((applies, met))
    yield f"{oid}|status|gap", scope, All((applies, negate(met)))
    yield f"{oid}|status|not_applicable", scope, negate(applies)


def _both(items: Iterable[tuple[str, str, str]], books: Rulebooks) -> Iterator[tuple[str, str, Node]]:
    for rule_id, which, scope in items:
        node = books.cond(rule_id, which)
        yield f"{rule_id}|{which}|T", scope, node
        yield f"{rule_id}|{which}|F", scope, negate(node)


def _pattern(rule: Rule) -> dict[str, Any] | None:
    expr = to_durable(rule.node)
    if expr is None:
        return None  # can never hold: no rule needed
    parts: list[dict[str, Any]] = [{"kind": "ctx"}, {"scope": rule.scope}]
    if expr:
        parts.append(expr)
    return {"all": [{"m": {"$and": parts}}]}


def _tests(expr: Any, out: set[str]) -> set[str]:
    """Distinct leaf tests of a durable-rules pattern (each may become one alpha node)."""
    if isinstance(expr, dict):
        for op, arg in expr.items():
            if op in ("$and", "$or", "all", "m"):
                for sub in arg if isinstance(arg, list) else [arg]:
                    _tests(sub, out)
            else:
                out.add(json.dumps({op: arg}, sort_keys=True))
    elif isinstance(expr, list):
        for sub in expr:
            _tests(sub, out)
    return out


def _pack(rules: list[tuple[Rule, dict[str, Any]]], budget: int) -> Iterator[list[tuple[Rule, dict[str, Any]]]]:
    """Greedy packing in rule order: a new ruleset whenever the distinct tests would exceed the budget."""
    chunk: list[tuple[Rule, dict[str, Any]]] = []
    tests: set[str] = set()
    for rule, pattern in rules:
        mine = _tests(pattern, set())
        if len(mine) > budget:
            raise EngineError(f"rule {rule.names[0]} alone has {len(mine)} tests; durable-rules allows 64 per ruleset")
        if chunk and len(tests | mine) > budget:
            yield chunk
            chunk, tests = [], set()
        chunk.append((rule, pattern))
        tests |= mine
    if chunk:
        yield chunk


def projection(names: Iterable[str]) -> tuple[tuple[str, str, str], ...]:
    """(fact name, its durable-rules key, the key of its length) for the facts a ruleset tests."""
    return tuple((name, key(name), length_key(name)) for name in names)


def durable_fact(ctx: Context, sid: str, keys: tuple[tuple[str, str, str], ...]) -> dict[str, Any]:
    """The context as a durable-rules fact, projected onto the facts a ruleset tests."""
    fact: dict[str, Any] = {"sid": sid, "id": ctx.key, "kind": "ctx", "scope": ctx.scope}
    facts = ctx.facts
    for name, name_key, len_key in keys:
        value = facts.get(name)
        if value is not None:
            fact[name_key] = value
            if isinstance(value, list):
                fact[len_key] = len(value)
    return fact


@dataclass
class _Ruleset:
    """One planned ruleset, created in durable-rules when a run first has contexts of its scope: creating
    all of them costs more than a whole assessment, and a run without transfers (or `hegui transfer`,
    without activities) never uses some."""

    name: str
    definition: str
    scope: str
    keys: tuple[tuple[str, str, str], ...]  # projection() of the facts its conditions test
    _handle: int | None = None
    sid: str = ""  # its session, reused run after run; a new one after a run that failed midway

    @property
    def handle(self) -> int:
        if self._handle is None:
            try:
                self._handle = dre.create_ruleset(self.name, self.definition)
            except dre.error as exc:
                raise EngineError(f"durable-rules rejected ruleset {self.name}: {exc}") from exc
        return self._handle


_names = itertools.count()


def _firing(message: str) -> tuple[str, str]:
    """Rule name and fact id of one firing. A firing reads `{"<rule>": {"m": {"sid": "<sid>", "id": "<id>", ...`
    and rule names, session and fact ids are plain slugs (no quotes), so splitting on quotes is exact
    and avoids parsing every firing's JSON; any other shape is parsed properly."""
    parts = message.split('"', 12)
    if len(parts) == 13 and parts[3] == "m" and parts[5] == "sid" and parts[9] == "id":
        return parts[1], parts[11]
    parsed = json.loads(message)
    ((name, matched),) = parsed.items()
    return name, next(iter(matched.values()))["id"]


@dataclass(frozen=True)
class Plan:
    """The rulesets to create, as plain data (cached per user, engine/cache.py): per stratum, each
    ruleset's name suffix, JSON definition, scope and projection; and what each rule id stands for."""

    strata: list[list[tuple[str, str, str, tuple[tuple[str, str, str], ...]]]]
    names: dict[str, tuple[str, ...]]  # durable-rules rule id -> the names it stands for


def plan_rulesets(books: Rulebooks, alpha_budget: int = ALPHA_BUDGET) -> Plan:
    """Rules grouped by stratum and scope, packed into rulesets within `alpha_budget` distinct tests."""
    strata: list[list[tuple[str, str, str, tuple[tuple[str, str, str], ...]]]] = []
    names: dict[str, tuple[str, ...]] = {}
    for rules in rules_for(books):
        rulesets = []
        for scope in sorted({r.scope for r in rules}):
            scoped = [(r, p) for r in rules if r.scope == scope and (p := _pattern(r)) is not None]
            for c, chunk in enumerate(_pack(scoped, alpha_budget)):
                ids = [f"r{len(names) + i}" for i in range(len(chunk))]
                names.update((rid, r.names) for rid, (r, _) in zip(ids, chunk, strict=True))
                definition = {rid: p for rid, (_, p) in zip(ids, chunk, strict=True)}
                used = sorted(set().union(*(facts_used(r.node) for r, _ in chunk)))
                rulesets.append((f"{scope}_{c}", json.dumps(definition), scope, projection(used)))
        strata.append(rulesets)
    return Plan(strata, names)


class CompiledRulebooks:
    """The rulebooks as durable-rules rulesets; build once per process. A run holds a lock, since every
    run reuses the rulesets' sessions: two threads at once would mix their facts in them.

    Rules are grouped by stratum and by scope, so each session receives only the contexts of its
    scope, each projected onto the facts its rules test: fewer and smaller facts to parse.
    """

    def __init__(self, books: Rulebooks, alpha_budget: int = ALPHA_BUDGET, plan: Plan | None = None) -> None:
        self.books = books
        self.levels = books.derived_order()
        plan = plan or plan_rulesets(books, alpha_budget)
        self.names = plan.names
        self.strata: list[list[_Ruleset]] = []
        tag = f"hegui{os.getpid()}_{next(_names)}"
        for s, stratum in enumerate(plan.strata):
            self.strata.append(
                [_Ruleset(f"{tag}_{s}_{suffix}", text, scope, keys) for suffix, text, scope, keys in stratum]
            )
        self._sessions = itertools.count()
        self._lock = threading.Lock()

    @property
    def rule_count(self) -> int:
        return len(self.names)

    def run(self, contexts: list[Context], day: date | None = None, derived_only: bool = False) -> dict[str, set[str]]:
        """Evaluate every stratum; returns fired rule name -> context keys, and fills derived facts.
        On `day`, a derived fact whose instruments are not in force is false (the rule it names did not
        exist then), whatever its condition says; without a day, every derived fact is computed.
        `derived_only` stops before the obligations and decisions (the largest stratum), for a caller
        that reads derived facts alone."""
        fired: dict[str, set[str]] = defaultdict(set)
        by_scope: dict[str, list[Context]] = defaultdict(list)
        for ctx in contexts:
            by_scope[ctx.scope].append(ctx)
        last = len(self.strata) - 1
        for index, stratum in enumerate(self.strata[:last] if derived_only else self.strata):
            firings: list[tuple[str, str]] = []
            for ruleset in stratum:
                if scoped := by_scope.get(ruleset.scope):
                    with self._lock:
                        self._session(ruleset, scoped, firings)
            layer = fired if index == last else defaultdict(set)
            for rid, fact_id in firings:
                for name in self.names[rid]:
                    layer[name].add(fact_id)
            if index < last:  # derived facts: into the contexts, for the strata that use them
                _apply_derived(layer, contexts)
                if day is not None:
                    self._retire(self.levels[index], contexts, day)
                for name, keys in layer.items():
                    fired[name] |= keys
        return fired

    def _retire(self, level: list[str], contexts: list[Context], day: date) -> None:
        for fid in level:
            derived = self.books.derived[fid]
            if not holds_on(derived, day):
                for ctx in contexts:
                    if derived.scope == "org" or ctx.scope == derived.scope:
                        ctx.facts[fid] = False

    @staticmethod
    def _assert(handle: int, fact: str, what: str) -> tuple[int, int]:
        """Assert (or retract) one fact: durable-rules' return code and the session's state handle."""
        call = dre.assert_fact if what == "asserting" else dre.retract_fact
        try:
            code, state = call(handle, fact)[:2]
        except dre.error as exc:
            raise EngineError(f"durable-rules failed {what} {fact[:120]}: {exc}") from exc
        if code not in (0, 1, 3):  # 1: matched no rule here (not stored), which is fine
            raise EngineError(f"durable-rules returned code {code} {what} {fact[:120]}")
        return code, state

    def _session(self, ruleset: _Ruleset, contexts: list[Context], firings: list[tuple[str, str]]) -> None:
        """The contexts through the ruleset's session: asserted one at a time (in a batch, one fact that
        matches no rule would cancel every action), every firing taken, then the stored facts retracted,
        which leaves the session as it was for the next run (retracting fires nothing: no rule has `$not`)."""
        handle = ruleset.handle
        if not ruleset.sid:
            ruleset.sid = f"s{next(self._sessions)}"
        stored: list[str] = []
        try:
            for ctx in contexts:
                fact = json.dumps(durable_fact(ctx, ruleset.sid, ruleset.keys))
                code, state = self._assert(handle, fact, "asserting")
                if code != 1:
                    stored.append(fact)
            self._drain(handle, state, firings)
            for fact in stored:
                _, state = self._assert(handle, fact, "retracting")
                if dre.start_action_for_state(handle, state):
                    raise EngineError(f"durable-rules fired on retracting {fact[:120]}")
        except BaseException:
            ruleset.sid = ""  # facts may be left in it: the next run starts a session of its own
            raise

    @staticmethod
    def _drain(handle: int, state: int, firings: list[tuple[str, str]]) -> None:
        """Run every pending action of the session, recording (rule id, fact id) of each firing."""
        res = dre.start_action_for_state(handle, state)
        message = res[1] if res else None
        while message:
            firings.append(_firing(message))
            message = dre.complete_and_start_action(handle, state)


def _apply_derived(layer: Mapping[str, set[str]], contexts: list[Context]) -> None:
    """Write derived values into their contexts; organisation facts reach every context."""
    by_key = {c.key: c for c in contexts}
    for name, keys in sorted(layer.items()):
        rule_id, _, truth = name.split("|")
        for k in sorted(keys):
            targets = contexts if rule_id.startswith("org.") else [by_key[k]]
            for ctx in targets:
                if ctx.facts.get(rule_id, truth == "T") != (truth == "T"):
                    raise EngineError(f"{rule_id} derived both true and false for {k}")
                ctx.facts[rule_id] = truth == "T"
