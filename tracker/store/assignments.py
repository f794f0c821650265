"""Who codes which commitment: the assignment rows (``tracker assign``), read and written, and each
reviewer's own latest status and link decisions (the codings that agreement is computed over).

Nothing here decides how commitments are split (:mod:`tracker.review.team`) or what agreement is
(:mod:`tracker.review.agreement`): these are the plain reads and writes both need.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from tracker.statuses import LINK_ACTIONS, LINK_STATE
from tracker.store.models import Assignment, Decision, Retraction, utcnow
from tracker.store.queries import in_chunks
from tracker.textnorm import clean_field

#: Roles as reports name them (coder 1 codes every assigned commitment, coder 2 the double-coded ones).
ROLE_LABELS = {1: "编码员1 coder 1", 2: "编码员2 coder 2"}
#: The third reviewer who settles two coders' disagreement.
ADJUDICATOR_LABEL = "裁定人 adjudicator"


@dataclass(frozen=True)
class Coders:
    """The coders of one commitment: ``first`` (role 1) and ``second`` (role 2, None: single-coded)."""

    first: str
    second: str | None = None

    @property
    def double(self) -> bool:
        return self.second is not None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.first,) if self.second is None else (self.first, self.second)

    def role(self, reviewer: str) -> int | None:
        """1 or 2 for a coder of the commitment, None for anyone else."""
        if reviewer == self.first:
            return 1
        if reviewer == self.second:
            return 2
        return None


def coders(session: Session, commitment_ids: Sequence[str] | None = None) -> dict[str, Coders]:
    """Commitment id -> its coders, for every assigned commitment (or only for ``commitment_ids``)."""
    query = select(Assignment.commitment_id, Assignment.role, Assignment.reviewer)  # type: ignore[call-overload]
    by_role: dict[str, dict[int, str]] = {}
    for cid, role, reviewer in _rows(session, query, Assignment.commitment_id, commitment_ids):
        by_role.setdefault(cid, {})[role] = reviewer
    return {cid: Coders(roles[1], roles.get(2)) for cid, roles in by_role.items() if 1 in roles}


def worklist_ids(session: Session, reviewer: str) -> list[str]:
    """The commitments assigned to ``reviewer``, in the order of their worklist (document order)."""
    query = (
        select(Assignment.commitment_id)
        .where(Assignment.reviewer == reviewer)
        .order_by(col(Assignment.position), col(Assignment.commitment_id))
    )
    return list(session.exec(query).all())


def remove_assignments(session: Session, commitment_ids: Iterable[str]) -> int:
    """Take these commitments off every worklist (the caller commits); the decisions stay as they were."""
    removed = 0
    for chunk in in_chunks(sorted(set(commitment_ids))):
        result = session.connection().execute(
            delete(Assignment).where(col(Assignment.commitment_id).in_(chunk))
        )
        removed += result.rowcount or 0
    return removed


def add_assignments(
    session: Session,
    rows: Iterable[tuple[str, int, str, int, str]],
    *,
    assigned_at: datetime | None = None,
) -> int:
    """Store assignments (commitment id, role, reviewer, position, the commitment's text) in one
    statement per chunk (the caller commits). Reviewer names and texts are cleaned of control
    characters, as every stored name is."""
    when = assigned_at or utcnow()
    values = [
        {
            "commitment_id": cid,
            "role": role,
            "reviewer": clean_field(reviewer),
            "position": position,
            "assigned_at": when,
            "commitment_text": text,
        }
        for cid, role, reviewer, position, text in rows
    ]
    for start in range(0, len(values), 1000):
        session.connection().execute(Assignment.__table__.insert(), values[start : start + 1000])  # type: ignore[attr-defined]
    return len(values)


def all_assignments(session: Session) -> list[Assignment]:
    """Every assignment, by reviewer and worklist order (for export)."""
    query = select(Assignment).order_by(col(Assignment.reviewer), col(Assignment.position))
    return list(session.exec(query).all())


def own_statuses(session: Session, commitment_ids: Sequence[str] | None = None) -> dict[str, dict[str, str]]:
    """Commitment id -> reviewer -> the status that reviewer's own latest live ``status`` decision set
    (an adjudication is not a coder's status and is not counted)."""
    found: dict[str, dict[str, str]] = {}
    for cid, _aid, _action, value, reviewer in _live(session, ("status",), commitment_ids):
        found.setdefault(cid, {})[reviewer] = value or ""
    return found


def own_links(
    session: Session, commitment_ids: Sequence[str] | None = None
) -> dict[tuple[str, str], dict[str, str]]:
    """(commitment id, achievement id) -> reviewer -> ``confirmed`` or ``rejected``, from that reviewer's
    own latest live link decision on the pair."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    for cid, aid, action, _value, reviewer in _live(session, LINK_ACTIONS, commitment_ids):
        if aid is not None:
            found.setdefault((cid, aid), {})[reviewer] = LINK_STATE[action]
    return found


def _live(
    session: Session, actions: Sequence[str], commitment_ids: Sequence[str] | None
) -> list[tuple[str, str | None, str, str | None, str]]:
    """(commitment, achievement, action, value, reviewer) of the live decisions of ``actions``, oldest
    first, read as plain columns."""
    query = (
        select(  # type: ignore[call-overload]
            Decision.commitment_id,
            Decision.achievement_id,
            Decision.action,
            Decision.value,
            Decision.reviewer,
        )
        .where(
            col(Decision.id).not_in(select(Retraction.decision_id)), col(Decision.action).in_(list(actions))
        )
        .order_by(col(Decision.id))
    )
    return [tuple(row) for row in _rows(session, query, Decision.commitment_id, commitment_ids)]


def remove_role(session: Session, commitment_id: str, role: int) -> None:
    """Take one role of a commitment off its reviewer's worklist (an import that gives it to another)."""
    session.connection().execute(
        delete(Assignment).where(col(Assignment.commitment_id) == commitment_id, col(Assignment.role) == role)
    )


def double_coded_with(
    session: Session, viewer: str, commitment_ids: Sequence[str] | None = None
) -> dict[str, str]:
    """Commitment id -> its other coder, for the double-coded commitments ``viewer`` codes (of
    ``commitment_ids`` when given), in one join however long the worklist."""
    mine, other = aliased(Assignment), aliased(Assignment)
    query = (
        select(mine.commitment_id, other.reviewer)  # type: ignore[call-overload]
        .join(
            other,
            and_(col(other.commitment_id) == col(mine.commitment_id), col(other.role) != col(mine.role)),
        )
        .where(mine.reviewer == viewer)
    )
    return dict(_rows(session, query, mine.commitment_id, commitment_ids))


def coder_statuses(
    session: Session, commitment_ids: Sequence[str] | None = None
) -> dict[str, dict[str, str]]:
    """Commitment id -> coder -> the status that coder's own latest live status decision set, for the
    assigned commitments a coder set one on (of ``commitment_ids`` when given): read from the decisions,
    so it costs what the reviewers did, not the size of the worklists."""
    # joined on the commitment alone (its primary key's prefix), the reviewer compared here: joined on
    # both, SQLite walks a reviewer's whole worklist by the worklist index for every decision
    query = (
        select(Decision.commitment_id, Decision.reviewer, Decision.value, Assignment.reviewer)  # type: ignore[call-overload]
        .join(Assignment, col(Assignment.commitment_id) == col(Decision.commitment_id))
        .where(Decision.action == "status", col(Decision.id).not_in(select(Retraction.decision_id)))
        .order_by(col(Decision.id))
    )
    found: dict[str, dict[str, str]] = {}
    for cid, reviewer, value, coder in _rows(session, query, Decision.commitment_id, commitment_ids):
        if reviewer == coder:
            found.setdefault(cid, {})[reviewer] = value or ""
    return found


def _rows(session: Session, query: Any, key: Any, commitment_ids: Sequence[str] | None) -> list[Any]:
    """The rows of ``query``, of every commitment or only of ``commitment_ids`` (by IN lists; a
    commitment's rows all come in one list, in the query's order)."""
    if commitment_ids is None:
        return list(session.connection().execute(query))
    rows: list[Any] = []
    for chunk in in_chunks(sorted(set(commitment_ids))):
        rows += session.connection().execute(query.where(col(key).in_(chunk)))
    return rows
