"""The Textual application: holds the worklist, runs every database call in a worker thread, and hands
fresh rows to whichever screen is showing.

Screens never touch the database themselves: they ask the app (``decide``, ``reload``, ``detail``) and
are called back with the result, so a slow disk or a second reviewer's lock never freezes the UI.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from textual import work
from textual.app import App
from textual.binding import Binding

from tracker.errors import TrackerError
from tracker.review.desk import Found, ReviewDesk, Step
from tracker.review.detail import CommitmentDetail
from tracker.review.worklist import ReviewRow, refreshed

#: Called after a decision with the commitment it touched (None: nothing done) and its fresh detail.
Then = Callable[[str | None, CommitmentDetail | None], None]


@dataclass(frozen=True)
class _Job:
    """One queued decision."""

    step: Step
    then: Then | None
    done: str
    show: str | None


class TrackerApp(App[None]):
    """Review commitments from the keyboard; every decision is saved the moment it is taken."""

    TITLE = "tracker 承诺落实审核"
    CSS_PATH = Path(__file__).with_name("tracker.tcss")
    BINDINGS = [
        Binding("q", "quit", "退出", tooltip="quit (every decision is already saved)"),
        Binding("question_mark", "help", "帮助", key_display="?", tooltip="the keys of this screen"),
        Binding("r", "reload", "刷新", tooltip="re-read the database (another reviewer's decisions)"),
        Binding("b", "toggle_blind", "盲审", tooltip="blind mode: hide scores and suggestions", show=False),
        Binding("t", "toggle_theme", "明暗", tooltip="light / dark theme", show=False),
    ]

    def __init__(self, engine: Engine, *, reviewer: str, blind: bool = False) -> None:
        super().__init__()
        self.desk = ReviewDesk(engine, reviewer)
        self.reviewer = reviewer
        self.blind = blind
        self.rows: list[ReviewRow] = []
        self.rows_version = 0  # raised whenever ``rows`` changes; screens redraw when it moved
        self.loaded = False
        self.theme = "textual-dark"
        self._queue: deque[_Job] = deque()
        self._queue_lock = threading.Lock()
        self._draining = False

    def on_mount(self) -> None:
        from tracker.tui.overview import OverviewScreen

        self.push_screen(OverviewScreen())
        self.reload()

    # -- data, always off the UI thread -------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def reload(self) -> None:
        """Read the whole worklist again (another reviewer's decisions appear)."""
        self.call_from_thread(self._rows_loaded, self.desk.worklist())

    def _rows_loaded(self, rows: list[ReviewRow]) -> None:
        self.rows = rows
        self.rows_version += 1
        self.loaded = True
        self._broadcast()

    def _broadcast(self) -> None:
        """Tell the screen on top that the rows changed; the ones below redraw when they come back
        (``on_screen_resume``), so a decision never pays for redrawing screens nobody sees."""
        refresh = getattr(self.screen, "rows_changed", None)
        if refresh is not None:
            refresh()

    @work(thread=True, group="detail")
    def fetch_detail(self, commitment_id: str, then: Callable[[CommitmentDetail | None], None]) -> None:
        self.call_from_thread(then, self.desk.detail(commitment_id))

    @work(thread=True, group="search")
    def search_achievements(self, agency: str, words: str, then: Callable[[list[Found]], None]) -> None:
        self.call_from_thread(then, self.desk.find(agency, words))

    def decide(self, step: Step, then: Then | None = None, done: str = "", show: str | None = None) -> None:
        """Queue ``step`` to run in its own write transaction, then read the detail to show next.

        Decisions run one at a time in the order the keys were pressed (an undo right after a confirm
        must undo that confirm). The detail read afterwards is of ``show`` when given (the next
        commitment, read in the same trip), else of the commitment the decision touched (for an undo,
        the one it changed). ``done`` is said in a notification; decisions whose effect is visible in
        place pass none.
        """
        with self._queue_lock:
            self._queue.append(_Job(step, then, done, show))
            if self._draining:
                return
            self._draining = True
        self._drain()

    @work(thread=True, group="decide")
    def _drain(self) -> None:
        while True:
            with self._queue_lock:
                if not self._queue:
                    self._draining = False
                    return
                job = self._queue.popleft()
            self._run(job)

    def _run(self, job: _Job) -> None:
        try:
            taken = self.desk.take(job.step, job.show)
        except TrackerError as exc:
            self.call_from_thread(self.notify, str(exc), severity="error", timeout=6)
            return
        if job.step.kind == "undo" and taken.touched is None:
            self.call_from_thread(self.notify, "没有可撤销的决定 nothing to undo", timeout=3)
        self.call_from_thread(self._decided, job, taken.rows, taken.touched, taken.detail)

    def _decided(
        self, job: _Job, fresh: list[ReviewRow], touched: str | None, detail: CommitmentDetail | None
    ) -> None:
        self.rows = refreshed(self.rows, fresh)
        self.rows_version += 1
        if job.done and touched:
            self.notify(job.done, timeout=2)
        if job.then is not None:
            job.then(touched, detail)  # the screen that asked redraws itself
        else:
            self._broadcast()

    # -- screens --------------------------------------------------------------------------------------
    # The list of a block and the detail screen are made once and kept: composing and styling a screen
    # costs Textual 100-300 ms, showing a kept one a fraction of that.

    def open_list(self, agency: str | None, period: int | None) -> None:
        from tracker.tui.commitments import CommitmentsScreen

        name = f"list {agency} {period}"
        if not self.is_screen_installed(name):
            self.install_screen(CommitmentsScreen(agency, period), name)
        self.push_screen(name)

    def open_detail(self, ids: list[str], index: int) -> None:
        from tracker.tui.detail import DetailScreen

        if not self.is_screen_installed("detail"):
            self.install_screen(DetailScreen(), "detail")
        screen = self.get_screen("detail")
        assert isinstance(screen, DetailScreen)
        screen.target(ids, index)
        self.push_screen(screen)

    # -- decisions ------------------------------------------------------------------------------------

    def confirm(self, cid: str, aid: str, then: Then) -> None:
        self.decide(Step("confirm", cid, aid), then)

    def reject(self, cid: str, aid: str, then: Then) -> None:
        self.decide(Step("reject", cid, aid), then)

    def link(self, cid: str, aid: str, then: Then) -> None:
        self.decide(Step("link", cid, aid), then, "已关联 linked")

    def set_status(self, cid: str, status: str, then: Then, show: str | None = None) -> None:
        # No notification: the detail screen says it on its first line (a toast costs a layout pass).
        self.decide(Step("status", cid, value=status), then, "", show)

    def add_note(self, cid: str, text: str, then: Then) -> None:
        self.decide(Step("note", cid, value=text), then, "备注已存 note saved")

    def undo(self, then: Then) -> None:
        self.decide(Step("undo"), then, "已撤销 undone")

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

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"
