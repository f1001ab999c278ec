"""Review and sign-off on a real database: states, frozen approved versions, retention, background
reports, the portfolio and the audit trail (SQLite always, PostgreSQL with HEGUI_TEST_PG_URL)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text, update
from sqlalchemy.exc import DBAPIError
from starlette.testclient import TestClient

from engine import usecases
from engine.errors import InputError
from engine.finding import FindingsDocument
from engine.web import registry, versions
from engine.web.app import create_app
from engine.web.db import (
    AssessmentFile,
    AuditEvent,
    Frozen,
    Version,
    VersionFile,
    now,
    organisation,
    session_scope,
)
from engine.web.jobs import REPORT_FORMATS
from tests.conftest import EXAMPLES
from tests.web.conftest import Seeded, csrf_of, signed_in
from tests.web.test_pages import HOSTILE, upload

EXAMPLE = EXAMPLES / "shenzhen-ecommerce"


def post(client: TestClient, path: str, **data: str) -> int:
    token = csrf_of(client.get("/orgs").text)
    return client.post(path, data={"csrf": token, **data}).status_code


def inert(page: str) -> None:
    """The hostile text is shown as text, inside a <bdi> that isolates its bidi override."""
    assert "<script>" not in page and "<img" not in page
    at = page.index("&lt;script&gt;alert(1)&lt;/script&gt;")
    assert "</bdi>" not in page[page.rindex("<bdi>", 0, at) : at]


def approve_directly(engine: Engine, org_slug: str, key: str) -> None:
    """Submitted by the assessor, approved by the reviewer, through the same functions the routes call."""
    with session_scope(engine) as session:
        org = organisation(session, org_slug)
        assert org is not None
        stored = registry.assessment(session, org, key)
        assert stored is not None
        versions.submit(session, org, stored, "assessor")
        versions.approve(session, org, stored, "reviewer", versions.MIN_RETENTION_YEARS)


def state(engine: Engine, org_slug: str, key: str) -> list[tuple[int, str]]:
    with session_scope(engine) as session:
        org = organisation(session, org_slug)
        assert org is not None
        stored = registry.assessment(session, org, key)
        assert stored is not None
        return [(v.number, v.state) for v in versions.versions(session, stored)]


def test_submit_approve_reports_next_version_and_diff(seeded: Seeded) -> None:
    """The whole sign-off: the approver is not the submitter, approval freezes inputs and findings.json,
    reports are rendered in the background and downloaded, the next version shows the diff."""
    base = f"/o/{seeded.own}/a/{seeded.assessment}"
    assessor, admin = signed_in(seeded.engine, "assessor"), signed_in(seeded.engine, "admin")
    assert post(admin, f"{base}/submit") == 303
    assert state(seeded.engine, seeded.own, seeded.assessment) == [(1, "review")]
    refused = admin.post(f"{base}/approve", data={"csrf": csrf_of(admin.get("/orgs").text)})
    assert refused.status_code == 409 and "提交人不能批准自己提交的版本" in refused.text
    assert post(assessor, f"{base}/approve") == 403  # an assessor does not sign off
    reviewer = signed_in(seeded.engine, "reviewer")
    response = reviewer.post(f"{base}/approve", data={"csrf": csrf_of(reviewer.get("/orgs").text)})
    assert response.status_code == 303 and response.headers["location"] == f"{base}/v/1"
    reviewer.app.state.reports.wait()  # type: ignore[attr-defined]

    page = reviewer.get(f"{base}/v/1").text
    findings = reviewer.get(f"{base}/v/1/files/findings.json")
    assert findings.status_code == 200
    assert findings.headers["content-disposition"] == f'attachment; filename="{seeded.assessment}-v1-findings.json"'
    digest = hashlib.sha256(findings.content).hexdigest()
    assert f"findings.json SHA-256: <code>{digest}</code>" in page
    frozen = json.loads(findings.content)
    expected = usecases.assess(usecases.load(EXAMPLE)).doc
    assert [f["id"] for f in frozen["findings"]] == [f.id for f in expected.findings]
    assert "报告已生成" in page and 'http-equiv="refresh"' not in page
    pdf = reviewer.get(f"{base}/v/1/files/pipia.pdf")
    assert (
        pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"
    )
    assert "attachment" in pdf.headers["content-disposition"]
    assert "pdf" in REPORT_FORMATS
    original = reviewer.get(f"{base}/v/1/files/assessment.yaml")
    assert original.content == (EXAMPLE / "assessment.yaml").read_bytes()

    # in review and approved, the working files cannot change: the upload is refused and stores nothing
    refused = upload(assessor, seeded.own, EXAMPLE, {"as_of: 2026-": "as_of: 2027-"})
    assert refused.status_code == 409 and "开始下一版本" in refused.text

    response = assessor.post(f"{base}/next", data={"csrf": csrf_of(assessor.get("/orgs").text)})
    assert response.status_code == 303 and response.headers["location"] == f"{base}/v/2"
    with session_scope(seeded.engine) as session:
        org = organisation(session, seeded.own)
        assert org is not None
        stored = registry.assessment(session, org, seeded.assessment)
        assert stored is not None
        assert registry.files_of(session, stored)["assessment.yaml"] == original.content  # copied from v1
    changed = upload(
        assessor, seeded.own, EXAMPLE, {"  incident_response_plan: true": "  incident_response_plan: false"}
    )
    assert changed.status_code == 303, changed.text
    draft = assessor.get(f"{base}/v/2").text
    assert "与已批准的 v1 相比" in draft
    new = working_doc(seeded.engine, seeded.own, seeded.assessment)
    change = usecases.diff(expected, new)
    assert change.status_changes, "the edit must change a finding"
    assert all(c.id in draft for c in change.status_changes)

    assert post(assessor, f"{base}/submit") == 303
    assert post(admin, f"{base}/approve") == 303
    admin.app.state.reports.wait()  # type: ignore[attr-defined]
    assert state(seeded.engine, seeded.own, seeded.assessment) == [(2, "approved"), (1, "superseded")]

    audit = admin.get(f"/o/{seeded.own}/audit").text
    actions = ("version.submit", "version.approve", "version.supersede", "version.start", "reports.queue")
    for action in (*actions, "reports.done", "file.download"):
        assert f"<code>{action}</code>" in audit, action


def working_doc(engine: Engine, org_slug: str, key: str) -> FindingsDocument:
    """The findings of the working files, assessed by the use-case layer."""
    with session_scope(engine) as session:
        org = organisation(session, org_slug)
        assert org is not None
        stored = registry.assessment(session, org, key)
        assert stored is not None
        files = registry.files_of(session, stored)
    return versions.assessed(files, key).doc


def test_sending_back_needs_a_reviewer_and_keeps_the_comment(seeded: Seeded) -> None:
    base = f"/o/{seeded.own}/a/{seeded.assessment}"
    assessor, reviewer = signed_in(seeded.engine, "assessor"), signed_in(seeded.engine, "reviewer")
    assert post(reviewer, f"{base}/submit") == 403  # a reviewer does not submit
    assert post(assessor, f"{base}/submit") == 303
    assert post(assessor, f"{base}/submit") == 409  # already in review
    # the registry import (CLI) is refused too, with a message
    with session_scope(seeded.engine) as session, pytest.raises(InputError) as caught:
        registry.import_folder(session, seeded.own, EXAMPLE, "cli")
    assert "cannot change" in str(caught.value.problems[0])
    assert post(reviewer, f"{base}/return", comment=HOSTILE) == 303
    assert state(seeded.engine, seeded.own, seeded.assessment) == [(1, "draft")]
    for path in (f"{base}/versions", f"/o/{seeded.own}/audit"):
        page = signed_in(seeded.engine, "admin").get(path).text
        inert(page)
    assert post(reviewer, f"{base}/return", comment="x") == 409  # a draft is not in review
    too_long = post(assessor, f"{base}/submit"), post(reviewer, f"{base}/return", comment="x" * 2001)
    assert too_long == (303, 409)
    assert state(seeded.engine, seeded.own, seeded.assessment) == [(1, "review")]


def test_invalid_working_files_cannot_be_submitted(seeded: Seeded) -> None:
    with session_scope(seeded.engine) as session:
        org = organisation(session, seeded.own)
        assert org is not None
        stored = registry.assessment(session, org, seeded.assessment)
        assert stored is not None
        row = session.scalars(
            select(AssessmentFile).where(
                AssessmentFile.assessment_id == stored.id, AssessmentFile.name == "assessment.yaml"
            )
        ).one()
        row.content = row.content.replace(b"as_of: ", b"as_of: not-a-date #", 1)  # allowed: it is a draft
    client = signed_in(seeded.engine, "assessor")
    response = client.post(
        f"/o/{seeded.own}/a/{seeded.assessment}/submit", data={"csrf": csrf_of(client.get("/orgs").text)}
    )
    assert response.status_code == 400 and "assessment.yaml:" in response.text and "/tmp" not in response.text
    assert state(seeded.engine, seeded.own, seeded.assessment) == [(1, "draft")]


def test_an_approved_version_cannot_change_at_the_model_layer(seeded: Seeded) -> None:
    approve_directly(seeded.engine, seeded.own, seeded.assessment)
    attempts = {
        "file content": lambda s: setattr(s.scalars(select(VersionFile)).first(), "content", b"forged"),
        "file deleted": lambda s: s.delete(s.scalars(select(VersionFile)).first()),
        "approver": lambda s: setattr(s.scalars(select(Version)).one(), "approved_by", "mallory"),
        "back to draft": lambda s: setattr(s.scalars(select(Version)).one(), "state", "draft"),
        "deleted": lambda s: s.delete(s.scalars(select(Version)).one()),
        "working file": lambda s: setattr(s.scalars(select(AssessmentFile)).first(), "content", b"x"),
        "input added": lambda s: s.add(
            VersionFile(
                version_id=s.scalars(select(Version)).one().id, kind="input", name="x.csv", content=b"", sha256="0"
            )
        ),
        "audit changed": lambda s: setattr(s.scalars(select(AuditEvent)).first(), "action", "nothing"),
        "audit deleted": lambda s: s.delete(s.scalars(select(AuditEvent)).first()),
    }
    for name, attempt in attempts.items():
        with pytest.raises(Frozen), session_scope(seeded.engine) as session:
            attempt(session)
            session.flush()
        assert name  # each attempt raised; nothing was committed
    with session_scope(seeded.engine) as session:
        v = session.scalars(select(Version)).one()
        assert (v.state, v.approved_by) == ("approved", "reviewer")
        assert all(f.content != b"forged" for f in session.scalars(select(VersionFile)))


def test_the_audit_table_refuses_updates_and_deletes_in_the_database(seeded: Seeded) -> None:
    """A DB trigger, so that even SQL that bypasses the models cannot rewrite the trail."""
    for statement in ("UPDATE audit_event SET actor = 'mallory'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"), seeded.engine.begin() as conn:
            conn.execute(text(statement))
    with seeded.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_event WHERE actor = 'mallory'")).scalar() == 0
        assert (conn.execute(text("SELECT count(*) FROM audit_event")).scalar() or 0) > 0


def test_deletion_waits_for_the_retention_date(seeded: Seeded) -> None:
    approve_directly(seeded.engine, seeded.own, seeded.assessment)
    admin = signed_in(seeded.engine, "admin")
    base = f"/o/{seeded.own}/a/{seeded.assessment}"
    with session_scope(seeded.engine) as session:
        v = session.scalars(select(Version)).first()
        assert v is not None and v.approved_at is not None and v.retain_until is not None
        until = v.retain_until
        assert until.year == v.approved_at.year + 3
    assert post(signed_in(seeded.engine, "assessor"), f"{base}/delete") == 403
    response = admin.post(f"{base}/delete", data={"csrf": csrf_of(admin.get("/orgs").text)})
    assert response.status_code == 409
    assert f"已批准的版本须保存至 {until:%Y-%m-%d}" in response.text
    assert admin.get(base).status_code == 200
    # three years later (the test moves the date back; the models never would)
    with seeded.engine.begin() as conn:
        conn.execute(update(Version).values(retain_until=now() - timedelta(days=1)))
    assert post(admin, f"{base}/delete") == 303
    assert admin.get(base).status_code == 404
    with session_scope(seeded.engine) as session:
        assert session.scalars(select(Version)).all() == []
        assert session.scalars(select(VersionFile)).all() == []
        assert registry.assessment(session, organisation(session, seeded.other), seeded.assessment)  # type: ignore[arg-type]
    assert "assessment.delete" in admin.get(f"/o/{seeded.own}/audit").text


def test_retention_is_at_least_three_years_and_configurable_longer(seeded: Seeded) -> None:
    with pytest.raises(InputError, match="--retention-years"):
        create_app(seeded.engine, retention_years=2)
    client = TestClient(create_app(seeded.engine, retention_years=5), base_url="https://testserver")
    client.follow_redirects = False
    token = csrf_of(client.get("/login").text)
    client.post("/login", data={"username": "assessor", "password": "correct horse battery", "csrf": token})
    base = f"/o/{seeded.own}/a/{seeded.assessment}"
    assert post(client, f"{base}/submit") == 303
    reviewer = TestClient(create_app(seeded.engine, retention_years=5), base_url="https://testserver")
    reviewer.follow_redirects = False
    token = csrf_of(reviewer.get("/login").text)
    reviewer.post("/login", data={"username": "reviewer", "password": "correct horse battery", "csrf": token})
    assert post(reviewer, f"{base}/approve") == 303
    reviewer.app.state.reports.wait()  # type: ignore[attr-defined]
    with session_scope(seeded.engine) as session:
        v = session.scalars(select(Version)).one()
        assert v.approved_at is not None and v.retain_until is not None
        assert v.retain_until.year == v.approved_at.year + 5


def test_the_portfolio_lists_status_gaps_and_mechanisms_sortably(seeded: Seeded) -> None:
    assessor = signed_in(seeded.engine, "assessor")
    zh_title = "    zh: 鹏城优选电商平台个人信息保护影响评估（2026年度）"
    hostile = upload(
        assessor,
        seeded.own,
        EXAMPLE,
        {zh_title: f"    zh: {json.dumps(HOSTILE)}", "id: shenzhen-ecommerce-2026": "id: aaa-hostile"},
    )
    assert hostile.status_code == 303
    approve_directly(seeded.engine, seeded.own, seeded.assessment)
    assert post(assessor, f"/o/{seeded.own}/a/aaa-hostile/submit") == 303
    viewer = signed_in(seeded.engine, "viewer")
    for path in ("versions", "v/1"):
        inert(viewer.get(f"/o/{seeded.own}/a/aaa-hostile/{path}").text)
    page = viewer.get(f"/o/{seeded.own}/portfolio").text
    doc = usecases.assess(usecases.load(EXAMPLE)).doc
    inert(page)
    assert "v1 已批准" in page and "v1 审核中" in page and "未设定" in page
    for transfer in doc.transfers:
        assert f"<code>{transfer.mechanism}</code>" in page
    gaps = "".join(f"<td>{doc.summary.gaps_by_severity.get(s, 0)}</td>" for s in ("critical", "high", "medium", "low"))
    assert gaps in page.replace("\n      ", "")
    by_key = viewer.get(f"/o/{seeded.own}/portfolio?sort=key").text
    by_status = viewer.get(f"/o/{seeded.own}/portfolio?sort=status").text
    assert by_key.index("aaa-hostile") < by_key.index(seeded.assessment)
    assert by_status.index(f">{seeded.assessment}<") > by_status.index(">aaa-hostile<")  # in review before approved
    assert viewer.get(f"/o/{seeded.own}/portfolio?sort=<script>").status_code == 200


def test_the_audit_page_is_paged_and_shows_this_organisation_only(seeded: Seeded) -> None:
    approve_directly(seeded.engine, seeded.other, seeded.assessment)  # the rival's events
    with session_scope(seeded.engine) as session:
        org = organisation(session, seeded.own)
        assert org is not None
        from engine.web.db import org_audit

        for n in range(60):
            org_audit(session, org, "assessor", "test.event", f"event {n}")
    admin = signed_in(seeded.engine, "admin")
    first = admin.get(f"/o/{seeded.own}/audit").text
    assert "event 59" in first and "event 9<" not in first and "第 1 页，共 2 页" in first
    second = admin.get(f"/o/{seeded.own}/audit?page=2").text
    assert "event 9<" in second and "event 59" not in second
    assert "version.approve" not in first + second  # the rival's approval is not ours
    assert admin.get(f"/o/{seeded.own}/audit?page=x").status_code == 200


def test_serve_refuses_a_retention_shorter_than_three_years(tmp_path: Path) -> None:
    hegui = str(Path(sys.executable).parent / "hegui")
    env = {**os.environ, "HEGUI_DB": f"sqlite:///{tmp_path / 'w.db'}"}
    run = subprocess.run(
        [hegui, "serve", "--retention-years", "2"], env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 2 and "--retention-years" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "w.db").exists()  # refused before anything was opened
