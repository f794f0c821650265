"""Bad input an adversarial test found reported as "internal error (a bug)": each is now one line that
names the problem, a non-zero exit, and the database unchanged."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from factories import make_document

from tracker.store.documents import save_document
from tracker.store.engine import make_engine, write_session


def tracker(*args: str | bytes) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "tracker.cli", *args], capture_output=True, timeout=120, check=False
    )
    result.stdout = result.stdout.decode("utf-8", "replace")
    result.stderr = result.stderr.decode("utf-8", "replace")
    return result


def one_line(result: subprocess.CompletedProcess) -> bool:
    return (
        result.returncode not in (0, 70)
        and result.stderr.count("\n") == 1
        and "internal error" not in result.stderr
        and "Traceback" not in result.stderr
    )


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "t.db"
    engine = make_engine(f"sqlite:///{path}")
    with write_session(engine) as session:
        save_document(session, make_document("plan.txt", plan=["打造100个长者饭堂示范点"], plan_period=2024))
    engine.dispose()
    return path


def test_json_nested_too_deeply_in_a_report_to_diff(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000, encoding="utf-8")
    result = tracker("diff", str(deep), str(deep))
    assert one_line(result) and "nested too deeply" in result.stderr


def test_a_lone_surrogate_in_a_report_to_diff_is_shown_as_a_replacement(tmp_path):
    rows = [{"id": "c-1", "status": "pending", "text": "承诺\ud800", "agency": "x", "period": 2024}]
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps({"commitments": rows}), encoding="utf-8")
    new.write_text(json.dumps({"commitments": [rows[0] | {"status": "fulfilled"}]}), encoding="utf-8")
    for fmt in ("table", "md", "json"):
        result = tracker("diff", str(old), str(new), "--format", fmt)
        assert result.returncode == 0, result.stderr
        assert "承诺\ufffd" in result.stdout or "\\ufffd" in result.stdout


@pytest.mark.parametrize("period", ["1000000000000000000000000000000", "-5", "abc"])
@pytest.mark.parametrize("command", ["report", "match"])
def test_a_period_out_of_range_is_a_usage_line(db, command, period):
    result = tracker("--db", str(db), command, "--period", period)
    assert one_line(result) and result.returncode == 2


def test_an_argument_that_is_not_utf8_is_a_usage_line(db):
    result = tracker("--db", str(db), "report", "--agency", b"\xff\xfe")
    assert one_line(result) and "not valid UTF-8" in result.stderr


def test_a_dropped_table_is_one_line(db):
    with sqlite3.connect(db) as connection:
        connection.execute("DROP TABLE candidate")
    result = tracker("--db", str(db), "report")
    assert one_line(result) and "no such table" in result.stderr


def _exported_line(db: Path, tmp_path: Path) -> dict:
    report = json.loads(tracker("--db", str(db), "report", "--format", "json").stdout)
    commitment = report["commitments"][0]["id"]
    assert (
        tracker("--db", str(db), "annotate", "status", commitment, "partial", "--reviewer", "li").returncode
        == 0
    )
    exported = tmp_path / "ex.jsonl"
    assert tracker("--db", str(db), "export-annotations", "-o", str(exported)).returncode == 0
    return json.loads(exported.read_text(encoding="utf-8").splitlines()[0])


@pytest.mark.parametrize(
    "change, message",
    [
        ({"commitment_id": "c-none", "period": 10**30}, "not a year"),
        ({"created_at": "0001-01-01T00:00:00+14:00"}, "not an ISO time"),
    ],
)
def test_an_import_line_out_of_range_is_one_line(db, tmp_path, change, message):
    line = _exported_line(db, tmp_path) | change
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(line) + "\n", encoding="utf-8")
    before = db.read_bytes()
    result = tracker("--db", str(db), "import-annotations", str(bad))
    assert one_line(result) and message in result.stderr and "bad.jsonl:1" in result.stderr
    assert db.read_bytes() == before


@pytest.mark.parametrize("command", ["import-annotations", "eval"])
def test_json_nested_too_deeply_in_a_lines_file(db, tmp_path, command):
    deep = tmp_path / "deep.jsonl"
    deep.write_text("[" * 100_000 + "\n", encoding="utf-8")
    result = tracker("--db", str(db), command, str(deep))
    assert one_line(result) and "nested too deeply" in result.stderr
