"""Datasets in the browser: real CSV, XLSX (openpyxl), Fides and `hegui scan` files uploaded into a draft.

The upload only previews; the confirming form carries the file back and the same importer reads it
again. Hostile files (wrong type, too large, broken, markup in cells) are refused or shown inert."""

from __future__ import annotations

import base64
import html
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import yaml
from openpyxl import Workbook
from starlette.testclient import TestClient

from engine.inputs import DATASETS_YAML
from engine.web.datasets import MAX_INVENTORY
from tests.web.conftest import Seeded, csrf_of, signed_in
from tests.web.test_editing import actions, files

HEADER = "dataset,name,system,storage_location,records,individuals,grade,field,category"
CSV = f"""{HEADER}
leads,销售线索,CRM,CN,1200,1100,general,mobile,phone
leads,销售线索,CRM,CN,1200,1100,general,company,
members,会员信息库,CRM (MySQL),CN,3200000,3200000,general,mobile,phone
members,会员信息库,CRM (MySQL),CN,3200000,3200000,general,email,email
"""
FIDES = """\
dataset:
  - fides_key: crm_db
    name: CRM database
    collections:
      - name: users
        fields:
          - name: email
            data_categories: [user.contact.email]
          - name: tier
            data_categories: [user.custom.loyalty_tier]
"""


def page_of(client: TestClient, seeded: Seeded) -> tuple[str, str]:
    base = f"/o/{seeded.own}/a/{seeded.assessment}/datasets"
    response = client.get(base)
    assert response.status_code == 200, response.text
    return base, csrf_of(response.text)


def preview(client: TestClient, seeded: Seeded, name: str, data: bytes, location: str = "CN") -> tuple[int, str]:
    base, token = page_of(client, seeded)
    response = client.post(
        f"{base}/preview", data={"csrf": token, "location": location}, files={"file": (name, data, "text/plain")}
    )
    return response.status_code, response.text


def confirm_form(page: str) -> dict[str, str | list[str]]:
    """What a browser sends back from the preview's form unchanged: hidden inputs, checked boxes and radios."""
    form = page[page.index('action="/o/') :]
    form = form[: form.index("</form>")]
    data: dict[str, str | list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
        data[name] = html.unescape(value)
    for name, value in re.findall(r'name="([^"]+)" value="([^"]*)" checked', form):
        data[name] = value
    return data


def stored_datasets(seeded: Seeded) -> dict[str, dict[str, object]]:
    doc = yaml.safe_load(files(seeded.engine, seeded.own, seeded.assessment)[DATASETS_YAML])
    return {d["id"]: d for d in doc["datasets"]}


def test_csv_preview_changes_nothing_and_confirm_adds_and_replaces(seeded: Seeded) -> None:
    client = signed_in(seeded.engine, "assessor")
    before = files(seeded.engine, seeded.own, seeded.assessment)
    code, page = preview(client, seeded, "inventory.csv", CSV.encode())
    assert code == 200, page
    assert "leads" in page and "members" in page
    assert "替换同编号的数据集" in page or "replaces the dataset" in page  # members is in the draft already
    assert "字段名提示" in page or "field name suggests" in page or "company" in page
    assert files(seeded.engine, seeded.own, seeded.assessment) == before  # a preview stores nothing
    base, _ = page_of(client, seeded)
    response = client.post(f"{base}/apply", data=confirm_form(page))
    assert response.status_code == 303, response.text
    stored = stored_datasets(seeded)
    assert stored["leads"]["records"] == 1200 and stored["leads"]["fields"][0] == {
        "name": "mobile",
        "category": "phone",
    }
    assert [f["name"] for f in stored["members"]["fields"]] == ["mobile", "email"]  # replaced in place
    assert "orders" in stored  # datasets the file does not name stay
    assert "web.datasets.csv" in actions(seeded.engine) and "web.datasets.imported" in actions(seeded.engine)
    done = client.get(base).text
    assert "inventory.csv" in done and ("新增 1 个" in done or "1 added" in done)


def test_a_dataset_left_unticked_is_not_imported(seeded: Seeded) -> None:
    client = signed_in(seeded.engine, "admin")
    _, page = preview(client, seeded, "inventory.csv", CSV.encode())
    form = confirm_form(page)
    del form["d.1"]  # members: keep the draft's own
    base, _ = page_of(client, seeded)
    assert client.post(f"{base}/apply", data=form).status_code == 303
    stored = stored_datasets(seeded)
    assert "leads" in stored and len(stored["members"]["fields"]) == 6  # the example's members, untouched


def test_xlsx_with_an_unknown_category_names_the_cell_and_stores_nothing(seeded: Seeded, tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    ws.title = "清单"
    ws.append(["数据集", "名称", "系统", "存储地", "记录数", "个人数", "分级", "字段", "个人信息类别"])
    ws.append(["leads", "线索", "CRM", "CN", 10, 10, "general", "mobile", "shouji"])
    book.save(tmp_path / "inventory.xlsx")
    client = signed_in(seeded.engine, "assessor")
    before = files(seeded.engine, seeded.own, seeded.assessment)
    code, page = preview(client, seeded, "inventory.xlsx", (tmp_path / "inventory.xlsx").read_bytes())
    assert code == 400
    text = html.unescape(page)
    assert "inventory.xlsx!清单!I2" in text and "shouji" in text and "phone" in text  # the cell and a suggestion
    assert "hegui-" not in text  # never the server's temporary path
    assert files(seeded.engine, seeded.own, seeded.assessment) == before
    ws["I2"] = "phone"
    book.save(tmp_path / "inventory.xlsx")
    code, page = preview(client, seeded, "inventory.xlsx", (tmp_path / "inventory.xlsx").read_bytes())
    assert code == 200 and "leads" in page


def test_fides_warnings_name_the_place_and_the_import_goes_on(seeded: Seeded) -> None:
    client = signed_in(seeded.engine, "assessor")
    code, page = preview(client, seeded, "crm.fides.yaml", FIDES.encode(), location="us")
    assert code == 200, page
    text = html.unescape(page)
    assert re.search(r"crm\.fides\.yaml:10:\d+", text) and "user.custom.loyalty_tier" in text
    base, _ = page_of(client, seeded)
    assert client.post(f"{base}/apply", data=confirm_form(page)).status_code == 303
    stored = stored_datasets(seeded)["crm_db-users"]
    assert stored["storage_location"] == "US"
    assert stored["fields"][0] == {"name": "email", "category": "email", "note": "fides: user.contact.email"}


def scanned(tmp_path: Path) -> bytes:
    """A datasets.yaml written by a real `hegui scan` of a small SQLite database."""
    db = tmp_path / "shop.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, shouji TEXT, remark TEXT)")
        rows = [(i, f"1380013{i:04d}", f"note {i}") for i in range(40)]
        conn.executemany("INSERT INTO customer VALUES (?, ?, ?)", rows)
    out = tmp_path / "proposals.yaml"
    result = subprocess.run(
        [str(Path(sys.executable).with_name("hegui")), "scan", f"sqlite:///{db}", "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return out.read_bytes()


def test_scan_proposals_are_accepted_or_rejected_one_by_one(seeded: Seeded, tmp_path: Path) -> None:
    client = signed_in(seeded.engine, "assessor")
    code, page = preview(client, seeded, "proposals.yaml", scanned(tmp_path))
    assert code == 200, page
    assert "proposed phone" in page or "建议 phone" in page  # the scan's evidence beside the field
    form = confirm_form(page)
    proposals = [k for k in form if k.startswith("p.")]
    assert proposals and all(form[k] == "accept" for k in proposals)
    stored_before = stored_datasets(seeded)
    assert "customer" not in stored_before
    base, _ = page_of(client, seeded)
    form[proposals[0]] = "reject"
    assert client.post(f"{base}/apply", data=form).status_code == 303, form
    customer = stored_datasets(seeded)["customer"]
    shouji = next(f for f in customer["fields"] if f["name"] == "shouji")
    assert "category" not in shouji  # rejected: left for a person to fill in
    assert "web.datasets.proposals" in actions(seeded.engine)


def test_hostile_files_are_refused_with_a_message_never_a_500(seeded: Seeded) -> None:
    client = signed_in(seeded.engine, "assessor")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    cases = {
        ("photo.xlsx", png): ("XLSX",),
        ("inventory.csv", png): ("CSV",),
        ("inventory.exe", b"MZ"): (".csv",),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 200): ("broken.xlsx",),
        ("big.csv", b"a" * (MAX_INVENTORY + 1)): (str(MAX_INVENTORY),),
        ("bad.yaml", b"datasets: [\n"): ("bad.yaml",),
        ("../../etc/passwd.csv", b"x,y\n1,2\n"): ("passwd.csv",),
    }
    before = files(seeded.engine, seeded.own, seeded.assessment)
    for (name, data), expected in cases.items():
        code, page = preview(client, seeded, name, data)
        assert code == 400, (name, page[:500])
        for word in expected:
            assert word in html.unescape(page), (name, word)
        assert "../" not in page
    assert files(seeded.engine, seeded.own, seeded.assessment) == before
    base, token = page_of(client, seeded)
    forged = client.post(f"{base}/apply", data={"csrf": token, "filename": "x.csv", "payload": "%%%", "d.0": "on"})
    assert forged.status_code == 400
    assert files(seeded.engine, seeded.own, seeded.assessment) == before


def test_markup_in_an_inventory_is_shown_as_text(seeded: Seeded) -> None:
    hostile = "<script>alert(1)</script>\u202e"
    rows = CSV.replace("CRM,CN,1200", f'"{hostile}",CN,1200')
    client = signed_in(seeded.engine, "assessor")
    code, page = preview(client, seeded, "inventory.csv", rows.encode())
    assert code == 200, page
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_a_confirmed_import_that_does_not_validate_stores_nothing(seeded: Seeded) -> None:
    """The payload is the assessor's own file: one that names a dataset twice is refused at the upload."""
    client = signed_in(seeded.engine, "assessor")
    twice = "datasets:\n" + 2 * (
        "  - {id: x, name: X, system: S, storage_location: CN, records: 1, individuals: 1, fields: []}\n"
    )
    code, page = preview(client, seeded, "datasets.yaml", twice.encode())
    assert code == 400 and "datasets.yaml" in page and "datasets.1" in page
    payload = base64.b64encode(CSV.encode()).decode()
    base, token = page_of(client, seeded)
    data = {"csrf": token, "filename": "inventory.csv", "payload": payload, "location": "CN"}
    assert client.post(f"{base}/apply", data=data).status_code == 400  # nothing ticked: nothing to do


def test_an_approved_version_takes_no_import(seeded: Seeded) -> None:
    from tests.web.test_review import approve_directly

    client = signed_in(seeded.engine, "assessor")
    _, page = preview(client, seeded, "inventory.csv", CSV.encode())
    approve_directly(seeded.engine, seeded.own, seeded.assessment)
    before = files(seeded.engine, seeded.own, seeded.assessment)
    base, _ = page_of(client, seeded)
    refused = client.post(f"{base}/apply", data=confirm_form(page))
    assert refused.status_code == 400 and ("approved" in refused.text or "已批准" in refused.text)
    assert files(seeded.engine, seeded.own, seeded.assessment) == before
