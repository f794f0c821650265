"""Word, Excel and HTML files made for the tests with python-docx and openpyxl: a task table as offices
lay one out (a title above, 序号 with 一/二 group rows, a unit cell merged over two rows, a progress
column), and a .docx of a plain text's paragraphs.

Importable as ``office_files`` from any test folder (pytest puts ``tests/`` on sys.path).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import openpyxl
from docx.shared import Pt

AGENCY = "佛山市民政局"
TITLE = "佛山市民政局2024年重点工作任务落实情况"
HEADER = ["序号", "工作任务", "牵头单位", "完成时限", "进展情况"]
#: The rows under the header: a group row (one cell merged across) or a task row. ``None`` in the unit
#: column is the lower part of the cell above, merged over both rows.
ROWS: list[list[str | None]] = [
    ["一、养老服务"],
    ["1", "年内新建长者饭堂不少于20家", "市民政局", "2024年12月底", "已建成长者饭堂12家"],
    ["2", "推进居家适老化改造,完成改造500户", None, "2024年11月", "已完成居家适老化改造320户"],
    ["二、社会救助"],
    ["3", "提高城乡低保标准", "市民政局（牵头）、市财政局", "2024年6月", "已完成"],
    ["4", "开展困难群众排查救助“回头看”工作", "各区人民政府", "2024年9月", ""],
]
#: What the rows commit to: (text, section, lead unit, deadline).
COMMITMENTS = [
    ("年内新建长者饭堂不少于20家", "养老服务", "市民政局", "2024年12月底"),
    ("推进居家适老化改造", "养老服务", "市民政局", "2024年11月"),
    ("完成改造500户", "养老服务", "市民政局", "2024年11月"),
    ("提高城乡低保标准", "社会救助", "市民政局", "2024年6月"),
    ("开展困难群众排查救助“回头看”工作", "社会救助", "各区人民政府", "2024年9月"),
]
#: What the progress column reports, each beside the task it reports on.
ACHIEVEMENTS = [
    ("已建成长者饭堂12家", "年内新建长者饭堂不少于20家"),
    ("已完成居家适老化改造320户", "推进居家适老化改造"),
    ("提高城乡低保标准：已完成", "提高城乡低保标准"),
]


def _cells(row: list[str | None]) -> list[str]:
    return [cell or "" for cell in row] + [""] * (len(HEADER) - len(row))


def task_docx(path: Path, *, title: str = TITLE, prose: list[str] = ()) -> Path:  # type: ignore[assignment]
    """A Word file: ``prose`` paragraphs, 附件, the title, then the task table (a group row merged
    across, the unit of rows 1 and 2 merged down)."""
    document = docx.Document()
    for line in prose:
        document.add_paragraph(line)
    document.add_paragraph("附件")
    document.add_paragraph(title)
    table = document.add_table(rows=1 + len(ROWS), cols=len(HEADER))
    for column, name in enumerate(HEADER):
        table.rows[0].cells[column].text = name
    for index, row in enumerate(ROWS, start=1):
        cells = table.rows[index].cells
        if len(row) == 1:
            cells[0].merge(cells[-1]).text = row[0] or ""
            continue
        for column, value in enumerate(row):
            if value is None:
                cells[column].merge(table.rows[index - 1].cells[column])
            else:
                cells[column].text = value
    document.save(path)
    return path


def task_xlsx(path: Path, *, title: str = TITLE, sheet: str = "任务") -> Path:
    """A workbook whose sheet holds the title (merged across), the header and the rows; merged cells
    keep their text in the top cell only, as Excel stores them."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(HEADER)
    for row in ROWS:
        ws.append(_cells(row))
        if len(row) == 1:
            ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(HEADER))
        for column, value in enumerate(row, start=1):
            if value is None:
                ws.merge_cells(
                    start_row=ws.max_row - 1, start_column=column, end_row=ws.max_row, end_column=column
                )
    book.save(path)
    return path


def task_html(path: Path, *, title: str = TITLE) -> Path:
    """A page: the title as a heading, the table with ``colspan`` group rows and a ``rowspan`` unit."""
    rows = ["<tr>" + "".join(f"<th>{name}</th>" for name in HEADER) + "</tr>"]
    for index, row in enumerate(ROWS):
        if len(row) == 1:
            rows.append(f'<tr><td colspan="{len(HEADER)}">{row[0]}</td></tr>')
            continue
        spans = {
            c: 2 for c, v in enumerate(row) if index + 1 < len(ROWS) and ROWS[index + 1][c : c + 1] == [None]
        }
        cells = [
            f'<td rowspan="{spans[c]}">{v}</td>' if c in spans else f"<td>{v}</td>"
            for c, v in enumerate(row)
            if v is not None
        ]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    page = (
        f"<html><body><div>当前位置: 首页</div><h1>{title}</h1><table>{''.join(rows)}</table>"
        "<div>版权所有 佛山市民政局</div></body></html>"
    )
    path.write_text(page, encoding="utf-8")
    return path


def text_docx(text: str, path: Path, *, styled: bool = False) -> Path:
    """A Word file of a text's lines, one paragraph each. ``styled``: as an office writes it instead,
    with no empty paragraphs, the lines' leading spaces as a first-line indent, and 一、 / （一） headings
    in Word's heading styles."""
    document = docx.Document()
    for line in text.split("\n"):
        if not styled:
            document.add_paragraph(line)
            continue
        line = line.strip()
        if not line:
            continue
        if len(line) < 40 and line[:1] in "一二三四五六七八九十" and "、" in line[:3]:
            document.add_paragraph(line, style="Heading 1")
        elif len(line) < 40 and line[:1] in "(（":
            document.add_paragraph(line, style="Heading 2")
        else:
            document.add_paragraph(line).paragraph_format.first_line_indent = Pt(24)
    document.save(path)
    return path


def replaced_member(data: bytes, member: str, content: bytes | None = None) -> bytes:
    """An office package's bytes with one part replaced by ``content``, or left out (None): a damaged
    file as a failed copy or a broken tool leaves one."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            if info.filename != member:
                target.writestr(info, source.read(info))
            elif content is not None:
                target.writestr(info, content)
    return buffer.getvalue()
