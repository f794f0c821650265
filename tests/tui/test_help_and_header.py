"""The review UI explains itself: ``?`` shows what each status means and who sets it, below the keys,
scrolled by the arrows at 80×24; the header names the database that is open."""

from __future__ import annotations

import io
from pathlib import Path

from pilot import open_detail, screen_name, settle
from rich.console import Console
from textual.containers import VerticalScroll
from textual.widgets import Static
from textual.widgets._header import HeaderTitle

from tracker.statuses import STATUS_DISTINCTION, STATUS_LABELS, STATUS_MEANINGS, STATUS_SET_BY
from tracker.store.engine import make_engine
from tracker.tui.app import TrackerApp


def _app(db: Path, **options) -> TrackerApp:
    return TrackerApp(make_engine(f"sqlite:///{db}"), reviewer="tester", **options)


def _text(renderable, width: int = 200) -> str:
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


async def test_help_tells_what_each_status_means_and_who_sets_it(review_db):
    app = _app(review_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_detail(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert screen_name(app) == "HelpScreen"
        table = app.screen.query_one("#help-statuses", Static).content
        shown = "".join(_text(table).split())
        for status, label in STATUS_LABELS.items():
            assert label in shown and status in shown
            assert "".join(STATUS_MEANINGS[status][0].split()) in shown
        distinction = _text(app.screen.query_one("#help-distinction", Static).content)
        assert "".join(distinction.split()) == "".join(
            STATUS_DISTINCTION[0].split()
        )  # 未见佐证 ≠ 未兑现 ≠ 无法核查
        set_by = [str(cell) for cell in table.columns[2].cells]  # a narrow column: its cells fold
        assert set_by[: len(STATUS_SET_BY)] == [who for who, _ in STATUS_SET_BY.values()]
        await pilot.press("escape")
        assert screen_name(app) == "DetailScreen"


async def test_at_80x24_the_arrows_scroll_the_help_down_to_the_statuses(review_db):
    app = _app(review_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        dialog = app.screen.query_one("#dialog", VerticalScroll)
        statuses = app.screen.query_one("#help-distinction", Static)  # the last thing shown
        assert dialog.has_focus and dialog.max_scroll_y > 0
        assert statuses.region.bottom > dialog.region.bottom  # not all of it fits at first
        for _ in range(dialog.max_scroll_y):
            await pilot.press("down")
        await pilot.pause()
        assert dialog.scroll_y == dialog.max_scroll_y
        assert statuses.region.bottom <= dialog.region.bottom  # its end scrolled into view
        await pilot.press("q")
        assert screen_name(app) == "OverviewScreen"


async def test_the_header_names_the_database_open(review_db):
    app = _app(review_db, database="tracker-demo.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        title = _text(app.screen.query_one(HeaderTitle).render(), width=80)
        assert "tracker 承诺落实审核" in title and "tracker-demo.db" in title
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "CommitmentsScreen"
        assert "tracker-demo.db" in _text(app.screen.query_one(HeaderTitle).render(), width=80)


def test_a_server_database_is_named_by_host_and_name_never_its_password(tmp_path):
    from tracker.store.engine import database_label

    assert database_label("postgresql+psycopg://li:secret@db.example:5432/tracker") == (
        "postgresql db.example:5432/tracker"
    )
    assert database_label("sqlite:///tracker-demo.db") == "tracker-demo.db"
    assert database_label(f"sqlite:///{tmp_path / 'x' / 'review.db'}", cwd=tmp_path) == "x/review.db"
    assert database_label("sqlite:///:memory:") == "内存 in-memory"
