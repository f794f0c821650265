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
from typing import Any, Literal

from sqlalchemy import Table, bindparam, delete, insert, or_
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from tracker.errors import StoreError
from tracker.ingest.parsed import DocumentHeader, ParsedDocument
from tracker.store.bulk import insert_new_rows
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
from tracker.store.prepared import (
    ACHIEVEMENT_COLUMNS,
    COMMITMENT_COLUMNS,
    PartSummary,
    PreparedDocument,
    prepare,
)
from tracker.store.queries import in_chunks, parts_by_document

#: ``redated``: an unchanged file given another date (``--date``): only its parts' dates changed.
Outcome = Literal["inserted", "replaced", "unchanged", "redated"]


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


def save_document(session: Session, parsed: ParsedDocument | PreparedDocument) -> SaveResult:
    """Store ``parsed`` (or its prepared rows) in one transaction (a savepoint when the session is
    already in one).

    Raises:
        StoreError: the database refused the rows; nothing of this document was changed.
    """
    prepared = parsed if isinstance(parsed, PreparedDocument) else prepare(parsed)
    transaction = session.begin_nested() if session.in_transaction() else session.begin()
    try:
        with transaction:
            return write_document(session, prepared)
    except SQLAlchemyError as exc:
        problem = describe(exc)
        raise StoreError(f"{prepared.header.path}: not saved: {problem}", hint_for(problem)) from exc


# The statements of every saved document, built once: SQLAlchemy Core on the session's connection costs
# a third of the same query through the ORM, and a bound list of ids is not coerced id by id.
_TABLES: dict[type, Table] = {
    model: model.__table__  # type: ignore[union-attr]
    for model in (Document, Part, Commitment, Achievement)
}
_KNOWN = select(_TABLES[Document].c.id).where(_TABLES[Document].c.id == bindparam("id"))
_OWNERS = {
    model: select(_TABLES[model].c.id, _TABLES[Document].c.path)
    .join(_TABLES[Document], _TABLES[Document].c.id == _TABLES[model].c.document_id)
    .where(
        _TABLES[model].c.id.in_(bindparam("keys", expanding=True)),
        _TABLES[model].c.document_id != bindparam("document"),
    )
    for model in (Commitment, Achievement)
}
_STATUSES: Table = CommitmentStatus.__table__  # type: ignore[attr-defined]
_CLEAR_STATUSES = delete(_STATUSES).where(
    _STATUSES.c.commitment_id.in_(
        select(_TABLES[Commitment].c.id).where(
            _TABLES[Commitment].c.agency == bindparam("agency"),
            _TABLES[Commitment].c.period == bindparam("period"),
        )
    )
)


def write_document(session: Session, prepared: PreparedDocument) -> SaveResult:
    """Store a prepared document in the session's transaction, without a savepoint of its own: when it
    raises, the caller rolls the transaction back (:func:`save_document` is the form with one).

    Raises:
        SQLAlchemyError: the database refused the rows.
    """
    header, doc_id = prepared.header, prepared.document_id
    result = SaveResult(document_id=doc_id, path=header.path, outcome="inserted", parts=prepared.shown)
    connection = session.connection()
    known = connection.execute(_KNOWN, {"id": doc_id}).first() is not None
    existing = session.get(Document, doc_id) if known else None
    if existing is not None and existing.sha256 == header.sha256:
        redated = header.date_given and _redate(session, prepared)
        result.outcome = "redated" if redated else "unchanged"
        if header.source_url is not None and existing.source_url != header.source_url:
            existing.source_url = header.source_url  # ``tracker ingest FILE --source-url`` of a known file
            session.add(existing)
        result.commitments, result.achievements = _owned_counts(session, doc_id)
        return result
    # The agency-years this document reports on, before and after: the automatic statuses there were
    # computed against evidence that is about to change.
    reported = {(p["agency"], p["period"]) for p in prepared.parts if p["kind"] == "summary"}
    if existing is not None:
        result.outcome = "replaced"
        old_parts = select(Part.agency, Part.period).where(Part.document_id == doc_id, Part.kind == "summary")
        reported.update((agency, period) for agency, period in session.exec(old_parts).all())
        _delete_extracted(session, doc_id)
        existing.sha256 = header.sha256
        _describe(existing, header)
        session.add(existing)
        session.flush()
    else:
        fresh = Document(id=doc_id, path=header.path, sha256=header.sha256, encoding=header.encoding)
        _describe(fresh, header)
        connection.execute(insert(_TABLES[Document]), [fresh.model_dump()])
    if prepared.parts:
        connection.execute(insert(_TABLES[Part]), prepared.parts)
    result.merged = prepared.merged
    result.commitments = _insert_fresh(session, Commitment, COMMITMENT_COLUMNS, prepared.commitments, result)
    result.achievements = _insert_fresh(
        session, Achievement, ACHIEVEMENT_COLUMNS, prepared.achievements, result
    )
    if prepared.chapter_topics:
        reported.update(align_summary_topics(session, {(p["agency"], p["period"]) for p in prepared.parts}))
    _clear_statuses(session, reported)
    return result


def _redate(session: Session, prepared: PreparedDocument) -> bool:
    """Give the stored parts of an unchanged document the dates of its prepared rows; whether any
    changed. The automatic statuses of the agency-years its summary parts report on go until the next
    match (an interim report counts differently from the year's summary)."""
    stored = {part.id: part for part in parts_by_document(session, prepared.document_id)}
    changed = [
        (part, row["as_of"])
        for row in prepared.parts
        if (part := stored.get(row["id"])) is not None and part.as_of != row["as_of"]
    ]
    for part, as_of in changed:
        part.as_of = as_of
        session.add(part)
    _clear_statuses(session, {(part.agency, part.period) for part, _ in changed if part.kind == "summary"})
    session.flush()
    return bool(changed)


def _describe(document: Document, header: DocumentHeader) -> None:
    """Copy what the document row says about the file from its parsed form."""
    document.encoding = header.encoding
    document.title = header.title
    document.agency = header.agency
    document.ingested_at = utcnow()
    document.removed_lines = header.removed_lines
    document.repeated_paragraphs = header.repeated_paragraphs
    # A file's address (``--source-url``) stays with it until another is given.
    document.source_url = header.source_url or document.source_url


def _insert_fresh(
    session: Session,
    model: type[Commitment] | type[Achievement],
    columns: tuple[str, ...],
    rows: list[list[Any]],
    result: SaveResult,
) -> int:
    """Insert the rows no other document owns yet and return their number; count the others under
    ``result.already_stated``."""
    table: Table = model.__table__  # type: ignore[union-attr]
    inserted = insert_new_rows(session, table, columns, rows)
    if inserted < len(rows):
        owners = _owners(session, model, [row[0] for row in rows], result.document_id)
        for row in rows:
            if (owner := owners.get(row[0])) is not None:
                result.already_stated[owner] = result.already_stated.get(owner, 0) + 1
    return inserted


def _clear_statuses(session: Session, blocks: Iterable[tuple[str, int]]) -> None:
    """Remove the automatic statuses of these agency-years until the next match.

    They show the fallback meanwhile, and :func:`needs_matching` sees them, so that ``tracker ingest``
    matches again even when the run that saved the document stopped before matching.
    """
    for agency, period in sorted(set(blocks)):
        session.connection().execute(_CLEAR_STATUSES, {"agency": agency, "period": period})


def needs_matching(session: Session) -> bool:
    """Whether some commitment has no automatic status: a document was saved after the last match (an
    ingest run with ``--no-match``, or one stopped before its matching was done)."""
    unmatched = select(Commitment.id).where(col(Commitment.id).not_in(select(CommitmentStatus.commitment_id)))
    return session.exec(unmatched.limit(1)).first() is not None


def _owners(
    session: Session, model: type[Commitment] | type[Achievement], keys: list[str], doc_id: str
) -> dict[str, str]:
    """Which of ``keys`` another document than ``doc_id`` owns, mapped to that document's path."""
    owners: dict[str, str] = {}
    for chunk in in_chunks(keys):
        found = session.connection().execute(_OWNERS[model], {"keys": chunk, "document": doc_id})
        owners.update(dict(found.all()))
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
