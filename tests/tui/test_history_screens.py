"""History across years as a reviewer sees it: counts per agency and year on the overview, a badge and
a filter in the list, and the earlier statements in the detail (SPEC "History")."""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import pytest
from pilot import open_detail, settle
from rich.console import Console
from sqlmodel import col, select
from textual.widgets import DataTable, ListView, Select, Static
from years import AGENCY, write_years

from tracker.review.history import histories, history_counts
from tracker.review.matching import match_database
from tracker.store.documents import load_paths
from tracker.store.engine import make_engine, read_session
from tracker.store.models import Decision
from tracker.store.queries import list_commitments
from tracker.tui.app import HISTORY_DELAY, TrackerApp
from tracker.tui.badges import HISTORY_KINDS, history_label
from tracker.tui.rowtable import kind_shown


@pytest.fixture
def years_db(tmp_path) -> Path:
    """Two plans and the summary between them: repeated, chronic, new and dropped all occur."""
    path = tmp_path / "years.db"
    engine = make_engine(f"sqlite:///{path}")
    paths = write_years(tmp_path)
    assert not load_paths(engine, paths).errors
    match_database(engine)
    engine.dispose()
    return path


def _app(db: Path, **options) -> TrackerApp:
    return TrackerApp(make_engine(f"sqlite:///{db}"), reviewer="tester", **options)


def _text(widget: Static) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


def _pane(screen) -> str:
    """The detail's history pane as text, its lines one after another."""
    return "\n".join(
        _text(item.query_one(Static)) for item in screen.query_one("#history-pane", ListView).children
    )


async def _open(pilot, block_row: int, text: str) -> None:
    """From the overview, open block ``block_row`` and in it the commitment reading ``text``."""
    await pilot.press(*["down"] * block_row, "enter")
    await settle(pilot)
    row = next(i for i, r in enumerate(pilot.app.screen.shown) if r.text == text)
    await pilot.press(*["j"] * row, "enter")
    await settle(pilot)


def _log(app: TrackerApp) -> list[tuple[str, str | None]]:
    """The decision log: each decision's action and value, in order."""
    with read_session(app.desk.engine) as session:
        return [(d.action, d.value) for d in session.exec(select(Decision).order_by(col(Decision.id)))]


def _columns(table: DataTable) -> list[str]:
    return [str(column.label) for column in table.columns.values()]


def _row(table: DataTable, agency: str, period: int) -> dict[str, str]:
    cells = table.get_row(f"{agency}|{period}")
    return {header: str(cell).strip() for header, cell in zip(_columns(table), cells, strict=True)}


def _line(widget, y: int) -> str:
    return "".join(segment.text for segment in widget.render_line(y))


def _badge(line: str) -> str:
    """The history badge of a list line (after the status badge, ``● 已兑现``)."""
    return line.split()[2]


async def test_the_overview_counts_each_plan_by_history_beside_its_statuses(review_db):
    with read_session(make_engine(f"sqlite:///{review_db}")) as session:
        expected = history_counts(session, list_commitments(session))
    assert expected[("佛山市民政局", 2024, "continuing")] > 10  # the seed's plan carries 2023's work on
    app = _app(review_db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#blocks", DataTable)
        headers = _columns(table)
        assert headers[-6:] == ["新增", "延续", "再次", "多年", "未再", "已审"]
        assert headers.index("未见佐证") < headers.index("新增")  # beside the status counts
        row = _row(table, "佛山市民政局", 2024)
        assert row["新增"] == str(expected[("佛山市民政局", 2024, "new")])
        assert row["延续"] == str(expected[("佛山市民政局", 2024, "continuing")])
        assert (row["再次"], row["多年"]) == ("·", "·")
        assert row["未再"] == "—"  # no plan for 2023 to have dropped anything
        assert row["已审"] == "0/32"
        await pilot.press("down")
        chart = _text(app.screen.query_one("#topic-chart", Static))
        assert "历年 history: 对照 2023年总结" in chart
        assert f"延续 {expected[('佛山市民政局', 2024, 'continuing')]}" in chart


async def test_at_80_columns_the_history_is_one_line_under_the_table(review_db):
    app = _app(review_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down")
        table = app.screen.query_one("#blocks", DataTable)
        assert "延续" not in _columns(table) and "已审" in _columns(table)  # four statuses fill the width
        chart = _text(app.screen.query_one("#topic-chart", Static))
        assert "新增 13 · 延续 19" in chart.replace("\n", "")
        await pilot.resize_terminal(140, 30)
        await settle(pilot)
        assert "延续" in _columns(app.screen.query_one("#blocks", DataTable))


async def test_repeated_chronic_and_dropped_and_a_plan_with_nothing_before_it(years_db):
    app = _app(years_db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#blocks", DataTable)
        later = _row(table, AGENCY, 2024)
        assert (later["新增"], later["再次"], later["多年"], later["未再"]) == ("1", "1", "1", "1")
        first = _row(table, AGENCY, 2023)
        assert {first[k] for k in ("新增", "延续", "再次", "多年", "未再")} == {"—"}  # nothing to compare
        await pilot.press("down", "down")
        chart = _text(app.screen.query_one("#topic-chart", Static))
        assert "对照 2023年总结 · 2023年计划" in chart and "未再提及 1" in chart
        await pilot.press("up")
        assert "无上年总结或往年计划可对照" in _text(app.screen.query_one("#topic-chart", Static))


async def test_the_list_shows_a_history_badge_and_filters_by_kind(years_db):
    app = _app(years_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # 广州市民政局 2024
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#commitments")
        assert _line(table, 0).split()[:2] == ["状态", "历年"]
        badges = {_badge(_line(table, y)): _line(table, y) for y in (1, 2, 3)}
        assert set(badges) == {"再次", "多年", "新增"}
        assert "推进婚俗改革试点" in badges["多年"] and "开展慈善文化进校园活动" in badges["新增"]
        # no 2024 summary, so no candidate was scored: the score reads —, never 手动 (a reviewer's link)
        assert all(line.rstrip().endswith("—") and "手" not in line for line in badges.values())
        title = _text(screen.query_one("#list-title", Static))
        assert "历年 新增 1 再次承诺 1 多年未兑现 1" in title
        screen.query_one("#history", Select).value = "chronic"
        await settle(pilot)
        assert [r.text for r in screen.shown] == ["推进婚俗改革试点"]
        screen.query_one("#history", Select).value = "new"
        await settle(pilot)
        assert [r.text for r in screen.shown] == ["开展慈善文化进校园活动"]
        screen.query_one("#history", Select).clear()
        await settle(pilot)
        assert len(screen.shown) == 3
        await pilot.press("escape", "up", "enter")  # 广州市民政局 2023: the plan the next one dropped from
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#commitments")
        lines = [_line(table, y) for y in (1, 2, 3)]
        assert [_badge(line) for line in lines if "殡葬" in line] == ["未再"]
        assert all(_badge(line) not in ("新增", "延续") for line in lines)  # nothing to compare 2023 with
        title = _text(screen.query_one("#list-title", Static))
        assert "历年 未再提及 1" in title and "新增" not in title  # its drop counts, its kinds do not
        screen.query_one("#history", Select).value = "dropped"
        await settle(pilot)
        assert [r.text for r in screen.shown] == ["开展殡葬领域突出问题专项整治"]


async def test_the_list_of_every_commitment_counts_each_kind_its_rows_show(years_db):
    # The title's counts come from the history's counts per plan: the badges of the rows, summed.
    app = _app(years_db)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # 全部
        await settle(pilot)
        board = app.history
        shown = Counter(kind_shown(board, row) for row in app.rows)
        shown["dropped"] = sum(row.id in board.dropped for row in app.rows)
        expected = " ".join(f"{history_label(k)} {shown[k]}" for k in HISTORY_KINDS if shown[k])
        assert shown["new"] and shown["chronic"] and shown["dropped"] and shown[None]  # 2023: nothing before
        assert f"历年 {expected}" in _text(app.screen.query_one("#list-title", Static))


async def test_the_detail_of_a_continuing_commitment_shows_last_years_work(review_db):
    with read_session(make_engine(f"sqlite:///{review_db}")) as session:
        commitments = list_commitments(session)
        found = histories(session, commitments)
    first = next(c for c in commitments if found[c.id].kind == "continuing")
    reported = [p for p in found[first.id].prior_evidence if p.state == "suggested"]
    app = _app(review_db)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        app.open_detail([first.id], 0)
        await settle(pilot)
        screen = app.screen
        line = _text(screen.query_one("#commitment", Static))
        assert f"历年 ● 延续 · 上年成效 {len(reported)} 条" in line
        pane = screen.query_one("#history-pane")
        assert pane.display and screen.query_one("#evidence").display  # side by side when wide
        shown = _pane(screen)
        assert "类别 ● 延续" in shown and "上年成效 2023年" in shown
        assert reported[0].text in shown.replace("\n", "").replace(" ", "")
        assert f"建议 {reported[0].score:.0f}  2023年" in shown  # suggested first, score and year
        assert "往年承诺" not in shown  # no earlier plan was there to compare


async def test_the_detail_shows_earlier_commitments_their_status_and_the_target_change(years_db):
    app = _app(years_db)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        await pilot.press("enter")  # 建成长者饭堂不少于200个
        await settle(pilot)
        shown = _pane(app.screen)
        assert "类别 ● 再次承诺" in shown
        assert "目标 不少于200个 · 2023年 120个 · +80" in shown
        assert re.search(r"建议 \d+  2023年  ● 已兑现  目标上调 不少于100个 → 不少于200个", shown)
        assert "建成长者饭堂不少于100个" in shown and "全年建成长者饭堂120个" in shown


async def test_blind_review_hides_the_history_scores_but_not_the_earlier_texts(years_db):
    app = _app(years_db, blind=True)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        shown = _pane(app.screen)
        assert "建议 ··  2023年  ● 已兑现  目标上调 不少于100个 → 不少于200个" in shown
        assert not re.search(r"(建议|候选) \d", shown) and "全年建成长者饭堂120个" in shown
        await pilot.press("b")
        await settle(pilot)
        assert re.search(r"建议 \d+  2023年  ● 已兑现", _pane(app.screen))


async def test_on_a_narrow_terminal_h_shows_the_history_in_place_of_the_evidence(review_db):
    app = _app(review_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(pilot, block_row=1)
        screen = app.screen
        assert not screen.query_one("#history-pane").display
        assert "h 详情" in _text(screen.query_one("#commitment", Static))
        await pilot.press("h")
        await settle(pilot)
        assert screen.query_one("#history-pane").display
        assert not screen.query_one("#evidence-side").display
        first = _pane(screen).split("上年成效", 1)[1]
        await pilot.press("x")  # the history is what is shown: x rejects its highlighted line, not evidence
        await settle(pilot)
        assert _log(app) == [("history_reject", "prior_evidence")]
        assert screen.query_one("#evidence", ListView).index == 0  # the evidence was not touched
        assert (
            "否决" in _pane(screen).split("上年成效", 1)[1] and first != _pane(screen).split("上年成效", 1)[1]
        )
        await pilot.press("u")
        await settle(pilot)
        assert _pane(screen).split("上年成效", 1)[1] == first  # undone
        await pilot.press("h", "a")
        await settle(pilot)
        assert screen.query_one("#evidence", ListView).index == 1  # confirmed, on to the next


async def test_tab_moves_to_the_history_where_a_and_x_decide_and_the_overview_counts_follow(years_db):
    app = _app(years_db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        assert _row(app.screen.query_one("#blocks", DataTable), AGENCY, 2024)["未再"] == "1"
        await _open(pilot, 1, "开展殡葬领域突出问题专项整治")  # 广州市民政局 2023
        screen = app.screen
        pane = screen.query_one("#history-pane", ListView)
        await pilot.press("tab")
        assert screen.focused is pane
        line = _text(pane.children[pane.index].query_one(Static))
        assert "2024年计划未再提及" in line and "建议" in line  # the cursor starts on the drop
        await pilot.press("x")  # not dropped: it was folded into other work
        await settle(pilot)
        assert "否决" in _pane(screen) and "2024年计划未再提及" in _pane(screen)  # still shown, rejected
        assert screen.focused is pane
        await pilot.pause(HISTORY_DELAY + 0.2)
        await settle(pilot)
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert _row(app.screen.query_one("#blocks", DataTable), AGENCY, 2024)["未再"] == "·"
        await _open(pilot, 2, "推进婚俗改革试点")  # 广州市民政局 2024
        assert "类别 ● 多年未兑现" in _pane(app.screen)
        await pilot.press("tab")
        pane = app.screen.query_one("#history-pane", ListView)
        assert app.screen.focused is pane and pane.index == len(pane.children) - 1  # on the earlier promise
        assert "推进婚俗改革试点" in _text(pane.highlighted_child.query_one(Static))
        await pilot.press("x")  # the 2023 commitment is another thing: this one is new
        await settle(pilot)
        shown = _pane(app.screen)
        assert "类别 ● 新增" in shown and re.search(r"否决 \d+  2023年  ● 未见佐证", shown)  # kept, rejected
        assert _log(app) == [
            ("history_reject", "dropped"),
            ("history_reject", "prior_commitment"),
        ]


async def test_a_status_set_on_an_earlier_plan_changes_the_later_plans_history(years_db):
    app = _app(years_db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        assert _row(app.screen.query_one("#blocks", DataTable), AGENCY, 2024)["多年"] == "1"
        await pilot.press("down", "enter")  # 广州市民政局 2023
        await settle(pilot)
        await pilot.press("j", "enter")  # 推进婚俗改革试点 (2023)
        await settle(pilot)
        assert "2024年计划" not in _text(app.screen.query_one("#commitment", Static))  # named again
        await pilot.press("1")  # fulfilled: the 2024 promise of it is repeated now, no longer chronic
        await settle(pilot)
        await pilot.pause(HISTORY_DELAY + 0.2)
        await settle(pilot)
        await pilot.press("escape", "escape")
        await settle(pilot)
        later = _row(app.screen.query_one("#blocks", DataTable), AGENCY, 2024)
        assert (later["再次"], later["多年"]) == ("2", "·")


async def test_a_history_that_cannot_be_read_is_said_and_the_rest_works(review_db, monkeypatch):
    app = _app(review_db)

    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(app.desk, "history", broken)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        assert app.is_running and app.loaded
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert errors == ["历年读取失败 cannot read the history: RuntimeError: boom"]
        assert "读取失败" in _text(app.screen.query_one("#topic-chart", Static))
        await pilot.press("down", "enter")
        await settle(pilot)
        assert "历年 读取失败" in _text(app.screen.query_one("#list-title", Static))
        await pilot.press("enter")  # the detail reads its own history
        await settle(pilot)
        assert "类别 ● " in _pane(app.screen)
