"""The worker results and failures as messages, declared in one place, so that a worker never touches a
widget and every way a database call can end is listed here."""

from __future__ import annotations

from sqlalchemy.exc import StatementError
from textual.message import Message
from textual.message_pump import MessagePump

from tracker.errors import TrackerError
from tracker.review.desk import Found, HistoryBoard, Step, Taken, TeamBoard
from tracker.review.detail import CommitmentDetail
from tracker.review.worklist import Summaries, Worklist

# A worker posts one of these (``post_message`` is thread-safe) and its handler runs on the UI thread.
# OverviewLoaded, RowsLoaded, HistoryLoaded, Decided and WorkerFailed go to the app, which owns the rows; the app hands a Decided on to
# the screen that asked once the rows are fresh. DetailLoaded and AchievementsFound go straight to the
# screen that asked. None bubble: each is meant for the one node it is posted to.

#: The longest error text a notification shows (a driver's message can hold a whole SQL statement).
MAX_ERROR = 200


class OverviewLoaded(Message, bubble=False):
    """The overview's counts, read by the database before the rows (the first screen shows them)."""

    def __init__(self, summaries: Summaries) -> None:
        super().__init__()
        self.summaries = summaries


class RowsLoaded(Message, bubble=False):
    """The whole worklist, read again."""

    def __init__(self, worklist: Worklist) -> None:
        super().__init__()
        self.worklist = worklist


class TeamLoaded(Message, bubble=False):
    """The reviewer's worklist and the adjudication queue (``tracker assign``), read again."""

    def __init__(self, board: TeamBoard) -> None:
        super().__init__()
        self.board = board


class HistoryLoaded(Message, bubble=False):
    """The history of the worklist, or of one agency's commitments (``board.agency``), read again."""

    def __init__(self, board: HistoryBoard) -> None:
        super().__init__()
        self.board = board


class DetailLoaded(Message, bubble=False):
    """One commitment as the detail screen shows it (None: it is no longer stored)."""

    def __init__(self, detail: CommitmentDetail | None) -> None:
        super().__init__()
        self.detail = detail


class AchievementsFound(Message, bubble=False):
    """What the link picker's words found."""

    def __init__(self, found: list[Found]) -> None:
        super().__init__()
        self.found = found


class Decided(Message, bubble=False):
    """A decision is saved: ``step`` as the key asked for it, and what :meth:`ReviewDesk.take` read
    afterwards (the commitment touched, None when there was nothing to do; its detail; its fresh row;
    for an undo, the decision taken back).

    ``done`` is said in a notification; ``reply_to`` is the screen that asked (None: whichever shows).
    """

    def __init__(self, step: Step, taken: Taken, done: str, reply_to: MessagePump | None) -> None:
        super().__init__()
        self.step = step
        self.touched = taken.touched
        self.detail = taken.detail
        self.rows = taken.rows
        self.undone = taken.undone
        self.disputed = taken.disputed
        self.done = done
        self.reply_to = reply_to


class WorkerFailed(Message, bubble=False):
    """A database call raised: ``doing`` says what was lost (``未保存 not saved`` for a decision), and
    ``dropped`` how many decisions queued behind a failed one were not run either."""

    def __init__(self, doing: str, error: Exception, dropped: int = 0) -> None:
        super().__init__()
        self.doing = doing
        self.error = error
        self.dropped = dropped

    @property
    def line(self) -> str:
        """The failure as one line for a notification (the store's own ``not saved:`` said once)."""
        said = describe(self.error)
        english = self.doing.split(" ", 1)[-1] + ": "
        if said.startswith(english):
            said = said[len(english) :]
        text = f"{self.doing}: {said}"
        if self.dropped:
            text += f" · 其后 {self.dropped} 个决定未执行 the {self.dropped} queued after it were dropped"
        return text


def describe(error: Exception) -> str:
    """An exception as one short line: a TrackerError's message and hint, a driver's own message
    (``database is locked``) rather than SQLAlchemy's three lines with the statement, else the type and
    the first line of the message."""
    if isinstance(error, TrackerError):
        text = str(error)
    elif isinstance(error, StatementError) and error.orig is not None:
        text = str(error.orig) or type(error.orig).__name__
    else:
        message = str(error)
        text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    lines = text.strip().splitlines() or [type(error).__name__]
    line = lines[0]
    return line if len(line) <= MAX_ERROR else line[: MAX_ERROR - 1] + "…"
