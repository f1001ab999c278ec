"""Editing one draft from two sessions (edit conflicts), clearing an answer, and the draft cache a save fills.

Two people on one server: each form carries the token of the draft state it was rendered from, and a save
from an older state is refused with 409, nothing written, the current values shown. Every check reads the
stored draft itself (the registry's files) and the engine's own findings on it."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest
import yaml
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.testclient import TestClient

from engine import usecases
from engine.inputs import ASSESSMENT_FILE
from engine.web import editing, registry
from engine.web.app import create_app
from engine.web.db import organisation, session_scope
from tests.web.conftest import PASSWORD, Seeded, csrf_of
from tests.web.test_editing import actions, files, state_of

CONFLICT_ZH = "其他人已修改了这份评估；您的回答未保存"
CONFLICT_EN = "Someone else changed this assessment since you opened the page; your answers were not saved"


def session_on(app: Starlette, username: str) -> TestClient:
    """A browser-like session of `username` on this server (its own cookie jar)."""
    client = TestClient(app, base_url="https://testserver", follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf": token})
    assert response.status_code == 303, response.text
    return client


class _Form(HTMLParser):
    """What a browser sends for a form left as rendered: every named input's value (check boxes and radio
    buttons only when checked), each select's selected option."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, list[str]] = defaultdict(list)
        self.select: str | None = None
        self.first: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and "name" in a and (a.get("type") not in ("radio", "checkbox") or "checked" in a):
            self.values[a["name"]].append(a.get("value", ""))
        elif tag == "select":
            self.select, self.first = a["name"], None
        elif tag == "option" and self.select is not None:
            self.first = a.get("value", "") if self.first is None else self.first
            if "selected" in a:
                self.values[self.select].append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self.select is not None:
            if self.select not in self.values:
                self.values[self.select].append(self.first or "")
            self.select = None


def form_values(html_text: str) -> dict[str, list[str]]:
    parser = _Form()
    parser.feed(html_text)
    return dict(parser.values)


def first_form(page: str) -> dict[str, list[str]]:
    """The values of the page's first form (the header's language and logout forms aside)."""
    main = page[page.index("<main>") :]
    return form_values(main[: main.index("</form>")])


def answer_form(page: str, **answers: str) -> dict[str, str]:
    return {"csrf": csrf_of(page), "state": state_of(page), "scope": "org", "subject": "org", **answers}


def findings_of(engine: Engine, key: str) -> dict[str, str]:
    """Finding id -> status, as the engine assesses the stored draft now."""
    with registry.materialised(files(engine, "acme", key), key) as folder:
        return {f.id: f.status for f in usecases.validate(folder).doc.findings}


def test_a_save_from_an_older_state_is_refused_and_nothing_is_written(seeded: Seeded) -> None:
    app = create_app(seeded.engine)
    alice, bob = session_on(app, "assessor"), session_on(app, "admin")
    questions = f"/o/acme/a/{seeded.assessment}/questions"
    alice_page, bob_page = alice.get(questions).text, bob.get(questions).text
    assert state_of(alice_page) == state_of(bob_page)
    saved = alice.post(questions, data=answer_form(alice_page, internal_pi_policies="false"))
    assert saved.status_code == 303
    after_alice = files(seeded.engine, "acme", seeded.assessment)
    refused = bob.post(questions, data=answer_form(bob_page, internal_pi_policies="true", pi_classified="false"))
    assert refused.status_code == 409
    assert CONFLICT_ZH in refused.text
    assert files(seeded.engine, "acme", seeded.assessment) == after_alice  # nothing written
    assert actions(seeded.engine).count("web.answer") == 1
    # the page shows the current state (alice's answer), with its token: bob can save from it
    assert re.search(r'name="internal_pi_policies" value="false" checked', refused.text)
    assert state_of(refused.text) == state_of(alice.get(questions).text) != state_of(bob_page)
    again = bob.post(questions, data=answer_form(refused.text, internal_pi_policies="true"))
    assert again.status_code == 303
    assert yaml.safe_load(files(seeded.engine, "acme", seeded.assessment)[ASSESSMENT_FILE])["answers"][
        "internal_pi_policies"
    ]
    # a form without a token is refused as well
    page = alice.get(questions).text
    untokened = {k: v for k, v in answer_form(page, internal_pi_policies="false").items() if k != "state"}
    assert alice.post(questions, data=untokened).status_code == 409


def test_the_field_editor_refuses_a_stale_form_in_either_language(seeded: Seeded) -> None:
    app = create_app(seeded.engine)
    alice, bob = session_on(app, "assessor"), session_on(app, "admin")
    bob.post("/lang", data={"csrf": csrf_of(bob.get("/orgs").text), "lang": "en", "next": "/"})
    edit = f"/o/acme/a/{seeded.assessment}/edit/organisation/-"
    alice_page, bob_page = alice.get(edit).text, bob.get(edit).text
    form = {**first_form(alice_page), "organisation.name": ["Alice Ltd"]}
    assert alice.post(edit, data=form).status_code == 303
    before = files(seeded.engine, "acme", seeded.assessment)
    form = {**first_form(bob_page), "organisation.name": ["Bob Ltd"]}
    refused = bob.post(edit, data=form)
    assert refused.status_code == 409 and CONFLICT_EN in refused.text
    assert 'value="Alice Ltd"' in refused.text and "Bob Ltd" not in refused.text
    assert files(seeded.engine, "acme", seeded.assessment) == before


def test_a_save_landing_while_another_is_validated_wins_and_the_other_is_refused(
    seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The token is checked again right before storing: here the other save lands during validation."""
    app = create_app(seeded.engine)
    alice = session_on(app, "assessor")
    questions = f"/o/acme/a/{seeded.assessment}/questions"
    page = alice.get(questions).text
    validate = editing.check

    def other_save_meanwhile(folder: object) -> editing.Checked:
        with session_scope(seeded.engine) as session:
            org = organisation(session, "acme")
            assert org is not None
            stored = registry.assessment(session, org, seeded.assessment)
            assert stored is not None
            current = registry.files_of(session, stored)
            text = current[ASSESSMENT_FILE].decode().replace("title:", "title: ", 1)  # same data, other bytes
            with registry.materialised({**current, ASSESSMENT_FILE: text.encode()}, stored.key) as other:
                checked = validate(other)
                assert checked.assessed is not None
                registry.store(session, org, checked.files, checked.assessed.loaded, "bob", "web.answer")
        return validate(folder)  # type: ignore[arg-type]

    monkeypatch.setattr(editing, "check", other_save_meanwhile)
    refused = alice.post(questions, data=answer_form(page, internal_pi_policies="false"))
    assert refused.status_code == 409 and CONFLICT_ZH in refused.text
    stored = yaml.safe_load(files(seeded.engine, "acme", seeded.assessment)[ASSESSMENT_FILE])
    assert stored["answers"]["internal_pi_policies"] is True  # bob's state, alice's answer not written


@pytest.mark.parametrize(
    ("question", "sent", "finding"),
    [
        ("internal_pi_policies", "", "PIPL-51-policies"),  # yes/no: the "not answered" radio
        ("data_risk_measures", "", "NDSMR-51-risk-measures"),  # a choice
        ("pipia_retention_years", "", "PIPL-56-pipia-retention@face-login"),  # a number, emptied
        ("special_duties_met", "", "NDSMR-40-third-party-rules"),  # check boxes, none checked
    ],
)
def test_clearing_an_answer_returns_its_finding_to_unknown(
    seeded: Seeded, question: str, sent: str, finding: str
) -> None:
    app = create_app(seeded.engine)
    client = session_on(app, "assessor")
    questions = f"/o/acme/a/{seeded.assessment}/questions"
    page = client.get(questions).text
    answered = int(re.search(r"已回答 (\d+) /", page).group(1))  # type: ignore[union-attr]
    assert "不作答" in page
    assert findings_of(seeded.engine, seeded.assessment).get(finding, "not applicable") != "unknown"
    response = client.post(questions, data=answer_form(page, **{question: sent}))
    assert response.status_code == 303, response.text
    data = yaml.safe_load(files(seeded.engine, "acme", seeded.assessment)[ASSESSMENT_FILE])
    assert data["answers"][question] is None  # no answer: what the engine reads as unknown
    assert findings_of(seeded.engine, seeded.assessment)[finding] == "unknown"
    page = client.get(questions).text
    assert f"已回答 {answered - 1} /" in page
    assert re.search(rf"<code>{re.escape(finding)}</code></a>: [^<]+ → <strong>待定", page)  # the change listed
    assert "web.answer" in actions(seeded.engine)


def test_leaving_a_control_as_it_was_changes_nothing(seeded: Seeded) -> None:
    """Every control of a group is sent; those left as rendered (unanswered ones included) are not saved."""
    app = create_app(seeded.engine)
    client = session_on(app, "assessor")
    questions = f"/o/acme/a/{seeded.assessment}/questions"
    page = client.get(questions).text
    org_form = page[page.index('<section id="f-g-org-org"') :]
    sent = form_values(org_form[: org_form.index("</form>")])
    assert sent["state"] == [state_of(page)] and len(sent) > 20
    before = files(seeded.engine, "acme", seeded.assessment)
    response = client.post(questions, data=sent)
    assert response.status_code == 303
    assert files(seeded.engine, "acme", seeded.assessment) == before


def test_the_page_after_a_save_shows_what_the_engine_finds_on_the_stored_draft(seeded: Seeded) -> None:
    """The findings a save computed are reused for the next page: they are the engine's on the stored files."""
    app = create_app(seeded.engine)
    client = session_on(app, "assessor")
    questions = f"/o/acme/a/{seeded.assessment}/questions"
    page = client.get(questions).text
    assert client.post(questions, data=answer_form(page, internal_pi_policies="false")).status_code == 303
    expected = findings_of(seeded.engine, seeded.assessment)
    listing = client.get(f"/o/acme/a/{seeded.assessment}?all=1").text
    shown = re.findall(r'<tr class="status-(\w+)"><td><a href="[^"]+"><code>([^<]+)</code>', listing)
    assert {html.unescape(fid): status for status, fid in shown} == expected


def test_the_assessment_page_lists_findings_in_pages_gaps_first(
    seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(editing, "FINDINGS_PAGE", 10)
    client = session_on(create_app(seeded.engine), "viewer")
    expected = findings_of(seeded.engine, seeded.assessment)
    seen: list[tuple[str, str]] = []
    base = f"/o/acme/a/{seeded.assessment}"
    pages = -(-len(expected) // 10)
    for number in range(1, pages + 1):
        page = client.get(f"{base}?page={number}").text
        rows = re.findall(r'<tr class="status-(\w+)"><td><a href="[^"]+"><code>([^<]+)</code>', page)
        assert len(rows) == (10 if number < pages else len(expected) - 10 * (pages - 1))
        seen += rows
        assert 'href="?all=1"' in page and (f'href="?page={number + 1}"' in page) == (number < pages)
    assert sorted(html.unescape(fid) for _, fid in seen) == sorted(expected)  # each finding on exactly one page
    statuses = [status for status, _ in seen]
    assert statuses == sorted(statuses, key=lambda s: s != "gap")  # gaps first
    counts = re.search(r"<caption>结论按状态统计</caption>.*?<tbody><tr>(.*?)</tr>", client.get(base).text, re.S)
    assert counts and re.findall(r"<td>(\d+)</td>", counts.group(1))[0] == str(statuses.count("gap"))
    assert client.get(f"{base}?page=99999999999999999999").status_code == 200  # clamped, not an error


def test_a_long_questionnaire_shows_one_group_a_page(seeded: Seeded, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(editing, "ONE_PAGE_QUESTIONS", 10)
    client = session_on(create_app(seeded.engine), "assessor")
    questions = f"/o/acme/a/{seeded.assessment}/questions"
    page = client.get(questions).text
    sections = re.findall(r'<section id="([^"]+)"', page)
    assert sections == ["f-g-org-org"]  # the organisation's group first
    link = "?scope=activity&amp;subject=face-login#f-g-activity-face-login"
    assert f'href="{link}"' in page  # every group is listed, with its own page
    page = client.get(f"{questions}{html.unescape(link)}").text
    assert re.findall(r'<section id="([^"]+)"', page) == ["f-g-activity-face-login"]
    section = page[page.index('<section id="f-g-activity-face-login"') :]
    form = form_values(section[: section.index("</form>")])
    response = client.post(questions, data=form)
    assert response.status_code == 303 and response.headers["location"] == f"{questions}{html.unescape(link)}"


def test_many_users_at_once_share_the_engine_thread_without_running_out_of_connections(seeded: Seeded) -> None:
    """Handlers wait for the engine thread; each one waiting holds a database connection, so more of them at
    once than the connection pool has would fail (a pool timeout, 500). 40 users open a page not yet assessed."""
    import asyncio

    import httpx

    app = create_app(seeded.engine)

    async def everyone() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
            token = csrf_of((await client.get("/login")).text)
            form = {"username": "viewer", "password": PASSWORD, "csrf": token}
            assert (await client.post("/login", data=form)).status_code == 303
            pages = [client.get(f"/o/acme/a/{seeded.assessment}") for _ in range(40)]
            return [r.status_code for r in await asyncio.gather(*pages)]

    assert asyncio.run(everyone()) == [200] * 40
