"""From an empty folder to an assessment with its PDF using only `hegui init`, the terminal questionnaire
and `validate`: the real `hegui` process in a pseudo-terminal, typed as a person would (never the YAML)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect
from pypdf import PdfReader

PROMPT = r"→ \[([^\]\r\n]*)\][^\r\n]*: "
HEGUI = [sys.executable, "-m", "engine.workflow"]


def hegui(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([*HEGUI, *map(str, args)], capture_output=True, text=True, env=env, timeout=600)


class Typist:
    """Answers the prompts of one `hegui questionnaire` session, checking what it asks."""

    def __init__(self, folder: Path, lang: str) -> None:
        env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
        self.child = pexpect.spawn(
            HEGUI[0],
            [*HEGUI[1:], "questionnaire", str(folder), "--lang", lang],
            env=env,
            dimensions=(50, 200),
            encoding="utf-8",
            timeout=120,
        )

    def type(self, asked: str, answer: str) -> str:
        """Wait for the prompt whose question contains `asked`, type `answer`; returns the hint shown."""
        self.child.expect(PROMPT)
        assert asked in self.child.before, (asked, self.child.before[-600:])
        self.child.sendline(answer)
        return str(self.child.match.group(1))

    def menu(self, choice: str, *expected: str) -> None:
        self.child.expect(PROMPT)
        for text in expected:
            assert text in self.child.before, (text, self.child.before[-1200:])
        self.child.sendline(choice)


ANSWERS = {"bool": "y", "int": "1", "choice": "1", "multi": "1", "text": "n/a", "date": "2026-06-30"}
HINTS = {  # the hint each question type shows (engine/i18n.py q.<type>, zh)
    "是/否 (y/n)": "bool",
    "整数": "int",
    "输入编号": "choice",
    "输入编号，如 1 3 或 1,3 或 1-3": "multi",
    "文字": "text",
    "日期 YYYY-MM-DD": "date",
}


def test_empty_folder_to_assessment_with_pdf_through_the_terminal_questionnaire(tmp_path: Path) -> None:
    folder = tmp_path / "acme-hospital"
    assert hegui("init", folder).returncode == 0
    assert hegui("validate", folder).returncode == 2  # not filled in yet

    q = Typist(folder, "zh")
    q.type("评估编号", "acme-hospital-2026")
    q.type("标题", "华康医院集团个人信息保护影响评估")
    q.type("评估人姓名", "李伟")
    q.type("评估人所在部门", "")
    q.type("组织名称", "华康医院集团")
    q.type("关键信息基础设施运营者", "否")
    q.type("国家机关", "")
    q.type("公共服务机构", "是")
    q.type("设立于中国境外", "")
    q.type("深圳", "")
    q.type("自由贸易试验区", "")
    q.type("网络运营者", "")
    q.type("个人总数", "many")
    q.child.expect("应为整数")
    q.type("", "120000")  # asked again
    q.type("重要数据处理者", "")
    # the scaffold's one activity
    q.type("活动编号", "Outpatient")  # not a valid id: asked again
    q.child.expect("无效回答")
    q.type("", "outpatient")
    q.type("活动名称", "门诊挂号与诊疗")
    q.type("处理目的", "门诊挂号、诊疗与随访")
    q.type("处理依据", "2")
    q.type("个人信息主体类别", "患者")  # by its Chinese label
    q.type("角色", "")  # controller: Enter takes the default
    for _ in range(7):  # automated decision … publicly available PI: the defaults
        q.type("是否", "")
    # the menu: add a dataset, link it to the activity, add a transfer abroad
    q.menu("6", "处理活动（1 项）", "outpatient — 门诊挂号与诊疗", "数据集（0 个）")
    q.type("数据集编号", "patients")
    q.type("数据集名称", "患者主索引")
    q.type("所在系统", "HIS")
    q.type("存储地", "")
    q.child.expect("必填字段尚未填写")
    q.type("", "CN")
    q.type("记录数", "250000")
    q.type("涉及人数", "120000")
    q.type("数据分级", "")
    q.type("个人信息类别", "name, phone, health_record")
    q.menu("3", "数据集（1 个）", "patients — 患者主索引")  # edit the activity
    q.menu("1", "outpatient — 门诊挂号与诊疗")
    for _ in range(5):  # id, name, purpose, legal basis, data subjects: Enter keeps each
        q.type("", "")
    q.type("使用的数据集", "1")
    for _ in range(8):  # role and the flags: kept
        q.type("", "")
    q.menu("10")
    q.type("出境编号", "lab-partner")
    q.type("接收方", "Global Lab Services Inc.")
    q.type("目的地", "USA")
    q.child.expect("ISO 3166")
    q.type("", "US")
    q.type("所属处理活动", "1")
    q.type("出境的数据集", "patients")
    q.type("非敏感个人信息人数", "800")
    q.type("敏感个人信息人数", "800")
    q.type("是否涉及重要数据", "否")
    q.type("出境情形", "")
    q.type("已完成的出境路径", "")
    q.menu("", "数据出境（1 项）", "lab-partner — Global Lab Services Inc.")
    # the questions that apply, each answered with a valid value of its type
    # then the narrative the filing needs (800 persons' sensitive PI to the US: a standard contract), each typed
    asked = narrated = 0
    while q.child.expect([PROMPT, "问卷结束。"]) == 0:
        hint = str(q.child.match.group(1))
        if narrated or "备案文件所需的叙述内容" in q.child.before:
            assert hint == "文字"
            q.child.sendline(f"备案叙述第{narrated + 1}项")
            narrated += 1
            continue
        assert "还剩" in q.child.before
        q.child.sendline(ANSWERS[HINTS[hint]])
        asked += 1
    q.child.expect(pexpect.EOF)
    q.child.close()
    assert q.child.exitstatus == 0
    assert asked > 10 and narrated > 10

    result = hegui("validate", folder)
    assert result.returncode == 0, result.stderr
    assert "1 项处理活动，1 个数据集，1 项出境" in result.stdout
    result = hegui("validate", folder, "--for-filing")  # nothing left to write for the filing
    assert result.returncode == 0, result.stdout + result.stderr
    out = tmp_path / "out"
    result = hegui("assess", folder, "--out", out, "--format", "json,pdf", "--fail-on", "none")
    assert result.returncode == 0, result.stderr
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert findings["assessment"]["id"] == "acme-hospital-2026"
    assert {t["id"] for t in findings["transfers"]} == {"lab-partner"}
    pdf = "".join(page.extract_text() or "" for page in PdfReader(out / "pipia.pdf").pages)
    # the filing edition names the recipient as typed, never hegui's internal transfer id
    flat = pdf.replace("\n", "")
    assert "华康医院集团" in pdf and "Global Lab Services Inc." in flat and "lab-partner" not in flat
    annex = "".join(page.extract_text() or "" for page in PdfReader(out / "sc-annex.pdf").pages)
    assert "备案叙述第" in annex.replace("\n", "")  # the texts typed fill the contract annex
    text = (folder / "assessment.yaml").read_text(encoding="utf-8")
    assert "# 处理活动，每项一条" in text  # the scaffold's help comments are still there
    assert re.search(r"^  - id: outpatient$", text, re.M)
