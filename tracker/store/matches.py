"""Writing the matcher's output: ranked candidates and automatic statuses, never a reviewer's decision."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from sqlalchemy import insert
from sqlmodel import Session, col, delete

from tracker.store.models import Candidate, CommitmentStatus, HistoryCandidate
from tracker.store.queries import in_chunks


class RankedPair(Protocol):
    """One ranked candidate (``tracker.match.results.ScoredCandidate``)."""

    @property
    def commitment_id(self) -> str: ...
    @property
    def achievement_id(self) -> str: ...
    @property
    def rank(self) -> int: ...
    @property
    def score(self) -> float: ...
    @property
    def state(self) -> str: ...
    @property
    def shared_terms(self) -> tuple[str, ...]: ...
    @property
    def weighs(self) -> bool: ...
    @property
    def why(self) -> str | None: ...  # JSON text


class AutomaticStatus(Protocol):
    """One automatic status (``tracker.match.results.StatusResult``)."""

    @property
    def commitment_id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def detail(self) -> dict[str, Any]: ...


def save_matches(
    session: Session,
    candidates: Sequence[RankedPair],
    statuses: Sequence[AutomaticStatus],
    *,
    scorer: str,
    everything: bool,
) -> None:
    """Replace the automatic candidates and statuses of these commitments (of all, with ``everything``);
    Decision rows are never touched."""
    if everything:
        session.exec(delete(Candidate))  # type: ignore[call-overload]
        session.exec(delete(CommitmentStatus))  # type: ignore[call-overload]
    else:
        for chunk in in_chunks([s.commitment_id for s in statuses]):
            session.exec(delete(Candidate).where(col(Candidate.commitment_id).in_(chunk)))  # type: ignore[call-overload]
            session.exec(delete(CommitmentStatus).where(col(CommitmentStatus.commitment_id).in_(chunk)))  # type: ignore[call-overload]
    candidate_rows = [
        (
            c.commitment_id,
            c.achievement_id,
            c.rank,
            c.score,
            c.state,
            json.dumps(list(c.shared_terms), ensure_ascii=False),
            scorer,
            c.weighs,
            c.why or "{}",  # already JSON text
        )
        for c in candidates
    ]
    status_rows = [
        (s.commitment_id, s.status, "auto", json.dumps(s.detail, ensure_ascii=False)) for s in statuses
    ]
    # Rows go to the driver as plain tuples: SQLAlchemy's per-row parameter handling cost more than the
    # insert itself for the ~500,000 candidates of a thousand documents. The statement is compiled by
    # SQLAlchemy for whichever database this is; JSON columns get their text directly.
    connection = session.connection()
    for table, rows in ((Candidate.__table__, candidate_rows), (CommitmentStatus.__table__, status_rows)):  # type: ignore[attr-defined]
        if not rows:
            continue
        columns = [column.name for column in table.columns]
        statement = insert(table).compile(dialect=connection.dialect, column_keys=columns)
        params = rows if statement.positional else [dict(zip(columns, row, strict=True)) for row in rows]
        cursor = connection.connection.cursor()
        try:
            cursor.executemany(str(statement), params)
        finally:
            cursor.close()


class HistoryLink(Protocol):
    """One history pair (``tracker.match.history.HistoryPair``)."""

    @property
    def commitment_id(self) -> str: ...
    @property
    def relation(self) -> str: ...
    @property
    def other_id(self) -> str: ...
    @property
    def period(self) -> int: ...
    @property
    def rank(self) -> int: ...
    @property
    def score(self) -> float: ...
    @property
    def state(self) -> str: ...


def save_history(session: Session, pairs: Sequence[HistoryLink], commitment_ids: Sequence[str]) -> None:
    """Replace the history pairs of these commitments (the matcher's; decisions are never touched)."""
    for chunk in in_chunks(list(commitment_ids)):
        session.exec(delete(HistoryCandidate).where(col(HistoryCandidate.commitment_id).in_(chunk)))  # type: ignore[call-overload]
    if pairs:
        session.execute(
            insert(HistoryCandidate.__table__),  # type: ignore[attr-defined]
            [
                {
                    "commitment_id": p.commitment_id,
                    "relation": p.relation,
                    "other_id": p.other_id,
                    "period": p.period,
                    "rank": p.rank,
                    "score": p.score,
                    "state": p.state,
                }
                for p in pairs
            ],
        )


def save_statuses(session: Session, statuses: Iterable[AutomaticStatus]) -> None:
    """Store these automatic statuses in place of the ones they recompute."""
    for status in statuses:
        session.merge(
            CommitmentStatus(
                commitment_id=status.commitment_id, status=status.status, source="auto", detail=status.detail
            )
        )
    session.flush()
