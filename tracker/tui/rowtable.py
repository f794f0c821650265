"""The commitment list as a line-API widget: only the rows on screen are ever rendered.

Textual's DataTable measures and stores every row it is given, which costs about 150 µs a row: two
seconds to show 11,000 commitments, and again after every filter or decision. This table keeps the
rows as a plain list and renders the thirty or so visible lines on demand, so filling, filtering and
re-sorting are list operations and moving the cursor repaints one screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter, indexOf

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.events import Click, Resize
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tracker.review.desk import HistoryBoard
from tracker.review.worklist import ReviewRow
from tracker.tui.badges import history_badge, score_text, status_badge

#: Widths of the fixed columns (the score's fits 手动); the section and the text share what is left.
FIXED = {"status": 12, "history": 4, "topic": 8, "score": 4, "reviewed": 2}
HEADERS = {
    "status": "状态",
    "history": "历年",
    "topic": "主题",
    "section": "章节",
    "text": "承诺 commitment",
    "score": "分数",
    "reviewed": "审",
}
ORDER = ("status", "history", "topic", "section", "text", "score", "reviewed")
MIN_TEXT = 12
#: The section gets up to this share of the room beside the fixed columns (never less than
#: SECTION_MIN cells), and no more than its longest name shown needs; the text gets the rest.
SECTION_SHARE = 1 / 3
SECTION_MIN = 10


class CommitmentTable(ScrollView, can_focus=True):
    """Rows of :class:`ReviewRow`; the cursor row is highlighted, Enter posts :class:`Selected`."""

    COMPONENT_CLASSES = {"commitment-table--cursor", "commitment-table--header", "commitment-table--odd"}
    DEFAULT_CSS = """
    CommitmentTable {
        background: $surface;
        & > .commitment-table--header { text-style: bold; background: $panel; }
        & > .commitment-table--odd { background: $surface-darken-1 40%; }
        & > .commitment-table--cursor { background: $block-cursor-blurred-background; }
        &:focus > .commitment-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """
    BINDINGS = [
        Binding("up", "cursor_up", show=False, id="cursor-up"),
        Binding("down", "cursor_down", show=False, id="cursor-down"),
        Binding("pageup", "page_up", show=False, id="page-up"),
        Binding("pagedown", "page_down", show=False, id="page-down"),
        Binding("home", "first", show=False, id="first"),
        Binding("end", "last", show=False, id="last"),
        Binding("enter", "select", show=False, id="select"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Selected(Message):
        """Enter (or a click on the cursor row) on row ``index``."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002  (Textual's name)
        super().__init__(id=id)
        self.rows: Sequence[ReviewRow] = ()
        self.blind = False
        self.history: HistoryBoard | None = None
        self._section_cells: dict[str, int] = {}  # a section's last heading -> its width in cells
        self._longest_section = SECTION_MIN
        # the list (the same object, as long) the longest section is of: the worklist's own lists
        # change in place, a decision changing a row's status, never its section
        self._sections_of: tuple[Sequence[ReviewRow], int] = ((), -1)

    # -- content --------------------------------------------------------------------------------------

    def set_rows(
        self,
        rows: Sequence[ReviewRow],
        *,
        blind: bool,
        keep: str | None = None,
        history: HistoryBoard | None = None,
    ) -> None:
        """Show ``rows`` (with their history badges from ``history``, when read); the cursor stays on
        the commitment ``keep`` when it is still shown."""
        self.rows = rows
        self.blind = blind
        self.history = history
        seen, length = self._sections_of
        if seen is not rows or length != len(rows):  # the rows a decision changed keep their section
            sections = set(map(attrgetter("section"), rows))  # 100,000 rows: a C loop, a few thousand left
            self._longest_section = max(map(self._section_width, sections), default=0)
            self._sections_of = (rows, len(rows))
        self.virtual_size = Size(self.size.width, len(rows) + 1)
        index = self.index_of(keep) if keep else None
        self.cursor = min(index if index is not None else self.cursor, max(len(rows) - 1, 0))
        self.refresh()

    def index_of(self, commitment_id: str) -> int | None:
        """Where the commitment is listed: most often still under the cursor (a decision, a redraw)."""
        rows = self.rows
        if 0 <= self.cursor < len(rows) and rows[self.cursor].id == commitment_id:
            return self.cursor
        try:
            return indexOf(map(attrgetter("id"), rows), commitment_id)  # a C loop over 100,000 rows
        except ValueError:
            return None

    @property
    def current(self) -> ReviewRow | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def widths(self) -> dict[str, int]:
        """The fixed columns, then the section as wide as its longest name within its share of the
        room (a wide terminal shows whole section names), the text taking the rest."""
        width = self.scrollable_content_region.width or self.size.width
        gaps = len(ORDER)  # one space before each column
        room = width - sum(FIXED.values()) - gaps
        share = max(SECTION_MIN, int(room * SECTION_SHARE))
        section = max(cell_len(HEADERS["section"]), min(self._longest_section, share))
        text = max(MIN_TEXT, room - section)
        return {**FIXED, "section": section, "text": text}

    def _section_width(self, section: str) -> int:
        cells = self._section_cells.get(section)
        if cells is None:
            cells = self._section_cells[section] = cell_len(_last_heading(section))
        return cells

    # -- cursor ---------------------------------------------------------------------------------------

    def watch_cursor(self, _old: int, new: int) -> None:
        height = max(self.scrollable_content_region.height - 1, 1)  # minus the header line
        if new < self.scroll_y:
            self.scroll_to(y=new, animate=False)
        elif new >= self.scroll_y + height:
            self.scroll_to(y=new - height + 1, animate=False)
        self.refresh()

    def action_cursor_up(self) -> None:
        self.cursor = max(self.cursor - 1, 0)

    def action_cursor_down(self) -> None:
        self.cursor = min(self.cursor + 1, max(len(self.rows) - 1, 0))

    def action_page_up(self) -> None:
        self.cursor = max(self.cursor - max(self.size.height - 2, 1), 0)

    def action_page_down(self) -> None:
        self.cursor = min(self.cursor + max(self.size.height - 2, 1), max(len(self.rows) - 1, 0))

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = max(len(self.rows) - 1, 0)

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.Selected(self.cursor))

    def on_click(self, event: Click) -> None:
        index = int(self.scroll_y) + event.y - 1
        if 0 <= index < len(self.rows):
            if index == self.cursor:
                self.post_message(self.Selected(index))
            self.cursor = index

    def on_resize(self, _event: Resize) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
        self.refresh()

    # -- rendering ------------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y == 0:
            style = self.get_component_rich_style("commitment-table--header")
            return self._strip(self._header(), base + style, width)
        index = int(self.scroll_y) + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, base)
        style = base
        if index % 2:
            style += self.get_component_rich_style("commitment-table--odd")
        if index == self.cursor:
            style += self.get_component_rich_style("commitment-table--cursor")
        return self._strip(self._cells(self.rows[index]), style, width)

    def _strip(self, cells: dict[str, Text], style: Style, width: int) -> Strip:
        line = Text(no_wrap=True, end="")
        for name, size in self._ordered_widths():
            cell = cells[name]
            if name == "score":
                cell.align("right", size)
            else:
                cell.truncate(size, overflow="ellipsis", pad=True)
            line.append(" ")
            line.append_text(cell)
        segments = [
            Segment(text, style + own if own else style)
            for text, own, _control in line.render(self.app.console)
        ]
        return Strip(segments).crop_extend(0, width, style)

    def _ordered_widths(self) -> list[tuple[str, int]]:
        widths = self.widths()
        return [(name, widths[name]) for name in ORDER]

    def _header(self) -> dict[str, Text]:
        return {name: Text(HEADERS[name]) for name in ORDER}

    def _history_badge(self, row: ReviewRow) -> Text:
        board = self.history
        if board is None:
            return Text("")
        return history_badge(kind_shown(board, row), row.id in board.dropped)

    def _cells(self, row: ReviewRow) -> dict[str, Text]:
        blind = self.blind or row.blinded  # a double-coded commitment still being coded: as in blind review
        return {
            "status": status_badge(row.status, row.source, blind),
            "history": self._history_badge(row),
            "topic": Text(row.topic),
            "section": Text(_last_heading(row.section)),
            "text": Text(row.text),
            "score": _score(row, blind),
            "reviewed": Text("✓", style="green") if row.decided else Text(""),
        }


def _last_heading(section: str) -> str:
    """The list shows a section by its own heading; the detail shows the whole path."""
    return section.rsplit(" > ", 1)[-1]


def _score(row: ReviewRow, blind: bool) -> Text:
    """The best candidate's score; with no candidate, 手动 when a reviewer linked evidence by hand,
    else ``—`` (nothing was scored)."""
    if row.best_score is None and not blind:
        return Text("手动", style="italic") if row.linked else Text("—", style="dim")
    return score_text(row.best_score, blind)


def kind_shown(board: HistoryBoard, row: ReviewRow) -> str | None:
    """The history kind of ``row`` as the screens show it: None when its plan had nothing earlier to
    be compared with (its ``new`` would mean nothing)."""
    baseline = board.baselines.get((row.agency, row.period))
    if baseline is None or not baseline.compared:
        return None
    return board.kinds.get(row.id)
