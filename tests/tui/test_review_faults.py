"""Faults a newcomer found in the review UI, one test each: what the screen shows after the keys a
reviewer presses (issue 15, item 6)."""

from __future__ import annotations

import io
from pathlib import Path

from pilot import open_detail, screen_name, settle
from rich.console import Console
from rich.text import Text
from sqlmodel import Session, select
from textual.command import CommandPalette
from textual.widgets import DataTable, Input, ListView, OptionList, Select, Static

from tracker.review.desk import ReviewDesk, Step
from tracker.review.matching import match_database
from tracker.store.decision_log import reviewer_statuses
from tracker.store.documents import load_paths
from tracker.store.engine import make_engine
from tracker.store.models import Decision
from tracker.tui.app import TrackerApp
from tracker.tui.badges import HIGHLIGHT
from tracker.tui.keybar import KeyBar
from tracker.tui.rowtable import CommitmentTable

REVIEWER = "tester"
#: A plan of a year no summary reports on yet: the matcher offers nothing for its commitments.
PLAN_2025 = "佛山市民政局2025年工作计划\n一、推进婚俗改革\n推进婚俗改革示范区建设。开展婚姻家庭辅导服务。\n"


def _app(db: Path, **options) -> TrackerApp:
    return TrackerApp(make_engine(f"sqlite:///{db}"), reviewer=REVIEWER, **options)


def _line(widget, y: int) -> str:
    """Line ``y`` of a line-API widget (the list, a DataTable) as plain text."""
    return "".join(segment.text for segment in widget.render_line(y))


def _lines(widget) -> list[str]:
    return [_line(widget, y) for y in range(widget.size.height)]


def _text(widget: Static) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


def _said(app: TrackerApp) -> list[str]:
    return [n.message for n in app._notifications]


def _statuses(db: Path) -> dict[str, str]:
    with Session(make_engine(f"sqlite:///{db}")) as session:
        return reviewer_statuses(session)


def _decisions(db: Path) -> list[Decision]:
    with Session(make_engine(f"sqlite:///{db}")) as session:
        return list(session.exec(select(Decision)).all())


async def _open_list(pilot, block_row: int = 1) -> None:
    await settle(pilot)
    await pilot.press(*["down"] * block_row, "enter")
    await settle(pilot)


def _highlighted(texts) -> bool:
    """Whether any of ``texts`` marks a shared term (the reverse video of badges.highlighted)."""
    return any(str(span.style) == HIGHLIGHT for text in texts for span in text.spans)


async def test_overview_progress_is_never_cut_as_decisions_add_digits(review_db):
    """16/567 read 16/56: the 已审 column was sized for 0/567 when the overview was first drawn."""
    app = _app(review_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_list(pilot)
        # Only commitments already 已兑现, set 已兑现 by a reviewer: the columns stay those of the start
        app.screen.query_one("#status", Select).value = "fulfilled"
        await settle(pilot)  # the filter applied before Enter opens its first row
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*["1"] * 10)  # 0/32 -> 10/32: one digit more
        await settle(pilot)
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert screen_name(app) == "OverviewScreen" and len(_statuses(review_db)) == 10
        table = app.screen.query_one("#blocks", DataTable)
        lines = _lines(table)
        assert sum(line.rstrip().endswith("10/32") for line in lines) == 2  # 全部 and 佛山 2024


async def test_score_column_says_manual_or_none_never_a_cut_glyph(review_db, tmp_path):
    """A commitment with no scored candidate showed a lone 手 (手动 cut to three cells)."""
    plan = tmp_path / "fs2025.txt"
    plan.write_text(PLAN_2025, encoding="utf-8")
    engine = make_engine(f"sqlite:///{review_db}")
    assert load_paths(engine, [str(plan)], base=tmp_path).exit_code == 0
    match_database(engine)
    desk = ReviewDesk(engine, REVIEWER)
    rows = [r for r in desk.worklist() if r.period == 2025]
    assert rows and all(r.best_score is None for r in rows)  # nothing to score: no 2025 summary
    achievement = desk.find("佛山市民政局", "集体婚礼")[0]
    desk.take(Step("link", rows[0].id, achievement.id))
    engine.dispose()
    app = _app(review_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await _open_list(pilot, block_row=2)  # 佛山市民政局 2025
        table = app.screen.query_one(CommitmentTable)
        shown = [_line(table, y + 1).rstrip() for y in range(len(app.screen.shown))]
        linked = [r.id for r in app.screen.shown].index(rows[0].id)
        assert shown[linked].endswith("手动 ✓")
        assert all(line.endswith("—") for i, line in enumerate(shown) if i != linked)
        assert not any("手" in line.replace("手动", "") for line in shown)


async def test_section_column_uses_the_spare_width_and_the_detail_shows_it_whole(review_db):
    """The section was always cut to five characters, however wide the terminal."""
    app = _app(review_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_list(pilot)
        table = app.screen.query_one(CommitmentTable)
        row = next(i for i, r in enumerate(app.screen.shown) if r.section.endswith("推进基层治理实践创新"))
        assert "推进基层治理实践创新" in _line(table, row + 1)  # ten characters, whole at 120 columns
        assert table.widths()["text"] >= 50
        await pilot.press(*["j"] * row, "enter")
        await settle(pilot)
        head = _text(app.screen.query_one("#commitment", Static))
        assert app.screen.detail.commitment.section in head
    app = _app(review_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_list(pilot)
        widths = app.screen.query_one(CommitmentTable).widths()
        assert widths["section"] > 12 and widths["text"] >= 25  # more than before, the text still first


async def test_digits_on_the_list_set_the_highlighted_status_at_once_and_u_takes_it_back(review_db):
    """1–7 and a did nothing on the list, with no word why."""
    app = _app(review_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await _open_list(pilot)
        await pilot.press("j", "j")
        screen, table = app.screen, app.screen.query_one(CommitmentTable)
        chosen = screen.shown[2].id
        await pilot.press("3")
        await settle(pilot)
        assert _statuses(review_db) == {chosen: "in_progress"}
        assert table.cursor == 2 and "● 推进中 ✎" in _line(table, 3) and "✓" in _line(table, 3)
        assert any("已设为 推进中" in said for said in _said(app))
        await pilot.press("u")
        await settle(pilot)
        assert _statuses(review_db) == {}
        assert "✎" not in _line(table, 3)
        await pilot.press("a")
        await settle(pilot)
        assert len(_decisions(review_db)) == 1  # the status only: a decides nothing here
        assert any("打开详情" in said and "Enter" in said for said in _said(app))


async def test_detail_key_bar_keeps_back_quit_and_refresh_at_80_columns(review_db):
    app = _app(review_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(pilot, block_row=1)
        bar = app.screen.query_one(KeyBar)
        line = _text(bar).rstrip()
        assert Text(line).cell_len <= 78  # the bar's width within its padding: nothing cut at the end
        for key in (
            "? 帮助",
            "a 确认",
            "x 否决",
            "s 状态",
            "u 撤销",
            "] 下一未审",
            "Esc 返回",
            "q 退出",
            "r 刷新",
        ):
            assert key in line, key
    app = _app(review_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_detail(pilot, block_row=1)
        line = _text(app.screen.query_one(KeyBar))
        assert "n 备注" in line and "l 关联" in line and "h 历年" in line  # all of them when wide


async def test_tab_to_the_filters_is_told_and_esc_comes_back_to_the_list(review_db):
    app = _app(review_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await _open_list(pilot)
        screen = app.screen
        assert "Tab 筛选" in _text(screen.query_one(KeyBar))
        await pilot.press("tab")
        assert screen.focused is screen.query_one("#topic", Select)
        await pilot.press("tab", "tab", "tab", "tab")
        assert screen.focused is screen.query_one("#search", Input)
        await pilot.press("escape")
        assert screen_name(app) == "CommitmentsScreen" and screen.focused is screen.query_one(CommitmentTable)
        await pilot.press("question_mark")
        await settle(pilot)
        help_text = " ".join(_text(w) for w in app.screen.query(Static))
        assert "Tab" in help_text and "筛选" in help_text and "filters" in help_text


async def test_escape_from_the_detail_puts_the_list_cursor_on_the_commitment_shown_last(review_db):
    app = _app(review_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot, block_row=1)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        await pilot.press("3")  # set, and on to the next undecided one
        await settle(pilot)
        last = app.screen.commitment_id
        assert app.screen.index == 3
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(app) == "CommitmentsScreen"
        assert app.screen.query_one(CommitmentTable).current.id == last


async def test_undo_replaces_the_previous_status_line_in_the_detail(review_db):
    app = _app(review_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot, block_row=1)
        await pilot.press("3")
        await settle(pilot)
        head = app.screen.query_one("#commitment", Static)
        assert "上一条已设为 推进中" in _text(head)
        await pilot.press("u")
        await settle(pilot)
        assert "上一条已设为" not in _text(head)
        assert "已撤销 状态设为 推进中" in _text(head)


async def test_undo_toast_says_what_was_undone(review_db):
    app = _app(review_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot, block_row=1)
        text = app.screen.detail.commitment.text
        await pilot.press("j", "a")  # confirm evidence #2
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        said = _said(app)[-1]
        assert said.startswith("已撤销 undone: 确认 佐证 #2 · ") and text[:10] in said
        await pilot.press("n", *"只提到试点", "enter")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert "已撤销 undone: 备注「只提到试点」" in _said(app)[-1]


async def test_g_and_shift_g_go_to_the_first_and_last_row_and_evidence(review_db):
    app = _app(review_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await _open_list(pilot)
        table = app.screen.query_one(CommitmentTable)
        await pilot.press("G")
        assert table.cursor == len(app.screen.shown) - 1 == 31
        await pilot.press("g")
        assert table.cursor == 0
        await pilot.press("enter")
        await settle(pilot)
        evidence = app.screen.query_one("#evidence", ListView)
        await pilot.press("G")
        assert evidence.index == len(app.screen.detail.evidence) - 1 > 0
        await pilot.press("g")
        assert evidence.index == 0


async def test_command_palette_starts_with_the_apps_commands_in_chinese(review_db):
    app = _app(review_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await _open_list(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert titles[:4] == [
            "打开总览 overview",
            "全部承诺 all commitments",
            "盲审 blind 开 on",
            "切换主题 明/暗 theme",
        ]
        assert {"刷新 reload", "帮助 按键 help", "退出 quit", "设为已兑现", "排序"} <= set(titles)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        options = app.screen.query_one(OptionList)
        assert "打开总览" in str(options.get_option_at_index(0).prompt)
        await pilot.press(*"盲审", "enter")
        await settle(pilot)
        assert app.blind and screen_name(app) == "CommitmentsScreen"


async def test_blind_mode_keeps_document_order_and_marks_no_shared_terms(review_db):
    app = _app(review_db, blind=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await _open_list(pilot)
        screen = app.screen
        await pilot.press("o")
        await settle(pilot)
        assert [r.order for r in screen.shown] == sorted(r.order for r in screen.shown)
        assert "文档顺序" in _text(screen.query_one("#list-title", Static))
        assert "排序" not in _text(screen.query_one(KeyBar))
        assert any("盲审按文档顺序" in said for said in _said(app))
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        commitment = detail.query_one("#commitment", Static).content.renderables[1]
        evidence = detail._shown_texts
        assert not _highlighted([commitment, *evidence])
        await pilot.press("b")  # out of blind mode: the shared terms are marked again
        await settle(pilot)
        commitment = detail.query_one("#commitment", Static).content.renderables[1]
        assert _highlighted([commitment, *detail._shown_texts])
        await pilot.press("escape", "o")
        await settle(pilot)
        scores = [r.best_score or 0 for r in app.screen.shown]
        assert scores == sorted(scores, reverse=True) and "排序" in _text(app.screen.query_one(KeyBar))
