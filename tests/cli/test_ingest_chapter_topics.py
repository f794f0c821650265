"""``tracker report`` on an education bureau's plan: grouped by the plan's own chapters, not 其他."""

from __future__ import annotations

import json
from pathlib import Path

from tracker.cli.main import cli

BUREAUS = Path(__file__).resolve().parents[1] / "data" / "bureaus"


def test_report_groups_an_education_plan_by_its_chapters(runner) -> None:
    ingest = runner.invoke(cli, ["ingest", str(BUREAUS / "education_plan_2024.txt")])
    assert ingest.exit_code == 0, ingest.output
    assert "湖州市教育局" in ingest.output
    report = runner.invoke(cli, ["report", "--format", "md"])
    assert report.exit_code == 0, report.output
    groups = [
        line for line in report.output.splitlines() if line.startswith("## ") and line.endswith(" 条）")
    ]
    assert groups == ["## 教育质量（7 条）", "## 教育均衡（6 条）", "## 教师队伍（6 条）"]
    assert "## 其他" not in report.output and "| 其他 |" not in report.output  # no topic 其他
    one = runner.invoke(cli, ["report", "--format", "csv", "--topic", "教师队伍"])
    assert one.exit_code == 0
    assert len(one.output.strip().splitlines()) == 1 + 6  # header and the chapter's six commitments


def test_summary_ingested_later_groups_like_the_plan(runner) -> None:
    for name in ("education_plan_2024.txt", "education_summary_2024.txt"):
        assert runner.invoke(cli, ["ingest", str(BUREAUS / name)]).exit_code == 0
    report = runner.invoke(cli, ["report", "--format", "json"])
    data = json.loads(report.output)
    assert {a["topic"] for a in data["achievements"]} == {"教育质量", "教育均衡", "教师队伍", "其他"}
