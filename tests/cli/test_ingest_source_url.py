"""``tracker ingest FILE --source-url URL``: the address a file was published at, which the reports link
to; kept until another is given; a bad address, or more than one file, is one line and changes nothing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tracker.cli.main import cli

PLAN = "广州市民政局2024年工作计划\n一、养老服务\n建成长者饭堂不少于200个。\n新增养老床位1000张。\n"
URL = "https://www.gz.gov.cn/zwgk/ghjh/2024/jh.html"


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    return path


def _urls(db: Path) -> list[tuple[str, str | None]]:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT path, source_url FROM document").fetchall()


def test_the_address_given_is_kept_and_linked_by_the_reports(runner, plan, tmp_path):
    result = runner.invoke(cli, ["ingest", "plan.txt", "--source-url", URL])
    assert result.exit_code == 0, result.stderr
    assert f"plan.txt  [UTF-8]  广州市民政局  (inserted; source {URL})" in result.output
    db = tmp_path / "commitments.db"
    assert _urls(db) == [("plan.txt", URL)]
    report = json.loads(runner.invoke(cli, ["report", "--format", "json"]).stdout)
    assert {c["source_url"] for c in report["commitments"]} == {URL}
    html = runner.invoke(cli, ["report", "--format", "html", "--public"]).stdout
    assert f'<a href="{URL}" rel="noopener noreferrer">广州市民政局2024年工作计划</a> · 计划 2024' in html

    # an unchanged file given another address gets only that; without the option it keeps it
    moved = URL.replace("jh.html", "jh2.html")
    again = runner.invoke(cli, ["ingest", "plan.txt", "--source-url", moved])
    assert again.exit_code == 0 and f"plan.txt: unchanged, source {moved}" in again.output
    assert _urls(db) == [("plan.txt", moved)]
    plain = runner.invoke(cli, ["ingest", "plan.txt"])
    assert "plan.txt: unchanged, nothing to do" in plain.output and _urls(db) == [("plan.txt", moved)]
    plan.write_text(PLAN + "推进社区食堂建设。\n", encoding="utf-8")
    changed = runner.invoke(cli, ["ingest", "plan.txt"])
    assert changed.exit_code == 0 and "(replaced)" in changed.output
    assert _urls(db) == [("plan.txt", moved)]


@pytest.mark.parametrize(
    "url",
    ["www.gz.gov.cn/jh.html", "ftp://www.gz.gov.cn/jh.html", "https://", "https:///jh.html", "https://a b/c"],
)
def test_a_bad_address_is_one_line_and_nothing_is_written(runner, plan, tmp_path, url):
    result = runner.invoke(cli, ["ingest", "plan.txt", "--source-url", url])
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line == (
        f"tracker: --source-url {url!r} is not a web address "
        "(give the http:// or https:// address the file was published at)"
    )
    assert not (tmp_path / "commitments.db").exists()


def test_control_characters_in_the_address_are_not_echoed(runner, plan, tmp_path):
    result = runner.invoke(cli, ["ingest", "plan.txt", "--source-url", "https://a.cn/\x1b[31mx"])
    assert result.exit_code == 2 and "\x1b" not in result.stderr
    assert not (tmp_path / "commitments.db").exists()


@pytest.mark.parametrize(
    "paths",
    [["plan.txt", "other.txt"], ["."], ["https://www.gz.gov.cn/jh.html"]],
    ids=["two", "folder", "url"],
)
def test_the_address_is_for_one_file(runner, plan, tmp_path, paths):
    (tmp_path / "other.txt").write_text(PLAN.replace("广州", "佛山"), encoding="utf-8")
    result = runner.invoke(cli, ["ingest", *paths, "--source-url", URL])
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line == (
        "tracker: --source-url gives the address of one file "
        "(name exactly one file, not a folder or an address)"
    )
    assert not (tmp_path / "commitments.db").exists()
