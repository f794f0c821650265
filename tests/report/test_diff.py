"""Comparing two JSON reports: status changes with labels, commitments in one report only, counts per
transition; the same data as a table, JSON and Markdown; a bad file is one line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tracker.cli.main import cli
from tracker.report.diff import diff_reports, render_diff_markdown, summary_line


def commitment(cid: str, status: str, text: str = "", source: str = "auto") -> dict:
    return {
        "id": cid,
        "agency": "广州市民政局",
        "period": 2024,
        "text": text or f"承诺{cid}",
        "status": status,
        "status_source": source,
        "evidence": [],
    }


OLD = {
    "generated_at": "2026-01-01T00:00:00Z",
    "commitments": [
        commitment("c-1", "pending"),
        commitment("c-2", "pending"),
        commitment("c-3", "in_progress"),
        commitment("c-4", "fulfilled"),
        commitment("c-5", "no_evidence", "只在旧报告"),
    ],
    "achievements": [],
}
NEW = {
    "generated_at": "2026-06-01T00:00:00Z",
    "commitments": [
        commitment("c-6", "partial", "只在新报告"),
        commitment("c-3", "not_fulfilled", source="reviewer"),
        commitment("c-2", "fulfilled"),
        commitment("c-1", "fulfilled"),
        commitment("c-4", "fulfilled", source="reviewer"),
    ],
    "achievements": [],
}


def test_changes_lone_commitments_and_transitions():
    diff = diff_reports(OLD, NEW)
    assert [(c["id"], c["old_status"], c["new_status"]) for c in diff["changed"]] == [
        ("c-3", "in_progress", "not_fulfilled"),
        ("c-2", "pending", "fulfilled"),
        ("c-1", "pending", "fulfilled"),
    ]  # in the new report's order
    third = diff["changed"][0]
    assert (third["old_label"], third["new_label"], third["old_source"], third["new_source"]) == (
        "推进中",
        "未兑现",
        "auto",
        "reviewer",
    )
    assert third["text"] == "承诺c-3" and third["agency"] == "广州市民政局" and third["period"] == 2024
    assert diff["unchanged"] == 1  # c-4: only its source changed
    assert diff["only_old"] == [
        {
            "id": "c-5",
            "agency": "广州市民政局",
            "period": 2024,
            "text": "只在旧报告",
            "status": "no_evidence",
            "label": "未见佐证",
        }
    ]
    assert [(c["id"], c["status"], c["label"]) for c in diff["only_new"]] == [("c-6", "partial", "部分兑现")]
    assert [(t["old_status"], t["new_status"], t["count"]) for t in diff["transitions"]] == [
        ("in_progress", "not_fulfilled", 1),
        ("pending", "fulfilled", 2),
    ]  # in the order of the status vocabulary
    assert diff["transitions"][1]["old_label"] == "待核查" and diff["transitions"][1]["new_label"] == "已兑现"
    assert (diff["old"], diff["new"]) == (
        {"generated_at": "2026-01-01T00:00:00Z", "commitments": 5},
        {"generated_at": "2026-06-01T00:00:00Z", "commitments": 5},
    )
    assert (
        summary_line(diff)
        == "3 changed, 1 unchanged, 1 only in old, 1 only in new (old 5 commitments, new 5)"
    )


def test_identical_reports_have_no_change():
    diff = diff_reports(OLD, OLD)
    assert (diff["changed"], diff["only_old"], diff["only_new"], diff["transitions"]) == ([], [], [], [])
    assert diff["unchanged"] == 5
    assert render_diff_markdown(diff).splitlines()[2] == summary_line(diff)


def test_markdown_escapes_pipes_and_shows_labels():
    old = {"commitments": [commitment("c-1", "pending", "甲|乙")]}
    new = {"commitments": [commitment("c-1", "partial", "甲|乙")]}
    text = render_diff_markdown(diff_reports(old, new))
    assert "| 待核查 `pending` | 部分兑现 `partial` | 1 |" in text
    assert "| c-1 | 广州市民政局 | 2024 | 甲\\|乙 | 待核查 `pending` | 部分兑现 `partial` |" in text


# --- tracker diff ----------------------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.json").write_text(json.dumps(OLD, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "new.json").write_text(json.dumps(NEW, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def test_cli_json_is_the_diff(files):
    result = CliRunner().invoke(cli, ["diff", "old.json", "new.json", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.output) == diff_reports(OLD, NEW)


def test_cli_table_shows_ids_labels_and_counts(files, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    result = CliRunner().invoke(cli, ["diff", "old.json", "new.json"])
    assert result.exit_code == 0, result.stderr
    lines = result.output.splitlines()
    assert lines[0] == "3 changed, 1 unchanged, 1 only in old, 1 only in new (old 5 commitments, new 5)"
    assert any("待核查 pending" in line and "已兑现 fulfilled" in line and "2" in line for line in lines)
    assert any("c-3" in line and "推进中 in_progress → 未兑现 not_fulfilled" in line for line in lines)
    assert any("c-5" in line and "只在旧报告" in line and "未见佐证 no_evidence" in line for line in lines)
    assert any("c-6" in line and "只在新报告" in line and "部分兑现 partial" in line for line in lines)


def test_cli_markdown_to_a_file(files):
    result = CliRunner().invoke(cli, ["diff", "old.json", "new.json", "--format", "md", "-o", "changes.md"])
    assert (result.exit_code, result.output) == (0, "")
    text = (files / "changes.md").read_text(encoding="utf-8")
    assert text.startswith("# Status changes\n")
    assert "| 待核查 `pending` | 已兑现 `fulfilled` | 2 |" in text
    assert "## Only in old" in text and "## Only in new" in text


def test_cli_table_to_a_file_is_plain_text(files):
    result = CliRunner().invoke(cli, ["diff", "old.json", "new.json", "-o", "changes.txt"])
    assert result.exit_code == 0, result.stderr
    text = (files / "changes.txt").read_text(encoding="utf-8")
    assert "\x1b[" not in text and "推进中 in_progress → 未兑现 not_fulfilled" in text


@pytest.mark.parametrize(
    "content, problem",
    [
        ("{not json", "not valid JSON (line 1: Expecting property name enclosed in double quotes)"),
        ("[1, 2]", "not a JSON report: no 'commitments' list"),
        ('{"commitments": [{"id": "c-1"}]}', "commitment 1 has no 'id' and 'status'"),
    ],
)
def test_a_bad_report_is_one_line(files, content, problem):
    (files / "bad.json").write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["diff", "old.json", "bad.json"])
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line == f"tracker: bad.json: {problem} (use a file from 'tracker report --format json')"


def test_a_missing_or_undecodable_report_is_one_line(files):
    missing = CliRunner().invoke(cli, ["diff", "old.json", "nowhere.json"])
    assert (missing.exit_code, missing.stderr) == (1, "tracker: nowhere.json: no such file\n")
    (files / "gbk.json").write_bytes(b'{"commitments": "\xff\xfe"}')
    undecodable = CliRunner().invoke(cli, ["diff", "gbk.json", "new.json"])
    assert undecodable.exit_code == 1
    assert undecodable.stderr.startswith("tracker: gbk.json: not UTF-8")


def test_cli_between_two_reports_of_a_database(files):
    from factories import make_document

    from tracker.store.documents import save_document
    from tracker.store.engine import make_engine, write_session
    from tracker.store.queries import list_commitments

    engine = make_engine("sqlite:///review.db")
    with write_session(engine) as session:
        save_document(
            session, make_document("plan.txt", plan=["建成长者饭堂示范点100个", "出台养老服务条例"])
        )
        first = list_commitments(session)[0]
    engine.dispose()
    runner = CliRunner()
    assert (
        runner.invoke(cli, ["--db", "review.db", "report", "--format", "json", "-o", "a.json"]).exit_code == 0
    )
    decided = runner.invoke(
        cli, ["--db", "review.db", "annotate", "status", first.id, "partial", "--reviewer", "li"]
    )
    assert decided.exit_code == 0, decided.stderr
    assert (
        runner.invoke(cli, ["--db", "review.db", "report", "--format", "json", "-o", "b.json"]).exit_code == 0
    )
    result = runner.invoke(cli, ["diff", "a.json", "b.json", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    diff = json.loads(result.output)
    assert [
        (c["id"], c["text"], c["old_status"], c["new_status"], c["new_source"]) for c in diff["changed"]
    ] == [(first.id, first.text, "pending", "partial", "reviewer")]
    assert (diff["unchanged"], diff["only_old"], diff["only_new"]) == (1, [], [])
    assert diff["transitions"] == [
        {
            "old_status": "pending",
            "old_label": "待核查",
            "new_status": "partial",
            "new_label": "部分兑现",
            "count": 1,
        }
    ]
