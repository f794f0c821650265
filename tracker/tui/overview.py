"""The first screen: one row per agency and period with its commitments by status, the review's progress
and, where the terminal is wide enough, by history (新增, 延续, 再次承诺, 多年未兑现, 未再提及); below it the
history of the highlighted row in words (at every width) and its statuses by topic."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, cast

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from tracker.review.desk import HistoryBoard
from tracker.review.history import Baseline
from tracker.review.worklist import BlockSummary, Summaries
from tracker.statuses import STATUS_STYLES, STATUSES, label
from tracker.tui.badges import (
    HISTORY_KINDS,
    HISTORY_SHORT,
    HISTORY_STYLES,
    baseline_text,
    history_label,
    legend,
    stacked_bar,
)
from tracker.tui.keybar import KeyBar

if TYPE_CHECKING:
    from tracker.tui.app import TrackerApp

ALL = "__all__"
ALL_LABEL = "全部机构 all"
BAR_CELLS = 40  # width of the longest topic bar
CELL_PADDING = 2  # a DataTable column's padding, both sides
SCROLLBAR = 2  # the table's vertical scrollbar


class OverviewScreen(Screen[None]):
    """Blocks of (agency, period); Enter opens the commitments of the highlighted one."""

    BINDINGS = [
        Binding("enter", "open", "打开", tooltip="open the commitments of the highlighted row", id="open")
    ]

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[BlockSummary] = []
        self._drawn = -1  # the app's rows_version last drawn
        self._drawn_team: object = None  # the app's team board the title last showed
        # status columns shown, history shown, the columns' widths
        self._layout: tuple[tuple[str, ...], bool, tuple[int, ...]] | None = None
        self._full_widths: list[int] = []  # the widths with the history columns
        self._cells: dict[str, tuple[object, ...]] = {}  # the cells shown, by row key
        self._shown: dict[str, Text] = {}  # what each Static shows, by selector
        # Each row's cells as last made, with what they were made of: a decision changes one block's
        # counts, and only its row (and 全部's) is made again.
        self._made: dict[str, tuple[tuple[object, ...], tuple[object, ...]]] = {}
        self._summaries: Summaries | None = None
        self._everything = BlockSummary(ALL_LABEL, 0)
        self._all_history: tuple[HistoryBoard, list[BlockSummary], _Seen] | None = None  # 全部's
        self._by_key: dict[str, BlockSummary] = {}  # the blocks by row key
        self._chart_height = (0, 0)  # the chart's width and the most lines it took at that width

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

    def _columns(self, table: DataTable, statuses: list[str], history: bool, widths: tuple[int, ...]) -> None:
        """One column per status that occurs (seven would not fit 80 columns), in SPEC order, then
        one per history kind when they fit, then the review's progress; each as wide as the largest
        value it can take (a count up to the total, 567/567), so a decision never cuts a cell."""
        table.clear(columns=True)
        for (key, header), width in zip(_headers(statuses, history), widths, strict=True):
            table.add_column(header, key=key, width=width)

    def on_screen_resume(self) -> None:
        if self._drawn != self.tracker.rows_version:
            self.rows_changed()
        elif self._drawn_team is not self.tracker.team and self.tracker.summaries is not None:
            self.team_changed()

    def on_resize(self, _event: Resize) -> None:
        if self._layout is not None and self._layout[1] != self._history_fits(self._full_widths):
            self.rows_changed()  # the history columns come or go

    def rows_changed(self) -> None:
        """Redraw from the app's counts (called when they are read or a decision changed one)."""
        summaries = self.tracker.summaries
        if summaries is None:
            return
        self._drawn = self.tracker.rows_version
        if summaries is not self._summaries:  # read anew: every row is made again
            self._summaries, self._made = summaries, {}
            self.blocks = summaries.ordered()
            self._by_key = {f"{b.agency}|{b.period}": b for b in self.blocks}
        table = self.query_one("#blocks", DataTable)
        cursor = table.cursor_row
        everything = self._everything = replace(summaries.total, agency=ALL_LABEL)
        statuses = [s for s in STATUSES if everything.by_status.get(s)]
        board = self.tracker.history
        stamp = (tuple(statuses), id(board), self.tracker.history_failed)
        wanted = {ALL: self._row(everything, statuses, board)}
        for block in self.blocks:
            key = f"{block.agency}|{block.period}"
            made = self._made.get(key)
            mark = (*stamp, summaries.revisions[(block.agency, block.period)])
            if made is None or made[0] != mark:
                made = self._made[key] = (mark, self._row(block, statuses, board))
            wanted[key] = made[1]
        widths = self._full_widths = _widths(statuses, wanted, everything.total)
        history = self._history_fits(widths)
        if not history:
            end = 3 + len(statuses)  # the history cells come after the status counts
            wanted = {key: cells[:end] + cells[end + len(HISTORY_KINDS) :] for key, cells in wanted.items()}
            widths = widths[:end] + widths[end + len(HISTORY_KINDS) :]
        layout = (tuple(statuses), history, tuple(widths))
        if layout == self._layout and list(wanted) == list(self._cells):
            # Same rows and columns (a decision changed a count or two): update those cells only;
            # rebuilding a table of a few hundred agency-years costs tens of milliseconds.
            columns = list(table.columns)
            for key, cells in wanted.items():
                before = self._cells[key]
                if cells == before:
                    continue
                for column, cell, was in zip(columns, cells, before, strict=True):
                    if cell != was:
                        table.update_cell(key, column, cell)
        else:
            if layout != self._layout:
                self._columns(table, statuses, history, layout[2])
                self._layout = layout
            else:
                table.clear()
            for key, cells in wanted.items():
                table.add_row(*cells, key=key)
            if table.row_count:
                table.move_cursor(row=min(cursor, table.row_count - 1))
        self._cells = wanted
        self.team_changed()
        self._chart()

    def team_changed(self) -> None:
        """The title again: the counts, and what the team's review asks of this reviewer (the queue of
        disagreements changes with other reviewers' statuses; the table does not)."""
        if self.tracker.summaries is None:
            return  # still 读取中: the counts come first
        self._drawn_team = self.tracker.team
        everything = self._everything
        self._update(
            "#overview-title",
            Text.assemble(
                ("总览 ", "bold"),
                f"{everything.total} 条承诺 · {len(self.blocks)} 个机构年度 · "
                f"已审 {everything.decided}/{everything.total}",
                ("  Enter 打开", "dim"),
                self._team_text(),
            ),
        )

    def _team_text(self) -> Text:
        """``  我的任务 24 条 m · 分歧待裁定 3 条 d``: what the team's review asks of this reviewer."""
        team = self.tracker.team
        text = Text()
        if team.mine:
            text.append(f"  我的任务 {len(team.mine)} 条 ", style="bold")
            text.append("m", style="dim")
        if team.disputes:
            text.append(" · " if team.mine else "  ")
            text.append(f"分歧待裁定 {len(team.disputes)} 条 ", style="bold red")
            text.append("d", style="dim")
        return text

    def _row(
        self, block: BlockSummary, statuses: list[str], board: HistoryBoard | None
    ) -> tuple[object, ...]:
        return (
            Text(block.agency),  # a str would be read as markup: an agency can hold "[/]"
            str(block.period) if block.period else "全部",
            Text(str(block.total), justify="right"),
            *(_count(block, status) for status in statuses),
            *self._history_cells(block, board),
            _progress(block),
        )

    def _history_fits(self, widths: list[int]) -> bool:
        """Whether the history columns are worth showing (some plan could be compared with something
        earlier) and the table with them (``widths``) is no wider than the screen."""
        board = self.tracker.history
        if board is not None and not any(b.compared for b in board.baselines.values()):
            return False
        return sum(w + CELL_PADDING for w in widths) + SCROLLBAR <= self.size.width

    def _history_cells(self, block: BlockSummary, board: HistoryBoard | None) -> list[Text]:
        """The counts of ``block`` by history kind (``…`` while being read, ``—`` where nothing earlier
        could be compared)."""
        if board is None:
            mark = "?" if self.tracker.history_failed else "…"
            return [Text(mark, style="dim", justify="right") for _ in HISTORY_KINDS]
        seen = self._seen(block, board)
        cells = []
        for kind in HISTORY_KINDS:
            count = seen.counts.get(kind, 0)
            if not (seen.dropped if kind == "dropped" else seen.compared):
                cells.append(Text("—", style="dim", justify="right"))
            elif not count:
                cells.append(Text("·", style="dim", justify="right"))
            else:
                cells.append(Text(str(count), style=HISTORY_STYLES[kind], justify="right"))
        return cells

    def _seen(self, block: BlockSummary, board: HistoryBoard) -> _Seen:
        """:func:`_history_of` the row, 全部's summed once per history read (not per decision)."""
        if block.period:
            return _history_of(block, board, self.blocks)
        cached = self._all_history
        if cached is None or cached[0] is not board or cached[1] is not self.blocks:
            cached = self._all_history = (board, self.blocks, _history_of(block, board, self.blocks))
        return cached[2]

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
            return self._everything
        return self._by_key.get(str(key))

    def _chart(self) -> None:
        block = self._selected()
        if block is None:
            self._update("#topic-chart", Text())
            return
        widest = max((sum(c.values()) for c in block.by_topic.values()), default=1)
        scale = BAR_CELLS / max(widest, 1)
        text = self._history_line(block)
        text.append("\n")
        text.append_text(
            Text.assemble((f"按主题 by topic: {block.agency} {block.period or ''}  ", "bold"), legend(), "\n")
        )
        for topic, counts in sorted(block.by_topic.items(), key=lambda item: -sum(item[1].values())):
            text.append(f"{topic:　<6}"[:6] + f" {sum(counts.values()):>4} ")
            text.append_text(stacked_bar(counts, scale))
            text.append("\n")
        text.rstrip()
        self._update("#topic-chart", self._padded(text))

    def _padded(self, text: Text) -> Text:
        """``text`` with blank lines below it, as tall as the tallest chart shown at this width (全部's,
        which has every topic): moving the cursor then never resizes the table above, which makes
        Textual render every visible cell of it again (about 100 ms at 700 agency-years)."""
        width = self.query_one("#topic-chart", Static).content_region.width
        if width <= 0:
            return text  # not laid out yet
        lines = len(text.wrap(self.app.console, width))
        tallest = max(self._chart_height[1], lines) if self._chart_height[0] == width else lines
        self._chart_height = (width, tallest)
        if lines < tallest:
            text.append("\n" * (tallest - lines))
        return text

    def _history_line(self, block: BlockSummary) -> Text:
        """``历年 history: 对照 2023年总结  新增 13 · 延续 19 · …`` for the highlighted row."""
        text = Text.assemble(("历年 history: ", "bold"))
        board = self.tracker.history
        if board is None:
            text.append(HISTORY_FAILED if self.tracker.history_failed else NO_HISTORY_YET, style="dim")
            return text
        seen = self._seen(block, board)
        if not seen.compared:
            text.append(baseline_text(Baseline()), style="dim")
            return text
        if block.period:
            text.append(baseline_text(seen.baseline) + "  ", style="dim")
        for index, kind in enumerate(HISTORY_KINDS):
            if kind == "dropped" and not seen.dropped:
                continue  # no plan of the year before to have dropped anything
            count = seen.counts.get(kind, 0)
            text.append(" · " if index else "")
            text.append(history_label(kind), style=HISTORY_STYLES[kind] if count else "dim")
            text.append(f" {count}")
        if seen.counts.get("dropped") and block.period:
            text.append(f"（{block.period - 1}年计划中未兑现、本年未再提及）", style="dim")
        return text

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


NO_HISTORY_YET = "读取中… loading"
HISTORY_FAILED = "读取失败 cannot read the history (r 刷新 retry)"


def _headers(statuses: list[str], history: bool) -> list[tuple[str, Text | str]]:
    headers: list[tuple[str, Text | str]] = [("agency", "机构 agency"), ("period", "年度"), ("total", "承诺")]
    headers += [(s, Text(label(s), style=STATUS_STYLES[s])) for s in statuses]
    if history:
        headers += [(f"history-{k}", Text(HISTORY_SHORT[k], style=HISTORY_STYLES[k])) for k in HISTORY_KINDS]
    headers.append(("decided", "已审"))
    return headers


def _width(cell: object) -> int:
    return cell.cell_len if isinstance(cell, Text) else cell_len(str(cell))


def _widths(statuses: list[str], cells: dict[str, tuple[object, ...]], total: int) -> list[int]:
    """Each column's width (with the history columns): the agency, the year and the total as wide as
    their widest cell; a count as wide as ``total`` (no block counts more), the progress as
    ``total/total``; never narrower than the header."""
    headers = _headers(statuses, True)
    widths = [_width(header) for _key, header in headers]
    for row in cells.values():
        for index in range(3):  # agency, year, total: they do not change with a decision
            widths[index] = max(widths[index], _width(row[index]))
    count = len(str(total))
    for index in range(3, len(headers) - 1):
        widths[index] = max(widths[index], count)
    widths[-1] = max(widths[-1], len(f"{total}/{total}"))
    return widths


@dataclass(frozen=True)
class _Seen:
    """A row's counts by history kind, whether its kinds and its dropped could be read at all (a plan
    with nothing earlier, or no plan the year before), and what it was compared with."""

    counts: Counter[str]
    compared: bool
    dropped: bool
    baseline: Baseline


def _history_of(block: BlockSummary, board: HistoryBoard, blocks: list[BlockSummary]) -> _Seen:
    """The history of a row; for 全部 (period 0), the sums over the plans that could be compared."""
    if block.period:
        key = (block.agency, block.period)
        baseline = board.baselines.get(key, Baseline())
        counts = board.counts.get(key, Counter())
        return _Seen(counts, baseline.compared, block.period - 1 in baseline.plans, baseline)
    total: Counter[str] = Counter()
    compared = dropped = False
    for each in blocks:
        key = (each.agency, each.period)
        baseline = board.baselines.get(key, Baseline())
        if baseline.compared:
            total.update(board.counts.get(key, Counter()))
            compared = True
            dropped = dropped or each.period - 1 in baseline.plans
    return _Seen(total, compared, dropped, Baseline())


def _count(block: BlockSummary, status: str) -> Text:
    count = block.by_status.get(status, 0)
    return Text(
        str(count) if count else "·", style=STATUS_STYLES[status] if count else "dim", justify="right"
    )


def _progress(block: BlockSummary) -> Text:
    """``12/32``, bold green once every commitment of the row is decided."""
    done = bool(block.total) and block.decided == block.total
    return Text(f"{block.decided}/{block.total}", style="bold green" if done else "", justify="right")
