"""Evaluate one loaded assessment into the canonical findings document."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from engine import __version__, citation
from engine.assessment import PURPOSE_INSTRUMENT
from engine.cache import memo
from engine.compiler import STATUSES, CompiledRulebooks, EngineError, Plan, plan_rulesets
from engine.condition import Node, Truth, evaluate, explained
from engine.errors import InputError
from engine.facts import Context, build_contexts, carries_id_numbers, counted_transfers
from engine.finding import (
    AssessmentOut,
    CitationOut,
    EngineOut,
    Finding,
    FindingsDocument,
    PipiaRequired,
    ReachOut,
    Reason,
    Summary,
    TaskOut,
    Trace,
    TraceEntry,
    TransferOut,
    WaiverOut,
)
from engine.i18n import both, closest, message
from engine.inputs import LoadedAssessment
from engine.obligation import SEVERITIES, Obligation, Status
from engine.remediation import attach, task_id
from engine.resources import data_dir
from engine.rulebook import Rulebooks, holds_on, rulebooks
from engine.taxonomy import taxonomy
from engine.text import Text
from engine.yamlsafe import load


@dataclass(frozen=True)
class Manifest:
    pipia_triggers: tuple[str, ...]
    mechanism_decision: str
    threshold_exempt: str


@cache
def manifest() -> Manifest:
    data = load(data_dir("rulebooks") / "manifest.yaml").data
    return Manifest(tuple(data["pipia_triggers"]), data["mechanism_decision"], data["threshold_exempt"])


@cache
def compiled() -> CompiledRulebooks:
    """One compiled engine per process (durable-rules is not to be shared across threads); the rulesets'
    plan is cached per user with the rulebooks, only the C rulesets are created here."""
    books = rulebooks()
    return CompiledRulebooks(books, plan=memo("rulesets", Plan, lambda: plan_rulesets(books)))


def assess(loaded: LoadedAssessment, as_of: date | None = None) -> FindingsDocument:
    engine = compiled()
    books = engine.books
    a = loaded.assessment
    day = as_of or a.assessment.as_of
    problems = [
        p
        for i, tr in enumerate(a.transfers)
        if (why := purpose_not_in_force(tr.purpose, day))
        for p in loaded.located.error(f"transfers.{i}.purpose", why).problems
    ]
    if problems:
        raise InputError(problems)
    exempt = threshold_exempt(engine, loaded, day)
    contexts = build_contexts(a, loaded.datasets, taxonomy(), exempt)
    fired = engine.run(contexts, day)
    incident_days = tuple(sorted({i.occurred for i in a.incidents if i.occurred <= day}))
    evaluator = Evaluator(books, fired, day, exempt, id_number_reading(engine, loaded, day, exempt), incident_days)

    findings: list[Finding] = []
    for oid in sorted(books.obligations):
        ob = books.obligations[oid]
        if not holds_on(ob, day):
            continue
        for ctx in contexts:
            if ctx.scope == ob.scope and (f := evaluator.finding(ob, ctx)) is not None:
                findings.append(f)
    findings = _apply_waivers(findings, loaded, day)
    findings.sort(key=lambda f: (SEVERITIES.index(f.severity), f.obligation, f.subject or ""))

    transfers = [evaluator.transfer(ctx, loaded) for ctx in contexts if ctx.scope == "transfer"]
    findings, transfers = attach(loaded.plan, books, manifest().mechanism_decision, findings, transfers, day)
    return FindingsDocument(
        assessment=AssessmentOut(
            id=a.assessment.id,
            title=_text(a.assessment.title),
            as_of=day.isoformat(),
            language=a.assessment.language,
            organisation=_text(a.organisation.name),
            assessor=a.assessment.assessor.name
            + (f" ({a.assessment.assessor.organisation})" if a.assessment.assessor.organisation else ""),
            third_party=a.assessment.assessor.third_party,
        ),
        engine=EngineOut(version=__version__, rulebook_version=books.version),
        summary=_summary(findings),
        pipia_required=evaluator.pipia(contexts),
        reach=_reach(books, contexts[0], day),
        transfers=transfers,
        findings=findings,
    )


def _transfer_pass(
    engine: CompiledRulebooks,
    loaded: LoadedAssessment,
    day: date,
    exempt: frozenset[str] = frozenset(),
    id_numbers_sensitive: bool | None = None,
    derived_only: bool = False,
) -> tuple[list[Context], Mapping[str, set[str]]]:
    """The organisation and transfer contexts run through the engine on their own (activities play no
    part in a transfer's decision): the transfers' contexts and the firings (see CompiledRulebooks.run)."""
    built = build_contexts(loaded.assessment, loaded.datasets, taxonomy(), exempt, id_numbers_sensitive)
    probe = [c for c in built if c.scope != "activity"]
    fired = engine.run(probe, day, derived_only)
    return [c for c in probe if c.scope == "transfer"], fired


def threshold_exempt(engine: CompiledRulebooks, loaded: LoadedAssessment, day: date) -> frozenset[str]:
    """The transfers made under an exemption, decided by the rulebooks in a first pass over the transfers
    (the exemptions do not depend on the cumulative counts they are then left out of)."""
    if not loaded.assessment.transfers:
        return frozenset()
    transfers, _ = _transfer_pass(engine, loaded, day, derived_only=True)  # the exemption is a derived fact
    fact = manifest().threshold_exempt
    return frozenset(c.id for c in transfers if c.facts.get(fact) is True)


def id_number_reading(
    engine: CompiledRulebooks, loaded: LoadedAssessment, day: date, exempt: frozenset[str]
) -> dict[str, str]:
    """Transfer id -> the mechanism it would get if identity-document numbers counted as sensitive PI
    (GB/T 35273-2020 Annex B), for the transfers that export them, when the assessment follows the law's
    categories (PIPL art. 28); empty when it already reads them as sensitive."""
    a = loaded.assessment
    carrying = {
        t.id for t in a.transfers if t.individuals_non_sensitive and carries_id_numbers(t, loaded.datasets, taxonomy())
    }
    if a.assessment.id_numbers_sensitive or not carrying:
        return {}
    transfers, fired = _transfer_pass(engine, loaded, day, exempt, id_numbers_sensitive=True)
    evaluator = Evaluator(engine.books, fired, day)
    decision = manifest().mechanism_decision
    return {c.id: evaluator.decide(decision, c).value for c in transfers if c.id in carrying}


def _reach(books: Rulebooks, org: Context, day: date) -> list[ReachOut]:
    """Each reach fact of the manifest, whether it holds for the organisation and which instruments it
    opens (those in force on the day)."""
    out = []
    facts = sorted(set(books.reach.values()), key=lambda f: (org.facts.get(f) is not True, f))  # reaching first
    for fact in facts:
        codes = sorted(c for c, f in books.reach.items() if f == fact and citation.in_force(c, day))
        derived = books.derived[fact]
        holds = org.facts.get(fact) is True
        out.append(
            ReachOut(
                fact=fact, title=derived.title, holds=holds, instruments=codes, citations=cites(derived.citations, day)
            )
        )
    return out


def _text(value: str | Text) -> Text:
    return value if isinstance(value, Text) else Text(zh=value, en=value)


def purpose_not_in_force(purpose: str, day: date) -> str | None:
    """Why a transfer purpose cannot be chosen on `day` (its instrument is not in force then), or None."""
    code = PURPOSE_INSTRUMENT.get(purpose)
    if code is None or citation.in_force(code, day):
        return None
    since = citation.in_force_window(code)[0]
    title = citation.Citation(instrument=code).zh()
    name = Text(zh=title, en=code)
    return both("input.purpose_not_in_force", purpose=purpose, instrument=name, since=since, day=day)


def cites(
    texts: Iterable[str], day: date | Iterable[date] | None, reached: Callable[[str], bool] | None = None
) -> list[CitationOut]:
    """Citations in force on `day` (or on any of several days; all of them when None) of instruments
    that reach the organisation (all when `reached` is None), in Chinese and structured form."""
    days = None if day is None else (day,) if isinstance(day, date) else tuple(day)
    out = []
    for t in texts:
        cited = _citation_out(t)
        if days is not None and not any(citation.in_force(cited.instrument, d) for d in days):
            continue
        if reached is not None and not reached(cited.instrument):
            continue
        out.append(cited)
    return out


@cache
def _citation_out(text: str) -> CitationOut:
    """A citation's output form, built once per process: rulebooks cite the same few hundred texts in
    every finding (the models are never changed once built, so findings share them)."""
    c = citation.Citation.parse(text)
    return CitationOut(
        instrument=c.instrument,
        article=c.article,
        paragraph=c.paragraph,
        item=c.item,
        text_zh=c.zh(),
        confidence="secondary" if citation.is_secondary(c.instrument) else "official",
    )


def reference_status(books: Rulebooks, oid: str, facts: Mapping[str, Any]) -> str:
    """The obligation's status by the plain three-valued evaluator (the engine must agree)."""
    applies = evaluate(books.cond(oid, "applies"), facts)
    return _status_of(applies, evaluate(books.cond(oid, "met"), facts) if applies else None)


@cache
def _status_names(oid: str) -> tuple[str, ...]:
    """The names the engine reports an obligation's statuses under (see compiler._status_rules)."""
    return tuple(f"{oid}|status|{s}" for s in STATUSES)


def _status_of(applies: Truth, met: Truth) -> str:
    """Kleene: not applicable once `applies` is false; unknown while it or (when it holds) `met` is open."""
    if applies is False:
        return "not_applicable"
    if applies is None or met is None:
        return "unknown"
    return "met" if met else "gap"


@dataclass(frozen=True)
class Decided:
    value: str
    reasons: list[Reason]
    tasks: list[TaskOut]
    trace: list[TraceEntry]


class Evaluator:
    """Reads the engine's firings for one run: statuses, decisions and traces."""

    def __init__(
        self,
        books: Rulebooks,
        fired: Mapping[str, set[str]],
        day: date,
        exempt: frozenset[str] = frozenset(),
        id_reading: Mapping[str, str] | None = None,
        incident_days: tuple[date, ...] = (),
    ) -> None:
        self.books, self.fired, self.day, self.exempt = books, fired, day, exempt
        self.id_reading = id_reading or {}
        self.incident_days = incident_days
        self._derived_traces: dict[tuple[str, str], list[TraceEntry]] = {}

    def truth(self, rule_id: str, which: str, ctx: Context, reference: Truth) -> Truth:
        """The condition as the engine fired it, checked against the plain evaluator's `reference`."""
        t = ctx.key in self.fired.get(f"{rule_id}|{which}|T", ())
        f = ctx.key in self.fired.get(f"{rule_id}|{which}|F", ())
        if t and f:
            raise EngineError(f"{rule_id} {which} both true and false for {ctx.key}")
        result = True if t else False if f else None
        if reference is not result:  # the plain evaluator must agree with the engine
            raise EngineError(f"durable-rules and the reference evaluator disagree on {rule_id} {which} for {ctx.key}")
        return result

    def trace(self, node: Node, ctx: Context) -> list[TraceEntry]:
        return self._entries(explained(node, ctx.facts)[1], ctx)

    def _entries(self, explanation: list[tuple[str, Any, str]], ctx: Context) -> list[TraceEntry]:
        return [
            TraceEntry(fact=fact, value=value, test=test, because=self._because(fact, ctx))
            for fact, value, test in explanation
        ]

    def _because(self, fact: str, ctx: Context) -> list[TraceEntry]:
        """Why a derived fact holds in a context, traced once per run: many findings cite the same one."""
        if fact not in self.books.derived:
            return []
        known = self._derived_traces.get((fact, ctx.key))
        if known is None:
            known = self._derived_traces[(fact, ctx.key)] = self.trace(self.books.cond(fact, "when"), ctx)
        return known

    def status(self, ob: Obligation, ctx: Context, applies: Truth, met: Truth) -> str:
        """met, gap, not_applicable or unknown, as the engine fired it, checked against the plain
        evaluator's `applies` and `met` (`met` evaluated only when `applies` holds)."""
        fired = [
            s for s, name in zip(STATUSES, _status_names(ob.id), strict=True) if ctx.key in self.fired.get(name, ())
        ]
        if len(fired) > 1:
            raise EngineError(f"{ob.id} fired {fired} for {ctx.key}")
        result = fired[0] if fired else "unknown"
        expected = _status_of(applies, met)
        if result != expected:  # the plain evaluator must agree with the engine
            raise EngineError(f"durable-rules says {result}, the reference evaluator {expected}: {ob.id} for {ctx.key}")
        return result

    def finding(self, ob: Obligation, ctx: Context) -> Finding | None:
        applies, applies_explained = explained(self.books.cond(ob.id, "applies"), ctx.facts)
        met, met_explained = explained(self.books.cond(ob.id, "met"), ctx.facts) if applies else (None, [])
        outcome = self.status(ob, ctx, applies, met)
        if outcome == "not_applicable":
            return None
        status: Status = outcome  # type: ignore[assignment]
        # a reach or role gate that holds is true of every finding of the organisation: not repeated in each
        gates = self.books.gates
        applies_trace = self._entries([e for e in applies_explained if not (e[0] in gates and e[1] is True)], ctx)
        met_trace = self._entries(met_explained, ctx)
        unknown = sorted({e.fact for e in _flatten(applies_trace + met_trace) if e.value is None})

        def reached(code: str) -> bool:  # an obligation that applies cites at least one such instrument
            return ctx.facts.get(self.books.reach.get(code, ""), True) is not False

        # incidents judged by the versions in force when they occurred (those the obligation covers)
        conduct_days = [d for d in self.incident_days if holds_on(ob, d)] if ob.conduct == "incidents" else []
        when: date | list[date] = conduct_days or self.day

        return Finding(
            id=ob.id if ctx.scope == "org" else f"{ob.id}@{ctx.id}",
            obligation=ob.id,
            scope=ob.scope,
            subject=None if ctx.scope == "org" else ctx.id,
            status=status,
            severity=ob.severity,
            confidence=ob.confidence,
            title=ob.title,
            summary=ob.summary,
            citations=cites(ob.citations, when, reached),
            penalties=cites(ob.penalties, when, reached),
            trace=Trace(
                applies=applies_trace,
                met=met_trace,
                unknown=unknown,
                questions=[f[2:] for f in unknown if f.startswith("q.")],
            ),
            remediation=ob.remediation,
            evidence=ob.evidence,
        )

    def decide(self, decision_id: str, ctx: Context) -> Decided:
        """Walk the decision table in order; an unknown condition before a match leaves it undetermined."""
        decision = self.books.decisions[decision_id]
        for i, outcome in enumerate(decision.outcomes):
            if outcome.in_force and not outcome.in_force.contains(self.day):
                continue
            reference, explanation = explained(self.books.cond(decision.id, f"outcome{i}"), ctx.facts)
            result = self.truth(decision.id, f"outcome{i}", ctx, reference)
            trace = self._entries(explanation, ctx)
            if result is None:
                missing = [self._name(e.fact) for e in _flatten(trace) if e.value is None]
                facts = Text(zh="；".join(m.zh for m in missing), en="; ".join(m.en for m in missing))
                reason = Reason(text=message("transfer.missing_facts", facts=facts), citations=[])
                return Decided("undetermined", [reason], [], trace)
            if result:
                tasks = [
                    TaskOut(id=task_id(t, k), text=t.text, deadline=t.deadline, citations=cites(t.citations, self.day))
                    for k, t in enumerate(outcome.tasks, start=1)
                ]
                return Decided(
                    outcome.value,
                    [Reason(text=outcome.reason, citations=cites(outcome.citations, self.day))],
                    tasks,
                    trace,
                )
        return Decided("undetermined", [], [], [])

    def transfer(self, ctx: Context, loaded: LoadedAssessment) -> TransferOut:
        tr = next(t for t in loaded.assessment.transfers if t.id == ctx.id)
        decided = self.decide(manifest().mechanism_decision, ctx)
        return TransferOut(
            id=tr.id,
            recipient=tr.recipient,
            destination=tr.destination,
            individuals_non_sensitive=tr.individuals_non_sensitive,
            individuals_sensitive=tr.individuals_sensitive,
            processor_total_non_sensitive=ctx.facts["transfer.total_non_sensitive"],
            processor_total_sensitive=ctx.facts["transfer.total_sensitive"],
            important_data=tr.important_data,
            mechanism=decided.value,  # type: ignore[arg-type]
            mechanism_in_place=tr.mechanism_in_place,
            reasons=decided.reasons + self._counted(ctx, loaded) + self._id_numbers(ctx),
            citations=[c for r in decided.reasons for c in r.citations],
            tasks=decided.tasks,
            trace=decided.trace,
        )

    def _name(self, fact: str) -> Text:
        """A fact as a person reads it: the question asked, or the derived fact's title."""
        if fact.startswith("q.") and (q := self.books.questions.get(fact[2:])) is not None:
            return q.text
        if fact in self.books.derived:
            return self.books.derived[fact].title
        return Text(zh=fact, en=fact)

    def _counted(self, ctx: Context, loaded: LoadedAssessment) -> list[Reason]:
        """Which people the cumulative thresholds counted for this transfer, and which they left out."""
        cited = ["CBDF-PROVISIONS art. 7 para. 2", "CBDF-PROVISIONS art. 8 para. 2"]
        if ctx.facts.get("transfer.exports_pi") is not True or ctx.id in self.exempt or not cites(cited, self.day):
            return []  # earlier regimes counted otherwise (see the decision's own reasons)
        org = loaded.assessment.organisation
        totals = (ctx.facts["transfer.total_non_sensitive"], ctx.facts["transfer.total_sensitive"])
        if org.outbound_individuals_non_sensitive is not None and org.outbound_individuals_sensitive is not None:
            text = message("transfer.counted_given", non_sensitive=totals[0], sensitive=totals[1])
        else:
            # named by recipient, as a filing reads them (ids are the file's, not the regulator's)
            counted = counted_transfers(loaded.assessment, self.exempt)
            parts = "; ".join(
                f"{t.recipient} ({t.individuals_non_sensitive}/{t.individuals_sensitive})" for t in counted
            )
            left_out = sorted(t.recipient for t in loaded.assessment.transfers if t.id in self.exempt)
            text = message(
                "transfer.counted_sum",
                non_sensitive=totals[0],
                sensitive=totals[1],
                counted=parts,
                excluded="; ".join(left_out) or "—",
            )
        return [Reason(text=text, citations=cites(cited, self.day))]

    def _id_numbers(self, ctx: Context) -> list[Reason]:
        """Where identity numbers leave the country: what the standard's stricter reading would decide."""
        if ctx.id not in self.id_reading:
            return []
        from engine.render.words import messages  # the mechanism's label, as the reports name it

        mechanism = messages()[f"mechanism.{self.id_reading[ctx.id]}"]
        text = message("transfer.id_numbers", mechanism=mechanism)
        return [Reason(text=text, citations=cites(["PIPL art. 28 para. 1"], self.day))]

    def pipia(self, contexts: list[Context]) -> PipiaRequired:
        """Required when any trigger fact (PIPL art. 55 para. 1 items) holds in any context."""
        texts: set[str] = set()
        subjects: set[str] = set()
        for ctx in contexts:
            for trigger in manifest().pipia_triggers:
                if ctx.facts.get(trigger) is True:
                    texts.update(self.books.derived[trigger].citations)
                    subjects.add(ctx.id)
        ordered = sorted(texts, key=lambda t: citation.Citation.parse(t).sort_key())
        return PipiaRequired(required=bool(subjects), citations=cites(ordered, self.day), subjects=sorted(subjects))


def _flatten(entries: list[TraceEntry]) -> list[TraceEntry]:
    out = []
    for e in entries:
        out.append(e)
        out.extend(_flatten(e.because))
    return out


def _apply_waivers(findings: list[Finding], loaded: LoadedAssessment, day: date) -> list[Finding]:
    """A waived gap stays in the report as `waived`; an expired waiver leaves it a gap."""
    waivers = loaded.assessment.waivers
    problems = []
    out = list(findings)
    for i, w in enumerate(waivers):
        targets = [j for j, f in enumerate(out) if w.finding in (f.id, f.obligation)]
        if not targets:
            hint = closest(w.finding, [*(f.id for f in out), *(f.obligation for f in out)])
            problems += loaded.located.error(
                f"waivers.{i}.finding", both("input.waiver_no_finding", finding=w.finding, hint=hint)
            ).problems
        for j in targets:
            f = out[j]
            expired = w.expires < day
            status: Status = "waived" if f.status == "gap" and not expired else f.status
            out[j] = f.model_copy(
                update={
                    "status": status,
                    "waiver": WaiverOut(
                        reason=w.reason, approver=w.approver, expires=w.expires.isoformat(), expired=expired
                    ),
                }
            )
    if problems:
        raise InputError(problems)
    return out


def _summary(findings: list[Finding]) -> Summary:
    by_status: Counter[str] = Counter(f.status for f in findings)
    gaps: Counter[str] = Counter(f.severity for f in findings if f.status == "gap")
    return Summary(
        applicable=len(findings),
        by_status={s: by_status.get(s, 0) for s in ("gap", "met", "unknown", "waived")},
        gaps_by_severity={s: gaps.get(s, 0) for s in SEVERITIES},
    )


def exceeds(doc: FindingsDocument, fail_on: str) -> bool:
    """True when a gap (not waived) reaches the --fail-on severity."""
    if fail_on == "none":
        return False
    limit = SEVERITIES.index(fail_on)
    return any(f.status == "gap" and SEVERITIES.index(f.severity) <= limit for f in doc.findings)
