"""Input models of one assessment (assessment.yaml), strict and closed (`extra="forbid"`).

Every field that a rule can test is documented here; engine/facts.py turns these models into the
facts the rulebooks speak about (org.*, activity.*, transfer.*).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from engine.errors import BadValue
from engine.i18n import message
from engine.text import Text

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
Count = Annotated[int, Field(ge=0, le=10_000_000_000)]
Label = str | Text
AnswerValue = bool | int | str | list[str] | date

LegalBasis = Literal[
    "consent",  # PIPL art. 13 para. 1 item 1
    "contract_or_hr",  # item 2: contract with the individual, or HR management
    "legal_duty",  # item 3: statutory duties or obligations
    "health_emergency",  # item 4: public-health emergencies, protecting life and property
    "news_public_interest",  # item 5: news reporting and public-opinion supervision
    "public_pi",  # item 6: PI the individual made public or otherwise lawfully public
    "other_law",  # item 7: other cases laws and administrative regulations provide
]
LEGAL_BASES: tuple[str, ...] = LegalBasis.__args__  # type: ignore[attr-defined]

DataSubject = Literal[
    "customers",
    "users",
    "employees",
    "job_applicants",
    "patients",
    "students",
    "minors_under_14",
    "minors_14_to_18",
    "public",
    "citizens",
    "business_contacts",
    "other",
]
DATA_SUBJECTS: tuple[str, ...] = DataSubject.__args__  # type: ignore[attr-defined]

Role = Literal["controller", "joint_controller", "entrusted_party"]
ROLES: tuple[str, ...] = Role.__args__  # type: ignore[attr-defined]
OutsideChinaBasis = Literal["offering_goods_services", "analysing_behaviour", "other_legal"]
TransferPurpose = Literal[
    "general",  # none of the special cases below
    "contract_with_individual",  # CBDF art. 5 para. 1 item 1
    "cross_border_hr",  # CBDF art. 5 para. 1 item 2
    "emergency",  # CBDF art. 5 para. 1 item 3
    "legal_duty",  # NDSMR art. 35 para. 1 item 6 (from 2025-01-01): to perform a statutory duty or obligation
    "treaty",  # PIPL art. 38 para. 2, NDSMR art. 36: a treaty or agreement China is party to sets the conditions
    "reexport_foreign_pi",  # CBDF art. 4
    "non_pi_trade_data",  # CBDF art. 3
]
# purposes that exist only while their instrument is in force (an input error on other as-of dates)
PURPOSE_INSTRUMENT = {"legal_duty": "NDSMR"}
MAINLAND = "CN"  # ISO 3166-1 code of mainland China; HK, MO and TW are outside it for data export
Mechanism = Literal["none", "security_assessment", "standard_contract", "certification"]


NARRATIVE_MAX = 4000  # characters per language of one narrative field: a few paragraphs, not a document


def _narrative(value: str | Text) -> str | Text:
    """A narrative text says something in each language it gives, within NARRATIVE_MAX characters."""
    parts = {"zh": value, "en": value} if isinstance(value, str) else {"zh": value.zh, "en": value.en}
    for lang, part in parts.items():
        if not part.strip():
            raise BadValue(message("narrative.blank", lang=lang))
        if len(part) > NARRATIVE_MAX:
            raise BadValue(message("narrative.too_long", lang=lang, max=NARRATIVE_MAX, actual=len(part)))
    return value


# Free text the CAC templates ask a filer to write (TPL-PIPIA-SC, TPL-SA-SELF, SC-CONTRACT-OUTLINE):
# a plain string, or {zh: …, en: …}. Optional: a report marks a missing one "to be completed".
Narrative = Annotated[str | Text, AfterValidator(_narrative)]


def narrative_fields(model: type[BaseModel]) -> list[str]:
    """The Narrative fields of an input model, in declaration order (the order the documents show them)."""
    return [name for name, info in model.model_fields.items() if Narrative in get_args(info.annotation)]


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class Assessor(_Model):
    name: str = Field(min_length=1)
    organisation: str | None = None
    third_party: str | None = Field(None, description="external adviser or institution that took part")


class Meta(_Model):
    id: Slug
    title: Label
    assessor: Assessor
    as_of: date
    language: Literal["zh", "en"] = "zh"
    id_numbers_sensitive: bool = Field(
        False,
        description="count identity-document numbers as sensitive PI, as the recommended standard "
        "GB/T 35273-2020 Annex B does; PIPL art. 28, which hegui follows by default, does not name them",
    )
    # narrative (TPL-SA-SELF part 1, the templates' notes on third parties)
    team: Narrative | None = None
    third_party_role: Narrative | None = None
    independent_opinion: bool | None = Field(
        None,
        description="a law firm or other third party named in assessor.third_party gave an independent "
        "opinion on this assessment; unsaid (null), no document states one",
    )


class Platform(_Model):
    """An internet platform; NDSMR art. 62 item 8 defines the large ones."""

    registered_users: Count
    monthly_active_users: Count
    complex_business_types: bool = Field(
        False, description="NDSMR art. 62 item 8's qualitative criterion (complex business types)"
    )


class Organisation(_Model):
    name: Label
    ciio: bool = Field(description="operator of critical information infrastructure (关键信息基础设施运营者)")
    state_organ: bool = Field(False, description="state organ or body authorised to manage public affairs")
    public_service_body: bool = Field(
        False, description="public institution or public-service provider (education, health, water, power, transport…)"
    )
    outside_china: bool = Field(False, description="established outside mainland China")
    outside_china_basis: list[OutsideChinaBasis] = Field(default_factory=list)
    # PIPL art. 3 para. 1, DSL art. 2, NDSMR art. 2 para. 1 reach processing in China; CSL art. 2 networks
    # in China. For an organisation established in China both hold; one established outside must say.
    processes_in_china: bool | None = Field(
        None, description="established outside China: also processes data in mainland China (servers, staff, offices)"
    )
    networks_in_china: bool | None = Field(
        None, description="established outside China: builds, operates, maintains or uses networks in mainland China"
    )
    shenzhen: bool = False
    free_trade_zone: bool = False
    network_operator: bool = True
    platform: Platform | None = None
    individuals_total: Count = Field(description="individuals whose PI the organisation processes")
    important_data_processor: bool = False
    important_data_sharing: list[Literal["provides", "entrusts", "joint_processing"]] = Field(
        default_factory=list,
        description="how the organisation shares important data, personal or not (NDSMR art. 31): provides it "
        "to others, entrusts its processing, processes it jointly; activities that provide or entrust datasets "
        "graded important add to this",
    )
    # CBDF arts 5, 7 and 8 count per processor, all transfers together, since 1 January, except those made
    # under an exemption (arts 7 para. 2, 8 para. 2): when these are left out, hegui adds up the assessment's
    # other outbound transfers (an upper bound if people overlap)
    outbound_individuals_non_sensitive: Count | None = Field(
        None,
        description="distinct people whose non-sensitive PI the processor has sent abroad since 1 January, leaving "
        "out exports under an exemption (CBDF-PROVISIONS arts 3-6, NDSMR art. 35 para. 1 item 6)",
    )
    outbound_individuals_sensitive: Count | None = Field(
        None, description="the same for sensitive PI"
    )
    # narrative (TPL-PIPIA-SC part 1 (1) 1-2, TPL-SA-SELF part 2 (1) and (3) 3, the standard contract's preamble)
    shareholding: Narrative | None = None
    actual_controller: Narrative | None = None
    structure: Narrative | None = None
    pi_protection_body: Narrative | None = None
    pi_protection_officer: Narrative | None = None
    business: Narrative | None = None
    security_evidence: Narrative | None = None
    contact: Narrative | None = None


class Activity(_Model):
    id: Slug
    name: Label
    purpose: str = Field(min_length=1)
    legal_basis: LegalBasis
    data_subjects: list[DataSubject] = Field(min_length=1)
    datasets: list[Slug] = Field(default_factory=list)
    pi_categories: list[str] = Field(default_factory=list, description="categories beyond those of its datasets")
    individuals: Count | None = None
    automated_decision: bool = False
    automated_marketing: bool = Field(False, description="push or marketing by automated decision-making")
    role: Role = Field(
        "controller",
        description="controller (decides purposes and means, PIPL art. 73 item 1), joint_controller (decides them "
        "with others, PIPL art. 20) or entrusted_party (processes on a client's behalf, PIPL art. 21)",
    )
    joint_with: list[str] = Field(default_factory=list, description="the other processors of a joint_controller")
    on_behalf_of: str | None = Field(None, description="the client whose instructions an entrusted_party follows")
    entrusted_processing: bool = Field(False, description="entrusts processing to another party")
    provides_to_other_processor: bool = False
    public_disclosure: bool = False
    public_image_capture: bool = Field(False, description="image capture / identity recognition in public places")
    publicly_available_pi: bool = False
    safeguards: Narrative | None = None  # narrative: the measures taken for this activity
    answers: dict[str, Any] = Field(default_factory=dict)


class Transfer(_Model):
    """One outbound provision of data; individuals are counted cumulatively since 1 January."""

    id: Slug
    recipient: str = Field(min_length=1)
    destination: str = Field(
        description="ISO 3166-1 alpha-2 code; HK, MO and TW are outside the mainland",
        json_schema_extra={"pattern": "^[A-Z]{2}$"},  # editors check as you type; the validator explains
    )
    activity: Slug | None = None
    datasets: list[Slug] = Field(default_factory=list)
    individuals_non_sensitive: Count
    individuals_sensitive: Count
    important_data: bool
    purpose: TransferPurpose = "general"
    domestic_data_added: bool = False
    ftz_negative_list: Literal["outside", "listed"] | None = None
    mechanism_in_place: Mechanism = "none"
    mechanism_date: date | None = None
    # narrative (TPL-PIPIA-SC part 1 (1) 3 and (2), TPL-SA-SELF part 2 (2), (4), (5), the contract's appendix 1)
    business: Narrative | None = None
    necessity: Narrative | None = None
    route_link: Narrative | None = None
    overseas_storage: Narrative | None = None
    onward_transfer: Narrative | None = None
    retention: Narrative | None = None
    projection: Narrative | None = None
    recipient_details: Narrative | None = None
    recipient_processing: Narrative | None = None
    recipient_capabilities: Narrative | None = None
    destination_law: Narrative | None = None
    contract_measures: Narrative | None = None
    answers: dict[str, Any] = Field(default_factory=dict)

    @field_validator("destination")
    @classmethod
    def _country_code(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Z]{2}", value):
            raise BadValue(message("input.country_code", value=value))
        return value


class Incident(_Model):
    id: Slug
    occurred: date
    individuals_affected: Count
    pi_involved: bool = True
    remedied: bool | None = None
    individuals_notified: bool | None = None
    harm_avoided: bool = Field(
        False,
        description="claims PIPL art. 57 para. 2: the measures taken effectively avoid harm, so individuals were "
        "not told (the regulator may still require it)",
    )
    authority_notified: bool | None = None
    below_reporting_threshold: bool = Field(
        False,
        description="claims the incident stays below the thresholds at which the rules require a report to the "
        "authority (DSL art. 29 and NDSMR art. 11 report 'as required'); PI incidents are always notified "
        "under PIPL art. 57",
    )


class Waiver(_Model):
    finding: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    approver: str = Field(min_length=1)
    expires: date


class Assessment(_Model):
    assessment: Meta
    organisation: Organisation
    activities: list[Activity] = Field(default_factory=list)
    transfers: list[Transfer] = Field(default_factory=list)
    incidents: list[Incident] = Field(default_factory=list)
    answers: dict[str, Any] = Field(default_factory=dict)
    waivers: list[Waiver] = Field(default_factory=list)

    @field_validator("activities", "transfers", "incidents")
    @classmethod
    def _unique_ids(cls, items: list[Any]) -> list[Any]:
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                raise BadValue(message("input.duplicate_id", id=item.id))
            seen.add(item.id)
        return items
