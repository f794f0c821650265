"""Snapshots of the three screens (pytest-textual-snapshot): overview, commitment list and detail at
80×24, the detail also wide in the light theme. The SVGs under __snapshots__ were checked by eye;
``python -m pytest tests/tui --snapshot-update`` rewrites them after an intended change."""

from __future__ import annotations

from pilot import settle

from tracker.store.engine import make_engine
from tracker.tui.app import TrackerApp


def _app(db, **options) -> TrackerApp:
    return TrackerApp(make_engine(f"sqlite:///{db}"), reviewer="tester", **options)


async def _overview(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("down", "down")  # 佛山市民政局 2024: its chart below


async def _list(pilot) -> None:  # type: ignore[no-untyped-def]
    await _overview(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def _detail(pilot) -> None:  # type: ignore[no-untyped-def]
    await _list(pilot)
    await pilot.press("j", "j", "j", "j", "enter")  # a commitment with a numeric target
    await settle(pilot)


def test_overview_80x24(snap_compare, review_db):
    assert snap_compare(_app(review_db), terminal_size=(80, 24), run_before=_overview)


def test_commitment_list_80x24(snap_compare, review_db):
    assert snap_compare(_app(review_db), terminal_size=(80, 24), run_before=_list)


def test_detail_80x24(snap_compare, review_db):
    assert snap_compare(_app(review_db), terminal_size=(80, 24), run_before=_detail)


def test_detail_wide_light_blind(snap_compare, review_db):
    async def light_detail(pilot) -> None:  # type: ignore[no-untyped-def]
        await _detail(pilot)
        await pilot.press("t")

    assert snap_compare(_app(review_db, blind=True), terminal_size=(140, 36), run_before=light_detail)
