"""Records of approved versions on a real database: next review dates (reviewer's or the organisation's
interval, overdue in words), per-organisation retention (admins, never below three years nor the server's
minimum, applied at approval, audited) and report jobs picked up again when the app starts."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from benchmarks._cluster import free_port
from engine.web import accounts, registry, versions
from engine.web.app import create_app
from engine.web.db import (
    AuditEvent,
    ReportJob,
    Version,
    VersionFile,
    add_months,
    now,
    open_engine,
    organisation,
    session_scope,
    upgrade,
)
from engine.web.jobs import MAX_ATTEMPTS
from tests.conftest import EXAMPLES
from tests.web.conftest import PASSWORD, Seeded, csrf_of, new_assessment_form, signed_in
from tests.web.test_review import approve_directly, post
from tests.web.test_server import HEGUI

NEVER_APPROVED = new_assessment_form("aaa-new")  # created through the form, sorted before the seeded one


def client_for(engine: Engine, username: str, retention_years: int) -> TestClient:
    """A signed-in client of an app whose server minimum retention is `retention_years`."""
    client = TestClient(create_app(engine, retention_years), base_url="https://testserver", follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    client.post("/login", data={"username": username, "password": PASSWORD, "csrf": token})
    return client


def newest(engine: Engine, org_slug: str, key: str) -> Version:
    with session_scope(engine) as session:
        org = organisation(session, org_slug)
        assert org is not None
        stored = registry.assessment(session, org, key)
        assert stored is not None
        return versions.versions(session, stored)[0]


def actions(engine: Engine, action: str) -> list[str]:
    with session_scope(engine) as session:
        return list(session.scalars(select(AuditEvent.detail).where(AuditEvent.action == action)))


def test_months_are_calendar_months_clamped_to_the_months_end() -> None:
    assert add_months(datetime(2027, 1, 31, 9), 1) == datetime(2027, 2, 28, 9)
    assert add_months(datetime(2028, 1, 31), 1) == datetime(2028, 2, 29)
    assert add_months(datetime(2028, 2, 29), 36) == datetime(2031, 2, 28)
    assert add_months(datetime(2026, 12, 3), 12) == datetime(2027, 12, 3)
    assert add_months(datetime(2026, 11, 30), 3) == datetime(2027, 2, 28)


def test_a_review_date_is_after_the_approval_and_within_the_retention() -> None:
    approved, kept = date(2026, 12, 3), date(2029, 12, 3)
    assert versions.review_date("", approved, kept, 12) == (date(2027, 12, 3), "policy")
    assert versions.review_date(" 2027-06-30 ", approved, kept, 12) == (date(2027, 6, 30), "reviewer")
    assert versions.review_date("2029-12-03", approved, kept, 12) == (date(2029, 12, 3), "reviewer")
    for text, key in (
        ("30/06/2027", "date_format"),
        ("2026-12-03", "date_past"),
        ("2025-01-01", "date_past"),
        ("2029-12-04", "date_beyond"),
    ):
        with pytest.raises(versions.Invalid) as refused:
            versions.review_date(text, approved, kept, 12)
        assert (refused.value.field, refused.value.key) == ("review_due", key)


def test_the_reviewer_sets_the_next_review_at_approval(seeded: Seeded) -> None:
    base = f"/o/{seeded.own}/a/{seeded.assessment}"
    assert post(signed_in(seeded.engine, "assessor"), f"{base}/submit") == 303
    reviewer = signed_in(seeded.engine, "reviewer")
    form = reviewer.get(f"{base}/versions").text
    assert 'name="review_due" type="date"' in form and "12 个月" in form  # the default is explained
    token = csrf_of(form)
    past = reviewer.post(f"{base}/approve", data={"csrf": token, "review_due": "2020-01-01"})
    assert past.status_code == 400 and "无效的值" in past.text and 'aria-invalid="true"' in past.text
    assert "下次复核日期须晚于批准日期" in past.text and 'value="2020-01-01"' in past.text
    hostile = reviewer.post(f"{base}/approve", data={"csrf": token, "review_due": "<script>x</script>"})
    assert hostile.status_code == 400 and "<script>x" not in hostile.text
    assert newest(seeded.engine, seeded.own, seeded.assessment).state == "review"  # nothing frozen
    due = now().date() + timedelta(days=100)
    ok = reviewer.post(f"{base}/approve", data={"csrf": token, "review_due": due.isoformat()})
    assert ok.status_code == 303
    v = newest(seeded.engine, seeded.own, seeded.assessment)
    assert (v.state, v.review_due, v.review_basis) == ("approved", due, "reviewer")
    assert f"next review {due:%Y-%m-%d} (reviewer)" in actions(seeded.engine, "version.approve")[0]
    viewer = signed_in(seeded.engine, "viewer")
    assert f"下次复核：{due:%Y-%m-%d} (审核人设定)" in viewer.get(f"{base}/v/1").text
    portfolio = viewer.get(f"/o/{seeded.own}/portfolio").text
    assert f"{due:%Y-%m-%d} · 100 天后" in portfolio and "v1, 审核人设定" in portfolio
    assert "本组织政策" in portfolio and f"/o/{seeded.own}/settings" not in portfolio  # the link is for admins


def test_the_default_comes_from_the_organisations_interval_and_overdue_is_said_in_words(
    seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = signed_in(seeded.engine, "admin")
    assert post(admin, f"/o/{seeded.own}/settings", retention_years="", review_months="6") == 200
    assert actions(seeded.engine, "org.policy") == ["review_months: 12 -> 6"]
    approve_directly(seeded.engine, seeded.own, seeded.assessment)
    approve_directly(seeded.engine, seeded.other, seeded.assessment)  # the rival keeps the default 12
    mine = newest(seeded.engine, seeded.own, seeded.assessment)
    theirs = newest(seeded.engine, seeded.other, seeded.assessment)
    assert mine.approved_at is not None and theirs.approved_at is not None
    assert (mine.review_due, mine.review_basis) == (add_months(mine.approved_at, 6).date(), "policy")
    assert theirs.review_due == add_months(theirs.approved_at, 12).date()
    assert mine.review_due is not None

    def at(day: date) -> Callable[[], datetime]:
        return lambda: datetime.combine(day, datetime.min.time())

    viewer = signed_in(seeded.engine, "viewer")
    monkeypatch.setattr(versions, "now", at(mine.review_due - timedelta(days=10)))
    assert "10 天后到期" in viewer.get(f"/o/{seeded.own}/portfolio").text
    monkeypatch.setattr(versions, "now", at(mine.review_due + timedelta(days=3)))
    page = viewer.get(f"/o/{seeded.own}/portfolio").text
    assert "已逾期 3 天" in page and "按本组织复核周期" in page
    assessor = signed_in(seeded.engine, "assessor")
    assert post(assessor, f"/o/{seeded.own}/new", **NEVER_APPROVED) == 303
    by_review = viewer.get(f"/o/{seeded.own}/portfolio?sort=review").text
    assert by_review.index(f">{seeded.assessment}<") < by_review.index(">aaa-new<")  # never approved: last
    assert "未设定 <small>(尚无已批准版本)</small>" in by_review
    assert viewer.post("/lang", data={"csrf": csrf_of(page), "lang": "en", "next": "/"}).status_code == 303
    english = viewer.get(f"/o/{seeded.own}/portfolio").text
    assert "overdue by 3 days" in english and "PIPL sets no interval" in english
    # a draft of the next version does not move the date: the approved one still has to be reviewed
    assert post(assessor, f"/o/{seeded.own}/a/{seeded.assessment}/next") == 303
    assert "overdue by 3 days" in viewer.get(f"/o/{seeded.own}/portfolio").text


def test_organisation_retention_is_admin_only_bounded_and_applied_at_approval(seeded: Seeded) -> None:
    base = f"/o/{seeded.own}/a/{seeded.assessment}"
    admin = client_for(seeded.engine, "admin", 5)
    page = admin.get(f"/o/{seeded.own}/settings")
    assert page.status_code == 200 and "第五十六条第二款" in page.text and "现在批准的版本保存 5 年" in page.text
    for years, message in (("2", "须在 5 到 100 之间"), ("4", "须在 5 到 100 之间"), ("five", "不是整数：five")):
        refused = admin.post(
            f"/o/{seeded.own}/settings",
            data={"csrf": csrf_of(page.text), "retention_years": years, "review_months": "12"},
        )
        assert refused.status_code == 400 and message in refused.text and 'aria-invalid="true"' in refused.text
    for months in ("0", "37", ""):
        refused = admin.post(
            f"/o/{seeded.own}/settings",
            data={"csrf": csrf_of(page.text), "retention_years": "", "review_months": months},
        )
        assert refused.status_code == 400, months
    assert actions(seeded.engine, "org.policy") == []  # nothing refused was saved

    approve_directly(seeded.engine, seeded.own, seeded.assessment)  # v1 under the server's 3 years
    v1 = newest(seeded.engine, seeded.own, seeded.assessment)
    assert v1.approved_at is not None and v1.retain_until == add_months(v1.approved_at, 36)
    assert post(admin, f"/o/{seeded.own}/settings", retention_years="7", review_months="12") == 200
    assert post(admin, f"/o/{seeded.own}/settings", retention_years="7", review_months="12") == 200
    assert actions(seeded.engine, "org.policy") == ["retention_years: - -> 7"]  # the unchanged save is not
    assert "现在批准的版本保存 7 年" in admin.get(f"/o/{seeded.own}/settings").text

    assessor, reviewer = signed_in(seeded.engine, "assessor"), client_for(seeded.engine, "reviewer", 5)
    assert post(assessor, f"{base}/next") == 303 and post(assessor, f"{base}/submit") == 303
    assert post(reviewer, f"{base}/approve") == 303
    v2 = newest(seeded.engine, seeded.own, seeded.assessment)
    assert v2.approved_at is not None and v2.retain_until == add_months(v2.approved_at, 84)
    with session_scope(seeded.engine) as session:
        kept = session.get(Version, v1.id)
        assert kept is not None and kept.retain_until == v1.retain_until  # v1 keeps the date it was given
    assert "kept until" in actions(seeded.engine, "version.approve")[-1]
    assert "(7 years)" in actions(seeded.engine, "version.approve")[-1]

    # the server's minimum wins over a lower organisation setting (raised after it was saved)
    with session_scope(seeded.engine) as session:
        org = organisation(session, seeded.own)
        assert org is not None
        assert versions.retention_for(session, org, 10) == 10 and versions.retention_for(session, org, 3) == 7
    # the rival organisation is untouched, and its admin cannot reach ours
    assert post(admin, f"/o/{seeded.own}/settings", retention_years="", review_months="12") == 200
    assert actions(seeded.engine, "org.policy")[-1] == "retention_years: 7 -> -"
    stranger = signed_in(seeded.engine, "stranger")
    assert stranger.get(f"/o/{seeded.own}/settings").status_code == 404


def add_job(engine: Engine, org_slug: str, key: str, state: str, attempts: int) -> int:
    """A report job as a stopped server leaves it."""
    v = newest(engine, org_slug, key)
    with session_scope(engine) as session:
        job = ReportJob(version_id=v.id, state=state, progress=40, detail="", requested_by="reviewer")
        job.attempts = attempts
        session.add(job)
        session.flush()
        return job.id


def test_jobs_left_by_a_stop_are_picked_up_when_the_app_starts(seeded: Seeded) -> None:
    approve_directly(seeded.engine, seeded.own, seeded.assessment)  # queues a job nobody started
    approve_directly(seeded.engine, seeded.other, seeded.assessment)
    with session_scope(seeded.engine) as session:
        queued = session.scalars(select(ReportJob.id).order_by(ReportJob.id)).all()
        session.execute(  # the rival's job was rendering when the server stopped
            ReportJob.__table__.update().where(ReportJob.id == queued[1]).values(state="running", attempts=1)
        )
    given_up = add_job(seeded.engine, seeded.own, seeded.assessment, "running", MAX_ATTEMPTS)
    app = create_app(seeded.engine)
    with TestClient(app, base_url="https://testserver"):  # starting the app runs its lifespan
        app.state.reports.wait()
    with session_scope(seeded.engine) as session:
        jobs = {j.id: j for j in session.scalars(select(ReportJob))}
        reports = session.scalars(select(VersionFile.name).where(VersionFile.kind == "report")).all()
    assert [(jobs[i].state, jobs[i].attempts) for i in queued] == [("done", 1), ("done", 2)]
    assert reports.count("pipia.pdf") == 2  # each version's reports, once
    assert jobs[given_up].state == "failed" and "not restarted again" in jobs[given_up].detail
    assert len(actions(seeded.engine, "reports.resume")) == 2
    assert len(actions(seeded.engine, "reports.failed")) == 1
    base = f"/o/{seeded.own}/a/{seeded.assessment}"
    reviewer = signed_in(seeded.engine, "reviewer")
    page = reviewer.get(f"{base}/v/1").text
    # the newest job of v1 is the one given up: its reason is shown and the reports can be asked for again
    assert "报告生成失败" in page and "不再自动重试" in page and f"{base}/v/1/reports" in page
    assert post(reviewer, f"{base}/v/1/reports") == 303
    reviewer.app.state.reports.wait()  # type: ignore[attr-defined]
    # a second start finds nothing left to do
    assert create_app(seeded.engine).state.reports.resume() == []


def test_a_real_hegui_serve_picks_up_a_job_left_queued(tmp_path: Path) -> None:
    """`hegui serve` started over a database with a job a stop left queued renders it (uvicorn runs the
    app's lifespan start)."""
    db = f"sqlite:///{tmp_path / 'workspace.db'}"
    engine = open_engine(db)
    upgrade(engine)
    with session_scope(engine) as session:
        accounts.add_user(session, "assessor", PASSWORD, "acme", "assessor")
        accounts.add_user(session, "reviewer", PASSWORD, "acme", "reviewer")
        key = registry.import_folder(session, "acme", EXAMPLES / "offshore-saas", "test")[0].key
    approve_directly(engine, "acme", key)  # its report job stays queued: no server ran it
    port = free_port()
    env = {**os.environ, "HEGUI_DB": db}
    server = subprocess.Popen([HEGUI, "serve", "--port", str(port)], env=env, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 300
        while (state := job_states(engine)) != ["done"]:
            assert server.poll() is None and time.monotonic() < deadline, state
            time.sleep(0.5)
    finally:
        server.send_signal(signal.SIGINT)
        _, err = server.communicate(timeout=60)
        engine.dispose()
    assert b"Traceback" not in err, err


def job_states(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        return list(session.scalars(select(ReportJob.state)))
