"""``tracker ingest`` on Word, Excel and HTML files: a plan saved as .docx, task tables in .docx, .xlsx
and .html (their rows commitments with unit and deadline, their progress matched to them), and bad
office files, each one line with the database left as it was."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import SEED_NAMES, SEEDS
from office_files import ACHIEVEMENTS, COMMITMENTS, task_docx, task_html, task_xlsx, text_docx

from tracker.cli.main import cli

MAKERS = {"docx": task_docx, "xlsx": task_xlsx, "html": task_html}


@pytest.fixture
def runner(tmp_path, monkeypatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_DB", raising=False)
    return CliRunner()


def _dump(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return [
            row
            for table in ("document", "part", "commitment", "achievement", "candidate", "commitmentstatus")
            for row in connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        ]


def _report(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(cli, ["report", *args])
    assert result.exit_code == 0, result.stderr
    return result.output


def test_a_plan_saved_as_docx_goes_in_as_its_text_does(runner, tmp_path):
    seed = SEEDS / SEED_NAMES["004"]
    plan = text_docx(seed.read_text(encoding="utf-8"), tmp_path / "plan.docx", styled=True)
    result = runner.invoke(cli, ["ingest", str(plan), "--no-match"])
    assert result.exit_code == 0, result.stderr
    assert "plan.docx  [Word .docx]  佛山市民政局  (inserted)" in result.output
    assert "plan    2024  佛山市民政局  32 commitments" in result.output
    from_word = json.loads(_report(runner, "--format", "json"))["commitments"]
    assert runner.invoke(cli, ["--db", "text.db", "ingest", str(seed), "--no-match"]).exit_code == 0
    text_run = runner.invoke(cli, ["--db", "text.db", "report", "--format", "json"])
    from_text = json.loads(text_run.output)["commitments"]
    assert [(c["id"], c["text"], c["section"]) for c in from_word] == [
        (c["id"], c["text"], c["section"]) for c in from_text
    ]


@pytest.mark.parametrize("suffix", MAKERS)
def test_a_task_table_goes_in_and_each_task_is_matched_to_its_own_progress(runner, tmp_path, suffix):
    path = MAKERS[suffix](tmp_path / f"tasks.{suffix}")
    result = runner.invoke(cli, ["ingest", str(path)])
    assert result.exit_code == 0, result.stderr
    assert (
        "plan    2024  佛山市民政局  5 commitments  佛山市民政局2024年重点工作任务落实情况" in result.output
    )
    assert "summary 2024  佛山市民政局  3 achievements" in result.output
    assert "matched 5 commitments in 1 agency-years" in result.output

    report = json.loads(_report(runner, "--format", "json"))
    commitments = {c["text"]: c for c in report["commitments"]}
    assert [(c["text"], c["section"], c["lead_unit"], c["deadline"]) for c in report["commitments"]] == [
        (text, section, unit, deadline) for text, section, unit, deadline in COMMITMENTS
    ]
    for achievement, task in ACHIEVEMENTS:
        best = commitments[task]["evidence"][0]
        assert (best["text"], best["state"]) == (achievement, "suggested")
    assert commitments["开展困难群众排查救助“回头看”工作"]["status"] == "no_evidence"  # its progress is empty
    assert commitments["提高城乡低保标准"]["status"] == "fulfilled"  # 已完成
    assert commitments["年内新建长者饭堂不少于20家"]["status"] == "partial"  # 12 of 20

    rows = list(csv.DictReader(io.StringIO(_report(runner, "--format", "csv").lstrip("\ufeff"))))
    assert [(r["text"], r["lead_unit"], r["deadline"]) for r in rows][:2] == [
        ("年内新建长者饭堂不少于20家", "市民政局", "2024年12月底"),
        ("推进居家适老化改造", "市民政局", "2024年11月"),
    ]
    assert "- 牵头单位：市民政局" in _report(runner, "--format", "md")
    assert "<dt>牵头单位</dt><dd>各区人民政府</dd>" in _report(runner, "--format", "html")

    # matching again, or ingesting the unchanged file again, changes nothing
    before = _dump(tmp_path / "commitments.db")
    again = runner.invoke(cli, ["ingest", str(path)])
    assert again.exit_code == 0 and "unchanged" in again.output
    assert _dump(tmp_path / "commitments.db") == before


def test_a_progress_table_dated_mid_year_is_an_interim_report(runner, tmp_path):
    path = task_docx(
        tmp_path / "tasks.docx", title="佛山市民政局2024年重点工作任务落实情况（截至2024年6月30日）"
    )
    result = runner.invoke(cli, ["ingest", str(path)])
    assert result.exit_code == 0, result.stderr
    assert "as of 2024-06-30 (interim)" in result.output
    commitments = {c["text"]: c for c in json.loads(_report(runner, "--format", "json"))["commitments"]}
    canteens = commitments["年内新建长者饭堂不少于20家"]
    assert canteens["status"] == "in_progress"
    assert canteens["history"]["pace"][0]["verdict"] == "ahead"  # 12 of 20 (60 %) with half the year gone


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def _bad_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """Each bad office file, with the one line it gives."""
    corrupt = folder / "corrupt.docx"
    corrupt.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    old = folder / "plan.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    english = _workbook(folder / "english.xlsx", [["No.", "Task", "Owner"], [1, "Build canteens", "Bureau"]])
    empty = _workbook(folder / "empty.xlsx", [])
    broken = folder / "broken.xlsx"
    broken.write_bytes(task_xlsx(folder / "good.xlsx").read_bytes()[:1500])
    return {
        "corrupt zip": (corrupt, "corrupt.docx: not a valid .docx file (not a zip package) (open it in Word or WPS and save it again as .docx)"),
        ".doc": (old, "plan.doc: old binary Word file (.doc) cannot be read (convert it to .docx: soffice --headless --convert-to docx plan.doc)"),
        "no table, no Chinese": (english, "english.xlsx: no Chinese text found (tracker reads Chinese plans and summaries)"),
        "empty sheet": (empty, "empty.xlsx: holds no text (is this the right file?)"),
        "cut short": (broken, "broken.xlsx: not a valid .xlsx file (not a zip package) (open it in Excel or WPS and save it again as .xlsx)"),
    }  # fmt: skip


@pytest.mark.parametrize("case", ["corrupt zip", ".doc", "no table, no Chinese", "empty sheet", "cut short"])
def test_a_bad_office_file_is_one_line_and_the_database_stays_as_it_was(runner, tmp_path, case):
    assert runner.invoke(cli, ["ingest", str(task_docx(tmp_path / "tasks.docx"))]).exit_code == 0
    before = _dump(tmp_path / "commitments.db")
    path, line = _bad_files(tmp_path)[case]
    result = runner.invoke(cli, ["ingest", path.name])
    assert result.exit_code == 1
    assert "Traceback" not in result.output + result.stderr
    assert result.stderr.splitlines() == [f"tracker: {line}"]
    assert _dump(tmp_path / "commitments.db") == before


def test_a_folder_takes_word_and_excel_files_and_names_the_old_ones_with_their_conversion(runner, tmp_path):
    folder = tmp_path / "材料"
    folder.mkdir()
    task_docx(folder / "tasks.docx")
    task_xlsx(folder / "tasks.xlsx")
    (folder / "旧计划.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    (folder / "总结.wps").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    result = runner.invoke(cli, ["ingest", "材料", "--no-match"])
    assert result.exit_code == 1
    assert "材料/tasks.docx  [Word .docx]" in result.output
    assert "材料/tasks.xlsx  [Excel .xlsx]" in result.output
    assert result.stderr.splitlines() == [
        "tracker: 未读取 2 个文件 not read: 旧版 Office 格式 old Office format (.doc, .wps): 材料/总结.wps, 材料/旧计划.doc "
        "(转换 convert: soffice --headless --convert-to docx --outdir 材料 材料/总结.wps 材料/旧计划.doc)",
    ]  # fmt: skip


def test_a_unit_changed_in_the_table_keeps_the_reviewers_decisions_and_their_exchange(runner, tmp_path):
    """Commitment ids do not hold the unit: re-ingesting a table whose unit changed replaces the unit and
    keeps every decision in force, and a decision exported before imports by id afterwards."""
    import docx

    path = task_docx(tmp_path / "tasks.docx")
    assert runner.invoke(cli, ["ingest", str(path)]).exit_code == 0
    commitments = {c["text"]: c for c in json.loads(_report(runner, "--format", "json"))["commitments"]}
    target = commitments["开展困难群众排查救助“回头看”工作"]["id"]
    decided = runner.invoke(cli, ["annotate", "status", target, "not_fulfilled", "--reviewer", "li"])
    assert decided.exit_code == 0, decided.stderr
    assert runner.invoke(cli, ["export-annotations", "-o", "li.jsonl"]).exit_code == 0

    document = docx.Document(str(path))
    (cell,) = [row.cells[2] for row in document.tables[0].rows if row.cells[2].text == "各区人民政府"]
    cell.text = "市民政局"
    document.save(str(path))
    again = runner.invoke(cli, ["ingest", str(path)])
    assert again.exit_code == 0 and "(replaced)" in again.output
    report = json.loads(_report(runner, "--format", "json"))
    after = {c["text"]: c for c in report["commitments"]}
    assert {c["id"] for c in after.values()} == {c["id"] for c in commitments.values()}
    assert (
        after["开展困难群众排查救助“回头看”工作"]["lead_unit"],
        after["开展困难群众排查救助“回头看”工作"]["status"],
    ) == (
        "市民政局",
        "not_fulfilled",
    )
    assert report["orphaned_decisions"] == []

    assert runner.invoke(cli, ["--db", "fresh.db", "ingest", str(path)]).exit_code == 0
    imported = runner.invoke(cli, ["--db", "fresh.db", "import-annotations", "li.jsonl"])
    assert imported.exit_code == 0, imported.stderr
    assert "applied 1, already present 0, matched by text 0, conflicts 0, orphaned 0" in imported.output
