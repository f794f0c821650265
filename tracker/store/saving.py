"""Saving one parsed document: idempotent per displayed path, in the caller's transaction.

An unchanged file is a no-op, a changed one replaces every row extracted from its previous version (and
the matcher output that pointed at them) but never a reviewer's Decision rows, which reattach by stable
id when the same statement comes back. A statement another document already states stays that
document's. Loading many files, and how they are grouped into transactions, is
:mod:`tracker.store.documents`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy import bindparam, delete, insert, or_
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from tracker.errors import StoreError
from tracker.ingest.chapters import is_vocabulary_topic
from tracker.ingest.parsed import ParsedDocument
from tracker.store import ids
from tracker.store.bulk import insert_rows, json_text
from tracker.store.chapter_topics import align_summary_topics
from tracker.store.engine import describe, hint_for
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
            return write_document(session, parsed)
    except SQLAlchemyError as exc:
        raise StoreError(f"{parsed.path}: not saved: {describe(exc)}", hint_for(describe(exc))) from exc


def write_document(session: Session, parsed: ParsedDocument) -> SaveResult:
    """Store ``parsed`` in the session's transaction, without a savepoint of its own: when it raises,
    the caller rolls the transaction back (:func:`save_document` is the form with one).

    Raises:
        SQLAlchemyError: the database refused the rows.
    """
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
        _describe(existing, parsed)
        session.add(existing)
        session.flush()
    else:
        fresh = Document(id=doc_id, path=parsed.path, sha256=parsed.sha256, encoding=parsed.encoding)
        _describe(fresh, parsed)
        session.execute(insert(Document), [fresh.model_dump()])
    commitments, achievements = _statement_rows(session, parsed, doc_id, result)
    result.commitments = _insert_fresh(session, Commitment, COMMITMENT_COLUMNS, commitments, result)
    result.achievements = _insert_fresh(session, Achievement, ACHIEVEMENT_COLUMNS, achievements, result)
    if any(not is_vocabulary_topic(s.topic) for p in parsed.parts for s in p.statements):
        blocks = {(p.agency or parsed.agency, p.period) for p in parsed.parts}
        reported.update(align_summary_topics(session, blocks))
    _clear_statuses(session, reported)
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


#: The columns of a statement row as :func:`_statement_rows` builds it (``FIGURES`` is ``targets`` for a
#: commitment, ``quantities`` for an achievement; a commitment adds its lead unit).
_STATEMENT_COLUMNS = (
    "id",
    "document_id",
    "part_id",
    "agency",
    "period",
    "position",
    "section",
    "text",
    "normalized",
    "topic",
    "FIGURES",
    "deadline",
    "testable",
    "times_stated",
    "sentence",
)
COMMITMENT_COLUMNS = tuple(c.replace("FIGURES", "targets") for c in _STATEMENT_COLUMNS) + ("lead_unit",)
ACHIEVEMENT_COLUMNS = tuple(c.replace("FIGURES", "quantities") for c in _STATEMENT_COLUMNS)
_TIMES_STATED = _STATEMENT_COLUMNS.index("times_stated")


def _statement_rows(
    session: Session, parsed: ParsedDocument, doc_id: str, result: SaveResult
) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    """Add the document's parts and return its commitment and achievement rows by id (each a value per
    column of ``COMMITMENT_COLUMNS`` / ``ACHIEVEMENT_COLUMNS``), a statement repeated within the
    document folded into its first row (``result.merged`` counts them).

    Statement rows are plain lists, written by the database driver (:mod:`tracker.store.bulk`):
    ORM objects, or SQLAlchemy's parameter handling per row, cost several times what storing them does.
    """
    commitments: dict[str, list[Any]] = {}
    achievements: dict[str, list[Any]] = {}
    part_rows = []
    for index, ppart in enumerate(parsed.parts):
        agency = ppart.agency or parsed.agency
        part_id = ids.part_id(doc_id, index)
        part_rows.append(
            {
                "id": part_id,
                "document_id": doc_id,
                "kind": ppart.kind,
                "period": ppart.period,
                "agency": agency,
                "heading": ppart.heading,
                "position": ppart.position,
                "as_of": ppart.as_of,
                "from_table": ppart.from_table,
            }
        )
        plan = ppart.kind == "plan"
        rows = commitments if plan else achievements
        make_id = ids.commitment_id if plan else ids.achievement_id
        for s in ppart.statements:
            key = make_id(agency, ppart.period, s.normalized)
            row = rows.get(key)
            if row is not None:
                row[_TIMES_STATED] += s.times_stated
                result.merged += 1
                continue
            figures = json_text([q.as_dict() for q in s.quantities])
            row = [key, doc_id, part_id, agency, ppart.period, s.position, s.section, s.text, s.normalized]
            row += [s.topic, figures, s.deadline, s.testable, s.times_stated, s.sentence]
            if plan:
                row.append(s.lead_unit)
            rows[key] = row
    if part_rows:
        session.execute(insert(Part), part_rows)
    return commitments, achievements


def _insert_fresh(
    session: Session,
    model: type[Commitment] | type[Achievement],
    columns: tuple[str, ...],
    rows: dict[str, list[Any]],
    result: SaveResult,
) -> int:
    """Insert the rows no other document owns yet and return their number; count the others under
    ``result.already_stated``."""
    owners = _owners(session, model, list(rows)) if rows else {}
    fresh = []
    for key, row in rows.items():
        if key in owners:
            result.already_stated[owners[key]] = result.already_stated.get(owners[key], 0) + 1
        else:
            fresh.append(row)
    insert_rows(session, model.__table__, columns, fresh)  # type: ignore[union-attr]
    return len(fresh)


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


def _owners(session: Session, model: type[Commitment] | type[Achievement], keys: list[str]) -> dict[str, str]:
    """Which of ``keys`` already exist (necessarily in another document), mapped to that document's path."""
    owners: dict[str, str] = {}
    # One bound list, not a literal per id: SQLAlchemy compiles the query once and coerces no element.
    query = (
        select(model.id, Document.path)
        .join(Document, col(Document.id) == col(model.document_id))
        .where(col(model.id).in_(bindparam("keys", expanding=True)))
    )
    for chunk in in_chunks(keys):
        owners.update(dict(session.exec(query, params={"keys": chunk}).all()))
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
