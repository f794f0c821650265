"""A database on a read-only file system can still be read: reports work, writes are one clear line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from factories import make_document

from tracker.store.documents import save_document
from tracker.store.engine import make_engine, write_session


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True, check=False).returncode == 0


@pytest.fixture
def read_only_db(tmp_path) -> Path:
    """A tracker database on a tmpfs remounted read-only (skipped where mounting is not allowed)."""
    built = tmp_path / "built.db"
    engine = make_engine(f"sqlite:///{built}")
    with write_session(engine) as session:
        save_document(session, make_document("plan.txt", plan=["打造100个长者饭堂示范点"], plan_period=2024))
    engine.dispose()
    mount = tmp_path / "ro"
    mount.mkdir()
    if shutil.which("mount") is None or not _mount("-t", "tmpfs", "tmpfs", str(mount)):
        pytest.skip("mounting a file system is not allowed here")
    try:
        shutil.copy(built, mount / "t.db")
        assert _mount("-o", "remount,ro", str(mount))
        yield mount / "t.db"
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def tracker(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tracker.cli", *args], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("fmt", ["table", "json", "md"])
def test_reports_read_a_database_on_a_read_only_file_system(read_only_db, fmt):
    result = tracker("--db", str(read_only_db), "report", "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert "广州市民政局" in result.stdout


def test_a_write_to_it_is_one_line_saying_why(read_only_db):
    report = tracker("--db", str(read_only_db), "report", "--format", "json")
    commitment = report.stdout.split('"id": "', 1)[1].split('"', 1)[0]
    result = tracker("--db", str(read_only_db), "annotate", "note", commitment, "看过")
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "readonly" in result.stderr and "cannot be written here" in result.stderr
