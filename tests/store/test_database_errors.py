"""A locked or unreachable database is a TrackerError with the fix, on every path a user takes."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner
from factories import make_document

from tracker.cli.main import cli
from tracker.errors import StoreError, TrackerError
from tracker.review import decisions
from tracker.store import engine as engine_module
from tracker.store.documents import save_document
from tracker.store.engine import hint_for, make_engine, read_session, write_session
from tracker.store.queries import list_commitments


@pytest.fixture
def locked_db(tmp_path, monkeypatch):
    """A SQLite file with one commitment, whose write lock another connection holds."""
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "locked.db"
    engine = make_engine(f"sqlite:///{path}")
    with write_session(engine) as session:
        save_document(session, make_document("plan.txt", plan=["打造100个长者饭堂示范点"], plan_period=2024))
    with read_session(engine) as session:
        commitment = list_commitments(session)[0].id
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield engine, path, commitment
    holder.rollback()
    holder.close()
    engine.dispose()


def test_a_write_to_a_locked_database_is_a_store_error_with_a_hint(locked_db):
    engine, _path, commitment = locked_db
    with pytest.raises(StoreError) as raised, write_session(engine) as session:
        decisions.set_status(session, commitment, "partial", reviewer="li")
    assert "database is locked" in str(raised.value)
    assert raised.value.hint is not None and "another process holds the database" in raised.value.hint
    assert isinstance(raised.value, TrackerError)


def test_annotate_on_a_locked_database_says_so_in_one_line(locked_db):
    _engine, path, commitment = locked_db
    result = CliRunner().invoke(cli, ["--db", str(path), "annotate", "status", commitment, "partial"])
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert result.output.count("\n") == 1
    assert "another process holds the database" in result.output


def test_an_unreachable_server_says_what_to_check():
    with pytest.raises(StoreError) as raised:
        make_engine("postgresql+psycopg://tracker@127.0.0.1:1/tracker")
    assert raised.value.hint is not None and "cannot be reached" in raised.value.hint


@pytest.mark.parametrize(
    "message, expected",
    [
        ("database is locked", "another process"),
        ('connection to server at "db" failed: Connection refused', "cannot be reached"),
        ('connection is bad: connection to server on socket "/s/.s.PGSQL.5432" failed', "cannot be reached"),
        ("consuming input failed: server closed the connection unexpectedly", "cannot be reached"),
        ("attempt to write a readonly database", "permissions"),
        ("database or disk is full", "disk is full"),
        ("no such table: commitment", None),
    ],
)
def test_each_known_driver_message_gets_its_hint(message, expected):
    hint = hint_for(message)
    assert (hint is None) if expected is None else (expected in hint)
