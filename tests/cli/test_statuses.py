"""The product explains its statuses and reads them as people type them: ``tracker statuses``, the end of
``tracker --help``, the README, Chinese labels wherever a status is typed, unknown agencies and periods
listed, and no help text that sends a user to a file outside the repository; the README's set-up for
use apart from the contributors' (whose pytest line is the one CI runs).

The database is seeds/004 (佛山's 2024 plan) and the illustrative 2024 summary, ingested once.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tracker.cli.main import cli
from tracker.demo.build import DOCUMENT
from tracker.evaluate.gold import load_gold
from tracker.statuses import STATUS_DISTINCTION, STATUS_LABELS, STATUS_MEANINGS, STATUSES, parse_status

ROOT = Path(__file__).resolve().parents[2]
SEED_004 = ROOT / "seeds" / "004_ff62929cf9cd0f9d.txt"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("statuses")
    path = folder / "template.db"
    result = CliRunner().invoke(cli, ["--db", str(path), "ingest", str(SEED_004), str(DOCUMENT)])
    assert result.exit_code == 0, result.stderr
    with sqlite3.connect(path) as connection:  # into the file itself, so that a copy of it is complete
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def db(template, runner, tmp_path) -> str:
    shutil.copy(template, tmp_path / "work.db")
    return "work.db"


def commitments(runner, db: str, *args: str) -> list[dict]:
    result = runner.invoke(cli, ["--db", db, "report", "--format", "json", *args])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)["commitments"]


def one_line(result) -> str:
    assert "Traceback" not in result.output + result.stderr
    (line,) = result.stderr.splitlines()
    return line


def dump(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return "\n".join(connection.iterdump())


def test_parse_status_reads_ids_and_chinese_labels():
    for status, label in STATUS_LABELS.items():
        assert parse_status(status) == parse_status(label) == parse_status(f" {label} ") == status
    assert parse_status("Not-Fulfilled") == parse_status("not fulfilled") == "not_fulfilled"
    assert parse_status("已完成") is None and parse_status("") is None


def test_tracker_statuses_is_a_table_of_every_status_its_meaning_and_who_sets_it(runner):
    result = runner.invoke(cli, ["statuses"], env={"COLUMNS": "200"})  # each meaning on one line
    assert result.exit_code == 0, result.stderr
    flat = "".join(result.output.split())
    for status, label in STATUS_LABELS.items():
        assert status in result.output and label in result.output
        assert "".join(STATUS_MEANINGS[status][0].split()) in flat
    assert "仅审核" in result.output and "自动或审核" in result.output
    assert "".join(STATUS_DISTINCTION[0].split()) in flat


def test_tracker_statuses_json(runner):
    result = runner.invoke(cli, ["statuses", "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert [r["id"] for r in rows] == list(STATUSES)
    assert {r["id"]: (r["meaning"], r["meaning_en"]) for r in rows} == STATUS_MEANINGS
    by_id = {r["id"]: r for r in rows}
    assert (by_id["not_fulfilled"]["set_by"], by_id["not_fulfilled"]["set_by_en"]) == (
        "仅审核",
        "reviewer only",
    )
    assert by_id["no_evidence"]["set_by_en"] == "automatic"


def test_tracker_help_ends_with_the_statuses_and_where_they_are_explained(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    ending = result.output.split("Commands:", 1)[1]
    assert all(f"{label} {status}" in ending for status, label in STATUS_LABELS.items())
    assert "What each means and who sets it: tracker statuses" in ending


def test_tui_help_says_plainly_what_plain_tracker_does(runner):
    result = runner.invoke(cli, ["tui", "--help"])
    assert result.exit_code == 0
    assert "as yourself" not in result.output
    assert "(plain 'tracker' does the same)" in result.output
    assert "your login name" in result.output


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, command in group.commands.items():
        found += _commands(command, (*path, name)) if isinstance(command, click.Group) else [(*path, name)]
    return found


@pytest.mark.parametrize("path", _commands(cli), ids=lambda p: " ".join(p) or "tracker")
def test_no_help_sends_a_user_to_a_file_outside_the_repository(runner, path):
    result = runner.invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    for outside in ("SPEC", "../shared", "dev-benchmark"):
        assert outside not in result.output


def test_annotate_status_takes_the_chinese_label(runner, db):
    first = commitments(runner, db)[0]["id"]
    result = runner.invoke(cli, ["--db", db, "annotate", "status", first, "已兑现", "--reviewer", "li"])
    assert result.exit_code == 0, result.stderr
    assert result.output.strip().endswith("fulfilled 已兑现 (reviewer li)")
    shown = {c["id"]: c for c in commitments(runner, db)}[first]
    assert (shown["status"], shown["status_source"]) == ("fulfilled", "reviewer")
    by_id = runner.invoke(cli, ["--db", db, "annotate", "status", first, "Not-Fulfilled", "--reviewer", "li"])
    assert by_id.exit_code == 0 and "not_fulfilled 未兑现" in by_id.output


def test_a_status_that_is_none_is_refused_with_every_status_listed(runner, db, tmp_path):
    first = commitments(runner, db)[0]["id"]
    before = dump(tmp_path / db)
    result = runner.invoke(cli, ["--db", db, "annotate", "status", first, "已完成"])
    assert result.exit_code == 2
    line = one_line(result)
    assert line.startswith(
        "tracker: Invalid value for 'STATUS': '已完成' is not a status; use one of fulfilled 已兑现"
    )
    assert "unverifiable 无法核查" in line
    assert dump(tmp_path / db) == before


def test_report_status_takes_the_chinese_label(runner, db):
    by_label = commitments(runner, db, "--status", "推进中")
    assert by_label and {c["status"] for c in by_label} == {"in_progress"}
    assert by_label == commitments(runner, db, "--status", "in_progress")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--agency", "不存在局"], "tracker: unknown agency '不存在局' (use one of 佛山市民政局)"),
        (["--period", "2030"], "tracker: unknown period 2030 (use one of 2023, 2024)"),
        (
            ["--agency", "佛山市民政局", "--period", "1999"],
            "tracker: unknown period 1999 (use one of 2023, 2024)",
        ),
    ],
)
def test_report_with_an_unknown_agency_or_period_lists_the_known_ones(runner, db, args, message):
    for fmt in ("table", "json"):
        result = runner.invoke(cli, ["--db", db, "report", "--format", fmt, *args])
        assert result.exit_code == 2
        assert one_line(result) == message
        assert result.stdout == ""


def test_report_of_a_known_agency_and_period_is_not_refused(runner, db):
    assert len(commitments(runner, db, "--agency", "佛山市民政局", "--period", "2024")) == 32
    assert commitments(runner, db, "--period", "2023") == []  # a summary's year: known, no plan for it


def test_match_with_an_unknown_agency_is_refused_and_changes_nothing(runner, db, tmp_path):
    before = dump(tmp_path / db)
    result = runner.invoke(cli, ["--db", db, "match", "--agency", "不存在局"])
    assert result.exit_code == 2
    assert one_line(result) == "tracker: unknown agency '不存在局' (use one of 佛山市民政局)"
    assert dump(tmp_path / db) == before


def test_an_unknown_agency_in_an_empty_database_says_to_ingest_first(runner):
    assert runner.invoke(cli, ["--db", "empty.db", "ingest", "nowhere.txt"]).exit_code == 1
    result = runner.invoke(cli, ["--db", "empty.db", "report", "--agency", "佛山市民政局"])
    assert result.exit_code == 2
    assert one_line(result) == (
        "tracker: unknown agency '佛山市民政局' (the database holds no document yet; run 'tracker ingest PATH')"
    )


def test_import_annotations_takes_a_status_by_its_label(runner, db, tmp_path):
    first = commitments(runner, db)[0]["id"]
    assert (
        runner.invoke(cli, ["--db", db, "annotate", "status", first, "partial", "--reviewer", "li"]).exit_code
        == 0
    )
    exported = runner.invoke(cli, ["--db", db, "export-annotations"])
    line = json.loads(exported.output.splitlines()[0])
    assert line["value"] == "partial"
    line["value"], line["reviewer"] = "无法核查", "wang"
    (tmp_path / "typed.jsonl").write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    applied = runner.invoke(cli, ["--db", db, "import-annotations", "typed.jsonl", "--force"])
    assert applied.exit_code == 0, applied.output + applied.stderr
    shown = {c["id"]: c for c in commitments(runner, db)}[first]
    assert (shown["status"], shown["status_reviewer"]) == ("unverifiable", "wang")

    line["value"] = "做完了"
    (tmp_path / "bad.jsonl").write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    refused = runner.invoke(cli, ["--db", db, "import-annotations", "bad.jsonl"])
    assert refused.exit_code == 1
    assert "unknown status '做完了' (use one of fulfilled 已兑现" in one_line(refused)


def test_a_gold_status_line_may_name_the_status_by_its_label(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps({"set": "t", "commitment": "深化婚俗改革", "status": "已兑现"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    (line,) = load_gold([str(gold)])
    assert line.status == "fulfilled"


README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_readme_tells_the_statuses_apart_near_the_top():
    statuses = _section("Statuses")
    assert README.index("\n## Statuses\n") < README.index("\n## Commands\n")
    for status, label in STATUS_LABELS.items():
        assert (
            f"| {label} | `{status}` | {STATUS_MEANINGS[status][0]} | {STATUS_MEANINGS[status][1]} |"
            in statuses
        )
    assert "".join(STATUS_DISTINCTION[0].split()) in "".join(statuses.split())


def test_the_readme_sets_up_for_use_in_one_block_and_for_testing_in_another():
    setup = _section("Set up")
    first_block = [line.strip() for line in setup.splitlines() if line.startswith("    ")][:2]
    assert first_block == [
        "python3 -m venv .venv && . .venv/bin/activate && pip install -e .",
        "tracker demo",
    ]
    assert "[test]" not in setup and "pytest" not in setup
    for outside in ("../shared", "SPEC", "dev-benchmark"):
        assert outside not in setup and outside not in _section("Statuses")
    # .ci/run runs the first line that starts with "python -m pytest": the contributors' block has it
    first_pytest = next(line for line in README.splitlines() if line.strip().startswith("python -m pytest"))
    assert first_pytest.strip() == "python -m pytest -n auto" and first_pytest in _section("Developing")
    assert "pip install -e '.[test]' -c .ci/constraints.txt" in _section("Developing")
