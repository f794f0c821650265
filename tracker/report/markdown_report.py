"""The status report as a Markdown document a journalist can paste: counts, then every commitment by topic
with its targets against the reported figures, the best evidence quoted, and who decided its status.

Renders the dict from :func:`tracker.report.json_report.build_report`. Document text is escaped, so a
``|``, ``*`` or leading ``#`` in a plan cannot break a table or turn a sentence into a heading.
"""

from __future__ import annotations

import re
from typing import Any

from tracker.report import common
from tracker.statuses import label
from tracker.textnorm import each_string, shown

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&])")
_LIST_START = re.compile(r"^(\s*)(\d+)([.)])|^(\s*)([-+=])")


def md_escape(text: Any) -> str:
    """``text`` on one line with every character Markdown could read as markup backslash-escaped."""
    flat = " ".join(str(text).split())
    flat = _SPECIAL.sub(r"\\\1", flat)
    return _LIST_START.sub(
        lambda m: f"{m[1]}{m[2]}\\{m[3]}" if m[2] is not None else f"{m[4]}\\{m[5]}", flat, count=1
    )


def md_code(text: Any) -> str:
    """``text`` as an inline code span (paths, ids), fenced with more backticks than it holds."""
    flat = " ".join(str(text).split())
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def _source(item: dict[str, Any]) -> str:
    """The document as code (its path keeps its underscores), a link to its address for a web page, then
    the part."""
    part = common.part_text(item.get("part"))
    document = md_code(item.get("document", ""))
    if (url := common.source_link(item)) is not None:
        document = f"[{document}](<{url}>)"
    return document + (f" · {md_escape(part)}" if part else "")


def render_markdown(report: dict[str, Any]) -> str:
    """The report as one Markdown document (GitHub-flavoured tables)."""
    report = each_string(report, shown)
    commitments = report["commitments"]
    lines = [
        f"# {common.TITLE}",
        "",
        f"- 筛选：{md_escape(common.filters_text(report.get('filters', {})))}",
        f"- 生成时间：{report['generated_at']} (UTC)",
        f"- 承诺：{len(commitments)} 条",
        "",
        "## 汇总",
        "",
        *_summary(commitments),
    ]
    lines += _history(commitments, report.get("dropped", []))
    if not commitments:
        lines += ["", "没有符合条件的承诺。"]
    number = 0
    for topic, rows in common.grouped(commitments, "topic"):
        lines += ["", f"## {md_escape(topic or '未分类')}（{len(rows)} 条）"]
        for c in rows:
            number += 1
            lines += ["", *_commitment(number, c)]
    lines += _orphans(report.get("orphaned_decisions", []))
    return "\n".join(lines) + "\n"


def _history_line(c: dict[str, Any]) -> str:
    kind = common.history_label(c)
    facts = [
        common.prior_commitments_text(c),
        common.prior_evidence_text(c),
        common.last_actual_text(c),
        common.pace_text(c),
    ]
    shown_facts = [f for f in facts if f]
    return f"{kind}" + (f" · {' · '.join(shown_facts)}" if shown_facts else "") if kind else ""


def _history(commitments: list[dict[str, Any]], dropped: list[dict[str, Any]]) -> list[str]:
    """The year-over-year section: counts by kind, the chronic promises, target changes, the drops."""
    counts = common.history_counts(commitments)
    if not dropped and all(kind == "new" for kind, _n in counts):
        return []
    lines = ["", f"## {common.HISTORY_TITLE}", "", "| 类别 | 标识 | 数量 |", "|---|---|---:|"]
    lines += [f"| {common.HISTORY_LABELS[kind]} | `{kind}` | {n} |" for kind, n in counts]
    lines.append(f"| {common.DROPPED_TITLE} | `dropped` | {len(dropped)} |")
    chronic = [c for c in commitments if (c.get("history") or {}).get("kind") == "chronic"]
    if chronic:
        lines += ["", f"### {common.HISTORY_LABELS['chronic']}（{len(chronic)} 条）", ""]
        lines += [
            f"- {md_escape(c['text'])} —— {md_escape(common.prior_commitments_text(c))}" for c in chronic
        ]
    changed = [
        (c, p)
        for c in commitments
        for p in (c.get("history") or {}).get("prior_commitments", [])
        if p["state"] in ("suggested", "confirmed") and p.get("target_change")
    ]
    if changed:
        lines += ["", f"### 目标变化（{len(changed)} 条）", ""]
        lines += [
            f"- {md_escape(c['text'])}：{md_escape(common.target_change_text(p['target_change']))}（{p['period']}年计划）"
            for c, p in changed
        ]
    if dropped:
        lines += ["", f"### {common.DROPPED_TITLE}（{len(dropped)} 条）", "", common.DROPPED_NOTE, ""]
        lines += [f"- {md_escape(common.dropped_text(d))} {md_code(d['id'])}" for d in dropped]
    return lines


def _orphans(orphans: list[dict[str, Any]]) -> list[str]:
    if not orphans:
        return []
    lines = ["", f"## {common.ORPHANS_TITLE}（{len(orphans)} 条）", "", common.ORPHANS_NOTE, ""]
    return lines + [f"- {md_escape(common.orphan_text(d))} {md_code(d['commitment_id'])}" for d in orphans]


def _summary(commitments: list[dict[str, Any]]) -> list[str]:
    rows = ["| 状态 | 标识 | 数量 |", "|---|---|---:|"]
    rows += [f"| {label(s)} | `{s}` | {n} |" for s, n in common.status_counts(commitments)]
    rows.append(f"| **合计** | | **{len(commitments)}** |")
    return rows


def _commitment(number: int, c: dict[str, Any]) -> list[str]:
    judged = common.provenance_text(c)
    reason = common.reason_text(c)
    lines = [
        f"### {number}. {label(c['status'])}（`{c['status']}`）",
        "",
        f"> {md_escape(c['text'])}",
        "",
        f"- 机构/年度：{md_escape(c['agency'])} {c['period']}",
        f"- 章节：{md_escape(c['section'] or '—')}",
        f"- 出处：{_source(c)}",
        f"- 判定：{md_escape(judged)}" + (f"（依据：{md_escape(reason)}）" if reason else ""),
    ]
    if c.get("lead_unit"):
        lines.append(f"- 牵头单位：{md_escape(c['lead_unit'])}")
    if c["targets"] and not c.get("comparisons"):
        lines.append(f"- 目标：{md_escape(common.targets_text(c['targets']))}（总结中未见可比数字）")
    if history := _history_line(c):
        lines.append(f"- 历年：{md_escape(history)}")
    lines.append(f"- 编号：{md_code(c['id'])}")
    if c.get("comparisons"):
        lines += ["", "目标与实际：", "", "| 目标 | 报告数字 | 完成率 | 结果 |", "|---|---|---:|---|"]
        lines += [
            f"| {md_escape(k['target'])} | {md_escape(k['actual'])} | {common.ratio_text(k)} "
            f"| {common.met_text(k)} |"
            for k in c["comparisons"]
        ]
    lines += ["", *_evidence(c["evidence"])]
    if c.get("notes"):
        lines += ["", "备注：", ""]
        lines += [f"- {md_escape(common.note_text(n))}" for n in c["notes"]]
    return lines


def _evidence(evidence: list[dict[str, Any]]) -> list[str]:
    linked = common.linked_evidence(evidence)
    if not linked:
        return ["佐证：未见关联佐证。"]
    best = linked[0]
    lines = [
        f"佐证（{md_escape(common.state_text(best))} · 相似度 {common.score_text(best)}）：",
        "",
        f"> {md_escape(best['text'])}",
        ">",
        f"> —— {_source(best)}",
    ]
    if len(linked) > 1:
        lines += ["", f"另有 {len(linked) - 1} 条关联佐证。"]
    return lines
