"""The pages over the use-case layer: findings of a stored assessment, uploads, hostile text, zh/en."""

from __future__ import annotations

import json
from pathlib import Path

from engine import usecases
from tests.conftest import EXAMPLES
from tests.web.conftest import Seeded, csrf_of, signed_in

HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)> =HYPERLINK("http://evil") \u202eevil\u202c'


def upload(client, org: str, folder: Path, replace: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    files = {}
    for name in ("assessment.yaml", "datasets.yaml", "datasets.csv"):
        if not (folder / name).is_file():
            continue
        data = (folder / name).read_text(encoding="utf-8")
        for old, new in (replace or {}).items() if name == "assessment.yaml" else ():
            data = data.replace(old, new, 1)
        files[name] = (name, data.encode("utf-8"))
    token = csrf_of(client.get("/orgs").text)
    return client.post(f"/o/{org}/upload", data={"csrf": token}, files=files)


def test_the_assessment_page_shows_the_engines_findings(seeded: Seeded) -> None:
    client = signed_in(seeded.engine, "viewer")
    page = client.get(f"/o/{seeded.own}/a/{seeded.assessment}")
    assert page.status_code == 200
    doc = usecases.assess(usecases.load(EXAMPLES / "shenzhen-ecommerce")).doc
    gaps = [f for f in doc.findings if f.status == "gap"]
    assert gaps and all(f.id in page.text for f in gaps)  # gaps first (the findings are paged)
    everything = client.get(f"/o/{seeded.own}/a/{seeded.assessment}?all=1").text
    assert all(f.id in everything for f in doc.findings)
    assert gaps[0].title.zh in page.text
    for transfer in doc.transfers:
        assert f"<code>{transfer.mechanism}</code>" in page.text
    token = csrf_of(page.text)
    client.post("/lang", data={"csrf": token, "lang": "en", "next": "/"})
    english = client.get(f"/o/{seeded.own}/a/{seeded.assessment}").text
    assert gaps[0].title.en in english and "Findings" in english


def test_a_finding_page_explains_it_as_hegui_explain_does(seeded: Seeded) -> None:
    from engine.workflow.explain import cite_labels

    doc = usecases.assess(usecases.load(EXAMPLES / "shenzhen-ecommerce")).doc
    finding = next(f for f in doc.findings if f.status == "gap" and f.remediation.zh and f.trace.applies)
    client = signed_in(seeded.engine, "viewer")
    listing = client.get(f"/o/{seeded.own}/a/{seeded.assessment}").text
    link = f"/o/{seeded.own}/a/{seeded.assessment}/f/{finding.id.replace('@', '%40')}"
    assert f'href="{link}"' in listing
    page = client.get(link)
    assert page.status_code == 200
    assert finding.title.zh in page.text and finding.summary.zh in page.text
    assert all(label in page.text for label in cite_labels(finding.citations, "zh"))
    assert all(step in page.text for step in finding.remediation.zh)


def test_an_upload_is_validated_stored_and_listed(seeded: Seeded) -> None:
    client = signed_in(seeded.engine, "assessor")
    response = upload(client, seeded.own, EXAMPLES / "offshore-saas")
    assert response.status_code == 303
    key = response.headers["location"].rsplit("/", 1)[1]
    assert key in client.get(f"/o/{seeded.own}").text
    assert client.get(response.headers["location"]).status_code == 200


def test_an_invalid_upload_names_the_file_and_place_and_stores_nothing(seeded: Seeded) -> None:
    client = signed_in(seeded.engine, "assessor")
    response = upload(client, seeded.own, EXAMPLES / "offshore-saas", {"as_of: ": "as_of: not-a-date #"})
    assert response.status_code == 400
    assert "assessment.yaml:" in response.text and "/tmp" not in response.text and "hegui-" not in response.text
    listing = client.get(f"/o/{seeded.own}").text
    assert listing.count("/a/") == 1  # only the seeded assessment


def test_an_oversized_upload_is_refused_by_name(seeded: Seeded) -> None:
    from engine.web.app import MAX_UPLOAD

    client = signed_in(seeded.engine, "assessor")
    token = csrf_of(client.get("/orgs").text)
    files = {"assessment.yaml": ("assessment.yaml", b"#" * (MAX_UPLOAD + 1))}
    response = client.post(f"/o/{seeded.own}/upload", data={"csrf": token}, files=files)
    assert response.status_code == 400
    assert f"assessment.yaml: 文件超过 {MAX_UPLOAD} 字节的上限" in response.text


def test_hostile_text_is_inert(seeded: Seeded) -> None:
    client = signed_in(seeded.engine, "assessor")
    folder = EXAMPLES / "shenzhen-ecommerce"
    title = json.dumps(HOSTILE)
    zh_title = "    zh: 鹏城优选电商平台个人信息保护影响评估（2026年度）"
    response = upload(
        client, seeded.own, folder, {zh_title: f"    zh: {title}", "id: shenzhen-ecommerce-2026": "id: hostile"}
    )
    assert response.status_code == 303, response.text
    for path in (f"/o/{seeded.own}", f"/o/{seeded.own}/a/hostile"):
        text = client.get(path).text
        assert "<script>" not in text and "<img" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert "<bdi>&lt;script&gt;" in text  # the bidi override is isolated in its element


def test_pages_reuse_the_findings_of_unchanged_inputs_and_follow_a_change(seeded: Seeded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    runs: list[str] = []
    real = usecases.assess

    def counted(loaded, day=None):  # type: ignore[no-untyped-def]
        runs.append(loaded.folder.name)
        return real(loaded, day)

    monkeypatch.setattr(usecases, "assess", counted)
    client = signed_in(seeded.engine, "admin")
    page = f"/o/{seeded.own}/a/{seeded.assessment}"
    first = client.get(page).text
    assert client.get(page).text == first and runs == [seeded.assessment]
    changed = upload(
        client,
        seeded.own,
        EXAMPLES / "shenzhen-ecommerce",
        {"\n": "\n# a comment changes the bytes, not the meaning\n"},
    )
    assert changed.status_code == 303
    assert client.get(page).status_code == 200 and runs.count(seeded.assessment) == 2
