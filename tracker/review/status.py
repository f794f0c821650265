"""Every status shown anywhere, read from the database: the reviewer's, else the matcher's, else the
fallback (the rule is :func:`tracker.match.resolve.resolve_status`), and the matcher's status of a
commitment recomputed at once after a reviewer's link decision."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlmodel import Session, col, select

from tracker.match.pace import is_interim
from tracker.match.resolve import StatusView, automatic_statuses, linked_achievements, resolve_status
from tracker.match.results import StatusResult
from tracker.statuses import HISTORY_ACTIONS, STATUS_ACTIONS
from tracker.store import queries
from tracker.store.decision_log import (
    history_states,
    live_decisions,
    reviewer_history,
    reviewer_links,
    status_decisions,
)
from tracker.store.matches import save_statuses
from tracker.store.models import Achievement, Candidate, Commitment, CommitmentStatus
from tracker.store.queries import (
    SummaryPart,
    documents_by_block,
    has_report,
    read_rows,
    summary_documents,
    summary_parts,
)


class Placed(Protocol):
    """What a status is read of: a commitment's id, agency, period and document (a stored
    :class:`Commitment` or a plain row of those columns)."""

    @property
    def id(self) -> str: ...
    @property
    def agency(self) -> str: ...
    @property
    def period(self) -> int: ...
    @property
    def document_id(self) -> str: ...


#: Past this many commitments a book reads every status at once (one query instead of IN lists).
WHOLE_TABLE = 10 * queries.CHUNK


@dataclass(frozen=True)
class StatusBook:
    """What every status is read from, read once: the reviewers' statuses, the matcher's, which
    agency-years another document reports on, and which summary parts are interim reports."""

    reviewed: Mapping[str, str]
    automatic: Mapping[str, str]
    summaries: dict[tuple[str, int], set[str]]
    #: part id -> the summary parts dated before their year ends (:func:`tracker.match.pace.is_interim`)
    interim: Mapping[str, SummaryPart] = field(default_factory=dict)
    #: the reviewers' history decisions in force (:func:`tracker.store.decision_log.reviewer_history`),
    #: read with the statuses when the book holds every commitment's (``complete``)
    history: Mapping[tuple[str, str, str], str] = field(default_factory=dict)
    complete: bool = False

    @classmethod
    def read(
        cls, session: Session, ids: Sequence[str] | None = None, *, like: StatusBook | None = None
    ) -> StatusBook:
        """Every status, or only those of the commitments ``ids`` (one commitment's, an agency's; past
        ``WHOLE_TABLE`` ids everything is read). ``like``: a book read earlier in the same transaction,
        whose summary parts serve again instead of being read twice."""
        query = select(CommitmentStatus.commitment_id, CommitmentStatus.status)  # not the details
        complete = ids is None or len(set(ids)) > WHOLE_TABLE
        history: dict[tuple[str, str, str], str] = {}
        connection = session.connection()
        automatic: dict[str, str] = {}
        reviewed: dict[str, str] = {}
        if complete:
            decisions = live_decisions(session, (*STATUS_ACTIONS, *HISTORY_ACTIONS))  # one read of the log
            reviewed = {cid: d.value or "" for cid, d in status_decisions(decisions).items()}
            history = history_states(decisions)
            automatic.update(connection.execute(query).all())  # type: ignore[arg-type]
        else:
            # by IN lists of a commitment's decisions each: the latest of a commitment's decisions wins
            for chunk in queries.in_chunks(sorted(set(ids or ()))):
                rows = connection.execute(query.where(col(CommitmentStatus.commitment_id).in_(chunk)))
                automatic.update(rows.all())  # type: ignore[arg-type]
                in_force = status_decisions(live_decisions(session, STATUS_ACTIONS, chunk))
                reviewed.update((cid, d.value or "") for cid, d in in_force.items())
        if like is not None:
            return cls(reviewed, automatic, like.summaries, like.interim, history, complete)
        parts = summary_parts(session)
        interim = {p.id: p for p in parts if is_interim(p.period, p.as_of)}
        return cls(reviewed, automatic, documents_by_block(parts), interim, history, complete)

    def covering(self, session: Session, ids: Sequence[str]) -> StatusBook:
        """This book with the statuses of the commitments ``ids`` read too (a complete book holds them
        already)."""
        if self.complete:
            return self
        more = StatusBook.read(session, ids, like=self)
        if more.complete:
            return more
        reviewed = {**self.reviewed, **more.reviewed}
        automatic = {**self.automatic, **more.automatic}
        return StatusBook(reviewed, automatic, self.summaries, self.interim)

    def history_decisions(
        self, session: Session, commitment_ids: Sequence[str]
    ) -> Mapping[tuple[str, str, str], str]:
        """The reviewers' history decisions on these commitments: from the book when it holds them all,
        else read."""
        return self.history if self.complete else reviewer_history(session, commitment_ids)

    def of(self, commitment: Placed) -> StatusView:
        reported = has_report(self.summaries, commitment.agency, commitment.period, commitment.document_id)
        return resolve_status(commitment.id, reported, self.reviewed, self.automatic)


def current_statuses(
    session: Session, commitments: Sequence[Commitment], book: StatusBook | None = None
) -> dict[str, StatusView]:
    """The status of each commitment and who set it (``book``: the statuses already read)."""
    book = book or StatusBook.read(session)
    return {c.id: book.of(c) for c in commitments}


def list_commitments(
    session: Session, *, agency: str | None = None, period: int | None = None, status: str | None = None
) -> list[Commitment]:
    """Commitments in document order, optionally filtered, ``status`` on the current status."""
    rows = queries.list_commitments(session, agency=agency, period=period)
    if status is not None:
        statuses = current_statuses(session, rows)
        rows = [row for row in rows if statuses[row.id].status == status]
    return rows


def status_counts(session: Session, commitments: Sequence[Commitment]) -> Counter[tuple[str, int, str]]:
    """(agency, period, status) -> number of commitments, for summaries."""
    statuses = current_statuses(session, commitments)
    return Counter((c.agency, c.period, statuses[c.id].status) for c in commitments)


def refresh_statuses(session: Session, commitment_ids: Sequence[str]) -> dict[str, StatusResult]:
    """Recompute and store the automatic status of these commitments from their stored candidates and
    the reviewer's live link decisions, without scoring again (the review UI calls this after each
    confirm, reject or link, so the status beside the evidence is never stale)."""
    rows = read_rows(session, Commitment, None, None, ids=commitment_ids)
    if not rows:
        return {}
    candidates = session.exec(
        select(Candidate).where(col(Candidate.commitment_id).in_([row.id for row in rows]))
    ).all()
    decided = reviewer_links(session, commitment_ids)
    wanted = {c.achievement_id for c in candidates} | {achievement for _c, achievement in decided}
    achievements = {row.id: row for row in read_rows(session, Achievement, None, None, ids=sorted(wanted))}
    summaries = summary_documents(session)
    reported = {row.id: has_report(summaries, row.agency, row.period, row.document_id) for row in rows}
    result = automatic_statuses(rows, linked_achievements(candidates, decided), achievements, reported)
    save_statuses(session, result.values())
    return result
