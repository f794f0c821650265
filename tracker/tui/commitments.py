"""The commitment list: status badge, history badge, topic, section, text, best score and a reviewed mark
per row, with filters (topic, status, history, reviewed; ``Tab`` goes there), incremental search (``/``)
and two sort orders (document order only in blind review). ``1``–``7`` and ``s`` set the highlighted
commitment's status without opening it, ``u`` takes a decision back; evidence is decided in the detail."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Header, Input, Select, Static

from tracker.review.desk import HistoryBoard
from tracker.review.worklist import ReviewRow, by_score
from tracker.statuses import STATUSES, label
from tracker.tui.badges import HISTORY_KINDS, HISTORY_STYLES, history_label
from tracker.tui.keybar import KeyBar
from tracker.tui.messages import Decided
from tracker.tui.rowtable import CommitmentTable
from tracker.tui.shared_keys import UNDO, status_keys

if TYPE_CHECKING:
    from tracker.tui.app import TrackerApp

REVIEWED_CHOICES = [("未审 unreviewed", "no"), ("已审 reviewed", "yes")]
HISTORY_CHOICES = [(f"{history_label(k)} {k}", k) for k in HISTORY_KINDS]


class CommitmentsScreen(Screen[None]):
    """Commitments of one agency and period (or all), filtered and searched."""

    # The key bar shows the first ones that fit the terminal (README "Reviewing"); the others are on
    # the help screen (?) and in the command palette.
    BINDINGS = [
        Binding("enter", "open", "详情", tooltip="open the commitment", priority=False, id="open"),
        Binding(
            "slash", "search", "搜索", key_display="/", tooltip="search the commitment text", id="search"
        ),
        Binding(
            "tab",
            "filters",
            "筛选",
            key_display="Tab",
            tooltip="to the filters (topic, status, history, review) and the search; Tab on, Esc back",
            id="filters",
        ),
        Binding("s", "status", "状态", tooltip="set the highlighted commitment's status", id="status"),
        UNDO,
        Binding("o", "sort", "排序", tooltip="sort by best score / document order", id="sort"),
        Binding("j", "cursor_down", "下一条", tooltip="next commitment", show=False, id="next"),
        Binding("k", "cursor_up", "上一条", tooltip="previous commitment", show=False, id="previous"),
        Binding("g", "first", "第一条", tooltip="first commitment", show=False, id="first"),
        Binding("G", "last", "最后一条", tooltip="last commitment", show=False, id="last"),
        Binding(
            "right_square_bracket",
            "next_undecided",
            "下一未审",
            key_display="]",
            tooltip="next undecided commitment",
            show=False,
            id="next-undecided",
        ),
        Binding(
            "a,x",
            "evidence_hint",
            "确认/否决佐证：在详情中",
            tooltip="evidence is confirmed or rejected in the detail (Enter)",
            show=False,
            id="evidence-hint",
        ),
        Binding(
            "escape", "back", "返回", tooltip="back to the overview (from a filter: to the list)", id="back"
        ),
        *status_keys("the highlighted commitment"),
    ]

    def __init__(
        self, agency: str | None = None, period: int | None = None, scope: str | None = None
    ) -> None:
        super().__init__()
        self.agency = agency
        self.period = period
        #: ``mine``: the reviewer's worklist (its own order); ``disputes``: the adjudication queue
        self.scope = scope
        self._scoped: tuple[object, ...] = ()  # what the scope's rows were picked from, and the rows
        self.by_score = False
        self.shown: list[ReviewRow] = []
        self._drawn: tuple[int, bool] = (-1, False)  # the app's rows_version and blind mode last drawn
        self._summary: tuple[tuple[object, ...], Text] | None = None  # the title's history counts
        self._topics_of: object = None  # the worklist whose topics the topic filter offers (the first)
        # Results of the searches typed since the rows or the other filters last changed, by words: a
        # character typed searches the rows the words before it found, a backspace finds them again.
        self._searches: tuple[tuple[object, ...], dict[tuple[str, ...], list[ReviewRow]]] = ((), {})
        # The scope's rows by best score (positions in the scope), sorted once per worklist and scores.
        self._score_order: tuple[list[ReviewRow], tuple[object, ...], list[int]] | None = None
        # Per history read: commitment ids by the history kind the list shows (kind_shown).
        self._kinds: tuple[HistoryBoard, object, dict[str | None, set[str]]] | None = None

    @property
    def tracker(self) -> TrackerApp:
        return cast("TrackerApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="list-title")
        with Horizontal(id="filters"):
            yield Select([], prompt="主题 topic", id="topic", compact=True)
            yield Select(
                [(f"{label(s)} {s}", s) for s in STATUSES], prompt="状态 status", id="status", compact=True
            )
            yield Select(HISTORY_CHOICES, prompt="历年 history", id="history", compact=True)
            yield Select(REVIEWED_CHOICES, prompt="审核 review", id="reviewed", compact=True)
            yield Input(placeholder="/ 搜索 search", id="search", compact=True)
        yield CommitmentTable(id="commitments")
        yield KeyBar()

    def on_mount(self) -> None:
        self.rows_changed()
        self.table.focus()

    def _offer_topics(self, scope: list[ReviewRow]) -> None:
        """The topic filter offers the scope's topics, once the rows are read (a list opened from the
        first screen may come before them); a reload keeps the options, and the topic chosen."""
        if self.tracker.worklist is None or self._topics_of is not None:
            return
        self._topics_of = self.tracker.worklist
        topics = sorted({row.topic for row in scope})
        self.query_one("#topic", Select).set_options([(t, t) for t in topics if t])

    @property
    def table(self) -> CommitmentTable:
        return self.query_one("#commitments", CommitmentTable)

    def _scope(self) -> list[ReviewRow]:
        if self.scope is not None:
            return self._team_rows()
        if self.agency is not None and self.period is not None:
            return self.tracker.block_rows(self.agency, self.period)
        return self.tracker.rows

    def _team_rows(self) -> list[ReviewRow]:
        """The rows of the worklist or of the queue, picked once per reading of the rows or the team."""
        team = self.tracker.team
        ids = team.mine if self.scope == "mine" else team.disputes
        stamp = (self.tracker.rows_version, ids)
        if self._scoped[:2] != stamp:
            found = (self.tracker.row(cid) for cid in ids)
            self._scoped = (*stamp, [row for row in found if row is not None])
        rows = self._scoped[2]
        assert isinstance(rows, list)
        return rows

    def _filtered(self, scope: list[ReviewRow]) -> list[ReviewRow]:
        """The scope through the filters and the search, by score when so sorted (the scope sorted,
        then filtered: the same rows in the same order as filtering first, a stable sort after)."""
        rows = self._by_score(scope) if self.sorted_by_score else scope
        topic = self.query_one("#topic", Select).value
        status = self.query_one("#status", Select).value
        reviewed = self.query_one("#reviewed", Select).value
        history = self.query_one("#history", Select).value
        words = tuple(self.query_one("#search", Input).value.split())
        if topic is not Select.NULL:
            rows = [r for r in rows if r.topic == topic]
        if status is not Select.NULL:
            rows = [r for r in rows if r.status == status]
        if history is not Select.NULL:
            board = self.tracker.history
            if board is None:
                rows = []  # not read yet (the title says so)
            else:
                wanted = (
                    board.dropped if history == "dropped" else self._kind_ids(board).get(str(history), set())
                )
                rows = [r for r in rows if r.id in wanted]
        if reviewed is not Select.NULL:
            rows = [r for r in rows if r.decided == (reviewed == "yes")]
        if words:
            stamp = (
                self.tracker.rows_version,
                id(scope),
                topic,
                status,
                history,
                reviewed,
                self.sorted_by_score,
            )
            rows = self._searched(rows, words, stamp)
        return rows

    def _by_score(self, scope: list[ReviewRow]) -> list[ReviewRow]:
        """The scope by best score, best first (document order among equals), sorted once per reading
        of the rows (a decision changes no score; the list of every commitment comes sorted)."""
        worklist = self.tracker.worklist
        scores = worklist.scores if worklist is not None else 0
        cached = self._score_order
        if cached is None or cached[0] is not scope or cached[1] != (len(scope), worklist, scores):
            if worklist is not None and scope is worklist.rows and not scores:
                order = worklist.by_score
            else:
                order = by_score(scope)
            self._score_order = cached = (scope, (len(scope), worklist, scores), order)
        return list(map(scope.__getitem__, cached[2]))

    def _kind_ids(self, board: HistoryBoard) -> dict[str | None, set[str]]:
        """The commitment ids of each history kind as the list shows it (:func:`kind_shown`)."""
        if self._kinds is None or self._kinds[0] is not board or self._kinds[1] is not self.tracker.worklist:
            kinds: dict[str | None, set[str]] = {}
            compared = {key for key, baseline in board.baselines.items() if baseline.compared}
            for row in self._scope():
                kind = board.kinds.get(row.id) if (row.agency, row.period) in compared else None
                kinds.setdefault(kind, set()).add(row.id)
            self._kinds = (board, self.tracker.worklist, kinds)
        return self._kinds[2]

    def _searched(
        self, rows: list[ReviewRow], words: tuple[str, ...], stamp: tuple[object, ...]
    ) -> list[ReviewRow]:
        """The rows whose text or section holds every word. What fewer or shorter words found holds
        all the rows these words can find, so typing one more character searches those only."""
        if self._searches[0] != stamp:
            self._searches = (stamp, {})
        found = self._searches[1]
        if words in found:
            return found[words]
        narrower = [
            earlier
            for earlier in found
            if len(earlier) <= len(words) and all(a in b for a, b in zip(earlier, words, strict=False))
        ]
        if narrower:
            rows = min((found[earlier] for earlier in narrower), key=len)
        result = found[words] = [r for r in rows if all(w in r.text or w in r.section for w in words)]
        return result

    @property
    def sorted_by_score(self) -> bool:
        """Blind review keeps document order: an order by score is the matcher's verdict in disguise."""
        return self.by_score and not self.tracker.blind

    def hidden_keys(self) -> set[str]:
        """For the key bar: no sort key while blind."""
        return {"sort"} if self.tracker.blind else set()

    def on_resize(self) -> None:
        self.rows_changed()  # the title fits the width

    def on_screen_resume(self) -> None:
        if self._drawn != (self.tracker.rows_version, self.tracker.blind) or self._team_stale():
            self.rows_changed()

    def team_changed(self) -> None:
        """The worklist or the queue of disagreements was read again: a list of them shows it."""
        if self._team_stale():
            self.rows_changed()

    def _team_stale(self) -> bool:
        if self.scope is None:
            return False
        team = self.tracker.team
        return self._scoped[1:2] != ((team.mine if self.scope == "mine" else team.disputes),)

    def rows_changed(self) -> None:
        """Show the app's rows through the filters, keeping the cursor on the same commitment."""
        self._drawn = (self.tracker.rows_version, self.tracker.blind)
        current = self.current_id()
        scope = self._scope()
        self._offer_topics(scope)
        self.shown = self._filtered(scope)
        board = self.tracker.history
        self.table.set_rows(self.shown, blind=self.tracker.blind, keep=current, history=board)
        decided = self._decided(scope)
        if self.scope == "mine":
            where = f"我的任务 {self.tracker.reviewer}"
        elif self.scope == "disputes":
            where = "分歧待裁定 disputes"
        else:
            where = f"{self.agency} {self.period}" if self.agency else "全部机构 all agencies"
        history = self._history_summary(scope)
        room = self.app.size.width - 2  # the title's padding
        by_score = self.sorted_by_score
        for order, summary in (
            ("按分数 by score" if by_score else "文档顺序 document order", history),
            ("按分数" if by_score else "文档顺序", history),  # a narrow terminal: Chinese only
            ("按分数" if by_score else "文档顺序", Text()),
        ):
            title = Text.assemble(
                (where, "bold"),
                f"  显示 {len(self.shown)} 条 · 已审 {decided}/{len(scope)} · {order}",
                summary,
            )
            if title.cell_len <= room:
                break
        if not self.tracker.loaded:  # opened from the first screen before every row was read
            title = Text.assemble((where, "bold"), ("  读取中… loading", "dim"))
        self.query_one("#list-title", Static).update(title)
        self.query_one(KeyBar).redraw()  # the sort key comes and goes with blind mode

    def _decided(self, scope: list[ReviewRow]) -> int:
        """How many commitments of the scope are decided, from the counts kept for the overview."""
        summaries = self.tracker.summaries
        if self.tracker.worklist is None or summaries is None:
            return 0
        if self.scope is not None:
            return sum(row.decided for row in scope)
        if self.agency is None or self.period is None:
            return summaries.total.decided
        block = summaries.blocks.get((self.agency, self.period))
        return block.decided if block is not None else 0

    def _history_summary(self, scope: list[ReviewRow]) -> Text:
        """`` · 历年 延续 19 新增 13``: the history kinds of the commitments in scope (counted once per
        reading of the rows or of the history: a decision, a filter or a search changes none of it)."""
        key = (self.tracker.worklist, self.tracker.history, self.tracker.history_failed)
        if self._summary is None or any(a is not b for a, b in zip(self._summary[0], key, strict=True)):
            self._summary = (key, self._count_history())
        return self._summary[1]

    def _count_history(self) -> Text:
        """The counts of the scope's agency-years from the history's own counts per plan: a plan's
        commitments by kind (when it had something earlier to compare with), and those of them the
        next year's plan dropped (counted there, for the plan that no longer names them)."""
        board = self.tracker.history
        if self.scope is not None:
            return Text()  # the counts are per plan: a worklist or the queue holds parts of plans
        if board is None:
            failed = self.tracker.history_failed
            return Text(" · 历年 " + ("读取失败" if failed else "读取中…"), style="dim")
        worklist = self.tracker.worklist
        if worklist is None:
            blocks: Sequence[tuple[str, int]] = []
        elif self.agency is None or self.period is None:
            blocks = list(worklist.summaries.blocks)
        else:
            blocks = [(self.agency, self.period)]
        counts: Counter[str] = Counter()
        for agency, period in blocks:
            counts["dropped"] += board.counts.get((agency, period + 1), Counter())["dropped"]
            baseline = board.baselines.get((agency, period))
            if baseline is not None and baseline.compared:  # else no kind is shown (kind_shown)
                counts.update(
                    {k: n for k, n in board.counts.get((agency, period), Counter()).items() if k != "dropped"}
                )
        text = Text()
        for kind in HISTORY_KINDS:
            if counts.get(kind):
                text.append(" " if text else " · 历年 ")
                text.append(f"{history_label(kind)} {counts[kind]}", style=HISTORY_STYLES[kind])
        return text

    def current_id(self) -> str | None:
        row = self.table.current if self.shown else None
        return row.id if row is not None else None

    @on(Select.Changed)
    @on(Input.Changed, "#search")
    def _filters_changed(self) -> None:
        self.rows_changed()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.table.focus()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_sort(self) -> None:
        if self.tracker.blind:
            self.notify("盲审按文档顺序 blind review keeps document order (b 退出盲审)", timeout=3)
            return
        self.by_score = not self.by_score
        self.rows_changed()

    def action_filters(self) -> None:
        """Tab: from the list to the first filter, from a filter to the next (the search, then the list)."""
        if self.focused is self.table:
            self.query_one("#topic", Select).focus()
        else:
            self.focus_next()

    def action_first(self) -> None:
        self.table.action_first()

    def action_last(self) -> None:
        self.table.action_last()

    def action_cursor_down(self) -> None:
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.table.action_cursor_up()

    def action_next_undecided(self) -> None:
        for index in range(self.table.cursor + 1, len(self.shown)):
            if not self.shown[index].decided:
                self.table.cursor = index
                return

    def action_back(self) -> None:
        if self.focused is not self.table:  # the search or a filter: back to the list
            self.table.focus()
            return
        self.app.pop_screen()

    def action_open(self) -> None:
        if self.shown:
            ids = list(map(attrgetter("id"), self.shown))  # 100,000 rows: a C loop
            self.tracker.open_detail(ids, self.table.cursor, self.show_commitment)

    def show_commitment(self, commitment_id: str | None) -> None:
        """Put the cursor on ``commitment_id`` (the one the detail showed last) when it is listed."""
        if self._drawn != (self.tracker.rows_version, self.tracker.blind):
            self.rows_changed()  # the rows changed meanwhile: the cursor goes into the fresh list
        index = self.table.index_of(commitment_id) if commitment_id is not None else None
        if index is not None and index != self.table.cursor:  # each move repaints the table
            self.table.cursor = index

    # -- decisions on the highlighted row --------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A status key acts on the highlighted row only while the list has the focus (on a filter,
        the row is not where the reviewer looks)."""
        deciding = action in ("set_status", "status")
        return not (deciding and self.is_mounted and self.focused is not self.table)

    def action_set_status(self, status: str) -> None:
        """1–7: the highlighted commitment's status, shown in its row at once (``u`` takes it back);
        the cursor stays on it."""
        row = self.table.current if self.shown else None
        if row is None:
            return
        if row.id in self.tracker.team.disputes:
            done = f"已裁定 {label(status)} adjudicated · {_quoted(row.text)} (u 撤销 undo)"
        else:
            done = f"已设为 {label(status)} set · {_quoted(row.text)} (u 撤销 undo)"
        self.tracker.set_status(row.id, status, self, done=done)

    def action_status(self) -> None:
        row = self.table.current if self.shown else None
        if row is not None:
            self.tracker.choose_status(row.status, self.action_set_status)

    def action_undo(self) -> None:
        self.tracker.undo(self)

    def action_evidence_hint(self) -> None:
        """``a`` / ``x`` decide the evidence the detail shows; the list shows none to decide on."""
        self.notify(
            "确认/否决佐证请先打开详情 — Enter opens the detail, where a / x decide the evidence", timeout=4
        )

    def on_decided(self, message: Decided) -> None:
        """A decision of this screen is saved (the app's rows are fresh): redraw; after an undo the
        cursor goes to the commitment it changed, when listed."""
        self.rows_changed()
        if message.step.kind == "undo" and message.touched is not None:
            self.show_commitment(message.touched)

    def on_commitment_table_selected(self, _event: CommitmentTable.Selected) -> None:
        self.action_open()


QUOTED = 16  # characters of a commitment quoted in a notification


def _quoted(text: str) -> str:
    return text if len(text) <= QUOTED else text[: QUOTED - 1] + "…"
