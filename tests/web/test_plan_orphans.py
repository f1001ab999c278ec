"""Remediation plan entries whose finding no longer exists: every save of the draft is refused (as
`hegui validate` refuses them) until an assessor deletes them, or moves them to the finding they meant,
on the plan page."""

from __future__ import annotations

import hashlib
import re

import yaml
from sqlalchemy import select
from starlette.testclient import TestClient

from engine.remediation import PLAN_FILE
from engine.web import registry
from engine.web.db import AssessmentFile, AuditEvent, organisation, session_scope
from tests.web.conftest import Seeded, csrf_of, signed_in
from tests.web.test_editing import FINDING, files

ORPHAN = "PIPL-29-separate-consent-sensitive@face-logn"  # the activity's old id (renamed, or a rulebook update)


def put_plan(seeded: Seeded, text: str) -> None:
    """A remediation.yaml stored into the draft directly, as a draft holds it after the rulebooks changed
    under it (the registry validated it then; today's findings no longer have its names)."""
    with session_scope(seeded.engine) as session:
        org = organisation(session, seeded.own)
        assert org is not None
        stored = registry.assessment(session, org, seeded.assessment)
        assert stored is not None
        data = text.encode()
        session.add(
            AssessmentFile(
                assessment_id=stored.id, name=PLAN_FILE, content=data, sha256=hashlib.sha256(data).hexdigest()
            )
        )


def answer(client: TestClient, seeded: Seeded) -> int:
    base = f"/o/{seeded.own}/a/{seeded.assessment}"
    page = client.get(f"{base}/questions").text
    token = re.search(r'name="state" value="([0-9a-f]{64})"', page)  # no form while the draft has problems
    data = {"csrf": csrf_of(page), "state": token.group(1) if token else "", "scope": "org", "subject": "org"}
    data["internal_pi_policies"] = "true"
    return client.post(f"{base}/questions", data=data).status_code


def settle(client: TestClient, seeded: Seeded, choices: dict[str, str]) -> tuple[int, str]:
    base = f"/o/{seeded.own}/a/{seeded.assessment}/plan"
    page = client.get(base)
    assert page.status_code == 200
    response = client.post(f"{base}/settle", data={"csrf": csrf_of(page.text), **choices})
    return response.status_code, response.text


def stored_plan(seeded: Seeded) -> list[dict[str, object]]:
    actions: list[dict[str, object]] = yaml.safe_load(files(seeded.engine, seeded.own, seeded.assessment)[PLAN_FILE])[
        "actions"
    ]
    return actions


def test_an_orphaned_entry_blocks_saves_until_it_is_deleted(seeded: Seeded) -> None:
    put_plan(seeded, f"actions:\n  - {{action: {FINDING}, owner: IT}}\n  - {{action: no-such-thing, owner: Legal}}\n")
    client = signed_in(seeded.engine, "assessor")
    before = files(seeded.engine, seeded.own, seeded.assessment)
    assert answer(client, seeded) != 303  # the problem this page settles: no save goes through
    assert files(seeded.engine, seeded.own, seeded.assessment) == before
    questions = client.get(f"/o/{seeded.own}/a/{seeded.assessment}/questions").text
    assert "no-such-thing" in questions and f'href="/o/{seeded.own}/a/{seeded.assessment}/plan"' in questions
    page = client.get(f"/o/{seeded.own}/a/{seeded.assessment}/plan").text
    assert "no-such-thing" in page and ("无对应发现" in page or "names nothing" in page)
    assert page.count('class="orphan"') == 1  # the entry of an existing finding is not one
    code, body = settle(client, seeded, {"o.1": "delete", "a.1": "no-such-thing"})
    assert code == 303, body
    assert stored_plan(seeded) == [{"action": FINDING, "owner": "IT"}]
    assert answer(client, seeded) == 303
    with session_scope(seeded.engine) as session:
        deleted = session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "web.plan.delete")).all()
    assert len(deleted) == 1 and "Legal" in deleted[0]  # what was deleted stays on record


def test_an_orphan_moves_to_the_finding_it_meant_keeping_its_values(seeded: Seeded) -> None:
    put_plan(seeded, f"actions:\n  - {{action: {ORPHAN}, owner: IT, due: 2027-01-31, status: in_progress}}\n")
    client = signed_in(seeded.engine, "admin")
    page = client.get(f"/o/{seeded.own}/a/{seeded.assessment}/plan").text
    assert FINDING in page  # the suggestion
    code, body = settle(client, seeded, {"o.0": "move", "a.0": ORPHAN})
    assert code == 303, body
    (entry,) = stored_plan(seeded)
    assert entry["action"] == FINDING and entry["owner"] == "IT" and entry["status"] == "in_progress"
    work = client.get(f"/o/{seeded.own}/a/{seeded.assessment}/f/{FINDING}/work").text
    assert 'value="IT"' in work  # the finding's own page now shows the action


def test_a_stale_or_forged_choice_changes_nothing(seeded: Seeded) -> None:
    put_plan(seeded, "actions:\n  - {action: no-such-thing, owner: Legal}\n")
    client = signed_in(seeded.engine, "assessor")
    before = files(seeded.engine, seeded.own, seeded.assessment)
    assert settle(client, seeded, {"o.0": "delete", "a.0": "something-else"})[0] == 409
    assert settle(client, seeded, {"o.0": "move", "a.0": "no-such-thing"})[0] == 409  # no suggestion to move to
    assert settle(client, seeded, {})[0] == 400
    assert files(seeded.engine, seeded.own, seeded.assessment) == before


def test_removing_an_activity_with_planned_actions_is_refused_until_they_are_deleted(seeded: Seeded) -> None:
    """The web path to an orphan: the removal is refused (naming the entry), the plan page deletes it."""
    client = signed_in(seeded.engine, "assessor")
    base = f"/o/{seeded.own}/a/{seeded.assessment}"
    token = csrf_of(client.get(f"{base}/questions").text)
    assert client.post(f"{base}/f/{FINDING}/plan", data={"csrf": token, "plan.owner": "IT"}).status_code == 303
    refused = client.post(f"{base}/edit/activity/face-login/remove", data={"csrf": token})
    assert refused.status_code == 400 and FINDING in refused.text and "remediation.yaml" in refused.text
    assert f'href="{base}/plan"' in refused.text  # where to settle it
    code, body = settle(client, seeded, {"o.0": "delete", "a.0": FINDING})
    assert code == 303, body
    assert client.post(f"{base}/edit/activity/face-login/remove", data={"csrf": token}).status_code == 303


def test_a_viewer_reads_the_plan_without_controls(seeded: Seeded) -> None:
    put_plan(seeded, "actions:\n  - {action: no-such-thing, owner: '<b>Legal</b>'}\n")
    client = signed_in(seeded.engine, "viewer")
    page = client.get(f"/o/{seeded.own}/a/{seeded.assessment}/plan")
    assert page.status_code == 200 and "no-such-thing" in page.text
    assert "/plan/settle" not in page.text and 'name="o.0"' not in page.text
    assert "<b>Legal</b>" not in page.text and "&lt;b&gt;Legal" in page.text
    assert settle(client, seeded, {"o.0": "delete", "a.0": "no-such-thing"})[0] == 403
