"""Reading files: every encoding Chinese offices publish in, HTML pages, and the bad inputs users give."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from tracker.errors import InputFileError
from tracker.ingest.pipeline import collect_files, parse_file
from tracker.ingest.reading import read_file

PLAN = (
    "佛山市民政局2024年工作计划\n"
    "一、构建完善养老服务体系\n"
    "进一步推进《佛山市养老服务条例》立法工作,持续发展社区居家养老服务。年内新建长者饭堂不少于20家。\n"
)


@pytest.mark.parametrize(
    ("encoded", "label"),
    [
        (PLAN.encode("utf-8"), "UTF-8"),
        (codecs.BOM_UTF8 + PLAN.encode("utf-8"), "UTF-8 with BOM"),
        (PLAN.encode("gb18030"), "GB18030"),
        (PLAN.encode("utf-16"), "UTF-16 with BOM"),
        (PLAN.encode("utf-16-le"), "UTF-16-LE"),
    ],
)
def test_encodings_are_detected_and_named(tmp_path: Path, encoded: bytes, label: str) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(encoded)
    raw = read_file(path, "plan.txt")
    assert raw.encoding == label
    assert "不少于20家" in raw.text
    doc = parse_file(path, display_path="plan.txt")
    assert doc.encoding == label
    assert [(p.kind, p.period) for p in doc.parts] == [("plan", 2024)]
    assert doc.agency == "佛山市民政局"


def test_traditional_big5_is_read_and_normalised_to_simplified(tmp_path: Path) -> None:
    text = "佛山市民政局2024年工作計劃\n一、構建完善養老服務體系\n推進《佛山市養老服務條例》立法工作,年內新建長者飯堂不少於20家。\n"
    path = tmp_path / "big5.txt"
    path.write_bytes(text.encode("big5"))
    doc = parse_file(path, display_path="big5.txt", agency="佛山市民政局")
    statements = [s for _p, s in doc.commitments]
    assert doc.encoding == "Big5"
    assert any("長者飯堂" in s.text for s in statements)  # shown as written
    assert any("长者饭堂" in s.normalized for s in statements)  # matched in Simplified


def test_html_page_furniture_is_stripped(tmp_path: Path) -> None:
    html = """<html><head><title>t</title><script>var x='推进';</script><style>p{}</style></head><body>
    <div class="crumb">当前位置: 首页 &gt;&gt; 政务公开</div>
    <h1>佛山市民政局2024年工作计划</h1><p>发布时间:2024-02-22 文章来源:佛山市民政局</p>
    <p>一、构建完善养老服务体系</p>
    <p>持续发展社区居家养老服务,年内新建长者饭堂不少于20家。</p>
    <div>版权所有 佛山市民政局 粤ICP备05090167号-1</div></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    doc = parse_file(path, display_path="page.html")
    texts = [s.text for _p, s in doc.commitments]
    assert texts == ["持续发展社区居家养老服务", "年内新建长者饭堂不少于20家"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "file is empty"),
        (b"   \n\n", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (bytes(range(128, 256)) * 8, "decode"),
        (b"Just an English memo with no Chinese text at all.", "no Chinese text"),
    ],
)
def test_bad_files_give_one_clear_error(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputFileError) as caught:
        parse_file(path, display_path="bad.txt")
    message = str(caught.value)
    assert message.startswith("bad.txt: ")
    assert problem in message
    assert "\n" not in message


def test_document_without_year_or_agency_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "vague.txt"
    path.write_text("加强养老服务,推进社会救助工作。", encoding="utf-8")
    with pytest.raises(InputFileError, match="vague.txt: cannot tell which body"):
        parse_file(path, display_path="vague.txt")
    with pytest.raises(InputFileError, match="no plan or summary part"):
        parse_file(path, display_path="vague.txt", agency="某市民政局")
    doc = parse_file(path, display_path="vague.txt", agency="某市民政局", period=2024, kind="plan")
    assert [(p.kind, p.period) for p in doc.parts] == [("plan", 2024)]


def test_overrides_force_kind_and_period(tmp_path: Path) -> None:
    path = tmp_path / "summary.txt"
    path.write_text(PLAN, encoding="utf-8")
    doc = parse_file(path, display_path="summary.txt", kind="summary", period=2023, agency="禅城区民政局")
    assert [(p.kind, p.period, p.agency) for p in doc.parts] == [("summary", 2023, "禅城区民政局")]


def test_collect_files_expands_folders_and_reports_missing(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "b.md").write_text(PLAN, encoding="utf-8")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    (tmp_path / "notes.ofd").write_bytes(b"PK")
    files, errors, skipped = collect_files([str(tmp_path), str(tmp_path / "missing.txt")])
    assert [f.name for f in files] == ["a.txt", "b.md"]
    assert len(errors) == 1 and "missing.txt: no such file" in str(errors[0])
    assert [(s.path.name, s.reason) for s in skipped] == [
        ("notes.ofd", "other_document"),
        ("photo.png", "not_document"),
    ]


def test_markdown_and_traditional_html_are_read_and_shown_as_written(tmp_path: Path) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text(
        "# 博羅縣民政局2024年工作計劃\n\n## 一、養老服務\n\n- 年內新建**長者飯堂**不少於10家。\n- 推進居家適老化改造。\n",
        encoding="utf-8",
    )
    summary = tmp_path / "summary.html"
    summary.write_text(
        "<html><body><p>博羅縣民政局2024年工作總結</p><p>一、養老服務</p><p>全年新建長者飯堂12家。</p></body></html>",
        encoding="utf-8",
    )
    plan_doc = parse_file(plan, display_path="plan.md")
    summary_doc = parse_file(summary, display_path="summary.html")
    assert plan_doc.agency == summary_doc.agency == "博罗县民政局"  # the matching key is Simplified
    assert [s.text for _p, s in plan_doc.commitments] == ["年內新建長者飯堂不少於10家", "推進居家適老化改造"]
    assert [s.normalized for _p, s in plan_doc.commitments][0] == "年内新建长者饭堂不少于10家"
    assert [(p.kind, p.period) for p in summary_doc.parts] == [("summary", 2024)]
    assert [s.text for _p, s in summary_doc.achievements] == ["全年新建長者飯堂12家"]
