"""Load the rulebooks (rulebooks/obligations/*.yaml) and lint them.

Lint is what keeps the legal content honest: every condition names known facts with the right
types, every citation resolves in the citation index for the dates the rule claims, every obligation
has fixtures for each outcome, and the compiled rules stay inside durable-rules' limits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine import citation
from engine.cache import memo
from engine.condition import All, Always, Any_, Cmp, ConditionError, FactSpec, Node, facts_used, parse
from engine.errors import BadValue, InputError, Problem
from engine.facts import input_specs, question_specs, scope_of, visible
from engine.i18n import both, listed, message
from engine.obligation import Decision, Derived, Fixture, Obligation, RulebookFile, Window
from engine.questions import Question, question_bank, question_files
from engine.remediation import lint_order
from engine.resources import data_dir
from engine.taxonomy import taxonomy
from engine.text import Text
from engine.validation import pydantic_problems
from engine.yamlsafe import Located, load

MAX_FACT_PROPERTIES = 200  # durable-rules rejects facts with more than 254 properties (error 302)
FIXTURE_EXPECT = {"obligation": ("gap", "met", "unknown", "not_applicable"), "derived": ("true", "false", "unknown")}


@dataclass
class Rulebooks:
    """All rulebook content, parsed and indexed; conditions are pre-parsed."""

    files: dict[str, Located]
    derived: dict[str, Derived]
    obligations: dict[str, Obligation]
    decisions: dict[str, Decision]
    specs: dict[str, FactSpec]
    questions: dict[str, Question]
    conditions: dict[tuple[str, str], Node] = field(default_factory=dict)
    origin: dict[str, tuple[str, str]] = field(default_factory=dict)  # rule id -> (file, dotted path)
    reach: dict[str, str] = field(default_factory=dict)  # instrument code -> fact: it reaches the organisation
    gates: set[str] = field(default_factory=set)  # the reach and role facts _gate adds to obligations
    version: str = ""

    def cond(self, rule_id: str, which: str) -> Node:
        return self.conditions[(rule_id, which)]

    def derived_order(self) -> list[list[str]]:
        """Derived facts grouped in strata: each depends only on inputs and earlier strata."""
        level: dict[str, int] = {}

        def depth(fid: str, stack: tuple[str, ...]) -> int:
            if fid in level:
                return level[fid]
            if fid in stack:
                raise ValueError(" -> ".join((*stack, fid)))
            node = self.conditions.get((fid, "when"))  # None: it did not parse, already a lint problem
            deps = [f for f in facts_used(node) if f in self.derived] if node is not None else []
            level[fid] = 1 + max((depth(d, (*stack, fid)) for d in deps), default=0)
            return level[fid]

        for fid in sorted(self.derived):
            depth(fid, ())
        strata: list[list[str]] = [[] for _ in range(max(level.values(), default=0))]
        for fid in sorted(level):
            strata[level[fid] - 1].append(fid)
        return strata

    @cached_property
    def evidenced_by(self) -> dict[str, list[str]]:
        """Question id -> obligations whose conditions use its answer (computed, never written; once per
        process: the web questionnaire asks it for every question it shows)."""
        out: dict[str, list[str]] = {q: [] for q in self.questions}
        for oid in sorted(self.obligations):
            used = facts_used(self.cond(oid, "applies")) | facts_used(self.cond(oid, "met"))
            for fact in sorted(used):
                if fact.startswith("q."):
                    out[fact[2:]].append(oid)
        return out


def rulebook_files(root: Path | None = None) -> list[Path]:
    base = (root or data_dir("rulebooks")) / "obligations"
    return sorted(base.rglob("*.yaml"))


def load_rulebooks(root: Path | None = None) -> tuple[Rulebooks, list[Problem]]:
    """Parse every rulebook file; returns what loaded plus every problem found (lint)."""
    problems: list[Problem] = []
    bank = question_bank()
    specs = {**input_specs(taxonomy()), **question_specs(bank)}
    books = Rulebooks({}, {}, {}, {}, specs, bank.by_id())
    digest = hashlib.sha256()
    paths = rulebook_files(root)
    if not paths:
        problems.append(Problem(str(data_dir("rulebooks")), both("rulebook.no_files")))
    parsed: list[tuple[Located, RulebookFile]] = []
    for path in paths:
        digest.update(path.read_bytes())
        try:
            located = load(path)
            parsed.append((located, RulebookFile.model_validate(located.data)))
            books.files[str(path)] = located
        except InputError as exc:
            problems.extend(exc.problems)
        except ValidationError as exc:
            problems.extend(pydantic_problems(exc, located))
    for extra in [
        *question_files(),
        *(data_dir("rulebooks") / x for x in ("taxonomy/pi-categories.yaml", "citation-index.json", "manifest.yaml")),
    ]:
        digest.update(extra.read_bytes())
    books.version = f"{_manifest_version()}+{digest.hexdigest()[:12]}"

    # register ids first so conditions may use derived facts declared in any file
    for located, rb in parsed:
        groups: list[tuple[str, Sequence[Derived | Obligation | Decision], dict[str, Any]]] = [
            ("derived", rb.derived, books.derived),
            ("obligations", rb.obligations, books.obligations),
            ("decisions", rb.decisions, books.decisions),
        ]
        for kind, items, target in groups:
            for i, item in enumerate(items):
                rule_path = f"{kind}.{i}"
                if item.id in target or item.id in books.specs:
                    problems.append(_at(located, f"{rule_path}.id", message("input.duplicate_id", id=item.id)))
                    continue
                target[item.id] = item
                books.origin[item.id] = (located.file, rule_path)
                if isinstance(item, Derived):
                    specs[item.id] = FactSpec(item.id, "bool")
    for located, rb in parsed:
        problems.extend(_lint_file(books, located, rb))
    problems.extend(_gate(books, located_manifest()))
    problems.extend(lint_order(books))
    try:
        books.derived_order()
    except ValueError as exc:
        problems.append(Problem(str(data_dir("rulebooks")), both("rulebook.cycle", cycle=exc)))
    problems.extend(_lint_questions(books))
    problems.extend(_lint_property_budget(books))
    return books, problems


@cache
def located_manifest() -> Located:
    """rulebooks/manifest.yaml, read once per process (every fixture reads its defaults)."""
    return load(data_dir("rulebooks") / "manifest.yaml")


def _manifest_version() -> str:
    return str(located_manifest().data["version"])


def _gate(books: Rulebooks, manifest: Located) -> Iterator[Problem]:
    """Narrow every obligation's `applies` to whom its law binds: one of its cited instruments must reach
    the organisation (manifest `reach`), and where it `binds` a role the activity or organisation must
    hold it (manifest `roles`). Done here, once, so the engine, traces, docs and fixtures all see it."""
    reach: dict[str, str] = manifest.data.get("reach", {})
    books.reach = dict(reach)
    roles: dict[str, dict[str, str]] = manifest.data.get("roles", {})
    for oid in sorted(books.obligations):
        ob = books.obligations[oid]
        node = books.conditions.get((oid, "applies"))
        if node is None or any(_cite_error(c) for c in ob.citations):
            continue  # already a lint problem
        file, path = books.origin[oid]
        located = books.files[file]
        codes = sorted({c.instrument for c in ob.parsed_citations()})
        if missing := [code for code in codes if code not in reach]:
            yield _at(located, f"{path}.citations", message("rulebook.no_reach", rule=oid, codes=listed(missing)))
            continue
        facts = sorted({reach[code] for code in codes})
        gates: list[Node] = [_any(tuple(Cmp(f, "==", True) for f in facts))]
        if ob.binds is not None:
            role_fact = roles.get(ob.binds, {}).get(ob.scope)
            if role_fact is None:
                bad = message("rulebook.binds_scope", rule=oid, role=ob.binds, scope=message(f"scope.{ob.scope}"))
                yield _at(located, f"{path}.binds", bad)
                continue
            gates.append(Cmp(role_fact, "==", True))
        for fact in sorted({f for g in gates for f in facts_used(g)}):
            if fact not in books.specs or not visible(scope_of(fact, books.questions), ob.scope):
                yield _at(located, f"{path}.applies_when", _not_visible(oid, fact, ob.scope))
        books.gates |= {f for g in gates for f in facts_used(g)}
        books.conditions[(oid, "applies")] = _all((*gates, node))


def _any(nodes: tuple[Node, ...]) -> Node:
    return nodes[0] if len(nodes) == 1 else Any_(nodes)


def _all(nodes: tuple[Node, ...]) -> Node:
    """A conjunction, flattened, without `true` parts."""
    parts: list[Node] = []
    for n in nodes:
        if isinstance(n, Always) and n.value:
            continue
        parts.extend(n.children if isinstance(n, All) else (n,))
    return Always(True) if not parts else parts[0] if len(parts) == 1 else All(tuple(parts))


def fixture_defaults() -> dict[str, Any]:
    """Facts every fixture starts from (manifest `fixture_defaults`): inside the reach and role gates."""
    return dict(located_manifest().data.get("fixture_defaults", {}))


def _at(located: Located, path: str, text: Text) -> Problem:
    line, col = located.where(path)
    return Problem(located.file, text.both(), path, line, col)


def _not_visible(rule_id: str, fact: str, scope: str) -> Text:
    return message("rulebook.not_visible", rule=rule_id, fact=fact, scope=message(f"scope.{scope}"))


def _parse(
    books: Rulebooks, located: Located, path: str, rule_id: str, which: str, source: str | bool, scope: str
) -> Iterator[Problem]:
    try:
        node = parse(source, books.specs)
    except ConditionError as exc:
        yield _at(located, path, message("rulebook.condition", rule=rule_id, problem=exc.text))
        return
    for fact in sorted(facts_used(node)):
        if not visible(scope_of(fact, books.questions), scope):  # type: ignore[arg-type]
            yield _at(located, path, _not_visible(rule_id, fact, scope))
    books.conditions[(rule_id, which)] = node


def _lint_citations(
    located: Located, path: str, rule_id: str, cites: list[str], window: tuple[date, date | None] | None
) -> Iterator[Problem]:
    for j, text in enumerate(cites):
        try:
            cite = citation.Citation.parse(text)
        except BadValue as exc:
            yield _at(located, f"{path}.{j}", message("rulebook.citation", rule=rule_id, problem=exc.text))
            continue
        why = citation.check(cite)
        if why:
            yield _at(located, f"{path}.{j}", message("rulebook.citation", rule=rule_id, problem=why))
            continue
        if window is not None:
            start, end = citation.in_force_window(cite.instrument)
            lo, hi = window
            if (hi is not None and hi < start) or (end is not None and lo > end):
                until = hi or message("rulebook.open_end")
                never = message("rulebook.never_in_force", rule=rule_id, cite=cite, start=lo, end=until)
                yield _at(located, f"{path}.{j}", never)


def obligation_window(ob: Obligation | Derived) -> tuple[date, date | None]:
    """The dates an obligation (or a derived fact) can hold: when any cited instrument is in force,
    narrowed by in_force; a derived fact without citations holds on every day its condition does."""
    if not ob.citations:
        return (ob.in_force.start if ob.in_force and ob.in_force.start else date.min), (
            ob.in_force.end if ob.in_force else None
        )
    return _window(tuple(ob.citations), ob.in_force)


def holds_on(item: Obligation | Derived, day: date) -> bool:
    lo, hi = obligation_window(item)
    return lo <= day and (hi is None or day <= hi)


@cache
def _window(citations: tuple[str, ...], narrowed: Window | None) -> tuple[date, date | None]:
    starts, ends = [], []
    for cite in map(citation.Citation.parse, citations):
        s, e = citation.in_force_window(cite.instrument)
        starts.append(s)
        ends.append(e)
    lo = min(starts)
    hi = None if any(e is None for e in ends) else max(e for e in ends if e is not None)
    if narrowed and narrowed.start and narrowed.start > lo:
        lo = narrowed.start
    if narrowed and narrowed.end and (hi is None or narrowed.end < hi):
        hi = narrowed.end
    return lo, hi


def _lint_file(books: Rulebooks, located: Located, rb: RulebookFile) -> Iterator[Problem]:
    if citation.instrument(rb.instrument) is None:
        yield _at(located, "instrument", message("rulebook.unknown_instrument", code=rb.instrument))
    for i, d in enumerate(rb.derived):
        base = f"derived.{i}"
        yield from _parse(books, located, f"{base}.when", d.id, "when", d.when, d.scope)
        yield from _lint_citations(located, f"{base}.citations", d.id, d.citations, None)
        yield from _lint_fixtures(books, located, base, d.id, d.scope, d.fixtures, "derived")
    for i, ob in enumerate(rb.obligations):
        base = f"obligations.{i}"
        yield from _parse(books, located, f"{base}.applies_when", ob.id, "applies", ob.applies_when, ob.scope)
        yield from _parse(books, located, f"{base}.met_when", ob.id, "met", ob.met_when, ob.scope)
        bad = [c for c in ob.citations if _cite_error(c)]
        yield from _lint_citations(located, f"{base}.citations", ob.id, ob.citations, None)
        if not bad:
            lo, hi = obligation_window(ob)
            if hi is not None and hi < lo:
                yield _at(located, f"{base}.in_force", message("rulebook.window_empty", rule=ob.id))
            else:
                yield from _lint_gaps(located, base, ob)
            yield from _lint_citations(located, f"{base}.penalties", ob.id, ob.penalties, (lo, hi))
            secondary = any(citation.is_secondary(c.instrument) for c in ob.parsed_citations())
            if secondary != (ob.confidence == "secondary"):
                yield _at(located, f"{base}.confidence", message("rulebook.confidence", rule=ob.id))
        if len(ob.remediation.zh) != len(ob.remediation.en) or not ob.remediation.zh:
            yield _at(located, f"{base}.remediation", message("rulebook.remediation", rule=ob.id))
        if len(ob.evidence.zh) != len(ob.evidence.en):
            yield _at(located, f"{base}.evidence", message("rulebook.evidence", rule=ob.id))
        yield from _lint_fixtures(books, located, base, ob.id, ob.scope, ob.fixtures, "obligation")
        kinds = {f.expect for f in ob.fixtures}
        needed = {"met", "gap"} | ({"not_applicable"} if ob.applies_when is not True else set())
        if ob.met_when is True:
            needed.discard("gap")
        if missing := needed - kinds:
            outcomes = listed(sorted(missing))
            yield _at(located, f"{base}.fixtures", message("rulebook.fixtures_missing", rule=ob.id, outcomes=outcomes))
    for i, dec in enumerate(rb.decisions):
        base = f"decisions.{i}"
        for j, out in enumerate(dec.outcomes):
            yield from _parse(books, located, f"{base}.outcomes.{j}.when", dec.id, f"outcome{j}", out.when, dec.scope)
            yield from _lint_citations(located, f"{base}.outcomes.{j}.citations", dec.id, out.citations, None)
        yield from _lint_fixtures(books, located, base, dec.id, dec.scope, dec.fixtures, "decision")


def _cite_error(text: str) -> bool:
    try:
        return citation.check(citation.Citation.parse(text)) is not None
    except ValueError:
        return True


def _lint_gaps(located: Located, base: str, ob: Obligation) -> Iterator[Problem]:
    """Inside the rule's window, some citation must be in force on every day (checked at boundaries)."""
    lo, hi = obligation_window(ob)
    cites = ob.parsed_citations()
    edges = {lo} | {d for c in cites for d in _edges(c.instrument)}
    for day in sorted(edges):
        if day < lo or (hi is not None and day > hi):
            continue
        if not any(citation.in_force(c.instrument, day) for c in cites):
            yield _at(located, f"{base}.citations", message("rulebook.uncovered_day", rule=ob.id, day=day))


def _edges(code: str) -> list[date]:
    start, end = citation.in_force_window(code)
    return [start] + ([end + timedelta(days=1)] if end else [])


def _lint_fixtures(
    books: Rulebooks, located: Located, base: str, rule_id: str, scope: str, fixtures: list[Fixture], kind: str
) -> Iterator[Problem]:
    allowed = FIXTURE_EXPECT.get(kind)
    for j, fx in enumerate(fixtures):
        path = f"{base}.fixtures.{j}"
        if allowed is not None and fx.expect not in allowed:
            expect = message("rulebook.bad_expect", rule=rule_id, allowed=listed(allowed))
            yield _at(located, f"{path}.expect", expect)
        for name, value in fx.facts.items():
            spec = books.specs.get(name)
            if spec is None:
                yield _at(located, f"{path}.facts.{name}", message("rulebook.fixture_fact", rule=rule_id, fact=name))
            elif not visible(scope_of(name, books.questions), scope):  # type: ignore[arg-type]
                yield _at(located, f"{path}.facts.{name}", _not_visible(rule_id, name, scope))
            elif not _value_fits(spec, value):
                bad = message("rulebook.fixture_value", rule=rule_id, value=value, type=spec.type, fact=name)
                yield _at(located, f"{path}.facts.{name}", bad)


def _value_fits(spec: FactSpec, value: Any) -> bool:
    if spec.type == "bool":
        return isinstance(value, bool)
    if spec.type == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if spec.type == "list":
        return isinstance(value, list) and all(spec.domain is None or v in spec.domain for v in value)
    return isinstance(value, str) and (spec.domain is None or value in spec.domain)


def _lint_questions(books: Rulebooks) -> Iterator[Problem]:
    for path in question_files():
        qfile = load(path)
        for i, raw in enumerate(qfile.data.get("questions", [])):
            q = books.questions[raw["id"]]
            if q.show_if:
                yield from _parse(books, qfile, f"questions.{i}.show_if", q.id, "show_if", q.show_if, q.scope)
            if q.type in ("choice", "multi") and not q.options:
                yield _at(qfile, f"questions.{i}.options", message("rulebook.question_options", id=q.id, type=q.type))


def _lint_property_budget(books: Rulebooks) -> Iterator[Problem]:
    for scope in ("org", "activity", "transfer"):
        names = [n for n in books.specs if visible(scope_of(n, books.questions), scope)]
        count = len(names) + sum(1 for n in names if books.specs[n].type == "list") + 3  # + id, kind, sid
        if count > MAX_FACT_PROPERTIES:
            where = message(f"scope.{scope}")
            budget = both("rulebook.property_budget", scope=where, count=count, limit=MAX_FACT_PROPERTIES)
            yield Problem(str(data_dir("rulebooks")), budget)


@cache
def rulebooks() -> Rulebooks:
    """The packaged rulebooks; lint problems are fatal here (the CLI lint command reports them). A clean
    load is cached per user, keyed by the content of every file it read (engine/cache.py)."""
    return memo("rulebooks", Rulebooks, _clean_load)


def _clean_load() -> Rulebooks:
    books, problems = load_rulebooks()
    if problems:
        raise InputError(problems)
    books.files = {}  # the parsed YAML with positions serves linting only: a third of the entry, not kept
    return books
