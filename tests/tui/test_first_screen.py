"""The first screen at any size: the overview's counts come from the database before any row is read,
and a list opened meanwhile says it is reading, then fills."""

from __future__ import annotations

import asyncio
import io
import sqlite3
import threading

from rich.console import Console
from textual.widgets import DataTable, Select, Static

from tracker.review.desk import ReviewDesk
from tracker.store.engine import make_engine
from tracker.tui.app import TrackerApp


def _text(widget: Static) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


async def _until(condition, pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(500):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError("waited 5 s")


async def test_the_overview_is_counted_before_the_rows_are_read(review_db, monkeypatch):
    gate = threading.Event()
    worklist = ReviewDesk.worklist

    def slow(desk: ReviewDesk):  # type: ignore[no-untyped-def]
        gate.wait(20)  # the rows of a very large database, still being read
        return worklist(desk)

    monkeypatch.setattr(ReviewDesk, "worklist", slow)
    with sqlite3.connect(review_db) as connection:
        total = connection.execute("SELECT count(*) FROM commitment").fetchone()[0]
    app = TrackerApp(make_engine(f"sqlite:///{review_db}"), reviewer="tester")
    async with app.run_test(size=(120, 30)) as pilot:
        await _until(lambda: app.summaries is not None, pilot)
        await pilot.pause()
        assert not app.loaded
        assert app.screen.query_one("#blocks", DataTable).row_count > 1
        assert f"{total} 条承诺" in _text(app.screen.query_one("#overview-title", Static))
        await pilot.press("enter")  # 全部, before its rows are there
        assert "读取中" in _text(app.screen.query_one("#list-title", Static))
        gate.set()
        await _until(lambda: app.loaded, pilot)
        await asyncio.sleep(0)
        await pilot.pause()
        assert len(app.screen.shown) == total
        title = _text(app.screen.query_one("#list-title", Static))
        assert f"显示 {total} 条 · 已审 0/{total}" in title and "读取中" not in title
        topic = next(row.topic for row in app.rows if row.topic)
        app.screen.query_one("#topic", Select).value = topic  # offered: the topics read meanwhile
        await pilot.pause()
        assert app.screen.shown and {row.topic for row in app.screen.shown} == {topic}
