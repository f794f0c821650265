"""The Markdown report: a document a journalist can paste, with counts, commitments by topic, the best
evidence quoted, and who decided each status; document text cannot break its layout."""

from __future__ import annotations

import copy
import re
from collections import Counter

from reviewed_db import LINK_REVIEWER, NOTE, STATUS_REVIEWER, by_id, evidence_of

from tracker.report.markdown_report import md_escape, render_markdown
from tracker.statuses import label


def block(markdown: str, commitment_id: str) -> str:
    """The part of the document about one commitment (from its ### heading to the next)."""
    return next(part for part in markdown.split("\n### ") if f"`{commitment_id}`" in part)


def test_title_filters_time_and_counts_by_status(report_data):
    md = render_markdown(report_data)
    assert md.startswith("# 承诺兑现情况报告\n")
    assert "- 筛选：机构 全部 · 年度 全部 · 主题 全部 · 状态 全部" in md
    assert "- 生成时间：2026-11-22T10:00:00Z (UTC)" in md
    counts = Counter(c["status"] for c in report_data["commitments"])
    for status, n in counts.items():
        assert f"| {label(status)} | `{status}` | {n} |" in md
    assert f"| **合计** | | **{len(report_data['commitments'])}** |" in md


def test_commitments_come_by_topic_in_order_of_first_appearance(report_data):
    md = render_markdown(report_data)
    topics = list(dict.fromkeys(c["topic"] for c in report_data["commitments"]))
    headings = re.findall(r"^## (.+)（(\d+) 条）$", md, flags=re.MULTILINE)
    counts = Counter(c["topic"] for c in report_data["commitments"])
    assert headings == [(t, str(counts[t])) for t in topics]
    assert md.count("\n### ") == len(report_data["commitments"])
    for c in report_data["commitments"]:
        part = block(md, c["id"])
        assert part.split("\n")[0].endswith(f"{label(c['status'])}（`{c['status']}`）")
        assert f"> {md_escape(c['text'])}" in part
        assert f"- 章节：{md_escape(c['section'])}" in part


def test_reviewer_status_and_note_show_who_and_when(report_data, reviewed):
    c = by_id(report_data, reviewed.status_commitment)
    part = block(render_markdown(report_data), c["id"])
    assert f"- 判定：审核人 {STATUS_REVIEWER} · {c['status_decided_at'][:10]}" in part
    assert f"{STATUS_REVIEWER} · {c['notes'][0]['at'][:10]}: {md_escape(NOTE)}" in part
    assert "\\|" in md_escape(NOTE)


def test_automatic_status_says_so_with_the_reason(report_data, reviewed):
    c = next(c for c in report_data["commitments"] if c["status"] == "no_evidence")
    part = block(render_markdown(report_data), c["id"])
    assert "- 判定：自动判定（依据：总结中未见相关内容）" in part
    assert "佐证：未见关联佐证。" in part


def test_the_confirmed_evidence_is_quoted_first_with_its_reviewer(report_data, reviewed):
    commitment, achievement = reviewed.confirmed
    c = by_id(report_data, commitment)
    evidence = evidence_of(c, achievement)
    part = block(render_markdown(report_data), commitment)
    head = f"佐证（已确认 · 审核人 {LINK_REVIEWER} · {evidence['decided_at'][:10]} · 相似度 {evidence['score']:.1f}）："
    assert head in part
    assert part.index(head) < part.index(f"> {md_escape(evidence['text'])}")
    assert "> —— `dev-benchmark/fs2024_outcome.txt` · 总结 2024" in part


def test_a_rejected_suggestion_is_not_quoted(report_data, reviewed):
    commitment, achievement = reviewed.rejected
    c = by_id(report_data, commitment)
    part = block(render_markdown(report_data), commitment)
    assert f"> {md_escape(evidence_of(c, achievement)['text'])}" not in part
    best = next(e for e in c["evidence"] if e["state"] == "suggested")
    assert f"> {md_escape(best['text'])}" in part and "佐证（建议 · 相似度" in part


def test_targets_stand_beside_the_reported_figures(report_data):
    data = copy.deepcopy(report_data)
    c = data["commitments"][0]
    c["targets"] = [{"quantity": 2200, "unit": "张", "comparator": ">=", "text": "不少于2200张"}]
    c["comparisons"] = [{"target": "不少于2200张", "actual": "2300张", "ratio": 1.045, "met": True}]
    d = data["commitments"][1]
    d["targets"] = [{"quantity": 100, "unit": "个", "comparator": ">=", "text": "打造100个"}]
    d["comparisons"] = []
    md = render_markdown(data)
    assert (
        "| 目标 | 报告数字 | 完成率 | 结果 |\n|---|---|---:|---|\n| 不少于2200张 | 2300张 | 104% | 达标 |"
        in md
    )
    assert "- 目标：打造100个（总结中未见可比数字）" in block(md, d["id"])


def test_document_text_cannot_break_the_layout(report_data):
    data = copy.deepcopy(report_data)
    c = data["commitments"][0]
    c["text"] = "# 不是标题 | 表格 *强调* [链接](x) <b>粗</b>\n- 不是列表"
    c["section"] = "1. 不是编号"
    c["evidence"][0]["text"] = "#标签 | 竖线"
    c["evidence"][0]["state"] = "confirmed"
    md = render_markdown(data)
    headings = [line for line in md.splitlines() if line.startswith("#")]
    assert all(re.match(r"#{1,3} ", line) for line in headings)
    # the year-over-year section's own headings come besides: 历年对比 and its lists
    history = [line for line in headings if re.match(r"#{2,3} (历年对比|多年未兑现|目标变化|未再提及)", line)]
    assert history[:1] == ["## 历年对比"]
    rest = len(headings) - len(history)
    # the title, 汇总, a heading per topic and per commitment, 资料来源 and 方法说明
    assert rest == 1 + 1 + len({c["topic"] for c in data["commitments"]}) + len(data["commitments"]) + 2
    assert headings[-2:] == ["## 资料来源", "## 方法说明"]
    assert "> \\# 不是标题 \\| 表格 \\*强调\\* \\[链接\\](x) \\<b\\>粗\\</b\\> - 不是列表" in md
    assert "- 章节：1\\. 不是编号" in md
    assert "> \\#标签 \\| 竖线" in md


def test_md_escape_makes_markup_literal():
    assert md_escape("a|b") == "a\\|b"
    assert md_escape("# x") == "\\# x"
    assert md_escape("- item") == "\\- item"
    assert md_escape("12) x") == "12\\) x"
    assert md_escape("养老服务") == "养老服务"
    assert md_escape("多\n行") == "多 行"


def test_no_commitments_says_so():
    md = render_markdown({"generated_at": "2026-11-22T10:00:00Z", "filters": {}, "commitments": []})
    assert "没有符合条件的承诺。" in md and "| **合计** | | **0** |" in md
