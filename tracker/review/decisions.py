"""Taking a decision: resolve id prefixes and append the reviewer's decision to the log.

Both ``tracker annotate`` and the review UI decide through these functions. Decisions go through
:func:`tracker.store.decision_log.add_decision` into the append-only Decision table, so the matcher
never overwrites them and they survive re-ingest (they are keyed by stable id). A link decision also
recomputes the commitment's automatic status at once, so the status shown never lags the evidence.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from tracker.errors import UsageError
from tracker.review.status import refresh_statuses
from tracker.statuses import HISTORY_ACTIONS, HISTORY_RELATIONS, LINK_ACTIONS, with_label
from tracker.store.decision_log import add_decision, adjudication, lock_commitment, retract_last_decision
from tracker.store.models import Achievement, Commitment, Decision

#: Matches listed when a prefix is ambiguous.
LISTED = 3


def resolve_id(session: Session, model: type[Commitment] | type[Achievement], prefix: str) -> str:
    """The one stored id of ``model`` that is ``prefix`` or starts with it.

    The ``c-``/``a-`` of the stable id may be left out (``3f2a`` finds ``c-3f2a…``).

    Raises:
        UsageError: no id, or more than one, starts with the prefix (the message lists up to three).
    """
    noun = "commitment" if model is Commitment else "achievement"
    marker = "c-" if model is Commitment else "a-"
    wanted = prefix.strip().lower()  # ids are lower-case hex; a prefix typed in capitals still finds them
    if not wanted:
        raise UsageError(f"empty {noun} id")
    if not wanted.startswith(marker):
        wanted = marker + wanted
    if session.get(model, wanted) is not None:
        return wanted
    query = (
        select(model.id)
        .where(col(model.id).startswith(wanted, autoescape=True))
        .order_by(model.id)
        .limit(LISTED + 1)
    )
    found = list(session.exec(query).all())
    if not found:
        raise UsageError(f"no {noun} id starts with {wanted!r}", "see 'tracker report --format json' for ids")
    if len(found) > 1:
        listed = ", ".join(found[:LISTED]) + (", …" if len(found) > LISTED else "")
        raise UsageError(f"{noun} id prefix {wanted!r} is ambiguous: {listed}", "give more characters")
    return found[0]


def decide_pair(
    session: Session, action: str, commitment: str, achievement: str, *, reviewer: str
) -> Decision:
    """Confirm, reject, link or unlink the pair named by two id prefixes (the caller commits)."""
    if action not in LINK_ACTIONS:
        raise UsageError(f"unknown pair action {action!r}", "use one of " + ", ".join(LINK_ACTIONS))
    decision = add_decision(
        session,
        commitment_id=resolve_id(session, Commitment, commitment),
        achievement_id=resolve_id(session, Achievement, achievement),
        action=action,
        reviewer=reviewer,
    )
    refresh_statuses(session, [decision.commitment_id])
    return decision


def decide_history(
    session: Session, action: str, commitment: str, relation: str, earlier: str | None, *, reviewer: str
) -> Decision:
    """Confirm or reject a commitment's continuation (``prior_evidence``: ``earlier`` an achievement of
    the year before), repetition (``prior_commitment``: ``earlier`` a commitment of an earlier plan) or
    drop (``dropped``: ``commitment`` is the earlier commitment, no ``earlier``), named by id prefixes
    (the caller commits). The matcher's history pairs are never changed: the decision counts over them."""
    if action not in HISTORY_ACTIONS:
        raise UsageError(f"unknown history action {action!r}", "use one of " + ", ".join(HISTORY_ACTIONS))
    if relation not in HISTORY_RELATIONS:
        raise UsageError(
            f"unknown history relation {relation!r}", "use one of " + ", ".join(HISTORY_RELATIONS)
        )
    if (relation == "dropped") != (earlier is None):
        raise UsageError(
            f"a {relation} decision names {'no' if relation == 'dropped' else 'an'} earlier statement",
            "tracker annotate history confirm C-ID A-ID --relation prior_evidence; "
            "tracker annotate history reject C-ID --relation dropped",
        )
    model: type[Commitment] | type[Achievement] = (
        Commitment if relation == "prior_commitment" else Achievement
    )
    return add_decision(
        session,
        commitment_id=resolve_id(session, Commitment, commitment),
        achievement_id=None if earlier is None else resolve_id(session, model, earlier),
        action=action,
        value=relation,
        reviewer=reviewer,
    )


def set_status(session: Session, commitment: str, status: str, *, reviewer: str) -> Decision:
    """Record the reviewer's status for the commitment named by an id prefix (the caller commits).

    Raises:
        UsageError: an adjudication settled the commitment's status: it stays in force over any status
            set after it, so one set now would change nothing a reader sees.
    """
    cid = resolve_id(session, Commitment, commitment)
    lock_commitment(session, cid)  # an adjudicator's decision at this moment is seen, or waits
    if (settled := adjudication(session, cid)) is not None:
        raise UsageError(
            f"{cid}: its status was settled by adjudication ({with_label(settled.value or '')}, "
            f"{settled.reviewer or '-'})",
            "a settled status changes only by another adjudication (tracker annotate adjudicate) "
            "or when the adjudicator undoes it",
        )
    return add_decision(session, commitment_id=cid, action="status", value=status, reviewer=reviewer)


def add_note(session: Session, commitment: str, text: str, *, reviewer: str) -> Decision:
    """Attach a free-text note to the commitment named by an id prefix (the caller commits)."""
    note = text.strip()
    if not note:
        raise UsageError("empty note")
    return add_decision(
        session,
        commitment_id=resolve_id(session, Commitment, commitment),
        action="note",
        value=note,
        reviewer=reviewer,
    )


def undo_last(session: Session, *, reviewer: str) -> Decision | None:
    """Take back ``reviewer``'s latest decision still in force (the caller commits).

    Returns the decision taken back, or None when the reviewer has none left. The decision stays in the
    log beside its retraction; the state it changed goes back to what it was before.
    """
    decision = retract_last_decision(session, reviewer)
    if decision is not None and decision.action in LINK_ACTIONS:
        refresh_statuses(session, [decision.commitment_id])
    return decision
