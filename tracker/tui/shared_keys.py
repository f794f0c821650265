"""The keys the list and the detail share: a status by its number, undo, the next undecided commitment.
One definition each, so the two screens, their key bars and the help screen say the same."""

from __future__ import annotations

from textual.binding import Binding

from tracker.statuses import STATUSES, label

UNDO = Binding("u", "undo", "撤销", tooltip="undo your last decision (repeatable)", id="undo")
NEXT_UNDECIDED = Binding(
    "right_square_bracket",
    "next_undecided",
    "下一未审",
    key_display="]",
    tooltip="next undecided commitment",
    id="next-undecided",
)


def status_keys(whose: str) -> list[Binding]:
    """``1``–``7``: set the status, in the order of the chooser; ``whose``: which commitment, for the
    help screen ("the highlighted commitment")."""
    return [
        Binding(
            str(n),
            f"set_status('{status}')",
            f"设为{label(status)}",
            tooltip=f"status {status} of {whose}",
            show=False,
            id=f"set-status-{status.replace('_', '-')}",
        )
        for n, status in enumerate(STATUSES, start=1)
    ]
