"""The date a document states and the date each summary part of it reports as of (tracker.ingest.dates)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import SEED_NAMES, SEEDS

from tracker.ingest.dates import as_of_dates, cn_number, document_date, heading_as_of, summary_as_of
from tracker.ingest.parsed import ParsedDocument
from tracker.ingest.pipeline import parse_file

AGENCY = "某市民政局"


def _parse(tmp_path: Path, text: str) -> ParsedDocument:
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    return parse_file(path, display_path="doc.txt", agency=AGENCY)


def _dates(doc: ParsedDocument) -> dict[tuple[str, int], date | None]:
    return {(p.kind, p.period): p.as_of for p in doc.parts}


@pytest.mark.parametrize(
    "line, expected",
    [
        ("发表时间:2024-02-22 11:22  文章来源:佛山市民政局", date(2024, 2, 22)),
        ("来源：某市民政局  发布日期：2021年6月30日", date(2021, 6, 30)),
        ("填报单位：某市民政局  填报时间：2024年9月30日", date(2024, 9, 30)),
        ("日期:2021/06/30", date(2021, 6, 30)),
        ("发布时间 2022.09.05", date(2022, 9, 5)),
        ("2021年6月30日", date(2021, 6, 30)),
        ("（2021年6月30日）", date(2021, 6, 30)),
        ("2021年6月30日 星期三", date(2021, 6, 30)),
        ("二〇二一年六月三十日", date(2021, 6, 30)),
        ("2023-10-08", date(2023, 10, 8)),
    ],
)
def test_a_publication_line_or_a_line_that_is_a_date_dates_the_document(line, expected):
    assert document_date(f"某市民政局工作情况\n{line}\n全年建成长者饭堂12家。\n") == expected


@pytest.mark.parametrize(
    "text",
    [
        "2021年6月30日,市民政局召开全市民政工作会议。",  # a date in a sentence is an event, not the document's
        "发布时间:2021年13月30日",  # no such day
        "日期:2021年2月30日",
        "全年建成长者饭堂12家。",
    ],
)
def test_no_date_line_no_document_date(text):
    assert document_date(text) is None


def test_the_first_publication_line_wins_over_other_dated_lines():
    text = "2020年1月1日\n发布时间:2021-07-05\n发布时间:2021-08-01\n"
    assert document_date(text) == date(2021, 7, 5)


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("截至6月26日,全市项目实施1691个", [date(2021, 6, 26)]),
        ("截至2021年11月30日,全市共有低保对象3646户", [date(2021, 11, 30)]),
        ("截至六月底,已建成社区食堂40个", [date(2021, 6, 30)]),
        ("到9月底,全市已完成改造200户", [date(2021, 9, 30)]),
        ("截至5月中旬,已发放补贴300万元", [date(2021, 5, 20)]),
        ("截止到8月份,累计服务2万人次", [date(2021, 8, 31)]),
        ("上半年,全市新增养老床位300张", [date(2021, 6, 30)]),
        ("今年前三季度,完成投资5亿元", [date(2021, 9, 30)]),
        ("一季度新增社区食堂12个", [date(2021, 3, 31)]),
        ("2021年1-10月,发放救助金800万元", [date(2021, 10, 31)]),
        ("前11个月累计办理婚姻登记1.2万对", [date(2021, 11, 30)]),
        ("截至2021年底,全市共有社会组织1858家", [date(2021, 12, 31)]),
        ("全年共发放高龄津贴5790万元", [date(2021, 12, 31)]),
    ],
)
def test_the_wording_of_a_result_says_when_it_stands(sentence, expected):
    assert as_of_dates(sentence, 2021) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "预计今年底,全市将实现村(社区)社会工作服务站全覆盖",  # a target for the year's end
        "预计7月底前达成一百小时的目标",
        "下半年将新建长者饭堂20家",
        "截至2020年底,全市共有养老机构34家",  # last year's figure
        "今年2月底,制定党史学习计划",  # an event in February, not the date the figures stand at
        "截至目前,全体党员共分享学习心得480余篇",  # "so far": no date
        "11-12月开展专项行动",  # not a stretch from January
    ],
)
def test_forward_wording_other_years_events_and_so_far_give_no_date(sentence):
    assert as_of_dates(sentence, 2021) == []


@pytest.mark.parametrize(
    "heading, year, expected",
    [
        ("2024年上半年工作总结和下半年工作计划", 2024, date(2024, 6, 30)),
        ("2024年1-9月工作情况", 2024, date(2024, 9, 30)),
        ("2024年工作总结", 2024, date(2024, 12, 31)),
        ("佛山市民政局2023年主要工作情况和2024年工作计划", 2023, date(2023, 12, 31)),
        ("佛山市民政局2023年主要工作情况和2024年工作计划", 2024, None),  # 2024 is the plan's year
        ("2021年民生实事进展情况", 2021, None),  # progress so far, not the year's results
        ("奋斗百年路 启航新征程", 2021, None),
    ],
)
def test_a_heading_names_a_stretch_of_the_year_or_the_whole_of_it(heading, year, expected):
    assert heading_as_of(heading, year) == expected


def test_a_report_stands_at_its_latest_date_but_not_after_it_was_published():
    sentences = ["截至5月31日,已建成社区食堂20个", "截至6月26日,全市项目实施1691个"]
    assert summary_as_of(sentences, 2021) == date(2021, 6, 26)
    assert summary_as_of(sentences, 2021, published=date(2021, 7, 5)) == date(2021, 6, 26)
    assert summary_as_of(sentences, 2021, published=date(2021, 6, 10)) == date(2021, 6, 10)
    assert summary_as_of([], 2021, published=date(2021, 7, 5)) == date(2021, 7, 5)
    assert summary_as_of(["召开工作会议"], 2021) is None


def test_a_summary_published_after_its_year_looks_back_on_the_whole_year():
    # the figures it cites stand at 30 November, but the year was over when it was written
    sentences = ["截至2023年11月30日,全市共有低保对象3646户"]
    assert summary_as_of(sentences, 2023) == date(2023, 11, 30)
    assert summary_as_of(sentences, 2023, published=date(2024, 2, 22)) == date(2024, 2, 22)


def test_chinese_numerals():
    assert [cn_number(t) for t in ("六", "十", "十二", "二十", "三十一", "二〇二一", "12", "百")] == [
        6, 10, 12, 20, 31, 2021, 12, None,
    ]  # fmt: skip


def test_a_mid_year_article_is_dated_by_its_latest_as_of_wording(tmp_path):
    doc = _parse(
        tmp_path,
        "民政工作稳步推进\n2021年,全市民政工作稳步推进,已建成社区食堂12个。\n"
        "截至5月31日,全市已建成社区食堂20个。截至6月30日,已完成适老化改造200户。\n"
        "预计今年底,全市将建成社区食堂50个。\n",
    )
    assert doc.date is None
    assert _dates(doc) == {("summary", 2021): date(2021, 6, 30), ("plan", 2021): None}


def test_a_web_page_is_dated_by_its_publication_line(tmp_path):
    doc = _parse(
        tmp_path,
        "某市民政局2023年工作总结和2024年工作计划\n发布时间:2024-01-15 09:30\n"
        "一、2023年工作总结\n全年建成长者饭堂120个。\n二、2024年工作计划\n建成长者饭堂不少于200个。\n",
    )
    assert doc.date == date(2024, 1, 15)
    assert _dates(doc) == {("summary", 2023): date(2024, 1, 15), ("plan", 2024): date(2024, 1, 15)}


def test_a_half_year_summary_is_dated_by_its_heading(tmp_path):
    doc = _parse(
        tmp_path,
        "某市民政局2024年上半年工作总结\n一、养老服务\n建成长者饭堂120个。\n新增养老床位500张。\n",
    )
    assert _dates(doc) == {("summary", 2024): date(2024, 6, 30)}


def test_a_dated_line_under_the_title_dates_the_document(tmp_path):
    doc = _parse(
        tmp_path, "民政工作进展\n2022年9月30日\n2022年,全市已建成长者饭堂80个。\n已完成适老化改造300户。\n"
    )
    assert doc.date == date(2022, 9, 30)
    assert _dates(doc) == {("summary", 2022): date(2022, 9, 30)}


def test_a_summary_with_nothing_dated_has_no_date(tmp_path):
    doc = _parse(tmp_path, "某市民政局工作情况\n2023年,全市已建成长者饭堂120个。\n已完成适老化改造300户。\n")
    assert doc.date is None
    assert _dates(doc) == {("summary", 2023): None}


def test_the_seeds_dates():
    dates = {}
    for key, name in SEED_NAMES.items():
        doc = parse_file(SEEDS / name, display_path=f"seeds/{name}")
        dates[key] = {(p.kind, p.period): p.as_of for p in doc.parts}
    assert dates == {
        # 截至2023年11月30日, 截至2023年12月11日, 截至2023年底
        "000": {("summary", 2023): date(2023, 12, 31), ("plan", 2024): None},
        # "2024年工作总结", 截至2024年12月底
        "001": {("summary", 2024): date(2024, 12, 31), ("plan", 2025): None},
        # the mid-2021 article: 截至6月26日 (预计7月底前…, 预计今年底… look ahead)
        "002": {("summary", 2021): date(2021, 6, 26), ("plan", 2021): None},
        "003": {("plan", 2024): None},
        # 发表时间:2024-02-22 11:22
        "004": {("summary", 2023): date(2024, 2, 22), ("plan", 2024): date(2024, 2, 22)},
    }
