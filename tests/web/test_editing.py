"""Completing an assessment in the browser: create, answer, edit fields, remediation, comments, evidence.

Every change is checked in the stored draft itself (the registry's files), through the same loaders as
the CLI; a bad value changes nothing and is named next to its field with its dotted path."""

from __future__ import annotations

import re
import zlib

import pytest
import yaml
from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from engine.inputs import ASSESSMENT_FILE, DATASETS_YAML
from engine.remediation import PLAN_FILE, Plan
from engine.web import registry
from engine.web.db import AuditEvent, EvidenceBlob, organisation, session_scope
from engine.workflow.scaffold import DATASETS
from tests.web.conftest import Seeded, csrf_of, signed_in

NEW = {
    "assessment.id": "pia-2026",
    "assessment.title": "CRM 评估",
    "assessment.as_of": "2026-12-01",
    "assessor.name": "Alice",
    "organisation.name": "Acme",
    "organisation.ciio": "false",
    "organisation.individuals_total": "5000",
    "activity.id": "crm",
    "activity.name": "CRM",
    "activity.purpose": "sales",
    "activity.legal_basis": "consent",
    "activity.data_subjects": ["customers"],
}
FINDING = "PIPL-29-separate-consent-sensitive@face-login"  # a finding of the seeded example
HOSTILE = '<script>alert(1)</script>=HYPERLINK("http://x") \u202eevil'
PNG = (
    b"\x89PNG\r\n\x1a\n"
    + b"\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    + b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    + b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def files(engine: Engine, org: str, key: str) -> dict[str, bytes]:
    with session_scope(engine) as session:
        found = organisation(session, org)
        assert found is not None
        stored = registry.assessment(session, found, key)
        assert stored is not None
        return registry.files_of(session, stored)


def state_of(html: str) -> str:
    """The token of the draft's state a form was rendered from."""
    found = re.search(r'name="state" value="([0-9a-f]{64})"', html)
    assert found, html
    return found.group(1)


def actions(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def create(client: TestClient, org: str = "acme", **changes: str) -> tuple[int, str]:
    token = csrf_of(client.get(f"/o/{org}/new").text)
    response = client.post(f"/o/{org}/new", data={"csrf": token, **NEW, **changes})
    return response.status_code, response.headers.get("location") or response.text


def test_create_stores_what_hegui_init_scaffolds_filled_in(seeded: Seeded) -> None:
    client = signed_in(seeded.engine, "assessor")
    assert create(client) == (303, "/o/acme/a/pia-2026/questions")
    stored = files(seeded.engine, "acme", "pia-2026")
    assert stored[DATASETS_YAML] == DATASETS.encode()  # hegui init's inventory, untouched
    text = stored[ASSESSMENT_FILE].decode()
    assert text.startswith("#") and "hegui init" in text  # the scaffold's comments are kept
    data = yaml.safe_load(text)
    assert data["organisation"]["individuals_total"] == 5000 and data["activities"][0]["id"] == "crm"
    assert "web.create" in actions(seeded.engine)
    # the same id again is refused, and the stored draft is not replaced
    status, body = create(client, **{"assessment.title": "other"})
    assert status == 400 and "assessment.id" in body
    assert files(seeded.engine, "acme", "pia-2026") == stored


def test_a_bad_value_is_named_by_its_path_and_nothing_is_stored(seeded: Seeded) -> None:
    client = signed_in(seeded.engine, "admin")
    status, body = create(client, **{"organisation.individuals_total": "lots"})
    assert status == 400
    alert = re.search(r'id="f-organisation-individuals_total-err" role="alert">(.*?)</p>', body, re.S)
    assert alert and "organisation.individuals_total" in alert.group(1)
    assert 'aria-invalid="true"' in body
    assert client.get("/o/acme/a/pia-2026").status_code == 404


def test_answers_go_through_the_questionnaire_writer_and_findings_follow(seeded: Seeded) -> None:
    client = signed_in(seeded.engine, "assessor")
    create(client)
    page = client.get("/o/acme/a/pia-2026/questions").text
    total = int(re.search(r"已回答 0 / 适用 (\d+) 题", page).group(1))  # type: ignore[union-attr]
    assert "为什么问这个问题" in page
    before = files(seeded.engine, "acme", "pia-2026")
    form = {"csrf": csrf_of(page), "state": state_of(page), "scope": "org", "subject": "org"}
    form["internal_pi_policies"] = "true"
    response = client.post("/o/acme/a/pia-2026/questions", data=form)
    assert response.status_code == 303 and response.headers["location"].endswith("#f-g-org-org")
    after = files(seeded.engine, "acme", "pia-2026")
    assert yaml.safe_load(after[ASSESSMENT_FILE])["answers"] == {"internal_pi_policies": True}
    old_lines = before[ASSESSMENT_FILE].decode().splitlines()
    assert all(line in after[ASSESSMENT_FILE].decode().splitlines() for line in old_lines if line.startswith("#"))
    page = client.get("/o/acme/a/pia-2026/questions").text
    assert re.search(r"已回答 1 / 适用 \d+ 题", page) and total > 1
    assert "保存后以下结论发生变化" in page and "已满足" in page  # a finding moved to met
    assert "web.answer" in actions(seeded.engine)


def test_a_bad_answer_shows_next_to_its_field_and_changes_nothing(seeded: Seeded) -> None:
    client = signed_in(seeded.engine, "assessor")
    create(client)
    page = client.get("/o/acme/a/pia-2026/questions").text
    before = files(seeded.engine, "acme", "pia-2026")
    form = {"csrf": csrf_of(page), "state": state_of(page), "scope": "org", "subject": "org"}
    form["internal_pi_policies"] = "perhaps"
    response = client.post("/o/acme/a/pia-2026/questions", data=form)
    assert response.status_code == 400
    alert = re.search(r'id="f-org-org-internal_pi_policies-err" role="alert">(.*?)</p>', response.text, re.S)
    assert alert and "answers.internal_pi_policies" in alert.group(1)
    assert files(seeded.engine, "acme", "pia-2026") == before


def test_editing_an_activity_and_adding_a_transfer(seeded: Seeded) -> None:
    client = signed_in(seeded.engine, "assessor")
    create(client)
    page = client.get("/o/acme/a/pia-2026/edit/activity/crm")
    assert page.status_code == 200 and 'name="activity.id"' not in page.text  # an entry keeps its id
    response = client.post(
        "/o/acme/a/pia-2026/edit/activity/crm",
        data={
            **{k: v for k, v in NEW.items() if k.startswith("activity.")},
            "activity.name": "客户关系",
            "csrf": csrf_of(page.text),
            "state": state_of(page.text),
        },
    )
    assert response.status_code == 303, response.text
    assert (
        yaml.safe_load(files(seeded.engine, "acme", "pia-2026")[ASSESSMENT_FILE])["activities"][0]["name"] == "客户关系"
    )
    page = client.get("/o/acme/a/pia-2026/edit/transfer/+")
    form = {
        "csrf": csrf_of(page.text),
        "state": state_of(page.text),
        "transfer.id": "t1",
        "transfer.recipient": "US Inc",
        "transfer.destination": "usa",
    }
    response = client.post("/o/acme/a/pia-2026/edit/transfer/+", data=form)
    assert response.status_code == 400 and "transfers.0.destination" in response.text  # not an ISO code
    form |= {
        "transfer.destination": "US",
        "transfer.individuals_non_sensitive": "100",
        "transfer.individuals_sensitive": "0",
        "transfer.important_data": "false",
    }
    response = client.post("/o/acme/a/pia-2026/edit/transfer/+", data=form)
    assert response.status_code == 303, response.text
    stored = yaml.safe_load(files(seeded.engine, "acme", "pia-2026")[ASSESSMENT_FILE])
    assert stored["transfers"][0]["recipient"] == "US Inc"
    assert response.headers["location"] == "/o/acme/a/pia-2026/questions"
    page = client.get("/o/acme/a/pia-2026/questions").text
    assert "/edit/transfer/t1" in page and "保存后以下结论发生变化" in page  # the transfer's findings appeared
    response = client.post("/o/acme/a/pia-2026/edit/transfer/t1/remove", data={"csrf": form["csrf"]})
    assert response.status_code == 303
    assert not yaml.safe_load(files(seeded.engine, "acme", "pia-2026")[ASSESSMENT_FILE]).get("transfers")
    assert "web.remove.transfer" in actions(seeded.engine)


def test_remediation_is_saved_into_remediation_yaml(seeded: Seeded) -> None:
    client = signed_in(seeded.engine, "assessor")
    url = f"/o/acme/a/{seeded.assessment}/f/{FINDING}"
    token = csrf_of(client.get(f"{url}/work").text)
    bad = {
        "csrf": token,
        "plan.owner": "IT",
        "plan.due": "2027-03-31",
        "plan.status": "in_progress",
        "plan.priority": "9",
    }
    response = client.post(f"{url}/plan", data=bad)
    assert response.status_code == 400 and "actions.0.priority" in response.text
    assert PLAN_FILE not in files(seeded.engine, "acme", seeded.assessment)
    response = client.post(f"{url}/plan", data={**bad, "plan.priority": "1"})
    assert response.status_code == 303
    plan = Plan.model_validate(yaml.safe_load(files(seeded.engine, "acme", seeded.assessment)[PLAN_FILE]))
    entry = plan.actions[0]
    assert (entry.action, entry.owner, str(entry.due), entry.status, entry.priority) == (
        FINDING,
        "IT",
        "2027-03-31",
        "in_progress",
        1,
    )
    assert 'value="IT"' in client.get(f"{url}/work").text


def test_comments_and_evidence(seeded: Seeded) -> None:
    client = signed_in(seeded.engine, "assessor")
    url = f"/o/acme/a/{seeded.assessment}/f/{FINDING}"
    token = csrf_of(client.get(f"{url}/work").text)
    assert client.post(f"{url}/comment", data={"csrf": token, "text": HOSTILE}).status_code == 303
    page = client.get(f"{url}/work").text
    assert "<script>alert" not in page and "&lt;script&gt;" in page and "<bdi>&lt;script" in page
    # an image accepted by its content; the same bytes twice are stored once
    for name in ("scan.png", "copy.bin"):
        response = client.post(f"{url}/evidence", data={"csrf": token}, files={"file": (name, PNG, "text/html")})
        assert response.status_code == 303
    with session_scope(seeded.engine) as session:
        assert len(session.scalars(select(EvidenceBlob)).all()) == 1
    # plain text with line breaks is text; HTML named .png is refused: the type comes from the content
    notes = "会议纪要\r\n- 已批准\n\tOK\n".encode()
    response = client.post(f"{url}/evidence", data={"csrf": token}, files={"file": ("notes.txt", notes, "image/png")})
    assert response.status_code == 303
    response = client.post(
        f"{url}/evidence", data={"csrf": token}, files={"file": ("x.png", b"\x00<html>", "image/png")}
    )
    assert response.status_code == 400 and "文件类型不允许" in response.text
    ident = re.search(r'/evidence/(\d+)" download', client.get(f"{url}/work").text).group(1)  # type: ignore[union-attr]
    download = client.get(f"/o/acme/a/{seeded.assessment}/evidence/{ident}")
    assert download.content == PNG and download.headers["content-type"] == "image/png"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert {"web.comment", "web.evidence"} <= set(actions(seeded.engine))


def test_evidence_larger_than_the_limit_is_refused(seeded: Seeded, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.web import editing

    monkeypatch.setattr(editing, "MAX_EVIDENCE", 64)
    client = signed_in(seeded.engine, "assessor")
    url = f"/o/acme/a/{seeded.assessment}/f/{FINDING}"
    token = csrf_of(client.get(f"{url}/work").text)
    big = zlib.compress(b"x") + b"a" * 100
    response = client.post(f"{url}/evidence", data={"csrf": token}, files={"file": ("a.txt", big, "text/plain")})
    assert response.status_code == 400


def test_every_new_form_needs_the_csrf_token_and_changes_nothing_without_it(seeded: Seeded) -> None:
    client = signed_in(seeded.engine, "admin")
    base = f"/o/acme/a/{seeded.assessment}"
    posts = {
        "/o/acme/new": NEW,
        f"{base}/questions": {"scope": "org", "subject": "org", "internal_pi_policies": "true"},
        f"{base}/edit/organisation/-": {"organisation.name": "x"},
        f"{base}/f/{FINDING}/plan": {"plan.owner": "IT"},
        f"{base}/f/{FINDING}/comment": {"text": "hello"},
    }
    before = files(seeded.engine, "acme", seeded.assessment)
    for path, data in posts.items():
        for sent in ({}, {"csrf": "forged"}):
            assert client.post(path, data={**data, **sent}).status_code == 403, (path, sent)
    for sent in ({}, {"csrf": "forged"}):
        response = client.post(f"{base}/f/{FINDING}/evidence", data=sent, files={"file": ("a.png", PNG, "image/png")})
        assert response.status_code == 403
    assert files(seeded.engine, "acme", seeded.assessment) == before
    assert client.get("/o/acme/a/pia-2026").status_code == 404
    assert not {"web.comment", "web.evidence", "web.answer"} & set(actions(seeded.engine))


def test_hostile_text_is_inert_on_every_new_page(seeded: Seeded) -> None:
    client = signed_in(seeded.engine, "assessor")
    hostile = {"assessment.title": HOSTILE, "organisation.name": HOSTILE, "activity.name": HOSTILE}
    assert create(client, **hostile)[0] == 303
    token = csrf_of(client.get("/o/acme/new").text)
    finding = re.search(r'/f/([^"/]+)/work"', client.get("/o/acme/a/pia-2026").text).group(1)  # type: ignore[union-attr]
    client.post(f"/o/acme/a/pia-2026/f/{finding}/comment", data={"csrf": token, "text": HOSTILE})
    pages = [
        "/o/acme/a/pia-2026/questions",
        "/o/acme/a/pia-2026/edit/organisation/-",
        "/o/acme/a/pia-2026/edit/activity/crm",
        f"/o/acme/a/pia-2026/f/{finding}/work",
    ]
    for path in pages:
        body = client.get(path).text
        assert "<script>alert(1)</script>" not in body, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, path
        # shown as text the bidi override stays inside <bdi> (or an attribute value, which has no layout)
        for at in [m.start() for m in re.finditer("\u202e", body)]:
            opened, closed = body.rfind("<bdi>", 0, at), body.rfind("</bdi>", 0, at)
            in_attribute = body.rfind("<", 0, at) > body.rfind(">", 0, at)  # inside a tag
            assert opened > closed or in_attribute, (path, body[at - 80 : at])
