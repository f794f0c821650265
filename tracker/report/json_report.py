"""The status report as the plain data of SPEC.md "JSON report"; every other format renders this dict.

Building one dict and rendering it several ways keeps the formats from disagreeing about a status,
a filter or the order of rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from tracker.errors import UsageError
from tracker.ingest.topics import OTHER, TOPIC_KEYWORDS
from tracker.match.resolve import linked_pairs
from tracker.report.sources import document_facts
from tracker.review.evidence import Evidence, evidence_for
from tracker.review.history import dropped, histories
from tracker.review.status import StatusBook, current_statuses, list_commitments
from tracker.statuses import DECIDED_STATES, LINK_ACTIONS, STATUSES, label
from tracker.store.decision_log import live_decisions, orphaned_decisions, reviewer_links
from tracker.store.models import Achievement, Candidate, Commitment, CommitmentStatus, Decision
from tracker.store.queries import list_achievements, part_facts
from tracker.textnorm import clean_field, each_string
from tracker.times import iso_utc, now_utc

#: Topics ``--topic`` accepts besides those stored: the fields the extractor assigns.
TOPICS: tuple[str, ...] = (*TOPIC_KEYWORDS, OTHER)


def build_report(
    session: Session,
    *,
    agency: str | None = None,
    period: int | None = None,
    status: str | None = None,
    topic: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The report for the commitments (and achievements) matching the filters, in document order.

    ``status`` and ``topic`` narrow the commitments only; achievements are filtered by agency and
    period. A reviewer's confirm/reject/link/unlink decision overrides the matcher's state of that
    pair; an achievement the reviewer linked by hand without a candidate row is listed last, with
    ``score`` null. Every commitment carries its provenance: the part of the document it comes from,
    who set its status and when (reviewer statuses), its live notes, and for each confirmed or
    rejected piece of evidence who decided it and when. ``orphaned_decisions`` lists the live review
    decisions whose commitment or achievement is no longer in any document (not narrowed by filters).

    The report is read in a handful of queries (the evidence in chunks of 500 ids), never one per
    commitment: 10,000 commitments take about three seconds.

    Raises:
        UsageError: ``status`` or ``topic`` is not one the report knows.
    """
    _check_filters(session, status, topic)
    documents = _Documents(document_facts(session))
    parts = part_facts(session)
    commitments = list_commitments(session, agency=agency, period=period, status=status)
    if topic is not None:
        commitments = [c for c in commitments if c.topic == topic]
    book = StatusBook.read(session)
    statuses = current_statuses(session, commitments, book)
    provenance = _provenance(session, {c.id for c in commitments})
    evidence = _evidence(session, commitments, provenance, documents, parts)
    supports = _supports(session)
    details = dict(session.exec(select(CommitmentStatus.commitment_id, CommitmentStatus.detail)).all())
    history = histories(session, commitments, book)

    rows = []
    for c in commitments:
        view = statuses[c.id]
        decision = provenance.statuses.get(c.id) if view.source == "reviewer" else None
        rows.append(
            _commitment(c, view.status, view.source, decision, evidence.get(c.id, []), documents, parts)
            | _detail(details.get(c.id) or {})
            | {"notes": [_note(d) for d in provenance.notes.get(c.id, [])]}
            | {"history": history[c.id].as_dict()}
        )
    report = {
        "generated_at": _timestamp(now),
        "filters": {"agency": agency, "period": period, "status": status, "topic": topic},
        "commitments": rows,
        "achievements": [
            _achievement(a, supports.get(a.id, []), documents, parts)
            for a in list_achievements(session, agency=agency, period=period)
        ],
        "orphaned_decisions": _orphans(session),
        # the commitments of the year before the one reported that this year's plan no longer names
        "dropped": [
            d.as_dict()
            for d in dropped(
                session,
                list_commitments(session, agency=agency),  # every year's plans: the next plan is looked in
                book,
                period=None if period is None else period - 1,
                topic=topic,
            )
        ],
    }
    # Whatever a user or a file set reaches every format without escape sequences or control characters.
    return each_string(report, clean_field)


@dataclass(frozen=True)
class _Documents:
    """Each document's name (never an absolute path: :mod:`tracker.report.sources`), title and address."""

    facts: dict[str, dict[str, Any]]

    def of(self, document_id: str) -> dict[str, Any]:
        """``document`` (the name shown), ``document_title`` and ``source_url`` (None: no address)."""
        return self.facts.get(document_id, {"document": "", "document_title": "", "source_url": None})


def _check_filters(session: Session, status: str | None, topic: str | None) -> None:
    if status is not None and status not in STATUSES:
        raise UsageError(f"unknown status {status!r}", "use one of " + ", ".join(STATUSES))
    if topic is not None:
        known = known_topics(session)
        if topic not in known:
            raise UsageError(f"unknown topic {topic!r}", "use one of " + ", ".join(known))


def _evidence(
    session: Session,
    commitments: list[Commitment],
    provenance: _Provenance,
    documents: _Documents,
    parts: dict[str, dict[str, Any]],
) -> dict[str, list[dict[str, Any]]]:
    """Commitment id -> its evidence entries, with who decided each reviewed pair."""
    return {
        cid: [
            _evidence_entry(item, documents, parts, provenance.links.get((cid, item.achievement.id)))
            for item in items
        ]
        for cid, items in evidence_for(session, [c.id for c in commitments]).items()
    }


def known_topics(session: Session) -> list[str]:
    """The topics ``--topic`` accepts: the extractor's fields, then any other topic stored."""
    stored = session.exec(select(Commitment.topic).distinct()).all()
    return list(dict.fromkeys([*TOPICS, *sorted(t for t in stored if t)]))


def render_json(report: dict[str, Any]) -> str:
    """The report as UTF-8-friendly JSON (Chinese stays readable, not ``\\u`` escaped)."""
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def _timestamp(now: datetime | None) -> str:
    return iso_utc(now or now_utc())


@dataclass
class _Provenance:
    """The live review decisions about the reported commitments, read in one query."""

    statuses: dict[str, Decision] = field(default_factory=dict)  # latest status decision
    links: dict[tuple[str, str], Decision] = field(default_factory=dict)  # latest link decision per pair
    notes: dict[str, list[Decision]] = field(default_factory=dict)  # oldest first


def _provenance(session: Session, commitment_ids: set[str]) -> _Provenance:
    found = _Provenance()
    for d in live_decisions(session, ("status", "note", *LINK_ACTIONS)):
        if d.commitment_id not in commitment_ids:
            continue
        if d.action == "status":
            found.statuses[d.commitment_id] = d
        elif d.action == "note":
            found.notes.setdefault(d.commitment_id, []).append(d)
        elif d.achievement_id is not None:
            found.links[(d.commitment_id, d.achievement_id)] = d
    return found


def _commitment(
    c: Commitment,
    status: str,
    source: str,
    decision: Decision | None,
    evidence: list[dict[str, Any]],
    documents: _Documents,
    parts: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    return {
        "id": c.id,
        "agency": c.agency,
        "period": c.period,
        **documents.of(c.document_id),
        "part": parts.get(c.part_id),
        "section": c.section,
        "text": c.text,
        "topic": c.topic,
        "targets": list(c.targets),
        "status": status,
        "status_label": label(status),
        "status_source": source,
        "status_reviewer": decision.reviewer if decision is not None else None,
        "status_decided_at": iso_utc(decision.created_at) if decision is not None else None,
        "evidence": evidence,
        "deadline": c.deadline,
        "lead_unit": c.lead_unit,
        "testable": c.testable,
        "times_stated": c.times_stated,
    }


def _detail(detail: Mapping[str, Any]) -> dict[str, Any]:
    """Why the matcher chose its status: the reason, and each numeric target beside the figure reported."""
    return {"status_reason": detail.get("reason", ""), "comparisons": detail.get("comparisons", [])}


def _orphans(session: Session) -> list[dict[str, Any]]:
    """The live decisions that no longer decide anything, oldest first (see ``orphaned_decisions``)."""
    decisions = orphaned_decisions(session)
    if not decisions:
        return []
    stored = {*session.exec(select(Commitment.id)).all(), *session.exec(select(Achievement.id)).all()}
    return [_orphan(d, stored) for d in decisions]


def _orphan(d: Decision, stored: set[str]) -> dict[str, Any]:
    """A live decision whose commitment (or, for a pair decision, achievement) is no longer stored;
    ``missing`` says which of the two is gone.

    Not narrowed by the filters: the commitment may be gone, and with it its agency and year.
    """
    ids = [("commitment", d.commitment_id), ("achievement", d.achievement_id)]
    return {
        "id": d.id,
        "action": d.action,
        "commitment_id": d.commitment_id,
        "commitment_text": d.commitment_text,
        "achievement_id": d.achievement_id,
        "value": d.value,
        "reviewer": d.reviewer,
        "created_at": iso_utc(d.created_at),
        "missing": [kind for kind, key in ids if key is not None and key not in stored],
    }


def _note(d: Decision) -> dict[str, Any]:
    return {"text": d.value or "", "reviewer": d.reviewer, "at": iso_utc(d.created_at)}


def _achievement(
    a: Achievement, supports: list[str], documents: _Documents, parts: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    return {
        "id": a.id,
        "agency": a.agency,
        "period": a.period,
        **documents.of(a.document_id),
        "part": parts.get(a.part_id),
        "section": a.section,
        "text": a.text,
        "topic": a.topic,
        "quantities": list(a.quantities),
        "supports": supports,
        "deadline": a.deadline,
        "testable": a.testable,
        "times_stated": a.times_stated,
    }


def _evidence_entry(
    item: Evidence, documents: _Documents, parts: dict[str, dict[str, Any]], decision: Decision | None
) -> dict[str, Any]:
    a = item.achievement
    if item.state not in DECIDED_STATES:
        decision = None
    return {
        "id": a.id,
        "text": a.text,
        **documents.of(a.document_id),
        "part": parts.get(a.part_id),
        "agency": a.agency,
        "period": a.period,
        "score": item.score,
        "state": item.state,
        "shared_terms": item.shared_terms,
        "rank": item.rank,
        "why": why.as_dict() if (why := item.why) is not None else None,
        "decided_by": decision.reviewer if decision is not None else None,
        "decided_at": iso_utc(decision.created_at) if decision is not None else None,
    }


def _supports(session: Session) -> dict[str, list[str]]:
    """Achievement id -> ids of the commitments it is linked to (suggested or confirmed, not rejected).

    Decisions about commitments that are no longer stored are ignored.
    """
    rows: Iterable[tuple[str, str]] = session.exec(
        select(Candidate.commitment_id, Candidate.achievement_id).where(Candidate.state == "suggested")
    ).all()
    existing = set(session.exec(select(Commitment.id)).all())
    supports: dict[str, list[str]] = {}
    for cid, aid in sorted(linked_pairs(rows, reviewer_links(session))):
        if cid in existing:
            supports.setdefault(aid, []).append(cid)
    return supports
