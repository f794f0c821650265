"""One error hierarchy: every failure a user can cause is a TrackerError with a message and a hint."""

from __future__ import annotations


class TrackerError(Exception):
    """A problem the user can act on. The CLI prints it as one line and exits non-zero."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class InputFileError(TrackerError):
    """A file that cannot be ingested: missing, empty, binary, undecodable, or without parts."""

    def __init__(self, path: str, problem: str, hint: str | None = None) -> None:
        super().__init__(f"{path}: {problem}", hint)
        self.path = path
        self.problem = problem


class UsageError(TrackerError):
    """An option value or argument the command does not accept."""

    exit_code = 2


class StoreError(TrackerError):
    """The database cannot be opened or written."""
