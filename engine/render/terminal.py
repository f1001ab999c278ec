"""The terminal summary of one assessment (rich); user text (title, ids) is escaped with `safe`."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from engine.console import safe
from engine.finding import FindingsDocument
from engine.obligation import SEVERITIES

LABELS = {
    "zh": {
        "title": "合规评估摘要",
        "applicable": "适用义务",
        "status": "状态",
        "count": "数量",
        "gap": "差距",
        "met": "已满足",
        "unknown": "待确认",
        "waived": "已豁免",
        "severity": "严重程度",
        "critical": "严重",
        "high": "高",
        "medium": "中",
        "low": "低",
        "pipia": "须开展个人信息保护影响评估",
        "yes": "是",
        "no": "否",
        "transfers": "数据出境",
        "transfer": "出境",
        "mechanism": "出境路径",
        "gaps": "差距（按严重程度）",
        "security_assessment": "安全评估",
        "standard_contract_or_certification": "标准合同或认证",
        "exempt": "免予评估、合同和认证",
        "not_a_transfer": "不属于出境",
        "undetermined": "无法判断",
        "top": "主要差距",
        "finding": "义务",
        "citation": "依据",
    },
    "en": {
        "title": "Assessment summary",
        "applicable": "Applicable obligations",
        "status": "Status",
        "count": "Count",
        "gap": "gap",
        "met": "met",
        "unknown": "unknown",
        "waived": "waived",
        "severity": "Severity",
        "critical": "critical",
        "high": "high",
        "medium": "medium",
        "low": "low",
        "pipia": "PIPIA required",
        "yes": "yes",
        "no": "no",
        "transfers": "Outbound transfers",
        "transfer": "Transfer",
        "mechanism": "Mechanism",
        "gaps": "Gaps by severity",
        "security_assessment": "security assessment",
        "standard_contract_or_certification": "standard contract or certification",
        "exempt": "exempt from all three",
        "not_a_transfer": "not a transfer",
        "undetermined": "undetermined",
        "top": "Gaps",
        "finding": "Obligation",
        "citation": "Citation",
    },
}


def print_summary(doc: FindingsDocument, lang: str, console: Console) -> None:
    t = LABELS[lang]
    a = doc.assessment
    console.print(f"[bold]{t['title']}[/bold]: {safe(a.title.get(lang))} ({safe(a.id)}, {a.as_of})")
    overview = Table(show_header=True)
    overview.add_column(t["status"])
    overview.add_column(t["count"], justify="right")
    for status, n in doc.summary.by_status.items():
        overview.add_row(t[status], str(n))
    overview.add_row(t["applicable"], str(doc.summary.applicable))
    console.print(overview)

    gaps = Table(title=t["gaps"])
    for sev in SEVERITIES:
        gaps.add_column(t[sev], justify="right")
    gaps.add_row(*(str(doc.summary.gaps_by_severity[s]) for s in SEVERITIES))
    console.print(gaps)

    pipia = doc.pipia_required
    cites = ("、" if lang == "zh" else ", ").join(c.label(lang) for c in pipia.citations)
    console.print(f"{t['pipia']}: [bold]{t['yes'] if pipia.required else t['no']}[/bold] {cites}")

    if doc.transfers:
        tt = Table(title=t["transfers"])
        tt.add_column(t["transfer"])
        tt.add_column(t["mechanism"])
        tt.add_column(t["citation"])
        for tr in doc.transfers:
            tt.add_row(
                f"{safe(tr.id)} → {safe(tr.destination)}", t[tr.mechanism], ", ".join(c.label() for c in tr.citations)
            )
        console.print(tt)

    open_gaps = [f for f in doc.findings if f.status == "gap"]
    if open_gaps:
        table = Table(title=t["top"])
        table.add_column(t["severity"])
        table.add_column(t["finding"])
        table.add_column(t["citation"])
        for f in open_gaps:
            table.add_row(
                t[f.severity],
                f"{safe(f.title.get(lang))}\n[dim]{safe(f.id)}[/dim]",
                ", ".join(c.label() for c in f.citations),
            )
        console.print(table)
