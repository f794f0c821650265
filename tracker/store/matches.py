"""Writing the matcher's output: ranked candidates, history pairs and automatic statuses, never a
reviewer's decision.

Rows go to the database driver as plain tuples in one ``executemany`` per table (SQLite and
PostgreSQL alike): SQLAlchemy's per-row parameter handling cost more than the inserts themselves for the
~900,000 rows of a thousand documents. Each row's JSON is encoded once, by one shared encoder (``why``
comes as JSON text already). The statements are compiled by SQLAlchemy for whichever database this is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from sqlalchemy import Table, insert
from sqlmodel import Session, col, delete

from tracker.store.models import Candidate, CommitmentStatus, HistoryCandidate
from tracker.store.queries import in_chunks

#: ``json.dumps(value, ensure_ascii=False)`` without building an encoder for every call.
encode_json = json.JSONEncoder(ensure_ascii=False).encode


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


def save_matches(
    session: Session,
    candidates: Sequence[RankedPair],
    statuses: Sequence[AutomaticStatus],
    *,
    scorer: str,
    everything: bool = False,
    commitment_ids: Sequence[str] | None = None,
) -> None:
    """Replace the automatic candidates and statuses of these commitments (``commitment_ids``, else
    those of ``statuses``; of all, with ``everything``); Decision rows are never touched."""
    if everything:
        session.exec(delete(Candidate))  # type: ignore[call-overload]
        session.exec(delete(CommitmentStatus))  # type: ignore[call-overload]
    else:
        ids = [s.commitment_id for s in statuses] if commitment_ids is None else list(commitment_ids)
        _delete_of(session, Candidate.__table__, ids)  # type: ignore[attr-defined]
        _delete_of(session, CommitmentStatus.__table__, ids)  # type: ignore[attr-defined]
    insert_rows(
        session,
        Candidate.__table__,  # type: ignore[attr-defined]
        [
            (
                c.commitment_id,
                c.achievement_id,
                c.rank,
                c.score,
                c.state,
                encode_json(list(c.shared_terms)),
                scorer,
                c.weighs,
                c.why or "{}",  # already JSON text
            )
            for c in candidates
        ],
    )
    insert_rows(session, CommitmentStatus.__table__, _status_rows(statuses))  # type: ignore[attr-defined]


def save_history(session: Session, pairs: Sequence[HistoryLink], commitment_ids: Sequence[str]) -> None:
    """Replace the history pairs of these commitments (the matcher's; decisions are never touched)."""
    _delete_of(session, HistoryCandidate.__table__, commitment_ids)  # type: ignore[attr-defined]
    insert_rows(
        session,
        HistoryCandidate.__table__,  # type: ignore[attr-defined]
        [(p.commitment_id, p.relation, p.other_id, p.period, p.rank, p.score, p.state) for p in pairs],
    )


def save_statuses(session: Session, statuses: Iterable[AutomaticStatus]) -> None:
    """Store these automatic statuses in place of the ones they recompute."""
    statuses = list(statuses)
    ids = {s.commitment_id for s in statuses}
    # Written past the ORM: a status row the session holds would keep its old values.
    for row in list(session.identity_map.values()):
        if isinstance(row, CommitmentStatus) and row.commitment_id in ids:
            session.expire(row)
    _delete_of(session, CommitmentStatus.__table__, sorted(ids))  # type: ignore[attr-defined]
    insert_rows(session, CommitmentStatus.__table__, _status_rows(statuses))  # type: ignore[attr-defined]


def _status_rows(statuses: Iterable[AutomaticStatus]) -> list[tuple[Any, ...]]:
    return [(s.commitment_id, s.status, "auto", encode_json(s.detail)) for s in statuses]


def _delete_of(session: Session, table: Table, commitment_ids: Sequence[str]) -> None:
    for chunk in in_chunks(list(commitment_ids)):
        session.execute(table.delete().where(col(table.c.commitment_id).in_(chunk)))


def insert_rows(session: Session, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert ``rows`` (values in the order of the table's columns, JSON as text) in one driver-level
    ``executemany``, inside the session's transaction."""
    if not rows:
        return
    connection = session.connection()
    columns = [column.name for column in table.columns]
    statement = insert(table).compile(dialect=connection.dialect, column_keys=columns)
    params: Sequence[Any] = (
        rows if statement.positional else [dict(zip(columns, row, strict=True)) for row in rows]
    )
    cursor = connection.connection.cursor()
    try:
        cursor.executemany(str(statement), params)
    finally:
        cursor.close()
