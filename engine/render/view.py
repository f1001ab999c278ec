"""What the reports show, computed once from the findings document and the validated inputs.

Templates only lay this out; the PDF, CSV and XLSX renderers share the same remediation actions,
so the checklist reads the same in every format.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any

from engine import citation
from engine.assessment import MAINLAND, Activity
from engine.dataset import Dataset
from engine.finding import CitationOut, Finding, FindingsDocument, PlanOut, TransferOut
from engine.inputs import LoadedAssessment
from engine.obligation import SEVERITIES
from engine.questions import question_bank
from engine.remediation import default_priority, ordered, task_ref, task_severity
from engine.render.conclusion import Verdict, verdict
from engine.render.diagram import Diagram, FlowBuilder, wrap
from engine.render.penalty import Exposure as PenaltyExposure
from engine.render.penalty import exposures, fine_text, tier_text
from engine.render.reasons import reason
from engine.render.risk import Cell, Exposure, Risk, matrix, order, score
from engine.render.words import Words, as_text
from engine.taxonomy import taxonomy
from engine.text import Text

NOT_A_TRANSFER = "not_a_transfer"
HEAT_FONT = 8.5  # font size of the heat-map axis labels (macros.html heat_svg)
STATUS_ORDER = ("gap", "unknown", "waived", "met")
# Findings about the purpose, basis and necessity of processing (PIPL art. 56 para. 1 item 1):
# principles (arts 5-7), legal bases and consent (arts 13-17), retention (art. 19), sensitive PI (arts 28-30).
LAWFULNESS_ARTICLES = {5, 6, 7, 13, 14, 15, 16, 17, 19, 28, 29, 30}
# A transfer's lawfulness: PIPL arts 38-39 and the mechanism rules of the CAC cross-border instruments.
TRANSFER_LAWFULNESS = ("CBDF-PROVISIONS", "SA-MEASURES", "SC-MEASURES", "CERT-MEASURES")
EDITIONS = ("filing", "working")
NAMES_SHOWN = 12  # subjects named in a grouped finding; the rest are in the per-activity annex
FLAGS = ("automated_decision", "automated_marketing", "entrusted_processing", "provides_to_other_processor",
         "public_disclosure", "public_image_capture", "publicly_available_pi")

# Report outlines: (heading key, section template or None for a heading that only groups).
Outline = list[tuple[str, str | None, list[tuple[str, str]]]]
OUTBOUND: Outline = [
    ("h.overall", None, [("h.processor", "processing"), ("h.recipients", "recipients"), ("h.other", "scope")]),
    ("h.impact", None, [("h.lawfulness", "lawfulness"), ("h.risk", "risk"), ("h.safeguards", "safeguards"),
                        ("h.penalties", "penalties"), ("h.crossborder", "transfers"), ("h.conclusion", "conclusion")]),
    ("h.remediation", "remediation", []),
    ("h.signoff", "signoff", []),
    ("h.annex", "annex", []),
]
DOMESTIC: Outline = [
    ("h.scope", "scope", []),
    ("h.processing", "processing", []),
    ("h.lawfulness", "lawfulness", []),
    ("h.risk", "risk", []),
    ("h.safeguards", "safeguards", []),
    ("h.penalties", "penalties", []),
    ("h.transfers", "transfers", []),
    ("h.conclusion", "conclusion", []),
    ("h.remediation", "remediation", []),
    ("h.signoff", "signoff", []),
    ("h.annex", "annex", []),
]


@dataclass(frozen=True)
class Section:
    anchor: str
    heading: str
    number: str
    level: int
    template: str | None


@dataclass(frozen=True)
class Action:
    """One line of the remediation checklist."""

    number: int
    severity: str
    kind: str  # gap | unknown | task
    group: Text
    title: Text
    citations: list[CitationOut]
    steps: list[Text]
    evidence: list[Text]
    deadline: Text | None
    ref: str
    plan: PlanOut
    after: tuple[int, ...] = ()  # numbers of the actions to finish first


@dataclass(frozen=True)
class Group:
    title: Text
    findings: list[Finding]


@dataclass(frozen=True)
class Grouped:
    """One obligation with the subjects it affects in one status: the report shows it once (issue 11 §8).

    `reasons` pairs each distinct reason (filing: the sentence; working: the trace of its first finding)
    with the findings it explains, so a reason shared by 200 activities is printed once."""

    first: Finding
    findings: list[Finding]
    reasons: list[tuple[Finding, Text, list[Finding]]]


@dataclass(frozen=True)
class Line:
    """A grouped row: one obligation or action and the subjects it concerns."""

    first: Any
    subjects: list[str]


@dataclass
class Report:
    doc: FindingsDocument
    loaded: LoadedAssessment
    words: Words
    outbound: bool
    sections: list[Section]
    created: datetime
    findings_sha256: str
    subjects: dict[str, Text]
    exposures: dict[str, Exposure]
    risks: list[Risk]
    heat: list[list[Cell]]
    heat_residual: list[list[Cell]]
    instruments: list[Group]
    actions: list[Action]
    flow: list[Diagram]  # the data-flow diagram, in parts that each fit a page
    categories: list[dict[str, Any]] = field(default_factory=list)
    edition: str = "filing"

    @property
    def working(self) -> bool:
        """The working-paper edition: rule ids, traces, method and engine versions are shown."""
        return self.edition == "working"

    def reason(self, finding: Finding) -> Text:
        return reason(finding, self.words)

    def grouped(self, findings: list[Finding]) -> list[Grouped]:
        """Findings of one obligation and status together, in first-seen order; reasons deduplicated."""
        groups: dict[tuple[str, str], list[Finding]] = {}
        for f in findings:
            groups.setdefault((f.obligation, f.status), []).append(f)
        out = []
        for items in groups.values():
            reasons: dict[str, tuple[Finding, Text, list[Finding]]] = {}
            for f in items:
                text = self.reason(f)
                key = f.trace.model_dump_json() if self.working else text.zh + "\x00" + text.en
                reasons.setdefault(key, (f, text, []))[2].append(f)
            out.append(Grouped(items[0], items, list(reasons.values())))
        return out

    def names(self, subjects: list[str | None]) -> Text:
        """Subject names, at most NAMES_SHOWN of them and a count of the rest (listed in the annex)."""
        shown = [self.subject(s) for s in dict.fromkeys(subjects)]
        more = len(shown) - NAMES_SHOWN
        head = shown[:NAMES_SHOWN] if more > 0 else shown
        zh = "、".join(t.zh for t in head)
        en = "; ".join(t.en for t in head)
        if more > 0:
            rest = self.words.text("f.more", n=more)
            zh, en = f"{zh}{rest.zh}", f"{en} {rest.en}"
        return Text(zh=zh, en=en)

    def risk_lines(self, risks: list[Risk]) -> list[Line]:
        """Risks of one obligation, status and levels together."""
        lines: dict[tuple[Any, ...], Line] = {}
        for k in risks:
            key = (k.finding.obligation, k.finding.status, k.inherent, k.residual, k.factors)
            lines.setdefault(key, Line(k, [])).subjects.append(k.finding.subject or "")
        return list(lines.values())

    def action_lines(self) -> list[Line]:
        """Remediation actions of the same content together, with the subjects they concern."""
        lines: dict[tuple[str, ...], Line] = {}
        for a in self.actions:
            key = (a.title.zh, a.title.en, a.kind, a.severity, a.deadline.zh if a.deadline else "")
            lines.setdefault(key, Line(a, [])).subjects.append(a.ref.split("@", 1)[1] if "@" in a.ref else
                                                              a.ref.split("#", 1)[0] if "#" in a.ref else "")
        return list(lines.values())

    @cached_property
    def by_subject(self) -> dict[str, list[Finding]]:
        """Findings by subject ("" for the organisation), in document order: computed once, not once per row."""
        out: dict[str, list[Finding]] = defaultdict(list)
        for f in self.doc.findings:
            out[f.subject or ""].append(f)
        return out

    def verdicts(self) -> list[Verdict]:
        """The conclusion for the organisation-wide duties, each activity and each transfer."""
        by_subject = self.by_subject
        by_risk: dict[str, list[Risk]] = defaultdict(list)
        for k in self.risks:
            by_risk[k.finding.subject or ""].append(k)
        transfer_ids = {t.id for t in self.doc.transfers}

        def lawful(f: Finding) -> bool:
            if f.subject in transfer_ids:
                return any(c.instrument in TRANSFER_LAWFULNESS or (c.instrument == "PIPL" and c.article in (38, 39))
                           for c in f.citations)
            return any(c.instrument == "PIPL" and c.article in LAWFULNESS_ARTICLES for c in f.citations)

        keys = ["", *(a.id for a in self.loaded.assessment.activities), *(t.id for t in self.doc.transfers)]
        return [verdict(k, by_subject.get(k, []), by_risk[k], lawful) for k in keys if k or by_subject.get(k)]

    def penalty_exposures(self) -> list[PenaltyExposure]:
        return exposures(self.doc.findings)

    def penalty_lines(self, e: PenaltyExposure) -> list[Text]:
        def provision(key: str) -> Text:
            c = citation.Citation.parse(key)
            return Text(zh=c.zh(), en=str(c))

        return [tier_text(t, {m: self.words.text(f"penalty.measure.{m}") for m in t.measures},
                          self.words.text(f"penalty.when.{t.when}"),
                          {r: self.words.text(f"penalty.refer.{r}") for r in t.refers},
                          {p: provision(p) for p in t.as_in}) for t in e.tiers]

    def top_fine(self, e: PenaltyExposure) -> Text | None:
        """The sentence on the largest fine on the organisation the provision allows, each language its own."""
        fines = [t.organisation for t in e.tiers if t.organisation and t.organisation.ceiling]
        if not fines:
            return None
        amount, cite, msg = fine_text(max(fines, key=lambda f: f.ceiling)), self.cite([e.citation]), \
            self.words.text("penalties.top")
        return Text(zh=msg.zh.format(amount=amount.zh, cite=cite.zh), en=msg.en.format(amount=amount.en, cite=cite.en))

    def by_obligation(self) -> list[tuple[Finding, dict[str, int], list[Finding]]]:
        """Annex 1: each obligation once, with its result counts by status and its findings."""
        rows: dict[str, list[Finding]] = {}
        for f in self.doc.findings:
            rows.setdefault(f.obligation, []).append(f)
        return [(fs[0], {s: sum(1 for f in fs if f.status == s) for s in STATUS_ORDER}, fs) for fs in rows.values()]

    def by_activity(self) -> list[tuple[str, list[Finding], list[Finding], int]]:
        """Annex 2: per activity (then transfer), its gaps and waived findings, its open ones, and how many are met."""
        out = []
        subjects = [a.id for a in self.loaded.assessment.activities] + [t.id for t in self.doc.transfers]
        for s in subjects:
            fs = self.by_subject.get(s, [])
            out.append((s, [f for f in fs if f.status in ("gap", "waived")], [f for f in fs if f.status == "unknown"],
                        sum(1 for f in fs if f.status == "met")))
        return out

    @property
    def title(self) -> Text:
        return self.doc.assessment.title

    def subject(self, key: str | None) -> Text:
        return self.subjects.get(key or "", self.doc.assessment.organisation)

    def by_status(self, *statuses: str) -> list[Finding]:
        return [f for f in self.doc.findings if f.status in statuses]

    def lawfulness(self, activity: str) -> list[Finding]:
        return [f for f in self.by_subject.get(activity, []) if any(
            c.instrument == "PIPL" and c.article in LAWFULNESS_ARTICLES for c in f.citations)]

    def text(self, value: str | Text) -> Text:
        return as_text(value)

    def steps(self, finding: Finding) -> list[Text]:
        return _pairs(finding.remediation.zh, finding.remediation.en)

    def evidence(self, finding: Finding) -> list[Text]:
        return _pairs(finding.evidence.zh, finding.evidence.en)

    def activity_flags(self, act: Activity) -> list[tuple[Text, bool]]:
        """The features that make an activity notable (PIPL art. 55 triggers among them), as `series` items."""
        role = [] if act.role == "controller" else [f"flag.{act.role}"]
        keys = role + [f"flag.{name}" for name in FLAGS if getattr(act, name)]
        return [(self.words.text(key), False) for key in keys]

    def subject_names(self, act: Activity) -> str:
        return self.words.items([self.words.say(f"subject.{s}") for s in act.data_subjects])

    def dataset_categories(self, ds: Dataset) -> list[tuple[Text, bool]]:
        """(name, sensitive) of each PI category of a dataset."""
        tax = taxonomy()
        keys = sorted({k for c in ds.categories() if (k := tax.resolve(c)) is not None})
        return [(category_name(k), tax.categories[k].sensitive) for k in keys]

    def scale_label(self, axis: str, level: int, width: float) -> list[str]:
        """A heat-map axis label ("3 · 严重", English beneath in bilingual reports) as lines that fit `width`."""
        text = self.words.text(f"{axis}.{level}")
        parts = [text.zh, text.en] if self.words.lang == "bilingual" else [text.get(self.words.main)]
        return [line for i, part in enumerate(parts) for line in wrap(f"{level} · {part}" if i == 0 else part,
                                                                       HEAT_FONT, width)]

    def risk_factors(self, risk: Risk) -> str:
        return self.words.items([self.words.say(f"risk.factor.{f}") for f in risk.factors])

    def trigger_names(self) -> list[str]:
        """The activities and transfers that require a PIPIA, by name: ids are internal."""
        return [self.words.plain(self.subject(key)) for key in self.doc.pipia_required.subjects]

    def category_names(self, activity_id: str) -> str:
        tax = taxonomy()
        names = [self.words.plain(category_name(k))
                 + (f" ({self.words.say('sensitive')})" if tax.categories[k].sensitive else "")
                 for k in activity_categories(self.loaded, activity_id)]
        return self.words.items(names) if names else "—"

    def fact(self, name: str) -> Text:
        """A questionnaire fact reads as its question; other facts keep their name."""
        q = question_bank().by_id().get(name[2:]) if name.startswith("q.") else None
        return q.text if q else Text(zh=name, en=name)

    def questions(self, finding: Finding) -> list[Text]:
        bank = question_bank().by_id()
        return [bank[q].text if q in bank else Text(zh=q, en=q) for q in finding.trace.questions]

    def value(self, v: Any) -> Text:
        if v is None:
            return self.words.text("value.unknown")
        if isinstance(v, bool):
            return self.words.text("yes" if v else "no")
        if isinstance(v, list):
            return Text(zh="、".join(map(str, v)), en=", ".join(map(str, v)))
        return Text(zh=str(v), en=str(v))

    def law_names(self, codes: list[str]) -> Text:
        """Instrument titles as one text: 《个人信息保护法》、… / Personal Information Protection Law (PIPL); …"""
        titles = [instrument_title(code) for code in codes]
        return Text(zh="、".join(t.zh for t in titles), en="; ".join(t.en for t in titles))

    def cite(self, cites: list[CitationOut]) -> Text:
        """Citations as one text: 《个人信息保护法》第二十九条、… / PIPL art. 29, …"""
        return Text(zh="、".join(c.label("zh") for c in cites), en="; ".join(c.label("en") for c in cites))

    def conclusion(self) -> str:
        gaps = self.doc.summary.gaps_by_severity
        if gaps.get("critical", 0) or gaps.get("high", 0):
            return "conclusion.major"
        if any(gaps.values()) or self.doc.summary.by_status.get("unknown", 0):
            return "conclusion.conditional"
        return "conclusion.clear"


def build(doc: FindingsDocument, loaded: LoadedAssessment, lang: str, reproducible: bool,
          edition: str = "filing") -> Report:
    words = Words(lang)
    outbound = any(t.mechanism != NOT_A_TRANSFER for t in doc.transfers)
    as_of = date.fromisoformat(doc.assessment.as_of)
    created = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC) if reproducible else datetime.now(UTC)
    subjects = _subjects(doc, loaded)
    exposures = _exposures(doc, loaded)
    risks = order([r for f in doc.findings if (r := score(f, exposures.get(f.subject or "", Exposure()))) is not None])
    return Report(
        doc=doc, loaded=loaded, words=words, outbound=outbound,
        sections=_sections(OUTBOUND if outbound else DOMESTIC, words, bool(doc.transfers)),
        created=created,
        findings_sha256=hashlib.sha256(doc.to_json().encode("utf-8")).hexdigest(),
        subjects=subjects, exposures=exposures, risks=risks, heat=matrix([r.inherent for r in risks]),
        heat_residual=matrix([r.residual for r in risks]),
        instruments=_by_instrument(doc.findings),
        actions=actions(doc, subjects),
        flow=_flow(doc, loaded, words),
        categories=_categories(loaded),
        edition=edition,
    )


def _sections(outline: Outline, words: Words, has_transfers: bool) -> list[Section]:
    out = []
    n = 0
    for heading, template, children in outline:
        if template == "transfers" and not has_transfers:
            continue
        n += 1
        number = f"{citation.zh_number(n)}、" if words.main == "zh" else f"{n}."
        out.append(Section(f"s{n}", heading, number, 1, template))
        for m, (child, child_template) in enumerate(children, start=1):
            sub = f"（{citation.zh_number(m)}）" if words.main == "zh" else f"{n}.{m}"
            out.append(Section(f"s{n}-{m}", child, sub, 2, child_template))
    return out


def _subjects(doc: FindingsDocument, loaded: LoadedAssessment) -> dict[str, Text]:
    names = {a.id: as_text(a.name) for a in loaded.assessment.activities}
    for t in doc.transfers:
        names[t.id] = Text(zh=f"{t.recipient}（{t.destination}）", en=f"{t.recipient} ({t.destination})")
    return names


def activity_categories(loaded: LoadedAssessment, activity_id: str) -> list[str]:
    act = next(a for a in loaded.assessment.activities if a.id == activity_id)
    tax = taxonomy()
    keys = {c for ds in act.datasets if ds in loaded.datasets for c in loaded.datasets[ds].categories()}
    keys |= set(act.pi_categories)
    return sorted({k for c in keys if (k := tax.resolve(c)) is not None})


def category_name(key: str) -> Text:
    cat = taxonomy().categories[key]
    return Text(zh=cat.zh, en=cat.en)


def _is_sensitive(keys: list[str]) -> bool:
    tax = taxonomy()
    return any(tax.categories[k].sensitive for k in keys)


def _exposures(doc: FindingsDocument, loaded: LoadedAssessment) -> dict[str, Exposure]:
    """What each subject exposes individuals to: sensitivity, scale, the paths its data takes, incidents."""
    a = loaded.assessment
    outbound_ids = {t.id for t in doc.transfers if t.mechanism != NOT_A_TRANSFER}
    incidents = len(a.incidents)
    out: dict[str, Exposure] = {}
    for act in a.activities:
        sizes = [loaded.datasets[d].individuals for d in act.datasets if d in loaded.datasets]
        out[act.id] = Exposure(
            sensitive=_is_sensitive(activity_categories(loaded, act.id)) or "minors_under_14" in act.data_subjects,
            individuals=act.individuals if act.individuals is not None else max(sizes, default=0),
            outbound=any(t.activity == act.id and t.id in outbound_ids for t in a.transfers),
            provided=act.entrusted_processing or act.provides_to_other_processor or act.public_disclosure,
            automated=act.automated_decision or act.automated_marketing,
            public_capture=act.public_image_capture,
            incidents=incidents,
        )
    for t in doc.transfers:
        out[t.id] = Exposure(sensitive=t.individuals_sensitive > 0,
                             individuals=t.individuals_sensitive + t.individuals_non_sensitive,
                             outbound=t.id in outbound_ids, provided=True, incidents=incidents)
    every = list(out.values())
    out[""] = Exposure(sensitive=any(e.sensitive for e in every), individuals=a.organisation.individuals_total,
                       outbound=bool(outbound_ids), provided=any(e.provided for e in every),
                       automated=any(e.automated for e in every), public_capture=any(e.public_capture for e in every),
                       incidents=incidents)
    return out


def instrument_title(code: str) -> Text:
    inst = citation.instrument(code)
    if inst is None:
        return Text(zh=code, en=code)
    return Text(zh=f"《{citation.short_title_zh(inst['title_zh'])}》", en=f"{inst['title_en']} ({code})")


def _by_instrument(findings: list[Finding]) -> list[Group]:
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        grouped[f.citations[0].instrument if f.citations else ""].append(f)
    return [Group(instrument_title(code) if code else Text(zh="其他", en="Other"),
                  sorted(items, key=lambda f: (STATUS_ORDER.index(f.status) if f.status in STATUS_ORDER else 9,
                                               _severity(f.severity), f.id)))
            for code, items in sorted(grouped.items())]


def _severity(sev: str) -> int:
    return SEVERITIES.index(sev) if sev in SEVERITIES else len(SEVERITIES)


def actions(doc: FindingsDocument, subjects: dict[str, Text]) -> list[Action]:
    """Open findings and transfer tasks in plan order: priority (by default the severity), then legal deadline
    first, then citation, each after the actions it depends on (engine/remediation.py)."""
    bank = question_bank().by_id()
    org = doc.assessment.organisation
    pending: list[Action] = []
    for f in doc.findings:
        if f.status not in ("gap", "unknown"):
            continue
        asks = [Text(zh=f"确认：{bank[q].text.zh}", en=f"Confirm: {bank[q].text.en}")
                for q in f.trace.questions if q in bank]
        pending.append(Action(0, f.severity, f.status, subjects.get(f.subject or "", org), f.title, f.citations,
                              asks + _pairs(f.remediation.zh, f.remediation.en),
                              _pairs(f.evidence.zh, f.evidence.en), None, f.id,
                              f.plan or PlanOut(priority=default_priority(f.severity))))
    for t in doc.transfers:
        sev = task_severity(t, doc.findings)
        for i, task in enumerate(t.tasks, start=1):
            pending.append(Action(0, sev, "task", subjects.get(t.id, org), task.text, task.citations,
                                  [], [], task.deadline, task_ref(t.id, task.id or f"task{i}"),
                                  task.plan or PlanOut(priority=default_priority(sev))))
    by_ref = {a.ref: a for a in pending}
    keys = {a.ref: (a.plan.priority, _severity(a.severity), a.deadline is None,
                    [citation.Citation(instrument=c.instrument, article=c.article, paragraph=c.paragraph,
                                       item=c.item).sort_key() for c in a.citations]) for a in pending}
    refs = ordered(keys, {a.ref: a.plan.after for a in pending})
    number = {ref: i for i, ref in enumerate(refs, start=1)}
    return [replace(by_ref[r], number=number[r],
                    after=tuple(sorted(number[d] for d in by_ref[r].plan.after if d in number))) for r in refs]


def _pairs(zh: list[str], en: list[str]) -> list[Text]:
    return [Text(zh=z, en=e) for z, e in zip(zh, en, strict=False)]


def _categories(loaded: LoadedAssessment) -> list[dict[str, Any]]:
    """Every PI category in the inventory or activities, with where it occurs (sensitive first)."""
    tax = taxonomy()
    used: dict[str, dict[str, list[Any]]] = defaultdict(lambda: {"datasets": [], "activities": []})
    for ds in loaded.datasets.values():
        for c in ds.categories():
            if (k := tax.resolve(c)) is not None:
                used[k]["datasets"].append(as_text(ds.name))
    for act in loaded.assessment.activities:
        for k in activity_categories(loaded, act.id):
            used[k]["activities"].append(act.id)
    rows = [{"key": k, "name": category_name(k), "sensitive": tax.categories[k].sensitive, **where}
            for k, where in used.items()]
    return sorted(rows, key=lambda r: (not r["sensitive"], r["key"]))


def _flow(doc: FindingsDocument, loaded: LoadedAssessment, words: Words) -> list[Diagram]:
    """Activities → systems → the recipients the inputs name (transfers); nothing invented.

    Entrustment and provision to other processors (flags of the activity; the inputs do not name those
    recipients) stay a note in the activity's box.
    """
    a = loaded.assessment
    flow = FlowBuilder()
    for act in a.activities:
        notes = [words.say("flow.unnamed", what=words.say(f"flag.{flag}"))
                 for flag in ("entrusted_processing", "provides_to_other_processor") if getattr(act, flag)]
        src = flow.node(f"a:{act.id}", 0, words.plain(as_text(act.name)),
                        [words.items([words.say(f"subject.{s}") for s in act.data_subjects]), *notes])
        for ds_id in act.datasets:
            if (ds := loaded.datasets.get(ds_id)) is not None:
                flow.link(src, _system(flow, ds.system, ds.storage_location, words))
    outbound = {t.id: t for t in doc.transfers}
    for tr in a.transfers:
        out: TransferOut | None = outbound.get(tr.id)
        overseas = tr.destination != MAINLAND and (out is None or out.mechanism != NOT_A_TRANSFER)
        where = words.say("flow.overseas" if overseas else "flow.domestic")
        target = flow.node(f"t:{tr.id}", 2, tr.recipient, [f"{where} · {tr.destination}"],
                           "overseas" if overseas else "domestic")
        sources = [_system(flow, loaded.datasets[d].system, loaded.datasets[d].storage_location, words)
                   for d in tr.datasets if d in loaded.datasets]
        if not sources and tr.activity:
            sources = [f"a:{tr.activity}"]
        if not sources:
            sources = [flow.node("org", 0, words.plain(as_text(a.organisation.name)), [words.say("flow.processor")])]
        for s in sources:
            flow.link(s, target, overseas)
    return flow.build_parts()


def _system(flow: FlowBuilder, system: str, location: str, words: Words) -> str:
    where = words.say("flow.stored_in", location=location)
    return flow.node(f"s:{system}|{location}", 1, system, [where], "internal" if location == MAINLAND else "overseas")
