"""A paragraph's title sentence: a heading of what follows, and a commitment when it names an action."""

from __future__ import annotations

from pathlib import Path

from tracker.ingest.parsed import ParsedDocument
from tracker.ingest.pipeline import parse_file


def _parse(tmp_path: Path, text: str) -> ParsedDocument:
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    return parse_file(path, display_path="doc.txt", agency="某市民政局")


def _commitments(doc: ParsedDocument) -> list[str]:
    return [s.text for _p, s in doc.commitments]


def test_a_title_that_names_an_action_is_a_commitment(tmp_path: Path) -> None:
    doc = _parse(
        tmp_path,
        "2025年工作计划\n一、兜牢民生底线\n"
        "健全低收入人口救助帮扶体系。制定临时救助政策指引,优化急难型救助程序。\n",
    )
    assert _commitments(doc) == ["健全低收入人口救助帮扶体系", "制定临时救助政策指引", "优化急难型救助程序"]
    detail = [s for _p, s in doc.commitments][1]
    assert detail.section == "兜牢民生底线 > 健全低收入人口救助帮扶体系"


def test_a_slogan_or_topic_title_is_not_a_commitment(tmp_path: Path) -> None:
    doc = _parse(
        tmp_path,
        "2025年工作计划\n在兜住兜牢民生底线上走在前列。制定临时救助政策指引。\n"
        "养老服务体系建设方面。新建长者饭堂20家。\n",
    )
    assert _commitments(doc) == ["制定临时救助政策指引", "新建长者饭堂20家"]


def test_the_titles_of_items_run_together_in_a_paragraph_stay_headings(tmp_path: Path) -> None:
    doc = _parse(
        tmp_path,
        "2025年工作计划\n一、兜牢民生底线\n"
        "一是做好困难群众兜底保障。及时足额发放救助保障金。二是改革创新社会救助服务。深化综合救助改革试点。\n",
    )
    assert _commitments(doc) == ["及时足额发放救助保障金", "深化综合救助改革试点"]


def test_a_summary_paragraph_title_is_not_an_achievement(tmp_path: Path) -> None:
    doc = _parse(
        tmp_path, "2024年工作总结\n一、兜牢民生底线\n加强困难群众兜底保障。全年发放救助金3.2亿元。\n"
    )
    assert [s.text for _p, s in doc.achievements] == ["全年发放救助金3.2亿元"]
