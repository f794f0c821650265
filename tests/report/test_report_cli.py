"""``tracker report``: every format to a file or stdout, the filters, and one-line usage errors."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from reviewed_db import STATUS_REVIEWER

from tracker.cli.main import cli
from tracker.ingest.topics import TOPIC_KEYWORDS
from tracker.report.csv_report import COLUMNS

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def run(db_copy, monkeypatch, tmp_path):
    monkeypatch.delenv("TRACKER_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--db", db_copy, "report", *args])

    return invoke


def report_json(run, *args: str) -> dict:
    result = run("--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "fmt, start",
    [
        ("md", "# 承诺兑现情况报告".encode()),
        ("csv", BOM + b"id,agency,period,"),
        ("json", b'{\n  "generated_at"'),
        ("html", b'<!DOCTYPE html>\n<html lang="zh-CN">'),
        ("table", b"seeds/004_ff62929cf9cd0f9d.txt"),
    ],
)
def test_output_file_gets_the_report_and_stdout_stays_empty(run, tmp_path, fmt, start):
    result = run("--format", fmt, "-o", f"out.{fmt}")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    assert (tmp_path / f"out.{fmt}").read_bytes().lstrip().startswith(start)


def test_csv_on_stdout_is_bytes_with_a_bom(run):
    result = run("--format", "csv")
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(BOM)
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(COLUMNS)
    assert len(rows) - 1 == len(report_json(run)["commitments"]) > 0


def test_exit_code_is_zero_with_unfulfilled_commitments(run):
    data = report_json(run, "--status", "not_fulfilled")
    assert [(c["status"], c["status_reviewer"]) for c in data["commitments"]] == [
        ("not_fulfilled", STATUS_REVIEWER)
    ]
    assert run("--format", "html", "--status", "not_fulfilled").exit_code == 0


def test_topic_filter(run):
    everything = report_json(run)["commitments"]
    elderly = report_json(run, "--topic", "养老服务")
    assert elderly["filters"]["topic"] == "养老服务"
    assert [c["id"] for c in elderly["commitments"]] == [
        c["id"] for c in everything if c["topic"] == "养老服务"
    ]
    md = run("--format", "md", "--topic", "养老服务").stdout
    assert "主题 养老服务" in md and md.count("\n### ") == len(elderly["commitments"])


def test_agency_period_and_status_filters(run):
    assert len(report_json(run, "--agency", "佛山市民政局", "--period", "2024")["commitments"]) == len(
        report_json(run)["commitments"]
    )
    unknown = run("--format", "json", "--agency", "广州市民政局")  # no statement of it: a usage error
    assert (unknown.exit_code, unknown.stdout) == (2, "")
    assert unknown.stderr.startswith("tracker: unknown agency '广州市民政局' (use one of 佛山市民政局")
    assert report_json(run, "--period", "2023")["commitments"] == []
    fulfilled = report_json(run, "--status", "fulfilled", "--topic", "慈善")["commitments"]
    assert fulfilled and {(c["status"], c["topic"]) for c in fulfilled} == {("fulfilled", "慈善")}
    html = run("--format", "html", "--agency", "佛山市民政局", "--period", "2024").stdout
    assert "筛选：机构 佛山市民政局 · 年度 2024 · 主题 全部 · 状态 全部" in html


def test_unknown_topic_is_one_usage_line_listing_the_known_ones(run):
    result = run("--format", "html", "--topic", "养老")
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("tracker: unknown topic '养老' (use one of 养老服务, ")
    assert all(topic in line for topic in TOPIC_KEYWORDS)


def test_unknown_format_lists_the_formats(run):
    result = run("--format", "pdf")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert "'table', 'md', 'csv', 'json', 'html'" in line


def test_an_unwritable_output_is_one_line(run, tmp_path):
    result = run("--format", "html", "-o", str(tmp_path / "missing" / "out.html"))
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("tracker: cannot write ")
