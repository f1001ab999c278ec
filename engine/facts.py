"""Facts: what the rulebooks can test, and how an assessment becomes facts.

Three kinds of context are evaluated: the organisation (one), each processing activity and each
outbound transfer. Every context also carries the organisation's facts, so a rule about an activity
can ask `org.ciio`. Fact names are `org.*`, `activity.*`, `transfer.*` (from the inputs and the
inventory), `q.*` (questionnaire answers) and derived facts declared in the rulebooks.
A fact that is absent is unknown; rules never treat it as true or false.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine import citation
from engine.assessment import DATA_SUBJECTS, LEGAL_BASES, MAINLAND, ROLES, Activity, Assessment, Transfer
from engine.condition import FactSpec, FactType
from engine.dataset import Dataset
from engine.questions import Question, QuestionBank, Scope, question_bank
from engine.taxonomy import Taxonomy

SCOPES: tuple[Scope, ...] = ("org", "activity", "transfer")
GRADES = ("general", "important", "core")


def _enum(values: Any) -> tuple[str, ...]:
    return tuple(values)


def input_specs(taxonomy: Taxonomy) -> dict[str, FactSpec]:
    """Facts read from assessment.yaml and the dataset inventory."""
    from engine.assessment import OutsideChinaBasis, TransferPurpose

    tags = taxonomy.all_tags()
    cats = tuple(taxonomy.categories)
    raw: list[tuple[str, FactType, tuple[str, ...] | None]] = [
        ("org.ciio", "bool", None),
        ("org.state_organ", "bool", None),
        ("org.public_service_body", "bool", None),
        ("org.outside_china", "bool", None),
        ("org.outside_china_basis", "list", _enum(OutsideChinaBasis.__args__)),  # type: ignore[attr-defined]
        ("org.processes_in_china", "bool", None),
        ("org.networks_in_china", "bool", None),
        ("org.roles", "list", ROLES),
        ("org.shenzhen", "bool", None),
        ("org.free_trade_zone", "bool", None),
        ("org.network_operator", "bool", None),
        ("org.internet_platform", "bool", None),
        ("org.registered_users", "int", None),
        ("org.monthly_active_users", "int", None),
        ("org.platform_complex_business_types", "bool", None),
        ("org.individuals_total", "int", None),
        ("org.important_data_processor", "bool", None),
        ("org.important_data_sharing", "list", ("provides", "entrusts", "joint_processing")),
        ("org.pi_tags", "list", tags),
        ("org.data_subjects", "list", DATA_SUBJECTS),
        ("org.data_grades", "list", GRADES),
        ("org.has_transfers", "bool", None),
        ("org.incident_count", "int", None),
        ("org.pi_incident_count", "int", None),
        ("org.max_incident_individuals", "int", None),
        ("org.incidents_under_incident_measures", "int", None),
        ("org.max_individuals_under_incident_measures", "int", None),
        ("org.incidents_handled", "bool", None),
        ("org.data_incidents_handled", "bool", None),
        ("activity.legal_basis", "enum", LEGAL_BASES),
        ("activity.data_subjects", "list", DATA_SUBJECTS),
        ("activity.pi_categories", "list", cats),
        ("activity.pi_tags", "list", tags),
        ("activity.individuals", "int", None),
        ("activity.data_grades", "list", GRADES),
        ("activity.stored_outside_mainland", "bool", None),
        ("activity.automated_decision", "bool", None),
        ("activity.automated_marketing", "bool", None),
        ("activity.entrusted_processing", "bool", None),
        ("activity.role", "enum", ROLES),
        ("activity.provides_to_other_processor", "bool", None),
        ("activity.public_disclosure", "bool", None),
        ("activity.public_image_capture", "bool", None),
        ("activity.publicly_available_pi", "bool", None),
        ("activity.has_transfers", "bool", None),
        ("transfer.destination", "str", None),
        ("transfer.to_mainland", "bool", None),
        ("transfer.individuals_non_sensitive", "int", None),
        ("transfer.individuals_sensitive", "int", None),
        ("transfer.total_non_sensitive", "int", None),
        ("transfer.total_sensitive", "int", None),
        ("transfer.important_data", "bool", None),
        ("transfer.purpose", "enum", _enum(TransferPurpose.__args__)),  # type: ignore[attr-defined]
        ("transfer.domestic_data_added", "bool", None),
        ("transfer.ftz_negative_list", "enum", ("none", "outside", "listed")),
        ("transfer.mechanism_in_place", "enum", ("none", "security_assessment", "standard_contract", "certification")),
        ("transfer.legal_basis", "enum", LEGAL_BASES),
        ("transfer.role", "enum", ROLES),
        ("transfer.pi_tags", "list", tags),
    ]
    return {name: FactSpec(name, kind, domain) for name, kind, domain in raw}


def question_specs(bank: QuestionBank) -> dict[str, FactSpec]:
    kinds: dict[str, FactType] = {"bool": "bool", "int": "int", "choice": "enum", "multi": "list", "text": "str"}
    out: dict[str, FactSpec] = {}
    for q in bank.questions:
        if q.type in kinds:  # dates are recorded, not tested
            domain = tuple(o.value for o in q.options) or None
            out[q.fact] = FactSpec(q.fact, kinds[q.type], domain)
    return out


def scope_of(fact: str, questions: Mapping[str, Question]) -> Scope:
    head, _, rest = fact.partition(".")
    if head == "q":
        return questions[rest].scope
    return head  # type: ignore[return-value]


def visible(fact_scope: Scope, context: Scope) -> bool:
    """Activity and transfer contexts also see organisation facts."""
    return fact_scope == context or fact_scope == "org"


@dataclass
class Context:
    """One evaluated unit: the organisation, an activity or a transfer, with its facts."""

    scope: Scope
    id: str
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.scope}:{self.id}"


def _set(out: dict[str, Any], name: str, value: Any) -> None:
    if value is not None:
        out[name] = sorted(value) if isinstance(value, set | list) else value


def _all_true(flags: Iterable[bool | None]) -> bool | None:
    """Three-valued `all`: False if any is False, unknown if any is unknown, else True."""
    values = list(flags)
    if False in values:
        return False
    return None if None in values else True


def _important_sharing(a: Assessment, datasets: Mapping[str, Dataset]) -> set[str]:
    """Ways activities share datasets graded important: providing them or entrusting their processing."""
    out: set[str] = set()
    for act in a.activities:
        if any(datasets[d].grade == "important" for d in act.datasets):
            out |= {"provides"} if act.provides_to_other_processor else set()
            out |= {"entrusts"} if act.entrusted_processing else set()
    return out


def _answers(out: dict[str, Any], answers: Mapping[str, Any], scope: Scope) -> None:
    out.update(question_bank().unclaimed(scope))
    for qid, value in answers.items():
        if value is not None:
            out[f"q.{qid}"] = sorted(value) if isinstance(value, list) else value


def build_contexts(
    a: Assessment,
    datasets: Mapping[str, Dataset],
    taxonomy: Taxonomy,
    exempt: frozenset[str] = frozenset(),
    id_numbers_sensitive: bool | None = None,
) -> list[Context]:
    """Turn validated inputs into contexts; references were checked by the loader. `exempt` names the
    transfers made under an exemption, whose people do not count toward the cumulative thresholds;
    `id_numbers_sensitive` overrides the assessment's reading of identity-document numbers."""
    reading = a.assessment.id_numbers_sensitive if id_numbers_sensitive is None else id_numbers_sensitive
    taxonomy = taxonomy.reading(reading)

    def categories(activity: Activity) -> set[str]:
        cats = {taxonomy.resolve(c) or c for c in activity.pi_categories}
        for ds in activity.datasets:
            cats.update(datasets[ds].categories())
        return cats

    act_cats = {act.id: categories(act) for act in a.activities}
    org = a.organisation
    since = citation.in_force_window("INCIDENT-MEASURES")[0]
    reportable = [i for i in a.incidents if i.occurred >= since]
    all_tags: set[str] = set(taxonomy.tags_of(sorted(set().union(*act_cats.values())))) if act_cats else set()
    org_facts: dict[str, Any] = {
        "org.ciio": org.ciio,
        "org.state_organ": org.state_organ,
        "org.public_service_body": org.public_service_body,
        "org.outside_china": org.outside_china,
        "org.outside_china_basis": sorted(org.outside_china_basis),
        "org.processes_in_china": not org.outside_china or bool(org.processes_in_china),
        "org.networks_in_china": not org.outside_china or bool(org.networks_in_china),
        # an organisation without recorded activities is assessed as deciding its own processing
        "org.roles": sorted({act.role for act in a.activities} or {"controller"}),
        "org.shenzhen": org.shenzhen,
        "org.free_trade_zone": org.free_trade_zone,
        "org.network_operator": org.network_operator,
        "org.internet_platform": org.platform is not None,
        "org.individuals_total": org.individuals_total,
        "org.important_data_processor": org.important_data_processor,
        "org.important_data_sharing": sorted(set(org.important_data_sharing) | _important_sharing(a, datasets)),
        "org.pi_tags": sorted(all_tags),
        "org.data_subjects": sorted({s for act in a.activities for s in act.data_subjects}),
        "org.data_grades": sorted({d.grade for d in datasets.values()}),
        "org.has_transfers": bool(a.transfers),
        "org.incident_count": len(a.incidents),
        "org.pi_incident_count": sum(1 for i in a.incidents if i.pi_involved),
        "org.max_incident_individuals": max((i.individuals_affected for i in a.incidents), default=0),
        # an incident is judged by the rules in force when it occurred: the reporting hours only for
        # incidents from the day the incident-reporting measures took effect
        "org.incidents_under_incident_measures": len(reportable),
        "org.max_individuals_under_incident_measures": max((i.individuals_affected for i in reportable), default=0),
    }
    # PI incidents (PIPL art. 57): remedied, authority and individuals told, unless the processor claims
    # that harm was effectively avoided (art. 57 para. 2); any incident (DSL art. 29): remedied, reported
    # where the rules require it (unless claimed below their thresholds), individuals told where PI was involved
    _set(
        org_facts,
        "org.incidents_handled",
        _all_true(
            flag
            for i in a.incidents
            if i.pi_involved
            for flag in (i.remedied, i.authority_notified, True if i.harm_avoided else i.individuals_notified)
        ),
    )
    _set(
        org_facts,
        "org.data_incidents_handled",
        _all_true(
            flag
            for i in a.incidents
            for flag in (
                i.remedied,
                True if i.below_reporting_threshold else i.authority_notified,
                *((i.individuals_notified,) if i.pi_involved else ()),
            )
        ),
    )
    if org.platform is not None:
        org_facts["org.registered_users"] = org.platform.registered_users
        org_facts["org.monthly_active_users"] = org.platform.monthly_active_users
        org_facts["org.platform_complex_business_types"] = org.platform.complex_business_types
    _answers(org_facts, a.answers, "org")

    contexts = [Context("org", "org", dict(org_facts))]
    activities = {act.id: act for act in a.activities}
    for act in a.activities:
        facts = dict(org_facts)
        cats = act_cats[act.id]
        used = [datasets[d] for d in act.datasets]
        individuals = (
            act.individuals if act.individuals is not None else max((d.individuals for d in used), default=None)
        )
        facts.update(
            {
                "activity.legal_basis": act.legal_basis,
                "activity.data_subjects": sorted(set(act.data_subjects)),
                "activity.pi_categories": sorted(cats),
                "activity.pi_tags": taxonomy.tags_of(sorted(cats)),
                "activity.data_grades": sorted({d.grade for d in used}),
                "activity.stored_outside_mainland": any(d.storage_location != MAINLAND for d in used),
                "activity.automated_decision": act.automated_decision,
                "activity.automated_marketing": act.automated_marketing,
                "activity.entrusted_processing": act.entrusted_processing,
                "activity.role": act.role,
                "activity.provides_to_other_processor": act.provides_to_other_processor,
                "activity.public_disclosure": act.public_disclosure,
                "activity.public_image_capture": act.public_image_capture,
                "activity.publicly_available_pi": act.publicly_available_pi,
                "activity.has_transfers": any(t.activity == act.id for t in a.transfers),
            }
        )
        _set(facts, "activity.individuals", individuals)
        _answers(facts, act.answers, "activity")
        contexts.append(Context("activity", act.id, facts))
    totals = outbound_totals(a, datasets, taxonomy, exempt)
    for tr in a.transfers:
        facts = transfer_facts(org_facts, tr, totals, activities, datasets, taxonomy)
        contexts.append(Context("transfer", tr.id, facts))
    return contexts


def counted_transfers(a: Assessment, exempt: frozenset[str]) -> list[Transfer]:
    """Transfers whose people count toward the CBDF arts 7-8 cumulative thresholds: those abroad, except
    the ones made under an exemption (arts 3-6 and NDSMR art. 35 para. 1 item 6), which arts 7 para. 2
    and 8 para. 2 leave to their own rule."""
    return [t for t in a.transfers if t.destination != MAINLAND and t.id not in exempt]


def outbound_totals(
    a: Assessment, datasets: Mapping[str, Dataset], taxonomy: Taxonomy, exempt: frozenset[str] = frozenset()
) -> tuple[int, int]:
    """The processor's cumulative outbound counts since 1 January (non-sensitive, sensitive), which the
    CBDF thresholds test: as given for the organisation, else the sum of this assessment's counted transfers."""
    counted = [people(t, datasets, taxonomy) for t in counted_transfers(a, exempt)]
    org = a.organisation
    non_sensitive = org.outbound_individuals_non_sensitive
    sensitive = org.outbound_individuals_sensitive
    return (
        sum(n for n, _ in counted) if non_sensitive is None else non_sensitive,
        sum(s for _, s in counted) if sensitive is None else sensitive,
    )


def carries_id_numbers(tr: Transfer, datasets: Mapping[str, Dataset], taxonomy: Taxonomy) -> bool:
    return any("government_id" in taxonomy.categories[c].tags for d in tr.datasets for c in datasets[d].categories())


def people(tr: Transfer, datasets: Mapping[str, Dataset], taxonomy: Taxonomy) -> tuple[int, int]:
    """A transfer's people (non-sensitive, sensitive). Where the reading makes identity numbers sensitive
    and the transfer carries them, every person it exports has sensitive PI among it."""
    ids_sensitive = any(
        c.sensitive for c in taxonomy.categories.values() if "government_id" in c.tags
    ) and carries_id_numbers(tr, datasets, taxonomy)
    if ids_sensitive:
        return 0, tr.individuals_non_sensitive + tr.individuals_sensitive
    return tr.individuals_non_sensitive, tr.individuals_sensitive


def transfer_facts(
    org_facts: Mapping[str, Any],
    tr: Transfer,
    totals: tuple[int, int],
    activities: Mapping[str, Activity],
    datasets: Mapping[str, Dataset],
    taxonomy: Taxonomy,
) -> dict[str, Any]:
    facts = dict(org_facts)
    cats = {c for d in tr.datasets for c in datasets[d].categories()}
    non_sensitive, sensitive = people(tr, datasets, taxonomy)
    facts.update(
        {
            "transfer.destination": tr.destination,
            "transfer.to_mainland": tr.destination == MAINLAND,
            "transfer.individuals_non_sensitive": non_sensitive,
            "transfer.individuals_sensitive": sensitive,
            "transfer.total_non_sensitive": totals[0],
            "transfer.total_sensitive": totals[1],
            "transfer.important_data": tr.important_data,
            "transfer.purpose": tr.purpose,
            "transfer.domestic_data_added": tr.domestic_data_added,
            "transfer.ftz_negative_list": tr.ftz_negative_list or "none",
            "transfer.mechanism_in_place": tr.mechanism_in_place,
            "transfer.pi_tags": taxonomy.tags_of(sorted(cats)),
        }
    )
    # the organisation's role in the activity the transfer serves (its own processing when unlinked)
    facts["transfer.role"] = activities[tr.activity].role if tr.activity is not None else "controller"
    if tr.activity is not None:
        facts["transfer.legal_basis"] = activities[tr.activity].legal_basis
    _answers(facts, tr.answers, "transfer")
    return facts
