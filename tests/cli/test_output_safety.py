"""Nothing lost through an output option, nothing injected through a field: the regressions of an
adversarial test of the command line (each failed before its fix)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from factories import make_document

from tracker.cli.main import cli
from tracker.store.documents import save_document
from tracker.store.engine import make_engine, write_session

ESC = "\x1b"
HOSTILE = f"看过{ESC}[2J{ESC}]52;c;cm0gLXJmIH4=\x07{ESC}]0;pwned\x07了"
BIDI = "备注\u202eexe.txt"


def tracker(*args: str, stdout=None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``tracker ARGS`` in a fresh process (stdout/stderr captured unless ``stdout`` is given)."""
    return subprocess.run(
        [sys.executable, "-m", "tracker.cli", *args],
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


@pytest.fixture
def db(tmp_path) -> Path:
    """A SQLite database with one plan commitment of 广州 2024 and a summary of that year."""
    path = tmp_path / "w" / "self.db"
    path.parent.mkdir()
    engine = make_engine(f"sqlite:///{path}")
    with write_session(engine) as session:
        save_document(session, make_document("plan.txt", plan=["打造100个长者饭堂示范点"], plan_period=2024))
        save_document(session, make_document("sum.txt", summary=["建成长者饭堂120个"], summary_period=2024))
    engine.dispose()
    return path


def digest(path: Path) -> str:
    """The database's content (every row of every table), whatever its WAL holds."""
    with sqlite3.connect(path) as connection:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        rows = [sorted(map(repr, connection.execute(f'SELECT * FROM "{t}"'))) for t in sorted(tables)]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def commitment_id(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        return str(connection.execute("SELECT id FROM commitment").fetchone()[0])


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--format", "json", "-o", "{db}"],
        ["report", "--format", "md", "-o", "{dir}/../w/self.db"],
        ["report", "-o", "{db}-wal"],
        ["report", "--format", "csv", "-o", "{link}"],
        ["export-annotations", "-o", "{db}"],
        ["diff", "{old}", "{old}", "-o", "{db}"],
    ],
)
def test_an_output_that_is_the_database_is_refused(db, tmp_path, args):
    runner = CliRunner()
    old = tmp_path / "old.json"
    assert runner.invoke(cli, ["--db", str(db), "report", "--format", "json", "-o", str(old)]).exit_code == 0
    link = tmp_path / "link.json"
    link.symlink_to(db)
    before = digest(db)
    filled = [a.format(db=db, dir=db.parent, link=link, old=old) for a in args]
    result = runner.invoke(cli, ["--db", str(db), *filled])
    assert result.exit_code == 2, result.output
    assert "refusing to write" in result.output and "it is the database" in result.output
    assert digest(db) == before


def test_a_failed_write_leaves_the_previous_file_whole(db, tmp_path, monkeypatch):
    out = tmp_path / "report.json"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(db), "report", "--format", "json", "-o", str(out)]).exit_code == 0
    previous = out.read_bytes()

    def full_disk(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tracker.cli.plumbing.os.fsync", full_disk)
    result = runner.invoke(cli, ["--db", str(db), "report", "--format", "md", "-o", str(out)])
    assert result.exit_code == 1 and "No space left on device" in result.output
    assert out.read_bytes() == previous
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".report")) == []


def test_an_output_through_a_symlink_writes_the_file_it_names(db, tmp_path):
    target = tmp_path / "real.md"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    result = CliRunner().invoke(cli, ["--db", str(db), "report", "--format", "md", "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and target.read_text(encoding="utf-8").startswith("#")


def test_escape_sequences_in_notes_and_reviewer_names_are_never_stored(db):
    cid = commitment_id(db)
    result = CliRunner().invoke(
        cli, ["--db", str(db), "annotate", "note", cid, HOSTILE, "--reviewer", f"li{ESC}[31m"]
    )
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as connection:
        value, reviewer = connection.execute("SELECT value, reviewer FROM decision").fetchone()
    assert value == "看过了" and reviewer == "li"


def _smuggle(db: Path) -> None:
    """What an older version (or another tool) may have left: raw escapes in stored fields."""
    with sqlite3.connect(db) as connection:
        cid = connection.execute("SELECT id FROM commitment").fetchone()[0]
        connection.execute(
            "INSERT INTO decision (commitment_id, action, value, reviewer, created_at, commitment_text) "
            "VALUES (?, 'note', ?, ?, '2026-01-01 00:00:00', '')",
            (cid, HOSTILE + BIDI, f"li{ESC}]0;title\x07"),
        )
        connection.execute("UPDATE commitment SET agency = ?", (f"广州市民政局{ESC}[2J\u202e",))


@pytest.mark.parametrize("fmt", ["table", "md", "csv", "html", "json"])
def test_no_report_format_lets_an_escape_sequence_through(db, fmt):
    _smuggle(db)
    result = tracker("--db", str(db), "report", "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert ESC not in result.stdout and "\x07" not in result.stdout and "\x9b" not in result.stdout
    assert "广州市民政局" in result.stdout or "\\u5e7f" in result.stdout  # the agency, cleaned


@pytest.mark.parametrize("fmt", ["md", "html", "table"])
def test_bidi_overrides_are_shown_not_obeyed(db, fmt):
    _smuggle(db)
    result = tracker("--db", str(db), "report", "--format", fmt)
    assert "\u202e" not in result.stdout and "⟨U+202E⟩" in result.stdout


@pytest.mark.parametrize("fmt", ["table", "md", "json"])
def test_diff_of_hostile_reports_prints_no_escape_and_no_traceback(tmp_path, fmt):
    row = {"id": "c-1", "agency": f"[/]{ESC}[2J", "period": 2024, "text": 12345, "status": "pending"}
    old = tmp_path / "old.json"
    new = tmp_path / "new.json"
    old.write_text(json.dumps({"commitments": [row]}), encoding="utf-8")
    new.write_text(
        json.dumps({"commitments": [row | {"status": "fulfilled", "text": HOSTILE}]}), encoding="utf-8"
    )
    result = tracker("diff", str(old), str(new), "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert ESC not in result.stdout and "Traceback" not in result.stderr
    assert "[/]" in result.stdout


def test_a_password_in_the_database_url_is_never_printed():
    result = tracker("--db", "postgresql+psycopg://li:s3cret@127.0.0.1:1/tracker", "report")
    assert result.returncode == 1
    assert "s3cret" not in result.stderr and "li:***@" in result.stderr


def test_a_bad_port_in_the_database_url_is_one_line():
    result = tracker("--db", "postgresql+psycopg://li:s3cret@127.0.0.1:notaport/tracker", "report")
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "internal error" not in result.stderr and "s3cret" not in result.stderr


def test_an_empty_reviewer_name_is_refused(db):
    before = digest(db)
    result = CliRunner().invoke(
        cli, ["--db", str(db), "annotate", "status", commitment_id(db), "partial", "--reviewer", ""]
    )
    assert result.exit_code == 2 and "reviewer name is empty" in result.output
    assert digest(db) == before


def test_a_report_to_a_closed_stdout_is_an_error(db):
    result = subprocess.run(
        ["bash", "-c", f'"{sys.executable}" -m tracker.cli --db "{db}" report >&-'],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 1 and "standard output is closed" in result.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_a_report_to_a_full_disk_is_one_line(db, fmt):
    with open("/dev/full", "w") as full:
        result = tracker("--db", str(db), "report", "--format", fmt, stdout=full)
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert "No space left on device" in result.stderr and "internal error" not in result.stderr


def test_a_bidi_override_in_a_file_name_is_shown_on_ingest(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "plan\u202etxt.txt").write_text(
        "2024年工作计划\n一、养老\n建成长者饭堂100个。\n", encoding="utf-8"
    )
    result = tracker(
        "--db", str(tmp_path / "b.db"), "ingest", "--agency", "广州市民政局", str(folder), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "\u202e" not in result.stdout and "plan⟨U+202E⟩txt.txt" in result.stdout
