"""Who a duty binds: territorial reach (PIPL art. 3, DSL art. 2, CSL art. 2, NDSMR art. 2) and roles
(controller, joint controller, entrusted party: PIPL arts 20, 21, 59, 73).

Every fixture that applies inside the gates is replayed outside them through the real engine: each
obligation must then drop out, so no rule can escape its instrument's reach or its role.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.fixtures import Case, cases, run_case
from engine.rulebook import rulebooks
from tests.conftest import EXAMPLES, assert_problem, run_cli

APPLYING = [c for c in cases() if c.kind == "obligation" and c.fixture.expect != "not_applicable"]
OFFSHORE_NO_BASIS = {
    "org.outside_china": True,
    "org.processes_in_china": False,
    "org.networks_in_china": False,
    "org.outside_china_basis": [],
}
CSL_REACH = {"org.within_csl"}


def _replay(case: Case, **facts: Any) -> str:
    fixture = case.fixture.model_copy(update={"facts": {**case.fixture.facts, **facts}})
    return run_case(Case(case.rule, case.kind, fixture, case.file))


def _reach_facts(oid: str) -> set[str]:
    books = rulebooks()
    return {books.reach[c.instrument] for c in books.obligations[oid].parsed_citations()}


@pytest.mark.parametrize("case", APPLYING, ids=[c.id for c in APPLYING])
def test_no_duty_outside_every_instrument_reach(case: Case) -> None:
    assert _replay(case, **OFFSHORE_NO_BASIS) == "not_applicable"


CSL_ONLY = [c for c in APPLYING if _reach_facts(c.rule) <= CSL_REACH]


@pytest.mark.parametrize("case", CSL_ONLY, ids=[c.id for c in CSL_ONLY])
def test_network_duties_need_networks_in_china(case: Case) -> None:
    """Within PIPL by art. 3 para. 2 but running no network in China: no CSL, CIIO-REG, ALGO-REC duty."""
    offshore_within_pipl = {**OFFSHORE_NO_BASIS, "org.outside_china_basis": ["offering_goods_services"]}
    assert _replay(case, **offshore_within_pipl) == "not_applicable"
    assert _replay(case, **{**offshore_within_pipl, "org.networks_in_china": True}) == case.fixture.expect


def _binding(role: str) -> list[Case]:
    return [c for c in APPLYING if rulebooks().obligations[c.rule].binds == role]


@pytest.mark.parametrize("case", _binding("controller"), ids=[c.id for c in _binding("controller")])
def test_controller_duties_spare_the_entrusted_party(case: Case) -> None:
    scope = rulebooks().obligations[case.rule].scope

    def role(value: str) -> dict[str, Any]:
        return {"org.roles": [value]} if scope == "org" else {f"{scope}.role": value}

    assert _replay(case, **role("entrusted_party")) == "not_applicable"
    assert _replay(case, **role("joint_controller")) == case.fixture.expect  # joint controllers bear them (art. 20)


@pytest.mark.parametrize("case", _binding("entrusted_party"), ids=[c.id for c in _binding("entrusted_party")])
def test_entrusted_party_duties_spare_the_controller(case: Case) -> None:
    assert _replay(case, **{"activity.role": "controller"}) == "not_applicable"


def test_every_pipl_activity_and_transfer_duty_names_its_role() -> None:
    """An activity- or transfer-level PIPL duty binds the controller or the entrusted party: a new rule
    must say which."""
    books = rulebooks()
    silent = [
        oid
        for oid, ob in books.obligations.items()
        if ob.scope in ("activity", "transfer") and oid.startswith("PIPL-") and ob.binds is None
    ]
    assert silent == []


# ------------------------------------------------------------------ end to end


def _assess(folder: Path, out: Path) -> dict[str, Any]:
    result = run_cli("assess", folder, "--out", out, "-q", "--fail-on", "none")
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return doc


def _edit(folder: Path, change: Any) -> None:
    path = folder / "assessment.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _instruments(doc: dict[str, Any]) -> set[str]:
    return {c["instrument"] for f in doc["findings"] for c in f["citations"] + f["penalties"]}


def test_offshore_saas_gets_pipl_not_network_duties(tmp_path: Path, example_copy: Any) -> None:
    doc = _assess(EXAMPLES / "offshore-saas", tmp_path / "as-is")
    by_id = {f["id"]: f for f in doc["findings"]}
    assert "PIPL-53-representative" in by_id  # within PIPL by art. 3 para. 2
    reach = {r["fact"]: r for r in doc["reach"]}
    assert {f for f, r in reach.items() if r["holds"]} == {"org.within_pipl", "org.within_ndsmr"}
    assert "CSL2025" in reach["org.within_csl"]["instruments"]
    assert [(c["article"], c["paragraph"]) for c in reach["org.within_dsl"]["citations"]] == [(2, 1)]
    assert by_id["PIPL-17-notice@learner-accounts"]["trace"]["applies"] == []  # gates that hold: not repeated
    assert _instruments(doc) & {"CSL2016", "CSL2025", "CIIO-REG", "ALGO-REC", "DSL", "INCIDENT-MEASURES"} == set()
    assert "NDSMR-29-identify-important-data" not in by_id  # NDSMR reaches it for PI only
    assert not [f for f in doc["findings"] if f["obligation"].startswith("CSL-")]

    folder = example_copy("offshore-saas")
    _edit(folder, lambda d: d["organisation"].update(networks_in_china=True, processes_in_china=True))
    onshore = _assess(folder, tmp_path / "onshore")
    assert {"CSL2025", "DSL"} <= _instruments(onshore)
    assert "NDSMR-29-identify-important-data" in {f["id"] for f in onshore["findings"]}


def test_offshore_without_any_basis_is_outside_every_law(tmp_path: Path, example_copy: Any) -> None:
    folder = example_copy("offshore-saas")
    _edit(folder, lambda d: d["organisation"].update(outside_china_basis=[]))
    doc = _assess(folder, tmp_path / "out")
    assert doc["findings"] == []
    assert doc["pipia_required"]["required"] is False


def test_entrusted_activity_gets_entrusted_duties_only(tmp_path: Path, example_copy: Any) -> None:
    folder = example_copy("shenzhen-ecommerce")
    before = _assess(folder, tmp_path / "before")
    act = "face-login"
    assert f"PIPL-29-separate-consent-sensitive@{act}" in {f["id"] for f in before["findings"]}

    def to_entrusted(d: dict[str, Any]) -> None:
        entry = next(a for a in d["activities"] if a["id"] == act)
        entry.update(role="entrusted_party", on_behalf_of="Client Co.")

    _edit(folder, to_entrusted)
    after = _assess(folder, tmp_path / "after")
    mine = {f["obligation"] for f in after["findings"] if f["subject"] == act}
    books = rulebooks()
    assert "PIPL-59-entrusted-security" in mine and "PIPL-21-entrusted-party" in mine
    assert not [o for o in mine if books.obligations[o].binds == "controller"]
    assert act not in after["pipia_required"]["subjects"]


def test_only_entrusted_organisation_has_no_controller_duties(tmp_path: Path, example_copy: Any) -> None:
    folder = example_copy("shenzhen-ecommerce")

    def all_entrusted(d: dict[str, Any]) -> None:
        for entry in d["activities"]:
            entry["role"] = "entrusted_party"
        d["waivers"] = []

    _edit(folder, all_entrusted)
    doc = _assess(folder, tmp_path / "out")
    books = rulebooks()
    org_level = {f["obligation"] for f in doc["findings"] if f["scope"] == "org"}
    assert "PIPL-51-policies" not in org_level and "PIPL-57-breach" not in org_level
    assert not [o for o in org_level if books.obligations[o].binds == "controller"]
    assert "DSL-27-security-management" in org_level  # data-security duties bind every processor


@pytest.mark.parametrize(
    ("change", "where", "zh", "en"),
    [
        (
            lambda d: d["organisation"].pop("networks_in_china"),
            r"organisation\.networks_in_china",
            "境外的组织须填写",
            "required for an organisation established outside China",
        ),
        (
            lambda d: d["organisation"].update(outside_china=False),
            r"organisation\.processes_in_china",
            "设立于境内的组织",
            "only for one established outside China",
        ),
        (
            lambda d: d["activities"][0].update(role="joint_controller"),
            r"activities\.0\.role",
            "共同处理者",
            "must name in joint_with",
        ),
        (
            lambda d: d["activities"][0].update(on_behalf_of="Client"),
            r"activities\.0\.on_behalf_of",
            "只适用于角色",
            "only applies to role entrusted_party",
        ),
    ],
)
def test_reach_and_role_inputs_are_checked(example_copy: Any, change: Any, where: str, zh: str, en: str) -> None:
    folder = example_copy("offshore-saas")
    _edit(folder, change)
    result = run_cli("validate", folder)
    assert result.exit_code == 2
    assert_problem(result.stderr, rf"assessment\.yaml:\d+:\d+: {where}", zh, en)


def test_export_for_a_client_is_the_clients(tmp_path: Path, example_copy: Any) -> None:
    """A transfer serving an activity processed on a client's behalf: no exporter duties for the org."""
    folder = example_copy("shenzhen-ecommerce")

    def marketing_for_client(d: dict[str, Any]) -> None:
        entry = next(a for a in d["activities"] if a["id"] == "personalised-marketing")
        entry.update(role="entrusted_party", on_behalf_of="Brand Co.")

    _edit(folder, marketing_for_client)
    doc = _assess(folder, tmp_path / "out")
    on_transfer = {f["obligation"] for f in doc["findings"] if f["subject"] == "hk-parent-crm"}
    books = rulebooks()
    assert not [o for o in on_transfer if books.obligations[o].binds == "controller"]
    assert "CBDF-11-security-measures" in on_transfer  # securing exported data binds whoever sends it
    assert "hk-parent-crm" not in doc["pipia_required"]["subjects"]


def test_joint_controller_keeps_controller_duties_and_must_agree_them(tmp_path: Path, example_copy: Any) -> None:
    folder = example_copy("shenzhen-ecommerce")

    def joint(d: dict[str, Any]) -> None:
        entry = next(a for a in d["activities"] if a["id"] == "face-login")
        entry.update(role="joint_controller", joint_with=["Pengcheng Pay Ltd."])
        entry["answers"]["joint_agreement"] = False

    _edit(folder, joint)
    by_id = {f["id"]: f for f in _assess(folder, tmp_path / "out")["findings"]}
    assert by_id["PIPL-20-joint-processing@face-login"]["status"] == "gap"
    assert "PIPL-29-separate-consent-sensitive@face-login" in by_id  # PIPL art. 20: each bears the duties
    assert "PIPL-20-joint-processing@order-fulfilment" not in by_id
