"""Driving the review app in tests: open it on a database and wait until its workers are done."""

from __future__ import annotations

from textual.pilot import Pilot

from tracker.tui.app import TrackerApp


async def settle(pilot: Pilot) -> None:
    """Wait for every worker (loads, decisions) and the screen updates they schedule."""
    app = pilot.app
    for _ in range(4):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def open_detail(pilot: Pilot, block_row: int = 2, commitment_row: int = 0) -> None:
    """From the overview, open block ``block_row`` (0 is 全部) and then the commitment at ``commitment_row``."""
    await settle(pilot)
    for _ in range(block_row):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)
    for _ in range(commitment_row):
        await pilot.press("j")
    await pilot.press("enter")
    await settle(pilot)


def screen_name(app: TrackerApp) -> str:
    return type(app.screen).__name__
