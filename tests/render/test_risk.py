"""The documented risk model (docs/reports.md): inherent and residual likelihood x impact of open findings."""

from __future__ import annotations

from functools import cache

import pytest

from engine.assess import assess
from engine.finding import Finding, Trace
from engine.inputs import load_assessment
from engine.render.risk import GOVERNANCE, KINDS, Exposure, Risk, kind_of, matrix, order, score
from engine.render.view import build
from engine.render.words import messages
from engine.text import Text, TextList
from tests.conftest import EXAMPLES

NAMES = sorted(p.name for p in EXAMPLES.iterdir() if (p / "assessment.yaml").is_file())


def _finding(obligation: str, status: str = "gap", severity: str = "high") -> Finding:
    t = Text(zh="甲", en="a")
    return Finding(
        id=f"{obligation}@x",
        obligation=obligation,
        scope="org",
        subject=None,
        status=status,  # type: ignore[arg-type]
        severity=severity,
        confidence="official",
        title=t,
        summary=t,
        citations=[],
        penalties=[],  # type: ignore[arg-type]
        trace=Trace(applies=[], met=[], unknown=[], questions=[]),
        remediation=TextList(zh=[], en=[]),
        evidence=TextList(zh=[], en=[]),
    )


def _score(obligation: str, exposure: Exposure, status: str = "gap", severity: str = "high") -> Risk:
    r = score(_finding(obligation, status, severity), exposure)
    assert r is not None
    return r


def test_kinds_come_from_the_obligation() -> None:
    assert kind_of("CBDF-8-contract-or-certification")[0] == "export"
    assert kind_of("PIPL-23-provision")[0] == "provision"
    assert kind_of("PIPL-29-separate-consent-sensitive")[0] == "basis"
    assert kind_of("PIPL-51-incident-plan")[0] == "incident"
    assert kind_of("PIPL-47-deletion")[0] == "rights"
    assert kind_of("PIPL-51-policies")[0] == "governance"


def test_impact_follows_harm_and_likelihood_follows_exposure_and_controls() -> None:
    plain = Exposure()
    assert score(_finding("CBDF-8-contract", "met"), plain) is None
    # the same export gap: staying home vs leaving the mainland
    home, abroad = _score("CBDF-8-contract", plain), _score("CBDF-8-contract", Exposure(outbound=True))
    assert (home.likelihood, home.impact) == (2, 3)
    assert (abroad.likelihood, abroad.impact) == (4, 3)
    assert abroad.factors == ("path_export", "control_gap")
    # sensitive PI of a large population raises the harm, not the likelihood
    big = _score("PIPL-51-policies", Exposure(sensitive=True, individuals=1_000_000))
    assert (big.likelihood, big.impact) == (2, 3)
    # past incidents make a breach likelier
    calm, burnt = _score("CSL-44-security-measures", plain), _score("CSL-44-security-measures", Exposure(incidents=1))
    assert burnt.likelihood == calm.likelihood + 1
    # an open question is less likely a missing control than a gap
    assert _score("PIPL-47-deletion", plain, "unknown").likelihood == _score("PIPL-47-deletion", plain).likelihood - 1


def test_residual_risk_assumes_the_plan_is_carried_out_and_waivers_stay() -> None:
    exposure = Exposure(sensitive=True, outbound=True, incidents=2)
    gap = _score("CSL-44-security-measures", exposure)
    assert gap.residual.likelihood == gap.inherent.likelihood - 2
    assert gap.residual.impact == gap.inherent.impact - 1  # containment limits a breach's harm
    export = _score("CBDF-8-contract", exposure)
    assert export.residual.impact == export.inherent.impact
    waived = _score("CBDF-8-contract", exposure, "waived")
    assert waived.residual == waived.inherent


def test_an_unlawful_export_ranks_above_a_missing_policy_document() -> None:
    exposure = Exposure(sensitive=True, individuals=2_000_000, outbound=True)
    policy = _score("PIPL-51-policies", exposure, severity="medium")
    incident_plan = _score("PIPL-51-incident-plan", exposure, severity="medium")
    export = _score("CBDF-8-contract-or-certification", exposure, severity="critical")
    assert order([policy, incident_plan, export])[0] is export
    assert export.score > incident_plan.score > policy.score


@cache
def _risks(name: str) -> list[Risk]:
    loaded = load_assessment(EXAMPLES / name)
    return build(assess(loaded), loaded, "en", reproducible=True).risks


@pytest.mark.parametrize("name", NAMES)
def test_examples_spread_over_the_map(name: str) -> None:
    risks = _risks(name)
    assert len({r.likelihood for r in risks}) >= 3, "likelihood uses at least three columns"
    assert len({r.impact for r in risks}) >= 3, "impact uses at least three rows"
    cells = matrix([r.inherent for r in risks])
    assert sum(c.count for row in cells for c in row) == len(risks)
    assert all(r.residual.score <= r.inherent.score for r in risks)
    assert sum(r.residual.score for r in risks) < sum(r.inherent.score for r in risks)


def test_examples_rank_like_a_lawyer() -> None:
    risks = _risks("shenzhen-ecommerce")
    ids = [r.finding.obligation for r in risks]
    assert ids[0] == "CBDF-8-contract-or-certification", ids[:5]  # the unlawful export comes first
    governance = [i for i, r in enumerate(risks) if r.kind == "governance"]
    assert governance and min(governance) > ids.index("PIPL-39-transfer-consent")
    breach = _risks("shenzhen-bureau-data-sharing")
    assert breach[0].kind == "incident" and breach[0].finding.status == "gap"  # a breach nobody was told of
    assert breach[-1].kind == "governance"


def test_matrix_counts_each_level_once_with_high_impact_on_top() -> None:
    risks = [
        _score("PIPL-47-deletion", Exposure()),
        _score("PIPL-47-deletion", Exposure()),
        _score("PIPL-51-policies", Exposure(), "unknown"),
    ]
    cells = matrix([r.inherent for r in risks])
    assert [row[0].impact for row in cells] == [4, 3, 2, 1]
    assert sum(c.count for row in cells for c in row) == 3
    assert cells[2][1].count == 2  # impact 2, likelihood 2


def test_every_kind_and_factor_is_worded() -> None:
    kinds = [k[0] for k in (*KINDS, GOVERNANCE)]
    for kind in kinds:
        for suffix in ("", ".source", ".threat", ".harm"):
            assert f"risk.kind.{kind}{suffix}" in messages(), kind + suffix
    every = Exposure(
        sensitive=True,
        individuals=10**7,
        outbound=True,
        provided=True,
        automated=True,
        public_capture=True,
        incidents=1,
    )
    factors = {
        f
        for ob in ("CBDF-8-x", "PIPL-23-provision", "PIPL-24-adm-x", "CSL-44-security-x")
        for st in ("gap", "waived")
        for f in _score(ob, every, st).factors
    }
    assert {f"risk.factor.{f}" for f in factors} <= set(messages())
