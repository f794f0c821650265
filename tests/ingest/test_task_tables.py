"""Task tables in Word, Excel and HTML files: each row's task a commitment with its lead unit and
deadline, its progress an achievement of the same agency and year; groups, merged cells, repeated
headers and blank rows read as offices lay them out; the agency and year from the title, the document,
the file name or the sheet, else the options, else one line saying which to give."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from office_files import ACHIEVEMENTS, COMMITMENTS, task_docx, task_html, task_xlsx

from tracker.errors import InputFileError
from tracker.ingest.pipeline import parse_file
from tracker.ingest.task_tables import FoundTable, find_header, task_rows

MAKERS = {"docx": task_docx, "xlsx": task_xlsx, "html": task_html}


@pytest.mark.parametrize("suffix", MAKERS)
def test_each_row_is_a_task_with_its_unit_and_deadline_and_its_progress_an_achievement(tmp_path, suffix):
    path = MAKERS[suffix](tmp_path / f"tasks.{suffix}")
    parsed = parse_file(path, display_path=path.name)
    assert parsed.agency == "佛山市民政局"
    assert [(p.kind, p.period, p.heading) for p in parsed.parts] == [
        ("plan", 2024, "佛山市民政局2024年重点工作任务落实情况"),
        ("summary", 2024, "佛山市民政局2024年重点工作任务落实情况"),
    ]
    assert [(s.text, s.section, s.lead_unit, s.deadline) for _p, s in parsed.commitments] == COMMITMENTS
    assert [s.text for _p, s in parsed.achievements] == [text for text, _task in ACHIEVEMENTS]
    # a row's task and its progress share their sentence: the pace rules read the progress beside it
    sentence = {s.text: s.sentence for _p, s in parsed.commitments}
    assert [s.sentence for _p, s in parsed.achievements] == [sentence[task] for _text, task in ACHIEVEMENTS]
    assert parsed.parts[1].from_table and not parsed.parts[0].from_table
    # a bare verdict carries no figure of its task: 已完成 is not "20家 reported"
    verdict = parsed.achievements[-1][1]
    assert verdict.quantities == []


def _table(*rows: list[str]) -> FoundTable:
    return FoundTable(tuple(tuple(row) for row in rows))


@pytest.mark.parametrize(
    "header",
    [
        ["序号", "工作任务", "牵头单位", "完成时限"],
        ["序号", "任务内容", "责任单位", "时间节点"],
        ["编号", "重点任务", "责任部门", "完成时间", "进展情况"],
        ["序 号", "目标任务", "配合单位", "完成情况"],
        ["序号", "具体任务", "责任单位（部门）", "落实情况（截至6月底）"],
        ["工作目标", "牵头单位"],
    ],
)
def test_the_usual_header_names_make_a_task_table(header):
    assert find_header([["2024年重点工作任务分解表"], header]) is not None


@pytest.mark.parametrize(
    "header", [["序号", "姓名", "单位"], ["项目", "金额（万元）", "备注"], ["工作任务"], ["序号", "内容"]]
)
def test_other_tables_are_no_task_tables(header):
    assert find_header([header]) is None


def test_groups_repeated_headers_blank_rows_and_notes():
    table = _table(
        ["序号", "重点任务", "具体任务", "责任单位", "完成时限"],
        ["一", "养老服务", "", "", ""],
        ["1", "长者饭堂", "年内新建长者饭堂20家", "市民政局", "12月"],
        ["", "", "", "", ""],
        ["序号", "重点任务", "具体任务", "责任单位", "完成时限"],
        ["（一）", "居家养老", "", "", ""],
        ["2", "适老化改造", "完成居家适老化改造500户", "市民政局", "11月"],
        ["二、社会救助", "二、社会救助", "二、社会救助", "二、社会救助", "二、社会救助"],
        ["3", "低保", "提高城乡低保标准", "市民政局", "6月"],
        ["合计", "", "3项", "", ""],
        ["注：责任单位排第一位的为牵头单位。", "", "", "", ""],
    )
    rows = task_rows(table)
    assert [(r.task, r.section, r.deadline) for r in rows] == [
        ("年内新建长者饭堂20家", ("养老服务", "长者饭堂"), "12月"),
        ("完成居家适老化改造500户", ("养老服务", "居家养老", "适老化改造"), "11月"),
        ("提高城乡低保标准", ("社会救助", "低保"), "6月"),
    ]


def test_a_unit_merged_over_rows_leads_every_row_it_spans(tmp_path):
    """Word repeats a cell merged down in every row, HTML's rowspan too; a workbook's merged ranges are
    read from the sheet (read-only mode keeps the text in the top cell only). A cell left empty is
    empty: it takes nothing from the row above."""
    for suffix in MAKERS:
        parsed = parse_file(MAKERS[suffix](tmp_path / f"t.{suffix}"), display_path=f"t.{suffix}")
        units = {s.text: s.lead_unit for _p, s in parsed.commitments}
        assert units["完成改造500户"] == "市民政局"
    path = _sheet(
        tmp_path / "blank.xlsx",
        [
            ["佛山市民政局2024年任务"],
            ["序号", "工作任务", "责任单位"],
            ["1", "推进甲工作", "市民政局"],
            ["2", "推进乙工作", ""],
        ],
    )
    parsed = parse_file(path, display_path="blank.xlsx")
    assert [s.lead_unit for _p, s in parsed.commitments] == ["市民政局", None]


def test_a_task_cell_naming_its_unit_and_lines_of_items(tmp_path):
    document = docx.Document()
    document.add_paragraph("佛山市民政局2024年重点工作任务分解表")
    table = document.add_table(rows=2, cols=3)
    for column, name in enumerate(["序号", "工作任务", "完成时限"]):
        table.rows[0].cells[column].text = name
    table.rows[1].cells[0].text = "1"
    table.rows[1].cells[1].text = "1.推进居家适老化改造，完成改造500户（牵头单位：市民政局）"
    table.rows[1].cells[1].add_paragraph("2.培育养老护理员300名")
    table.rows[1].cells[2].text = "2024年底前"
    path = tmp_path / "t.docx"
    document.save(path)
    parsed = parse_file(path, display_path="t.docx")
    assert [(s.text, s.lead_unit, s.deadline) for _p, s in parsed.commitments] == [
        ("推进居家适老化改造", "市民政局", "2024年底前"),
        ("完成改造500户(牵头单位:市民政局)", "市民政局", "2024年底前"),
        ("培育养老护理员300名", "市民政局", "2024年底前"),
    ]


def _sheet(path: Path, rows: list[list[str]], *, title: str = "Sheet1") -> Path:
    book = openpyxl.Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


HEADER = ["序号", "工作任务", "责任单位", "完成时限", "进展情况"]
ROW = ["1", "年内新建长者饭堂不少于20家", "市民政局", "2024年12月", "已建成长者饭堂12家"]


def test_agency_and_year_come_from_the_file_name_or_the_sheet_when_the_title_says_nothing(tmp_path):
    by_name = parse_file(
        _sheet(tmp_path / "佛山市民政局2024年任务.xlsx", [HEADER, ROW]),
        display_path="佛山市民政局2024年任务.xlsx",
    )
    assert (by_name.agency, by_name.parts[0].period) == ("佛山市民政局", 2024)
    by_sheet = parse_file(
        _sheet(tmp_path / "t.xlsx", [HEADER, ROW], title="中山市民政局2025"), display_path="t.xlsx"
    )
    assert (by_sheet.agency, by_sheet.parts[0].period) == ("中山市民政局", 2025)
    given = parse_file(
        _sheet(tmp_path / "t2.xlsx", [HEADER, ROW]),
        display_path="t2.xlsx",
        agency="珠海市民政局",
        period=2023,
    )
    assert (given.agency, given.parts[0].period) == ("珠海市民政局", 2023)


@pytest.mark.parametrize(
    ("options", "problem", "hint"),
    [
        ({"period": 2024}, "cannot tell which body issued the task table (no title)", "pass --agency NAME"),
        (
            {"agency": "佛山市民政局"},
            "cannot tell which year the task table (no title) is for",
            "pass --period YEAR",
        ),
    ],
)
def test_a_table_nothing_dates_or_names_is_one_line_saying_which_option_to_give(
    tmp_path, options, problem, hint
):
    path = _sheet(tmp_path / "tasks.xlsx", [HEADER, ["1", "新建长者饭堂不少于20家", "", "年底", ""]])
    with pytest.raises(InputFileError) as raised:
        parse_file(path, display_path="tasks.xlsx", **options)
    assert (raised.value.problem, raised.value.hint) == (problem, hint)


def test_a_table_dated_before_year_end_is_an_interim_report(tmp_path):
    dated = "佛山市民政局2024年重点工作任务落实情况（截至2024年6月30日）"
    parsed = parse_file(task_docx(tmp_path / "t.docx", title=dated), display_path="t.docx")
    summary = next(p for p in parsed.parts if p.kind == "summary")
    assert summary.as_of == date(2024, 6, 30)
    in_header = parse_file(
        _sheet(
            tmp_path / "h.xlsx",
            [["佛山市民政局2024年重点工作任务"], [*HEADER[:4], "进展情况（截至9月底）"], ROW],
        ),
        display_path="h.xlsx",
    )
    assert next(p for p in in_header.parts if p.kind == "summary").as_of == date(2024, 9, 30)


def test_a_document_with_prose_and_a_task_table_reads_both(tmp_path):
    """The prose's plan and the table's tasks are one plan part; a commitment both state counts twice
    and takes the table's unit; the progress is a part of its own."""
    prose = [
        "佛山市民政局2024年工作要点",
        "一、养老服务",
        "年内新建长者饭堂不少于20家。完善社区养老服务网络。",
    ]
    parsed = parse_file(task_docx(tmp_path / "t.docx", prose=prose), display_path="t.docx")
    assert [(p.kind, p.period, p.from_table) for p in parsed.parts] == [
        ("plan", 2024, False),
        ("summary", 2024, True),
    ]
    stated = {s.text: (s.times_stated, s.lead_unit) for _p, s in parsed.commitments}
    assert stated["年内新建长者饭堂不少于20家"] == (2, "市民政局")
    assert stated["完善社区养老服务网络"] == (1, None)
    assert parsed.title == "佛山市民政局2024年工作要点"


def test_a_traditional_table_is_shown_as_written(tmp_path):
    path = _sheet(
        tmp_path / "t.xlsx",
        [
            ["佛山市民政局2024年重點工作任務"],
            ["序號", "工作任務", "牽頭單位"],
            ["1", "推進長者飯堂建設", "市民政局"],
        ],
    )
    parsed = parse_file(path, display_path="t.xlsx")
    assert [(s.text, s.normalized) for _p, s in parsed.commitments] == [
        ("推進長者飯堂建設", "推进长者饭堂建设")
    ]


def test_a_tables_filing_date_dates_it_and_its_title_is_not_a_label(tmp_path):
    """填报时间 under the title caps the date its progress stands at (a report filed in September does
    not stand at the year's end, whatever 落实情况 in its title says); 填报单位 names the agency."""
    path = _sheet(
        tmp_path / "t.xlsx",
        [
            ["2024年民生实事落实情况表"],
            ["填报单位：珠海市民政局", "", "", "填报时间：2024年9月30日"],
            HEADER,
            ROW,
        ],
    )
    parsed = parse_file(path, display_path="t.xlsx")
    assert parsed.agency == "珠海市民政局"
    assert [(p.kind, p.heading, p.as_of) for p in parsed.parts] == [
        ("plan", "2024年民生实事落实情况表", date(2024, 9, 30)),
        ("summary", "2024年民生实事落实情况表", date(2024, 9, 30)),
    ]


def test_a_seeds_plan_laid_out_as_a_task_table_gives_the_commitments_of_its_text(tmp_path):
    """seeds/004's 2024 plan as an office lays it out in Excel: each （一） heading a group row, each of its
    sentences a task row. The rows give the .txt's commitments, in order, with the same chapter, topic,
    targets and deadline."""
    seed = next(Path(__file__).resolve().parents[2].joinpath("seeds").glob("004_*.txt"))
    text_plan = next(p for p in parse_file(seed, display_path=seed.name).parts if p.kind == "plan")
    lines = seed.read_text(encoding="utf-8").splitlines()
    start = max(i for i, line in enumerate(lines) if text_plan.heading in line)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["佛山市民政局2024年重点工作任务"])
    sheet.append(["序号", "工作任务", "牵头单位", "完成时限"])
    rows = 0
    for line in lines[start + 1 :]:
        chapter = re.match(r"^\s*([(（][一二三四五六七八九十]+[)）].+?)。(.*)$", line)
        if chapter is None:
            continue
        sheet.append([chapter.group(1)])
        for sentence in filter(None, chapter.group(2).split("。")):
            rows += 1
            sheet.append([str(rows), sentence + "。", "", ""])
    path = tmp_path / "tasks.xlsx"
    workbook.save(path)
    table_plan = next(p for p in parse_file(path, display_path="tasks.xlsx").parts if p.kind == "plan")

    def described(part):  # type: ignore[no-untyped-def]
        return [
            (s.text, s.section.rsplit(" > ", 1)[-1], s.topic, s.quantities, s.deadline)
            for s in part.statements
        ]

    assert rows == 13 and len(text_plan.statements) == 32
    assert described(table_plan) == described(text_plan)
