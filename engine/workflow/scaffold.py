"""`hegui init`: a short assessment.yaml with the required fields, each with its zh/en help as comments.

Everything optional is left to `hegui questionnaire`, the editor schema (engine/workflow/schema.py) and
docs/workflow.md, which the header points to: a person reads the file, fills in each `null`, and is done.
The fields come from the input models (engine/assessment.py), so a new required field appears without
editing this file; the Chinese/English help of every field lives here, for this file and the editor
schema alike (a test fails when a field has none).
"""

from __future__ import annotations

import textwrap
import types
from datetime import date
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from engine.assessment import Activity, Assessment, Transfer
from engine.i18n import message
from engine.narrative import NARRATIVE_HELP
from engine.questions import Scope
from engine.text import Text

T = Text
FIELD_HELP: dict[str, Text] = {
    "Assessment.assessment": T(zh="评估基本信息", en="About this assessment"),
    "Assessment.organisation": T(zh="个人信息处理者（组织）", en="The processor (organisation)"),
    "Assessment.activities": T(zh="处理活动，每项一条", en="Processing activities, one entry each"),
    "Assessment.transfers": T(
        zh="数据出境，每个境外接收方一条；无则保留 []",
        en="Outbound transfers, one per overseas recipient; keep [] if none",
    ),
    "Assessment.incidents": T(zh="个人信息安全事件；无则保留 []", en="PI security incidents; keep [] if none"),
    "Assessment.answers": T(
        zh="组织层面问卷回答（hegui questionnaire 可逐题填写）",
        en="Organisation-level answers (hegui questionnaire fills them in)",
    ),
    "Assessment.waivers": T(
        zh="豁免：经批准暂不整改的差距；无则保留 []",
        en="Waivers: gaps accepted for now by an approver; keep [] if none",
    ),
    "Meta.id": T(zh="评估编号：小写字母、数字、- 或 _", en="Assessment id: lower-case letters, digits, - or _"),
    "Meta.title": T(zh="标题，可写 {zh: …, en: …}", en="Title; may be {zh: …, en: …}"),
    "Meta.assessor": T(zh="评估人", en="Assessor"),
    "Meta.as_of": T(zh="评估基准日 YYYY-MM-DD", en="As-of date YYYY-MM-DD"),
    "Meta.language": T(zh="报告默认语言", en="Default report language"),
    "Meta.id_numbers_sensitive": T(
        zh="是否按推荐性国家标准 GB/T 35273-2020 附录B 将身份证件号码视为敏感个人信息"
        "（默认按《个人信息保护法》第二十八条，不视为敏感）",
        en="Count identity-document numbers as sensitive PI as GB/T 35273-2020 Annex B does (default: PIPL art. 28, "
        "which does not name them)",
    ),
    "Assessor.name": T(zh="评估人姓名", en="Assessor's name"),
    "Assessor.organisation": T(zh="评估人所在部门或单位", en="Assessor's department or organisation"),
    "Assessor.third_party": T(zh="参与评估的外部机构", en="External adviser or institution that took part"),
    "Organisation.name": T(zh="组织名称，可写 {zh: …, en: …}", en="Organisation name; may be {zh: …, en: …}"),
    "Organisation.ciio": T(zh="是否为关键信息基础设施运营者", en="Operator of critical information infrastructure?"),
    "Organisation.state_organ": T(
        zh="是否为国家机关或法律法规授权的管理公共事务的组织",
        en="State organ or body authorised to manage public affairs?",
    ),
    "Organisation.public_service_body": T(
        zh="是否为公共服务机构（教育、医疗、供水、供电、交通等）",
        en="Public institution or public-service provider (education, health, water, power, transport…)?",
    ),
    "Organisation.outside_china": T(zh="是否设立于中国境外", en="Established outside mainland China?"),
    "Organisation.outside_china_basis": T(
        zh="境外处理者适用《个人信息保护法》的情形", en="Why PIPL reaches a processor outside China"
    ),
    "Organisation.processes_in_china": T(
        zh="境外组织：是否也在中国境内处理数据（服务器、人员、机构）；境内组织不填",
        en="Established outside China: does it also process data in mainland China (servers, staff, offices)? "
        "Leave out otherwise",
    ),
    "Organisation.networks_in_china": T(
        zh="境外组织：是否在中国境内建设、运营、维护或使用网络；境内组织不填",
        en="Established outside China: does it build, operate, maintain or use networks in mainland China? "
        "Leave out otherwise",
    ),
    "Organisation.shenzhen": T(
        zh="是否在深圳（适用《深圳经济特区数据条例》）", en="Located in Shenzhen (Shenzhen Data Regulations)?"
    ),
    "Organisation.free_trade_zone": T(zh="是否位于自由贸易试验区", en="In a pilot free trade zone?"),
    "Organisation.network_operator": T(zh="是否为网络运营者", en="Network operator?"),
    "Organisation.platform": T(zh="互联网平台：不是则保留 null", en="Internet platform; keep null if not one"),
    "Organisation.individuals_total": T(
        zh="处理其个人信息的个人总数", en="Individuals whose PI is processed, in total"
    ),
    "Organisation.important_data_processor": T(zh="是否为重要数据处理者", en="Processes important data?"),
    "Organisation.important_data_sharing": T(
        zh="重要数据（无论是否含个人信息）的共享方式：provides 提供、entrusts 委托处理、joint_processing 共同处理",
        en="How important data (personal or not) is shared: provides, entrusts (processing), joint_processing",
    ),
    "Organisation.outbound_individuals_non_sensitive": T(
        zh="本处理者当年1月1日起全部出境累计的非敏感个人信息人数（去重，不含依免予情形出境的；不填则合计本评估中非免予的出境）",
        en="Processor-wide distinct people, non-sensitive PI sent abroad since 1 January, exempt exports left out "
        "(default: sum of the non-exempt transfers)",
    ),
    "Organisation.outbound_individuals_sensitive": T(
        zh="本处理者当年1月1日起全部出境累计的敏感个人信息人数（去重，不含依免予情形出境的；不填则合计本评估中非免予的出境）",
        en="Processor-wide distinct people, sensitive PI sent abroad since 1 January, exempt exports left out "
        "(default: sum of the non-exempt transfers)",
    ),
    "Platform.registered_users": T(zh="注册用户数", en="Registered users"),
    "Platform.monthly_active_users": T(zh="月活跃用户数", en="Monthly active users"),
    "Platform.complex_business_types": T(
        zh="业务类型是否复杂（《网络数据安全管理条例》第六十二条第八项）",
        en="Complex business types (NDSMR art. 62 item 8)?",
    ),
    "Activity.id": T(zh="活动编号", en="Activity id"),
    "Activity.name": T(zh="活动名称，可写 {zh: …, en: …}", en="Activity name; may be {zh: …, en: …}"),
    "Activity.purpose": T(zh="处理目的", en="Purpose of processing"),
    "Activity.legal_basis": T(zh="处理依据（《个人信息保护法》第十三条）", en="Legal basis (PIPL art. 13)"),
    "Activity.data_subjects": T(zh="个人信息主体类别（至少一项）", en="Kinds of data subjects (at least one)"),
    "Activity.datasets": T(zh="使用的数据集编号（datasets.yaml）", en="Dataset ids used (from datasets.yaml)"),
    "Activity.pi_categories": T(zh="数据集之外的个人信息类别", en="PI categories beyond those of its datasets"),
    "Activity.individuals": T(
        zh="涉及的个人数量（默认取数据集最大值）", en="Individuals concerned (default: largest dataset)"
    ),
    "Activity.automated_decision": T(zh="是否利用个人信息进行自动化决策", en="Automated decision-making?"),
    "Activity.automated_marketing": T(
        zh="是否通过自动化决策进行信息推送、商业营销", en="Push content or marketing by automated decisions?"
    ),
    "Activity.entrusted_processing": T(zh="是否委托他人处理", en="Entrusts processing to another party?"),
    "Activity.role": T(
        zh="角色：controller 自主决定处理目的和方式，joint_controller 与他人共同决定，entrusted_party 受他人委托处理",
        en="Role: controller decides purposes and means, joint_controller decides them with others, "
        "entrusted_party processes on a client's behalf",
    ),
    "Activity.joint_with": T(zh="共同处理者：其他共同决定的处理者名称", en="Joint controller: the other processors"),
    "Activity.on_behalf_of": T(zh="受托处理：委托方名称", en="Entrusted party: the client"),
    "Activity.provides_to_other_processor": T(
        zh="是否向其他处理者提供个人信息", en="Provides PI to another processor?"
    ),
    "Activity.public_disclosure": T(zh="是否公开个人信息", en="Makes PI public?"),
    "Activity.public_image_capture": T(
        zh="是否在公共场所采集图像或识别身份", en="Image capture or identity recognition in public places?"
    ),
    "Activity.publicly_available_pi": T(zh="是否处理已公开的个人信息", en="Processes publicly available PI?"),
    "Activity.answers": T(zh="本活动的问卷回答", en="Answers for this activity"),
    "Transfer.id": T(zh="出境编号", en="Transfer id"),
    "Transfer.recipient": T(zh="境外接收方", en="Overseas recipient"),
    "Transfer.destination": T(
        zh="目的地 ISO 3166-1 两位代码；香港 HK、澳门 MO、台湾 TW 属境外",
        en="Destination, ISO 3166-1 alpha-2; HK, MO and TW are outside the mainland",
    ),
    "Transfer.activity": T(zh="所属处理活动编号", en="Activity id it belongs to"),
    "Transfer.datasets": T(zh="出境的数据集编号", en="Dataset ids transferred"),
    "Transfer.individuals_non_sensitive": T(
        zh="当年1月1日起累计出境的非敏感个人信息人数", en="Individuals (non-sensitive PI) since 1 January"
    ),
    "Transfer.individuals_sensitive": T(
        zh="当年1月1日起累计出境的敏感个人信息人数", en="Individuals (sensitive PI) since 1 January"
    ),
    "Transfer.important_data": T(
        zh="是否涉及重要数据（仅指已被有关地区、部门告知或公开发布为重要数据的）",
        en="Includes important data (only data an authority has notified or published as important)?",
    ),
    "Transfer.purpose": T(zh="出境情形（《促进和规范数据跨境流动规定》）", en="Transfer case (CBDF provisions)"),
    "Transfer.domestic_data_added": T(
        zh="再出境的境外数据中是否加入了境内数据", en="Domestic data added to re-exported foreign data?"
    ),
    "Transfer.ftz_negative_list": T(
        zh="自贸区负面清单：outside 清单外，listed 清单内；不适用则 null",
        en="FTZ negative list: outside or listed; null if not applicable",
    ),
    "Transfer.mechanism_in_place": T(zh="已完成的出境路径", en="Transfer mechanism already in place"),
    "Transfer.mechanism_date": T(zh="出境路径完成日期", en="Date the mechanism was completed"),
    "Transfer.answers": T(zh="本出境的问卷回答", en="Answers for this transfer"),
    "Dataset.id": T(zh="数据集编号：小写字母、数字、- 或 _", en="Dataset id: lower-case letters, digits, - or _"),
    "Dataset.name": T(zh="数据集名称，可写 {zh: …, en: …}", en="Dataset name; may be {zh: …, en: …}"),
    "Dataset.system": T(zh="所在系统", en="System that holds it"),
    "Dataset.storage_location": T(
        zh="存储地 ISO 3166-1 两位代码（中国境内为 CN）",
        en="Where it is stored, ISO 3166-1 alpha-2 (CN: mainland China)",
    ),
    "Dataset.records": T(zh="记录数", en="Records"),
    "Dataset.individuals": T(zh="涉及人数", en="Individuals it concerns"),
    "Dataset.grade": T(zh="数据分级", en="Data grade"),
    "Dataset.fields": T(zh="字段及其个人信息类别", en="Fields and their PI categories"),
    "DataField.name": T(zh="字段名", en="Field name"),
    "DataField.category": T(zh="个人信息类别（无个人信息则不填）", en="PI category (none for a field without PI)"),
    "DataField.note": T(zh="备注", en="Note"),
    "Incident.id": T(zh="事件编号", en="Incident id"),
    "Incident.occurred": T(zh="发生日期", en="Date it occurred"),
    "Incident.individuals_affected": T(zh="受影响人数", en="Individuals affected"),
    "Incident.pi_involved": T(zh="是否涉及个人信息", en="Personal information involved?"),
    "Incident.remedied": T(zh="是否已采取补救措施", en="Remedied?"),
    "Incident.individuals_notified": T(zh="是否已通知个人", en="Individuals notified?"),
    "Incident.below_reporting_threshold": T(
        zh="是否主张该事件低于规定须向主管部门报告的标准（《数据安全法》第二十九条“按照规定”报告）",
        en="Claims the incident is below the thresholds that require a report to the authority (DSL art. 29)?",
    ),
    "Incident.harm_avoided": T(
        zh="是否主张已采取的措施能够有效避免危害、因而未通知个人（《个人信息保护法》第五十七条第二款）",
        en="Claims the measures taken effectively avoid harm, so individuals were not told (PIPL art. 57 para. 2)?",
    ),
    "Incident.authority_notified": T(zh="是否已报告监管部门", en="Authority notified?"),
    "Waiver.finding": T(
        zh="豁免的义务结论编号（如 PIPL-51-access-training）",
        en="Finding or obligation id waived (e.g. PIPL-51-access-training)",
    ),
    "Waiver.reason": T(zh="理由", en="Reason"),
    "Waiver.approver": T(zh="批准人", en="Approver"),
    "Waiver.expires": T(zh="到期日 YYYY-MM-DD；到期后重新计为差距", en="Expiry YYYY-MM-DD; a gap again afterwards"),
    **NARRATIVE_HELP,
}
WIDTH = 120  # longest comment line
LIVE_LISTS = {"activities"}  # optional lists given one entry to fill in; other optional parts are left out
ANSWER_SCOPES: dict[type[BaseModel], Scope] = {Assessment: "org", Activity: "activity", Transfer: "transfer"}
POINTERS = {  # where everything optional is: the command or file, then what it gives
    "hegui questionnaire .": "init.questionnaire",
    "hegui schema --of assessment --out assessment.schema.json": "init.schema",
    "docs/workflow.md": "init.docs",
}


def _choices(annotation: Any) -> list[str]:
    """Allowed values of Literal types, also inside lists and optionals."""
    if get_origin(annotation) is Literal:
        return [str(a) for a in get_args(annotation)]
    if get_origin(annotation) in (list, Union, types.UnionType):
        return [c for arg in get_args(annotation) for c in _choices(arg)]
    return []


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The input model inside `X`, `X | None` or `list[X]`, if any (Text labels stay scalars)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation is not Text:
        return annotation
    if get_origin(annotation) in (list, Union, types.UnionType):
        for arg in get_args(annotation):
            if (m := _model_of(arg)) is not None:
                return m
    return None


def _comments(texts: list[str], pad: str) -> list[str]:
    """Comment lines at `pad`, each text wrapped to at most WIDTH characters (keeping its own indent)."""
    lines = []
    for text in texts:
        indent = " " * (len(text) - len(text.lstrip()))
        wrapped = textwrap.wrap(text, WIDTH - len(pad) - 2, subsequent_indent=indent) or [""]
        lines += [f"{pad}# {line}".rstrip() for line in wrapped]
    return lines


def _header() -> list[str]:
    """What this file is, how to check it, and where everything optional is."""
    head, check, optional = message("init.header"), message("init.check"), message("init.optional")
    texts = [head.zh, head.en, check.zh, check.en, "", optional.zh, optional.en]
    for pointer, key in POINTERS.items():
        text = message(key)
        texts += [f"  {pointer}", f"      {text.zh}", f"      {text.en}"]
    return _comments(texts, "")


def _help(model: type[BaseModel], name: str, annotation: Any, pad: str) -> list[str]:
    """The field's zh and en help on lines of their own, then its allowed values."""
    # a field added without help still works (tests/workflow/test_init.py asks for its zh/en help)
    help_ = FIELD_HELP.get(f"{model.__name__}.{name}") or T(zh=name, en=name)
    choices = " | ".join(_choices(annotation))
    return _comments([help_.zh, help_.en, *([choices] if choices else [])], pad)


def _fields(model: type[BaseModel], indent: int, today: date, item: bool = False) -> list[str]:
    """The required fields of `model` (and one entry of each live list); `item` starts a list entry."""
    lines: list[str] = []
    for name, info in model.model_fields.items():
        if not (info.is_required() or name in LIVE_LISTS):
            continue
        pad = " " * indent
        key = f"{pad[:-2]}- {name}" if item and not lines else f"{pad}{name}"
        lines += _help(model, name, info.annotation, pad)
        nested = _model_of(info.annotation)
        if nested is not None and get_origin(info.annotation) is list:
            lines += [f"{key}:", *_fields(nested, indent + 4, today, item=True)]
        elif nested is not None:
            lines += [f"{key}:", *_fields(nested, indent + 2, today)]
        else:
            lines.append(f"{key}: {today.isoformat() if name == 'as_of' else 'null'}")
    return lines


def scaffold(today: date) -> str:
    """assessment.yaml text: a header pointing to everything optional, then the required fields, null."""
    return "\n".join([*_header(), "", *_fields(Assessment, 0, today)]) + "\n"


DATASETS = """\
# 数据集清单 / dataset inventory: one entry per dataset (or use datasets.csv instead).
# - id: members                       # 数据集编号 / dataset id
#   name: {zh: 会员信息库, en: Member database}
#   system: CRM                       # 所在系统 / system
#   storage_location: CN              # 存储地 ISO 代码 / storage location
#   records: 0                        # 记录数 / records
#   individuals: 0                    # 涉及人数 / individuals
#   grade: general                    # general | important | core
#   fields:
#     - {name: mobile, category: phone}   # 字段及个人信息类别 / field and PI category
datasets: []
"""
