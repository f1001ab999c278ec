"""Changing an activity's, transfer's or dataset's id in the browser: every reference follows, a clash is
refused with a message and changes nothing."""

from __future__ import annotations

import yaml
from sqlalchemy import select

from engine.inputs import ASSESSMENT_FILE, DATASETS_YAML
from engine.remediation import PLAN_FILE
from engine.web.db import FindingComment, session_scope
from tests.web.conftest import Seeded, csrf_of, signed_in
from tests.web.test_editing import FINDING, files


def rename(seeded: Seeded, user: str, kind: str, old: str, new: str) -> tuple[int, str]:
    client = signed_in(seeded.engine, user)
    url = f"/o/{seeded.own}/a/{seeded.assessment}/edit/{kind}/{old}/rename"
    page = client.get(url)
    if page.status_code != 200:
        return page.status_code, page.text
    response = client.post(url, data={"csrf": csrf_of(page.text), "id": new})
    return response.status_code, response.headers.get("location") or response.text


def test_renaming_an_activity_moves_its_transfers_plan_comments_and_findings(seeded: Seeded) -> None:
    client = signed_in(seeded.engine, "assessor")
    base = f"/o/{seeded.own}/a/{seeded.assessment}"
    token = csrf_of(client.get(f"{base}/questions").text)
    assert client.post(f"{base}/f/{FINDING}/plan", data={"csrf": token, "plan.owner": "IT"}).status_code == 303
    assert client.post(f"{base}/f/{FINDING}/comment", data={"csrf": token, "text": "seen"}).status_code == 303
    code, where = rename(seeded, "assessor", "activity", "face-login", "face-sign-in")
    assert (code, where) == (303, f"{base}/edit/activity/face-sign-in"), where
    stored = files(seeded.engine, seeded.own, seeded.assessment)
    doc = yaml.safe_load(stored[ASSESSMENT_FILE])
    assert doc["activities"][0]["id"] == "face-sign-in"
    moved = FINDING.replace("@face-login", "@face-sign-in")
    assert yaml.safe_load(stored[PLAN_FILE])["actions"] == [{"action": moved, "owner": "IT"}]
    with session_scope(seeded.engine) as session:
        assert session.scalars(select(FindingComment.finding)).all() == [moved]
    assert "seen" in client.get(f"{base}/f/{moved}/work").text  # the finding keeps its comment


def test_renaming_an_activity_a_transfer_names_updates_the_transfer(seeded: Seeded) -> None:
    code, _ = rename(seeded, "admin", "activity", "personalised-marketing", "marketing")
    assert code == 303
    doc = yaml.safe_load(files(seeded.engine, seeded.own, seeded.assessment)[ASSESSMENT_FILE])
    assert doc["transfers"][0]["activity"] == "marketing"


def test_renaming_a_dataset_updates_every_list_naming_it(seeded: Seeded) -> None:
    code, _ = rename(seeded, "assessor", "dataset", "members", "member-db")
    assert code == 303
    stored = files(seeded.engine, seeded.own, seeded.assessment)
    doc = yaml.safe_load(stored[ASSESSMENT_FILE])
    assert doc["activities"][0]["datasets"] == ["member-db", "face-templates"]
    assert doc["transfers"][0]["datasets"] == ["member-db", "orders"]
    assert "member-db" in {d["id"] for d in yaml.safe_load(stored[DATASETS_YAML])["datasets"]}
    assert b"# " in stored[ASSESSMENT_FILE]  # comments kept by the round-trip writer


def test_a_clash_or_a_bad_id_is_refused_and_changes_nothing(seeded: Seeded) -> None:
    before = files(seeded.engine, seeded.own, seeded.assessment)
    code, page = rename(seeded, "assessor", "activity", "face-login", "hk-parent-crm")  # a transfer's id
    assert code == 400 and "hk-parent-crm" in page and ("已被使用" in page or "is taken" in page)
    code, page = rename(seeded, "assessor", "dataset", "members", "orders")
    assert code == 400 and ("已被使用" in page or "is taken" in page)
    code, page = rename(seeded, "assessor", "dataset", "members", "Not A Slug!")
    assert code == 400
    assert files(seeded.engine, seeded.own, seeded.assessment) == before


def test_only_an_editor_renames_and_a_stranger_sees_nothing(seeded: Seeded) -> None:
    assert rename(seeded, "viewer", "activity", "face-login", "x")[0] == 403
    assert rename(seeded, "reviewer", "activity", "face-login", "x")[0] == 403
    assert rename(seeded, "stranger", "activity", "face-login", "x")[0] == 404
    assert rename(seeded, "admin", "activity", "no-such", "x")[0] == 404
    assert rename(seeded, "admin", "organisation", "-", "x")[0] == 404
