"""The status report as the plain data of SPEC.md "JSON report"; every other format renders this dict.

Building one dict and rendering it several ways keeps the formats from disagreeing about a status,
a filter or the order of rows.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select

from tracker.errors import UsageError
from tracker.statuses import STATUSES, label
from tracker.store.evidence import Evidence, evidence_for
from tracker.store.models import Achievement, Commitment, CommitmentStatus
from tracker.store.repository import (
    current_statuses,
    document_paths,
    list_achievements,
    list_candidates,
    list_commitments,
    reviewer_links,
)

#: Evidence states that count as a link (for ``supports`` and for automatic statuses).
LINKED_STATES = frozenset({"suggested", "confirmed"})


def build_report(
    session: Session,
    *,
    agency: str | None = None,
    period: int | None = None,
    status: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The report for the commitments (and achievements) matching the filters, in document order.

    ``status`` narrows the commitments only; achievements are filtered by agency and period.
    A reviewer's confirm/reject/link/unlink decision overrides the matcher's state of that pair;
    an achievement the reviewer linked by hand without a candidate row is listed last, with
    ``score`` null.
    """
    if status is not None and status not in STATUSES:
        raise UsageError(f"unknown status {status!r}", "use one of " + ", ".join(STATUSES))
    paths = document_paths(session)
    commitments = list_commitments(session, agency=agency, period=period, status=status)
    statuses = current_statuses(session, commitments)
    evidence = {
        cid: [_evidence_entry(item, paths) for item in items]
        for cid, items in evidence_for(session, [c.id for c in commitments]).items()
    }
    supports = _supports(session)
    details = {row.commitment_id: row.detail for row in session.exec(select(CommitmentStatus)).all()}

    return {
        "generated_at": _timestamp(now),
        "filters": {"agency": agency, "period": period, "status": status},
        "commitments": [
            _commitment(
                c,
                statuses[c.id].status,
                statuses[c.id].source,
                evidence.get(c.id, []),
                paths,
                details.get(c.id, {}),
            )
            for c in commitments
        ],
        "achievements": [
            _achievement(a, supports.get(a.id, []), paths)
            for a in list_achievements(session, agency=agency, period=period)
        ],
    }


def render_json(report: dict[str, Any]) -> str:
    """The report as UTF-8-friendly JSON (Chinese stays readable, not ``\\u`` escaped)."""
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def _timestamp(now: datetime | None) -> str:
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _commitment(
    c: Commitment,
    status: str,
    source: str,
    evidence: list[dict[str, Any]],
    paths: dict[str, str],
    detail: dict[str, Any],
) -> dict[str, Any]:
    return {
        "id": c.id,
        "agency": c.agency,
        "period": c.period,
        "document": paths.get(c.document_id, ""),
        "section": c.section,
        "text": c.text,
        "topic": c.topic,
        "targets": list(c.targets),
        "status": status,
        "status_label": label(status),
        "status_source": source,
        "evidence": evidence,
        # Why the matcher chose its status: the reason, and each numeric target beside the figure reported.
        "status_reason": detail.get("reason", ""),
        "comparisons": detail.get("comparisons", []),
        "deadline": c.deadline,
        "testable": c.testable,
        "times_stated": c.times_stated,
    }


def _achievement(a: Achievement, supports: list[str], paths: dict[str, str]) -> dict[str, Any]:
    return {
        "id": a.id,
        "agency": a.agency,
        "period": a.period,
        "document": paths.get(a.document_id, ""),
        "section": a.section,
        "text": a.text,
        "topic": a.topic,
        "quantities": list(a.quantities),
        "supports": supports,
        "deadline": a.deadline,
        "testable": a.testable,
        "times_stated": a.times_stated,
    }


def _evidence_entry(item: Evidence, paths: dict[str, str]) -> dict[str, Any]:
    a = item.achievement
    return {
        "id": a.id,
        "text": a.text,
        "document": paths.get(a.document_id, ""),
        "agency": a.agency,
        "period": a.period,
        "score": item.score,
        "state": item.state,
        "shared_terms": item.shared_terms,
        "rank": item.rank,
    }


def _supports(session: Session) -> dict[str, list[str]]:
    """Achievement id -> ids of the commitments it is linked to (suggested or confirmed, not rejected).

    Decisions about commitments that are no longer stored are ignored.
    """
    pairs = {(c.commitment_id, c.achievement_id): c.state for c in list_candidates(session)}
    pairs.update(reviewer_links(session))
    existing = {c.id for c in list_commitments(session)}
    supports: dict[str, list[str]] = {}
    for (cid, aid), state in sorted(pairs.items()):
        if state in LINKED_STATES and cid in existing:
            supports.setdefault(aid, []).append(cid)
    return supports
