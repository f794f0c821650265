"""Reading a PDF's text layer: a seed printed to PDF (wrapped lines, several pages, a running header,
page numbers) comes back as the seed's own lines, and ``tracker ingest`` finds the same commitments in
the PDF as in the .txt. The PDFs are made with reportlab (tests/pdfs.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pdfs
import pytest
from click.testing import CliRunner

from tracker.cli.main import cli
from tracker.ingest.pdf import Line, paragraphs
from tracker.ingest.pipeline import collect_files, parse_file
from tracker.ingest.reading import read_file

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
FOSHAN = ROOT / "seeds" / "004_ff62929cf9cd0f9d.txt"
#: seeds/004's title: its running header too, so the header is dropped and the title line kept.
TITLE = "佛山市民政局2023年主要工作情况和2024年工作计划"


def _lines(text: str) -> list[str]:
    """A text's non-empty lines, spaces collapsed (reportlab collapses them when it sets a paragraph)."""
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def _print(path: Path, seed: Path = FOSHAN, **layout: object) -> int:
    layout.setdefault("header", TITLE if seed == FOSHAN else "民政工作资料")
    return pdfs.make_pdf(path, seed.read_text(encoding="utf-8").split("\n"), **layout)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def foshan_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "plan.pdf"
    assert _print(path, page_number="- {n} -") == 4
    return path


def test_the_seed_printed_to_pdf_comes_back_line_for_line(foshan_pdf):
    raw = read_file(foshan_pdf, "plan.pdf")
    assert raw.encoding == "PDF, 4 pages"
    lines = _lines(raw.text)
    assert lines == _lines(FOSHAN.read_text(encoding="utf-8"))
    assert lines.count(TITLE) == 1  # the header on every page is gone, the title under it stays
    assert not [line for line in lines if line.strip("- ").isdigit()]


def test_tracker_ingest_finds_the_same_commitments_in_the_pdf_as_in_the_txt(
    foshan_pdf, tmp_path, monkeypatch
):
    """The round trip of the issue: the same text as a .txt and as a PDF, ingested into two databases,
    gives identical reports (ids, texts, sections, targets, deadlines, statuses)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_DB", raising=False)
    (tmp_path / "plan.txt").write_bytes(FOSHAN.read_bytes())
    (tmp_path / "plan.pdf").write_bytes(foshan_pdf.read_bytes())
    reports = {}
    for name in ("plan.txt", "plan.pdf"):
        db = f"{name}.db"
        ingested = CliRunner().invoke(cli, ["--db", db, "ingest", name])
        assert ingested.exit_code == 0, ingested.output
        report = CliRunner().invoke(cli, ["--db", db, "report", "--format", "json"])
        reports[name] = json.loads(report.stdout)
    assert "plan.pdf  [PDF, 4 pages]  佛山市民政局  (inserted)" in ingested.stdout
    assert "plan    2024  佛山市民政局  32 commitments" in ingested.stdout

    def statements(report: dict, kind: str) -> list[dict]:
        return [{k: v for k, v in row.items() if k != "document"} for row in report[kind]]

    for kind in ("commitments", "achievements"):
        assert statements(reports["plan.pdf"], kind) == statements(reports["plan.txt"], kind)
    assert len(reports["plan.pdf"]["commitments"]) == 32 and len(reports["plan.pdf"]["achievements"]) == 96


@pytest.mark.parametrize("seed", SEEDS, ids=lambda path: path.name[:3])
def test_every_seed_printed_in_one_column_comes_back_line_for_line(tmp_path, seed):
    """Sentences broken at the page width and at page breaks, a line ending in 。 inside a paragraph,
    "195-255元" moved down whole, a "-" ending a line: all joined back."""
    path = tmp_path / "seed.pdf"
    _print(path, seed, page_number="第{n}页 共{total}页")
    assert _lines(read_file(path, "seed.pdf").text) == _lines(seed.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "page_number", ["- {n} -", "第{n}页", "{n}/{total}", "{n}", "— {n} —", "第{n}页 共{total}页"]
)
def test_page_numbers_of_every_form_are_dropped(tmp_path, page_number):
    path = tmp_path / "plan.pdf"
    _print(path, page_number=page_number, header=None)
    assert _lines(read_file(path, "plan.pdf").text) == _lines(FOSHAN.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "layout",
    [
        {"columns": 2},
        {"justify": True},
        {"justify": True, "indent": 0, "space_after": 0.6},
        {"font": "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"},
        {"owner_password": "secret"},
    ],
    ids=["two-columns", "justified", "block-paragraphs", "embedded-truetype", "owner-password"],
)
def test_other_layouts_give_the_same_statements(tmp_path, layout):
    """Two columns read column by column; justified lines lose PDFium's generated spaces; paragraphs
    told by the space between them; a subset TrueType font (as Word embeds it); a PDF that only
    restricts copying opens without a password."""
    if "font" in layout and not Path(str(layout["font"])).exists():
        pytest.skip("needs the WenQuanYi Zen Hei font (Debian: fonts-wqy-zenhei)")
    path = tmp_path / "plan.pdf"
    _print(path, **layout)

    def records(path: Path) -> list[tuple]:
        document = parse_file(path, display_path="plan")
        return [
            (p.kind, p.period, s.normalized, s.section, s.deadline)
            for p in document.parts
            for s in p.statements
        ]

    assert records(path) == records(FOSHAN)


def test_full_width_punctuation_is_kept_as_the_pdf_has_it(tmp_path):
    text = [
        "广州市民政局2024年工作计划",
        "一、养老服务",
        "（一）建成“长者饭堂”不少于200个；新增床位1000张：其中护理型床位占比达到65％。",
    ]
    path = tmp_path / "plan.pdf"
    pdfs.make_pdf(path, text)
    assert read_file(path, "plan.pdf").text.split("\n") == text


def test_a_folder_now_includes_its_pdf_files(tmp_path, foshan_pdf):
    (tmp_path / "plan.pdf").write_bytes(foshan_pdf.read_bytes())
    (tmp_path / "SUMMARY.PDF").write_bytes(foshan_pdf.read_bytes())
    (tmp_path / "notes.txt").write_text("佛山市民政局2024年工作计划\n", encoding="utf-8")
    files, errors, skipped = collect_files([str(tmp_path)])
    assert [path.name for path in files] == ["SUMMARY.PDF", "notes.txt", "plan.pdf"]
    assert not errors and not skipped
    (empty := tmp_path / "empty").mkdir()
    _, errors, _ = collect_files([str(empty)])
    assert [error.problem for error in errors] == [
        "folder holds no file tracker reads (.txt, .md, .html, .htm, .pdf, .docx, .xlsx)"
    ]


def _line(text: str, right: float, top: float, left: float = 70.0) -> Line:
    return Line(text=text, left=left, right=right, bottom=top - 12, top=top, em=12.0, lead=12.0, page=0)


def test_a_full_line_ending_in_a_full_stop_goes_on_where_paragraphs_are_indented():
    """Where paragraphs start indented, a line that reaches the right edge is inside its paragraph,
    whatever it ends with; the indented line after the short one starts the next."""
    lines = [
        _line("一是加快建设养老服务设施，年内新建长者饭堂二十家。二是", 500, 700, left=94),
        _line("推进居家养老服务。三是完善社区养老服务网络。", 500, 680),
        _line("四是开展养老护理员培训。", 214, 660),
        _line("二、社会救助", 166, 640, left=94),
        _line("提高城乡低保标准，做好困难群众基本生活", 500, 620, left=94),
        _line("保障。", 500, 600),
        _line("加大临时救助力度。", 178, 580),
    ]
    assert paragraphs([lines]) == [
        "一是加快建设养老服务设施，年内新建长者饭堂二十家。二是推进居家养老服务。三是完善社区养老服务网络。四是开展养老护理员培训。",
        "二、社会救助",
        "提高城乡低保标准，做好困难群众基本生活保障。加大临时救助力度。",
    ]


def test_where_nothing_marks_a_paragraph_a_line_ending_in_a_full_stop_ends_it():
    """No indent, no space between paragraphs: only the punctuation can tell, so 。；：！？ end one; a
    line stopping short ends one whatever it ends with; a line broken mid-sentence goes on."""
    lines = [
        _line("佛山市民政局2024年工作计划", 250, 720),
        _line("一、养老服务建设要点和工作安排", 262, 700),
        _line("加快建设养老服务设施，年内新建长者饭堂二十家，推进居家养老", 500, 680),
        _line("服务，完善社区养老服务网络。", 238, 660),
        _line("开展养老护理员培训，全年培训不少于一千人次，提升护理服务水平。", 500, 640),
        _line("提高城乡低保标准，做好困难群众基本生活保障。", 346, 620),
    ]
    assert paragraphs([lines]) == [
        "佛山市民政局2024年工作计划",
        "一、养老服务建设要点和工作安排",
        "加快建设养老服务设施，年内新建长者饭堂二十家，推进居家养老服务，完善社区养老服务网络。",
        "开展养老护理员培训，全年培训不少于一千人次，提升护理服务水平。",
        "提高城乡低保标准，做好困难群众基本生活保障。",
    ]
