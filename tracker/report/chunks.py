"""What one chunk of a report reads, as column tuples instead of ORM objects: its commitments, their
evidence and their history.

Loaded as ORM objects, the 1.2 million rows behind a report of 100,000 commitments (the commitments,
420,000 candidates, the evidence's achievements, 370,000 history pairs and what they name) cost more
than everything else the report does. The rules stay those of :mod:`tracker.review`: a commitment's
evidence is :func:`tracker.review.evidence.evidence_for`'s (the reviewer's live decisions over the
matcher's ranked candidates, then the hand links), its history is made by the same functions as
:func:`tracker.review.history.histories` (``_history`` and ``_paces``, given these rows);
``tests/report/test_chunks.py`` checks that both agree with those functions on a reviewed database.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import orjson
from sqlalchemy import String, type_coerce
from sqlmodel import Session, col, select

from tracker.match.history import PRIOR_COMMITMENT, PRIOR_EVIDENCE
from tracker.match.resolve import evidence_state
from tracker.review.history import History, _history, _paces
from tracker.review.status import StatusBook
from tracker.store.models import Achievement, Candidate, Commitment, HistoryCandidate
from tracker.store.queries import in_chunks


def json_value(value: Any) -> Any:
    """A JSON column's value: SQLite hands over its text (parsed here, by orjson), PostgreSQL's driver
    the value itself."""
    return orjson.loads(value) if isinstance(value, str) else value


def read(session: Session, query: Any) -> list[Any]:
    """The rows of a select of columns, as plain rows: through the session's connection, past the ORM's
    loading of each row (a quarter of the reading time of the report's million rows), fetched at once
    (a row at a time costs SQLAlchemy's ``fetchone`` per row)."""
    return list(session.connection().execute(query).all())


def stream(session: Session, query: Any, size: int) -> Iterator[list[Any]]:
    """The rows of a select of columns, ``size`` at a time, as :func:`read` reads them."""
    result = session.connection().execute(query.execution_options(yield_per=size))
    for rows in result.partitions(size):
        yield list(rows)


def _json(column: Any) -> Any:
    """``column`` read without SQLAlchemy's JSON parsing (the standard library's, 5x slower)."""
    return type_coerce(column, String)


@dataclass(frozen=True, slots=True)
class Statement:
    """The columns of a commitment (``quantities`` empty) or an achievement (``targets`` empty) the
    report reads; it stands where the rules take a :class:`~tracker.store.models.Commitment`."""

    id: str
    document_id: str
    part_id: str
    agency: str
    period: int
    section: str
    text: str
    topic: str
    targets: list[dict[str, Any]]
    deadline: str | None
    testable: bool
    times_stated: int
    sentence: int
    lead_unit: str | None = None
    quantities: tuple[()] | list[dict[str, Any]] = ()


def as_commitment(row: Statement) -> Commitment:
    """``row`` where a rule of :mod:`tracker.review` takes a commitment: the rules read only columns a
    :class:`Statement` has."""
    return cast(Commitment, row)


def _columns(model: Any) -> list[Any]:
    figures = model.targets if model is Commitment else model.quantities
    common = [model.id, model.document_id, model.part_id, model.agency, model.period, model.section]
    rest = [model.text, model.topic, _json(figures), model.deadline, model.testable, model.times_stated]
    return [*common, *rest, model.sentence, *([model.lead_unit] if model is Commitment else [])]


def statement_columns(model: Any) -> list[Any]:
    """The columns of ``model`` (Commitment or Achievement) :func:`statement` reads, in its order."""
    return _columns(model)


def statement(row: Sequence[Any], model: Any) -> Statement:
    """A :class:`Statement` of a row of :func:`statement_columns`."""
    figures = json_value(row[8])
    head, tail = row[:8], row[9:13]
    if model is Commitment:
        return Statement(*head, list(figures), *tail, row[13])  # type: ignore[call-arg]
    return Statement(*head, [], *tail, None, list(figures))  # type: ignore[call-arg]


def statements(session: Session, model: Any, ids: Iterable[str]) -> dict[str, Statement]:
    """Id -> the stored statement of ``model`` for those of ``ids`` that exist."""
    found: dict[str, Statement] = {}
    for chunk in in_chunks(sorted(set(ids))):
        query = select(*_columns(model)).where(col(model.id).in_(chunk))
        for row in read(session, query):
            found[row[0]] = statement(row, model)
    return found


@dataclass(frozen=True, slots=True)
class Ranked:
    """A candidate as the report shows it (``why`` as stored, None when not read)."""

    achievement_id: str
    rank: int
    score: float
    state: str
    shared_terms: list[str]
    why: Any = None


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """One achievement offered for one commitment (:class:`tracker.review.evidence.Evidence`)."""

    achievement: Statement
    candidate: Ranked | None  # None for a link the reviewer made by hand
    state: str


def evidence(
    session: Session, commitment_ids: Sequence[str], reviewed: Mapping[tuple[str, str], str], *, why: bool
) -> dict[str, list[EvidenceRow]]:
    """Commitment id -> its evidence, ranked candidates first, hand links after (absent when none), as
    :func:`tracker.review.evidence.evidence_for` finds it.

    Args:
        reviewed: (commitment, achievement) -> the latest live link decision's state, for every pair
            decided (those of other commitments are passed over).
        why: read each candidate's explanation too.
    """
    wanted = list(dict.fromkeys(commitment_ids))
    mine = set(wanted)
    decided = {pair: state for pair, state in reviewed.items() if pair[0] in mine}
    columns = [
        Candidate.commitment_id,
        Candidate.achievement_id,
        Candidate.rank,
        Candidate.score,
        Candidate.state,
        _json(Candidate.shared_terms),
        *([_json(Candidate.why)] if why else []),
    ]
    ranked: dict[str, list[Ranked]] = {}
    for chunk in in_chunks(wanted):
        query = (
            select(*columns)
            .where(col(Candidate.commitment_id).in_(chunk))
            .order_by(col(Candidate.commitment_id), col(Candidate.rank), col(Candidate.score).desc())
        )
        for cid, aid, rank, score, state, terms, *explained in read(session, query):
            ranked.setdefault(cid, []).append(
                Ranked(
                    aid,
                    rank,
                    score,
                    state,
                    json_value(terms),
                    json_value(explained[0]) if explained else None,
                )
            )
    needed = {c.achievement_id for candidates in ranked.values() for c in candidates}
    needed |= {aid for _cid, aid in decided}
    achievements = statements(session, Achievement, needed)
    result: dict[str, list[EvidenceRow]] = {}
    for cid, candidates in ranked.items():
        result[cid] = [
            EvidenceRow(
                achievements[c.achievement_id],
                c,
                evidence_state(c.state, decided.get((cid, c.achievement_id))),
            )
            for c in candidates
            if c.achievement_id in achievements
        ]
    for (cid, aid), state in decided.items():
        if aid not in achievements or any(c.achievement_id == aid for c in ranked.get(cid, [])):
            continue
        result.setdefault(cid, []).append(EvidenceRow(achievements[aid], None, state))
    return result


@dataclass(frozen=True, slots=True)
class Pair:
    """A history pair (:class:`~tracker.store.models.HistoryCandidate`'s columns)."""

    commitment_id: str
    relation: str
    other_id: str
    period: int
    rank: int
    score: float
    state: str


def histories(session: Session, commitments: Sequence[Statement], book: StatusBook) -> dict[str, History]:
    """Commitment id -> its history, as :func:`tracker.review.history.histories` makes it (``book``
    holds every reviewer's history decision and the statuses of the earlier commitments named)."""
    ids = list(dict.fromkeys(c.id for c in commitments))
    mine = set(ids)
    pairs: list[Pair] = []
    for chunk in in_chunks(ids):
        query = (
            select(  # type: ignore[call-overload]  # seven columns: more than sqlmodel's typed overloads
                HistoryCandidate.commitment_id,
                HistoryCandidate.relation,
                HistoryCandidate.other_id,
                HistoryCandidate.period,
                HistoryCandidate.rank,
                HistoryCandidate.score,
                HistoryCandidate.state,
            )
            .where(col(HistoryCandidate.commitment_id).in_(chunk))
            .order_by(col(HistoryCandidate.rank))
        )
        pairs.extend(Pair(*row) for row in read(session, query))
    decided = book.history_decisions(session, ids)
    stored = {(p.commitment_id, p.relation, p.other_id) for p in pairs}
    # an earlier statement a reviewer tied to the commitment by hand, with no pair of the matcher's
    by_hand = [
        key
        for key, state in decided.items()
        if state == "confirmed" and key not in stored and key[2] and key[0] in mine
    ]
    earlier = statements(
        session,
        Commitment,
        {p.other_id for p in pairs if p.relation == PRIOR_COMMITMENT}
        | {o for _c, r, o in by_hand if r == PRIOR_COMMITMENT},
    )
    achievements = statements(
        session,
        Achievement,
        {p.other_id for p in pairs if p.relation == PRIOR_EVIDENCE}
        | {o for _c, r, o in by_hand if r == PRIOR_EVIDENCE},
    )
    for cid, relation, other in by_hand:
        said = earlier.get(other) if relation == PRIOR_COMMITMENT else achievements.get(other)
        if said is not None:  # the pair of a reviewer's tie the matcher never scored (score -1: none)
            pairs.append(Pair(cid, relation, other, said.period, 0, -1.0, "candidate"))
    by_commitment: dict[str, list[Pair]] = {}
    for pair in pairs:
        by_commitment.setdefault(pair.commitment_id, []).append(pair)
    paces = _paces(session, commitments, book)  # type: ignore[arg-type]
    return {
        c.id: _history(
            c,  # type: ignore[arg-type]
            by_commitment.get(c.id, []),  # type: ignore[arg-type]
            earlier,  # type: ignore[arg-type]
            achievements,  # type: ignore[arg-type]
            book,
            decided,
            paces.get(c.id, []),
        )
        for c in commitments
    }
