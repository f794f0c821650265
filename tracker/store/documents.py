"""Loading many files into the database: parsed in order (by worker processes from a few files on, see
:mod:`tracker.ingest.batch`), saved in groups of files, each group one transaction.

One bad file never stops a folder and never leaves half a document behind: :func:`load_paths` returns one
outcome per file (what saving did, or the error) and the caller decides how to print them. Saving one
document is :mod:`tracker.store.saving`.

Why groups: a commit of one file's rows cost 8 ms on SQLite (its pages written to the WAL, a checkpoint
now and then), a third of an ingest. A group is committed once it holds ``GROUP_FILES`` files or its
first file has waited ``GROUP_SECONDS``, so a crash loses at most the files of the group not yet
committed, which are not in the database and go in as new files when the ingest runs again. A group whose
saving or commit fails is rolled back whole and saved again file by file, a transaction each: a file the
database refuses then fails alone and leaves the database exactly as it was, as when every file had a
transaction of its own. Each outcome reaches ``on_file`` once its group is committed, so a file printed
as saved is stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from tracker.errors import TrackerError
from tracker.ingest.batch import CollectFn, ParseFn, parse_paths
from tracker.ingest.parsed import DocumentHeader
from tracker.store.engine import write_session
from tracker.store.prepared import PreparedDocument, prepare
from tracker.store.saving import SaveResult, needs_matching, save_document, write_document

if TYPE_CHECKING:
    from tracker.ingest.skipped import Skipped

__all__ = ["FileOutcome", "LoadResult", "load_paths", "needs_matching", "save_document"]

#: Files saved in one transaction at most (their parsed documents wait in memory until it commits).
GROUP_FILES = 100
#: Seconds the first file of a group waits at most before the group is committed (checked as files come).
GROUP_SECONDS = 1.0


@dataclass
class FileOutcome:
    """What happened to one input path: parsed and saved, or an error. Of the parsed document only its
    header is kept (its parts are summarised in ``saved.parts``)."""

    path: str
    parsed: DocumentHeader | None = None
    saved: SaveResult | None = None
    error: TrackerError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class LoadResult:
    """Every outcome of one ingest run, in input order (path errors first), and the files of folders
    that were not read (``skipped``, with the summary lines that name them)."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    skipped_lines: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[TrackerError]:
        return [o.error for o in self.outcomes if o.error is not None]

    @property
    def saved(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.saved is not None]

    @property
    def exit_code(self) -> int:
        """0 when every document went in, else the largest exit code among the errors (1 also when a
        document of a folder was not read: an old Word file, one too large …; not for a picture)."""
        from tracker.ingest.skipped import FAILURES

        unread = any(s.reason in FAILURES for s in self.skipped)
        return max(
            [e.exit_code for e in self.errors] + ([TrackerError.exit_code] if unread else []), default=0
        )


def load_paths(
    engine: Engine,
    paths: Sequence[str],
    *,
    agency: str | None = None,
    period: int | None = None,
    kind: str = "auto",
    date: date | None = None,
    source_url: str | None = None,
    base: Path | None = None,
    timeout: float | None = None,
    on_start: Callable[[int], None] | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
    parse: ParseFn | None = None,
    collect: CollectFn | None = None,
) -> LoadResult:
    """Ingest ``paths`` (files or folders) into the database behind ``engine``, in groups of files that
    are each one transaction (see the module's docstring).

    Args:
        agency, period, kind, base, timeout, parse, collect: as :func:`tracker.ingest.batch.parse_paths`
            takes them.
        date: the date of every file and of each part of it, instead of the dates its text states
            (``tracker ingest --date``; an unchanged file given another date gets only that).
        source_url: the address the file was published at (``tracker ingest FILE --source-url``), kept
            as the document's ``source_url``, which the reports link to; an unchanged file gets only that.
        on_start: called once with the number of files found, before the first is parsed.
        on_file: called with each file's outcome, in input order, once it is committed (for progress
            bars and printing).

    Raises:
        UsageError: ``kind`` is not plan, summary or auto. Errors about single files are returned in
            the result instead.
    """
    batch = parse_paths(
        paths,
        agency=agency,
        period=period,
        kind=kind,
        base=base,
        timeout=timeout,
        parse=parse,
        collect=collect,
        finish=prepare,
    )
    from tracker.ingest.skipped import summary_lines  # with the readers, loaded by an ingest only

    result = LoadResult(
        [FileOutcome(error.path, error=error) for error in batch.errors],
        batch.skipped,
        summary_lines(batch.skipped, batch.shown),
    )
    if on_start is not None:
        on_start(len(batch.names))
    groups = _Groups(engine, result, on_file)
    for name, document in zip(batch.names, batch.parsed, strict=True):
        if isinstance(document, PreparedDocument):
            if date is not None:
                document.redate(date)
            if source_url is not None:
                document.link(source_url)
        groups.add(name, document)
    groups.commit()
    return result


class _Groups:
    """The files of a run waiting to be committed, saved together (see the module's docstring)."""

    def __init__(self, engine: Engine, result: LoadResult, on_file: Callable[[FileOutcome], None] | None):
        self.engine, self.result, self.on_file = engine, result, on_file
        self.waiting: list[tuple[FileOutcome, PreparedDocument | None]] = []
        self.since = 0.0

    def add(self, shown: str, parsed: object) -> None:
        outcome = FileOutcome(shown)
        prepared = parsed if isinstance(parsed, PreparedDocument) else None
        if prepared is not None:
            outcome.parsed = prepared.header
        elif isinstance(parsed, TrackerError):
            outcome.error = parsed
        else:
            raise TypeError(f"{shown}: neither a prepared document nor an error: {parsed!r}")
        if not self.waiting:
            self.since = time.monotonic()
        self.waiting.append((outcome, prepared))
        if len(self.waiting) >= GROUP_FILES or time.monotonic() - self.since >= GROUP_SECONDS:
            self.commit()

    def commit(self) -> None:
        """Save the waiting files in one transaction, else one by one; hand on their outcomes."""
        waiting, self.waiting = self.waiting, []
        documents = [(outcome, parsed) for outcome, parsed in waiting if parsed is not None]
        try:
            if documents:
                with write_session(self.engine) as session:
                    for outcome, parsed in documents:
                        outcome.saved = write_document(session, parsed)
        except TrackerError:  # rolled back whole: each file alone shows which the database refuses
            for outcome, parsed in documents:
                outcome.saved = None
                _save_alone(self.engine, outcome, parsed)
        for outcome, _parsed in waiting:
            self.result.outcomes.append(outcome)
            if self.on_file is not None:
                self.on_file(outcome)


def _save_alone(engine: Engine, outcome: FileOutcome, parsed: PreparedDocument) -> None:
    try:
        with write_session(engine) as session:
            outcome.saved = save_document(session, parsed)
    except TrackerError as error:
        outcome.error = error
