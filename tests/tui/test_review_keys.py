"""The review UI driven key by key: every decision must be in the database the moment the key is pressed,
with the reviewer's name and a timestamp, and undo must restore exactly what was there before."""

from __future__ import annotations

import importlib
import io
import pkgutil
from pathlib import Path

from pilot import open_detail, screen_name, settle
from rich.console import Console
from sqlmodel import Session, select
from textual.widgets import DataTable, Input, ListView, Select, Static

import tracker.tui
from tracker.store.decision_log import reviewer_links, reviewer_statuses
from tracker.store.engine import make_engine
from tracker.store.models import CommitmentStatus, Decision, Retraction
from tracker.tui.app import TrackerApp

REVIEWER = "tester"


def _app(db: Path, reviewer: str = REVIEWER, **options) -> TrackerApp:
    return TrackerApp(make_engine(f"sqlite:///{db}"), reviewer=reviewer, **options)


def _decisions(db: Path) -> list[Decision]:
    with Session(make_engine(f"sqlite:///{db}")) as session:
        return list(session.exec(select(Decision).order_by(Decision.id)).all())


def _state(db: Path) -> tuple[dict, dict]:
    with Session(make_engine(f"sqlite:///{db}")) as session:
        return reviewer_links(session), reviewer_statuses(session)


def _line(widget, y: int) -> str:
    """Line ``y`` of a line-API widget as plain text."""
    return "".join(segment.text for segment in widget.render_line(y))


def _text(widget: Static) -> str:
    """What the widget shows, as plain text."""
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


async def test_overview_lists_each_block_with_status_counts_and_opens_its_list(review_db):
    app = _app(review_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#blocks", DataTable)
        cells = [str(cell) for cell in table.get_row_at(1)]
        assert cells[0] == "佛山市民政局" and cells[1] == "2024" and cells[2].strip() == "32"
        headers = [str(column.label) for column in table.columns.values()]
        assert "已兑现" in headers and "未见佐证" in headers
        assert "0/32" in str(table.get_row_at(1)[-1])
        chart = _text(app.screen.query_one("#topic-chart", Static))
        assert "养老服务" in chart and "█" in chart
        await pilot.press("down", "enter")
        await settle(pilot)
        assert screen_name(app) == "CommitmentsScreen"
        assert len(app.screen.shown) == 32


async def test_confirm_and_reject_write_the_log_at_once_and_move_to_the_next_evidence(review_db):
    app = _app(review_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot)
        screen = app.screen
        first = screen.detail.evidence[0].id
        commitment = screen.commitment_id
        await pilot.press("a")
        await settle(pilot)
        assert screen.query_one("#evidence", ListView).index == 1
        second = screen.detail.evidence[1].id
        await pilot.press("x")
        await settle(pilot)
        log = _decisions(review_db)
        assert [(d.action, d.commitment_id, d.achievement_id) for d in log] == [
            ("confirm", commitment, first),
            ("reject", commitment, second),
        ]
        assert all(d.reviewer == REVIEWER and d.created_at is not None for d in log)
        links, _statuses = _state(review_db)
        assert links[(commitment, first)] == "confirmed" and links[(commitment, second)] == "rejected"
        states = {item.id: item.evidence.state for item in screen.detail.evidence}
        assert states[first] == "confirmed" and states[second] == "rejected"
        assert screen.detail.row.decided


async def test_confirming_evidence_recomputes_the_automatic_status(review_db):
    app = _app(review_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot)
        screen = app.screen
        # Find a commitment the matcher left without evidence, then confirm its best candidate.
        while screen.detail.row.status != "no_evidence":
            await pilot.press("right_square_bracket")
            await settle(pilot)
        commitment = screen.commitment_id
        await pilot.press("a")
        await settle(pilot)
        assert screen.detail.row.status != "no_evidence"
        with Session(make_engine(f"sqlite:///{review_db}")) as session:
            assert session.get(CommitmentStatus, commitment).status == screen.detail.row.status


async def test_status_chooser_sets_the_status_and_moves_to_the_next_undecided(review_db):
    app = _app(review_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot)
        first = app.screen.commitment_id
        await pilot.press("s")
        await pilot.pause()
        assert screen_name(app) == "StatusChooser"
        await pilot.press("6")  # not_fulfilled 未兑现, a status only a reviewer may set
        await settle(pilot)
        assert screen_name(app) == "DetailScreen"
        assert app.screen.commitment_id != first
        _links, statuses = _state(review_db)
        assert statuses == {first: "not_fulfilled"}
        row = next(r for r in app.rows if r.id == first)
        assert row.status == "not_fulfilled" and row.source == "reviewer" and row.decided


async def test_note_and_link_picker(review_db):
    app = _app(review_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot)
        commitment = app.screen.commitment_id
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"总结只提到试点", "enter")
        await settle(pilot)
        assert any("总结只提到试点" in note for note in app.screen.detail.notes)
        await pilot.press("l")
        await settle(pilot)
        assert screen_name(app) == "LinkPicker"
        app.screen.query_one("#words", Input).value = "集体婚礼"
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")  # exactly one achievement mentions 集体婚礼: it is linked at once
        await settle(pilot)
        assert screen_name(app) == "DetailScreen"
        log = _decisions(review_db)
        assert [d.action for d in log] == ["note", "link"]
        assert log[0].value == "总结只提到试点"
        linked = [item for item in app.screen.detail.evidence if item.evidence.state == "confirmed"]
        assert "集体婚礼" in linked[0].evidence.achievement.text
        assert linked[0].evidence.score is None  # linked by hand: no matcher score
        assert log[1].commitment_id == commitment


async def test_undo_is_repeatable_and_restores_the_state_exactly(review_db):
    app = _app(review_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot)
        before = _state(review_db)
        first = app.screen.commitment_id
        await pilot.press("a", "x")
        await settle(pilot)
        await pilot.press("s", "1")
        await settle(pilot)
        assert app.screen.commitment_id != first
        await pilot.press("u")
        await settle(pilot)
        # Undoing the status goes back to the commitment it was set on.
        assert app.screen.commitment_id == first
        assert _state(review_db)[1] == {}
        await pilot.press("u", "u")
        await settle(pilot)
        assert _state(review_db) == before
        assert not next(r for r in app.rows if r.id == first).decided
        with Session(make_engine(f"sqlite:///{review_db}")) as session:
            assert len(session.exec(select(Retraction)).all()) == 3
        assert len(_decisions(review_db)) == 3  # the log keeps every decision
        await pilot.press("u")  # nothing left to undo: nothing happens
        await settle(pilot)
        assert len(_decisions(review_db)) == 3


async def test_undo_only_takes_back_the_reviewers_own_decisions(review_db):
    other = _app(review_db, reviewer="colleague")
    async with other.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot)
        await pilot.press("a")
        await settle(pilot)
    app = _app(review_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot)
        await pilot.press("u")
        await settle(pilot)
    links, _ = _state(review_db)
    assert list(links.values()) == ["confirmed"]


async def test_moving_between_evidence_and_undecided_commitments(review_db):
    app = _app(review_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot)
        screen = app.screen
        evidence = screen.query_one("#evidence", ListView)
        assert evidence.index == 0
        await pilot.press("j", "j")
        assert evidence.index == 2
        await pilot.press("k")
        assert evidence.index == 1
        await pilot.press("down")
        assert evidence.index == 2
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.index == 1
        await pilot.press("s", "1")  # decides commitment 2 and moves on to 3
        await settle(pilot)
        assert screen.index == 2
        await pilot.press("left_square_bracket")  # commitment 2 is decided: back to 1
        await settle(pilot)
        assert screen.index == 0
        await pilot.press("escape")
        assert screen_name(app) == "CommitmentsScreen"


async def test_help_screen_lists_the_keys_of_the_screen(review_db):
    app = _app(review_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert screen_name(app) == "HelpScreen"
        help_text = " ".join(_text(w) for w in app.screen.query(Static))
        for key, action in [("a", "确认"), ("x", "否决"), ("u", "撤销"), ("]", "下一未审"), ("q", "退出")]:
            assert key in help_text and action in help_text
        await pilot.press("escape")
        assert screen_name(app) == "DetailScreen"


async def test_blind_mode_hides_scores_and_suggestions(review_db):
    app = _app(review_db, blind=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot)
        shown = " ".join(_text(w) for w in app.screen.query("#evidence Static").results(Static))
        assert "建议" not in shown
        head = _text(app.screen.query_one("#commitment", Static))
        assert "盲审" in head and "自动判定" not in head
        assert app.screen.detail.row.source == "auto"
        scores = [f"{item.evidence.score:.0f}" for item in app.screen.detail.evidence]
        assert not any(f"#{rank} {score}" in shown for rank, score in enumerate(scores, start=1))
        await pilot.press("b")
        await pilot.pause()
        shown = " ".join(_text(w) for w in app.screen.query("#evidence Static").results(Static))
        assert f"#1 {scores[0]}" in shown


async def test_list_filters_search_and_sort(review_db):
    app = _app(review_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        screen = app.screen
        assert [r.order for r in screen.shown] == sorted(r.order for r in screen.shown)
        await pilot.press("o")
        scores = [r.best_score or 0 for r in screen.shown]
        assert scores == sorted(scores, reverse=True)
        await pilot.press("o", "slash", *"慈善")
        await pilot.pause()
        assert screen.shown and all("慈善" in r.text or "慈善" in r.section for r in screen.shown)
        assert len(screen.shown) < 32
        await pilot.press("escape")
        screen.query_one("#search", Input).value = ""
        screen.query_one("#status", Select).value = "no_evidence"
        await pilot.pause()
        assert screen.shown and {r.status for r in screen.shown} == {"no_evidence"}
        screen.query_one("#status", Select).clear()
        screen.query_one("#topic", Select).value = "养老服务"
        await pilot.pause()
        assert {r.topic for r in screen.shown} == {"养老服务"}
        screen.query_one("#topic", Select).clear()
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("s", "1", "escape")
        await settle(pilot)
        screen.query_one("#reviewed", Select).value = "yes"
        await pilot.pause()
        assert len(screen.shown) == 1 and screen.shown[0].decided
        assert "✓" in _line(screen.query_one("#commitments"), 1)


async def test_quit_and_reopen_shows_the_decisions(review_db):
    app = _app(review_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot)
        await pilot.press("s", "1")
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code in (0, None)
    again = _app(review_db)
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert sum(r.decided for r in again.rows) == 1
        table = again.screen.query_one("#blocks", DataTable)
        assert "1/32" in str(table.get_row_at(1)[-1])


async def test_a_second_reviewer_sees_the_first_ones_decisions_after_refresh(review_db):
    first, second = _app(review_db, reviewer="li"), _app(review_db, reviewer="wang")
    async with first.run_test(size=(100, 30)) as one, second.run_test(size=(100, 30)) as two:
        await settle(two)
        assert not any(r.decided for r in second.rows)
        await open_detail(one)
        await one.press("s", "2")
        await settle(one)
        await open_detail(two, commitment_row=5)
        await two.press("a")
        await settle(two)
        await two.press("r")
        await settle(two)
        assert sum(r.decided for r in second.rows) == 2
    reviewers = {d.reviewer for d in _decisions(review_db)}
    assert reviewers == {"li", "wang"}


async def test_digits_set_the_status_directly_and_say_so(review_db):
    app = _app(review_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot)
        first = app.screen.commitment_id
        await pilot.press("3")  # in_progress 推进中, no chooser
        await settle(pilot)
        assert screen_name(app) == "DetailScreen" and app.screen.commitment_id != first
        assert _state(review_db)[1] == {first: "in_progress"}
        assert "上一条已设为 推进中" in _text(app.screen.query_one("#commitment", Static))


async def test_theme_toggles_between_dark_and_light(review_db):
    app = _app(review_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        await pilot.press("t")
        assert app.theme == "textual-light"
        await pilot.press("t")
        assert app.theme == "textual-dark"


def test_every_binding_has_an_id_unique_within_its_screen():
    """A key map (``App.set_keymap``) names a binding by its id (STYLE.md habit 8)."""
    owners = {
        owner
        for info in pkgutil.iter_modules(tracker.tui.__path__, "tracker.tui.")
        for owner in vars(importlib.import_module(info.name)).values()
        if isinstance(owner, type) and owner.__module__ == info.name and "BINDINGS" in vars(owner)
    }
    assert {"TrackerApp", "DetailScreen", "CommitmentsScreen", "StatusChooser"} <= {
        o.__name__ for o in owners
    }
    for owner in owners:
        ids = [binding.id for binding in owner.BINDINGS]
        assert all(ids) and len(set(ids)) == len(ids), owner.__name__
