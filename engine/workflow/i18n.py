"""Every message the workflow commands print, in Simplified Chinese and English, in one place."""

from __future__ import annotations

from typing import Any

from engine.text import Text

MESSAGES: dict[str, Text] = {
    # batch
    "batch.progress": Text(zh="评估中", en="Assessing"),
    "batch.assessed": Text(zh="已评估", en="assessed"),
    "batch.unchanged": Text(zh="未变化，跳过", en="unchanged, skipped"),
    "batch.invalid": Text(zh="输入无效", en="invalid input"),
    "batch.failed": Text(zh="评估失败", en="failed"),
    "batch.gaps": Text(zh="{n} 项差距", en="{n} gaps"),
    "batch.totals": Text(
        zh="共 {total} 项评估：已评估 {assessed}，未变化 {unchanged}，输入无效 {invalid}，失败 {failed}",
        en="{total} assessments: {assessed} assessed, {unchanged} unchanged, "
        "{invalid} invalid, {failed} failed",
    ),
    "batch.problems": Text(zh="未能评估的文件夹", en="Folders that could not be assessed"),
    "batch.written": Text(zh="汇总", en="Summary"),
    "batch.duplicate_id": Text(
        zh="评估编号 {id!r} 已被本批次中的 {other} 使用；编号必须唯一",
        en="assessment id {id!r} is already used by {other} in this batch; ids must be unique",
    ),
    # questionnaire
    "q.title": Text(zh="问卷：{title}", en="Questionnaire: {title}"),
    "q.org": Text(zh="组织", en="Organisation"),
    "q.activity": Text(zh="处理活动", en="Activity"),
    "q.transfer": Text(zh="数据出境", en="Transfer"),
    "q.help": Text(zh="说明", en="Help"),
    "q.why": Text(zh="为何询问（本回答用于证明以下义务）", en="Why we ask (this answer evidences)"),
    "q.keys": Text(
        zh="直接回车跳过（保持未知），输入 q 保存并退出",
        en="Press Enter to skip (stays unknown), q to save and quit",
    ),
    "q.bool": Text(zh="是/否 (y/n)", en="yes/no (y/n)"),
    "q.int": Text(zh="整数", en="whole number"),
    "q.choice": Text(zh="输入编号", en="enter a number"),
    "q.multi": Text(zh="输入编号，逗号分隔", en="numbers, comma-separated"),
    "q.text": Text(zh="文字", en="text"),
    "q.date": Text(zh="日期 YYYY-MM-DD", en="date YYYY-MM-DD"),
    "q.invalid": Text(zh="无效回答：{why}", en="Not a valid answer: {why}"),
    "q.saved": Text(zh="已保存到 {path}", en="Saved to {path}"),
    "q.done": Text(zh="问卷结束。", en="Questionnaire finished."),
    "q.stopped": Text(
        zh="已保存，稍后运行同一命令可继续。", en="Saved; run the same command again to resume."
    ),
    "q.unanswered": Text(zh="仍未回答的问题", en="Questions still unanswered"),
    "q.unknown_findings": Text(
        zh="仍为“待确认”的义务及所缺事实", en="Obligations still unknown and the facts they need"
    ),
    "q.none_unknown": Text(zh="没有待确认的事项。", en="Nothing is left unknown."),
    "q.one_of": Text(zh="--export 与 --import 只能选其一", en="use one of --export and --import, not both"),
    "q.imported": Text(zh="已从 {file} 导入 {n} 个回答", en="Imported {n} answers from {file}"),
    "q.exported": Text(zh="问卷已导出到 {file}", en="Questionnaire exported to {file}"),
    # explain
    "x.finding": Text(zh="义务", en="Obligation"),
    "x.status": Text(zh="状态", en="Status"),
    "x.severity": Text(zh="严重程度", en="Severity"),
    "x.subject": Text(zh="对象", en="Subject"),
    "x.summary": Text(zh="要求", en="What it requires"),
    "x.applies": Text(zh="为何适用", en="Why it applies"),
    "x.met": Text(zh="为何得出该结论", en="Why this result"),
    "x.unknown": Text(zh="缺少的事实", en="Missing facts"),
    "x.questions": Text(zh="回答以下问题即可确定", en="Answering these questions settles it"),
    "x.citations": Text(zh="法律依据", en="Legal basis"),
    "x.penalties": Text(zh="法律责任", en="Penalty exposure"),
    "x.remediation": Text(zh="整改建议", en="Remediation"),
    "x.evidence": Text(zh="证明材料", en="Evidence"),
    "x.waiver": Text(
        zh="豁免：{reason}（批准人 {approver}，至 {expires}{expired}）",
        en="Waiver: {reason} (approved by {approver}, until {expires}{expired})",
    ),
    "x.expired": Text(zh="，已过期", en=", expired"),
    "x.always": Text(zh="无条件适用", en="applies unconditionally"),
    "x.secondary": Text(zh="（二手来源）", en=" (secondary source)"),
    "x.no_finding": Text(zh="没有编号为 {id!r} 的义务结论{hint}", en="no finding with id {id!r}{hint}"),
    "x.no_findings": Text(
        zh="找不到 findings.json 或 assessment.yaml", en="no findings.json or assessment.yaml here"
    ),
    "x.bad_json": Text(zh="不是有效的 findings.json：{why}", en="not a valid findings.json: {why}"),
    # values
    "v.true": Text(zh="是", en="yes"),
    "v.false": Text(zh="否", en="no"),
    "v.none": Text(zh="未知", en="unknown"),
    "v.gap": Text(zh="差距", en="gap"),
    "v.met": Text(zh="已满足", en="met"),
    "v.unknown": Text(zh="待确认", en="unknown"),
    "v.waived": Text(zh="已豁免", en="waived"),
    "v.not_applicable": Text(zh="不适用", en="not applicable"),
    "v.critical": Text(zh="严重", en="critical"),
    "v.high": Text(zh="高", en="high"),
    "v.medium": Text(zh="中", en="medium"),
    "v.low": Text(zh="低", en="low"),
    # diff
    "d.new_gaps": Text(zh="新增差距", en="New gaps"),
    "d.closed_gaps": Text(zh="已关闭的差距", en="Closed gaps"),
    "d.statuses": Text(zh="状态变化", en="Changed statuses"),
    "d.facts": Text(zh="事实变化", en="Changed facts"),
    "d.old": Text(zh="原", en="old"),
    "d.new": Text(zh="新", en="new"),
    "d.fact": Text(zh="事实", en="fact"),
    "d.context": Text(zh="对象", en="subject"),
    "d.same": Text(zh="没有变化。", en="No changes."),
    # init
    "i.exists": Text(zh="{file} 已存在；不会覆盖", en="{file} already exists; not overwriting it"),
    "i.created": Text(
        zh="已创建 {path}：填写标注“必填”的字段后运行 hegui validate {path}",
        en="Created {path}: fill in the fields marked required, then run hegui validate {path}",
    ),
}


def tr(key: str, lang: str, **values: Any) -> str:
    """The message in `lang` (zh or en), formatted with `values`."""
    return MESSAGES[key].get(lang).format(**values)


def both(key: str, **values: Any) -> str:
    """The message in both languages, for text that goes to files or error output (`zh / en`)."""
    return f"{tr(key, 'zh', **values)} / {tr(key, 'en', **values)}"


def value_text(value: Any, lang: str) -> str:
    """A fact or answer value as a person reads it: yes/no, unknown, lists joined."""
    if value is None:
        return tr("v.none", lang)
    if isinstance(value, bool):
        return tr("v.true" if value else "v.false", lang)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "[]"
    return str(value)
