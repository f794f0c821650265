"""Automatic statuses from linked evidence, for a whole matching run and for single commitments after a
reviewer's decision. Kept apart from scoring so the review UI and ``tracker annotate`` can recompute a
status without loading the segmenter and the matrices (they start faster)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from tracker.match.api import ScoredCandidate, StatusResult
from tracker.match.status import auto_status
from tracker.store.models import Achievement, Candidate, Commitment, CommitmentStatus
from tracker.store.repository import has_report, reviewer_links, summary_documents


@dataclass(frozen=True, slots=True)
class Row:
    """The columns matching reads of a commitment or achievement (plain tuples load far faster than
    ORM objects: 200,000 statements are read per run at a thousand documents)."""

    id: str
    agency: str
    period: int
    document_id: str
    normalized: str
    section: str
    topic: str
    sentence: int
    text: str
    quantities: list[dict]  # a commitment's targets, an achievement's figures


def read_rows(
    session: Session,
    model: type[Commitment] | type[Achievement],
    agency: str | None,
    period: int | None,
    ids: Sequence[str] | None = None,
) -> list[Row]:
    figures = model.targets if model is Commitment else model.quantities  # type: ignore[union-attr]
    query = select(  # type: ignore[call-overload]  # ten columns: more than sqlmodel's typed overloads
        model.id,
        model.agency,
        model.period,
        model.document_id,
        model.normalized,
        model.section,
        model.topic,
        model.sentence,
        model.text,
        figures,
    ).order_by(model.document_id, model.position)
    if agency is not None:
        query = query.where(model.agency == agency)
    if period is not None:
        query = query.where(model.period == period)
    if ids is not None:
        query = query.where(col(model.id).in_(list(ids)))
    return [Row(*row) for row in session.exec(query).all()]


def statuses_from_links(
    commitments: Sequence[Row],
    candidates: Sequence[ScoredCandidate],
    decided: dict[tuple[str, str], str],
    achievements: dict[str, Row],
    *,
    has_summary: bool,
) -> dict[str, StatusResult]:
    linked: dict[str, set[str]] = defaultdict(set)
    for candidate in candidates:
        if candidate.state == "suggested":
            linked[candidate.commitment_id].add(candidate.achievement_id)
    for (commitment_id, achievement_id), state in decided.items():
        if state == "confirmed":
            linked[commitment_id].add(achievement_id)
        else:
            linked[commitment_id].discard(achievement_id)
    result = {}
    for commitment in commitments:
        evidence = [
            (achievements[a].text, achievements[a].quantities)
            for a in sorted(linked.get(commitment.id, ()))
            if a in achievements
        ]
        # Evidence a reviewer linked counts even before the year's summary comes (a later report, or
        # another year's summary, can show a commitment done); without any, no summary means pending.
        result[commitment.id] = auto_status(
            commitment.id, commitment.quantities, evidence, has_summary=has_summary or bool(evidence)
        )
    return result


def refresh_statuses(session: Session, commitment_ids: Sequence[str]) -> dict[str, StatusResult]:
    """Recompute and store the automatic status of these commitments from their stored candidates and
    the reviewer's live link decisions, without scoring again (the review UI calls this after each
    confirm, reject or link, so the status beside the evidence is never stale)."""
    rows = read_rows(session, Commitment, None, None, ids=commitment_ids)
    if not rows:
        return {}
    candidates = [
        ScoredCandidate(c.commitment_id, c.achievement_id, c.rank, c.score, c.state)
        for c in session.exec(
            select(Candidate).where(col(Candidate.commitment_id).in_([row.id for row in rows]))
        ).all()
    ]
    decided = reviewer_links(session, commitment_ids)
    wanted = {c.achievement_id for c in candidates} | {achievement for _c, achievement in decided}
    achievements = {row.id: row for row in read_rows(session, Achievement, None, None, ids=sorted(wanted))}
    summaries = summary_documents(session)
    result: dict[str, StatusResult] = {}
    for row in rows:
        reported = has_report(summaries, row.agency, row.period, row.document_id)
        result.update(statuses_from_links([row], candidates, decided, achievements, has_summary=reported))
    for status in result.values():
        session.merge(
            CommitmentStatus(
                commitment_id=status.commitment_id, status=status.status, source="auto", detail=status.detail
            )
        )
    session.flush()
    return result
