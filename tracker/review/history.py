"""A commitment's history as everyone shows it: new, continuing, repeated or chronic, with what came
before it, and the earlier commitments that were dropped (SPEC "History").

The matcher stores the pairs (:mod:`tracker.match.history`); what they mean depends on the current
status of the earlier commitments, which a reviewer may change at any time, so it is read here, at the
moment it is shown. The JSON report, the other reports and the review UI all read history through here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.match.pace import Report, pace
from tracker.match.resolve import linked_achievements
from tracker.review.status import WHOLE_TABLE, StatusBook
from tracker.statuses import HISTORY_RELATIONS, LINKED_STATES
from tracker.store.decision_log import reviewer_history, reviewer_links
from tracker.store.models import Achievement, Commitment, Document, HistoryCandidate, Part
from tracker.store.queries import CHUNK, candidates_for, in_chunks, rows_by_id

# Past WHOLE_TABLE ids a read takes the whole table and keeps the rows wanted: one query instead of
# hundreds of IN lists (the review UI reads the history of every commitment at once).

#: History kinds, in the order reports list them, with the labels users read.
KINDS = ("new", "continuing", "repeated", "chronic")
KIND_LABELS = {"new": "新增", "continuing": "延续", "repeated": "再次承诺", "chronic": "多年未兑现"}
DROPPED_LABEL = "未再提及"
#: The relations of a history pair as the matcher stores them (:mod:`tracker.match.history`, which
#: is imported only where its functions are called: it loads the matcher's model), and the one a
#: reviewer's decision on a drop names.
PRIOR_EVIDENCE, PRIOR_COMMITMENT, DROPPED = HISTORY_RELATIONS


@dataclass(frozen=True)
class Prior:
    """One earlier statement shown for a commitment."""

    id: str
    text: str
    period: int
    score: float | None  # None: tied by a reviewer, not scored by the matcher
    state: str  # candidate, suggested, confirmed or rejected
    status: str | None = None  # an earlier commitment's current status
    target_change: dict[str, Any] | None = None


@dataclass(frozen=True)
class History:
    """What came before one commitment."""

    kind: str
    prior_evidence: list[Prior] = field(default_factory=list)
    prior_commitments: list[Prior] = field(default_factory=list)
    target_vs_last_actual: list[dict[str, Any]] = field(default_factory=list)
    pace: list[dict[str, Any]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    def as_dict(self) -> dict[str, Any]:
        """The SPEC "History" object of the JSON report."""
        return {
            "kind": self.kind,
            "prior_evidence": [
                {"id": p.id, "text": p.text, "period": p.period, "score": p.score, "state": p.state}
                for p in self.prior_evidence
            ],
            "prior_commitments": [
                {
                    "id": p.id,
                    "text": p.text,
                    "period": p.period,
                    "status": p.status,
                    "score": p.score,
                    "state": p.state,
                    "target_change": p.target_change,
                }
                for p in self.prior_commitments
            ],
            "target_vs_last_actual": self.target_vs_last_actual,
            "pace": self.pace,
        }


class Plan(Protocol):
    """What kinds, drops and statuses read of a commitment: a stored :class:`Commitment`, or a
    :class:`PlanRow` of these columns alone."""

    @property
    def id(self) -> str: ...
    @property
    def agency(self) -> str: ...
    @property
    def period(self) -> int: ...
    @property
    def topic(self) -> str: ...
    @property
    def document_id(self) -> str: ...
    @property
    def text(self) -> str: ...


@dataclass(frozen=True, slots=True)
class PlanRow:
    """A commitment as :func:`plan_rows` reads it (no ORM object: 100,000 are read at once)."""

    id: str
    agency: str
    period: int
    topic: str
    document_id: str
    text: str


def plan_rows(session: Session, agency: str | None = None) -> list[PlanRow]:
    """Every commitment (or ``agency``'s) stored with its document and part, as
    :func:`tracker.store.queries.list_commitments` lists them, in no particular order."""
    query = (
        select(  # type: ignore[call-overload]
            Commitment.id,
            Commitment.agency,
            Commitment.period,
            Commitment.topic,
            Commitment.document_id,
            Commitment.text,
        )
        .join(Document, col(Document.id) == col(Commitment.document_id))
        .join(Part, col(Part.id) == col(Commitment.part_id))
    )
    if agency is not None:
        query = query.where(Commitment.agency == agency)
    return [PlanRow(*row) for row in session.connection().execute(query).all()]


def _plans_by_id(session: Session, ids: set[str], known: Iterable[Plan] = ()) -> dict[str, Plan]:
    """Id -> the stored commitment, of those of ``ids`` that are stored (``known``: stored commitments
    read already, not read again)."""
    found: dict[str, Plan] = {c.id: c for c in known if c.id in ids}
    ids = ids - set(found)
    columns = select(  # type: ignore[call-overload]
        Commitment.id,
        Commitment.agency,
        Commitment.period,
        Commitment.topic,
        Commitment.document_id,
        Commitment.text,
    )
    if len(ids) > WHOLE_TABLE:
        rows: Iterable[Any] = session.connection().execute(columns).all()
    else:
        rows = (
            row
            for chunk in in_chunks(sorted(ids))
            for row in session.connection().execute(columns.where(col(Commitment.id).in_(chunk))).all()
        )
    found.update((row[0], PlanRow(*row)) for row in rows if row[0] in ids)
    return found


@dataclass(frozen=True)
class Dropped:
    """A commitment of an agency's plan for one year that its plan for the next year no longer names."""

    commitment: Plan
    status: str
    state: str = "suggested"  # the matcher's listing, or a reviewer's confirmation

    def as_dict(self) -> dict[str, Any]:
        c = self.commitment
        return {
            "id": c.id,
            "agency": c.agency,
            "period": c.period,
            "text": c.text,
            "status": self.status,
            "state": self.state,
        }


def _pairs(session: Session, column: Any, ids: Sequence[str]) -> list[HistoryCandidate]:
    pairs: list[HistoryCandidate] = []
    for chunk in in_chunks(list(dict.fromkeys(ids))):
        query = select(HistoryCandidate).where(col(column).in_(chunk))
        pairs.extend(session.exec(query.order_by(col(HistoryCandidate.rank))).all())
    return pairs


def histories(
    session: Session, commitments: Sequence[Commitment], book: StatusBook | None = None
) -> dict[str, History]:
    """Commitment id -> its history (``new`` when nothing earlier was found); ``book``: the statuses,
    when already read (a book of some commitments only, a detail's, gets the earlier ones' read too)."""
    pairs = _pairs(session, HistoryCandidate.commitment_id, [c.id for c in commitments])
    earlier: dict[str, Commitment] = rows_by_id(
        session, Commitment, {p.other_id for p in pairs if p.relation == PRIOR_COMMITMENT}
    )
    achievements: dict[str, Achievement] = rows_by_id(
        session, Achievement, {p.other_id for p in pairs if p.relation == PRIOR_EVIDENCE}
    )
    decided = (
        book.history_decisions(session, [c.id for c in commitments])
        if book
        else reviewer_history(session, [c.id for c in commitments])
    )
    stored = {(p.commitment_id, p.relation, p.other_id) for p in pairs}
    # an earlier statement a reviewer tied to the commitment by hand, with no pair of the matcher's
    by_hand = [key for key, state in decided.items() if state == "confirmed" and key not in stored and key[2]]
    earlier.update(rows_by_id(session, Commitment, {o for _c, r, o in by_hand if r == PRIOR_COMMITMENT}))
    achievements.update(rows_by_id(session, Achievement, {o for _c, r, o in by_hand if r == PRIOR_EVIDENCE}))
    for cid, relation, other in by_hand:
        statement = earlier.get(other) if relation == PRIOR_COMMITMENT else achievements.get(other)
        if statement is not None:
            pairs.append(_by_hand(cid, relation, other, statement.period))
    # only the statuses shown: a book of some commitments' statuses (a detail's) gets the earlier ones'
    book = StatusBook.read(session, list(earlier)) if book is None else book.covering(session, list(earlier))
    by_commitment: dict[str, list[HistoryCandidate]] = {}
    for pair in pairs:
        by_commitment.setdefault(pair.commitment_id, []).append(pair)
    paces = _paces(session, commitments, book)
    return {
        c.id: _history(
            c, by_commitment.get(c.id, []), earlier, achievements, book, decided, paces.get(c.id, [])
        )
        for c in commitments
    }


def _by_hand(commitment_id: str, relation: str, other_id: str, period: int) -> HistoryCandidate:
    """The pair of a reviewer's tie the matcher never scored (score -1: shown as none)."""
    return HistoryCandidate(
        commitment_id=commitment_id,
        relation=relation,
        other_id=other_id,
        period=period,
        rank=0,
        score=-1.0,
        state="candidate",
    )


def _paces(
    session: Session, commitments: Sequence[Commitment], book: StatusBook
) -> dict[str, list[dict[str, Any]]]:
    """Commitment id -> its pace rows (:func:`tracker.match.pace.pace`), against the interim reports of
    its year: the achievements linked to it (the links that count for its status), and those of its own
    document's interim summary in its sentence or its section (a progress article states the work so far
    beside the target for the year, and is never matched against its own targets)."""
    dates = {pid: p.as_of for pid, p in book.interim.items() if p.as_of is not None}
    if not dates:
        return {}
    wanted = [c.id for c in commitments]
    # the link decisions of these commitments (of every commitment, when more than an IN list holds)
    decided = reviewer_links(session, wanted if len(wanted) <= CHUNK else None)
    blocks = {(p.agency, p.period) for p in book.interim.values()}
    by_hand = {cid for (cid, _aid), state in decided.items() if state == "confirmed"}
    concerned = [c for c in commitments if (c.agency, c.period) in blocks or c.id in by_hand]
    if not concerned:
        return {}
    ids = {c.id for c in concerned}
    candidates = [x for found in candidates_for(session, sorted(ids)).values() for x in found]
    linked = linked_achievements(candidates, {k: v for k, v in decided.items() if k[0] in ids})
    rows: dict[str, Achievement] = rows_by_id(session, Achievement, {a for s in linked.values() for a in s})
    own: dict[str, list[Achievement]] = {}
    documents = sorted({c.document_id for c in concerned})
    for chunk in in_chunks(documents):
        for a in session.exec(select(Achievement).where(col(Achievement.document_id).in_(chunk))).all():
            if a.part_id in dates:
                own.setdefault(a.document_id, []).append(a)
    result: dict[str, list[dict[str, Any]]] = {}
    for c in concerned:
        mine = linked.get(c.id, set())
        reports = [
            Report(r.id, r.quantities, r.text, dates[r.part_id])
            for aid in sorted(mine)
            if (r := rows.get(aid)) is not None and r.part_id in dates
        ]
        reports += [
            Report(a.id, a.quantities, a.text, dates[a.part_id], a.sentence == c.sentence)
            for a in own.get(c.document_id, [])
            if a.period == c.period
            and a.id not in mine
            and decided.get((c.id, a.id)) != "rejected"
            and (a.sentence == c.sentence or a.section == c.section)
        ]
        if found := pace(c.targets, c.text, reports):
            result[c.id] = found
    return result


def _history(
    commitment: Commitment,
    pairs: Sequence[HistoryCandidate],
    earlier: dict[str, Commitment],
    achievements: dict[str, Achievement],
    book: StatusBook,
    decided: Mapping[tuple[str, str, str], str],
    paced: list[dict[str, Any]],
) -> History:
    from tracker.match.history import target_change, target_vs_last_actual

    def state(p: HistoryCandidate) -> str:
        return decided.get((p.commitment_id, p.relation, p.other_id), p.state)

    evidence = [
        Prior(p.other_id, achievements[p.other_id].text, p.period, _score(p), state(p))
        for p in pairs
        if p.relation == PRIOR_EVIDENCE and p.other_id in achievements
    ]
    promised = sorted(
        (
            Prior(
                p.other_id,
                earlier[p.other_id].text,
                p.period,
                _score(p),
                state(p),
                book.of(earlier[p.other_id]).status,
                target_change(
                    commitment.targets, commitment.text, earlier[p.other_id].targets, earlier[p.other_id].text
                ),
            )
            for p in pairs
            if p.relation == PRIOR_COMMITMENT and p.other_id in earlier
        ),
        key=lambda p: (p.state != "confirmed", -(p.score or 0.0), p.id),
    )
    repeats = [p for p in promised if p.state in LINKED_STATES]
    reported = [achievements[p.id] for p in evidence if p.state in LINKED_STATES]
    kind = kind_of([p.status for p in repeats], bool(reported))
    last = target_vs_last_actual(
        commitment.targets, commitment.text, [(a.quantities, a.text, a.period) for a in reported]
    )
    return History(kind, evidence, promised, last, paced)


def _score(pair: HistoryCandidate) -> float | None:
    """The matcher's score, None for a pair only a reviewer made."""
    return None if pair.score < 0 else pair.score


def kind_of(repeated_statuses: Sequence[str | None], reported: bool) -> str:
    """A commitment's kind from the current statuses of the earlier commitments that promised the same
    (suggested prior commitments) and whether last year's summary reports work it carries on."""
    if repeated_statuses:
        return "chronic" if any(s != "fulfilled" for s in repeated_statuses) else "repeated"
    return "continuing" if reported else "new"


def history_kinds(
    session: Session, commitments: Sequence[Plan], book: StatusBook | None = None
) -> dict[str, str]:
    """Commitment id -> its kind, as :func:`histories` reads it, from the suggested pairs alone: what a
    list or a count needs, without every candidate's text and the targets (ten times faster on 10,000
    commitments)."""
    ids = list(dict.fromkeys(c.id for c in commitments))
    # a complete book holds every history decision; more decisions than these commitments' change
    # nothing below (only these commitments' kinds are returned)
    if book is not None and book.complete:
        decided = book.history
    else:
        decided = reviewer_history(session, ids if len(ids) <= WHOLE_TABLE else None)
    pairs: list[tuple[str, str, str]] = []
    for commitment_id, relation, other in _suggested_pairs(session, ids):
        if decided.get((commitment_id, relation, other)) != "rejected":
            pairs.append((commitment_id, relation, other))
    # what a reviewer confirmed counts as a suggestion does (a drop is not a pair of this commitment)
    known = set(pairs)
    pairs += [key for key, state in decided.items() if state == "confirmed" and key[2] and key not in known]
    wanted = {other for _c, relation, other in pairs if relation == PRIOR_COMMITMENT}
    earlier = _plans_by_id(session, wanted, commitments)  # mostly among the commitments asked about
    stored = _stored_ids(session, {other for _c, relation, other in pairs if relation == PRIOR_EVIDENCE})
    book = book or StatusBook.read(session, list(earlier))
    repeats: dict[str, list[str]] = {}
    reported: set[str] = set()
    for commitment_id, relation, other in pairs:
        if relation == PRIOR_COMMITMENT and other in earlier:
            repeats.setdefault(commitment_id, []).append(book.of(earlier[other]).status)
        elif relation == PRIOR_EVIDENCE and other in stored:
            reported.add(commitment_id)
    return {c.id: kind_of(repeats.get(c.id, []), c.id in reported) for c in commitments}


def _suggested_pairs(session: Session, ids: list[str]) -> list[tuple[str, str, str]]:
    """(commitment, relation, earlier statement) of the matcher's suggested history pairs of ``ids``."""
    query = select(HistoryCandidate.commitment_id, HistoryCandidate.relation, HistoryCandidate.other_id)
    query = query.where(HistoryCandidate.state == "suggested")
    connection = session.connection()
    if len(ids) > WHOLE_TABLE:
        wanted = set(ids)
        return [(c, r, o) for c, r, o in connection.execute(query).all() if c in wanted]
    pairs: list[tuple[str, str, str]] = []
    for chunk in in_chunks(ids):
        rows = connection.execute(query.where(col(HistoryCandidate.commitment_id).in_(chunk))).all()
        pairs.extend((c, r, o) for c, r, o in rows)
    return pairs


def _stored_ids(session: Session, ids: set[str]) -> set[str]:
    """Those of the achievement ids ``ids`` that are stored."""
    connection = session.connection()
    if len(ids) > WHOLE_TABLE:
        return ids & set(connection.execute(select(Achievement.id)).scalars().all())
    found: set[str] = set()
    for chunk in in_chunks(sorted(ids)):
        found.update(
            row[0] for row in connection.execute(select(Achievement.id).where(col(Achievement.id).in_(chunk)))
        )
    return found


#: A next year's plan is looked in only when it holds at least this many commitments, and at least
#: ``NEXT_PLAN_SHARE`` of the year's: the next year's targets a summary names in a sentence are no plan.
NEXT_PLAN_SIZE = 2
NEXT_PLAN_SHARE = 0.25


def _is_next_plan(next_size: int, size: int) -> bool:
    return next_size >= max(NEXT_PLAN_SIZE, NEXT_PLAN_SHARE * size)


def dropped(
    session: Session,
    commitments: Sequence[Plan],
    book: StatusBook | None = None,
    *,
    period: int | None = None,
    topic: str | None = None,
    rejected_too: bool = False,
    sizes: Mapping[tuple[str, int], int] | None = None,
) -> list[Dropped]:
    """The commitments not fulfilled that the same agency's plan for the next year, when there is one,
    no longer names: no commitment of it is their counterpart (``COUNTERPART_SCORE``). For review,
    never a verdict: a commitment folded into another in new words may be listed.

    Args:
        commitments: every commitment of the agencies concerned, all years (the plans of the next
            years are looked for among them), or any of them when ``sizes`` is given.
        period, topic: list only the dropped commitments of this year's plan, or of this topic.
        rejected_too: list also those a reviewer said were not dropped (state ``rejected``), as the
            detail shows them for a reviewer to change their mind.
        sizes: (agency, period) -> commitments of that plan, when ``commitments`` are not all of them
            (a report reads them a chunk at a time); counted from ``commitments`` otherwise.
    """
    book = book or StatusBook.read(session)
    if sizes is None:
        sizes = Counter((c.agency, c.period) for c in commitments)
    eligible = [
        c
        for c in commitments
        if _is_next_plan(sizes.get((c.agency, c.period + 1), 0), sizes.get((c.agency, c.period), 0))
        and (period is None or c.period == period)
        and (topic is None or c.topic == topic)
    ]
    if not eligible:
        return []
    successors = _successors(session, [c.id for c in eligible])
    decided = book.history_decisions(session, [c.id for c in eligible])
    result = []
    for c in eligible:
        verdict = decided.get((c.id, DROPPED, ""))
        status = book.of(c).status
        listed = c.id not in successors and status != "fulfilled"
        if verdict == "confirmed" or (listed and (verdict is None or rejected_too)):
            result.append(Dropped(c, status, verdict or "suggested"))
    return result


def plan_sizes(session: Session, agency: str, periods: Sequence[int]) -> dict[tuple[str, int], int]:
    """(agency, period) -> how many commitments ``agency``'s plan for each of ``periods`` holds (counted
    by the database: whether a plan is a next year's plan for :func:`dropped` depends on its size)."""
    query = (
        select(Commitment.period, func.count())
        .where(Commitment.agency == agency, col(Commitment.period).in_(list(periods)))
        .group_by(col(Commitment.period))
    )
    return {(agency, period): count for period, count in session.exec(query).all()}


def _successors(session: Session, ids: list[str]) -> set[str]:
    """Those of the commitments ``ids`` that a commitment of a later plan is the counterpart of."""
    from tracker.match.history import COUNTERPART_SCORE

    query = select(HistoryCandidate.other_id).where(
        HistoryCandidate.relation == PRIOR_COMMITMENT, col(HistoryCandidate.score) >= COUNTERPART_SCORE
    )
    connection = session.connection()
    if len(ids) > WHOLE_TABLE:
        return set(ids) & set(connection.execute(query).scalars().all())
    found: set[str] = set()
    for chunk in in_chunks(ids):
        found.update(
            row[0] for row in connection.execute(query.where(col(HistoryCandidate.other_id).in_(chunk)))
        )
    return found


def history_counts(session: Session, commitments: Sequence[Commitment]) -> Counter[tuple[str, int, str]]:
    """(agency, period, kind) -> commitments of that plan, and (agency, period, "dropped") -> the
    commitments of the plan for the year before that this plan no longer names."""
    book = StatusBook.read(session)
    return count_histories(
        commitments, history_kinds(session, commitments, book), dropped(session, commitments, book)
    )


def count_histories(
    commitments: Sequence[Plan], kinds: dict[str, str], gone: Sequence[Dropped]
) -> Counter[tuple[str, int, str]]:
    """:func:`history_counts` of kinds (commitment id -> kind) and dropped commitments already read:
    each dropped commitment counts for the plan of the year after it (the plan that no longer names
    it)."""
    counts: Counter[tuple[str, int, str]] = Counter()
    for c in commitments:
        counts[(c.agency, c.period, kinds[c.id])] += 1
    for d in gone:
        counts[(d.commitment.agency, d.commitment.period + 1, "dropped")] += 1
    return counts


@dataclass(frozen=True)
class Baseline:
    """What one plan's history could be looked for in: its agency's achievements of the year before
    (``summary``, that year, when any is stored) and its agency's earlier plans (``plans``, their
    years). With neither, every commitment of the plan reads ``new`` for want of anything to compare."""

    summary: int | None = None
    plans: tuple[int, ...] = ()

    @property
    def compared(self) -> bool:
        return self.summary is not None or bool(self.plans)


def baselines(session: Session, agency: str | None = None) -> dict[tuple[str, int], Baseline]:
    """(agency, period) of every plan (or of ``agency``'s) -> what its history was looked for in."""
    plans = select(Commitment.agency, Commitment.period).distinct()
    reported = select(Achievement.agency, Achievement.period).distinct()
    if agency is not None:
        plans = plans.where(Commitment.agency == agency)
        reported = reported.where(Achievement.agency == agency)
    planned: dict[str, list[int]] = {}
    for name, period in session.exec(plans).all():
        planned.setdefault(name, []).append(period)
    summaries = set(session.exec(reported).all())
    return {
        (name, period): Baseline(
            period - 1 if (name, period - 1) in summaries else None,
            tuple(sorted(p for p in periods if p < period)),
        )
        for name, periods in planned.items()
        for period in periods
    }
