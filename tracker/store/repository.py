"""Saving a parsed document as one transaction, and the queries reports and the UI read from.

Saving is idempotent per displayed path: an unchanged file is a no-op, a changed one replaces every
row extracted from its previous version (and the matcher output that pointed at them) but never a
reviewer's Decision rows, which reattach by stable id when the same statement comes back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import and_, delete, insert, or_
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from tracker.errors import StoreError
from tracker.ingest.parsed import ParsedDocument, Statement
from tracker.ingest.parsed import Part as ParsedPart
from tracker.statuses import DECISION_ACTIONS, STATUSES
from tracker.store import ids
from tracker.store.engine import describe
from tracker.store.models import (
    Achievement,
    Candidate,
    Commitment,
    CommitmentStatus,
    Decision,
    Document,
    Part,
    Retraction,
    utcnow,
)

Outcome = Literal["inserted", "replaced", "unchanged"]
_CHUNK = 500


@dataclass
class PartSummary:
    """What one part of a saved document held, for the ingest printout."""

    kind: str
    period: int
    agency: str
    heading: str
    statements: int


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


@dataclass(frozen=True)
class StatusView:
    """A commitment's current status and who set it (``auto`` or ``reviewer``)."""

    status: str
    source: str


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
        raise StoreError(f"{parsed.path}: not saved: {describe(exc)}") from exc


def _save(session: Session, parsed: ParsedDocument) -> SaveResult:
    doc_id = ids.document_id(parsed.path)
    result = SaveResult(
        document_id=doc_id,
        path=parsed.path,
        outcome="inserted",
        parts=[PartSummary(p.kind, p.period, p.agency, p.heading, len(p.statements)) for p in parsed.parts],
    )
    existing = session.get(Document, doc_id)
    if existing is not None and existing.sha256 == parsed.sha256:
        result.outcome = "unchanged"
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
    existing.encoding = parsed.encoding
    existing.title = parsed.title
    existing.agency = parsed.agency
    existing.ingested_at = utcnow()
    existing.removed_lines = parsed.removed_lines
    existing.repeated_paragraphs = parsed.repeated_paragraphs
    session.add(existing)
    session.flush()

    # Statement rows go in as plain dicts through one executemany per table: building ORM objects for
    # tens of thousands of rows cost four times as much (benchmarks/speed.py).
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
        )
        session.add(part)
        for statement in ppart.statements:
            quantities = [q.as_dict() for q in statement.quantities]
            if ppart.kind == "plan":
                key = ids.commitment_id(agency, ppart.period, statement.normalized)
                merged = _merge(commitments, key, statement)
                if not merged:
                    commitments[key] = _row_fields(key, doc_id, part.id, agency, ppart, statement) | {
                        "targets": quantities
                    }
            else:
                key = ids.achievement_id(agency, ppart.period, statement.normalized)
                merged = _merge(achievements, key, statement)
                if not merged:
                    achievements[key] = _row_fields(key, doc_id, part.id, agency, ppart, statement) | {
                        "quantities": quantities
                    }
            result.merged += merged
    session.flush()

    for model, rows in ((Commitment, commitments), (Achievement, achievements)):
        owners = _owners(session, model, list(rows))
        fresh = []
        for key, row in rows.items():
            if key in owners:
                result.already_stated[owners[key]] = result.already_stated.get(owners[key], 0) + 1
            else:
                fresh.append(row)
        if fresh:
            session.execute(insert(model.__table__), fresh)  # type: ignore[union-attr]
    _clear_statuses(session, reported)
    session.flush()
    result.commitments, result.achievements = _owned_counts(session, doc_id)
    return result


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
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
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
    session.exec(delete(CommitmentStatus).where(col(CommitmentStatus.commitment_id).in_(commitment_ids)))
    session.exec(delete(Commitment).where(col(Commitment.document_id) == doc_id))
    session.exec(delete(Achievement).where(col(Achievement.document_id) == doc_id))
    session.exec(delete(Part).where(col(Part.document_id) == doc_id))
    session.flush()


# --- queries -------------------------------------------------------------------------------------


def list_documents(session: Session) -> list[Document]:
    """Every document, by path."""
    return list(session.exec(select(Document).order_by(Document.path)).all())


def document_paths(session: Session) -> dict[str, str]:
    """Document id -> displayed path."""
    return dict(session.exec(select(Document.id, Document.path)).all())


def parts_by_document(session: Session, document_id: str) -> list[Part]:
    """The parts of one document in reading order."""
    query = select(Part).where(Part.document_id == document_id).order_by(col(Part.position))
    return list(session.exec(query).all())


def list_commitments(
    session: Session, *, agency: str | None = None, period: int | None = None, status: str | None = None
) -> list[Commitment]:
    """Commitments in document order (path, part, position), optionally filtered.

    ``status`` filters on the current status as :func:`current_statuses` reports it.
    """
    rows = _in_document_order(session, Commitment, agency, period)
    if status is not None:
        statuses = current_statuses(session, rows)
        rows = [row for row in rows if statuses[row.id].status == status]
    return rows


def list_achievements(
    session: Session, *, agency: str | None = None, period: int | None = None
) -> list[Achievement]:
    """Achievements in document order, optionally filtered by agency and period."""
    return _in_document_order(session, Achievement, agency, period)


def _in_document_order(session: Session, model: Any, agency: str | None, period: int | None) -> list[Any]:
    """Statements of ``model`` (Commitment or Achievement) by document path, part and position."""
    query = (
        select(model)
        .join(Document, col(Document.id) == col(model.document_id))
        .join(Part, col(Part.id) == col(model.part_id))
        .order_by(col(Document.path), col(Part.position), col(model.position), col(model.id))
    )
    if agency is not None:
        query = query.where(model.agency == agency)
    if period is not None:
        query = query.where(model.period == period)
    return list(session.exec(query).all())


def candidates_for(session: Session, commitment_ids: Iterable[str]) -> dict[str, list[Candidate]]:
    """Commitment id -> its candidates, best rank first (commitments without any are absent)."""
    result: dict[str, list[Candidate]] = {}
    keys = list(commitment_ids)
    for start in range(0, len(keys), _CHUNK):
        query = (
            select(Candidate)
            .where(col(Candidate.commitment_id).in_(keys[start : start + _CHUNK]))
            .order_by(col(Candidate.commitment_id), col(Candidate.rank), col(Candidate.score).desc())
        )
        for candidate in session.exec(query).all():
            result.setdefault(candidate.commitment_id, []).append(candidate)
    return result


def list_candidates(session: Session) -> list[Candidate]:
    """Every candidate row, grouped by commitment and ranked."""
    return list(
        session.exec(select(Candidate).order_by(col(Candidate.commitment_id), col(Candidate.rank))).all()
    )


def add_decision(
    session: Session,
    *,
    commitment_id: str,
    action: str,
    achievement_id: str | None = None,
    value: str | None = None,
    reviewer: str = "",
    created_at: datetime | None = None,
) -> Decision:
    """Append one entry to the review log (the caller commits), snapshotting the commitment's text.

    ``created_at`` defaults to now; an import passes the time the decision was taken elsewhere.

    Raises:
        StoreError: ``action`` is not a review action, or a ``status`` action names no known status.
    """
    if action not in DECISION_ACTIONS:
        raise StoreError(f"unknown review action {action!r}", "use one of " + ", ".join(DECISION_ACTIONS))
    if action == "status" and value not in STATUSES:
        raise StoreError(f"unknown status {value!r}", "use one of " + ", ".join(STATUSES))
    commitment = lock_commitment(session, commitment_id)
    decision = Decision(
        commitment_id=commitment_id,
        achievement_id=achievement_id,
        action=action,
        value=value,
        reviewer=reviewer,
        created_at=created_at or utcnow(),
        commitment_text=commitment.text if commitment is not None else "",
    )
    session.add(decision)
    session.flush()
    return decision


def lock_commitment(session: Session, commitment_id: str) -> Commitment | None:
    """The commitment (None when it is not stored), locked until the transaction ends.

    Every decision and undo takes this lock first. On PostgreSQL two reviewers deciding about the same
    commitment at once then take turns, so the second one's automatic status is computed with the first
    one's decision in view and updates the status row the first one wrote, instead of failing on a
    duplicate key or leaving a stale status. SQLite, whose BEGIN IMMEDIATE already lets one writer in
    at a time, is not sent ``FOR UPDATE``.
    """
    query = select(Commitment).where(Commitment.id == commitment_id).with_for_update()
    return session.exec(query).first()


LINK_ACTIONS = ("confirm", "reject", "link", "unlink")
_LINK_STATE = {"confirm": "confirmed", "link": "confirmed", "reject": "rejected", "unlink": "rejected"}


def live_decisions(
    session: Session, actions: Sequence[str] | None = None, commitment_ids: Sequence[str] | None = None
) -> list[Decision]:
    """Decisions not retracted, oldest first, optionally only these actions and commitments."""
    retracted = select(Retraction.decision_id)
    query = select(Decision).where(col(Decision.id).not_in(retracted)).order_by(col(Decision.id))
    if actions is not None:
        query = query.where(col(Decision.action).in_(list(actions)))
    if commitment_ids is not None:
        query = query.where(col(Decision.commitment_id).in_(list(commitment_ids)))
    return list(session.exec(query).all())


def orphaned_decisions(session: Session) -> list[Decision]:
    """Live decisions about statements no longer stored, oldest first: the commitment, or the achievement
    of a pair decision, is in no ingested document any more (its document was edited or removed).

    They stay in the log untouched and take effect again when the same text is ingested again (ids are
    stable); until then they decide nothing, so reports list them for a reviewer to look at.
    """
    retracted = select(Retraction.decision_id)
    gone_commitment = col(Decision.commitment_id).not_in(select(Commitment.id))
    gone_achievement = and_(
        col(Decision.achievement_id).is_not(None),
        col(Decision.achievement_id).not_in(select(Achievement.id)),
    )
    query = (
        select(Decision)
        .where(col(Decision.id).not_in(retracted), or_(gone_commitment, gone_achievement))
        .order_by(col(Decision.id))
    )
    return list(session.exec(query).all())


def reviewer_statuses(session: Session) -> dict[str, str]:
    """Commitment id -> the status its latest live ``status`` decision set."""
    return {d.commitment_id: d.value or "" for d in live_decisions(session, ("status",))}


def reviewer_links(
    session: Session, commitment_ids: Sequence[str] | None = None
) -> dict[tuple[str, str], str]:
    """(commitment id, achievement id) -> ``confirmed`` or ``rejected`` per the latest live link decision
    (of every commitment, or only of ``commitment_ids``)."""
    return {
        (d.commitment_id, d.achievement_id): _LINK_STATE[d.action]
        for d in live_decisions(session, LINK_ACTIONS, commitment_ids)
        if d.achievement_id is not None
    }


def reviewer_notes(session: Session) -> dict[str, list[Decision]]:
    """Commitment id -> its live notes, oldest first."""
    notes: dict[str, list[Decision]] = {}
    for d in live_decisions(session, ("note",)):
        notes.setdefault(d.commitment_id, []).append(d)
    return notes


def retract_last_decision(session: Session, reviewer: str) -> Decision | None:
    """Retract ``reviewer``'s latest live decision (the caller commits); None when there is none left."""
    retracted = select(Retraction.decision_id)
    query = (
        select(Decision)
        .where(Decision.reviewer == reviewer, col(Decision.id).not_in(retracted))
        .order_by(col(Decision.id).desc())
        .limit(1)
    )
    decision = session.exec(query).first()
    while decision is not None:
        lock_commitment(session, decision.commitment_id)
        # Asked again under the lock: the reviewer's other process may have just undone this one.
        latest = session.exec(query).first()
        if latest is None or latest.id == decision.id:
            break
        decision = latest
    if decision is None or decision.id is None:
        return None
    session.add(Retraction(decision_id=decision.id, reviewer=reviewer))
    session.flush()
    return decision


def add_retraction(
    session: Session, decision_id: int, *, reviewer: str, created_at: datetime | None = None
) -> Retraction:
    """Retract one given decision (the caller commits); an import uses it to carry undo history over."""
    retraction = Retraction(decision_id=decision_id, reviewer=reviewer, created_at=created_at or utcnow())
    session.add(retraction)
    session.flush()
    return retraction


def summary_documents(session: Session) -> dict[tuple[str, int], set[str]]:
    """(agency, period) -> the documents holding a summary part for it."""
    result: dict[tuple[str, int], set[str]] = {}
    for agency, period, document in session.exec(
        select(Part.agency, Part.period, Part.document_id).where(Part.kind == "summary")
    ).all():
        result.setdefault((agency, period), set()).add(document)
    return result


def has_report(
    summaries: dict[tuple[str, int], set[str]], agency: str, period: int, document_id: str
) -> bool:
    """Whether another document than the commitment's own reports on its agency and period (a document
    never reports the outcome of its own targets: seeds/002 states mid-year results beside its targets)."""
    return bool(summaries.get((agency, period), set()) - {document_id})


def resolve_status(
    commitment_id: str,
    reported: bool,
    reviewed: dict[str, str],
    automatic: dict[str, str],
) -> StatusView:
    """A reviewer's status, else the matcher's, else the fallback used until the matcher has run:
    ``no_evidence`` when another document reports on the agency and period (``reported``), else
    ``pending``. Every status shown anywhere is decided here."""
    if commitment_id in reviewed:
        return StatusView(reviewed[commitment_id], "reviewer")
    if commitment_id in automatic:
        return StatusView(automatic[commitment_id], "auto")
    return StatusView("no_evidence" if reported else "pending", "auto")


def current_statuses(session: Session, commitments: Sequence[Commitment]) -> dict[str, StatusView]:
    """The status of each commitment (see :func:`resolve_status`)."""
    reviewed = reviewer_statuses(session)
    automatic = {row.commitment_id: row.status for row in session.exec(select(CommitmentStatus)).all()}
    summaries = summary_documents(session)
    return {
        c.id: resolve_status(
            c.id, has_report(summaries, c.agency, c.period, c.document_id), reviewed, automatic
        )
        for c in commitments
    }


def status_counts(session: Session, commitments: Sequence[Commitment]) -> Counter[tuple[str, int, str]]:
    """(agency, period, status) -> number of commitments, for summaries."""
    statuses = current_statuses(session, commitments)
    return Counter((c.agency, c.period, statuses[c.id].status) for c in commitments)
