"""A database call that fails in a worker must be one error line for the reviewer (a decision: 未保存 not
saved), never a crash, with the app still running and the next key working."""

from __future__ import annotations

import io
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pilot import open_detail, screen_name, settle
from rich.console import Console
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select
from textual.widgets import Input, ListView, Static

from tracker.errors import StoreError
from tracker.store.engine import make_engine
from tracker.store.models import Decision, Retraction
from tracker.tui.app import TrackerApp


def _locked() -> OperationalError:
    """What SQLAlchemy raises when SQLite gives up waiting for another writer."""
    return OperationalError(
        "UPDATE link SET state=? WHERE id=?", ("confirmed", 1), sqlite3.OperationalError("database is locked")
    )


#: Whatever the desk may raise: a driver error SQLAlchemy passes on, the store's own, any other bug.
FAILURES = [
    pytest.param(_locked, "database is locked", id="operational-error"),
    pytest.param(
        lambda: StoreError("database is locked", "retry in a moment"),
        "database is locked (retry in a moment)",
        id="store-error",
    ),
    pytest.param(lambda: RuntimeError("boom"), "RuntimeError: boom", id="plain-exception"),
]


@pytest.fixture
def app(review_db: Path) -> Iterator[TrackerApp]:
    engine = make_engine(f"sqlite:///{review_db}")
    yield TrackerApp(engine, reviewer="tester")
    engine.dispose()


def _fail_once(
    monkeypatch: pytest.MonkeyPatch, app: TrackerApp, name: str, error: Callable[[], Exception]
) -> None:
    """Make ``app.desk.<name>`` raise ``error()`` on its next call only."""
    real = getattr(app.desk, name)
    calls: list[int] = []

    def flaky(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise error()
        return real(*args, **kwargs)

    monkeypatch.setattr(app.desk, name, flaky)


def _errors(app: TrackerApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


def _decisions(db: Path) -> list[Decision]:
    with Session(make_engine(f"sqlite:///{db}")) as session:
        return list(session.exec(select(Decision).order_by(Decision.id)).all())


def _retractions(db: Path) -> int:
    with Session(make_engine(f"sqlite:///{db}")) as session:
        return len(session.exec(select(Retraction)).all())


def _text(widget: Static) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


@pytest.mark.parametrize(("error", "said"), FAILURES)
async def test_a_decision_the_database_refuses_is_said_not_saved_and_the_next_key_works(
    app, review_db, monkeypatch, error, said
):
    async with app.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot)
        screen = app.screen
        _fail_once(monkeypatch, app, "take", error)
        await pilot.press("a")
        await settle(pilot)
        assert app.is_running and screen_name(app) == "DetailScreen"
        assert _errors(app) == [f"未保存 not saved: {said}"]
        assert _decisions(review_db) == []
        assert screen.query_one("#evidence", ListView).index == 0  # not moved on as if confirmed
        await pilot.press("a")
        await settle(pilot)
        assert [d.action for d in _decisions(review_db)] == ["confirm"]
        assert screen.query_one("#evidence", ListView).index == 1


async def test_a_status_that_was_not_saved_is_not_claimed_and_the_screen_stays(app, review_db, monkeypatch):
    async with app.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot)
        first = app.screen.commitment_id
        _fail_once(monkeypatch, app, "take", lambda: RuntimeError("boom"))
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("j")  # redraws the first line
        await settle(pilot)
        assert app.is_running and app.screen.commitment_id == first
        assert "已设为" not in _text(app.screen.query_one("#commitment", Static))
        assert _errors(app) == ["未保存 not saved: RuntimeError: boom"]
        await pilot.press("3")
        await settle(pilot)
        assert app.screen.commitment_id != first
        assert "上一条已设为 推进中" in _text(app.screen.query_one("#commitment", Static))


async def test_keys_queued_behind_a_failed_decision_are_dropped_not_run(app, review_db, monkeypatch):
    """An undo pressed right after a confirm must undo that confirm: when the confirm was not saved,
    the undo must not take back an older decision instead."""
    async with app.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot)
        await pilot.press("a")
        await settle(pilot)
        before = [(d.action, d.achievement_id) for d in _decisions(review_db)]
        real, started, release = app.desk.take, threading.Event(), threading.Event()

        def slow_then_locked(*args, **kwargs):  # type: ignore[no-untyped-def]
            started.set()
            release.wait(timeout=10)
            raise _locked()

        monkeypatch.setattr(app.desk, "take", slow_then_locked)
        await pilot.press("a")
        assert started.wait(timeout=10)
        await pilot.press("u")  # queued while the confirm waits for the lock
        monkeypatch.setattr(app.desk, "take", real)
        release.set()
        await settle(pilot)
        assert app.is_running
        assert [(d.action, d.achievement_id) for d in _decisions(review_db)] == before
        (said,) = _errors(app)
        assert said.startswith("未保存 not saved: database is locked") and "其后 1 个决定未执行" in said
        assert _retractions(review_db) == 0
        await pilot.press("u")  # pressed now, it takes back the confirm that was saved
        await settle(pilot)
        assert _retractions(review_db) == 1


async def test_a_locked_database_is_said_in_one_line_and_saving_works_once_it_is_free(review_db):
    engine = make_engine(f"sqlite:///{review_db}")

    @event.listens_for(engine, "connect")
    def _short_wait(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.execute("PRAGMA busy_timeout=50")  # after the tracker's own 5 s

    app = TrackerApp(engine, reviewer="tester")
    other = sqlite3.connect(review_db, isolation_level=None)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await open_detail(pilot)
            other.execute("BEGIN IMMEDIATE")  # a second writer holds the database
            await pilot.press("a")
            await settle(pilot)
            assert app.is_running
            (said,) = _errors(app)
            assert said.startswith("未保存 not saved: database is locked") and "\n" not in said
            other.execute("COMMIT")
            await pilot.press("a")
            await settle(pilot)
            assert [d.action for d in _decisions(review_db)] == ["confirm"]
    finally:
        other.close()
        engine.dispose()


@pytest.mark.parametrize(("error", "said"), FAILURES)
async def test_a_failed_first_load_is_said_and_r_loads_again(app, monkeypatch, error, said):
    _fail_once(monkeypatch, app, "worklist", error)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.is_running and not app.loaded
        assert _errors(app) == [f"读取失败 cannot read the database: {said}"]
        await pilot.press("r")
        await settle(pilot)
        assert app.loaded and len(app.rows) > 30


@pytest.mark.parametrize(("error", "said"), FAILURES)
async def test_a_failed_detail_read_is_said_and_the_next_key_reads_it(app, monkeypatch, error, said):
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        _fail_once(monkeypatch, app, "detail", error)
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running and screen_name(app) == "DetailScreen" and app.screen.detail is None
        assert _errors(app) == [f"读取失败 cannot read the database: {said}"]
        await pilot.press("r")  # re-reads the list and the commitment shown
        await settle(pilot)
        assert app.screen.detail is not None and app.screen.detail.row.id == app.screen.commitment_id


async def test_a_failed_search_in_the_link_picker_is_said_and_typing_searches_again(app, monkeypatch):
    async with app.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot)
        _fail_once(monkeypatch, app, "find", _locked)
        await pilot.press("l")
        await settle(pilot)
        assert app.is_running and screen_name(app) == "LinkPicker"
        assert _errors(app) == ["搜索失败 search failed: database is locked"]
        app.screen.query_one("#words", Input).value = "集体婚礼"
        await pilot.pause(0.3)
        await settle(pilot)
        assert "1 条 found" in _text(app.screen.query_one("#found-count", Static))
