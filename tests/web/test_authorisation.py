"""Every route × every role × own / other organisation: another organisation's object is 404, never data."""

from __future__ import annotations

import base64
import itertools
import re

import pytest
from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from engine.web import registry, versions
from engine.web.app import create_app
from engine.web.db import ROLES, organisation, session_scope
from tests.conftest import EXAMPLES
from tests.web.conftest import Seeded, csrf_of, new_assessment_form, signed_in

LEAST_ROLE = {"org": "viewer", "assessment": "viewer", "finding": "viewer", "members": "admin", "upload": "assessor"}
# webedit: completing an assessment (engine/web/editing.py): reading needs a viewer, every change an assessor
LEAST_ROLE |= {
    "new": "assessor",
    "create": "assessor",
    "questions": "viewer",
    "answer": "assessor",
    "edit_form": "assessor",
    "edit": "assessor",
    "work": "viewer",
    "plan": "assessor",
    "comment": "assessor",
    "evidence": "assessor",
    "download": "viewer",
    "remove": "assessor",
}
# webdata: importing datasets (engine/web/datasets.py): the page, the preview and the confirm need an assessor
LEAST_ROLE |= {"datasets": "assessor", "datasets_preview": "assessor", "datasets_apply": "assessor"}
# webdata: the remediation plan page (engine/web/plan.py): read by a viewer, settled by an assessor
LEAST_ROLE |= {"plan_page": "viewer", "plan_settle": "assessor"}
# webdata: changing an id with its references (engine/web/rename.py): the form and the change need an assessor
LEAST_ROLE |= {"rename_form": "assessor", "rename": "assessor"}
OK = {
    "rename": 303,
    "plan_settle": 303,
    "datasets_apply": 303,
    "upload": 303,
    "create": 303,
    "remove": 303,
    "answer": 303,
    "edit": 303,
    "plan": 303,
    "comment": 303,
    "evidence": 303,
}
NEW_IDS = itertools.count()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
FINDING = "PIPL-29-separate-consent-sensitive@face-login"  # a finding of the seeded example


def request(client: TestClient, route: str, org: str, key: str) -> int:
    """The status of one route for `org`; the upload posts a valid folder with this session's token."""
    if route == "upload":
        token = csrf_of(client.get("/login").text)  # the page a signed-in user gets at /login has one too
        example = EXAMPLES / "shenzhen-ecommerce"
        files = {name: (name, (example / name).read_bytes()) for name in ("assessment.yaml", "datasets.yaml")}
        return client.post(f"/o/{org}/upload", data={"csrf": token}, files=files).status_code
    if route in EDIT_POSTS:
        return edit_post(client, route, org, key)
    path = {
        "new": f"/o/{org}/new",
        "questions": f"/o/{org}/a/{key}/questions",
        "edit_form": f"/o/{org}/a/{key}/edit/organisation/-",
        "work": f"/o/{org}/a/{key}/f/{FINDING}/work",
        "download": f"/o/{org}/a/{key}/evidence/{evidence_id(client, org, key)}",
        "org": f"/o/{org}",
        "assessment": f"/o/{org}/a/{key}",
        "finding": f"/o/{org}/a/{key}/f/{FINDING}",
        "members": f"/o/{org}/members",
        "datasets": f"/o/{org}/a/{key}/datasets",
        "plan_page": f"/o/{org}/a/{key}/plan",
        "rename_form": f"/o/{org}/a/{key}/edit/activity/face-login/rename",
    }[route]
    return client.get(path).status_code


EDIT_POSTS = ("create", "answer", "edit", "plan", "comment", "evidence", "remove")
EDIT_POSTS += ("datasets_preview", "datasets_apply", "plan_settle", "rename")  # webdata
TRANSFER = {
    "transfer.recipient": "R",
    "transfer.destination": "US",
    "transfer.individuals_non_sensitive": "1",
    "transfer.individuals_sensitive": "0",
    "transfer.important_data": "false",
}


def form_of(html: str) -> dict[str, str]:
    """The values a browser would send back from an edit form unchanged (text inputs, checked boxes)."""
    data = dict(re.findall(r'<input id="[^"]*" name="([^"]+)" value="([^"]*)"', html))
    data |= dict(re.findall(r'name="([^"]+)" value="([^"]*)" checked', html))
    data |= dict(re.findall(r'<input type="hidden" name="(state)" value="([^"]*)"', html))  # the draft's state
    return data


def edit_post(client: TestClient, route: str, org: str, key: str) -> int:
    """One change through a new form, valid for a role that may make it, with this session's token."""
    token = csrf_of(client.get("/login").text)
    base = f"/o/{org}/a/{key}"
    if route == "create":
        ident = f"new-{next(NEW_IDS)}"
        data = new_assessment_form(ident)
        return client.post(f"/o/{org}/new", data={"csrf": token, **data}).status_code
    if route == "answer":
        state = form_of(client.get(f"{base}/questions").text).get("state", "")
        data = {"scope": "org", "subject": "org", "internal_pi_policies": "true", "state": state}
        return client.post(f"{base}/questions", data={"csrf": token, **data}).status_code
    if route == "edit":
        page = client.get(f"{base}/edit/organisation/-")
        data = form_of(page.text) if page.status_code == 200 else {}
        return client.post(f"{base}/edit/organisation/-", data={**data, "csrf": token}).status_code
    if route == "rename":  # a transfer added for the purpose (an assessor can), then given a new id
        ident = f"t{next(NEW_IDS)}"
        state = form_of(client.get(f"{base}/edit/transfer/+").text).get("state", "")
        client.post(f"{base}/edit/transfer/+", data={"csrf": token, "state": state, "transfer.id": ident, **TRANSFER})
        data = {"csrf": token, "id": f"{ident}-renamed"}
        return client.post(f"{base}/edit/transfer/{ident}/rename", data=data).status_code
    if route == "remove":  # a transfer added for the purpose (an assessor can), then removed
        ident = f"t{next(NEW_IDS)}"
        state = form_of(client.get(f"{base}/edit/transfer/+").text).get("state", "")
        client.post(f"{base}/edit/transfer/+", data={"csrf": token, "state": state, "transfer.id": ident, **TRANSFER})
        return client.post(f"{base}/edit/transfer/{ident}/remove", data={"csrf": token}).status_code
    if route.startswith("datasets_"):  # a CSV with a dataset new each time: previewed, or confirmed
        csv = f"dataset,system,storage_location,records,individuals,field,category\nd{next(NEW_IDS)},S,CN,1,1,m,phone\n"
        if route == "datasets_preview":
            files = {"file": ("inventory.csv", csv.encode(), "text/csv")}
            return client.post(f"{base}/datasets/preview", data={"csrf": token}, files=files).status_code
        data = {"csrf": token, "filename": "inventory.csv", "payload": base64.b64encode(csv.encode()).decode()}
        return client.post(f"{base}/datasets/apply", data={**data, "location": "CN", "d.0": "on"}).status_code
    finding = f"{base}/f/{FINDING}"
    if route == "plan_settle":  # an action planned for the purpose (an assessor can), then deleted
        client.post(f"{finding}/plan", data={"csrf": token, "plan.owner": "IT"})
        return client.post(f"{base}/plan/settle", data={"csrf": token, "o.0": "delete", "a.0": FINDING}).status_code
    if route == "plan":
        return client.post(f"{finding}/plan", data={"csrf": token, "plan.owner": "IT"}).status_code
    if route == "comment":
        return client.post(f"{finding}/comment", data={"csrf": token, "text": "ok"}).status_code
    files = {"file": ("a.png", PNG, "image/png")}
    return client.post(f"{finding}/evidence", data={"csrf": token}, files=files).status_code


def evidence_id(client: TestClient, org: str, key: str) -> int:
    """The id of an evidence file of `org`'s assessment, attached directly in the database."""
    from engine.web.db import Assessment, EvidenceBlob, EvidenceFile, Organisation, session_scope

    with session_scope(ENGINES[0]) as session:
        stored = session.scalars(
            select(Assessment).join(Organisation).where(Organisation.slug == org, Assessment.key == key)
        ).first()
        if stored is None:
            return 999999
        if session.get(EvidenceBlob, "0" * 64) is None:
            session.add(EvidenceBlob(sha256="0" * 64, size=len(PNG), content=PNG))
        found = EvidenceFile(
            assessment_id=stored.id,
            finding=FINDING,
            filename="a.png",
            media_type="image/png",
            sha256="0" * 64,
            uploaded_by="t",
        )
        session.add(found)
        session.flush()
        return found.id


ENGINES: list[Engine] = []


@pytest.mark.parametrize("route", sorted(LEAST_ROLE))
def test_matrix(seeded: Seeded, route: str) -> None:
    ENGINES[:] = [seeded.engine]
    ok = OK.get(route, 200)
    for role in ROLES:
        client = signed_in(seeded.engine, role)
        allowed = ROLES.index(role) <= ROLES.index(LEAST_ROLE[route])
        assert request(client, route, seeded.own, seeded.assessment) == (ok if allowed else 403), (route, role)
        # the other organisation, and one that does not exist, look the same: not found
        assert request(client, route, seeded.other, seeded.assessment) == 404, (route, role)
        assert request(client, route, "no-such-org", seeded.assessment) == 404, (route, role)
    anonymous = TestClient(create_app(seeded.engine), base_url="https://testserver", follow_redirects=False)
    if route in ("upload", *EDIT_POSTS):  # no session, no token: refused before anything is read
        assert request(anonymous, route, seeded.own, seeded.assessment) in (303, 403)
    else:
        response = anonymous.get(f"/o/{seeded.own}")
        assert response.status_code == 303 and response.headers["location"] == "/login"


def test_a_missing_assessment_is_404_and_a_stranger_sees_no_data(seeded: Seeded) -> None:
    admin = signed_in(seeded.engine, "admin")
    assert admin.get(f"/o/{seeded.own}/a/no-such-assessment").status_code == 404
    assert admin.get(f"/o/{seeded.own}/a/{seeded.assessment}/f/no-such-finding").status_code == 404
    stranger = signed_in(seeded.engine, "stranger")
    for path in (f"/o/{seeded.own}", f"/o/{seeded.own}/a/{seeded.assessment}", f"/o/{seeded.own}/members"):
        response = stranger.get(path)
        assert response.status_code == 404
        assert "鹏城" not in response.text and "reviewer" not in response.text  # the title, a member
    assert f'href="/o/{seeded.own}"' not in stranger.get("/orgs").text


def test_another_organisations_evidence_is_not_found_through_ones_own_assessment(seeded: Seeded) -> None:
    ENGINES[:] = [seeded.engine]
    client = signed_in(seeded.engine, "admin")
    theirs = evidence_id(client, seeded.other, seeded.assessment)
    mine = evidence_id(client, seeded.own, seeded.assessment)
    assert client.get(f"/o/{seeded.own}/a/{seeded.assessment}/evidence/{mine}").status_code == 200
    assert client.get(f"/o/{seeded.own}/a/{seeded.assessment}/evidence/{theirs}").status_code == 404
    assert client.get(f"/o/{seeded.own}/a/{seeded.assessment}/f/no-such-finding/work").status_code == 404
    assert client.get(f"/o/{seeded.own}/a/{seeded.assessment}/edit/activity/no-such").status_code == 404


# webreview: the review, portfolio and audit routes. Both organisations' assessments are approved (reports
# queued, not rendered), so every route has an object to act on; the allowed roles get the route's answer
# (a refusal by state is 409, after the role check), the others 403, strangers 404.
REVIEW_ROUTES: dict[str, tuple[str, str, tuple[str, ...], tuple[int, ...]]] = {
    # name: (method, path under /o/ORG, allowed roles, allowed answers)
    "portfolio": ("GET", "/portfolio", ROLES, (200,)),
    "audit": ("GET", "/audit", ("admin",), (200,)),
    "versions": ("GET", "/a/KEY/versions", ROLES, (200,)),
    "version": ("GET", "/a/KEY/v/1", ROLES, (200,)),
    "download": ("GET", "/a/KEY/v/1/files/findings.json", ROLES, (200,)),
    "submit": ("POST", "/a/KEY/submit", ("admin", "assessor"), (409,)),
    "approve": ("POST", "/a/KEY/approve", ("admin", "reviewer"), (409,)),
    "return": ("POST", "/a/KEY/return", ("admin", "reviewer"), (409,)),
    "next": ("POST", "/a/KEY/next", ("admin", "assessor"), (303, 409)),  # the first makes v2, then v2 is a draft
    "reports": ("POST", "/a/KEY/v/1/reports", ("admin", "assessor", "reviewer"), (303,)),  # the queued job stands
    "delete": ("POST", "/a/KEY/delete", ("admin",), (409,)),  # under retention
    # webrecords: the organisation's records policy; the empty form is refused by value, after the role check
    "settings": ("GET", "/settings", ("admin",), (200,)),
    "settings_save": ("POST", "/settings", ("admin",), (400,)),
}


@pytest.mark.parametrize("route", sorted(REVIEW_ROUTES))
def test_review_matrix(seeded: Seeded, route: str) -> None:
    from tests.web.test_review import approve_directly

    for org in (seeded.own, seeded.other):
        approve_directly(seeded.engine, org, seeded.assessment)
    method, path, allowed, answers = REVIEW_ROUTES[route]
    for role in ROLES:
        client = signed_in(seeded.engine, role)
        token = csrf_of(client.get("/orgs").text)
        for org in (seeded.own, seeded.other, "no-such-org"):
            url = f"/o/{org}" + path.replace("KEY", seeded.assessment)
            response = client.get(url) if method == "GET" else client.post(url, data={"csrf": token})
            if org != seeded.own:
                assert response.status_code == 404, (route, role, org)
                assert "鹏城" not in response.text and "findings" not in response.headers.get("content-disposition", "")
            elif role in allowed:
                assert response.status_code in answers, (route, role, response.status_code)
            else:
                assert response.status_code == 403, (route, role)
        if method == "POST":  # no token, or another one: refused before anything is read
            for sent in ({}, {"csrf": "forged"}):
                url = f"/o/{seeded.own}" + path.replace("KEY", seeded.assessment)
                assert client.post(url, data=sent).status_code == 403, (route, role, sent)
    for org in (seeded.own, seeded.other):  # nothing the matrix did changed a frozen version
        with session_scope(seeded.engine) as session:
            stored = registry.assessment(session, organisation(session, org), seeded.assessment)  # type: ignore[arg-type]
            assert stored is not None
            assert versions.version(session, stored, 1).state == "approved"  # type: ignore[union-attr]
