"""The garbage collector while the review holds 100,000 rows: it waits while a worker reads them, what a
whole reading produced is kept out of later collections, and nothing stays frozen once the app ends."""

from __future__ import annotations

import gc

from pilot import settle

from tracker.store.engine import make_engine
from tracker.tui import heap
from tracker.tui.app import TrackerApp


def test_collection_waits_until_the_last_worker_reading_is_done():
    assert gc.isenabled()
    with heap.reading():
        with heap.reading():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the other worker still reads
    assert gc.isenabled()


def test_what_a_whole_reading_made_is_left_out_of_collections_until_released():
    with heap.reading(settle=True):
        rows = [[n] for n in range(1000)]
    assert gc.get_freeze_count() >= len(rows)
    heap.released()
    assert gc.get_freeze_count() == 0 and gc.isenabled()


async def test_the_app_leaves_nothing_frozen_and_collection_on(review_db):
    app = TrackerApp(make_engine(f"sqlite:///{review_db}"), reviewer="tester")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.loaded and app.history is not None
        assert gc.get_freeze_count() > 0  # the rows and the history are out of the collector's way
    assert gc.get_freeze_count() == 0 and gc.isenabled()
