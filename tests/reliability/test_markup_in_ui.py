"""Document text is never markup (issue #6 item 5): a commitment and an achievement holding rich/Textual
markup (``[bold red]x[/]``, a lone ``[/]``, ``[link=file:///etc/passwd]``) and HTML open in the review
UI's overview, list and detail without an error and are shown literally; the HTML report escapes them.
"""

from __future__ import annotations

from html import escape

from factories import make_document
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import ListView, Static

from tracker.report.html_report import render_html
from tracker.report.json_report import build_report
from tracker.review.matching import match_database
from tracker.store.documents import save_document
from tracker.store.engine import make_engine, read_session, write_session
from tracker.tui.app import TrackerApp
from tracker.tui.commitments import CommitmentTable

MARKUP = "[bold red]x[/] 与 [/] 与 [link=file:///etc/passwd]y[/link] 与 <script>alert(1)</script>"
PLAN = f"建成长者饭堂示范点100个{MARKUP}"
DONE = f"建成长者饭堂示范点120个{MARKUP}"
SECTION = "[b]一、养老服务[/b] > [/]"
LITERALS = ("[bold red]x[/]", "与 [/] 与", "[link=file:///etc/passwd]y[/link]", "<script>alert(1)</script>")


def _database(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'markup.db'}")
    plan = make_document("plan.txt", plan=[PLAN, "出台养老服务条例"])
    plan.parts[0].statements[0].section = SECTION
    with write_session(engine) as session:
        save_document(session, plan)
        save_document(session, make_document("sum.txt", summary=[DONE, "条例已出台"], summary_period=2024))
    match_database(engine)
    return engine


async def _settle(pilot: Pilot) -> None:
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def _painted(widget: Widget) -> str:
    """What the widget put on the screen, as plain text."""
    return "\n".join(
        "".join(segment.text for segment in widget.render_line(y)) for y in range(widget.size.height)
    )


def _no_link(widget: Widget) -> bool:
    return not any(
        segment.style is not None and segment.style.link
        for y in range(widget.size.height)
        for segment in widget.render_line(y)
    )


async def test_markup_in_document_text_is_shown_literally(tmp_path):
    app = TrackerApp(_database(tmp_path), reviewer="tester")
    async with app.run_test(size=(220, 50)) as pilot:
        await _settle(pilot)
        assert type(app.screen).__name__ == "OverviewScreen"
        await pilot.press("enter")  # 全部: every commitment
        await _settle(pilot)
        assert type(app.screen).__name__ == "CommitmentsScreen"
        table = app.screen.query_one(CommitmentTable)
        listed = _painted(table)
        assert "[bold red]x[/]" in listed and "[/]" in listed
        await pilot.press("enter")
        await _settle(pilot)
        assert type(app.screen).__name__ == "DetailScreen"
        screen = app.screen
        assert screen.detail is not None and screen.detail.commitment.text == PLAN
        shown = _painted(screen.query_one("#commitment", Static))
        for literal in LITERALS:
            assert literal in shown, literal
        assert SECTION in shown
        evidence = screen.query_one("#evidence", ListView)
        assert screen.detail.evidence and screen.detail.evidence[0].evidence.achievement.text == DONE
        first = _painted(evidence.children[0].query_one(Static))
        for literal in LITERALS[:3]:
            assert literal in first, literal
        assert _no_link(screen.query_one("#commitment", Static)) and _no_link(
            evidence.children[0].query_one(Static)
        )
        await pilot.press("escape", "escape")
        await _settle(pilot)
        assert type(app.screen).__name__ == "OverviewScreen"
    assert app.return_code in (None, 0)


def test_the_html_report_escapes_markup_and_script(tmp_path):
    engine = _database(tmp_path)
    with read_session(engine) as session:
        page = render_html(build_report(session))
    assert "<script" not in page.lower()
    assert escape(PLAN) in page.replace("<mark>", "").replace("</mark>", "")
    assert "[link=file:///etc/passwd]y[/link]" in page


async def test_an_agency_holding_markup_opens_the_overview(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'agency.db'}")
    with write_session(engine) as session:
        save_document(session, make_document("p.txt", plan=["建成长者饭堂100个"], agency="[/]局"))
    app = TrackerApp(engine, reviewer="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        assert "[/]局" in _painted(app.screen.query_one("#blocks"))
