"""Completing an assessment in a real browser, keyboard and mouse as a person would, with screenshots.

Log in, create an assessment, answer a question and see a finding change, plan a remediation action,
comment, attach evidence, switch the language; submit it, approve it as another user, download the
PDF the background worker rendered, start next year's version, change an answer and see the diff.
Screenshots of the main pages go to docs/screenshots/ (only with HEGUI_SCREENSHOTS=1, so a test run
leaves the repository unchanged)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

from tests.web.browser.conftest import ORG, USER, Server
from tests.web.conftest import PASSWORD
from tests.web.test_server import HEGUI

SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def shot(page: Any, name: str) -> None:
    if os.environ.get("HEGUI_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def sign_in(browser: Any, server: Server, user: str) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": 1000, "height": 720}, locale="en-GB", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{server.base}/login")
    page.locator("#username").fill(user)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")  # keyboard only
    page.wait_for_url("**/orgs")
    return context, page


def test_complete_an_assessment_in_the_browser(server: Server, browser: Any, tmp_path: Path) -> None:
    context, page = sign_in(browser, server, USER)
    assert any(c["name"] == "__Host-hegui" and c["secure"] for c in context.cookies())

    page.goto(f"{server.base}/o/{ORG}")
    page.get_by_role("link", name="New assessment").click()
    page.locator("#f-assessment-id").fill("PIA 2026!")  # not an id: refused by the input model
    page.locator("#f-assessment-title").fill("CRM <b>assessment</b>")
    page.locator("#f-assessor-name").fill("Ann")
    page.locator("#f-organisation-name").fill("Acme")
    page.locator('input[name="organisation.ciio"][value="false"]').check()
    page.locator("#f-organisation-individuals_total").fill("5000")
    page.locator("#f-activity-id").fill("crm")
    page.locator("#f-activity-name").fill("CRM")
    page.locator("#f-activity-purpose").fill("sales")
    page.locator("#f-activity-legal_basis").select_option("consent")
    page.locator('input[name="activity.data_subjects"][value="customers"]').check()
    page.get_by_role("button", name="Create assessment").click()
    error = page.locator("#f-assessment-id-err")
    assert "assessment.id" in error.inner_text()  # named next to the field, in words
    shot(page, "edit-new-error")
    page.locator("#f-assessment-id").fill("pia-2026")
    page.get_by_role("button", name="Create assessment").click()
    page.wait_for_url("**/o/acme/a/pia-2026/questions")
    assert "0 of" in page.locator("label[for=progress]").inner_text()
    shot(page, "edit-questions")

    org = page.locator("#f-g-org-org")
    org.locator('input[name="internal_pi_policies"][value="true"]').check()
    org.get_by_role("button", name="Save these answers").click()
    page.wait_for_url("**/questions#f-g-org-org")
    notice = page.get_by_role("status")
    assert "These findings changed" in notice.inner_text() and "met" in notice.inner_text()
    assert "1 of" in page.locator("label[for=progress]").inner_text()

    page.goto(f"{server.base}/o/{ORG}/a/pia-2026")
    shot(page, "assessment")
    page.get_by_role("link", name="Remediation, comments and evidence").first.click()
    page.locator("#f-plan-owner").fill("IT team")
    page.locator("#f-plan-due").fill("2027-03-31")
    page.locator('input[name="plan.status"][value="in_progress"]').check()
    page.locator("#f-plan-priority").fill("1")
    page.locator("#plan").get_by_role("button", name="Save").click()
    page.wait_for_url("**/work#plan")
    assert page.locator("#f-plan-owner").input_value() == "IT team"

    page.locator("#comment-text").fill('=HYPERLINK("x") <script>alert(1)</script>')
    page.get_by_role("button", name="Add a comment").click()
    page.wait_for_url("**/work#comments")
    assert "<script>alert(1)</script>" in page.locator(".comments").inner_text()  # shown as text, inert

    evidence = tmp_path / "policy.png"
    evidence.write_bytes(PNG)
    page.locator("#evidence-file").set_input_files(str(evidence))
    page.get_by_role("button", name="Attach", exact=True).click()
    page.wait_for_url("**/work#evidence")
    assert "image/png" in page.locator("#evidence").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="policy.png").click()
    assert Path(download.value.path()).read_bytes() == PNG
    shot(page, "edit-finding")

    page.get_by_role("button", name="中文").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-Hans" and "评论" in page.content()
    shot(page, "edit-finding-zh")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()

    versions = f"{server.base}/o/{ORG}/a/pia-2026/versions"
    page.goto(versions)
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url("**/versions")
    assert "in review" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Approve").count() == 0  # not by the one who submitted
    shot(page, "review-submitted")

    env = {**os.environ, "HEGUI_DB": f"sqlite:///{server.data / 'workspace.db'}", "HEGUI_PASSWORD": PASSWORD}
    run = [HEGUI, "users", "add", "rita", "--org", ORG, "--role", "reviewer"]
    subprocess.run(run, env=env, check=True, capture_output=True, timeout=120)
    reviewer, review = sign_in(browser, server, "rita")
    review.goto(versions)
    review.get_by_role("button", name="Approve").click()
    review.wait_for_url("**/v/1")
    assert "approved" in review.locator("h1").inner_text()
    pdf = review.get_by_role("link", name="pipia.pdf")
    pdf.wait_for(timeout=300_000)  # the page refreshes itself while the worker renders
    shot(review, "review-approved")
    with review.expect_download() as download:
        pdf.click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert "CRM <b>assessment</b>" in text  # the title as typed, as text
    reviewer.close()

    page.goto(versions)
    page.get_by_role("button", name="Start the next version (re-assessment)").click()
    page.wait_for_url("**/v/2")
    assert "draft" in page.locator("h1").inner_text()
    page.goto(f"{server.base}/o/{ORG}/a/pia-2026/questions")
    org = page.locator("#f-g-org-org")
    org.locator('input[name="internal_pi_policies"][value="false"]').check()
    org.get_by_role("button", name="Save these answers").click()
    page.wait_for_url("**/questions#f-g-org-org")
    page.goto(f"{server.base}/o/{ORG}/a/pia-2026/v/2")
    assert "Changes since approved v1" in page.locator("main").inner_text()
    caption = page.locator("caption", has_text=re.compile("New gaps|Changed statuses"))
    rows = page.locator("table", has=caption).locator("tbody tr").all_inner_texts()
    assert any("\tmet\t" in f"\t{row}\t" and "gap" in row for row in rows), rows  # the policy answer undone
    shot(page, "review-diff")
    context.close()
