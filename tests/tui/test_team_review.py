"""The review UI for a team: a reviewer with a worklist sees it first, a double-coded commitment is
blind to the other coder until both have decided, and a third reviewer settles disagreements from
the adjudication queue (``d``) with the status keys."""

from __future__ import annotations

from pathlib import Path

from pilot import screen_name, settle
from sqlmodel import Session, select

from tracker.review import decisions, team
from tracker.store.decision_log import reviewer_statuses
from tracker.store.engine import make_engine, write_session
from tracker.store.models import Decision
from tracker.tui.app import TrackerApp


def _engine(db: Path):
    return make_engine(f"sqlite:///{db}")


def _assign(db: Path, overlap: float = 1.0) -> list[str]:
    """Every commitment to 张三 and 李四, ``overlap`` of them double-coded; 张三's worklist ids."""
    with write_session(_engine(db)) as session:
        team.assign(session, ["张三", "李四"], overlap=overlap)
    with Session(_engine(db)) as session:
        from tracker.store.assignments import worklist_ids

        return worklist_ids(session, "张三")


def _disputed(db: Path) -> str:
    """Everything double-coded by 张三 and 李四, who disagree on the first commitment (its id)."""
    target = _assign(db)[0]
    with write_session(_engine(db)) as session:
        decisions.set_status(session, target, "fulfilled", reviewer="张三")
        decisions.set_status(session, target, "in_progress", reviewer="李四")
    return target


async def test_a_reviewer_with_a_worklist_sees_it_first_and_the_overview_one_key_away(review_db):
    mine = _assign(review_db, overlap=0.0)
    app = TrackerApp(_engine(review_db), reviewer="张三")
    async with app.run_test(size=(120, 34)) as pilot:
        await settle(pilot)
        assert screen_name(app) == "CommitmentsScreen"
        assert [row.id for row in app.screen.shown] == mine
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(app) == "OverviewScreen"
        title = str(app.screen.query_one("#overview-title").content)
        assert f"我的任务 {len(mine)} 条" in title
        await pilot.press("m")
        await settle(pilot)
        assert [row.id for row in app.screen.shown] == mine


async def test_a_reviewer_without_a_worklist_opens_on_the_overview(review_db):
    _assign(review_db)
    app = TrackerApp(_engine(review_db), reviewer="编辑")
    async with app.run_test(size=(120, 34)) as pilot:
        await settle(pilot)
        assert screen_name(app) == "OverviewScreen"


async def test_the_other_coders_status_stays_hidden_until_both_have_decided(review_db):
    mine = _assign(review_db)
    target = mine[0]
    with write_session(_engine(review_db)) as session:
        decisions.set_status(session, target, "not_fulfilled", reviewer="李四")
        decisions.add_note(session, target, "李四的理由", reviewer="李四")
    app = TrackerApp(_engine(review_db), reviewer="张三")
    async with app.run_test(size=(120, 34)) as pilot:
        await settle(pilot)
        row = app.row(target)
        assert row is not None and row.blinded and not row.decided
        assert row.status != "not_fulfilled"  # 李四's status is not shown to 张三
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen.detail
        assert detail.coding is not None and "李四" not in detail.coding.statuses
        assert not any("李四的理由" in note for note in detail.notes)
        await pilot.press("1")  # 张三: fulfilled; now both have decided
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        row = app.row(target)
        assert row is not None and not row.blinded and row.decided
        assert app.team.disputes == (target,)  # fulfilled against not_fulfilled


async def test_a_third_reviewer_settles_the_disagreement_from_the_queue_with_a_status_key(review_db):
    target = _disputed(review_db)
    app = TrackerApp(_engine(review_db), reviewer="王五")
    async with app.run_test(size=(120, 34)) as pilot:
        await settle(pilot)
        title = str(app.screen.query_one("#overview-title").content)
        assert "分歧待裁定 1 条" in title
        await pilot.press("d")
        await settle(pilot)
        assert [row.id for row in app.screen.shown] == [target]
        await pilot.press("2")  # partial
        await settle(pilot)
        assert app.team.disputes == ()
    with Session(_engine(review_db)) as session:
        assert reviewer_statuses(session)[target] == "partial"
        actions = [(d.reviewer, d.action, d.value) for d in session.exec(select(Decision)).all()]
    assert ("王五", "adjudicate", "partial") in actions
    assert ("张三", "status", "fulfilled") in actions and ("李四", "status", "in_progress") in actions


async def test_the_detail_says_a_status_key_adjudicated(review_db):
    target = _disputed(review_db)
    app = TrackerApp(_engine(review_db), reviewer="王五")
    async with app.run_test(size=(120, 34)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert app.screen.shown[0].id == target
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("3")  # in_progress
        await settle(pilot)
        assert "已裁定 推进中" in str(app.screen._last_action)
        assert app.screen.detail.coding.adjudication == ("王五", "in_progress")
