"""The detail screen shows a commitment's lead unit beside its deadline, as a task table states them."""

from __future__ import annotations

from office_files import task_docx
from pilot import open_detail, screen_name

from tracker.ingest.pipeline import parse_file
from tracker.store.documents import save_document
from tracker.store.engine import make_engine, write_session
from tracker.tui.app import TrackerApp


async def test_the_detail_shows_the_lead_unit_on_the_deadline_line(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'tasks.db'}")
    with write_session(engine) as session:
        save_document(session, parse_file(task_docx(tmp_path / "tasks.docx"), display_path="tasks.docx"))
    app = TrackerApp(engine, reviewer="li")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_detail(pilot, block_row=1)
        assert screen_name(app) == "DetailScreen"
        painted = app.export_screenshot().replace("&#160;", " ")
    assert "期限 deadline: 2024年12月底  牵头 lead unit: 市民政局" in painted
    # the target as written: 不少于 says the floor already, no ≥ in front of it
    assert "目标 targets: 不少于20家  期限" in painted
