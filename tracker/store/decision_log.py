"""The review log: every decision a reviewer takes, appended and never rewritten, and its retractions.

A decision (confirm, reject, link, unlink, status, note) is a row of ``Decision``; an undo is a row of
``Retraction`` naming it. Nothing is ever updated or deleted, so the history is exact; what is *in force*
is derived here (the live decisions: those not retracted). How the decisions in force combine with the
matcher's output is :mod:`tracker.match.resolve`; writing them from a key press is :mod:`tracker.review`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from operator import attrgetter
from typing import TypeVar

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from tracker.errors import StoreError
from tracker.statuses import (
    DECISION_ACTIONS,
    HISTORY_ACTIONS,
    HISTORY_RELATIONS,
    HISTORY_STATE,
    LINK_ACTIONS,
    LINK_STATE,
    STATUS_ACTIONS,
    STATUSES,
)
from tracker.store.models import Achievement, Commitment, Decision, Retraction, utcnow
from tracker.textnorm import clean_field


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

    ``created_at`` defaults to now; an import passes the time the decision was taken elsewhere. The
    note and the reviewer's name are stored without terminal escape sequences or control characters
    (:func:`tracker.textnorm.clean_field`), whoever sets them: the UI, ``tracker annotate`` or an import.

    Raises:
        StoreError: ``action`` is not a review action, or a status action names no known status.
    """
    if action not in DECISION_ACTIONS:
        raise StoreError(f"unknown review action {action!r}", "use one of " + ", ".join(DECISION_ACTIONS))
    if action in STATUS_ACTIONS and value not in STATUSES:
        raise StoreError(f"unknown status {value!r}", "use one of " + ", ".join(STATUSES))
    if action in HISTORY_ACTIONS:
        if value not in HISTORY_RELATIONS:
            raise StoreError(
                f"unknown history relation {value!r}", "use one of " + ", ".join(HISTORY_RELATIONS)
            )
        if (value == "dropped") != (achievement_id is None):
            raise StoreError(
                f"a {value} decision names {'no' if value == 'dropped' else 'an'} earlier statement",
                "a drop is decided on the earlier commitment alone; a continuation or repetition on a pair",
            )
    commitment = lock_commitment(session, commitment_id)
    decision = Decision(
        commitment_id=commitment_id,
        achievement_id=achievement_id,
        action=action,
        value=clean_field(value) if value is not None else None,
        reviewer=clean_field(reviewer),
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


#: Where a session keeps the decisions its reader may not see yet (:func:`viewed_as`).
_HIDDEN = "tracker.hidden_decisions"


@contextmanager
def viewed_as(session: Session, hidden: Mapping[str, frozenset[str]]) -> Iterator[Session]:
    """Read the log, inside the block, as one reviewer sees it: the decisions of the reviewers
    ``hidden`` names for a commitment (commitment id -> reviewers) are left out of every read of this
    session, as if not taken yet. Blind double coding uses it (:mod:`tracker.review.team`); what is
    written, and the automatic status stored, always count every decision."""
    before = session.info.get(_HIDDEN)
    session.info[_HIDDEN] = hidden
    try:
        yield session
    finally:
        session.info[_HIDDEN] = before


def hidden_decisions(session: Session) -> Mapping[str, frozenset[str]]:
    """Commitment id -> the reviewers whose decisions on it this session's reader may not see."""
    return session.info.get(_HIDDEN) or {}


def live_decisions(
    session: Session, actions: Sequence[str] | None = None, commitment_ids: Sequence[str] | None = None
) -> list[Decision]:
    """Decisions not retracted, oldest first, optionally only these actions and commitments (and none
    that the session's reader may not see: :func:`viewed_as`)."""
    retracted = select(Retraction.decision_id)
    query = select(Decision).where(col(Decision.id).not_in(retracted)).order_by(col(Decision.id))
    if actions is not None:
        query = query.where(col(Decision.action).in_(list(actions)))
    if commitment_ids is not None:
        query = query.where(col(Decision.commitment_id).in_(list(commitment_ids)))
    found = list(session.exec(query).all())
    if hidden := hidden_decisions(session):
        found = [d for d in found if d.reviewer not in hidden.get(d.commitment_id, ())]
    return found


def adjudication(session: Session, commitment_id: str) -> Decision | None:
    """The live adjudication in force on a commitment (the latest), or None."""
    found = live_decisions(session, ("adjudicate",), [commitment_id])
    return found[-1] if found else None


def orphaned_decisions(session: Session) -> list[Decision]:
    """Live decisions about statements no longer stored, oldest first: the commitment, or the achievement
    of a pair decision, is in no ingested document any more (its document was edited or removed).

    They stay in the log untouched and take effect again when the same text is ingested again (ids are
    stable); until then they decide nothing, so reports list them for a reviewer to look at.
    """
    retracted = select(Retraction.decision_id)
    gone_commitment = col(Decision.commitment_id).not_in(select(Commitment.id))
    # the second statement: an achievement, or for a repetition decision an earlier commitment
    repetition = and_(
        col(Decision.action).in_(list(HISTORY_ACTIONS)), col(Decision.value) == "prior_commitment"
    )
    gone_achievement = and_(
        col(Decision.achievement_id).is_not(None),
        or_(
            and_(~repetition, col(Decision.achievement_id).not_in(select(Achievement.id))),
            and_(repetition, col(Decision.achievement_id).not_in(select(Commitment.id))),
        ),
    )
    query = (
        select(Decision)
        .where(col(Decision.id).not_in(retracted), or_(gone_commitment, gone_achievement))
        .order_by(col(Decision.id))
    )
    return list(session.exec(query).all())


D = TypeVar("D")


def statuses_in_force(
    decisions: Iterable[D], commitment: Callable[[D], str], action: Callable[[D], str]
) -> dict[str, D]:
    """Commitment id -> the status decision in force, of live status decisions (``status`` and
    ``adjudicate``) in log order: the latest adjudication, else the latest status. An adjudication
    settles two coders' disagreement, so a coder's status that comes after it in the log (an import of
    an older decision, say) does not undo the settlement; only undoing the adjudication does."""
    found: dict[str, D] = {}
    settled: set[str] = set()
    for d in decisions:
        cid = commitment(d)
        if action(d) == "adjudicate":
            settled.add(cid)
            found[cid] = d
        elif cid not in settled:
            found[cid] = d
    return found


def status_decisions(decisions: Iterable[Decision]) -> dict[str, Decision]:
    """:func:`statuses_in_force` of decisions read from the log (other actions are passed over)."""
    return statuses_in_force(
        (d for d in decisions if d.action in STATUS_ACTIONS),
        attrgetter("commitment_id"),
        attrgetter("action"),
    )


def reviewer_statuses(session: Session) -> dict[str, str]:
    """Commitment id -> the status in force by the reviewers' decisions (:func:`statuses_in_force`)."""
    return {
        cid: d.value or "" for cid, d in status_decisions(live_decisions(session, STATUS_ACTIONS)).items()
    }


def reviewer_links(
    session: Session, commitment_ids: Sequence[str] | None = None
) -> dict[tuple[str, str], str]:
    """(commitment id, achievement id) -> ``confirmed`` or ``rejected`` per the latest live link decision
    (of every commitment, or only of ``commitment_ids``)."""
    return {
        (d.commitment_id, d.achievement_id): LINK_STATE[d.action]
        for d in live_decisions(session, LINK_ACTIONS, commitment_ids)
        if d.achievement_id is not None
    }


def reviewer_history(
    session: Session, commitment_ids: Sequence[str] | None = None
) -> dict[tuple[str, str, str], str]:
    """(commitment, relation, earlier statement or "" for a drop) -> ``confirmed`` or ``rejected``: the
    reviewers' history decisions in force (the latest live one on each)."""
    return history_states(live_decisions(session, HISTORY_ACTIONS, commitment_ids))


def history_states(decisions: Iterable[Decision]) -> dict[tuple[str, str, str], str]:
    """:func:`reviewer_history` of live history decisions already read, oldest first."""
    return {
        (d.commitment_id, d.value or "", d.achievement_id or ""): HISTORY_STATE[d.action]
        for d in decisions
        if d.action in HISTORY_ACTIONS
    }


def reviewer_notes(session: Session) -> dict[str, list[Decision]]:
    """Commitment id -> its live notes, oldest first."""
    notes: dict[str, list[Decision]] = {}
    for d in live_decisions(session, ("note",)):
        notes.setdefault(d.commitment_id, []).append(d)
    return notes


def retract_last_decision(session: Session, reviewer: str) -> Decision | None:
    """Retract ``reviewer``'s latest live decision (the caller commits); None when there is none left."""
    reviewer = clean_field(reviewer)
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
    retraction = Retraction(
        decision_id=decision_id, reviewer=clean_field(reviewer), created_at=created_at or utcnow()
    )
    session.add(retraction)
    session.flush()
    return retraction
