"""Task tables in web pages: read row by row (rowspan and colspan as merged cells) and taken out of the
page's text; every other table, and a page laid out in a table, stay text as before."""

from __future__ import annotations

from office_files import COMMITMENTS, task_html

from tracker.ingest.pipeline import parse_file
from tracker.ingest.reading import html_document, read_file

ROW = "<tr><td>1</td><td>年内新建长者饭堂不少于20家</td><td>市民政局</td><td>12月底</td></tr>"
HEAD = "<tr><th>序号</th><th>工作任务</th><th>牵头单位</th><th>完成时限</th></tr>"


def test_the_task_table_leaves_the_text_and_its_title_is_the_line_above(tmp_path):
    raw = read_file(task_html(tmp_path / "t.html"), "t.html")
    assert raw.text.split("\n") == [
        "当前位置: 首页",
        "佛山市民政局2024年重点工作任务落实情况",
        "版权所有 佛山市民政局",
    ]
    (table,) = raw.tables
    assert table.above == ("当前位置: 首页", "佛山市民政局2024年重点工作任务落实情况")
    assert table.rows[3][2] == table.rows[2][2] == "市民政局"  # rowspan="2"
    parsed = parse_file(tmp_path / "t.html", display_path="t.html")
    assert [(s.text, s.section, s.lead_unit, s.deadline) for _p, s in parsed.commitments] == COMMITMENTS


def test_other_tables_and_layout_tables_stay_text():
    data = "<table><tr><td>类别</td><td>数量</td></tr><tr><td>长者饭堂</td><td>20家</td></tr></table>"
    layout = f"<table><tr><td><p>佛山市民政局2024年工作计划</p><table>{HEAD}{ROW}</table></td></tr></table>"
    text, tables = html_document(f"<p>正文</p>{data}", "p.html")
    assert (text, tables) == ("正文\n类别数量\n长者饭堂20家", ())
    text, tables = html_document(layout, "p.html")
    assert tables != () and text == "佛山市民政局2024年工作计划"  # the inner table is the task table
    nested = f"<table><tr><td><table>{HEAD}{ROW}</table>{HEAD}</td></tr></table>"
    assert len(html_document(nested, "p.html")[1]) == 1


def test_a_span_larger_than_the_table_is_the_table():
    page = f'<p>佛山市民政局2024年重点工作任务分解表</p><table>{HEAD}<tr><td rowspan="999999">1</td>' \
        '<td colspan="100000">推进居家适老化改造</td></tr></table>'  # fmt: skip
    _text, (table,) = html_document(page, "p.html")
    assert len(table.rows) == 2 and len(table.rows[1]) <= 60
