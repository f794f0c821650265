"""``tracker ingest --date``: the date a file reports as of, instead of what its text says."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tracker.cli.main import cli

PLAN = "广州市民政局2024年工作计划\n一、养老服务\n建成长者饭堂不少于200个。\n新增养老床位1000张。\n"
#: A report that says nothing of its date.
REPORT = "广州市民政局工作情况\n一、养老服务\n2024年,全市已建成长者饭堂120个。\n已新增养老床位500张。\n"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    plan, report = tmp_path / "plan.txt", tmp_path / "report.txt"
    plan.write_text(PLAN, encoding="utf-8")
    report.write_text(REPORT, encoding="utf-8")
    return plan, report


def _parts(db: Path) -> list[tuple[str, int, str | None]]:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT kind, period, as_of FROM part ORDER BY kind, period").fetchall()


def _statuses(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return [row[0] for row in connection.execute("SELECT status FROM commitmentstatus ORDER BY 1")]


def _dump(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return [
            row
            for table in ("document", "part", "commitment", "achievement", "commitmentstatus")
            for row in connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        ]


def test_the_date_given_makes_a_report_interim(runner, files, tmp_path):
    plan, report = files
    assert runner.invoke(cli, ["ingest", str(plan)]).exit_code == 0
    undated = runner.invoke(cli, ["ingest", str(report)])
    assert undated.exit_code == 0, undated.stderr
    db = tmp_path / "commitments.db"
    assert ("summary", 2024, None) in _parts(db)
    assert _statuses(db) == ["partial", "partial"]  # read as the year's summary: 120 of 200, 500 of 1000

    # the same file, now said to stand at 30 June: only its date changes, and matching runs again
    dated = runner.invoke(cli, ["ingest", str(report), "--date", "2024-06-30"])
    assert dated.exit_code == 0, dated.stderr
    assert "report.txt: unchanged, dated 2024-06-30" in dated.output
    assert ("summary", 2024, "2024-06-30") in _parts(db)
    assert _statuses(db) == ["in_progress", "in_progress"]

    # ingesting it again without --date keeps the date it was given
    again = runner.invoke(cli, ["ingest", str(report)])
    assert again.exit_code == 0 and "report.txt: unchanged, nothing to do" in again.output
    assert ("summary", 2024, "2024-06-30") in _parts(db)


def test_a_new_file_with_a_date_prints_it(runner, files, tmp_path):
    _plan, report = files
    result = runner.invoke(cli, ["ingest", str(report), "--date", "2024-09-30", "--no-match"])
    assert result.exit_code == 0, result.stderr
    assert "summary 2024  广州市民政局  2 achievements  as of 2024-09-30 (interim)" in result.output
    december = runner.invoke(cli, ["ingest", str(report), "--date", "2024-12-20", "--no-match"])
    assert "report.txt: unchanged, dated 2024-12-20" in december.output
    assert _parts(tmp_path / "commitments.db") == [("summary", 2024, "2024-12-20")]


@pytest.mark.parametrize(
    "value, problem",
    [
        ("2024-13-01", "'2024-13-01' is not a date; write it YYYY-MM-DD (e.g. 2021-06-30)"),
        ("2024-6-30", "'2024-6-30' is not a date; write it YYYY-MM-DD (e.g. 2021-06-30)"),
        ("yesterday", "'yesterday' is not a date; write it YYYY-MM-DD (e.g. 2021-06-30)"),
        ("2024-02-30", "'2024-02-30' is not a date; write it YYYY-MM-DD (e.g. 2021-06-30)"),
        ("1800-01-01", "'1800-01-01' is not in the years 1949-2100"),
    ],
)
def test_a_bad_date_is_one_line_and_changes_nothing(runner, files, tmp_path, value, problem):
    plan, report = files
    assert runner.invoke(cli, ["ingest", str(plan), str(report)]).exit_code == 0
    db = tmp_path / "commitments.db"
    before = _dump(db)
    result = runner.invoke(cli, ["ingest", str(report), "--date", value])
    assert result.exit_code == 2
    assert "Traceback" not in result.output + result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("tracker: Invalid value for '--date': ") and problem in line
    assert _dump(db) == before
