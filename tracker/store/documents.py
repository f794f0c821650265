"""Saving parsed documents, each in one transaction, and loading many files into the database.

Saving is idempotent per displayed path: an unchanged file is a no-op, a changed one replaces every
row extracted from its previous version (and the matcher output that pointed at them) but never a
reviewer's Decision rows, which reattach by stable id when the same statement comes back. One bad file
never stops a folder and never leaves half a document behind: :func:`load_paths` returns one outcome
per file (its parsed document, what saving did, or the error) and the caller decides how to print them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import delete, insert, or_
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from tracker.errors import StoreError, TrackerError
from tracker.ingest.batch import CollectFn, ParseFn, parse_paths
from tracker.ingest.chapters import is_vocabulary_topic
from tracker.ingest.parsed import ParsedDocument, Statement
from tracker.ingest.parsed import Part as ParsedPart
from tracker.store import ids
from tracker.store.chapter_topics import align_summary_topics
from tracker.store.engine import describe, hint_for, write_session
from tracker.store.models import (
    Achievement,
    Candidate,
    Commitment,
    CommitmentStatus,
    Document,
    HistoryCandidate,
    Part,
    utcnow,
)
from tracker.store.queries import in_chunks, parts_by_document

if TYPE_CHECKING:
    from tracker.ingest.skipped import Skipped

#: ``redated``: an unchanged file given another date (``--date``): only its parts' dates changed.
Outcome = Literal["inserted", "replaced", "unchanged", "redated"]


@dataclass
class PartSummary:
    """What one part of a saved document held, for the ingest printout."""

    kind: str
    period: int
    agency: str
    heading: str
    statements: int
    as_of: date | None = None


@dataclass
class SaveResult:
    """What :func:`save_document` did with one document.

    ``commitments``/``achievements`` count rows this document now owns; ``merged`` counts statements
    folded into an identical earlier one of the same document (their ``times_stated`` was added);
    ``already_stated`` maps the path of another document to how many of this document's statements
    it already owns (those rows were kept as they were).
    """

    document_id: str
    path: str
    outcome: Outcome
    parts: list[PartSummary] = field(default_factory=list)
    commitments: int = 0
    achievements: int = 0
    merged: int = 0
    already_stated: dict[str, int] = field(default_factory=dict)


def save_document(session: Session, parsed: ParsedDocument) -> SaveResult:
    """Store ``parsed`` in one transaction (a savepoint when the session is already in one).

    Raises:
        StoreError: the database refused the rows; nothing of this document was changed.
    """
    transaction = session.begin_nested() if session.in_transaction() else session.begin()
    try:
        with transaction:
            return _save(session, parsed)
    except SQLAlchemyError as exc:
        raise StoreError(f"{parsed.path}: not saved: {describe(exc)}", hint_for(describe(exc))) from exc


def _save(session: Session, parsed: ParsedDocument) -> SaveResult:
    doc_id = ids.document_id(parsed.path)
    result = SaveResult(
        document_id=doc_id,
        path=parsed.path,
        outcome="inserted",
        parts=[
            PartSummary(p.kind, p.period, p.agency, p.heading, len(p.statements), p.as_of)
            for p in parsed.parts
        ],
    )
    existing = session.get(Document, doc_id)
    if existing is not None and existing.sha256 == parsed.sha256:
        result.outcome = "redated" if parsed.date_given and _redate(session, doc_id, parsed) else "unchanged"
        if parsed.source_url is not None and existing.source_url != parsed.source_url:
            existing.source_url = parsed.source_url  # ``tracker ingest FILE --source-url`` of a known file
            session.add(existing)
        result.commitments, result.achievements = _owned_counts(session, doc_id)
        return result
    # The agency-years this document reports on, before and after: the automatic statuses there were
    # computed against evidence that is about to change.
    reported = {(p.agency or parsed.agency, p.period) for p in parsed.parts if p.kind == "summary"}
    if existing is not None:
        result.outcome = "replaced"
        old_parts = select(Part.agency, Part.period).where(Part.document_id == doc_id, Part.kind == "summary")
        reported.update((agency, period) for agency, period in session.exec(old_parts).all())
        _delete_extracted(session, doc_id)
        existing.sha256 = parsed.sha256
    else:
        existing = Document(id=doc_id, path=parsed.path, sha256=parsed.sha256, encoding=parsed.encoding)
    _describe(existing, parsed)
    session.add(existing)
    session.flush()
    commitments, achievements = _statement_rows(session, parsed, doc_id, result)
    session.flush()
    for model, rows in ((Commitment, commitments), (Achievement, achievements)):
        _insert_fresh(session, model, rows, result)
    if any(not is_vocabulary_topic(s.topic) for p in parsed.parts for s in p.statements):
        session.flush()
        blocks = {(p.agency or parsed.agency, p.period) for p in parsed.parts}
        reported.update(align_summary_topics(session, blocks))
    _clear_statuses(session, reported)
    session.flush()
    result.commitments, result.achievements = _owned_counts(session, doc_id)
    return result


def _redate(session: Session, doc_id: str, parsed: ParsedDocument) -> bool:
    """Give the stored parts of an unchanged document the dates of ``parsed``; whether any changed. The
    automatic statuses of the agency-years its summary parts report on go until the next match (an
    interim report counts differently from the year's summary)."""
    stored = {part.id: part for part in parts_by_document(session, doc_id)}
    changed = [
        (part, ppart.as_of)
        for index, ppart in enumerate(parsed.parts)
        if (part := stored.get(ids.part_id(doc_id, index))) is not None and part.as_of != ppart.as_of
    ]
    for part, as_of in changed:
        part.as_of = as_of
        session.add(part)
    _clear_statuses(session, {(part.agency, part.period) for part, _ in changed if part.kind == "summary"})
    session.flush()
    return bool(changed)


def _describe(document: Document, parsed: ParsedDocument) -> None:
    """Copy what the document row says about the file from its parsed form."""
    document.encoding = parsed.encoding
    document.title = parsed.title
    document.agency = parsed.agency
    document.ingested_at = utcnow()
    document.removed_lines = parsed.removed_lines
    document.repeated_paragraphs = parsed.repeated_paragraphs
    # A file's address (``--source-url``) stays with it until another is given.
    document.source_url = parsed.source_url or document.source_url


def _statement_rows(
    session: Session, parsed: ParsedDocument, doc_id: str, result: SaveResult
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Add the document's parts and return its commitment and achievement rows by id, a statement
    repeated within the document folded into its first row (``result.merged`` counts them).

    Statement rows go in as plain dicts through one executemany per table: building ORM objects for
    tens of thousands of rows cost four times as much (benchmarks/speed.py).
    """
    commitments: dict[str, dict[str, Any]] = {}
    achievements: dict[str, dict[str, Any]] = {}
    for index, ppart in enumerate(parsed.parts):
        agency = ppart.agency or parsed.agency
        part = Part(
            id=ids.part_id(doc_id, index),
            document_id=doc_id,
            kind=ppart.kind,
            period=ppart.period,
            agency=agency,
            heading=ppart.heading,
            position=ppart.position,
            as_of=ppart.as_of,
            from_table=ppart.from_table,
        )
        session.add(part)
        plan = ppart.kind == "plan"
        rows = commitments if plan else achievements
        for statement in ppart.statements:
            key = (ids.commitment_id if plan else ids.achievement_id)(
                agency, ppart.period, statement.normalized
            )
            merged = _merge(rows, key, statement)
            if not merged:
                figures = {("targets" if plan else "quantities"): [q.as_dict() for q in statement.quantities]}
                if plan:
                    figures["lead_unit"] = statement.lead_unit  # type: ignore[assignment]
                rows[key] = _row_fields(key, doc_id, part.id, agency, ppart, statement) | figures
            result.merged += merged
    return commitments, achievements


def _insert_fresh(session: Session, model: Any, rows: dict[str, dict[str, Any]], result: SaveResult) -> None:
    """Insert the rows no other document owns yet; count the others under ``result.already_stated``."""
    owners = _owners(session, model, list(rows))
    fresh = []
    for key, row in rows.items():
        if key in owners:
            result.already_stated[owners[key]] = result.already_stated.get(owners[key], 0) + 1
        else:
            fresh.append(row)
    if fresh:
        session.execute(insert(model.__table__), fresh)


def _clear_statuses(session: Session, blocks: Iterable[tuple[str, int]]) -> None:
    """Remove the automatic statuses of these agency-years until the next match.

    They show the fallback meanwhile, and :func:`needs_matching` sees them, so that ``tracker ingest``
    matches again even when the run that saved the document stopped before matching.
    """
    for agency, period in sorted(set(blocks)):
        commitments = select(Commitment.id).where(Commitment.agency == agency, Commitment.period == period)
        session.exec(delete(CommitmentStatus).where(col(CommitmentStatus.commitment_id).in_(commitments)))


def needs_matching(session: Session) -> bool:
    """Whether some commitment has no automatic status: a document was saved after the last match (an
    ingest run with ``--no-match``, or one stopped before its matching was done)."""
    unmatched = select(Commitment.id).where(col(Commitment.id).not_in(select(CommitmentStatus.commitment_id)))
    return session.exec(unmatched.limit(1)).first() is not None


def _row_fields(
    key: str, doc_id: str, part_id: str, agency: str, ppart: ParsedPart, s: Statement
) -> dict[str, Any]:
    return {
        "id": key,
        "document_id": doc_id,
        "part_id": part_id,
        "agency": agency,
        "period": ppart.period,
        "position": s.position,
        "section": s.section,
        "text": s.text,
        "normalized": s.normalized,
        "topic": s.topic,
        "deadline": s.deadline,
        "testable": s.testable,
        "times_stated": s.times_stated,
        "sentence": s.sentence,
    }


def _merge(rows: dict[str, dict[str, Any]], key: str, statement: Statement) -> bool:
    row = rows.get(key)
    if row is None:
        return False
    row["times_stated"] += statement.times_stated
    return True


def _owners(session: Session, model: type[Commitment] | type[Achievement], keys: list[str]) -> dict[str, str]:
    """Which of ``keys`` already exist (necessarily in another document), mapped to that document's path."""
    owners: dict[str, str] = {}
    for chunk in in_chunks(keys):
        query = (
            select(model.id, Document.path)
            .join(Document, col(Document.id) == col(model.document_id))
            .where(col(model.id).in_(chunk))
        )
        owners.update(dict(session.exec(query).all()))
    return owners


def _owned_counts(session: Session, doc_id: str) -> tuple[int, int]:
    commitments = session.exec(select(Commitment.id).where(Commitment.document_id == doc_id)).all()
    achievements = session.exec(select(Achievement.id).where(Achievement.document_id == doc_id)).all()
    return len(commitments), len(achievements)


def _delete_extracted(session: Session, doc_id: str) -> None:
    """Remove a document's parts, statements and the matcher output about them; Decisions stay."""
    commitment_ids = select(Commitment.id).where(Commitment.document_id == doc_id)
    achievement_ids = select(Achievement.id).where(Achievement.document_id == doc_id)
    session.exec(
        delete(Candidate).where(
            or_(
                col(Candidate.commitment_id).in_(commitment_ids),
                col(Candidate.achievement_id).in_(achievement_ids),
            )
        )
    )
    session.exec(
        delete(HistoryCandidate).where(
            or_(
                col(HistoryCandidate.commitment_id).in_(commitment_ids),
                col(HistoryCandidate.other_id).in_(commitment_ids),
                col(HistoryCandidate.other_id).in_(achievement_ids),
            )
        )
    )
    session.exec(delete(CommitmentStatus).where(col(CommitmentStatus.commitment_id).in_(commitment_ids)))
    session.exec(delete(Commitment).where(col(Commitment.document_id) == doc_id))
    session.exec(delete(Achievement).where(col(Achievement.document_id) == doc_id))
    session.exec(delete(Part).where(col(Part.document_id) == doc_id))
    session.flush()


@dataclass
class FileOutcome:
    """What happened to one input path: parsed and saved, or an error."""

    path: str
    parsed: ParsedDocument | None = None
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
    """Ingest ``paths`` (files or folders) into the database behind ``engine``, a transaction per file.

    Args:
        agency, period, kind, base, timeout, parse, collect: as :func:`tracker.ingest.batch.parse_paths`
            takes them.
        date: the date of every file and of each part of it, instead of the dates its text states
            (``tracker ingest --date``; an unchanged file given another date gets only that).
        source_url: the address the file was published at (``tracker ingest FILE --source-url``), kept
            as the document's ``source_url``, which the reports link to; an unchanged file gets only that.
        on_start: called once with the number of files found, before the first is parsed.
        on_file: called after each file with its outcome (for progress bars and printing).

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
    )
    from tracker.ingest.skipped import summary_lines  # with the readers, loaded by an ingest only

    result = LoadResult(
        [FileOutcome(error.path, error=error) for error in batch.errors],
        batch.skipped,
        summary_lines(batch.skipped, batch.shown),
    )
    if on_start is not None:
        on_start(len(batch.names))
    for name, document in zip(batch.names, batch.parsed, strict=True):
        if date is not None and isinstance(document, ParsedDocument):
            document.redate(date)
        if source_url is not None and isinstance(document, ParsedDocument):
            document.source_url = source_url
        outcome = _save_one(engine, name, document)
        result.outcomes.append(outcome)
        if on_file is not None:
            on_file(outcome)
    return result


def _save_one(engine: Engine, shown: str, parsed: ParsedDocument | TrackerError) -> FileOutcome:
    outcome = FileOutcome(shown)
    if isinstance(parsed, TrackerError):
        outcome.error = parsed
        return outcome
    outcome.parsed = parsed
    try:
        with write_session(engine) as session:
            outcome.saved = save_document(session, parsed)
    except TrackerError as error:
        outcome.error = error
    return outcome
