"""Word files: a plan saved as .docx gives the commitments its text gives; a table that is no task table
is text; what is not a .docx is one line naming the problem and the fix."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from conftest import SEED_NAMES, SEEDS
from office_files import replaced_member, text_docx

from tracker.errors import InputFileError
from tracker.ingest.pipeline import parse_file
from tracker.ingest.reading import read_file
from tracker.ingest.word import paragraph_text
from tracker.store import ids

SEED_004 = SEEDS / SEED_NAMES["004"]


def _statements(path: Path) -> list[tuple[str, str, int, str, str, str | None, int, str]]:
    """Every statement with its id and what it says: the comparison of a .txt with its .docx."""
    document = parse_file(path, display_path="fs2024")
    return [
        (
            (ids.commitment_id if part.kind == "plan" else ids.achievement_id)(part.agency, part.period, s.normalized),
            part.kind, part.period, s.text, s.section, s.deadline, s.times_stated, str(part.as_of),
        )
        for part in document.parts
        for s in part.statements
    ]  # fmt: skip


@pytest.mark.parametrize("styled", [False, True], ids=["a paragraph per line", "as an office writes it"])
def test_the_2024_plan_of_foshan_as_docx_gives_the_same_statements_as_its_text(tmp_path, styled):
    """seeds/004 (佛山's 2023 summary and 2024 plan), each line a paragraph; or with headings in Word's
    heading styles, first-line indents and no empty paragraphs: the same 32 commitments and 96
    achievements, with the same ids, sections, deadlines and dates."""
    text = SEED_004.read_text(encoding="utf-8")
    from_text = _statements(SEED_004)
    from_word = _statements(text_docx(text, tmp_path / "fs2024.docx", styled=styled))
    assert len([s for s in from_text if s[1] == "plan"]) == 32
    assert len(from_text) == 128
    assert from_word == from_text


def test_a_docx_is_read_as_word_with_its_paragraphs_and_tables_in_order(tmp_path):
    document = docx.Document()
    document.add_paragraph("佛山市民政局2024年工作计划", style="Title")
    document.add_paragraph("一、养老服务", style="Heading 1")
    document.add_paragraph("年内新建长者饭堂不少于20家。")
    table = document.add_table(rows=2, cols=2)  # no task table: its cells are text, in order
    table.rows[0].cells[0].merge(table.rows[0].cells[1]).text = "推进居家适老化改造。"
    table.rows[1].cells[0].text = "完善社区养老服务网络。"
    table.rows[1].cells[1].text = "培育养老护理员300名。"
    document.add_paragraph("二、社会救助", style="Heading 1")
    document.add_paragraph("提高城乡低保标准。")
    path = tmp_path / "plan.docx"
    document.save(path)

    raw = read_file(path, "plan.docx")
    assert raw.encoding == "Word .docx"
    assert raw.tables == ()
    assert raw.text.split("\n") == [
        "佛山市民政局2024年工作计划", "一、养老服务", "年内新建长者饭堂不少于20家。", "推进居家适老化改造。",
        "完善社区养老服务网络。", "培育养老护理员300名。", "二、社会救助", "提高城乡低保标准。",
    ]  # fmt: skip
    parsed = parse_file(path, display_path="plan.docx")
    assert [(s.text, s.section) for _p, s in parsed.commitments] == [
        ("年内新建长者饭堂不少于20家", "养老服务"),
        ("推进居家适老化改造", "养老服务"),
        ("完善社区养老服务网络", "养老服务"),
        ("培育养老护理员300名", "养老服务"),
        ("提高城乡低保标准", "社会救助"),
    ]


def test_paragraph_text_is_what_word_shows():
    """Tracked insertions, hyperlinks, tabs and line breaks are text Word shows; deletions are not."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    xml = (
        f"<w:p {w}><w:r><w:t>推进</w:t></w:r><w:ins><w:r><w:t>居家</w:t></w:r></w:ins>"
        "<w:del><w:r><w:delText>社区</w:delText></w:r></w:del><w:hyperlink><w:r><w:t>适老化改造</w:t></w:r>"
        "</w:hyperlink><w:r><w:tab/><w:t>一期</w:t><w:br/><w:t>二期</w:t></w:r></w:p>"
    )
    from lxml import etree

    assert paragraph_text(etree.fromstring(xml)) == "推进居家适老化改造\t一期\n二期"


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("佛山市民政局2024年工作计划")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("plan.docx", b"PK\x03\x04 not really a zip", "not a valid .docx file (not a zip package)"),
        ("plan.docx", "佛山市民政局2024年工作计划".encode(), "not a valid .docx file (not a zip package)"),
        (
            "plan.docx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
            "an old binary .doc file or a password-protected one, not a .docx file",
        ),
        ("plan.docx", _docx_bytes()[:2000], "not a valid .docx file (not a zip package)"),
        ("plan.docx", replaced_member(_docx_bytes(), "word/document.xml"), "damaged Word document"),
        ("plan.docx", replaced_member(_docx_bytes(), "[Content_Types].xml"), "damaged Word document"),
    ],
    ids=[
        "zip header only",
        "text named .docx",
        "old .doc named .docx",
        "cut short",
        "no body",
        "no content types",
    ],
)
def test_what_is_no_docx_is_one_line(tmp_path, name, content, problem):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputFileError) as raised:
        parse_file(path, display_path=name)
    assert raised.value.problem == problem
    assert "\n" not in str(raised.value)


def test_an_xlsx_named_docx_is_another_kind_of_package(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["佛山市民政局2024年工作计划"])
    path = tmp_path / "plan.docx"
    book.save(path)
    with pytest.raises(InputFileError, match="not a Word document"):
        parse_file(path, display_path="plan.docx")


@pytest.mark.parametrize(
    ("name", "what", "target"),
    [("plan.doc", "old binary Word file (.doc)", "docx"), ("plan.wps", "WPS document (.wps)", "docx"),
     ("tasks.xls", "old binary Excel file (.xls)", "xlsx")],
)  # fmt: skip
def test_an_old_binary_office_file_names_the_command_that_converts_it(tmp_path, name, what, target):
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(InputFileError) as raised:
        parse_file(path, display_path=f"材料/{name}")
    assert str(raised.value) == (
        f"材料/{name}: {what} cannot be read "
        f"(convert it to .{target}: soffice --headless --convert-to {target} 材料/{name})"
    )


def test_a_docx_with_no_text_says_so(tmp_path):
    path = tmp_path / "empty.docx"
    docx.Document().save(path)
    with pytest.raises(InputFileError, match="holds no text"):
        parse_file(path, display_path="empty.docx")
