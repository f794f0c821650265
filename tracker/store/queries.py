"""Plain reads of what ingest and matching stored: documents, parts, statements and candidates.

Nothing here knows a review rule; the decision log has its own module (:mod:`tracker.store.decision_log`)
and the rules that combine the two live in :mod:`tracker.match.resolve` and :mod:`tracker.review`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from tracker.store.models import Achievement, Candidate, Commitment, Document, Part

#: Ids per ``IN (…)`` list: well under SQLite's bound-parameter limit on every version.
CHUNK = 500

T = TypeVar("T")
#: A select statement (any columns), kept its type through :func:`in_document_order`.
Q = TypeVar("Q", bound=Any)


def in_chunks(keys: Sequence[T], size: int = CHUNK) -> Iterator[list[T]]:
    """``keys`` in consecutive lists of at most ``size``, for ``IN`` queries over many ids."""
    items = list(keys)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def rows_by_id(session: Session, model: Any, keys: Iterable[str]) -> dict[str, Any]:
    """Id -> stored row of ``model`` (Commitment or Achievement) for those of ``keys`` that exist."""
    found: dict[str, Any] = {}
    for chunk in in_chunks(sorted(set(keys))):
        found.update(
            (row.id, row) for row in session.exec(select(model).where(col(model.id).in_(chunk))).all()
        )
    return found


def list_documents(session: Session) -> list[Document]:
    """Every document, by path."""
    return list(session.exec(select(Document).order_by(Document.path)).all())


def document_paths(session: Session) -> dict[str, str]:
    """Document id -> displayed path."""
    return dict(session.exec(select(Document.id, Document.path)).all())


def document_sources(session: Session) -> dict[str, tuple[str, str | None]]:
    """Document id -> its displayed path and the address a web page was read from (None: a file)."""
    query = select(Document.id, Document.path, Document.source_url)  # type: ignore[call-overload]
    return {doc_id: (path, url) for doc_id, path, url in session.exec(query).all()}


def known_agencies(session: Session) -> list[str]:
    """Every agency a statement is stored for (what ``--agency`` can name), sorted."""
    found: set[str] = set()
    for model in (Commitment, Achievement):
        found.update(session.exec(select(model.agency).distinct()).all())
    return sorted(found)


def known_periods(session: Session) -> list[int]:
    """Every year a statement is stored for (what ``--period`` can name), in order."""
    found: set[int] = set()
    for model in (Commitment, Achievement):
        found.update(session.exec(select(model.period).distinct()).all())
    return sorted(found)


def parts_by_document(session: Session, document_id: str) -> list[Part]:
    """The parts of one document in reading order."""
    query = select(Part).where(Part.document_id == document_id).order_by(col(Part.position))
    return list(session.exec(query).all())


def part_facts(session: Session) -> dict[str, dict[str, Any]]:
    """Part id -> ``{"kind", "period", "heading", "as_of"}`` of every part (``as_of`` ISO or None)."""
    query = select(Part.id, Part.kind, Part.period, Part.heading, Part.as_of)  # type: ignore[call-overload]
    return {
        pid: {
            "kind": kind,
            "period": period,
            "heading": heading,
            "as_of": as_of.isoformat() if as_of is not None else None,
        }
        for pid, kind, period, heading, as_of in session.exec(query).all()
    }


def list_commitments(
    session: Session, *, agency: str | None = None, period: int | None = None
) -> list[Commitment]:
    """Commitments in document order (path, part, position), optionally filtered."""
    return _in_document_order(session, Commitment, agency, period)


def list_achievements(
    session: Session, *, agency: str | None = None, period: int | None = None
) -> list[Achievement]:
    """Achievements in document order, optionally filtered by agency and period."""
    return _in_document_order(session, Achievement, agency, period)


def _in_document_order(session: Session, model: Any, agency: str | None, period: int | None) -> list[Any]:
    """Statements of ``model`` (Commitment or Achievement) by document path, part and position."""
    return list(session.exec(in_document_order(select(model), model, agency, period)).all())


def in_document_order(query: Q, model: Any, agency: str | None = None, period: int | None = None) -> Q:
    """``query`` over statements of ``model`` (Commitment or Achievement) in document order (path, part,
    position), of ``agency`` and ``period`` when given."""
    query = (
        query.join(Document, col(Document.id) == col(model.document_id))
        .join(Part, col(Part.id) == col(model.part_id))
        .order_by(col(Document.path), col(Part.position), col(model.position), col(model.id))
    )
    if agency is not None:
        query = query.where(model.agency == agency)
    if period is not None:
        query = query.where(model.period == period)
    return query


def candidates_for(session: Session, commitment_ids: Iterable[str]) -> dict[str, list[Candidate]]:
    """Commitment id -> its candidates, best rank first (commitments without any are absent)."""
    result: dict[str, list[Candidate]] = {}
    for chunk in in_chunks(list(commitment_ids)):
        query = (
            select(Candidate)
            .where(col(Candidate.commitment_id).in_(chunk))
            .order_by(col(Candidate.commitment_id), col(Candidate.rank), col(Candidate.score).desc())
        )
        for candidate in session.exec(query).all():
            result.setdefault(candidate.commitment_id, []).append(candidate)
    return result


def list_candidates(session: Session) -> list[Candidate]:
    """Every candidate row, grouped by commitment and ranked."""
    return list(
        session.exec(select(Candidate).order_by(col(Candidate.commitment_id), col(Candidate.rank))).all()
    )


@dataclass(frozen=True, slots=True)
class SummaryPart:
    """Where a summary part sits and the date it reports as of."""

    id: str
    agency: str
    period: int
    document_id: str
    as_of: dt.date | None
    from_table: bool = False


def summary_parts(session: Session) -> list[SummaryPart]:
    """Every summary part, in one query."""
    query = select(Part.id, Part.agency, Part.period, Part.document_id, Part.as_of, Part.from_table)  # type: ignore[call-overload]
    rows = session.connection().execute(query.where(Part.kind == "summary"))  # plain tuples: read per status
    return [SummaryPart(*row) for row in rows]


#: Marks a document's task-table progress in :func:`documents_by_block`: it reports on the document's
#: own tasks, so for :func:`has_report` it is another report than the document.
TABLE_REPORT = "#table"


def documents_by_block(parts: Iterable[SummaryPart]) -> dict[tuple[str, int], set[str]]:
    """(agency, period) -> the documents holding one of ``parts`` for it; a part read from a task
    table's progress column as ``document id + TABLE_REPORT``."""
    result: dict[tuple[str, int], set[str]] = {}
    for part in parts:
        name = part.document_id + (TABLE_REPORT if part.from_table else "")
        result.setdefault((part.agency, part.period), set()).add(name)
    return result


def summary_documents(session: Session) -> dict[tuple[str, int], set[str]]:
    """(agency, period) -> the documents holding a summary part for it."""
    return documents_by_block(summary_parts(session))


def has_report(
    summaries: dict[tuple[str, int], set[str]], agency: str, period: int, document_id: str
) -> bool:
    """Whether another document than the commitment's own reports on its agency and period (a document
    never reports the outcome of its own targets: seeds/002 states mid-year results beside its targets),
    or its own document's task table does (a progress column reports on the tasks beside it)."""
    return bool(summaries.get((agency, period), set()) - {document_id})


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
    as_of: dt.date | None = None  # the date of its document part (tracker.ingest.dates)
    from_table: bool = False  # its part was read from a task table's progress column


def read_rows(
    session: Session,
    model: type[Commitment] | type[Achievement],
    agency: str | None,
    period: int | None,
    ids: Sequence[str] | None = None,
) -> list[Row]:
    """The matching columns of ``model``'s statements in document order (optionally filtered), with the
    date of their part."""
    figures = model.targets if model is Commitment else model.quantities  # type: ignore[union-attr]
    query = (
        select(  # type: ignore[call-overload]  # eleven columns: more than sqlmodel's typed overloads
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
            Part.as_of,
            Part.from_table,
        )
        .join(Part, col(Part.id) == col(model.part_id))
        .order_by(model.document_id, model.position)
    )
    if agency is not None:
        query = query.where(model.agency == agency)
    if period is not None:
        query = query.where(model.period == period)
    if ids is not None:
        query = query.where(col(model.id).in_(list(ids)))
    return [Row(*row) for row in session.exec(query).all()]
