"""``report --public`` (html and md): a report a newsroom can publish. No reviewer's name, no candidate, no
rejected evidence, no note; who decided said by role and day; a legend of the seven statuses, a
methodology, the title asked for, and the sources by title, part and address."""

from __future__ import annotations

import re
import shutil
from html import escape
from pathlib import Path

import pytest
from click.testing import CliRunner
from html_pages import card, svg_charts
from reviewed_db import LINK_REVIEWER, NOTE, NOW, STATUS_REVIEWER, by_id, evidence_of
from sqlmodel import select

from tracker.cli.main import cli
from tracker.report.html_report import render_html
from tracker.report.json_report import build_report
from tracker.report.markdown_report import md_escape, render_markdown
from tracker.report.method import METHOD, METHOD_TITLE
from tracker.report.public import public_report
from tracker.statuses import STATUS_COLOURS, STATUS_MEANINGS, STATUSES, label
from tracker.store.documents import load_paths
from tracker.store.engine import make_engine, read_session, write_session
from tracker.store.models import Document

URL = "https://www.foshan.gov.cn/zwgk/ghjh/2024/jh.html"
TITLE = "佛山市民政局2024年工作计划兑现情况"


def md_block(markdown: str, commitment_id: str) -> str:
    return next(part for part in markdown.split("\n### ") if f"`{commitment_id}`" in part)


@pytest.fixture(scope="module")
def pages(report_data) -> dict[str, str]:
    return {
        "html": render_html(report_data, public=True, title=TITLE),
        "md": render_markdown(report_data, public=True, title=TITLE),
    }


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_no_reviewer_name_and_no_note(pages, fmt):
    page = pages[fmt]
    for name in (STATUS_REVIEWER, LINK_REVIEWER, "审核人 "):
        assert name not in page
    assert NOTE.split(" | ")[0] not in page and "备注" not in page


def test_who_decided_is_a_role_and_a_day(report_data, reviewed, pages):
    c = by_id(report_data, reviewed.status_commitment)
    day = c["status_decided_at"][:10]
    assert f'<span class="who">审核判定 · {day}</span>' in card(pages["html"], c["id"])
    assert f"- 判定：审核判定 · {day}" in md_block(pages["md"], c["id"])
    commitment, achievement = reviewed.confirmed
    decided = evidence_of(by_id(report_data, commitment), achievement)["decided_at"][:10]
    assert f"审核确认 · {decided}" in card(pages["html"], commitment)
    automatic = next(c for c in report_data["commitments"] if c["status"] == "fulfilled")
    assert "自动判定（依据：佐证显示已完成）" in card(pages["html"], automatic["id"])
    assert '<span class="state state-suggested">自动匹配</span>' in card(pages["html"], automatic["id"])


def test_only_the_evidence_that_supports_the_status(report_data, reviewed, pages):
    page = pages["html"].split("</style>")[1]
    assert "state-candidate" not in page and "state-rejected" not in page and "<span>相似度" not in page
    for c in report_data["commitments"]:
        body = card(page, c["id"])
        shown = set(re.findall(r'<li class="(\w+)"><div class="ev-head">', body))
        if c["status_source"] == "reviewer":
            assert shown <= {"confirmed"}
        else:
            assert shown <= {"suggested", "confirmed"}
            assert len(re.findall(r'<li class="\w+"><div class="ev-head">', body)) == sum(
                e["state"] in ("suggested", "confirmed") for e in c["evidence"]
            )
        for e in c["evidence"]:
            if e["state"] in ("candidate", "rejected"):
                assert f"<p>{escape(e['text'])}</p>" not in body
    # the rejected suggestion is gone, the other suggestion of the same commitment stays
    commitment, achievement = reviewed.rejected
    c = by_id(report_data, commitment)
    body = card(page, commitment)
    assert escape(evidence_of(c, achievement)["text"]) not in body
    assert next(e for e in c["evidence"] if e["state"] == "suggested")["id"]
    # the reviewer's status: no suggestion answers for it, only what a reviewer confirmed
    assert "佐证：审核判定，未附审核确认的佐证。" in card(page, reviewed.status_commitment)
    assert "佐证：审核判定，未附审核确认的佐证。" in md_block(pages["md"], reviewed.status_commitment)


def test_the_copy_to_publish_leaves_the_report_as_it_was(report_data, reviewed):
    before = by_id(report_data, reviewed.status_commitment)["status_reviewer"]
    public = public_report(report_data)
    assert by_id(public, reviewed.status_commitment)["status_reviewer"] is None
    assert by_id(report_data, reviewed.status_commitment)["status_reviewer"] == before == STATUS_REVIEWER
    assert public["achievements"] == [] and public["orphaned_decisions"] == []


@pytest.mark.parametrize("public", [True, False])
def test_the_legend_names_all_seven_statuses_with_their_colour_and_meaning(report_data, public):
    page = render_html(report_data, public=public)
    legend = page[page.index('<h3 id="legend">') : page.index("</table>", page.index('<h3 id="legend">'))]
    for status in STATUSES:
        background, ink = STATUS_COLOURS[status]
        assert f'style="background:{background};color:{ink}">{label(status)}</span>' in legend
        zh, en = STATUS_MEANINGS[status]
        assert escape(zh) in legend and escape(en) in legend
    md = render_markdown(report_data, public=public)
    for status in STATUSES:
        assert f"| {label(status)} | `{status}` | {md_escape(STATUS_MEANINGS[status][0])} |" in md


@pytest.mark.parametrize("public", [True, False])
def test_the_methodology_explains_the_method_and_nothing_points_outside(report_data, public):
    page = render_html(report_data, public=public)
    md = render_markdown(report_data, public=public)
    method = page[page.index('<section class="panel" id="method">') :]
    assert f"<h2>{METHOD_TITLE}</h2>" in method and f"## {METHOD_TITLE}" in md
    for heading, paragraphs in METHOD:
        assert f"<h3>{heading}</h3>" in method and f"**{heading}**" in md
        for paragraph in paragraphs:
            assert escape(paragraph) in method and md_escape(paragraph) in md
    for words in (
        "关联模型",
        "审核判定",
        "自动判定",
        "达标",
        "未达",
        "序时进度",
        "延续",
        "再次承诺",
        "多年未兑现",
        "未再提及",
    ):
        assert words in method
    footer = page[page.index("<footer>") :]
    assert 'href="#legend"' in footer and 'href="#method"' in footer
    for text in (page, md):
        assert "SPEC" not in text and "README" not in text


def test_the_title_given_is_the_reports_title(report_data, pages):
    assert f"<title>{TITLE}</title>" in pages["html"] and f"<h1>{TITLE}</h1>" in pages["html"]
    assert pages["md"].startswith(f"# {TITLE}\n")
    odd = render_html(report_data, title="  两行\n标题\x1b[31m<b>  ")
    assert "<h1>两行 标题&lt;b&gt;</h1>" in odd and "\x1b" not in odd
    assert render_markdown(report_data).startswith("# 承诺兑现情况报告\n")


def test_sources_by_title_part_and_address(db_copy, reviewed):
    engine = make_engine(db_copy)
    with write_session(engine) as session:
        plan = session.exec(select(Document).where(Document.path == "seeds/004_ff62929cf9cd0f9d.txt")).one()
        plan.source_url = URL
        session.add(plan)
    with read_session(engine) as session:
        data = build_report(session, now=NOW)
    engine.dispose()
    c = data["commitments"][0]
    assert c["document_title"] == "佛山市民政局2023年主要工作情况和2024年工作计划"
    page = render_html(data, public=True)
    body = card(page, c["id"])
    assert (
        f'<dt>出处</dt><dd><a href="{URL}" rel="noopener noreferrer">佛山市民政局2023年主要工作情况和2024年工作计划</a>'
        " · 计划 2024 · 2024年工作计划</dd>" in body
    )
    sources = page[page.index('id="sources"') : page.index('id="method"')]
    assert f'<a href="{URL}" rel="noopener noreferrer">{URL}</a>' in sources
    assert "<b>佛山市民政局2024年工作总结</b>" in sources and "（总结 2024）" in sources
    assert "<b>佛山市民政局2023年主要工作情况和2024年工作计划</b>" in sources and "（计划 2024）" in sources
    # a part whose heading is the document's title is not named twice
    evidence = next(e for e in c["evidence"] if e["state"] in ("suggested", "confirmed"))
    assert evidence["part"]["heading"] == evidence["document_title"] == "佛山市民政局2024年工作总结"
    assert "佛山市民政局2024年工作总结 · 总结 2024</span>" in page
    md = render_markdown(data, public=True)
    assert (
        f"- 出处：[佛山市民政局2023年主要工作情况和2024年工作计划](<{URL}>) · 计划 2024 · 2024年工作计划"
        in md
    )
    assert f"- 佛山市民政局2023年主要工作情况和2024年工作计划（计划 2024）：<{URL}>" in md
    assert "- 佛山市民政局2024年工作总结（总结 2024） · 文件 `dev-benchmark/fs2024_outcome.txt`" in md


def test_charts_are_svg_with_their_counts_as_text(report_data, pages):
    charts = svg_charts(pages["html"])
    titles = [chart["title"] for chart in charts]
    assert titles == ["按主题", "按机构和年度", "历年对比"]
    kinds = {"新增": "new", "延续": "continuing", "再次承诺": "repeated", "多年未兑现": "chronic"}
    history = charts[2]["totals"]
    for name, kind in kinds.items():
        assert history[name] == sum(c["history"]["kind"] == kind for c in report_data["commitments"])
    assert history["未再提及"] == len(report_data["dropped"])
    assert history["延续"] > 0
    svg = re.search(r"<svg .*?</svg>", pages["html"], flags=re.S).group()
    assert 'viewBox="0 0 ' in svg and "Noto Sans CJK SC" in svg and "Microsoft YaHei" in svg
    assert "PingFang SC" in svg and "Source Han Sans SC" in svg
    # every count is written in the table beside the chart as well
    table = pages["html"][pages["html"].index('<table class="data">') :]
    first = report_data["commitments"][0]["topic"]
    assert re.search(
        rf"<tr><th>{first}</th>(<td class=\"num\">\d+</td>)+<td class=\"num\"><b>\d+</b></td></tr>", table
    )


def test_the_page_reads_on_a_phone_and_on_paper(pages):
    page = pages["html"]
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "svg.chart { display: block; width: 100%;" in page and "height: auto" in page
    assert page.count('<div class="scroll"><table class="data">') == 3
    assert ".scroll { overflow-x: auto;" in page
    style = page[page.index("@media print") :]
    assert "body { background: #fff;" in style and "break-inside: avoid" in style
    assert "print-color-adjust: exact" in style
    for outside in ("<script", "<link", "src=", "@import", "url("):
        assert outside not in page.lower()


def test_cli_public_and_title_and_where_they_apply(db_copy, monkeypatch, tmp_path):
    monkeypatch.delenv("TRACKER_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(
        cli, ["--db", db_copy, "report", "--format", "html", "--public", "--title", TITLE, "-o", "r.html"]
    )
    assert result.exit_code == 0, result.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert f"<h1>{TITLE}</h1>" in page and STATUS_REVIEWER not in page
    md = runner.invoke(cli, ["--db", db_copy, "report", "--format", "md", "--public"])
    assert (
        md.exit_code == 0
        and md.stdout.startswith("# 承诺兑现情况报告\n")
        and STATUS_REVIEWER not in md.stdout
    )
    for fmt in ("json", "csv", "table"):
        refused = runner.invoke(cli, ["--db", db_copy, "report", "--format", fmt, "--public"])
        assert refused.exit_code == 2
        (line,) = refused.stderr.splitlines()
        assert (
            line
            == "tracker: --public and --title are for --format html and md (add --format html or --format md)"
        )
        assert refused.stdout == ""


def test_a_document_without_a_title_is_named_by_its_issuer_not_its_file(tmp_path):
    """seeds/000 opens without a title: a reader is told whose document it is, never the stored file's
    hashed name; the working report still names the file."""
    seed = Path(__file__).resolve().parents[2] / "seeds" / "000_d36dd9587975b4cd.txt"
    (tmp_path / "seeds").mkdir()
    shutil.copy(seed, tmp_path / "seeds")
    engine = make_engine(f"sqlite:///{tmp_path / 'untitled.db'}")
    assert load_paths(engine, [str(tmp_path / "seeds")], base=tmp_path).exit_code == 0
    with read_session(engine) as session:
        data = build_report(session, now=NOW)
    engine.dispose()
    plan = next(c for c in data["commitments"] if c["part"]["kind"] == "plan")
    assert plan["document_title"] == "" and plan["agency"] == "珠海市民政局"
    page = render_html(data, public=True)
    assert "珠海市民政局文件（原文无标题） · 计划 2024" in card(page, plan["id"])
    sources = page[page.index('id="sources"') : page.index('id="method"')]
    assert "<b>珠海市民政局文件（原文无标题）</b>" in sources
    md = render_markdown(data, public=True)
    assert "- 珠海市民政局文件（原文无标题）（计划 2024）" in md
    for text in (page, md):
        assert "d36dd9587975b4cd" not in text
    assert "seeds/000_d36dd9587975b4cd.txt" in render_html(data)
