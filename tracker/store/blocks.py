"""What matching reads of one agency: its statements, the documents reporting on it, and the version of
its documents; and the agency-years of the database, in the order a run meets them.

An agency is matching's unit of work: a commitment is compared only with achievements of its own
agency and year, and its history reads only its agency's earlier years (:mod:`tracker.match.run`). So
a run reads one agency at a time and never holds the whole database. The agency's version tells a run
that writes its result whether the agency's documents changed since it read them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.store.models import Achievement, Commitment, Document, Part
from tracker.store.queries import Row, SummaryPart, documents_by_block, in_chunks, read_rows

Block = tuple[str, int]


@dataclass
class AgencyStatements:
    """One agency's statements of every year, in document order, as matching reads them."""

    agency: str
    version: str  # agency_version() when they were read
    commitments: list[Row]
    achievements: list[Row]
    #: (agency, period) -> the documents holding a summary part for it (tracker.store.queries.has_report)
    summaries: dict[Block, set[str]]
    #: achievements of other agencies a reviewer linked to one of these commitments
    elsewhere: dict[str, Row] = field(default_factory=dict)


def read_agency(
    session: Session, agency: str, linked: Callable[[list[Row]], Iterable[str]] | None = None
) -> AgencyStatements:
    """Everything matching reads of ``agency``, its version first (``linked``: of its commitments, the
    achievements a reviewer linked to them, wherever they are: those of other agencies are read too)."""
    version = agency_version(session, agency)
    commitments = read_rows(session, Commitment, agency, None)
    achievements = read_rows(session, Achievement, agency, None)
    query = select(Part.id, Part.agency, Part.period, Part.document_id, Part.as_of, Part.from_table)  # type: ignore[call-overload]
    parts = session.exec(query.where(Part.kind == "summary", Part.agency == agency)).all()
    own = {a.id for a in achievements}
    wanted = sorted(set(linked(commitments) if linked else ()) - own)
    elsewhere: dict[str, Row] = {}
    for chunk in in_chunks(wanted):
        elsewhere.update((row.id, row) for row in read_rows(session, Achievement, None, None, ids=chunk))
    return AgencyStatements(
        agency,
        version,
        commitments,
        achievements,
        documents_by_block(SummaryPart(*p) for p in parts),
        elsewhere,
    )


def agency_version(session: Session, agency: str) -> str:
    """A digest of the documents with a part for ``agency``: their versions and their parts' dates. It
    changes whenever one of them is saved again, given another date, or a document is added or removed."""
    query = (
        select(Part.id, col(Part.as_of), Document.sha256, Document.ingested_at)
        .join(Document, col(Document.id) == col(Part.document_id))
        .where(Part.agency == agency)
        .order_by(col(Part.id))
    )
    rows = [tuple(str(value) for value in row) for row in session.exec(query).all()]
    return hashlib.sha1(repr(rows).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Plans:
    """The years an agency has commitments for, and how many commitments that is."""

    periods: tuple[int, ...]
    commitments: int


def plan_blocks(session: Session, agencies: Sequence[str] | None = None) -> dict[str, Plans]:
    """Agency -> its plans (the blocks a full run matches), of every agency or of ``agencies``."""
    query = select(Commitment.agency, Commitment.period, func.count()).group_by(  # type: ignore[call-overload]
        col(Commitment.agency), col(Commitment.period)
    )
    found: dict[str, dict[int, int]] = {}
    for chunk in [None] if agencies is None else in_chunks(sorted(set(agencies))):
        chosen = query if chunk is None else query.where(col(Commitment.agency).in_(chunk))
        for agency, period, count in session.exec(chosen).all():
            found.setdefault(agency, {})[period] = count
    return {
        agency: Plans(tuple(sorted(periods)), sum(periods.values()))
        for agency, periods in sorted(found.items())
    }


def block_order(session: Session, blocks: Sequence[Block]) -> list[Block]:
    """``blocks`` in the order a run over the database meets them: by their first commitment in document
    order (document, then position). Fitting the link decision again sums over reviewed pairs in this
    order, so every run sums them alike."""
    wanted = set(blocks)
    query = select(  # type: ignore[call-overload]
        Commitment.agency, Commitment.period, Commitment.document_id, func.min(Commitment.position)
    ).group_by(col(Commitment.agency), col(Commitment.period), col(Commitment.document_id))
    first: dict[Block, tuple[str, int]] = {}
    for chunk in in_chunks(sorted({agency for agency, _period in wanted})):
        for agency, period, document, position in session.exec(
            query.where(col(Commitment.agency).in_(chunk))
        ):
            key = (agency, period)
            if key in wanted:
                first[key] = min(first.get(key, (document, position)), (document, position))
    return sorted(first, key=lambda key: first[key])


def commitment_blocks(session: Session, ids: Sequence[str]) -> dict[str, Block]:
    """Commitment id -> its (agency, period), for those of ``ids`` that exist."""
    found: dict[str, Block] = {}
    for chunk in in_chunks(sorted(set(ids))):
        query = select(Commitment.id, Commitment.agency, Commitment.period).where(
            col(Commitment.id).in_(chunk)
        )
        found.update((cid, (agency, period)) for cid, agency, period in session.exec(query).all())
    return found
