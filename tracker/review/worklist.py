"""The worklist: one light row per commitment with its current status, best score and whether a reviewer
has decided it, read in a handful of queries (10,000 commitments load in well under a second), and the
overview of those rows per (agency, period)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.match.resolve import resolve_status
from tracker.statuses import DECIDING_ACTIONS
from tracker.store.decision_log import live_decisions
from tracker.store.models import Candidate, Commitment, CommitmentStatus, Document, Part
from tracker.store.queries import has_report, summary_documents


@dataclass(frozen=True)
class ReviewRow:
    """A commitment as the list shows it."""

    id: str
    agency: str
    period: int
    order: int  # document order over the whole database
    section: str
    topic: str
    text: str
    status: str
    source: str  # auto or reviewer
    best_score: float | None
    decided: bool
    #: A reviewer linked evidence the matcher did not offer (a best score of None then means 手动).
    linked: bool = False


@dataclass
class BlockSummary:
    """One (agency, period): its commitments by status and by topic, and how many are decided."""

    agency: str
    period: int
    total: int = 0
    decided: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    by_topic: dict[str, Counter[str]] = field(default_factory=dict)


def load_rows(session: Session, ids: Sequence[str] | None = None) -> list[ReviewRow]:
    """Every commitment (or only ``ids``) in document order, with its current status.

    The status is the reviewer's when one was set, else the matcher's, else ``pending``/``no_evidence``
    by whether a summary of its agency and period exists (:func:`tracker.match.resolve.resolve_status`).
    """
    query = (
        select(  # type: ignore[call-overload]  # seven columns: more than sqlmodel's typed overloads
            Commitment.id,
            Commitment.agency,
            Commitment.period,
            Commitment.section,
            Commitment.topic,
            Commitment.text,
            Commitment.document_id,
        )
        .join(Document, col(Document.id) == col(Commitment.document_id))
        .join(Part, col(Part.id) == col(Commitment.part_id))
        .order_by(col(Document.path), col(Part.position), col(Commitment.position), col(Commitment.id))
    )
    if ids is not None:
        query = query.where(col(Commitment.id).in_(list(ids)))
    commitments = session.exec(query).all()
    statuses = select(CommitmentStatus.commitment_id, CommitmentStatus.status)
    scores = select(Candidate.commitment_id, func.max(Candidate.score)).group_by(Candidate.commitment_id)
    if ids is not None:
        statuses = statuses.where(col(CommitmentStatus.commitment_id).in_(list(ids)))
        scores = scores.where(col(Candidate.commitment_id).in_(list(ids)))
    automatic = dict(session.exec(statuses).all())
    best = dict(session.exec(scores).all())
    reviewed: dict[str, str] = {}
    decided: set[str] = set()
    pairs: dict[tuple[str, str | None], str] = {}  # the latest link decision on each pair
    for decision in live_decisions(session, DECIDING_ACTIONS, ids):
        decided.add(decision.commitment_id)
        if decision.action == "status":
            reviewed[decision.commitment_id] = decision.value or ""
        else:
            pairs[(decision.commitment_id, decision.achievement_id)] = decision.action
    linked = {cid for (cid, _achievement), action in pairs.items() if action == "link"}
    summaries = summary_documents(session)
    rows = []
    for order, (cid, agency, period, section, topic, text, document) in enumerate(commitments):
        view = resolve_status(cid, has_report(summaries, agency, period, document), reviewed, automatic)
        status, source = view.status, view.source
        score = best.get(cid)
        rows.append(
            ReviewRow(
                cid, agency, period, order, section, topic, text, status, source,
                round(score, 1) if score is not None else None, cid in decided, cid in linked,
            )
        )  # fmt: skip
    return rows


def refreshed(rows: Sequence[ReviewRow], fresh: Iterable[ReviewRow]) -> list[ReviewRow]:
    """``rows`` with the rows of ``fresh`` put in their place (document order kept)."""
    by_id = {row.id: row for row in fresh}
    return [replace(by_id[row.id], order=row.order) if row.id in by_id else row for row in rows]


def summarize(rows: Iterable[ReviewRow]) -> list[BlockSummary]:
    """One summary per (agency, period), by agency then period (counted in one pass: the overview
    recounts 10,000 rows after every decision)."""
    rows = list(rows)
    counts = Counter((r.agency, r.period, r.topic or "其他", r.status) for r in rows)
    decided = Counter((r.agency, r.period) for r in rows if r.decided)
    blocks: dict[tuple[str, int], BlockSummary] = {}
    for (agency, period, topic, status), count in counts.items():
        block = blocks.get((agency, period))
        if block is None:
            block = blocks[(agency, period)] = BlockSummary(agency, period, decided=decided[(agency, period)])
        block.total += count
        block.by_status[status] += count
        block.by_topic.setdefault(topic, Counter())[status] += count
    return [blocks[key] for key in sorted(blocks)]
