"""Every message the CLI prints, in Simplified Chinese and English, in one place.

Workflow output (batch, questionnaire, explain, diff, init), the rulebook tools (lint, test, coverage) and
every input or rulebook problem (FILE:LINE:COL: dotted.path: message, see engine/errors.py) come from
MESSAGES. Problems are printed `中文 / English` (`both`); interactive output is in the user's language
(`tr`). Placeholders are str.format fields; a Text value gives each language its own wording (a hint, a
list, a nested message).
"""

from __future__ import annotations

import difflib
import string
from collections.abc import Iterable
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
        en="{total} assessments: {assessed} assessed, {unchanged} unchanged, {invalid} invalid, {failed} failed",
    ),
    "batch.problems": Text(zh="未能评估的文件夹", en="Folders that could not be assessed"),
    "batch.written": Text(zh="汇总", en="Summary"),
    "batch.no_path": Text(zh="文件或文件夹不存在", en="no such file or folder"),
    "batch.no_assessment": Text(
        zh="此处没有评估文件夹（含 {file} 的文件夹）", en="no assessment folder (with {file}) here"
    ),
    "batch.duplicate_id": Text(
        zh="评估编号 {id!r} 已被本批次中的 {other} 使用；编号必须唯一",
        en="assessment id {id!r} is already used by {other} in this batch; ids must be unique",
    ),
    "batch.worker_died": Text(
        zh="评估此文件夹时工作进程意外终止（退出状态 {status}），例如规则引擎崩溃或内存耗尽",
        en="the worker process died while assessing this folder (exit status {status}), "
        "e.g. a crash in the rules engine or out of memory",
    ),
    # batch hardening (engine/workflow/batch.py, engine/output.py, engine/workflow/findings.py)
    "batch.duplicate_ids": Text(
        zh="评估编号 {id!r} 在本批次中被多个文件夹使用（{others}）；编号必须唯一，这些文件夹均未评估",
        en="assessment id {id!r} is used by more than one folder in this batch ({others}); "
        "ids must be unique, none of them was assessed",
    ),
    "batch.locked": Text(
        zh="另一个批处理正在写入此输出文件夹；请等待其结束，或改用其他 --out",
        en="another batch is writing into this output folder; wait for it to finish or use another --out",
    ),
    "batch.state_damaged": Text(
        zh="批处理状态文件已损坏（{why}）；删除该文件，或加 --force 重新评估全部",
        en="the batch state file is damaged ({why}); delete it, or run with --force to assess everything again",
    ),
    "out.ENOSPC": Text(zh="磁盘空间不足", en="no space left on device"),
    "out.EDQUOT": Text(zh="超出磁盘配额", en="disk quota exceeded"),
    "out.EFBIG": Text(zh="文件超过允许的大小", en="file too large"),
    "out.ENOTDIR": Text(zh="路径中有一部分是文件，而不是文件夹", en="part of the path is a file, not a folder"),
    "out.EEXIST": Text(zh="此处已有同名文件，而需要的是文件夹", en="a file is in the way where a folder is needed"),
    "out.EISDIR": Text(zh="此处已有同名文件夹，而需要的是文件", en="a folder is in the way where a file is needed"),
    "out.EACCES": Text(zh="没有写入权限", en="permission denied"),
    "out.EPERM": Text(zh="不允许此操作", en="operation not permitted"),
    "out.EROFS": Text(zh="只读文件系统", en="read-only file system"),
    "x.too_deep": Text(zh="嵌套层数过多（超过 {depth} 层）", en="nested too deeply (more than {depth} levels)"),
    # sheets: spreadsheet hardening (engine/xlsxsafe.py: limits, entities, formulas in imported workbooks)
    "xlsx.unpacked_too_large": Text(
        zh="工作簿解压后超过 {mib} MiB（各部件合计）",
        en="the workbook unpacks to more than {mib} MiB (all parts together)",
    ),
    "xlsx.ratio": Text(
        zh="部件 {part} 的压缩比为 {ratio}:1，超过上限 {limit}:1（疑似压缩炸弹）",
        en="part {part} is compressed {ratio}:1, more than the limit of {limit}:1 (a zip bomb?)",
    ),
    "xlsx.entities": Text(
        zh="工作簿的 XML 含 DOCTYPE 或实体声明（可能是 XXE 或实体膨胀攻击），hegui 不予读取",
        en="the workbook's XML has a DOCTYPE or entity declaration (XXE or entity expansion?); hegui does not read it",
    ),
    "xlsx.too_many_rows": Text(
        zh="工作表超过 {max:,} 行（hegui 读取的上限）", en="the sheet has more than {max:,} rows (hegui's limit)"
    ),
    "xlsx.too_many_cells": Text(
        zh="超过 {max:,} 个单元格（hegui 读取的上限）", en="more than {max:,} cells (hegui's limit)"
    ),
    "xlsx.too_many_strings": Text(
        zh="共享字符串表超过 {max:,} 项（hegui 读取的上限）", en="more than {max:,} shared strings (hegui's limit)"
    ),
    "xlsx.too_many_columns": Text(
        zh="此行超过 {max} 列（hegui 读取的上限）", en="this row has more than {max} columns (hegui's limit)"
    ),
    "xlsx.formula": Text(
        zh="单元格含公式 {formula!r}；hegui 只读取值，请改为填写值（或“选择性粘贴为数值”）后再导入",
        en="the cell holds the formula {formula!r}; hegui reads values only: type the value "
        "(or paste as values) and import again",
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
    "q.multi": Text(zh="输入编号，如 1 3 或 1,3 或 1-3", en="numbers, e.g. 1 3, 1,3 or 1-3"),
    "q.text": Text(zh="文字", en="text"),
    "q.date": Text(zh="日期 YYYY-MM-DD", en="date YYYY-MM-DD"),
    "q.invalid": Text(zh="无效回答：{why}", en="Not a valid answer: {why}"),
    "q.saved": Text(zh="已保存到 {path}", en="Saved to {path}"),
    "q.done": Text(zh="问卷结束。", en="Questionnaire finished."),
    "q.stopped": Text(zh="已保存，稍后运行同一命令可继续。", en="Saved; run the same command again to resume."),
    "q.unanswered": Text(zh="仍未回答的问题", en="Questions still unanswered"),
    "q.unknown_findings": Text(
        zh="仍为“待确认”的义务及所缺事实", en="Obligations still unknown and the facts they need"
    ),
    "q.none_unknown": Text(zh="没有待确认的事项。", en="Nothing is left unknown."),
    "q.one_of": Text(zh="--export 与 --import 只能选其一", en="use one of --export and --import, not both"),
    "q.bad_workbook": Text(
        zh="不是 hegui 导出的问卷（缺少工作表“{sheet}”）",
        en="not a questionnaire exported by hegui (sheet {sheet!r} missing)",
    ),
    "q.other_assessment": Text(
        zh="该问卷属于评估 {found!r}，而不是 {expected!r}",
        en="this questionnaire belongs to assessment {found!r}, not {expected!r}",
    ),
    "q.no_question": Text(zh="本评估没有这个问题：{key}", en="no such question for this assessment: {key}"),
    "q.duplicate_row": Text(zh="与第 {row} 行重复", en="duplicates row {row}"),
    "q.imported": Text(zh="已从 {file} 导入 {n} 个回答", en="Imported {n} answers from {file}"),
    "q.exported": Text(zh="问卷已导出到 {file}", en="Questionnaire exported to {file}"),
    # files: input files and terminal hardening
    "file.control_char": Text(
        zh="不允许的控制字符 {code}（只允许制表符和换行）",
        en="control character {code} is not allowed (only tab and newline are)",
    ),
    "file.link_outside": Text(
        zh="符号链接指向评估文件夹 {folder} 之外；请复制该文件而非链接",
        en="symbolic link leads outside the assessment folder {folder}; copy the file instead of linking it",
    ),
    "file.not_regular": Text(
        zh="不是普通文件（例如命名管道或设备）", en="not a regular file (e.g. a named pipe or a device)"
    ),
    "out.not_ours": Text(
        zh="文件已存在且不是 hegui 生成的；如确需覆盖请加 --force",
        en="the file exists and was not written by hegui; add --force to replace it",
    ),
    "out.is_input": Text(
        zh="输出文件就是本次运行的输入文件 {input}；请另选输出路径",
        en="the output is an input of this run ({input}); choose another output path",
    ),
    "out.is_dir": Text(zh="输出路径是一个文件夹；请给出文件名", en="the output is a folder; give a file name"),
    "out.unwritable": Text(zh="无法写入：{why}", en="cannot write: {why}"),
    "out.link_outside": Text(
        zh="符号链接指向评估文件夹 {folder} 之外；拒绝写入",
        en="symbolic link leads outside the assessment folder {folder}; not writing through it",
    ),
    "cli.force": Text(zh="覆盖并非 hegui 生成的已有文件", en="Replace an existing file that hegui did not write."),
    "cli.error_title": Text(zh="错误", en="Error"),
    "cli.try_help": Text(zh="运行 {command} 查看帮助", en="Try {command} for help."),
    "cli.bad_value": Text(zh="{option} 的取值无效：{why}", en="invalid value for {option}: {why}"),
    "cli.bad_choice": Text(zh="{value!r} 不是可选值之一（{choices}）", en="{value!r} is not one of {choices}"),
    "cli.missing": Text(zh="缺少 {option}", en="missing {option}"),
    "cli.no_option": Text(zh="没有选项 {option}{hint}", en="no such option: {option}{hint}"),
    "cli.no_command": Text(zh="没有命令 {command!r}{hint}", en="no such command: {command!r}{hint}"),
    "cli.needs_value": Text(zh="选项 {option} 需要一个值", en="option {option} requires a value"),
    "cli.extra_args": Text(zh="多余的参数：{args}", en="unexpected extra arguments: {args}"),
    "cli.usage": Text(zh="命令行用法错误：{detail}", en="{detail}"),
    "pydantic.int_parsing": Text(
        zh="应为整数", en="Input should be a valid integer, unable to parse string as an integer"
    ),
    "pydantic.float_parsing": Text(
        zh="应为数字", en="Input should be a valid number, unable to parse string as a number"
    ),
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
    "x.no_findings": Text(zh="找不到 findings.json 或 assessment.yaml", en="no findings.json or assessment.yaml here"),
    "x.bad_json": Text(zh="不是有效的 findings.json：{why}", en="not a valid findings.json: {why}"),
    # remediation: the plan (remediation.yaml, engine/remediation.py) and the rulebooks' remediation order
    "input.plan_not_mapping": Text(
        zh="顶层应为映射，包含 actions 列表", en="expected a mapping with an actions list"
    ),
    "input.plan_no_action": Text(
        zh="本评估没有编号为 {action!r} 的整改事项、义务结论或义务{hint}",
        en="no action, finding or obligation {action!r} in this assessment{hint}",
    ),
    "input.plan_twice": Text(
        zh="{action!r} 已在 actions.{other} 中安排；每项只能安排一次",
        en="{action!r} is already planned in actions.{other}; plan each once",
    ),
    "rulebook.after_unknown": Text(
        zh="{rule} 的 after 指向 {name!r}，它不是义务（也不是本决策的出境事项）{hint}",
        en="{rule}: after names {name!r}, which is no obligation (nor a task of this decision){hint}",
    ),
    "rulebook.after_scope": Text(
        zh="{rule} 的 after 指向 {name!r}（{scope} 层级）：只能指向同一层级或组织层级的义务",
        en="{rule}: after names {name!r} ({scope} scope): only obligations of the same scope or the organisation",
    ),
    "rulebook.after_cycle": Text(
        zh="整改顺序存在循环依赖：{cycle}", en="the remediation order (after) has a cycle: {cycle}"
    ),
    "rulebook.task_id_twice": Text(
        zh="同一结果中出境事项编号 {id!r} 重复", en="task id {id!r} appears twice in one outcome"
    ),
    "rulebook.task_after_differs": Text(
        zh="同一决策中编号为 {id!r} 的出境事项须列出相同的 after",
        en="tasks with id {id!r} in one decision must list the same after",
    ),
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
    # speed: Dask batch (engine/workflow/dask_runner.py)
    "batch.no_dask": Text(
        zh="--scheduler 需要 Dask：请安装 hegui[dask]（dask 与 distributed）",
        en="--scheduler needs Dask: install hegui[dask] (dask and distributed)",
    ),
    "batch.no_scheduler": Text(
        zh="无法连接 Dask 调度器 {address}（{why}）",
        en="cannot reach the Dask scheduler at {address} ({why})",
    ),
    "batch.killed_workers": Text(
        zh="评估此文件夹时 {n} 个 Dask 工作进程先后意外终止（最后一个为 {worker}），例如规则引擎崩溃或内存耗尽",
        en="{n} Dask workers died one after another while assessing this folder (the last was {worker}), "
        "e.g. a crash in the rules engine or out of memory",
    ),
    # docx: the editable Word reports (engine/render/docx.py)
    "docx.footer": Text(zh="第 {page} 页 / 共 {pages} 页", en="Page {page} of {pages}"),
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
    # web: hegui serve, users, registry (engine/web/), the workspace pages (templates/web/)
    "web.bad_db_url": Text(
        zh="不是有效的数据库 URL（例如 sqlite:///路径 或 postgresql+psycopg://用户@主机/库）",
        en="not a database URL (e.g. sqlite:///path or postgresql+psycopg://user@host/db)",
    ),
    "web.db_driver": Text(zh="缺少该数据库的驱动：{why}", en="no driver for this database: {why}"),
    "web.db_unreachable": Text(zh="无法连接数据库：{why}", en="cannot connect to the database: {why}"),
    "web.bad_name": Text(
        zh="{value!r} 不可用：只能用小写字母、数字和 . _ -，以字母或数字开头，最长 64 个字符",
        en="{value!r} is not allowed: lower-case letters, digits and . _ - only, starting with a letter or "
        "digit, at most 64 characters",
    ),
    "web.password_length": Text(
        zh="口令须为 {min} 至 {max} 个字符", en="the password must have {min} to {max} characters"
    ),
    "web.bad_role": Text(zh="未知角色 {role!r}；可选：{roles}", en="unknown role {role!r}; one of: {roles}"),
    "web.user_exists": Text(zh="用户 {user!r} 已存在", en="user {user!r} already exists"),
    "web.no_user": Text(zh="没有用户 {user!r}", en="no user {user!r}"),
    "web.no_org": Text(zh="没有组织 {org!r}", en="no organisation {org!r}"),
    "web.no_assessment": Text(zh="组织 {org!r} 中没有评估 {id!r}", en="no assessment {id!r} in organisation {org!r}"),
    "web.changed_while_reading": Text(
        zh="读取期间文件发生了变化；请在文件不再变动时重试",
        en="the files changed while they were read; try again once they stay unchanged",
    ),
    "web.upload_missing": Text(zh="必须上传 assessment.yaml", en="assessment.yaml is required"),
    "web.upload_too_large": Text(zh="文件超过 {max} 字节的上限", en="the file is larger than the limit of {max} bytes"),
    "web.serving": Text(zh="工作台已启动：{url}（Ctrl+C 停止）", en="Workspace running at {url} (Ctrl+C stops it)"),
    "web.user_added": Text(
        zh="已添加用户 {user}（组织 {org}，角色 {role}）", en="Added user {user} ({role} in {org})"
    ),
    "web.password_set": Text(zh="已修改 {user} 的口令", en="Password of {user} set"),
    "web.user_disabled": Text(zh="已停用用户 {user}", en="User {user} disabled"),
    "web.imported": Text(zh="已存入登记库：{org}/{id}", en="Stored in the registry: {org}/{id}"),
    "web.replaced": Text(zh="已更新登记库中的 {org}/{id}", en="Replaced in the registry: {org}/{id}"),
    "web.exported": Text(zh="已导出 {id}（{files}）到 {out}", en="Exported {id} ({files}) to {out}"),
    "web.app": Text(zh="合规工作台", en="Compliance workspace"),
    "web.nav": Text(zh="导航", en="Navigation"),
    "web.switch_lang": Text(zh="切换到 English", en="中文 (Chinese)"),
    "web.signed_in_as": Text(zh="已登录：{user}", en="Signed in as {user}"),
    "web.logout": Text(zh="退出", en="Sign out"),
    "web.login": Text(zh="登录", en="Sign in"),
    "web.username": Text(zh="用户名", en="User name"),
    "web.password": Text(zh="口令", en="Password"),
    "web.login_failed": Text(zh="用户名或口令不正确", en="Wrong user name or password"),
    "web.throttled": Text(
        zh="失败次数过多，请 15 分钟后再试", en="Too many failed attempts; try again in 15 minutes"
    ),
    "web.organisations": Text(zh="我的组织", en="My organisations"),
    "web.organisation": Text(zh="组织", en="Organisation"),
    "web.no_organisations": Text(zh="您尚未加入任何组织", en="You are not a member of any organisation"),
    "web.role": Text(zh="角色", en="Role"),
    "web.role_admin": Text(zh="管理员", en="Administrator"),
    "web.role_assessor": Text(zh="评估人", en="Assessor"),
    "web.role_reviewer": Text(zh="审核人（个人信息保护负责人）", en="Reviewer (PI protection officer)"),
    "web.role_viewer": Text(zh="查看者", en="Viewer"),
    "web.your_role": Text(zh="您的角色：{role}", en="Your role: {role}"),
    "web.members": Text(zh="成员", en="Members"),
    "web.account": Text(zh="账号", en="Account"),
    "web.active": Text(zh="启用", en="active"),
    "web.disabled": Text(zh="已停用", en="disabled"),
    "web.assessments": Text(zh="评估", en="Assessments"),
    "web.assessment_id": Text(zh="编号", en="Id"),
    "web.title": Text(zh="标题", en="Title"),
    "web.updated": Text(zh="更新时间", en="Updated"),
    "web.no_assessments": Text(zh="尚无评估", en="No assessments yet"),
    "web.upload": Text(zh="上传评估文件夹的文件", en="Upload an assessment folder's files"),
    "web.upload_button": Text(zh="校验并保存", en="Validate and store"),
    "web.upload_invalid": Text(
        zh="文件未保存，存在以下问题：", en="Nothing was stored; the files have these problems:"
    ),
    "web.optional": Text(zh="可选", en="optional"),
    "web.stored_invalid": Text(
        zh="按当前规则库，已存的输入存在以下问题：",
        en="With the current rulebooks, the stored inputs have these problems:",
    ),
    "web.as_of": Text(zh="评估基准日 {date}", en="As of {date}"),
    "web.rulebooks": Text(zh="规则库 {version}", en="Rulebooks {version}"),
    "web.gaps": Text(zh="差距（按严重程度）", en="Gaps by severity"),
    "web.severity": Text(zh="严重程度", en="Severity"),
    "web.severity_critical": Text(zh="严重", en="critical"),
    "web.severity_high": Text(zh="高", en="high"),
    "web.severity_medium": Text(zh="中", en="medium"),
    "web.severity_low": Text(zh="低", en="low"),
    "web.status": Text(zh="状态", en="Status"),
    "web.status_gap": Text(zh="差距", en="gap"),
    "web.status_met": Text(zh="已满足", en="met"),
    "web.status_unknown": Text(zh="待定（缺少答案）", en="unknown (answers missing)"),
    "web.status_waived": Text(zh="已豁免", en="waived"),
    "web.findings": Text(zh="结论", en="Findings"),
    "web.finding": Text(zh="结论编号", en="Finding"),
    "web.transfers": Text(zh="数据出境", en="Outbound transfers"),
    "web.transfer": Text(zh="出境", en="Transfer"),
    "web.recipient": Text(zh="接收方", en="Recipient"),
    "web.mechanism": Text(zh="出境路径", en="Mechanism"),
    "web.error_403": Text(zh="您的角色无权执行此操作", en="Your role does not allow this"),
    "web.error_404": Text(zh="页面不存在", en="No such page"),
    "web.error_other": Text(zh="请求无法处理", en="The request could not be handled"),
    "web.home": Text(zh="返回首页", en="Home"),
    # webedit: completing an assessment in the browser (questionnaire, fields, remediation, comments, evidence)
    "web.status_not_applicable": Text(zh="不适用", en="not applicable"),
    "web.new_assessment": Text(zh="新建评估", en="New assessment"),
    "web.new_intro": Text(
        zh="填写与 hegui init 相同的必填项；创建后按问卷逐项回答，其余字段可随时补充。",
        en="The required fields hegui init leaves empty; after creating it, answer the questionnaire and add the "
        "rest at any time.",
    ),
    "web.part_assessment": Text(zh="评估", en="Assessment"),
    "web.part_assessor": Text(zh="评估人", en="Assessor"),
    "web.part_organisation": Text(zh="组织", en="Organisation"),
    "web.part_activity": Text(zh="处理活动", en="Processing activity"),
    "web.part_dataset": Text(zh="数据集", en="Dataset"),
    "web.part_transfer": Text(zh="数据出境", en="Outbound transfer"),
    "web.required": Text(zh="必填", en="required"),
    "web.yes": Text(zh="是", en="yes"),
    "web.no": Text(zh="否", en="no"),
    "web.none_of_these": Text(zh="以上都不是", en="none of these"),
    "web.why_we_ask": Text(zh="为什么问这个问题", en="Why we ask"),
    "web.invalid_value": Text(zh="无效的值", en="Invalid value"),
    "web.not_saved": Text(zh="未保存：评估文件校验不通过", en="Not saved: the assessment files do not validate"),
    "web.create": Text(zh="创建评估", en="Create assessment"),
    "web.add": Text(zh="新增", en="add"),
    "web.save": Text(zh="保存", en="Save"),
    "web.save_answers": Text(zh="保存本组答案", en="Save these answers"),
    "web.questionnaire": Text(zh="问卷", en="Questionnaire"),
    "web.progress": Text(
        zh="已回答 {answered} / 适用 {total} 题", en="{answered} of {total} applicable questions answered"
    ),
    "web.findings_changed": Text(zh="保存后以下结论发生变化：", en="These findings changed with the answers saved:"),
    "web.no_questions": Text(zh="当前没有适用的问题。", en="No question applies now."),
    "web.question_groups": Text(zh="问题分组", en="Question groups"),
    "web.scope_org": Text(zh="组织", en="Organisation"),
    "web.scope_activity": Text(zh="处理活动", en="Activity"),
    "web.scope_transfer": Text(zh="数据出境", en="Transfer"),
    "web.explanation": Text(zh="结论说明", en="Explanation"),
    "web.remediation_action": Text(zh="整改安排", en="Remediation action"),
    "web.comments": Text(zh="评论", en="Comments"),
    "web.no_comments": Text(zh="暂无评论。", en="No comments yet."),
    "web.add_comment": Text(zh="添加评论", en="Add a comment"),
    "web.evidence": Text(zh="证明材料", en="Evidence"),
    "web.no_evidence": Text(zh="暂无证明材料。", en="No evidence attached yet."),
    "web.file": Text(zh="文件", en="File"),
    "web.file_type": Text(zh="类型（按内容识别）", en="Type (from its content)"),
    "web.uploaded_by": Text(zh="上传人", en="Uploaded by"),
    "web.attach_evidence": Text(zh="附加证明材料", en="Attach evidence"),
    "web.attach": Text(zh="上传", en="Attach"),
    "web.evidence_limits": Text(
        zh="最大 {max} MB；PDF、PNG、JPEG、DOCX、XLSX 或 UTF-8 纯文本（按文件内容判断，而非扩展名）。",
        en="At most {max} MB; PDF, PNG, JPEG, DOCX, XLSX or UTF-8 plain text (judged by the content, not the name).",
    ),
    "web.evidence_too_large": Text(zh="文件超过 {max} 字节", en="the file is larger than {max} bytes"),
    "web.evidence_type": Text(
        zh="文件类型不允许（内容不是 PDF、PNG、JPEG、DOCX、XLSX 或 UTF-8 纯文本）",
        en="file type not allowed (the content is not PDF, PNG, JPEG, DOCX, XLSX or UTF-8 plain text)",
    ),
    "web.comment_too_long": Text(zh="评论超过 {max} 个字符", en="the comment is longer than {max} characters"),
    "web.control_character": Text(zh="含有控制字符 {code}", en="contains the control character {code}"),
    "web.complete": Text(zh="填写问卷", en="Answer the questionnaire"),
    "web.edit_parts": Text(zh="编辑评估内容", en="Edit the assessment"),
    "web.work_on": Text(zh="整改、评论与证明材料", en="Remediation, comments and evidence"),
    "web.actions": Text(zh="操作", en="Actions"),
    "web.remove": Text(zh="删除此条目", en="Remove this entry"),
    "web.remove_help": Text(
        zh="删除后，其他条目对它的引用也一并删除（与终端问卷相同）。",
        en="Removing it also removes every reference to it from other entries (as the terminal questionnaire does).",
    ),
    # webspeed: the assessment page's findings in pages, edit conflicts, clearing an answer
    "web.findings_counts": Text(zh="结论按状态统计", en="Findings by status"),
    "web.findings_shown": Text(
        zh="显示第 {first}–{last} 条，共 {total} 条（差距在前）",
        en="Showing {first}–{last} of {total} (gaps first)",
    ),
    "web.findings_all": Text(zh="在一页中列出全部结论", en="List every finding on one page"),
    "web.findings_paged": Text(zh="分页列出结论", en="List the findings in pages"),
    "web.previous": Text(zh="上一页", en="previous"),
    "web.next": Text(zh="下一页", en="next"),
    "web.conflict": Text(
        zh="自您打开此页面以来，其他人已修改了这份评估；您的回答未保存。以下是当前内容，请核对后重新填写并保存。",
        en="Someone else changed this assessment since you opened the page; your answers were not saved. "
        "Here is the current state: check it, enter your answers again and save.",
    ),
    "web.not_answered": Text(zh="不作答", en="not answered"),
    "web.one_group_a_page": Text(
        zh="本问卷共 {count} 题，每页显示一组；请从上面的分组列表中选择。",
        en="This questionnaire has {count} questions, so it shows one group at a time: choose one in the list above.",
    ),
    "web.clear_help": Text(
        zh="选择“不作答”（或清空文本）即删除已保存的回答，相关结论回到“未知”。",
        en="Choose “not answered” (or empty a text) to remove a saved answer; its findings go back to unknown.",
    ),
    # init: scaffold and prompts
    "init.header": Text(
        zh="hegui 评估输入（由 hegui init 生成）：这里只有必填字段，把每个 null 换成实际值。",
        en="hegui assessment input (written by hegui init): only the required fields; replace each null with a value.",
    ),
    "init.check": Text(
        zh="填好后检查：hegui validate . ，然后评估：hegui assess .",
        en="Then check it with hegui validate . and assess it with hegui assess .",
    ),
    "init.optional": Text(
        zh="其余均为可选（平台、数据出境、安全事件、豁免，组织与活动的更多情况）：",
        en="Everything else is optional (platform, transfers, incidents, waivers, more about the organisation "
        "and activities):",
    ),
    "init.questionnaire": Text(
        zh="逐项填写必填字段、处理活动、数据集与数据出境，再回答适用的问题，全部写回本文件",
        en="fills in the fields, activities, datasets and transfers, then the questions, saving here",
    ),
    "init.schema": Text(
        zh="编辑器中的补全与悬停说明（用法见 docs/workflow.md）",
        en="completion and hover help in your editor (how: docs/workflow.md)",
    ),
    "init.docs": Text(zh="每个可选字段与命令的说明", en="every optional field and command explained"),
    "q.left": Text(zh="还剩 {n} 个问题", en="{n} questions left"),
    # init
    "i.exists": Text(zh="{file} 已存在；不会覆盖", en="{file} already exists; not overwriting it"),
    "i.created": Text(
        zh="已创建 {path}：填写标注“必填”的字段后运行 hegui validate {path}",
        en="Created {path}: fill in the fields marked required, then run hegui validate {path}",
    ),
    # webreview: versions, review and sign-off, retention, reports, portfolio, audit (engine/web/review.py)
    "web.rv_versions": Text(zh="版本与审批", en="Versions and sign-off"),
    "web.rv_version": Text(zh="版本", en="Version"),
    "web.rv_working": Text(zh="当前版本 v{n}", en="Working version v{n}"),
    "web.rv_state_draft": Text(zh="草稿", en="draft"),
    "web.rv_state_review": Text(zh="审核中", en="in review"),
    "web.rv_state_approved": Text(zh="已批准", en="approved"),
    "web.rv_state_superseded": Text(zh="已被取代", en="superseded"),
    "web.rv_submit": Text(zh="提交审核", en="Submit for review"),
    "web.rv_submitted": Text(zh="{user} 于 {at}（UTC）提交审核", en="Submitted by {user} at {at} UTC"),
    "web.rv_approve": Text(zh="批准", en="Approve"),
    "web.rv_approved": Text(zh="{user} 于 {at}（UTC）批准", en="Approved by {user} at {at} UTC"),
    "web.rv_comment": Text(zh="退回意见", en="Why it goes back"),
    "web.rv_return": Text(zh="退回修改", en="Send back to draft"),
    "web.rv_returned_comment": Text(zh="审核人的退回意见", en="The reviewer sent it back"),
    "web.rv_next": Text(zh="开始下一版本（重新评估）", en="Start the next version (re-assessment)"),
    "web.rv_history": Text(zh="历史版本", en="History"),
    "web.rv_submitted_by": Text(zh="提交人", en="Submitted by"),
    "web.rv_approved_by": Text(zh="批准人", en="Approved by"),
    "web.rv_retain_until": Text(zh="保存至", en="Kept until"),
    "web.rv_delete": Text(zh="删除评估", en="Delete the assessment"),
    "web.rv_delete_button": Text(zh="删除评估及其全部版本", en="Delete the assessment and all its versions"),
    "web.rv_retained": Text(
        zh="已批准的版本须保存至 {date}（《个人信息保护法》第五十六条第二款：至少三年），此前不能删除",
        en="An approved version must be kept until {date} (PIPL art. 56 para. 2: at least three years); "
        "it cannot be deleted before then",
    ),
    "web.rv_frozen": Text(zh="冻结的文件", en="Frozen files"),
    "web.rv_file": Text(zh="文件", en="File"),
    "web.rv_kind": Text(zh="类型", en="Kind"),
    "web.rv_kind_input": Text(zh="输入", en="input"),
    "web.rv_kind_findings": Text(zh="结论", en="findings"),
    "web.rv_kind_report": Text(zh="报告", en="report"),
    "web.rv_reports": Text(zh="报告", en="Reports"),
    "web.rv_job_queued": Text(zh="报告排队等待生成", en="Reports queued"),
    "web.rv_job_running": Text(zh="正在生成报告", en="Rendering the reports"),
    "web.rv_job_done": Text(zh="报告已生成，可在上表下载", en="Reports ready: download them above"),
    "web.rv_job_failed": Text(zh="报告生成失败", en="Rendering the reports failed"),
    "web.rv_generate": Text(zh="生成报告", en="Generate reports"),
    "web.rv_diff": Text(zh="与已批准的 v{n} 相比", en="Changes since approved v{n}"),
    "web.rv_no_previous": Text(zh="没有更早的已批准版本可比较", en="No earlier approved version to compare with"),
    "web.rv_portfolio": Text(zh="评估总览", en="Portfolio"),
    "web.rv_sort_by": Text(zh="排序", en="Sort by"),
    "web.rv_sort_key": Text(zh="编号", en="id"),
    "web.rv_sort_title": Text(zh="标题", en="title"),
    "web.rv_sort_status": Text(zh="状态", en="status"),
    "web.rv_sort_critical": Text(zh="严重差距", en="critical gaps"),
    "web.rv_sort_high": Text(zh="高风险差距", en="high gaps"),
    "web.rv_sort_medium": Text(zh="中风险差距", en="medium gaps"),
    "web.rv_sort_low": Text(zh="低风险差距", en="low gaps"),
    "web.rv_sort_review": Text(zh="下次复核日期", en="next review"),
    "web.rv_next_review": Text(zh="下次复核", en="Next review"),
    "web.rv_not_set": Text(zh="未设定", en="not set"),
    "web.rv_inputs_invalid": Text(zh="输入文件有误", en="inputs invalid"),
    "web.rv_audit": Text(zh="审计记录", en="Audit trail"),
    "web.rv_audit_note": Text(
        zh="只增不改：每次状态变更与下载都记录在此（谁、何时、做了什么）",
        en="Append-only: every state change and download (who, when, what)",
    ),
    "web.rv_when": Text(zh="时间", en="When"),
    "web.rv_who": Text(zh="用户", en="Who"),
    "web.rv_what": Text(zh="操作", en="What"),
    "web.rv_detail": Text(zh="详情", en="Detail"),
    "web.rv_no_events": Text(zh="尚无记录", en="Nothing recorded yet"),
    "web.rv_pages": Text(zh="分页", en="Pages"),
    "web.rv_page": Text(zh="第 {page} 页，共 {pages} 页", en="Page {page} of {pages}"),
    "web.rv_newer": Text(zh="较新", en="newer"),
    "web.rv_older": Text(zh="较早", en="older"),
    "web.rv_not_draft": Text(
        zh="只有草稿可以提交审核；当前版本{state}", en="Only a draft can be submitted; this version is {state}"
    ),
    "web.rv_not_in_review": Text(
        zh="只有审核中的版本可以批准或退回；当前版本{state}",
        en="Only a version in review can be approved or sent back; this version is {state}",
    ),
    "web.rv_own_submission": Text(
        zh="提交人不能批准自己提交的版本，须由另一位审核人或管理员批准",
        en="You submitted this version: another reviewer or administrator must approve it",
    ),
    "web.rv_not_approved": Text(
        zh="只有已批准的版本才能生成报告或开始下一版本", en="Only an approved version has reports or a next version"
    ),
    "web.rv_comment_too_long": Text(zh="退回意见最多 {max} 个字符", en="The comment is longer than {max} characters"),
    "web.rv_invalid": Text(
        zh="输入文件有误，无法提交或批准；请先改正以下问题",
        en="The inputs are invalid and cannot be submitted or approved; fix these first",
    ),
    "web.rv_not_editable": Text(
        zh="评估 {id!r} 的最新版本处于“{state}”状态，文件不能修改；批准后请先开始下一版本",
        en="the newest version of assessment {id!r} is {state}: its files cannot change "
        "(once approved, start the next version)",
    ),
    "web.rv_retention_min": Text(
        zh="保存年限 {years} 短于法定的至少 {min} 年（《个人信息保护法》第五十六条第二款）",
        en="a retention of {years} years is shorter than the {min} years PIPL art. 56 para. 2 requires",
    ),
    # webdata: datasets imported in the browser (engine/web/datasets.py), orphaned plan entries (engine/web/plan.py)
    "web.ds_title": Text(zh="数据集", en="Datasets"),
    "web.ds_intro": Text(
        zh="上传数据集清单（CSV、XLSX、Fides 数据集 YAML，与 hegui import-inventory 相同）或 hegui scan 生成的"
        " datasets.yaml（逐项接受或拒绝建议的类别）。先预览，确认后才写入草稿。",
        en="Upload a dataset inventory (CSV, XLSX or Fides dataset YAML, as hegui import-inventory reads them) or a"
        " datasets.yaml written by hegui scan (accept or reject each proposed category). Nothing is written to the"
        " draft until you confirm the preview.",
    ),
    "web.ds_current": Text(zh="草稿中的数据集", en="Datasets in the draft"),
    "web.ds_none": Text(zh="草稿中还没有数据集", en="The draft has no datasets yet"),
    "web.ds_file": Text(zh="清单文件", en="Inventory file"),
    "web.ds_location": Text(zh="默认存储地（ISO 国家代码）", en="Default storage location (ISO country code)"),
    "web.ds_preview_button": Text(zh="预览", en="Preview"),
    "web.ds_preview": Text(zh="预览：{file}", en="Preview: {file}"),
    "web.ds_kind_csv": Text(zh="CSV 清单", en="CSV inventory"),
    "web.ds_kind_xlsx": Text(zh="XLSX 清单", en="XLSX inventory"),
    "web.ds_kind_fides": Text(zh="Fides 数据集", en="Fides dataset"),
    "web.ds_kind_proposals": Text(zh="扫描建议（datasets.yaml）", en="Scan proposals (datasets.yaml)"),
    "web.ds_warnings": Text(zh="导入提示（请核对）", en="Importer warnings (please review)"),
    "web.ds_status_added": Text(zh="新增", en="added"),
    "web.ds_status_changed": Text(zh="替换同编号的数据集", en="replaces the dataset with this id"),
    "web.ds_status_same": Text(zh="与草稿相同，不变", en="same as in the draft, unchanged"),
    "web.ds_status_in_csv": Text(
        zh="此编号在 datasets.csv 中，请在该表格中修改", en="this id is in datasets.csv: edit it in that spreadsheet"
    ),
    "web.ds_include": Text(zh="导入此数据集", en="Import this dataset"),
    "web.ds_before": Text(zh="原类别：{cats}", en="categories before: {cats}"),
    "web.ds_field": Text(zh="字段", en="Field"),
    "web.ds_category": Text(zh="个人信息类别", en="PI category"),
    "web.ds_proposal": Text(zh="建议", en="Proposal"),
    "web.ds_accept": Text(zh="接受", en="accept"),
    "web.ds_reject": Text(zh="拒绝（不设类别）", en="reject (no category)"),
    "web.ds_no_category": Text(zh="无", en="none"),
    "web.ds_system": Text(zh="系统", en="System"),
    "web.ds_counts": Text(zh="{records} 条记录，{individuals} 个人", en="{records} records, {individuals} individuals"),
    "web.ds_confirm": Text(zh="确认导入所选数据集", en="Import the chosen datasets"),
    "web.ds_done": Text(
        zh="已从 {file} 导入：新增 {added} 个，替换 {changed} 个数据集。请在处理活动中引用新数据集。",
        en="Imported from {file}: {added} added, {changed} replaced. Name the new datasets in the activities"
        " that use them.",
    ),
    "web.ds_link": Text(
        zh="导入数据集（CSV、XLSX、Fides、扫描建议）", en="Import datasets (CSV, XLSX, Fides, scan proposals)"
    ),
    "web.ds_suffix": Text(
        zh="只接受 .csv、.xlsx、.yaml 或 .yml 文件", en="only .csv, .xlsx, .yaml or .yml files can be imported"
    ),
    "web.ds_content": Text(
        zh="文件内容不是 {kind}（按内容判断，而非文件名）",
        en="the file's content is not {kind} (judged by content, not name)",
    ),
    "web.ds_no_file": Text(zh="请选择要上传的文件", en="Choose a file to upload"),
    "web.ds_nothing": Text(zh="没有选择要导入的数据集", en="No dataset was chosen to import"),
    "web.plan_title": Text(zh="整改计划", en="Remediation plan"),
    "web.plan_link": Text(zh="整改计划（remediation.yaml）", en="Remediation plan (remediation.yaml)"),
    "web.plan_none": Text(zh="还没有整改安排", en="No remediation action is planned yet"),
    "web.plan_action": Text(zh="事项", en="Action"),
    "web.plan_owner": Text(zh="责任人", en="Owner"),
    "web.plan_due": Text(zh="完成日期", en="Due"),
    "web.plan_status": Text(zh="状态", en="Status"),
    "web.plan_orphans": Text(zh="无对应发现的整改安排", en="Plan entries whose finding no longer exists"),
    "web.plan_orphans_help": Text(
        zh="这些安排指向的发现、义务或出境事项在本评估中已不存在（处理活动或数据出境被删除、改名，或规则库更新）。"
        "在处理之前，草稿的任何修改都无法保存。可删除，或改挂到建议的发现上以保留责任人、日期和状态。",
        en="These entries name a finding, obligation or transfer task this assessment no longer has (an activity"
        " or transfer was removed or renamed, or the rulebooks were updated). Until they are settled no change"
        " to the draft can be saved. Delete them, or move them to the suggested finding to keep their owner,"
        " due date and status.",
    ),
    "web.plan_orphan": Text(zh="无对应发现", en="names nothing"),
    "web.plan_keep": Text(zh="暂不处理", en="leave as is"),
    "web.plan_delete": Text(zh="删除", en="delete"),
    "web.plan_move": Text(zh="改挂到 {action}", en="move to {action}"),
    "web.plan_settle": Text(zh="处理所选", en="Apply"),
    "web.plan_unchecked": Text(
        zh="评估当前无法计算发现，无法判断哪些安排已无对应发现；请先改正以下问题",
        en="The findings cannot be computed now, so orphaned entries cannot be told apart; fix these first",
    ),
    "web.plan_settled": Text(zh="已删除 {deleted} 项、改挂 {moved} 项整改安排", en="{deleted} deleted, {moved} moved"),
    "web.plan_nothing": Text(zh="没有选择任何处理", en="Nothing was chosen"),
    "web.rename": Text(zh="更改编号", en="Change the id"),
    "web.rename_id": Text(zh="新编号", en="New id"),
    "web.rename_help": Text(
        zh="引用此编号的地方一并更新：处理活动和数据出境所列的数据集、数据出境所属的处理活动、整改计划和豁免中的发现编号，"
        "以及发现的评论和证明材料。",
        en="Everything that names this id changes with it: the datasets listed by activities and transfers, a"
        " transfer's activity, finding ids in the remediation plan and in waivers, and the findings' comments"
        " and evidence.",
    ),
    "web.rename_same": Text(zh="新编号与原编号相同", en="The new id is the same as the old one"),
    "web.rename_clash": Text(
        zh="编号 {id!r} 已被使用，不能再用于{kind}", en="the id {id!r} is taken: a {kind} cannot have it too"
    ),
    "web.plan_fix": Text(
        zh="整改计划中有安排指向已不存在的发现：在整改计划页删除或改挂",
        en="A remediation plan entry names nothing: delete or move it on the plan page",
    ),
    "web.plan_changed": Text(
        zh="整改计划在页面显示后已被修改，请查看当前内容后重试",
        en="The plan changed after this page was shown; look at it again and retry",
    ),
    # Typer's built-in options, by parameter name (engine/cli.py)
    "cli.builtin.help": Text(zh="显示此帮助并退出", en="Show this message and exit."),
    "cli.builtin.install_completion": Text(
        zh="为当前 shell 安装命令补全", en="Install completion for the current shell."
    ),
    "cli.builtin.show_completion": Text(
        zh="显示当前 shell 的补全脚本，以便复制或自行安装",
        en="Show completion for the current shell, to copy it or customize the installation.",
    ),
    # rulebook authoring (engine/rulebook.py, engine/coverage.py, engine/condition.py, engine/citation.py, cli)
    "rulebooks.ok": Text(
        zh="规则库 {version} 检查通过：{obligations} 项义务，{derived} 个派生事实，{decisions} 个决策表，"
        "{fixtures} 个义务用例",
        en="OK rulebooks {version}: {obligations} obligations, {derived} derived facts, {decisions} decisions, "
        "{fixtures} obligation fixtures",
    ),
    "rulebooks.problems": Text(zh="共 {n} 个问题", en="{n} problem(s)"),
    "rulebooks.fail": Text(
        zh="用例 {case} 未通过：预期 {expected}，实际 {got}", en="FAIL {case}: expected {expected}, got {got}"
    ),
    "rulebooks.tested": Text(zh="{passed} 个用例通过，{failed} 个未通过", en="{passed} passed, {failed} failed"),
    "rulebooks.docs_written": Text(zh="已写入 {n} 个文件到 {out}", en="wrote {n} files to {out}"),
    "coverage.title": Text(zh="规则库覆盖率", en="Rulebook coverage"),
    "coverage.instrument": Text(zh="法规", en="instrument"),
    "coverage.articles": Text(zh="条文数", en="articles"),
    "coverage.obligation_articles": Text(zh="义务条文", en="obligation articles"),
    "coverage.encoded": Text(zh="已编码", en="encoded"),
    "coverage.missing": Text(zh="未编码条文", en="missing"),
    "coverage.percent": Text(zh="覆盖率 %", en="%"),
    "coverage.no_map": Text(zh="无分类表", en="no map"),
    "coverage.twice": Text(zh="第 {article} 条被重复分类", en="article {article} is classified twice"),
    "coverage.needs_reason": Text(
        zh="第 {article} 条：{kind} 类条目须写明 reason", en="article {article}: a {kind} entry needs a reason"
    ),
    "coverage.unclassified": Text(zh="以下条文尚未分类：{articles}", en="articles not classified: {articles}"),
    "rulebook.no_files": Text(zh="obligations/ 下没有规则库文件", en="no rulebook files under obligations/"),
    "rulebook.unknown_instrument": Text(zh="未知的法规代码 {code!r}", en="unknown instrument {code!r}"),
    "rulebook.no_reach": Text(
        zh="{rule} 引用的 {codes} 在 manifest.yaml 的 reach 中没有适用范围事实",
        en="{rule} cites {codes}, which have no reach fact in manifest.yaml's reach",
    ),
    "rulebook.binds_scope": Text(
        zh="{rule}：manifest.yaml 的 roles 没有为{scope}层级定义角色 {role!r}",
        en="{rule}: manifest.yaml's roles define no {role!r} gate for the {scope} scope",
    ),
    "rulebook.cycle": Text(
        zh="派生事实之间存在循环依赖：{cycle}", en="derived facts depend on each other in a cycle: {cycle}"
    ),
    "rulebook.condition": Text(zh="{rule} 的条件有误：{problem}", en="{rule}: {problem}"),
    "rulebook.citation": Text(zh="{rule} 的引用有误：{problem}", en="{rule}: {problem}"),
    "rulebook.not_visible": Text(
        zh="{rule}：{scope}层级的规则不能使用事实 {fact}", en="{rule}: fact {fact} is not visible in {scope} rules"
    ),
    "rulebook.never_in_force": Text(
        zh="{rule}：{cite} 在规则的适用期间（{start} 至 {end}）内始终未生效",
        en="{rule}: {cite} is never in force during the rule's window {start}..{end}",
    ),
    "rulebook.open_end": Text(zh="长期", en="open"),
    "rulebook.window_empty": Text(
        zh="{rule}：in_force 排除了其所引法规生效的全部日期",
        en="{rule}: in_force excludes every date its citations are in force",
    ),
    "rulebook.uncovered_day": Text(
        zh="{rule}：{day} 当天所引法规均未生效", en="{rule}: no cited instrument is in force on {day}"
    ),
    "rulebook.confidence": Text(
        zh="{rule}：当且仅当有引用依据二手来源时，confidence 才应为 'secondary'",
        en="{rule}: confidence must be 'secondary' exactly when a citation rests on a secondary source",
    ),
    "rulebook.remediation": Text(
        zh="{rule}：remediation 须在 zh 与 en 中列出同样多的整改步骤，且不能为空",
        en="{rule}: remediation needs the same non-empty list of steps in zh and en",
    ),
    "rulebook.evidence": Text(
        zh="{rule}：evidence 的 zh 与 en 列表长度不一致", en="{rule}: evidence lists differ in length between zh and en"
    ),
    "rulebook.fixtures_missing": Text(
        zh="{rule}：缺少预期结果为 {outcomes} 的用例", en="{rule}: fixtures missing for {outcomes}"
    ),
    "rulebook.bad_expect": Text(zh="{rule}：expect 须为 {allowed} 之一", en="{rule}: expect must be one of {allowed}"),
    "rulebook.fixture_fact": Text(
        zh="{rule}：用例使用了未知的事实 {fact!r}", en="{rule}: fixture names unknown fact {fact!r}"
    ),
    "rulebook.fixture_value": Text(
        zh="{rule}：{value!r} 不是事实 {fact} 的有效取值（类型 {type}）",
        en="{rule}: {value!r} is not a valid {type} for {fact}",
    ),
    "rulebook.question_options": Text(
        zh="问题 {id}：{type} 类型的问题须列出 options", en="{id}: a {type} question needs options"
    ),
    "rulebook.property_budget": Text(
        zh="{scope}层级的上下文可能带有 {count} 个属性；durable-rules 的上限为 254（hegui 限定为 {limit}）",
        en="{scope} contexts can carry {count} properties; durable-rules' limit is 254 (hegui keeps {limit})",
    ),
    "condition.syntax": Text(zh="条件 {source!r} 有语法错误：{why}", en="syntax error in condition {source!r}: {why}"),
    "condition.literal": Text(
        zh="此处应为字面值，实为 {expr!r}（条件 {source!r}）",
        en="expected a literal value, found {expr!r} in {source!r}",
    ),
    "condition.unknown_fact": Text(
        zh="条件 {source!r} 中的事实 {fact!r} 不存在{hint}", en="unknown fact {fact!r} in {source!r}{hint}"
    ),
    "condition.list": Text(
        zh="{fact} 是列表：请写作 '\"值\" in {fact}'（条件 {source!r}）",
        en="{fact} is a list: use '\"value\" in {fact}' ({source!r})",
    ),
    "condition.bool": Text(
        zh="{fact} 是“是/否”型事实：请用 == true/false 比较，或直接写事实名（条件 {source!r}）",
        en="{fact} is yes/no: compare it with == true/false or use it bare ({source!r})",
    ),
    "condition.number": Text(
        zh="{fact} 是数值，却与 {value!r} 比较（条件 {source!r}）",
        en="{fact} is a number, compared with {value!r} in {source!r}",
    ),
    "condition.text": Text(
        zh="{fact} 是文字：只能用 == 或 != 与带引号的值比较（条件 {source!r}）",
        en="{fact} is text: only == and != with a quoted value ({source!r})",
    ),
    "condition.not_a_value": Text(
        zh="{value!r} 不是 {fact} 的可选值（应为 {values} 之一；条件 {source!r}）",
        en="{value!r} is not a value of {fact} (one of {values}) in {source!r}",
    ),
    "condition.not_bool": Text(
        zh="{fact} 不是“是/否”型事实，须与某个值比较（条件 {source!r}）",
        en="{fact} is not yes/no; compare it with a value in {source!r}",
    ),
    "condition.unsupported": Text(
        zh="不支持的表达式 {expr!r}（条件 {source!r}）", en="unsupported expression {expr!r} in {source!r}"
    ),
    "condition.not_list": Text(zh="{fact} 不是列表（条件 {source!r}）", en="{fact} is not a list in {source!r}"),
    "condition.not_an_item": Text(
        zh="{value!r} 不可能是 {fact} 中的一项（条件 {source!r}）",
        en="{value!r} is not a possible item of {fact} in {source!r}",
    ),
    "condition.in": Text(
        zh="'in' 的一侧须为事实，另一侧须为列表（条件 {source!r}）", en="'in' needs a fact and a list in {source!r}"
    ),
    "condition.operator": Text(zh="不支持的运算符（条件 {source!r}）", en="unsupported operator in {source!r}"),
    "condition.no_fact": Text(
        zh="不支持的表达式 {expr!r}：比较的一侧必须是事实（条件 {source!r}）",
        en="unsupported expression {expr!r}: a comparison needs a fact on one side in {source!r}",
    ),
    "citation.form": Text(
        zh="引用 {text!r} 的格式应为 'CODE art. N [para. N [item N]]'（例如 'PIPL art. 13 para. 1 item 1'）",
        en="citation {text!r} is not of the form 'CODE art. N [para. N [item N]]' (e.g. 'PIPL art. 13 para. 1 item 1')",
    ),
    "citation.unknown_instrument": Text(
        zh="未知的法规代码 {code!r}（已知：{known}）", en="unknown instrument {code!r} (known: {known})"
    ),
    "citation.known_gap": Text(
        zh="{code} 第 {article} 条不在已核验的文本中（已知缺漏）",
        en="{code} art. {article} is not in the verified text (known gap)",
    ),
    "citation.no_article": Text(zh="{code} 没有第 {article} 条", en="{code} has no article {article}"),
    "citation.paragraphs_unknown": Text(
        zh="{code} 第 {article} 条：款的划分未知（二手来源）；请只引用到条",
        en="{code} art. {article}: paragraph structure unknown (secondary source); cite the article only",
    ),
    "citation.no_paragraph": Text(
        zh="{code} 第 {article} 条只有 {count} 款，没有第 {paragraph} 款",
        en="{code} art. {article} has {count} paragraph(s), not {paragraph}",
    ),
    "citation.no_item": Text(
        zh="{cite} 不存在：该款只有 {count} 项", en="{cite} does not exist: that paragraph has {count} item(s)"
    ),
    # webrecords: next review dates, per-organisation retention, report jobs picked up after a restart
    "web.rc_date_format": Text(zh="不是日期（应为 YYYY-MM-DD）：{value}", en="Not a date (YYYY-MM-DD): {value}"),
    "web.rc_date_past": Text(
        zh="下次复核日期须晚于批准日期（{date}）", en="The next review must come after the approval date ({date})"
    ),
    "web.rc_date_beyond": Text(
        zh="下次复核日期不得晚于保存期限（{date}），以便复核时评估仍在保存",
        en="The next review must fall on or before the retention date ({date}), while the assessment is still kept",
    ),
    "web.rc_not_whole": Text(zh="不是整数：{value}", en="Not a whole number: {value}"),
    "web.rc_out_of_range": Text(zh="须在 {low} 到 {high} 之间", en="Must be between {low} and {high}"),
    "web.rc_job_gave_up": Text(
        zh="服务器停止 {attempts} 次中断了此任务，不再自动重试；请重新生成报告",
        en="cut off by a server stop {attempts} times, so not restarted again: generate the reports again",
    ),
    "web.rc_settings": Text(zh="记录政策", en="Records policy"),
    "web.rc_retention_label": Text(zh="已批准版本的保存年限（年）", en="Retention of approved versions (years)"),
    "web.rc_retention_help": Text(
        zh="留空：使用服务器设定的 {server} 年。至少 {min} 年（《个人信息保护法》第五十六条第二款要求影响评估报告"
        "及处理记录留存不少于三年），且不少于服务器设定的 {server} 年。仅适用于今后的批准；"
        "已批准的版本保留批准时确定的保存期限。",
        en="Empty: the server's {server} years. At least {min} years (PIPL art. 56 para. 2: impact assessment "
        "reports and processing records are kept at least three years) and never less than the server's {server}. "
        "Applies to approvals from now on; approved versions keep the retention date they were given.",
    ),
    "web.rc_review_label": Text(zh="复核周期（月）", en="Review interval (months)"),
    "web.rc_review_help": Text(
        zh="批准时默认的下次复核日期为批准日期加上此周期（1 至 {max} 个月）。这是本组织自己的政策："
        "《个人信息保护法》未规定个人信息保护影响评估的复核周期。审核人可在批准时另定日期。",
        en="An approval's default next review date is the approval date plus this interval (1 to {max} months). "
        "This is the organisation's own policy: PIPL fixes no interval for reviewing an impact assessment. "
        "The reviewer can set another date at approval.",
    ),
    "web.rc_effective": Text(zh="现在批准的版本保存 {years} 年", en="Versions approved now are kept {years} years"),
    "web.rc_save": Text(zh="保存", en="Save"),
    "web.rc_saved": Text(zh="已保存（已记入审计记录）", en="Saved (recorded in the audit trail)"),
    "web.rc_unchanged": Text(zh="没有变化，未保存", en="Nothing changed, nothing saved"),
    "web.rc_review_due_label": Text(zh="下次复核日期（可选）", en="Next review date (optional)"),
    "web.rc_review_due_help": Text(
        zh="留空：批准日期加上本组织的复核周期（{months} 个月，本组织政策）。须晚于批准日期，且不晚于保存期限"
        "（批准后 {years} 年）。",
        en="Empty: the approval date plus the organisation's review interval ({months} months, its own policy). "
        "After the approval date and no later than the retention date ({years} years after approval).",
    ),
    "web.rc_next_review": Text(zh="下次复核：{date}", en="Next review: {date}"),
    "web.rc_basis_reviewer": Text(zh="审核人设定", en="set by the reviewer"),
    "web.rc_basis_policy": Text(zh="按本组织复核周期", en="from the organisation's review interval"),
    "web.rc_overdue": Text(zh="已逾期 {days} 天", en="overdue by {days} days"),
    "web.rc_soon": Text(zh="{days} 天后到期", en="due in {days} days"),
    "web.rc_planned": Text(zh="{days} 天后", en="in {days} days"),
    "web.rc_never_approved": Text(zh="尚无已批准版本", en="no approved version yet"),
    "web.rc_policy_line": Text(
        zh="复核周期：{months} 个月（本组织政策；《个人信息保护法》未规定影响评估的复核周期）",
        en="Review interval: {months} months (the organisation's policy; PIPL sets no interval for reviewing "
        "an impact assessment)",
    ),
    # coverage: paragraph-level coverage
    "coverage.articles_encoded": Text(zh="已编码 / 义务条文", en="encoded / obligation articles"),
    "coverage.paragraphs_encoded": Text(zh="已编码 / 义务款", en="encoded / obligation paragraphs"),
    "coverage.paragraph_percent": Text(zh="款覆盖率 %", en="%"),
    "coverage.unencoded": Text(zh="未编码", en="missing"),
    "coverage.missing_legend": Text(
        zh="“未编码”列：括号内为该条中尚无规则引用的款；无括号表示该条的义务款均未编码",
        en="Missing: brackets name the paragraphs no rule cites yet; an article without brackets has none of its "
        "obligation paragraphs encoded",
    ),
    "coverage.paragraph_twice": Text(
        zh="第 {article} 条第 {paragraph} 款被重复分类",
        en="article {article} paragraph {paragraph} is classified twice",
    ),
    "coverage.paragraph_needs_reason": Text(
        zh="第 {article} 条第 {paragraph} 款：{kind} 类条目须写明 reason",
        en="article {article} paragraph {paragraph}: a {kind} entry needs a reason",
    ),
    # ---- input problems (FILE:LINE:COL: dotted.path: message), printed `zh / en`
    # files
    "file.missing": Text(zh="文件不存在", en="no such file"),
    "file.unreadable": Text(zh="无法读取：{why}", en="cannot read: {why}"),
    "file.too_large": Text(zh="文件超过 {mib} MiB", en="file is larger than {mib} MiB"),
    "file.not_utf8": Text(
        zh="不是 UTF-8 文本（字节偏移 {byte}：{reason}）；请以 UTF-8 编码保存",
        en="not UTF-8 text ({reason} at byte {byte}); save the file as UTF-8",
    ),
    "file.bad_xlsx": Text(zh="无法读取的 XLSX 工作簿（{why}）", en="not a readable xlsx workbook ({why})"),
    "yaml.invalid": Text(zh="不是有效的 YAML：{why}", en="invalid YAML: {why}"),
    "yaml.alias": Text(
        zh="hegui 输入中不允许使用 YAML 别名（*name）", en="YAML aliases (*name) are not allowed in hegui inputs"
    ),
    "yaml.complex_key": Text(zh="映射的键必须是简单值，不能是列表或映射", en="mapping keys must be plain values"),
    "yaml.duplicate_key": Text(zh="键 {key!r} 重复", en="duplicate key {key!r}"),
    "yaml.bad_date": Text(
        zh="{value!r} 不是有效的日期（YYYY-MM-DD）：{why}", en="{value!r} is not a valid date (YYYY-MM-DD): {why}"
    ),
    "yaml.bad_value": Text(zh="无法读取值 {value!r}：{why}", en="cannot read the value {value!r}: {why}"),
    # assessment folders (engine/inputs.py, engine/assessment.py, engine/assess.py)
    # the transfer reasons: what the cumulative thresholds counted (engine/assess.py)
    "transfer.missing_facts": Text(
        zh="缺少判断出境路径所需的回答：{facts}", en="Answers needed to decide the mechanism are missing: {facts}"
    ),
    "transfer.counted_given": Text(
        zh="累计人数取组织填写的本处理者当年1月1日起全部出境去重合计：非敏感个人信息 {non_sensitive} 人、"
        "敏感个人信息 {sensitive} 人；依免予情形出境的人数应已剔除（这一计算方法与国家网信部门的解读一致，"
        "属二手资料）。",
        en="The cumulative counts are the organisation's figures for all the processor's exports since 1 January "
        "(distinct people): {non_sensitive} non-sensitive, {sensitive} sensitive; exports under an exemption "
        "should be left out of them (the CAC's guidance reads it this way; secondary source).",
    ),
    "transfer.counted_sum": Text(
        zh="累计人数（非敏感 {non_sensitive} 人、敏感 {sensitive} 人）为本评估中计入门槛的出境之和："
        "{counted}（非敏感/敏感）；依免予情形出境、未计入的：{excluded}。人员重叠时合计偏高。免予情形的人数"
        "不计入（这一计算方法与国家网信部门的解读一致，属二手资料）。",
        en="The cumulative counts ({non_sensitive} non-sensitive, {sensitive} sensitive) add up the transfers of "
        "this assessment that count toward the thresholds: {counted} (non-sensitive/sensitive); left out as made "
        "under an exemption: {excluded}. Overlapping people make the sum too high. Exempt exports are not "
        "counted (the CAC's guidance reads it this way; secondary source).",
    ),
    "transfer.id_numbers": Text(
        zh="本项出境包含身份证件号码。《个人信息保护法》第二十八条未将其列为敏感个人信息，hegui 按法律的类别计数；"
        "推荐性国家标准 GB/T 35273-2020 附录B 将其列为敏感个人信息，按该理解，这些个人应计为敏感个人信息，"
        "出境路径将为：{mechanism}。如需全程按该理解评估，请将 assessment.id_numbers_sensitive 设为 true。",
        en="This transfer exports identity-document numbers. PIPL art. 28 does not list them as sensitive PI and "
        "hegui counts them as the law does; the recommended national standard GB/T 35273-2020 (Annex B) lists "
        "them as sensitive: read that way, these people count as sensitive PI and the mechanism would be: "
        "{mechanism}. Set assessment.id_numbers_sensitive to true to assess by that reading throughout.",
    ),
    # narrative: the texts the CAC templates ask a filer to write (engine/assessment.py, engine/narrative.py)
    "narrative.blank": Text(zh="叙述内容不能为空（{lang}）", en="narrative text must not be blank ({lang})"),
    "narrative.too_long": Text(
        zh="叙述内容过长（{lang}：{actual} 个字符，最多 {max} 个）",
        en="narrative text too long ({lang}: {actual} characters, at most {max})",
    ),
    "narrative.third_party_unnamed": Text(
        zh="已填写 {field}，但 assessment.assessor.third_party 未写明第三方机构",
        en="{field} is given but assessment.assessor.third_party does not name the third party",
    ),
    "narrative.filing_missing": Text(zh="备案尚缺：{what}", en="a filing still lacks: {what}"),
    "narrative.filing_lacks": Text(
        zh="{path}：备案材料（{documents}）尚缺 {count} 项叙述内容，见上",
        en="{path}: narrative the filing ({documents}) still lacks, listed above: {count}",
    ),
    "narrative.filing_complete": Text(
        zh="{path}：备案材料（{documents}）所需叙述内容已齐全",
        en="{path}: the narrative the filing ({documents}) needs is complete",
    ),
    "narrative.filing_none": Text(
        zh="{path}：无需备案，没有出境需要申报安全评估或订立标准合同",
        en="{path}: nothing to file, no transfer needs a security assessment or a standard contract",
    ),
    "narrative.help.Meta.team": Text(
        zh="评估工作情况：起止时间、评估团队及组织方式、实施过程和方法",
        en="How the assessment was done: dates, the team and how it was organised, process and method",
    ),
    "narrative.help.Meta.third_party_role": Text(
        zh="参与评估的第三方机构的基本情况及其参与评估的情况（须先在 assessor.third_party 写明机构）",
        en="The third party's basic facts and its part in the assessment (name it in assessor.third_party)",
    ),
    "narrative.help.Meta.independent_opinion": Text(
        zh="第三方机构（如律师事务所）是否出具了独立意见；不填则文件不作此表述",
        en="Did the third party (e.g. a law firm) give an independent opinion? Left out, no document says so",
    ),
    "narrative.help.Organisation.shareholding": Text(
        zh="股权结构及境内外投资情况", en="Shareholding structure and investments in and outside China"
    ),
    "narrative.help.Organisation.actual_controller": Text(zh="实际控制人", en="Actual controller"),
    "narrative.help.Organisation.structure": Text(zh="组织架构", en="Organisation structure"),
    "narrative.help.Organisation.pi_protection_body": Text(
        zh="个人信息保护（数据安全管理）机构及其职责", en="The PI-protection (data-security) body and its duties"
    ),
    "narrative.help.Organisation.pi_protection_officer": Text(
        zh="个人信息保护负责人及联系方式", en="The PI-protection officer and how to reach them"
    ),
    "narrative.help.Organisation.business": Text(
        zh="整体业务与处理个人信息（数据资产）情况", en="Business overview and the PI (data assets) processed"
    ),
    "narrative.help.Organisation.security_evidence": Text(
        zh="保护措施有效性的证明：风险评估、认证、检测评估、合规审计、等级保护测评等",
        en="Evidence that the safeguards work: risk assessments, certifications, tests, compliance audits, MLPS",
    ),
    "narrative.help.Organisation.contact": Text(
        zh="处理者地址、联系人及联系方式（标准合同各方信息）",
        en="The processor's address, contact person and details (the contract's parties)",
    ),
    "narrative.help.Activity.safeguards": Text(
        zh="本活动采取的管理和技术保护措施", en="Organisational and technical safeguards of this activity"
    ),
    "narrative.help.Transfer.business": Text(
        zh="出境涉及的业务、个人信息的收集使用和信息系统",
        en="The business the transfer serves, how the PI is collected and used, the systems",
    ),
    "narrative.help.Transfer.necessity": Text(
        zh="出境及境外接收方处理的目的、范围、方式及其合法性、正当性、必要性",
        en="Purpose, scope and manner of the transfer and of the recipient's processing; why lawful, legitimate "
        "and necessary",
    ),
    "narrative.help.Transfer.route_link": Text(
        zh="出境链路：传输方式、双方系统的域名和网络地址",
        en="The transfer route: how data is sent, both sides' domains and addresses",
    ),
    "narrative.help.Transfer.overseas_storage": Text(
        zh="数据到境外后存放在哪些系统、机房，位于何地",
        en="Where the data is stored abroad: systems, data centres, place",
    ),
    "narrative.help.Transfer.onward_transfer": Text(
        zh="境外接收方向境外其他接收方提供的情况", en="Onward transfers by the recipient to other parties abroad"
    ),
    "narrative.help.Transfer.retention": Text(
        zh="出境后保存期限及到期后的处理", en="How long the data is kept abroad, and what happens after"
    ),
    "narrative.help.Transfer.projection": Text(
        zh="预估未来3年出境的人数（去重）", en="Distinct people expected to be transferred in the next 3 years"
    ),
    "narrative.help.Transfer.recipient_details": Text(
        zh="境外接收方基本情况：名称、地址、联系人及联系方式、主要业务",
        en="The recipient: name, address, contact person and details, main business",
    ),
    "narrative.help.Transfer.recipient_processing": Text(
        zh="接收方拿这些个人信息做什么、怎样处理", en="What the recipient uses the PI for and how it processes it"
    ),
    "narrative.help.Transfer.recipient_capabilities": Text(
        zh="接收方为尽到自身责任在组织管理与技术上的措施和能力",
        en="The recipient's organisational and technical measures and capability to meet its duties",
    ),
    "narrative.help.Transfer.destination_law": Text(
        zh="境外接收方所在国家或地区的个人信息保护政策法规及网络安全环境及其影响",
        en="The destination's PI-protection law and cybersecurity environment, and their effect",
    ),
    "narrative.help.Transfer.contract_measures": Text(
        zh="合同等法律文件约定的保护责任义务：再转移限制、变更与不可抗力时的措施、补救、违约责任、争议解决、应急处置",
        en="What the contract provides: limits on onward transfer, measures on changes or force majeure, remedies, "
        "liability, disputes, incident handling",
    ),
    # territorial reach and roles (engine/inputs.py): facts the rulebooks' reach and role gates need
    "input.reach_required": Text(
        zh="设立于境外的组织须填写此项（是否在中国境内{what}），以判断哪些法律适用",
        en="required for an organisation established outside China (does it {what} in mainland China?), "
        "to decide which laws reach it",
    ),
    "input.reach_domestic": Text(
        zh="设立于境内的组织必然在境内处理数据、使用网络；此项只对境外组织填写，请删除",
        en="an organisation established in China processes data and uses networks there; this field is only "
        "for one established outside China, remove it",
    ),
    "input.joint_with_missing": Text(
        zh="共同处理者（joint_controller）须在 joint_with 中列出共同决定处理目的和方式的其他处理者",
        en="a joint_controller must name in joint_with the other processors that decide purposes and means with it",
    ),
    "input.role_field_unused": Text(
        zh="{field} 只适用于角色 {role}，本活动的角色为 {actual}",
        en="{field} only applies to role {role}; this activity's role is {actual}",
    ),
    "input.total_below_transfer": Text(
        zh="当年累计出境人数 {total} 小于单项出境的 {largest} 人；应填本处理者全部出境的去重合计",
        en="the cumulative outbound count {total} is below the {largest} people of one transfer; give the "
        "processor's distinct total across all transfers",
    ),
    "input.purpose_not_in_force": Text(
        zh="出境情形 {purpose!r} 依据的{instrument}自 {since} 起施行，评估基准日 {day} 尚不适用；请改选其他情形",
        en="transfer case {purpose!r} rests on {instrument}, in force from {since}, not on the as-of date {day}; "
        "choose another case",
    ),
    "input.waiver_no_finding": Text(
        zh="豁免指向的 {finding!r} 不是本评估的任何发现（该义务可能不适用，或在评估基准日不在有效期内）{hint}",
        en="waiver names no finding of this assessment: {finding!r} (the obligation may not apply, or not "
        "be in force on the as-of date){hint}",
    ),
    "input.no_assessment": Text(zh="此文件夹中没有 {file}", en="no {file} in this folder"),
    "input.not_mapping": Text(
        zh="顶层应为映射，包含 assessment、organisation、activities 等键",
        en="expected a mapping with assessment, organisation, activities…",
    ),
    "input.duplicate_id": Text(zh="编号 {id!r} 重复", en="duplicate id {id!r}"),
    "input.country_code": Text(
        zh="{value!r} 不是 ISO 3166 两位大写国家或地区代码（例如美国 US、香港 HK、新加坡 SG）",
        en="{value!r} is not an ISO 3166 two-letter country or region code (e.g. US, HK, SG)",
    ),
    "input.dataset_twice": Text(zh="数据集 {id!r} 重复定义", en="dataset {id!r} is defined twice"),
    "input.no_dataset": Text(zh="没有编号为 {id!r} 的数据集{hint}", en="no dataset with id {id!r}{hint}"),
    "input.no_activity": Text(zh="没有编号为 {id!r} 的处理活动{hint}", en="no activity with id {id!r}{hint}"),
    "input.no_transfer": Text(zh="没有编号为 {id!r} 的数据出境事项{hint}", en="no transfer with id {id!r}{hint}"),
    "input.unknown_category": Text(
        zh="未知的个人信息类别“{category}”{hint}", en='unknown PI category "{category}"{hint}'
    ),
    "input.unknown_question": Text(zh="未知的问题 {id!r}{hint}", en="unknown question {id!r}{hint}"),
    "input.wrong_scope": Text(
        zh="问题 {id!r} 应在{scope}层级回答，不能写在此处", en="question {id!r} is answered per {scope}, not here"
    ),
    "yaml.comma_split": Text(
        zh="“{key}”像是被逗号截断的上一个值：在 {{…}} 写法中，含逗号的值须加引号，例如 en: \"Acme Co., Ltd.\"",
        en="{key!r} looks like the end of the previous value, cut at a comma: inside {{…}}, put a value that "
        'contains a comma in quotes, e.g. en: "Acme Co., Ltd."',
    ),
    "input.did_you_mean": Text(zh="；是否为“{name}”？", en='; did you mean "{name}"?'),
    "scope.org": Text(zh="组织", en="organisation"),
    "scope.activity": Text(zh="处理活动", en="activity"),
    "scope.transfer": Text(zh="数据出境", en="transfer"),
    # pydantic errors by their `type` (engine/validation.py); the English follows pydantic's own
    "pydantic.missing": Text(zh="缺少必填字段", en="required field is missing"),
    "pydantic.not_filled": Text(zh="必填字段尚未填写（仍为 null）", en="required field not filled in (still null)"),
    "pydantic.extra_forbidden": Text(zh="不允许的键（此处没有该字段）", en="unknown key (not allowed here)"),
    "pydantic.extra_forbidden_hint": Text(
        zh="不允许的键（此处没有该字段）{hint}", en="unknown key (not allowed here){hint}"
    ),
    "pydantic.string_type": Text(zh="应为字符串", en="Input should be a valid string"),
    "pydantic.int_type": Text(zh="应为整数", en="Input should be a valid integer"),
    "pydantic.int_from_float": Text(
        zh="应为整数，不能有小数部分", en="Input should be a valid integer, got a number with a fractional part"
    ),
    "pydantic.bool_type": Text(zh="应为布尔值（true 或 false）", en="Input should be a valid boolean (true or false)"),
    "pydantic.float_type": Text(zh="应为数字", en="Input should be a valid number"),
    "pydantic.date_type": Text(zh="应为日期（YYYY-MM-DD）", en="Input should be a valid date (YYYY-MM-DD)"),
    "pydantic.date_parsing": Text(
        zh="应为 YYYY-MM-DD 格式的日期（{error}）", en="Input should be a valid date in the format YYYY-MM-DD, {error}"
    ),
    "pydantic.date_from_datetime_parsing": Text(
        zh="应为日期或日期时间（{error}）", en="Input should be a valid date or datetime, {error}"
    ),
    "pydantic.date_from_datetime_inexact": Text(
        zh="日期时间的时刻应为零点（即只给日期）",
        en="Datetimes provided to dates should have zero time - e.g. be exact dates",
    ),
    "pydantic.list_type": Text(zh="应为列表", en="Input should be a valid list"),
    "pydantic.dict_type": Text(zh="应为映射（键: 值）", en="Input should be a valid dictionary"),
    "pydantic.model_type": Text(
        zh="应为映射（键: 值，{class_name}）", en="Input should be a valid dictionary or instance of {class_name}"
    ),
    "pydantic.literal_error": Text(zh="应为以下值之一：{expected}", en="Input should be {expected}"),
    "pydantic.greater_than_equal": Text(zh="应大于或等于 {ge}", en="Input should be greater than or equal to {ge}"),
    "pydantic.less_than_equal": Text(zh="应小于或等于 {le}", en="Input should be less than or equal to {le}"),
    "pydantic.greater_than": Text(zh="应大于 {gt}", en="Input should be greater than {gt}"),
    "pydantic.less_than": Text(zh="应小于 {lt}", en="Input should be less than {lt}"),
    "pydantic.string_too_short": Text(
        zh="至少应有 {min_length} 个字符", en="String should have at least {min_length} character(s)"
    ),
    "pydantic.string_too_long": Text(
        zh="最多只能有 {max_length} 个字符", en="String should have at most {max_length} character(s)"
    ),
    "pydantic.string_pattern_mismatch": Text(
        zh="格式不符（应匹配正则表达式 {pattern}）", en="String should match pattern '{pattern}'"
    ),
    "pydantic.too_short": Text(
        zh="至少应有 {min_length} 项，实有 {actual_length} 项",
        en="should have at least {min_length} item(s), not {actual_length}",
    ),
    "pydantic.too_long": Text(
        zh="最多只能有 {max_length} 项，实有 {actual_length} 项",
        en="should have at most {max_length} item(s), not {actual_length}",
    ),
    "pydantic.value_error": Text(zh="取值无效：{error}", en="invalid value: {error}"),
    "pydantic.union_tag_invalid": Text(
        zh="类型标记 {tag!r}（取自 {discriminator}）不是以下之一：{expected_tags}",
        en="Input tag {tag!r} found using {discriminator} does not match any of the expected tags: {expected_tags}",
    ),
    "pydantic.union_tag_not_found": Text(
        zh="无法从 {discriminator} 取得类型标记", en="Unable to extract tag using discriminator {discriminator}"
    ),
    "pydantic.other": Text(zh="输入无效：{detail}", en="{detail}"),
    # questionnaire answers (engine/questions.py, engine/workflow/questionnaire.py)
    "answer.bool": Text(zh="应为 true 或 false，实为 {value!r}", en="expected true or false, got {value!r}"),
    "answer.yes_no": Text(zh="应为“是”或“否”，实为 {value!r}", en="expected yes or no, got {value!r}"),
    "answer.int": Text(zh="应为整数，实为 {value!r}", en="expected a whole number, got {value!r}"),
    "answer.min": Text(zh="不得小于 {min}", en="must be at least {min}"),
    "answer.max": Text(zh="不得大于 {max}", en="must be at most {max}"),
    "answer.choice": Text(zh="应为 {options} 之一，实为 {value!r}", en="expected one of {options}, got {value!r}"),
    "answer.multi": Text(
        zh="应为取自 {options} 的列表，实为 {value!r}", en="expected a list drawn from {options}, got {value!r}"
    ),
    "answer.text": Text(zh="应为文字，实为 {value!r}", en="expected text, got {value!r}"),
    "answer.date": Text(zh="应为日期（YYYY-MM-DD），实为 {value!r}", en="expected a date (YYYY-MM-DD), got {value!r}"),
    "answer.not_mapping": Text(zh="文件顶层应为映射", en="expected a mapping at the top of the file"),
    "answer.flow_style": Text(
        zh="无法在流式 {{…}} 映射中添加 answers；请改写为块格式",
        en="cannot add answers to a flow-style {{…}} mapping; write it as a block",
    ),
    # questionnaire2: the questionnaire builds the assessment (engine/workflow/questionnaire.py, workbook.py)
    "qb.categories": Text(zh="数据集包含的个人信息类别", en="PI categories the dataset holds"),
    "qb.pick": Text(zh="请输入列出的编号之一", en="Enter one of the numbers listed"),
    "qb.which": Text(zh="编号", en="number"),
    "qb.kind.assessment": Text(zh="评估", en="assessment"),
    "qb.kind.assessor": Text(zh="评估人", en="assessor"),
    "qb.kind.organisation": Text(zh="组织", en="organisation"),
    "qb.edit_org": Text(zh="修改评估与组织信息", en="Edit the assessment and organisation details"),
    "qb.kind.activity": Text(zh="处理活动", en="processing activity"),
    "qb.kind.dataset": Text(zh="数据集", en="dataset"),
    "qb.kind.transfer": Text(zh="数据出境", en="transfer abroad"),
    "qb.list.activity": Text(zh="处理活动（{n} 项）", en="Processing activities ({n})"),
    "qb.list.dataset": Text(zh="数据集（{n} 个）", en="Datasets ({n})"),
    "qb.list.transfer": Text(zh="数据出境（{n} 项）", en="Transfers abroad ({n})"),
    "qb.menu": Text(zh="评估内容", en="The assessment"),
    "qb.edit": Text(zh="修改{what}", en="Edit a {what}"),
    "qb.add": Text(zh="添加{what}", en="Add a {what}"),
    "qb.rename": Text(zh="重命名{what}", en="Rename a {what}"),
    "qb.remove": Text(zh="删除{what}", en="Remove a {what}"),
    "qb.menu_keys": Text(
        zh="直接回车：继续回答适用的问题；q：保存并退出",
        en="Enter: go on to the questions that apply; q: save and quit",
    ),
    "qb.none": Text(zh="尚无可选项。", en="There is none yet."),
    "qb.removed": Text(zh="已删除 {what}（以及对它的引用）", en="Removed {what} (and every reference to it)"),
    "qb.not_valid": Text(
        zh="评估还有以下问题：请用上面的菜单修正，或输入 q 退出后编辑文件",
        en="The assessment still has these problems: fix them with the menu above, or quit with q and edit the file",
    ),
    "qb.imported": Text(
        zh="已从 {file} 导入 {n} 个回答、{fields} 处字段修改",
        en="Imported {n} answers and {fields} field changes from {file}",
    ),
    "qb.xl_unknown_field": Text(zh="没有这个字段：{key}", en="no such field: {key}"),
    "qb.xl_no_questions": Text(
        zh="先填写组织、处理活动、数据集和数据出境工作表并导入，再次导出后这里列出适用的问题",
        en="Fill in the organisation, activities, datasets and transfers sheets and import them; "
        "export again and the questions that apply are listed here",
    ),
    "qb.xl_no_id": Text(zh="缺少编号列（id）", en="the id column is missing"),
    "qb.opt.role.controller": Text(zh="自行决定处理目的和方式（处理者）", en="decides purposes and means (controller)"),
    "qb.opt.role.joint_controller": Text(
        zh="与他人共同决定处理目的和方式", en="decides purposes and means jointly with others"
    ),
    "qb.opt.role.entrusted_party": Text(zh="受托处理（受托人）", en="processes on a client's behalf (entrusted party)"),
    "qb.opt.outside_china_basis.offering_goods_services": Text(
        zh="以向境内自然人提供产品或服务为目的", en="to offer goods or services to individuals in China"
    ),
    "qb.opt.outside_china_basis.analysing_behaviour": Text(
        zh="分析、评估境内自然人的行为", en="to analyse or assess the behaviour of individuals in China"
    ),
    "qb.opt.outside_china_basis.other_legal": Text(zh="法律或行政法规另行规定的情形", en="other cases laws provide"),
    "qb.opt.purpose.general": Text(zh="一般情形（不属于以下特殊情形）", en="general (none of the cases below)"),
    "qb.opt.purpose.contract_with_individual": Text(
        zh="订立或履行与本人签订的合同所需", en="needed for a contract to which the individual is a party"
    ),
    "qb.opt.purpose.cross_border_hr": Text(zh="跨境人力资源管理所必需", en="needed for cross-border HR management"),
    "qb.opt.purpose.emergency": Text(
        zh="紧急情况下保护他人生命、健康或财产所需",
        en="needed in an emergency to protect life, health and property",
    ),
    "qb.opt.purpose.legal_duty": Text(
        zh="履行法律规定的职责或义务所需", en="needed for a statutory duty or obligation"
    ),
    "qb.opt.purpose.treaty": Text(
        zh="依我国缔结或参加的国际条约、协定", en="under a treaty or agreement China is party to"
    ),
    "qb.opt.purpose.reexport_foreign_pi": Text(
        zh="境外收集、在境内处理后出境的个人信息", en="PI collected abroad, processed in China and sent back"
    ),
    "qb.opt.purpose.non_pi_trade_data": Text(
        zh="国际贸易等活动中不含个人信息或重要数据的数据", en="trade and similar data without PI or important data"
    ),
    # plansheet: the workbook's remediation plan sheet (engine/workflow/workbook.py)
    "qb.opt.status.open": Text(zh="未开始", en="open"),
    "qb.opt.status.in_progress": Text(zh="进行中", en="in progress"),
    "qb.opt.status.done": Text(zh="已完成", en="done"),
    "qb.opt.status.accepted_risk": Text(zh="接受风险", en="risk accepted"),
    "qb.xl_no_key": Text(zh="缺少 {key} 列", en="the {key} column is missing"),
    "qb.xl_twice": Text(
        zh="{key!r} 已在第 {row} 行；每项只能填写一行", en="{key!r} is already in row {row}; one row each"
    ),
    # filingrest: the questionnaire's narrative step (engine/workflow/questionnaire.py ask_narrative)
    "filingrest.q.heading": Text(zh="备案文件所需的叙述内容", en="The narrative the filing documents need"),
    "filingrest.q.intro": Text(
        zh="数据出境的决定需要备案文件（{documents}），其中尚有 {n} 项叙述内容未填写。"
        "逐项填写；直接回车则跳过，文件中标注为“待补充”。",
        en="The transfers' decisions call for filing documents ({documents}), which still lack {n} texts. "
        "Type each one; Enter leaves it out, and the documents mark it “to be completed”.",
    ),
    # command-line options (engine/cli.py, engine/discovery/cli.py)
    "cli.unknown_format": Text(
        zh="未知的输出格式 {unknown}（可用：{known}）", en="unknown format {unknown} (known: {known})"
    ),
    "cli.not_date": Text(zh="不是 YYYY-MM-DD 格式的日期：{value!r}", en="not a date in YYYY-MM-DD form: {value!r}"),
    "cli.country_code": Text(
        zh="应为两位国家代码（如 CN），实为 {value!r}",
        en="expected a two-letter country code such as CN, got {value!r}",
    ),
    "cli.internal": Text(
        zh="hegui：内部错误（退出码 3）；请连同上面的回溯信息报告",
        en="hegui: internal error (exit 3); please report it with the traceback above",
    ),
    # scansafe: scan safety
    "scan.view_skipped": Text(
        zh="跳过视图 {table}：视图本身不存数据（其底层表会被扫描）；如需扫描视图请加 --views",
        en="skipped view {table}: a view stores no rows of its own (its tables are scanned); use --views to scan it",
    ),
    "scan.no_tables": Text(
        zh="没有与 {patterns} 匹配的表或视图（现有：{names}）",
        en="no table or view matches {patterns} (there are: {names})",
    ),
    "scan.timeout": Text(
        zh="跳过 {table}：{seconds} 秒内未完成或未取得锁（--timeout）；继续扫描其余表",
        en="skipped {table}: not done or no lock within {seconds} s (--timeout); the scan goes on",
    ),
    "scan.data_error": Text(
        zh="有值无法按列类型读取（{kind}；不显示取值）",
        en="a value cannot be read as its column type ({kind}; not shown)",
    ),
    "scan.empty_column": Text(
        zh="跳过表 {table} 第 {position} 列：列名为空，数据集字段须有名称",
        en="skipped column {position} of {table}: its name is empty and a dataset field needs one",
    ),
    "scan.encoding": Text(
        zh="{count} 个抽样值不是 UTF-8 文本，已按 {encoding} 解码后校验",
        en="{count} sampled values are not UTF-8 text; decoded as {encoding} and checked",
    ),
    "scan.undecodable": Text(
        zh="{count} 个抽样值既非 UTF-8 也非 GB18030 文本，未校验",
        en="{count} sampled values are neither UTF-8 nor GB18030 text; not checked",
    ),
    "scan.sql_ascii": Text(
        zh="数据库编码为 SQL_ASCII：服务器不检查文本编码，无法可靠读取；请先转换为 UTF8 编码的数据库",
        en="the database encoding is SQL_ASCII: the server never checks text encodings, so it cannot be read "
        "reliably; convert it to a UTF8 database first",
    ),
    # discovery2: evidence of the hard-database classifier (engine/discovery/classify.py)
    "discovery2.masked": Text(
        zh="其中 {share} 为脱敏值（例 {example}）：脱敏（去标识化）后仍是个人信息，非匿名化信息",
        en="{share} of them are masked (e.g. {example}): masked (de-identified) values are still personal "
        "information, not anonymous",
    ),
    "discovery2.sequence": Text(
        zh="取值为编号序列（{how}），如订单号，而非{label}：不按{label}计",
        en="the values are a sequence of identifiers ({how}), such as order numbers, not a {label}: not counted",
    ),
    "discovery2.sequence.rising": Text(zh="按主键顺序递增", en="they rise with the table's key"),
    "discovery2.sequence.dense": Text(zh="取值密集连续", en="they are dense and consecutive"),
    "discovery2.sequence.prefix": Text(zh="共享 {digits} 位前缀", en="they share a {digits}-digit prefix"),
    "discovery2.shape_contradicts": Text(
        zh="但抽样 {sampled} 个非空值中仅 {share} 像{shape}，不采纳列名提示“{word}”（{category}）",
        en="but only {share} of {sampled} sampled non-empty values look like {shape}; name hint not used "
        '("{word}", {category})',
    ),
    "discovery2.shape.person_name": Text(zh="人名", en="a person's name"),
    "discovery2.shape.credential": Text(
        zh="账号或口令（而非是/否标志）", en="a user name or password (not a yes/no flag)"
    ),
    "discovery2.shape.template": Text(zh="生物特征模板（长编码）", en="a biometric template (a long encoded value)"),
    "discovery2.shape.device_id": Text(
        zh="设备标识（IMEI、UUID、MAC 等）", en="a device identifier (IMEI, UUID, MAC …)"
    ),
    "discovery2.table_not_pi": Text(
        zh="所在表为{kind}（表名或注释含“{word}”）：其中的{category}指机器而非个人，不作为个人信息",
        en='the table is {kind} (its name or comment has "{word}"): a {category} there identifies a machine, '
        "not a person; not PI",
    ),
    "discovery2.column_not_pi": Text(
        zh="{label}：列名优先于取值校验", en="{label}: the column name outranks the value check"
    ),
    "discovery2.json": Text(
        zh="{count} 个抽样值为 JSON 或数组，已在其内部查找",
        en="{count} sampled values are JSON or arrays; searched inside",
    ),
    # import-inventory (engine/discovery/)
    "import.format": Text(
        zh="无法从扩展名判断格式，请用 --format csv|xlsx|fides",
        en="cannot tell the format from the file name; use --format csv|xlsx|fides",
    ),
    "import.bad_csv": Text(zh="CSV 格式错误：{why}", en="invalid CSV: {why}"),
    "import.no_sheet": Text(zh="没有工作表 {sheet!r}（现有：{names}）", en="no sheet {sheet!r} (sheets: {names})"),
    "import.empty": Text(zh="空文件：需要表头行 {columns}", en="empty: expected a header row {columns}"),
    "import.unknown_column": Text(
        zh="未知列 {column!r}（应为 {expected}）", en="unknown column {column!r} (expected {expected})"
    ),
    "import.missing_column": Text(zh="缺少列 {column!r}", en="missing column {column!r}"),
    "import.column_twice": Text(zh="列 {column!r} 重复", en="column {column!r} appears twice"),
    "import.column_count": Text(
        zh="应有 {expected} 列，实有 {found} 列", en="expected {expected} columns, found {found}"
    ),
    "import.not_whole_number": Text(
        zh="{column} 须为整数，实为 {value!r}", en="{column} must be a whole number, got {value!r}"
    ),
    "import.differs": Text(
        zh="{column} {value!r} 与数据集 {dataset!r} 第 {row} 行不一致",
        en="{column} {value!r} differs from row {row} of dataset {dataset!r}",
    ),
    "import.fides_unmapped": Text(
        zh="Fides 类别 {category} 无对应的 hegui 个人信息类别，字段 {field} 暂无类别，请核对",
        en="Fides category {category} has no hegui PI category; field {field} left without one, please review",
    ),
    "cli.valid": Text(
        zh="有效 {path}：{activities} 项处理活动，{datasets} 个数据集，{transfers} 项出境，{waivers} 项豁免",
        en="OK {path}: {activities} activities, {datasets} datasets, {transfers} transfers, {waivers} waivers",
    ),
    "import.written": Text(
        zh="已写入 {out}：{datasets} 个数据集，{fields} 个字段，{with_pi} 个有个人信息类别",
        en="OK → {out}: {datasets} datasets, {fields} fields, {with_pi} with a PI category",
    ),
}


def placeholders(template: str) -> set[str]:
    """The names of the `{placeholders}` of a message template."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _format(template: str, lang: str, values: dict[str, Any]) -> str:
    return template.format(**{k: v.get(lang) if isinstance(v, Text) else v for k, v in values.items()})


def message(key: str, /, **values: Any) -> Text:
    """The message in both languages, formatted with `values` (a Text value is used per language)."""
    entry = MESSAGES[key]
    return Text(zh=_format(entry.zh, "zh", values), en=_format(entry.en, "en", values))


def tr(key: str, lang: str, /, **values: Any) -> str:
    """The message in `lang` (zh or en), formatted with `values`."""
    return _format(MESSAGES[key].get(lang), lang, values)


def both(key: str, /, **values: Any) -> str:
    """The message in both languages, for text that goes to files or error output (`中文 / English`)."""
    return message(key, **values).both()


def did_you_mean(name: str | None) -> Text:
    """'; did you mean "name"?' in both languages, or nothing when there is no suggestion."""
    return message("input.did_you_mean", name=name) if name else Text(zh="", en="")


def closest(word: str, known: Iterable[str]) -> Text:
    """did_you_mean for the known name most like a misspelt `word`, if one is close enough."""
    close = difflib.get_close_matches(word, list(known), n=1)
    return did_you_mean(close[0] if close else None)


def listed(values: Iterable[str]) -> Text:
    """Names joined the way each language lists them: a、b in Chinese, a, b in English."""
    names = list(values)
    return Text(zh="、".join(names), en=", ".join(names))


def value_text(value: Any, lang: str) -> str:
    """A fact or answer value as a person reads it: yes/no, unknown, lists joined."""
    if value is None:
        return tr("v.none", lang)
    if isinstance(value, bool):
        return tr("v.true" if value else "v.false", lang)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "[]"
    return str(value)
