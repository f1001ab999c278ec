"""The terminal questionnaire edits the assessment itself: entries added, renamed and removed (with every
reference to them), a stopped session resumed, and the file kept readable (comments above their keys)."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import pexpect
from ruamel.yaml.comments import CommentedMap
from workflow_support import Run

from engine.workflow.answers import block_list, dump_document, put, read_document
from engine.workflow.scaffold import scaffold

PROMPT = r"→ [^\r\n]*: "


def spawn(folder: Path) -> pexpect.spawn:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "250"}
    return pexpect.spawn(
        sys.executable,
        ["-m", "engine.workflow", "questionnaire", str(folder), "--lang", "en"],
        env=env,
        dimensions=(50, 250),
        encoding="utf-8",
        timeout=60,
    )


def send(child: pexpect.spawn, answer: str, expected: str = "") -> None:
    child.expect(PROMPT)
    assert expected in child.before, (expected, child.before[-800:])
    child.sendline(answer)


def test_new_keys_go_above_the_comments_that_describe_the_next_key(tmp_path: Path) -> None:
    path = tmp_path / "assessment.yaml"
    path.write_text(scaffold(date(2026, 12, 1)).replace("  individuals_total: null", "  individuals_total: 5  # eol"))
    doc = read_document(path, tmp_path)
    put(doc["organisation"], "shenzhen", True)
    item = CommentedMap(id="lab")
    block_list(doc, "transfers").append(item)
    text = dump_document(doc)
    lines = text.splitlines()
    assert lines[lines.index("  individuals_total: 5  # eol") + 1] == "  shenzhen: true"  # the eol comment stays
    at = lines.index("  shenzhen: true")
    assert lines[at + 1 : at + 4] == ["# 处理活动，每项一条", "# Processing activities, one entry each", "activities:"]
    assert text.endswith("transfers:\n  - id: lab\n")
    assert text.count("\n#") == scaffold(date(2026, 12, 1)).count("\n#")  # no comment lost


def test_a_stopped_setup_resumes_at_the_first_field_still_empty(hegui: Run, tmp_path: Path) -> None:
    folder = tmp_path / "new"
    assert hegui("init", folder).exit_code == 0
    child = spawn(folder)
    send(child, "acme-2026", "Assessment id")
    send(child, "q", "Title")
    child.expect("Saved; run the same command again to resume.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "  id: acme-2026\n" in (folder / "assessment.yaml").read_text(encoding="utf-8")
    child = spawn(folder)
    send(child, "", "Title")  # the id is not asked again; a required field cannot be left empty
    child.expect("required field not filled in")
    send(child, "q")
    child.expect(pexpect.EOF)


def test_a_bad_value_is_an_input_error_even_while_fields_are_unfilled(tmp_path: Path, hegui: Run) -> None:
    folder = tmp_path / "new"
    assert hegui("init", folder).exit_code == 0
    path = folder / "assessment.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("as_of: 20", "as_of: 2026-13-45 #"), encoding="utf-8")
    result = hegui("questionnaire", folder)
    assert result.exit_code == 2
    assert "assessment.as_of" in result.stderr
    assert "not filled in" not in result.stderr  # what the questionnaire asks is not reported as an error


def test_menu_renames_and_removes_entries_with_every_reference_to_them(example: Path, hegui: Run) -> None:
    child = spawn(example)
    send(child, "9", "Remove a dataset")  # remove a dataset
    send(child, "2", "face-templates")  # members, face-templates, orders, browsing: the second
    child.expect("Removed face-templates")
    send(child, "4", "Rename a processing activity")
    send(child, "3", "order-fulfilment")
    send(child, "Orders and delivery", "Activity name")
    send(child, "13", "Remove a transfer abroad")
    send(child, "1", "hk-parent-crm")
    send(child, "q", "Transfers abroad (0)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = (example / "assessment.yaml").read_text(encoding="utf-8")
    assert "face-templates" not in text and "datasets: [members]" in text
    assert "name: Orders and delivery" in text and "hk-parent-crm" not in text
    assert "face-templates" not in (example / "datasets.yaml").read_text(encoding="utf-8")
    result = hegui("validate", example)
    assert result.exit_code == 0, result.output
    assert "3 activities, 3 datasets, 0 transfers" in result.stdout
