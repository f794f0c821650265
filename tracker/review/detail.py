"""One commitment as the detail screen shows it: where it stands in its document, its targets, the ranked
evidence with the reviewer's decisions applied, the target-versus-actual comparison, notes and history."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from sqlmodel import Session, col, select

from tracker.review.evidence import Evidence, evidence_for
from tracker.review.history import Baseline, Dropped, History, baselines, dropped, histories, plan_sizes
from tracker.review.status import StatusBook
from tracker.review.team import Coding, codings
from tracker.review.worklist import ReviewRow, load_rows
from tracker.statuses import PART_KIND_LABELS
from tracker.store.decision_log import live_decisions
from tracker.store.models import Achievement, Commitment, CommitmentStatus, Document, Part

#: Achievements listed by the link picker at most (it narrows as the reviewer types).
PICKER_LIMIT = 200


@dataclass(frozen=True)
class Source:
    """Where a statement comes from: the document's path (a web page's address as given), the address
    the page was read from, and the part's kind, period and heading."""

    path: str
    kind: str
    period: int
    heading: str
    url: str | None = None

    def describe(self) -> str:
        """The full path (with the address it was read from, when a redirect moved it), the part and its
        heading."""
        moved = f" (→ {self.url})" if self.url and self.url != self.path else ""
        return f"{self.path}{moved} · {self.short_kind()} {self.period}" + (
            f" · {self.heading}" if self.heading else ""
        )

    def short(self) -> str:
        """The part and the file name only (for one line beside a score)."""
        return f"{self.short_kind()} {self.period} · {PurePath(self.path).name}"

    def short_kind(self) -> str:
        return PART_KIND_LABELS.get(self.kind, self.kind)


@dataclass
class EvidenceView:
    """One piece of evidence with where it comes from."""

    evidence: Evidence
    source: Source

    @property
    def id(self) -> str:
        return self.evidence.achievement.id


@dataclass
class CommitmentDetail:
    """Everything the detail screen shows about one commitment."""

    row: ReviewRow
    commitment: Commitment
    source: Source
    evidence: list[EvidenceView]
    reason: str = ""
    comparisons: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    history: History | None = None
    baseline: Baseline = field(default_factory=Baseline)
    #: The year of the agency's next plan when that plan no longer names this commitment (未再提及).
    dropped_in: int | None = None
    #: Whether that drop is the matcher's suggestion, or confirmed or rejected by a reviewer.
    dropped_state: str | None = None
    #: Its coders and their statuses (those the reader may see) when it is assigned (``tracker assign``).
    coding: Coding | None = None


def load_detail(session: Session, commitment_id: str) -> CommitmentDetail | None:
    """The detail of one commitment, or None when it is no longer stored.

    Everything is read for this commitment alone (its statuses, its row, its agency's plans counted by
    the database), so a detail costs the same in a database of 100 or 100,000 commitments."""
    commitment = session.get(Commitment, commitment_id)
    if commitment is None:
        return None
    book = StatusBook.read(session, [commitment_id])
    rows = load_rows(session, [commitment_id], summaries=book.summaries)
    if not rows:
        return None
    items = evidence_for(session, [commitment_id]).get(commitment_id, [])
    sources = _sources(session, {commitment.part_id, *(item.achievement.part_id for item in items)})
    status = session.get(CommitmentStatus, commitment_id)
    detail = status.detail if status is not None else {}
    notes = [
        f"{d.reviewer or '-'} {d.created_at:%Y-%m-%d %H:%M}: {d.value}"
        for d in live_decisions(session, ("note",), [commitment_id])
    ]
    history = histories(session, [commitment], book)[commitment.id]
    baseline = baselines(session, commitment.agency).get((commitment.agency, commitment.period), Baseline())
    gone = _dropped(session, commitment, book)
    coding = codings(session, [commitment_id]).get(commitment_id)
    return CommitmentDetail(
        row=rows[0],
        commitment=commitment,
        source=sources[commitment.part_id],
        evidence=[EvidenceView(item, sources[item.achievement.part_id]) for item in items],
        reason=str(detail.get("reason", "")),
        comparisons=list(detail.get("comparisons", [])),
        notes=notes,
        history=history,
        baseline=baseline,
        dropped_in=None if gone is None else commitment.period + 1,
        dropped_state=None if gone is None else gone.state,
        coding=coding,
    )


def _dropped(session: Session, commitment: Commitment, book: StatusBook) -> Dropped | None:
    """``commitment`` as dropped when the agency's plan for the next year exists and no longer names it
    (also when a reviewer rejected that: the detail shows the rejection). Whether the next year's
    commitments are a plan depends on the two plans' sizes, which the database counts."""
    sizes = plan_sizes(session, commitment.agency, [commitment.period, commitment.period + 1])
    listed = dropped(session, [commitment], book, period=commitment.period, rejected_too=True, sizes=sizes)
    return next((d for d in listed if d.commitment.id == commitment.id), None)


def find_achievements(
    session: Session, agency: str, words: str, limit: int = PICKER_LIMIT
) -> list[Achievement]:
    """Achievements of ``agency`` whose text contains every space-separated word, newest period first.

    Latin letters match in either case on every database (SQLite's LIKE ignores their case, PostgreSQL's
    does not), so ``ppp`` finds 推广PPP模式 on both.
    """
    query = select(Achievement).where(Achievement.agency == agency)
    for word in words.split():
        query = query.where(col(Achievement.text).icontains(word, autoescape=True))
    query = query.order_by(
        col(Achievement.period).desc(), col(Achievement.document_id), col(Achievement.position)
    )
    return list(session.exec(query.limit(limit)).all())


def _sources(session: Session, part_ids: set[str]) -> dict[str, Source]:
    query = select(Part, Document.path, Document.source_url)  # type: ignore[call-overload]
    query = query.join(Document, col(Document.id) == col(Part.document_id))
    query = query.where(col(Part.id).in_(sorted(part_ids)))
    return {
        part.id: Source(path, part.kind, part.period, part.heading, url)
        for part, path, url in session.exec(query).all()
    }
