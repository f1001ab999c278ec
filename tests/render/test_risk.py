"""The documented likelihood x impact scoring."""

from __future__ import annotations

from engine.finding import Finding, Trace
from engine.render.risk import Exposure, matrix, score
from engine.text import Text, TextList


def _finding(status: str, severity: str) -> Finding:
    t = Text(zh="甲", en="a")
    return Finding(id=f"X-1@{status}", obligation="X-1", scope="org", subject=None, status=status,  # type: ignore[arg-type]
                   severity=severity, confidence="official", title=t, summary=t, citations=[], penalties=[],  # type: ignore[arg-type]
                   trace=Trace(applies=[], met=[], unknown=[], questions=[]), remediation=TextList(zh=[], en=[]),
                   evidence=TextList(zh=[], en=[]))


def test_scores_follow_the_documented_rules() -> None:
    plain = Exposure(sensitive=False, individuals=10, outbound=False)
    exposed = Exposure(sensitive=True, individuals=1_000_000, outbound=False)
    assert score(_finding("met", "critical"), plain) is None
    r = score(_finding("gap", "high"), plain)
    assert r is not None and (r.likelihood, r.impact, r.band) == (3, 3, "high")
    r = score(_finding("gap", "critical"), exposed)
    assert r is not None and (r.likelihood, r.impact, r.band) == (4, 4, "critical")
    r = score(_finding("unknown", "low"), Exposure(False, 0, True))
    assert r is not None and (r.likelihood, r.impact, r.band) == (3, 1, "low")
    r = score(_finding("waived", "medium"), plain)
    assert r is not None and (r.likelihood, r.impact, r.band) == (1, 2, "low")


def test_matrix_counts_each_risk_once_with_high_impact_on_top() -> None:
    plain = Exposure(False, 0, False)
    risks = [r for f in (_finding("gap", "high"), _finding("gap", "high"), _finding("unknown", "low"))
             if (r := score(f, plain))]
    cells = matrix(risks)
    assert [row[0].impact for row in cells] == [4, 3, 2, 1]
    assert sum(c.count for row in cells for c in row) == 3
    assert cells[1][2].count == 2  # impact 3, likelihood 3
