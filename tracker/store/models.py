"""The database tables: documents and their parts, extracted statements, match candidates, statuses and
the append-only review log.

Extracted rows (Document, Part, Commitment, Achievement) and matcher output (Candidate,
CommitmentStatus) are disposable: re-ingesting or re-matching replaces them. Decision rows are the
reviewer's work and are never deleted or updated; they carry no foreign keys so that they outlive the
statements they talk about and reattach by stable id when the same text is ingested again.
"""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Column, Index, false
from sqlmodel import Field, SQLModel

from tracker.statuses import DECISION_ACTIONS, STATUS_SOURCES, STATUSES


def utcnow() -> datetime:
    """Aware UTC now; SQLModel stores it as UTC and gives it back aware, also on SQLite."""
    return datetime.now(UTC)


def _one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=name)


class Document(SQLModel, table=True):
    """One ingested file or web page, identified by its displayed path (a page: its address as given)."""

    id: str = Field(primary_key=True)
    path: str = Field(unique=True, index=True)
    sha256: str
    encoding: str
    title: str = ""
    agency: str = Field(default="", index=True)
    ingested_at: datetime = Field(default_factory=utcnow)
    removed_lines: int = 0
    repeated_paragraphs: int = 0
    # the address a web page was read from, after redirects (None: a file); last, as migration 0008 adds it
    source_url: str | None = None


class Part(SQLModel, table=True):
    """A stretch of a document with one kind (plan or summary), period and agency."""

    __table_args__ = (
        _one_of("kind", ("plan", "summary"), "ck_part_kind"),
        Index("ix_part_agency_period_kind", "agency", "period", "kind"),
    )

    id: str = Field(primary_key=True)
    document_id: str = Field(foreign_key="document.id", index=True)
    kind: str
    period: int
    agency: str
    heading: str = ""
    position: int = 0
    # the date a summary part reports as of, or a plan part was written at (None: the text does not say);
    # a summary part dated before its year ends is an interim report (tracker.match.pace)
    as_of: dt.date | None = None
    # a summary part read from a task table's progress column: it reports on the tasks of its own
    # document (the document's prose never does: tracker.store.queries.has_report)
    from_table: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))


class Commitment(SQLModel, table=True):
    """An atomic promise from a plan part; ``id`` is stable over agency, period and normalised text."""

    __table_args__ = (Index("ix_commitment_agency_period", "agency", "period"),)

    id: str = Field(primary_key=True)
    document_id: str = Field(foreign_key="document.id", index=True)
    part_id: str = Field(foreign_key="part.id", index=True)
    agency: str
    period: int
    position: int = 0
    section: str = ""
    text: str
    normalized: str
    topic: str = ""
    targets: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    deadline: str | None = None
    testable: bool = False
    times_stated: int = 1
    sentence: int = 0
    # the unit responsible (牵头单位), from a task table or the plan's words (tracker.ingest.units);
    # not part of the id, so a unit read anew never detaches a reviewer's decision
    lead_unit: str | None = None


class Achievement(SQLModel, table=True):
    """A reported result from a summary part; same shape as Commitment with ``quantities``."""

    __table_args__ = (Index("ix_achievement_agency_period", "agency", "period"),)

    id: str = Field(primary_key=True)
    document_id: str = Field(foreign_key="document.id", index=True)
    part_id: str = Field(foreign_key="part.id", index=True)
    agency: str
    period: int
    position: int = 0
    section: str = ""
    text: str
    normalized: str
    topic: str = ""
    quantities: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    deadline: str | None = None
    testable: bool = False
    times_stated: int = 1
    sentence: int = 0


class Candidate(SQLModel, table=True):
    """One ranked achievement for a commitment, as the matcher scored it (score 0-100)."""

    __table_args__ = (_one_of("state", ("candidate", "suggested"), "ck_candidate_state"),)

    commitment_id: str = Field(foreign_key="commitment.id", primary_key=True)
    achievement_id: str = Field(foreign_key="achievement.id", primary_key=True, index=True)
    rank: int
    score: float
    state: str = "candidate"
    shared_terms: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    scorer: str = ""
    # counts for the automatic status although not suggested (the learned decision's status threshold)
    weighs: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    # what made the score, in thousandths: {"probability", "prior", "values": [...], "parts": [...]},
    # one value and log-odds part per feature (tracker.match.model.LinkModel.whys; may be {})
    why: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}"))


class HistoryCandidate(SQLModel, table=True):
    """What came before a commitment, as the matcher scored it: an achievement of its agency's summary
    for the year before (``prior_evidence``: the plan carries that work on) or a commitment of one of
    its agency's earlier plans (``prior_commitment``: promised before), ranked per commitment and
    relation, score 0-100. ``other_id`` names an achievement or a commitment, by ``relation``."""

    __tablename__ = "history_candidate"
    __table_args__ = (
        _one_of("state", ("candidate", "suggested"), "ck_history_candidate_state"),
        _one_of("relation", ("prior_evidence", "prior_commitment"), "ck_history_candidate_relation"),
    )

    commitment_id: str = Field(foreign_key="commitment.id", primary_key=True)
    relation: str = Field(primary_key=True)
    other_id: str = Field(primary_key=True, index=True)
    period: int  # the year of the other statement
    rank: int
    score: float
    state: str = "candidate"


class Decision(SQLModel, table=True):
    """One entry of the append-only review log; never updated, never deleted by ingest or match.

    ``value`` holds the status for ``action='status'`` and the text for ``action='note'``.
    ``commitment_text`` is a snapshot so the log stays readable after the commitment is gone.
    """

    __table_args__ = (_one_of("action", DECISION_ACTIONS, "ck_decision_action"),)

    id: int | None = Field(default=None, primary_key=True)
    commitment_id: str = Field(index=True)
    achievement_id: str | None = None
    action: str
    value: str | None = None
    reviewer: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    commitment_text: str = ""


class Retraction(SQLModel, table=True):
    """A reviewer took one decision back (the review UI's undo).

    The log stays append-only: the decision keeps its row and the retraction is a row of its own, so the
    history is exact. The current state is derived from the decisions that were not retracted.
    """

    decision_id: int = Field(foreign_key="decision.id", primary_key=True)
    reviewer: str = ""
    created_at: datetime = Field(default_factory=utcnow)


class CommitmentStatus(SQLModel, table=True):
    """The automatic status of a commitment as last computed by the matcher."""

    __table_args__ = (
        _one_of("status", STATUSES, "ck_status_status"),
        _one_of("source", STATUS_SOURCES, "ck_status_source"),
    )

    commitment_id: str = Field(foreign_key="commitment.id", primary_key=True)
    status: str
    source: str = "auto"
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class MatchDocument(SQLModel, table=True):
    """A document as matching last saw it: its version and the agency-years its parts fall in, so that
    a replaced, redated or removed document queues them again (tracker.store.changes); no foreign key,
    since the row outlives the document it describes."""

    __tablename__ = "match_document"

    document_id: str = Field(primary_key=True)
    fingerprint: str  # the document's version and its parts' dates (tracker.store.changes)
    blocks: list[list[Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class MatchState(SQLModel, table=True):
    """What the stored matches were computed with (``matcher``: the fingerprint of the scorer and the
    link decision every agency was last matched by, tracker.store.changes)."""

    __tablename__ = "match_state"

    name: str = Field(primary_key=True)
    value: str


class MatchQueue(SQLModel, table=True):
    """An (agency, period) whose statements changed since it was matched: it is matched again, and the
    history of the agency's later years with it, by the next run that reaches it."""

    __tablename__ = "match_queue"
    # ids only grow, also on SQLite after the newest row is deleted: a run takes off the entries up to the
    # newest it read, never one queued after it
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    agency: str = Field(index=True)
    period: int


class Assignment(SQLModel, table=True):
    """A commitment on a reviewer's worklist (``tracker assign``): ``role`` 1 for its first coder, 2 for
    the second coder of a double-coded commitment, who codes it blind to the first until both have set
    a status. ``position`` orders the reviewer's worklist (document order). No foreign key, as for
    decisions: an assignment outlives a re-ingest and reattaches by the commitment's stable id."""

    __table_args__ = (
        CheckConstraint("role IN (1, 2)", name="ck_assignment_role"),
        Index("ix_assignment_reviewer_position", "reviewer", "position"),
    )

    commitment_id: str = Field(primary_key=True)
    role: int = Field(primary_key=True)
    reviewer: str
    position: int = 0
    assigned_at: datetime = Field(default_factory=utcnow)
    commitment_text: str = ""
