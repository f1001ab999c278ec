"""Every route × every role × own / other organisation: another organisation's object is 404, never data."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from engine.web.app import create_app
from engine.web.db import ROLES
from tests.conftest import EXAMPLES
from tests.web.conftest import Seeded, csrf_of, signed_in

LEAST_ROLE = {"org": "viewer", "assessment": "viewer", "finding": "viewer", "members": "admin", "upload": "assessor"}
FINDING = "PIPL-29-separate-consent-sensitive@face-login"  # a finding of the seeded example


def request(client: TestClient, route: str, org: str, key: str) -> int:
    """The status of one route for `org`; the upload posts a valid folder with this session's token."""
    if route == "upload":
        token = csrf_of(client.get("/login").text)  # the page a signed-in user gets at /login has one too
        example = EXAMPLES / "shenzhen-ecommerce"
        files = {name: (name, (example / name).read_bytes()) for name in ("assessment.yaml", "datasets.yaml")}
        return client.post(f"/o/{org}/upload", data={"csrf": token}, files=files).status_code
    path = {
        "org": f"/o/{org}",
        "assessment": f"/o/{org}/a/{key}",
        "finding": f"/o/{org}/a/{key}/f/{FINDING}",
        "members": f"/o/{org}/members",
    }[route]
    return client.get(path).status_code


@pytest.mark.parametrize("route", sorted(LEAST_ROLE))
def test_matrix(seeded: Seeded, route: str) -> None:
    ok = {"upload": 303}.get(route, 200)
    for role in ROLES:
        client = signed_in(seeded.engine, role)
        allowed = ROLES.index(role) <= ROLES.index(LEAST_ROLE[route])
        assert request(client, route, seeded.own, seeded.assessment) == (ok if allowed else 403), (route, role)
        # the other organisation, and one that does not exist, look the same: not found
        assert request(client, route, seeded.other, seeded.assessment) == 404, (route, role)
        assert request(client, route, "no-such-org", seeded.assessment) == 404, (route, role)
    anonymous = TestClient(create_app(seeded.engine), base_url="https://testserver", follow_redirects=False)
    if route == "upload":  # no session, no token: refused before anything is read
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
