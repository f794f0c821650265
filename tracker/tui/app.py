"""The Textual application: holds the worklist, runs every database call in a worker thread, and hands
fresh rows to whichever screen is showing.

Screens never touch the database themselves: they ask the app (``decide``, ``reload``, ``fetch_detail``)
and the answer comes back as a message of :mod:`tracker.tui.messages`, so a slow disk or a second
reviewer's lock never freezes the UI, and a failed call is a notification, never a crash.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.engine import Engine
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.timer import Timer

from tracker.review.desk import HistoryBoard, ReviewDesk, Step, TeamBoard
from tracker.review.worklist import ReviewRow, Summaries, Worklist
from tracker.statuses import HISTORY_ACTIONS
from tracker.tui import heap
from tracker.tui.badges import undone_text
from tracker.tui.commands import TrackerCommands, app_commands, screen_commands
from tracker.tui.messages import (
    AchievementsFound,
    Decided,
    DetailLoaded,
    HistoryLoaded,
    OverviewLoaded,
    RowsLoaded,
    TeamLoaded,
    WorkerFailed,
)

NOT_SAVED = "未保存 not saved"
NOT_READ = "读取失败 cannot read the database"
NOT_FOUND = "搜索失败 search failed"
NO_HISTORY = "历年读取失败 cannot read the history"
#: Seconds after the last decision before the history of its agency is read again (a reviewer setting
#: ten statuses in a row causes one read, not ten).
HISTORY_DELAY = 0.4


@dataclass(frozen=True)
class _Job:
    """One queued decision and the screen to tell when it is saved."""

    step: Step
    reply_to: MessagePump | None
    done: str
    show: str | None


class TrackerApp(App[None]):
    """Review commitments from the keyboard; every decision is saved the moment it is taken."""

    TITLE = "tracker 承诺落实审核"
    CSS_PATH = Path(__file__).with_name("tracker.tcss")
    BINDINGS = [
        Binding("q", "quit", "退出", tooltip="quit (every decision is already saved)", id="quit"),
        Binding(
            "question_mark", "help", "帮助", key_display="?", tooltip="the keys of this screen", id="help"
        ),
        Binding(
            "r", "reload", "刷新", tooltip="re-read the database (another reviewer's decisions)", id="reload"
        ),
        Binding(
            "b",
            "toggle_blind",
            "盲审",
            tooltip="blind mode: hide scores and suggestions",
            show=False,
            id="toggle-blind",
        ),
        Binding("t", "toggle_theme", "明暗", tooltip="light / dark theme", show=False, id="toggle-theme"),
        Binding(
            "m", "mine", "我的任务", tooltip="your worklist (tracker assign)", show=False, id="my-worklist"
        ),
        Binding(
            "d",
            "disputes",
            "分歧待裁定",
            tooltip="the adjudication queue: what two coders disagree on",
            show=False,
            id="disputes",
        ),
        Binding(
            "ctrl+p",
            "command_palette",
            "命令面板",
            key_display="Ctrl+P",
            tooltip="every command by name (打开总览, 盲审, 切换主题 …)",
            show=False,
            id="command-palette",
        ),
    ]
    COMMANDS = {TrackerCommands}

    def __init__(
        self, engine: Engine, *, reviewer: str, blind: bool = False, database: str | None = None
    ) -> None:
        super().__init__()
        # The header names the database open (``database``, as the command line shows it: a file's
        # path, a server's host/name, never a password), so the demo is never taken for one's work.
        if database:
            self.sub_title = database
        self.desk = ReviewDesk(engine, reviewer)
        self.reviewer = reviewer
        self.blind = blind
        # The overview's counts come first (read by the database), then every row with the worklist's
        # own counts, kept up to date decision by decision.
        self.summaries: Summaries | None = None
        self.worklist: Worklist | None = None
        self.rows_version = 0  # raised whenever the rows or counts change; screens redraw when it moved
        self.loaded = False  # every row is read
        # The history (kinds, dropped, counts) comes in a worker of its own after the rows; None until
        # it is read. A decision on an earlier plan can change it (chronic or repeated, dropped): the
        # agency's history is read again shortly after (``_history_stale``).
        self.history: HistoryBoard | None = None
        self.history_failed = False
        # The reviewer's worklist and the disagreements waiting for a third reviewer; a reviewer with a
        # worklist sees it first (``_team_opened``: it was opened once already).
        self.team = TeamBoard()
        self._team_opened = False
        self._history_stale: dict[str, str] = {}  # agency -> a commitment of it decided on
        self._latest_plan: dict[str, int] = {}  # agency -> the year of its latest plan
        self._history_timer: Timer | None = None
        self.theme = "textual-dark"
        self._queue: deque[_Job] = deque()
        self._queue_lock = threading.Lock()
        self._draining = False
        # The first screen's counts are read while Textual starts (the query waits on SQLite, which
        # lets Textual run meanwhile), not after: the first worker takes them from here.
        first = ThreadPoolExecutor(1, "tracker-first-screen")
        self._first_counts: Future[Summaries] = first.submit(self._count_overview)
        first.shutdown(wait=False)  # the one job still runs; its thread ends with it

    def _count_overview(self) -> Summaries:
        with heap.reading():
            return Summaries.of(self.desk.overview())

    @property
    def rows(self) -> list[ReviewRow]:
        """Every commitment's row in document order (none until they are read)."""
        return self.worklist.rows if self.worklist is not None else []

    def block_rows(self, agency: str, period: int) -> list[ReviewRow]:
        """The rows of one agency-year in document order."""
        return self.worklist.block(agency, period) if self.worklist is not None else []

    def row(self, commitment_id: str) -> ReviewRow | None:
        return self.worklist.get(commitment_id) if self.worklist is not None else None

    def on_unmount(self) -> None:
        heap.released()

    def on_mount(self) -> None:
        from tracker.tui.overview import OverviewScreen

        heap.settled()  # the modules imported: with the rows, most of what a collection would walk
        self.push_screen(OverviewScreen())
        self.reload(counts_first=True)

    # -- data, always off the UI thread -------------------------------------------------------------
    # Each worker catches whatever the desk raises (a TrackerError, a locked database, anything) and
    # posts WorkerFailed instead: the reviewer reads one line and the app goes on.

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def reload(self, counts_first: bool = False) -> None:
        """Read the whole worklist again (another reviewer's decisions appear), then its history;
        ``counts_first``: the overview's counts before the rows, for the first screen."""
        try:
            if counts_first:
                self.post_message(OverviewLoaded(self._first_counts.result()))
            self.post_message(TeamLoaded(self.desk.team()))
            with heap.reading(settle=True):
                worklist = Worklist(self.desk.worklist())
        except Exception as exc:
            self.post_message(WorkerFailed(NOT_READ, exc))
            return
        self.post_message(RowsLoaded(worklist))
        try:
            with heap.reading(settle=True):
                board = self.desk.history()
        except Exception as exc:
            self.post_message(WorkerFailed(NO_HISTORY, exc))
        else:
            self.post_message(HistoryLoaded(board))

    @work(thread=True, group="history", exit_on_error=False)
    def reload_history(self, around: str) -> None:
        """Read again the history of the agency of commitment ``around``."""
        try:
            with heap.reading():
                board = self.desk.history(around)
        except Exception as exc:
            self.post_message(WorkerFailed(NO_HISTORY, exc))
        else:
            self.post_message(HistoryLoaded(board))

    def on_team_loaded(self, message: TeamLoaded) -> None:
        self._show_team(message.board)

    def _show_team(self, board: TeamBoard) -> None:
        """Keep ``board``; the first worklist is opened, a change is drawn on the screen shown."""
        from tracker.tui.overview import OverviewScreen

        changed = board != self.team
        self.team = board
        if not self._team_opened and self.team.mine and isinstance(self.screen, OverviewScreen):
            self._team_opened = True
            self.open_scope("mine")  # the reviewer's own worklist first; Esc goes to the overview
        elif changed:
            refresh = getattr(self.screen, "team_changed", None)  # the others look when they come back
            if refresh is not None:
                refresh()

    def on_overview_loaded(self, message: OverviewLoaded) -> None:
        if self.worklist is None:  # else the rows came first, with counts of their own
            self.summaries = message.summaries
            self.rows_version += 1
            self._broadcast()

    def on_rows_loaded(self, message: RowsLoaded) -> None:
        self.worklist = message.worklist
        self.summaries = message.worklist.summaries
        self.rows_version += 1
        self.loaded = True
        latest: dict[str, int] = {}
        for agency, period in self.summaries.blocks:
            latest[agency] = max(latest.get(agency, period), period)
        self._latest_plan = latest
        self._broadcast()
        heap.settled()

    def on_history_loaded(self, message: HistoryLoaded) -> None:
        board = message.board
        if board.agency is not None and self.history is None:
            return  # the whole history is still to come
        self.history = self.history.merged(board) if self.history is not None else board
        self.history_failed = False
        self.rows_version += 1
        self._broadcast()
        if board.agency is None:
            heap.settled()  # the whole history (one agency's, read after each decision, is not)

    def _history_may_change(self, rows: list[ReviewRow], any_year: bool = False) -> None:
        """A decision changed these rows' statuses (as they were before it): when a later plan of their
        agency exists, whose chronic or repeated and dropped depend on them (or ``any_year``: the decision
        was on their history), read the agency's history again once the reviewer pauses."""
        for row in rows:
            if any_year or self._latest_plan.get(row.agency, row.period) > row.period:
                self._history_stale[row.agency] = row.id
        if self._history_stale:
            if self._history_timer is not None:
                self._history_timer.stop()
            self._history_timer = self.set_timer(HISTORY_DELAY, self._refresh_history)

    def _refresh_history(self) -> None:
        stale, self._history_stale = self._history_stale, {}
        for commitment_id in stale.values():
            self.reload_history(commitment_id)

    def _broadcast(self) -> None:
        """Tell the screen on top that the rows changed; the ones below redraw when they come back
        (``on_screen_resume``), so a decision never pays for redrawing screens nobody sees."""
        refresh = getattr(self.screen, "rows_changed", None)
        if refresh is not None:
            refresh()

    @work(thread=True, group="detail", exit_on_error=False)
    def fetch_detail(self, commitment_id: str, reply_to: MessagePump) -> None:
        """Read one commitment's detail; ``reply_to`` gets it as :class:`DetailLoaded`."""
        try:
            detail = self.desk.detail(commitment_id)
        except Exception as exc:
            self.post_message(WorkerFailed(NOT_READ, exc))
        else:
            reply_to.post_message(DetailLoaded(detail))

    @work(thread=True, group="search", exit_on_error=False)
    def search_achievements(self, agency: str, words: str, reply_to: MessagePump) -> None:
        """Find achievements for the link picker; ``reply_to`` gets them as :class:`AchievementsFound`."""
        try:
            found = self.desk.find(agency, words)
        except Exception as exc:
            self.post_message(WorkerFailed(NOT_FOUND, exc))
        else:
            reply_to.post_message(AchievementsFound(found))

    def on_worker_failed(self, message: WorkerFailed) -> None:
        """Whatever the database refused, in one line; the app and the screen shown stay as they were."""
        self.notify(message.line, severity="error", timeout=6)
        if message.doing == NO_HISTORY and self.history is None:
            self.history_failed = True  # the screens say so instead of "loading" forever
            self.rows_version += 1
            self._broadcast()

    def decide(
        self, step: Step, reply_to: MessagePump | None = None, done: str = "", show: str | None = None
    ) -> None:
        """Queue ``step`` to run in its own write transaction, then read the detail to show next.

        Decisions run one at a time in the order the keys were pressed (an undo right after a confirm
        must undo that confirm). The detail read afterwards is of ``show`` when given (the next
        commitment, read in the same trip), else of the commitment the decision touched (for an undo,
        the one it changed). ``reply_to`` (the screen that asked) gets the :class:`Decided`; without
        one the screen on top redraws. ``done`` is said in a notification; decisions whose effect is
        visible in place pass none.
        """
        with self._queue_lock:
            self._queue.append(_Job(step, reply_to, done, show))
            if self._draining:
                return
            self._draining = True
        self._drain()

    @work(thread=True, group="decide", exit_on_error=False)
    def _drain(self) -> None:
        while True:
            with self._queue_lock:
                if not self._queue:
                    self._draining = False
                    return
                job = self._queue.popleft()
            try:
                taken = self.desk.take(job.step, job.show)
            except Exception as exc:
                # The keys queued behind were pressed on the screen this decision would have made (an
                # undo there would take back an older decision): drop them and say so.
                with self._queue_lock:
                    dropped = len(self._queue)
                    self._queue.clear()
                self.post_message(WorkerFailed(NOT_SAVED, exc, dropped))
                continue
            self.post_message(Decided(job.step, taken, job.done, job.reply_to))

    def on_decided(self, message: Decided) -> None:
        """A decision is saved: the rows first, then the screen that asked (or the one on top) redraws."""
        changed = self.worklist.replace(message.rows) if self.worklist is not None else []
        self.rows_version += 1
        self._history_may_change(changed)
        if message.step.kind in HISTORY_ACTIONS or message.step.kind == "undo":
            # a history decision (or the undo of one) changes its agency's kinds and drops, whatever the year
            self._history_may_change(message.rows, any_year=True)
        if message.step.kind == "undo" and message.touched is None:
            self.notify("没有可撤销的决定 nothing to undo", timeout=3)
        if message.undone is not None:
            self.notify(undone_text(message.undone, message.detail), timeout=3)
        elif message.done and message.touched:
            self.notify(message.done, timeout=2)
        if message.reply_to is not None:
            message.reply_to.post_message(message)  # the screen that asked redraws itself
        else:
            self._broadcast()
        if message.disputed is not None and message.touched is not None:
            self._dispute(message.touched, message.disputed)

    def _dispute(self, commitment_id: str, disputed: bool) -> None:
        """A status decision opened or settled ``commitment_id``'s dispute: the queue follows, in
        document order, without being read again."""
        queue = [cid for cid in self.team.disputes if cid != commitment_id]
        if disputed:
            queue.append(commitment_id)
            order = {row.id: row.order for cid in queue if (row := self.row(cid)) is not None}
            queue.sort(key=lambda cid: order.get(cid, -1))
        if tuple(queue) != self.team.disputes:
            self._show_team(replace(self.team, disputes=tuple(queue)))

    # -- screens --------------------------------------------------------------------------------------
    # The list of a block and the detail screen are made once and kept: composing and styling a screen
    # costs Textual 100-300 ms, showing a kept one a fraction of that.

    def open_list(self, agency: str | None, period: int | None) -> None:
        from tracker.tui.commitments import CommitmentsScreen

        name = f"list {agency} {period}"
        if not self.is_screen_installed(name):
            self.install_screen(CommitmentsScreen(agency, period), name)
        self.push_screen(name)

    def open_scope(self, scope: str) -> None:
        """The list of the reviewer's worklist (``mine``) or of the adjudication queue (``disputes``)."""
        from tracker.tui.commitments import CommitmentsScreen

        name = f"list {scope}"
        if not self.is_screen_installed(name):
            self.install_screen(CommitmentsScreen(scope=scope), name)
        self.push_screen(name)

    def choose_status(self, current: str | None, chosen: Callable[[str], None]) -> None:
        """The status chooser over the screen, ``current`` marked; ``chosen`` gets the status picked
        (nothing when the reviewer leaves it with Esc). Made once and kept, as the screens are."""
        from tracker.tui.dialogs import StatusChooser

        if not self.is_screen_installed("status chooser"):
            self.install_screen(StatusChooser(), "status chooser")
        chooser = self.get_screen("status chooser")
        assert isinstance(chooser, StatusChooser)
        chooser.current = current

        def picked(status: str | None) -> None:
            if status:
                chosen(status)

        self.push_screen(chooser, picked)

    def open_detail(
        self, ids: list[str], index: int, returned: Callable[[str | None], None] | None = None
    ) -> None:
        """Show commitment ``ids[index]``; ``returned`` gets the commitment shown last when the
        reviewer goes back (after ] / [ or a status that moved on, not the one opened)."""
        from tracker.tui.detail import DetailScreen

        if not self.is_screen_installed("detail"):
            self.install_screen(DetailScreen(), "detail")
        screen = self.get_screen("detail")
        assert isinstance(screen, DetailScreen)
        screen.target(ids, index)
        self.push_screen(screen, returned)

    # -- decisions ------------------------------------------------------------------------------------

    # Each answers ``reply_to`` (the screen that asked) with a Decided once the decision is saved.

    def confirm(self, cid: str, aid: str, reply_to: MessagePump) -> None:
        self.decide(Step("confirm", cid, aid), reply_to)

    def reject(self, cid: str, aid: str, reply_to: MessagePump) -> None:
        self.decide(Step("reject", cid, aid), reply_to)

    def link(self, cid: str, aid: str, reply_to: MessagePump) -> None:
        self.decide(Step("link", cid, aid), reply_to, "已关联 linked")

    def set_status(
        self,
        cid: str,
        status: str,
        reply_to: MessagePump,
        show: str | None = None,
        done: str = "",
        *,
        adjudicate: bool = False,
    ) -> None:
        """Set ``cid``'s status; ``adjudicate``: settle its coders' disagreement instead (a third
        reviewer, on a commitment of the adjudication queue or adjudicated before)."""
        # The detail passes no ``done``: it says it on its first line (a toast costs a layout pass).
        kind = "adjudicate" if adjudicate or cid in self.team.disputes else "status"
        self.decide(Step(kind, cid, value=status), reply_to, done, show)

    def add_note(self, cid: str, text: str, reply_to: MessagePump) -> None:
        self.decide(Step("note", cid, value=text), reply_to, "备注已存 note saved")

    def decide_history(
        self, action: str, cid: str, relation: str, earlier: str | None, reply_to: MessagePump
    ) -> None:
        """Confirm or reject (``action``, one of HISTORY_ACTIONS) one history relation of ``cid``."""
        self.decide(Step(action, cid, earlier or "", relation), reply_to)

    def undo(self, reply_to: MessagePump | None = None) -> None:
        """Take back the reviewer's latest decision; the toast says which (:func:`undone_text`)."""
        self.decide(Step("undo"), reply_to)

    # -- actions --------------------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.reload()
        refresh = getattr(self.screen, "reload_detail", None)
        if refresh is not None:
            refresh()
        self.notify("已刷新 refreshed", timeout=2)

    def action_help(self) -> None:
        from tracker.tui.dialogs import HelpScreen

        self.push_screen(HelpScreen(self.screen))

    def action_toggle_blind(self) -> None:
        self.blind = not self.blind
        self.notify(
            "盲审：分数隐藏 blind: scores hidden" if self.blind else "显示分数 scores shown", timeout=2
        )
        self._broadcast()

    def action_overview(self) -> None:
        """Back to the first screen from wherever the reviewer is (the command palette's 打开总览)."""
        from tracker.tui.overview import OverviewScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, OverviewScreen):
            self.pop_screen()

    def action_mine(self) -> None:
        if not self.team.mine:
            self.notify(f"{self.reviewer} 没有分配的任务 no worklist (tracker assign)", timeout=3)
            return
        self.open_scope("mine")

    def action_disputes(self) -> None:
        if not self.team.disputes:
            self.notify("没有待裁定的分歧 no disagreement to adjudicate", timeout=3)
            return
        self.open_scope("disputes")

    def action_all(self) -> None:
        self.open_list(None, None)

    def action_undo(self) -> None:
        """Undo from the palette: the screen's own undo where it has one (it shows the commitment the
        undo touched), else the app's (the screen shown redraws)."""
        own = getattr(self.screen, "action_undo", None)
        if own is not None:
            own()
        else:
            self.undo()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette: the app's commands, the keys of ``screen``, then Textual's own."""
        yield from app_commands(self, screen)
        yield from screen_commands(screen)
        yield from super().get_system_commands(screen)

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"
