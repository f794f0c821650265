"""Excel workbooks: a sheet holding a task table is read row by row, another sheet as text (its cells row
by row); an empty workbook, one with no Chinese and a damaged one are one line each."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from office_files import replaced_member

from tracker.errors import InputFileError
from tracker.ingest.pipeline import parse_file
from tracker.ingest.reading import read_file


def _book(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_a_sheet_with_no_task_table_is_text_and_another_sheets_table_is_read(tmp_path):
    path = _book(
        tmp_path / "book.xlsx",
        {
            "说明": [
                ["佛山市民政局2024年工作计划"],
                ["一、养老服务"],
                ["年内新建长者饭堂不少于20家。", None, 3.0],
            ],
            "任务": [
                ["序号", "工作任务", "牵头单位", "完成时限"],
                [1.0, "推进居家适老化改造", "市民政局", dt.datetime(2024, 11, 30)],
            ],
        },
    )
    raw = read_file(path, "book.xlsx")
    assert raw.encoding == "Excel .xlsx"
    assert raw.text.split("\n") == [
        "佛山市民政局2024年工作计划",
        "一、养老服务",
        "年内新建长者饭堂不少于20家。",
        "3",
    ]
    (table,) = raw.tables
    assert (table.sheet, table.rows[1]) == ("任务", ("1", "推进居家适老化改造", "市民政局", "2024年11月30日"))
    parsed = parse_file(path, display_path="book.xlsx")
    assert [(s.text, s.lead_unit, s.deadline) for _p, s in parsed.commitments] == [
        ("年内新建长者饭堂不少于20家", None, "年内"),
        ("推进居家适老化改造", "市民政局", "2024年11月30日"),
    ]


@pytest.mark.parametrize(
    ("sheets", "problem"),
    [
        ({"Sheet1": []}, "holds no text"),
        ({"Sheet1": [["Name", "Amount"], ["A", 3]]}, "no Chinese text found"),
        (
            {"Sheet1": [["No.", "Task", "Owner", "Deadline"], [1, "Build canteens", "Bureau", "June"]]},
            "no Chinese text found",
        ),
    ],
    ids=["empty sheet", "no Chinese", "an English task list"],
)
def test_a_workbook_with_nothing_to_read_is_one_line(tmp_path, sheets, problem):
    path = _book(tmp_path / "book.xlsx", sheets)
    with pytest.raises(InputFileError) as raised:
        parse_file(path, display_path="book.xlsx")
    assert raised.value.problem == problem


def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["佛山市民政局2024年工作计划"])
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"PK\x05\x06" + b"\0" * 18, "damaged Excel workbook"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
            "an old binary .xls file or a password-protected one, not a .xlsx file",
        ),
        (_xlsx_bytes()[:3000], "not a valid .xlsx file (not a zip package)"),
        (replaced_member(_xlsx_bytes(), "xl/workbook.xml", None), "damaged Excel workbook"),
        (
            replaced_member(_xlsx_bytes(), "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row>"),
            "damaged Excel workbook",
        ),
        (replaced_member(_xlsx_bytes(), "[Content_Types].xml", None), "damaged Excel workbook"),
    ],
    ids=[
        "empty zip",
        "old .xls named .xlsx",
        "cut short",
        "no workbook",
        "broken sheet XML",
        "no content types",
    ],
)
def test_a_damaged_workbook_is_one_line_and_no_traceback(tmp_path, content, problem):
    path = tmp_path / "tasks.xlsx"
    path.write_bytes(content)
    with pytest.raises(InputFileError) as raised:
        parse_file(path, display_path="tasks.xlsx")
    assert raised.value.problem == problem
