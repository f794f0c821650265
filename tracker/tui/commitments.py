"""The commitment list: status badge, topic, section, text, best score and a reviewed mark per row, with
filters (topic, status, reviewed), incremental search (``/``) and two sort orders."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Select, Static

from tracker.review.worklist import ReviewRow
from tracker.statuses import STATUSES, label
from tracker.tui.badges import score_text, status_badge

if TYPE_CHECKING:
    from tracker.tui.app import TrackerApp

#: Widths of the fixed columns; the text column takes what is left.
FIXED = {"status": 10, "topic": 8, "section": 12, "score": 3, "reviewed": 2}
REVIEWED_CHOICES = [("未审 unreviewed", "no"), ("已审 reviewed", "yes")]


class CommitmentsScreen(Screen[None]):
    """Commitments of one agency and period (or all), filtered and searched."""

    BINDINGS = [
        Binding("enter", "open", "详情", tooltip="open the commitment"),
        Binding("slash", "search", "搜索", key_display="/", tooltip="search the commitment text"),
        Binding("o", "sort", "排序", tooltip="sort by best score / document order"),
        Binding("j", "cursor_down", "下一条", tooltip="next commitment", show=False),
        Binding("k", "cursor_up", "上一条", tooltip="previous commitment", show=False),
        Binding(
            "right_square_bracket",
            "next_undecided",
            "下一未审",
            key_display="]",
            tooltip="next undecided commitment",
            show=False,
        ),
        Binding("escape", "back", "返回", tooltip="back to the overview"),
    ]

    def __init__(self, agency: str | None = None, period: int | None = None) -> None:
        super().__init__()
        self.agency = agency
        self.period = period
        self.by_score = False
        self.shown: list[ReviewRow] = []

    @property
    def tracker(self) -> TrackerApp:
        return cast("TrackerApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        scope = f"{self.agency} {self.period}" if self.agency else "全部机构 all agencies"
        yield Static(scope, id="list-title")
        with Horizontal(id="filters"):
            yield Select([], prompt="主题 topic", id="topic", compact=True)
            yield Select(
                [(f"{label(s)} {s}", s) for s in STATUSES], prompt="状态 status", id="status", compact=True
            )
            yield Select(REVIEWED_CHOICES, prompt="审核 review", id="reviewed", compact=True)
            yield Input(placeholder="/ 搜索 search", id="search", compact=True)
        yield DataTable(id="commitments", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#commitments", DataTable)
        table.add_column("状态", key="status", width=FIXED["status"])
        table.add_column("主题", key="topic", width=FIXED["topic"])
        table.add_column("章节 section", key="section", width=FIXED["section"])
        table.add_column("承诺 commitment", key="text", width=self._text_width())
        table.add_column("分", key="score", width=FIXED["score"])
        table.add_column("审", key="reviewed", width=FIXED["reviewed"])
        topics = sorted({row.topic for row in self._scope()})
        self.query_one("#topic", Select).set_options([(t, t) for t in topics if t])
        self.rows_changed()
        table.focus()

    def _text_width(self) -> int:
        padding = 2 * (len(FIXED) + 1) + 3
        return max(12, self.app.size.width - sum(FIXED.values()) - padding)

    def on_resize(self, _event: Resize) -> None:
        table = self.query_one("#commitments", DataTable)
        column = table.columns.get("text")  # type: ignore[call-overload]
        if column is not None and column.width != self._text_width():
            column.width = self._text_width()
            self.rows_changed()

    def _scope(self) -> list[ReviewRow]:
        rows = self.tracker.rows
        if self.agency is not None:
            rows = [r for r in rows if r.agency == self.agency and r.period == self.period]
        return rows

    def _filtered(self) -> list[ReviewRow]:
        rows = self._scope()
        topic = self.query_one("#topic", Select).value
        status = self.query_one("#status", Select).value
        reviewed = self.query_one("#reviewed", Select).value
        words = self.query_one("#search", Input).value.split()
        if topic is not Select.NULL:
            rows = [r for r in rows if r.topic == topic]
        if status is not Select.NULL:
            rows = [r for r in rows if r.status == status]
        if reviewed is not Select.NULL:
            rows = [r for r in rows if r.decided == (reviewed == "yes")]
        if words:
            rows = [r for r in rows if all(w in r.text or w in r.section for w in words)]
        if self.by_score:
            rows = sorted(rows, key=lambda r: -(r.best_score or 0.0))
        return rows

    def rows_changed(self) -> None:
        """Refill the table from the app's rows, keeping the cursor on the same commitment."""
        table = self.query_one("#commitments", DataTable)
        current = self.current_id()
        self.shown = self._filtered()
        blind = self.tracker.blind
        table.clear()
        table.add_rows(
            (
                status_badge(r.status, r.source),
                Text(r.topic, no_wrap=True, overflow="ellipsis"),
                Text(r.section.rsplit(" > ", 1)[-1], no_wrap=True, overflow="ellipsis"),
                Text(r.text, no_wrap=True, overflow="ellipsis", end=""),
                score_text(r.best_score, blind),
                Text("✓", style="green") if r.decided else Text(""),
            )
            for r in self.shown
        )
        ids = [r.id for r in self.shown]
        if current in ids:
            table.move_cursor(row=ids.index(current), animate=False)
        decided = sum(r.decided for r in self._scope())
        order = "按分数 by score" if self.by_score else "文档顺序 document order"
        scope = f"{self.agency} {self.period}" if self.agency else "全部机构 all agencies"
        self.query_one("#list-title", Static).update(
            Text.assemble(
                (scope, "bold"),
                f"  显示 {len(self.shown)} 条 · 已审 {decided}/{len(self._scope())} · {order}",
            )
        )

    def current_id(self) -> str | None:
        table = self.query_one("#commitments", DataTable)
        if not self.shown or table.cursor_row >= len(self.shown):
            return None
        return self.shown[table.cursor_row].id

    @on(Select.Changed)
    @on(Input.Changed, "#search")
    def _filters_changed(self) -> None:
        self.rows_changed()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one("#commitments", DataTable).focus()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_sort(self) -> None:
        self.by_score = not self.by_score
        self.rows_changed()

    def action_cursor_down(self) -> None:
        self.query_one("#commitments", DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#commitments", DataTable).action_cursor_up()

    def action_next_undecided(self) -> None:
        table = self.query_one("#commitments", DataTable)
        for index in range(table.cursor_row + 1, len(self.shown)):
            if not self.shown[index].decided:
                table.move_cursor(row=index)
                return

    def action_back(self) -> None:
        if self.focused is self.query_one("#search", Input):
            self.query_one("#commitments", DataTable).focus()
            return
        self.app.pop_screen()

    def action_open(self) -> None:
        from tracker.tui.detail import DetailScreen

        if not self.shown:
            return
        table = self.query_one("#commitments", DataTable)
        self.app.push_screen(DetailScreen([r.id for r in self.shown], table.cursor_row))

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_open()
