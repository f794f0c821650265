"""The HTML report: one self-contained page (no script, no request elsewhere), counts and charts in the
status colours, a card per commitment with provenance and marked shared terms, all document text escaped."""

from __future__ import annotations

import copy
import re
from collections import Counter
from html import escape

from html_pages import card, svg_charts
from reviewed_db import LINK_REVIEWER, NOTE, STATUS_REVIEWER, by_id, evidence_of

from tracker.report.html_report import highlight, render_html
from tracker.statuses import STATUS_COLOURS, label

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


def test_a_complete_self_contained_chinese_page(report_data):
    page = render_html(report_data)
    assert page.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    assert '<meta charset="utf-8">' in page and page.rstrip().endswith("</html>")
    assert "Noto Sans CJK SC" in page and "Microsoft YaHei" in page
    lowered = page.lower()
    for outside in ("<script", "<link", "src=", "@import", "url(", "http://", "https://"):
        assert outside not in lowered, outside
    assert "筛选：机构 全部 · 年度 全部 · 主题 全部 · 状态 全部" in page
    assert "2026-11-22T10:00:00Z" in page


def test_counts_and_charts_use_the_status_labels_and_colours(report_data):
    page = render_html(report_data)
    counts = Counter(c["status"] for c in report_data["commitments"])
    for status, n in counts.items():
        background, ink = STATUS_COLOURS[status]
        assert f'style="background:{background};color:{ink}">{label(status)}</span>' in page
        assert f'<span class="id">{status}</span><b>{n}</b>' in page
    assert f"合计<b>{len(report_data['commitments'])}</b>" in page
    by_topic, by_agency = svg_charts(page)[:2]
    assert by_topic["title"] == "按主题" and by_agency["title"] == "按机构和年度"
    assert by_topic["totals"] == {
        topic: n for topic, n in Counter(c["topic"] for c in report_data["commitments"]).items()
    }
    assert by_agency["totals"] == {"佛山市民政局 2024": len(report_data["commitments"])}
    assert by_agency["segments"]["佛山市民政局 2024"] == {label(s): n for s, n in counts.items()}


def test_one_card_per_commitment_in_topic_sections(report_data):
    page = render_html(report_data)
    assert page.count('<article class="card"') == len(report_data["commitments"])
    topics = list(dict.fromkeys(c["topic"] for c in report_data["commitments"]))
    assert re.findall(r'<section class="topic" id="topic-\d+"><h2>([^ <]+) ', page) == topics
    for c in report_data["commitments"]:
        body = card(page, c["id"])
        assert f'<span class="id">{c["status"]}</span>' in body
        assert (
            escape(c["section"]) in body
            and "seeds/004_ff62929cf9cd0f9d.txt · 计划 2024 · 2024年工作计划" in body
        )


def test_provenance_of_reviewer_status_note_and_evidence(report_data, reviewed):
    page = render_html(report_data)
    c = by_id(report_data, reviewed.status_commitment)
    body = card(page, c["id"])
    assert f'<span class="who">审核人 {STATUS_REVIEWER} · {c["status_decided_at"][:10]}</span>' in body
    assert f"{STATUS_REVIEWER} · {c['notes'][0]['at'][:10]}: {escape(NOTE)}" in body
    commitment, achievement = reviewed.confirmed
    confirmed = evidence_of(by_id(report_data, commitment), achievement)
    body = card(page, commitment)
    assert f"已确认 · 审核人 {LINK_REVIEWER} · {confirmed['decided_at'][:10]}" in body
    assert re.findall(r'<span class="state state-(\w+)">', body)[0] == "confirmed"
    commitment, _achievement = reviewed.rejected
    assert f"已否决 · 审核人 {LINK_REVIEWER}" in card(page, commitment)
    automatic = next(c for c in report_data["commitments"] if c["status"] == "fulfilled")
    assert "自动判定（依据：佐证显示已完成）" in card(page, automatic["id"])


def test_shared_terms_are_marked_in_both_texts(report_data):
    page = render_html(report_data)
    c = next(
        c
        for c in report_data["commitments"]
        if c["evidence"] and c["evidence"][0]["state"] == "suggested" and c["evidence"][0]["shared_terms"]
    )
    body = card(page, c["id"])
    term = c["evidence"][0]["shared_terms"][0]
    text = body[body.index('<p class="text">') : body.index("</p>", body.index('<p class="text">'))]
    assert f"<mark>{term}</mark>" in text
    evidence = body[body.index('<ol class="evidence">') :]
    assert f"<mark>{term}</mark>" in evidence


def test_target_versus_actual_table(report_data):
    data = copy.deepcopy(report_data)
    c = data["commitments"][0]
    c["comparisons"] = [
        {"target": "不少于2200张", "actual": "2300张", "ratio": 1.045, "met": True},
        {"target": "100个", "actual": "80个", "ratio": 0.8, "met": False},
    ]
    body = card(render_html(data), c["id"])
    assert "<th>目标</th><th>报告数字</th><th>完成率</th><th>结果</th>" in body
    assert (
        '<tr><td>不少于2200张</td><td>2300张</td><td class="num">104%</td><td class="met">达标</td></tr>'
        in body
    )
    assert '<td class="num">80%</td><td class="missed">未达标</td>' in body


def test_document_text_is_escaped_everywhere(report_data):
    data = copy.deepcopy(report_data)
    c = data["commitments"][0]
    for key in ("text", "section", "agency", "topic", "document"):
        c[key] = f"{key}{SCRIPT}{IMG}"
    c["part"] = {"kind": "plan", "period": 2024, "heading": SCRIPT}
    c["targets"] = [{"quantity": 1, "unit": "个", "comparator": ">=", "text": SCRIPT}]
    c["comparisons"] = [{"target": SCRIPT, "actual": IMG, "ratio": 1.0, "met": True}]
    c["notes"] = [{"text": SCRIPT, "reviewer": IMG, "at": "2026-11-22T10:00:00Z"}]
    c["status_source"], c["status_reviewer"], c["status_decided_at"] = (
        "reviewer",
        SCRIPT,
        "2026-11-22T10:00:00Z",
    )
    c["evidence"] = [
        {"id": "a-1", "text": f"证据{SCRIPT}", "document": IMG, "part": None, "score": 50.0,
         "state": "confirmed", "shared_terms": ["<script>", "alert"], "decided_by": SCRIPT,
         "decided_at": "2026-11-22T10:00:00Z"},
    ]  # fmt: skip
    data["filters"] = {"agency": SCRIPT, "period": None, "status": None, "topic": IMG}
    page = render_html(data)
    assert "<script" not in page.lower() and "<img" not in page.lower()
    for key in ("section", "agency", "topic", "document"):
        assert f"{key}{escape(SCRIPT)}{escape(IMG)}" in page
    assert "text<mark>&lt;script&gt;</mark><mark>alert</mark>(1)&lt;/script&gt;&quot;&gt;&lt;img" in page
    assert "证据<mark>&lt;script&gt;</mark><mark>alert</mark>(1)&lt;/script&gt;" in page


def test_highlight_escapes_and_marks_the_longest_term_first():
    assert highlight("a<b>c", ["<b>"]) == "a<mark>&lt;b&gt;</mark>c"
    assert highlight("养老服务中心", ["养老", "养老服务"]) == "<mark>养老服务</mark>中心"
    assert highlight("无关", ["养老", ""]) == "无关"


def test_no_commitments_gives_a_page_that_says_so():
    page = render_html({"generated_at": "2026-11-22T10:00:00Z", "filters": {}, "commitments": []})
    assert "没有符合条件的承诺" in page and "合计<b>0</b>" in page and page.rstrip().endswith("</html>")
