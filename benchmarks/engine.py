"""Evaluation per assessment: durable-rules engine vs a plain-Python evaluator of the same conditions.

Both evaluate the same compiled rulebooks (derived facts in strata, then every obligation and decision
condition, three-valued) over the same generated contexts, side by side in one run. A third row replays
the exact facts the engine asserted through durable-rules' C calls alone (no Python around them): the
floor that any glue code in hegui could reach.
Targets: engine <= 2.0x plain Python and <= 1.3x the C calls alone (issue 14 §2); memory flat over 10,000
assessments.
"""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import time
from collections.abc import Callable, Mapping
from typing import Any

import durable_rules_engine as dre

from engine.assess import compiled
from engine.compiler import CompiledRulebooks
from engine.condition import Truth, compile_python
from engine.facts import Context, scope_of, visible
from engine.rulebook import Rulebooks


def _value(books: Rulebooks, name: str, rnd: random.Random) -> Any:
    spec = books.specs[name]
    if spec.type == "bool":
        return rnd.random() < 0.5
    if spec.type == "int":
        return rnd.choice([0, 5, 9_999, 10_000, 150_000, 1_200_000, 12_000_000, 60_000_000])
    if spec.type == "list":
        domain = list(spec.domain or ("x",))
        return sorted(rnd.sample(domain, k=min(len(domain), rnd.randint(0, 3))))
    return rnd.choice(list(spec.domain or ("HK", "CN", "US")))


def generate(books: Rulebooks, seed: int) -> list[Context]:
    """One synthetic assessment: the organisation, 3 activities, 1 transfer; ~15% of answers missing."""
    rnd = random.Random(seed)
    names = [n for n in books.specs if n not in books.derived]

    def facts(scope: str, base: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(base)
        for n in names:
            s = scope_of(n, books.questions)
            if s == scope and visible(s, scope) and (not n.startswith("q.") or rnd.random() > 0.15):
                out[n] = _value(books, n, rnd)
        return out

    org = facts("org", {})
    return (
        [Context("org", "org", org)]
        + [Context("activity", f"a{i}", facts("activity", org)) for i in range(3)]
        + [Context("transfer", "t0", facts("transfer", org))]
    )


class PlainPython:
    """The same compiled conditions as closures; derived facts in the same strata."""

    def __init__(self, books: Rulebooks) -> None:
        self.strata: list[list[tuple[str, str, Callable[[Mapping[str, Any]], Truth]]]] = []
        for level in books.derived_order():
            self.strata.append(
                [(fid, books.derived[fid].scope, compile_python(books.cond(fid, "when"))) for fid in level]
            )
        final = []
        for (rule_id, which), node in sorted(books.conditions.items()):
            owner = books.obligations.get(rule_id) or books.decisions.get(rule_id)
            if owner is not None:
                final.append((f"{rule_id}|{which}", owner.scope, compile_python(node)))
        self.final = final

    def run(self, contexts: list[Context]) -> dict[str, Truth]:
        for stratum in self.strata:
            values = [
                (fid, scope, ctx, fn(ctx.facts)) for fid, scope, fn in stratum for ctx in contexts if ctx.scope == scope
            ]
            for fid, _, ctx, value in values:
                if value is not None:
                    for target in contexts if fid.startswith("org.") else [ctx]:
                        target.facts[fid] = value
        return {
            f"{name}@{ctx.key}": fn(ctx.facts)
            for name, scope, fn in self.final
            for ctx in contexts
            if ctx.scope == scope
        }


class Recorder(CompiledRulebooks):
    """The real engine, keeping every fact it asserts: (ruleset handle, session id, fact as JSON)."""

    def __init__(self, books: Rulebooks) -> None:
        super().__init__(books)
        self.asserted: list[tuple[int, str, str]] = []

    def _assert(self, handle: int, fact: str, what: str) -> tuple[int, int]:
        if what == "asserting":
            self.asserted.append((handle, json.loads(fact)["sid"], fact))
        return super()._assert(handle, fact, what)


def c_only(sessions: list[tuple[int, list[str]]]) -> Callable[[list[Context]], None]:
    """One assessment's sessions replayed through the C calls alone, as the engine makes them (assert
    each fact, take every firing, retract the stored facts), facts serialised beforehand."""
    prepared = [(h, [json.dumps({**json.loads(f), "sid": "replay"}) for f in facts]) for h, facts in sessions]

    def replay(_: list[Context]) -> None:
        for handle, facts in prepared:
            stored = []
            for fact in facts:
                code, state = dre.assert_fact(handle, fact)[:2]
                if code != 1:
                    stored.append(fact)
            res = dre.start_action_for_state(handle, state)
            message = res[1] if res else None
            while message:
                message = dre.complete_and_start_action(handle, state)
            for fact in stored:
                dre.retract_fact(handle, fact)

    return replay


def recorded_sessions(books: Rulebooks, batches: list[list[Context]]) -> list[list[tuple[int, list[str]]]]:
    """Per assessment, the sessions the engine used and the facts it asserted into each."""
    recorder = Recorder(books)
    out = []
    for contexts in batches:
        recorder.asserted.clear()
        recorder.run([Context(c.scope, c.id, dict(c.facts)) for c in contexts])
        sessions: dict[tuple[int, str], list[str]] = {}
        for handle, sid, fact in recorder.asserted:
            sessions.setdefault((handle, sid), []).append(fact)
        out.append([(h, facts) for (h, _), facts in sessions.items()])
    return out


def _time(fn: Callable[[list[Context]], object], batches: list[list[Context]]) -> list[float]:
    out = []
    for contexts in batches:
        fresh = [Context(c.scope, c.id, dict(c.facts)) for c in contexts]
        t0 = time.process_time()  # CPU time: the machine is shared, wall time moves with the others' load
        fn(fresh)
        out.append(time.process_time() - t0)
    return out


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(n: int = 1000, soak: int = 10_000) -> None:
    engine: CompiledRulebooks = compiled()
    books = engine.books
    plain = PlainPython(books)
    batches = [generate(books, seed) for seed in range(n)]
    # same answers from both (the agreement is also a test: tests/test_condition.py)
    durable_t = _time(engine.run, batches)
    python_t = _time(plain.run, batches)
    replays = [c_only(s) for s in recorded_sessions(books, batches)]
    c_t = [_time(replay, [contexts])[0] for replay, contexts in zip(replays, batches, strict=True)]
    d_med, p_med = statistics.median(durable_t), statistics.median(python_t)
    print(
        f"rules compiled: {engine.rule_count} in {sum(len(s) for s in engine.strata)} rulesets; "
        f"{len(books.obligations)} obligations, {len(books.derived)} derived facts; contexts per assessment: 5"
    )
    print(f"{'evaluator':<16}{'median CPU ms':>14}{'p95 ms':>10}{'assessments/s':>16}")
    for name, ts in (("durable-rules", durable_t), ("plain Python", python_t), ("C calls alone", c_t)):
        p95 = sorted(ts)[int(len(ts) * 0.95)]
        print(f"{name:<16}{statistics.median(ts) * 1e3:>14.2f}{p95 * 1e3:>10.2f}{1 / statistics.mean(ts):>16.0f}")
    c_med = statistics.median(c_t)
    print(f"{'what':<40}{'now':>10}{'target':>12}")
    print(f"{'engine / plain Python (median)':<40}{d_med / p_med:>9.2f}x{'<= 2.00x':>12}")
    print(f"{'engine / C calls alone (median)':<40}{d_med / c_med:>9.2f}x{'<= 1.30x':>12}")
    print(
        f"durable-rules' own share: {c_med / d_med:.0%} of the engine's time (the rest is hegui's Python around "
        f"it); C calls alone / plain Python: {c_med / p_med:.2f}; load average {os.getloadavg()[0]:.1f}"
    )
    rss = []
    for i in range(soak):
        engine.run([Context(c.scope, c.id, dict(c.facts)) for c in batches[i % n]])
        if i + 1 in (1000, soak):
            rss.append(_rss_mib())
    print(
        f"peak RSS after 1,000 assessments: {rss[0]:.1f} MiB; after {soak:,}: {rss[1]:.1f} MiB "
        f"(growth {rss[1] - rss[0]:+.1f} MiB)"
    )
