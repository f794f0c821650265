"""The first screen: one row per agency and period with its commitments by status and the review's
progress, and below it the statuses of the highlighted row by topic."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from tracker.review.worklist import BlockSummary, summarize
from tracker.statuses import STATUS_STYLES, STATUSES, label
from tracker.tui.badges import legend, stacked_bar
from tracker.tui.keybar import KeyBar

if TYPE_CHECKING:
    from tracker.tui.app import TrackerApp

ALL = "__all__"
BAR_CELLS = 40  # width of the longest topic bar


class OverviewScreen(Screen[None]):
    """Blocks of (agency, period); Enter opens the commitments of the highlighted one."""

    BINDINGS = [
        Binding("enter", "open", "打开", tooltip="open the commitments of the highlighted row", id="open")
    ]

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[BlockSummary] = []
        self._drawn = -1  # the app's rows_version last drawn
        self._statuses: list[str] = []  # the status columns shown
        self._cells: dict[str, tuple[object, ...]] = {}  # the cells shown, by row key
        self._shown: dict[str, Text] = {}  # what each Static shows, by selector

    @property
    def tracker(self) -> TrackerApp:
        return cast("TrackerApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("读取中… loading", id="overview-title")
        yield DataTable(id="blocks", cursor_type="row", zebra_stripes=True)
        yield Static(id="topic-chart")
        yield KeyBar()

    def on_mount(self) -> None:
        self.rows_changed()

    def _columns(self, table: DataTable, statuses: list[str]) -> None:
        """One column per status that occurs (seven would not fit 80 columns), in SPEC order."""
        table.clear(columns=True)
        table.add_column("机构 agency", key="agency")
        table.add_column("年度", key="period")
        table.add_column("承诺", key="total")
        for status in statuses:
            table.add_column(Text(label(status), style=STATUS_STYLES[status]), key=status)
        table.add_column("已审", key="decided")

    def on_screen_resume(self) -> None:
        if self._drawn != self.tracker.rows_version:
            self.rows_changed()

    def rows_changed(self) -> None:
        """Redraw from the app's rows (called when they are loaded or a decision changed one)."""
        if not self.tracker.loaded:
            return
        self._drawn = self.tracker.rows_version
        rows = self.tracker.rows
        self.blocks = summarize(rows)
        table = self.query_one("#blocks", DataTable)
        cursor = table.cursor_row
        everything = _merge(self.blocks)
        statuses = [s for s in STATUSES if everything.by_status.get(s)]
        wanted = {
            key: (
                Text(block.agency),  # a str would be read as markup: an agency can hold "[/]"
                str(block.period) if block.period else "全部",
                Text(str(block.total), justify="right"),
                *(_count(block, status) for status in statuses),
                _progress(block),
            )
            for key, block in [(ALL, everything), *((f"{b.agency}|{b.period}", b) for b in self.blocks)]
        }
        if statuses == self._statuses and list(wanted) == list(self._cells):
            # Same rows and columns (a decision changed a count or two): update those cells only;
            # rebuilding a table of a few hundred agency-years costs tens of milliseconds.
            columns = list(table.columns)
            for key, cells in wanted.items():
                for column, cell, before in zip(columns, cells, self._cells[key], strict=True):
                    if cell != before:
                        table.update_cell(key, column, cell)
        else:
            if statuses != self._statuses:
                self._columns(table, statuses)
                self._statuses = statuses
            else:
                table.clear()
            for key, cells in wanted.items():
                table.add_row(*cells, key=key)
            if table.row_count:
                table.move_cursor(row=min(cursor, table.row_count - 1))
        self._cells = wanted
        decided = sum(b.decided for b in self.blocks)
        self._update(
            "#overview-title",
            Text.assemble(
                ("总览 ", "bold"),
                f"{len(rows)} 条承诺 · {len(self.blocks)} 个机构年度 · 已审 {decided}/{len(rows)}",
                ("  Enter 打开", "dim"),
            ),
        )
        self._chart()

    def _update(self, selector: str, content: Text) -> None:
        """Repaint a Static only when what it shows changed (each repaint lays the screen out again)."""
        if self._shown.get(selector) != content:
            self._shown[selector] = content
            self.query_one(selector, Static).update(content)

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._chart()

    def _selected(self) -> BlockSummary | None:
        table = self.query_one("#blocks", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key == ALL:
            return _merge(self.blocks)
        return next((b for b in self.blocks if f"{b.agency}|{b.period}" == key), None)

    def _chart(self) -> None:
        block = self._selected()
        if block is None:
            self._update("#topic-chart", Text())
            return
        widest = max((sum(c.values()) for c in block.by_topic.values()), default=1)
        scale = BAR_CELLS / max(widest, 1)
        text = Text.assemble(
            (f"按主题 by topic: {block.agency} {block.period or ''}  ", "bold"), legend(), "\n"
        )
        for topic, counts in sorted(block.by_topic.items(), key=lambda item: -sum(item[1].values())):
            text.append(f"{topic:　<6}"[:6] + f" {sum(counts.values()):>4} ")
            text.append_text(stacked_bar(counts, scale))
            text.append("\n")
        text.rstrip()
        self._update("#topic-chart", text)

    def action_open(self) -> None:
        block = self._selected()
        if block is None:
            return
        if block.period:
            self.tracker.open_list(block.agency, block.period)
        else:
            self.tracker.open_list(None, None)

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_open()


def _merge(blocks: list[BlockSummary]) -> BlockSummary:
    merged = BlockSummary("全部机构 all", 0)
    for block in blocks:
        merged.total += block.total
        merged.decided += block.decided
        merged.by_status.update(block.by_status)
        for topic, counts in block.by_topic.items():
            merged.by_topic.setdefault(topic, type(counts)()).update(counts)
    return merged


def _count(block: BlockSummary, status: str) -> Text:
    count = block.by_status.get(status, 0)
    return Text(
        str(count) if count else "·", style=STATUS_STYLES[status] if count else "dim", justify="right"
    )


def _progress(block: BlockSummary) -> Text:
    """``12/32``, bold green once every commitment of the row is decided."""
    done = bool(block.total) and block.decided == block.total
    return Text(f"{block.decided}/{block.total}", style="bold green" if done else "", justify="right")
