"""`hegui init`: an assessment.yaml with every input field and every question, commented in zh/en.

The scaffold is generated from the input models (engine/assessment.py) and the question bank, so a
new field or question appears in it without editing this file; only the Chinese/English help for
each field lives here (a test fails when a field has none). Required fields are `null` until filled.
"""

from __future__ import annotations

import types
from datetime import date
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from engine.assessment import Activity, Assessment, Transfer
from engine.questions import Question, Scope, question_bank
from engine.text import Text
from engine.workflow.answers import scalar

T = Text
FIELD_HELP: dict[str, Text] = {
    "Assessment.assessment": T(zh="评估基本信息", en="About this assessment"),
    "Assessment.organisation": T(zh="个人信息处理者（组织）", en="The processor (organisation)"),
    "Assessment.activities": T(zh="处理活动，每项一条", en="Processing activities, one entry each"),
    "Assessment.transfers": T(
        zh="数据出境，每个境外接收方一条；无则保留 []",
        en="Outbound transfers, one per overseas recipient; keep [] if none",
    ),
    "Assessment.incidents": T(
        zh="个人信息安全事件；无则保留 []", en="PI security incidents; keep [] if none"
    ),
    "Assessment.answers": T(
        zh="组织层面问卷回答（hegui questionnaire 可逐题填写）",
        en="Organisation-level answers (hegui questionnaire fills them in)",
    ),
    "Assessment.waivers": T(
        zh="豁免：经批准暂不整改的差距；无则保留 []",
        en="Waivers: gaps accepted for now by an approver; keep [] if none",
    ),
    "Meta.id": T(
        zh="评估编号：小写字母、数字、- 或 _", en="Assessment id: lower-case letters, digits, - or _"
    ),
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
    "Organisation.ciio": T(
        zh="是否为关键信息基础设施运营者", en="Operator of critical information infrastructure?"
    ),
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
    "Organisation.platform": T(
        zh="互联网平台：不是则保留 null", en="Internet platform; keep null if not one"
    ),
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
    "Activity.data_subjects": T(
        zh="个人信息主体类别（至少一项）", en="Kinds of data subjects (at least one)"
    ),
    "Activity.datasets": T(
        zh="使用的数据集编号（datasets.yaml）", en="Dataset ids used (from datasets.yaml)"
    ),
    "Activity.pi_categories": T(
        zh="数据集之外的个人信息类别", en="PI categories beyond those of its datasets"
    ),
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
    "Transfer.purpose": T(
        zh="出境情形（《促进和规范数据跨境流动规定》）", en="Transfer case (CBDF provisions)"
    ),
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
    "Waiver.expires": T(
        zh="到期日 YYYY-MM-DD；到期后重新计为差距", en="Expiry YYYY-MM-DD; a gap again afterwards"
    ),
}
REQUIRED = T(zh="必填", en="required")
LIVE_LISTS = {"activities"}  # lists given one live entry; the others get a commented example entry
ANSWER_SCOPES: dict[type[BaseModel], Scope] = {Assessment: "org", Activity: "activity", Transfer: "transfer"}


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


def _comment(text: Text, required: bool = False, choices: list[str] | None = None) -> str:
    zh, en = text.zh, text.en
    if required:
        zh, en = f"[{REQUIRED.zh}] {zh}", f"[{REQUIRED.en}] {en}"
    if choices:
        zh, en = f"{zh}（{' | '.join(choices)}）", f"{en} ({' | '.join(choices)})"
    return f"{zh} / {en}"


class _Writer:
    def __init__(self, today: date, live_examples: bool) -> None:
        self.today, self.live = today, live_examples
        self.lines: list[str] = []

    def model(self, model: type[BaseModel], indent: int, prefix: str = "", first: str = "") -> None:
        """Emit the fields of `model`; `first` is prepended to the first line (`- ` for list items)."""
        for i, (name, info) in enumerate(model.model_fields.items()):
            pad = prefix + (" " * indent if i or not first else " " * (indent - len(first)) + first)
            # a field added without help still appears (tests/workflow/test_init.py asks for its zh/en help)
            help_ = FIELD_HELP.get(f"{model.__name__}.{name}") or T(zh=name, en=info.description or name)
            required = info.is_required()
            nested = _model_of(info.annotation)
            if name == "answers":
                self.answers(ANSWER_SCOPES[model], pad, indent, prefix, help_)
            elif nested is not None and get_origin(info.annotation) is list:
                self.items(name, nested, pad, indent, prefix, help_)
            elif nested is not None and required:
                self.lines.append(f"{pad}{name}:  # {_comment(help_)}")
                self.model(nested, indent + 2, prefix)
            elif nested is not None:  # optional sub-model: null, with its fields as an example
                self.lines.append(f"{pad}{name}: null  # {_comment(help_)}")
                self.example(name, nested, indent, prefix, as_list=False)
            else:
                self.lines.append(
                    f"{pad}{name}: {self.value(name, info)}  # "
                    f"{_comment(help_, required, _choices(info.annotation))}"
                )

    def value(self, name: str, info: Any) -> str:
        if name == "as_of":
            return self.today.isoformat()
        if info.is_required():
            return "null"
        default = info.default_factory() if info.default_factory is not None else info.default
        return "null" if default is PydanticUndefined else scalar(default)

    def items(
        self, name: str, model: type[BaseModel], pad: str, indent: int, prefix: str, help_: Text
    ) -> None:
        if name in LIVE_LISTS or self.live:
            self.lines.append(f"{pad}{name}:  # {_comment(help_)}")
            self.model(model, indent + 4, prefix, first="- ")
            return
        self.lines.append(f"{pad}{name}: []  # {_comment(help_)}")
        self.example(name, model, indent, prefix, as_list=True)

    def example(self, name: str, model: type[BaseModel], indent: int, prefix: str, as_list: bool) -> None:
        """The fields of an optional part, commented out (live when checking the scaffold)."""
        if self.live:
            self.lines[-1] = self.lines[-1].replace(f"{name}: null", f"{name}:", 1)
            self.model(model, indent + 2, prefix)
            return
        commented = f"{prefix}{' ' * indent}# "
        self.lines.append(f"{commented}{name}:")
        if as_list:
            self.model(model, 4, commented, first="- ")
        else:
            self.model(model, 2, commented)

    def answers(self, scope: Scope, pad: str, indent: int, prefix: str, help_: Text) -> None:
        self.lines.append(f"{pad}answers:  # {_comment(help_)}")
        for q in question_bank().in_scope(scope):
            self.lines.append(f"{prefix}{' ' * (indent + 2)}{q.id}: null  # {_question_comment(q)}")


def _question_comment(q: Question) -> str:
    kind = q.type if not q.options else f"{q.type}: {' | '.join(o.value for o in q.options)}"
    shown = f" [show_if: {q.show_if}]" if q.show_if else ""
    return f"{q.text.zh} / {q.text.en} ({kind}){shown}"


HEADER = """\
# hegui 评估输入 / assessment input (hegui init)
# 填写标注 [必填 / required] 的字段；null 表示未填写，问卷回答为 null 即“未知”。
# Fill in the fields marked [必填 / required]; null means not filled in, an answer left null is unknown.
# 校验 / check: hegui validate .   问卷 / questionnaire: hegui questionnaire .   评估 / assess: hegui assess .
"""


def scaffold(today: date, live_examples: bool = False) -> str:
    """assessment.yaml text; `live_examples` turns the commented example entries into real ones."""
    writer = _Writer(today, live_examples)
    writer.model(Assessment, 0)
    return HEADER + "\n".join(writer.lines) + "\n"


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
