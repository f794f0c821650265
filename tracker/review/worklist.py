"""The worklist: one light row per commitment with its current status, best score and whether a reviewer
has decided it, read in a handful of queries, and the overview of those rows per (agency, period).

A review of 100,000 commitments never counts them all again for one decision: :class:`Worklist` keeps the
rows indexed by id and by agency-year with each block's summary, and a decision moves one row's counts
(:meth:`Worklist.replace`). The overview is also read on its own by aggregate queries
(:func:`block_summaries`), so the first screen does not wait for every row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from operator import itemgetter

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.match.resolve import resolve_status
from tracker.statuses import DECIDING_ACTIONS, STATUS_ACTIONS
from tracker.store.decision_log import hidden_decisions, statuses_in_force
from tracker.store.models import Candidate, Commitment, CommitmentStatus, Decision, Document, Part, Retraction
from tracker.store.queries import has_report, in_chunks, in_document_order, summary_documents

#: The topic a commitment without one is counted under.
OTHER_TOPIC = "其他"
#: (agency, period)
BlockKey = tuple[str, int]


@dataclass(frozen=True, slots=True)
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
    #: Double-coded and still being coded: shown as in blind review (no automatic status, score or
    #: suggestion, which would carry the other coder's links) until both coders have set a status.
    blinded: bool = False


@dataclass
class BlockSummary:
    """One (agency, period): its commitments by status and by topic, and how many are decided."""

    agency: str
    period: int
    total: int = 0
    decided: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    by_topic: dict[str, Counter[str]] = field(default_factory=dict)

    def count(self, topic: str, status: str, decided: bool, sign: int = 1) -> None:
        """Count one commitment in (``sign`` -1: out of) this summary; a count that falls to zero goes,
        as if it had never been counted."""
        self.total += sign
        self.decided += sign * decided
        _add(self.by_status, status, sign)
        topics = self.by_topic.setdefault(topic, Counter())
        _add(topics, status, sign)
        if not topics:
            del self.by_topic[topic]


def _add(counter: Counter[str], key: str, sign: int) -> None:
    counter[key] += sign
    if not counter[key]:
        del counter[key]


def load_rows(
    session: Session,
    ids: Sequence[str] | None = None,
    *,
    summaries: dict[tuple[str, int], set[str]] | None = None,
) -> list[ReviewRow]:
    """Every commitment (or only ``ids``) in document order, with its current status (``summaries``:
    :func:`tracker.store.queries.summary_documents`, when read already).

    The status is the reviewer's when one was set, else the matcher's, else ``pending``/``no_evidence``
    by whether a summary of its agency and period exists (:func:`tracker.match.resolve.resolve_status`).
    The columns are read as plain tuples (no ORM object per row: 100,000 rows load in about a second).
    """
    columns = select(  # type: ignore[call-overload]  # seven columns: more than sqlmodel's typed overloads
        Commitment.id,
        Commitment.agency,
        Commitment.period,
        Commitment.section,
        Commitment.topic,
        Commitment.text,
        Commitment.document_id,
    )
    query = in_document_order(columns, Commitment)
    if ids is not None:
        query = query.where(col(Commitment.id).in_(list(ids)))
    connection = session.connection()
    commitments = connection.execute(query).all()
    statuses = select(CommitmentStatus.commitment_id, CommitmentStatus.status)
    scores = select(Candidate.commitment_id, func.max(Candidate.score)).group_by(Candidate.commitment_id)
    if ids is not None:
        statuses = statuses.where(col(CommitmentStatus.commitment_id).in_(list(ids)))
        scores = scores.where(col(Candidate.commitment_id).in_(list(ids)))
    automatic: dict[str, str] = dict(connection.execute(statuses).all())  # type: ignore[arg-type]
    best: dict[str, float] = dict(connection.execute(scores).all())  # type: ignore[arg-type]
    reviewed, decided, linked = _decisions(session, ids)
    hidden = hidden_decisions(session)
    if summaries is None:
        summaries = summary_documents(session)
    reported: dict[tuple[str, int, str], bool] = {}  # (agency, period, document) -> another reports
    rows = []
    for order, (cid, agency, period, section, topic, text, document) in enumerate(commitments):
        where = (agency, period, document)
        if (has := reported.get(where)) is None:
            has = reported[where] = has_report(summaries, agency, period, document)
        view = resolve_status(cid, has, reviewed, automatic)
        score = best.get(cid)
        rows.append(
            ReviewRow(
                cid, agency, period, order, section, topic, text, view.status, view.source,
                round(score, 1) if score is not None else None, cid in decided, cid in linked,
                cid in hidden,
            )
        )  # fmt: skip
    return rows


def _decisions(
    session: Session, ids: Sequence[str] | None = None
) -> tuple[dict[str, str], set[str], set[str]]:
    """From the live deciding decisions (of every commitment, or of ``ids``): the reviewers' statuses,
    the commitments decided, and those with evidence linked by hand.

    Read as plain columns rather than through :func:`tracker.store.decision_log.live_decisions` (the
    same rule: a decision counts unless retracted or hidden from the reader, the latest one on a pair
    wins), so a log of 100,000
    decisions costs no ORM object each."""
    query = (
        select(
            Decision.commitment_id,
            Decision.achievement_id,
            Decision.action,
            Decision.value,
            Decision.reviewer,
        )  # type: ignore[call-overload]
        .where(
            col(Decision.id).not_in(select(Retraction.decision_id)),
            col(Decision.action).in_(list(DECIDING_ACTIONS)),
        )
        .order_by(col(Decision.id))
    )
    if ids is not None:
        query = query.where(col(Decision.commitment_id).in_(list(ids)))
    statuses: list[tuple[str, str, str]] = []  # (commitment, action, status) in log order
    decided: set[str] = set()
    pairs: dict[tuple[str, str | None], str] = {}  # the latest link decision on each pair
    hidden = hidden_decisions(session)
    for commitment_id, achievement_id, action, value, reviewer in session.connection().execute(query):
        if hidden and reviewer in hidden.get(commitment_id, ()):
            continue
        decided.add(commitment_id)
        if action in STATUS_ACTIONS:
            statuses.append((commitment_id, action, value or ""))
        else:
            pairs[(commitment_id, achievement_id)] = action
    in_force = statuses_in_force(statuses, itemgetter(0), itemgetter(1))
    reviewed = {cid: status for cid, (_cid, _action, status) in in_force.items()}
    linked = {cid for (cid, _achievement), action in pairs.items() if action == "link"}
    return reviewed, decided, linked


def block_summaries(session: Session, form: Callable[[str], str] = str) -> list[BlockSummary]:
    """:func:`summarize` of every commitment's row, counted by the database instead: one aggregate query
    by agency, period, topic, part and matcher's status, then the decided commitments moved to the
    reviewers' statuses (the first screen shows these before a single row is read).

    ``form`` is applied to agency and topic names (the form they are shown in). Topics come in the order
    they first appear in the documents, as :func:`summarize` of the rows in document order has them.
    """
    status = CommitmentStatus.status
    grouped = (Commitment.agency, Commitment.period, Commitment.topic, Commitment.part_id, status)
    query = (
        select(*grouped, func.count(), func.min(Commitment.position))  # type: ignore[call-overload]
        .select_from(Commitment)
        .outerjoin(CommitmentStatus, col(CommitmentStatus.commitment_id) == col(Commitment.id))
        .group_by(*grouped)
    )
    connection = session.connection()
    parts = {
        part: (path, position, document)
        for part, path, position, document in connection.execute(
            select(Part.id, Document.path, Part.position, Part.document_id).join(  # type: ignore[call-overload]
                Document, col(Document.id) == col(Part.document_id)
            )
        )
    }
    summaries = summary_documents(session)

    def fallback(agency: str, period: int, part: str) -> str:
        reported = part in parts and has_report(summaries, agency, period, parts[part][2])
        return "no_evidence" if reported else "pending"

    counts: Counter[tuple[str, int, str, str]] = Counter()
    first: dict[tuple[str, int, str], tuple[str, int, int]] = {}  # where a topic first appears
    for agency, period, topic, part, automatic, count, position in connection.execute(query):
        if part not in parts:
            continue  # the rows are read joined with their part and document: so are these counts
        counts[(agency, period, topic, automatic or fallback(agency, period, part))] += count
        where = (parts[part][0], parts[part][1], position)
        first[(agency, period, topic)] = min(first.get((agency, period, topic), where), where)
    reviewed, decided_ids, _linked = _decisions(session)
    decided: Counter[BlockKey] = Counter()
    columns = select(
        Commitment.id, Commitment.agency, Commitment.period, Commitment.topic, Commitment.part_id, status
    )  # type: ignore[call-overload]
    columns = columns.outerjoin(CommitmentStatus, col(CommitmentStatus.commitment_id) == col(Commitment.id))
    for chunk in in_chunks(sorted(decided_ids)):
        for cid, agency, period, topic, part, automatic in connection.execute(
            columns.where(col(Commitment.id).in_(chunk))
        ):
            if part not in parts:
                continue
            decided[(form(agency), period)] += 1
            if cid in reviewed:
                counts[(agency, period, topic, automatic or fallback(agency, period, part))] -= 1
                counts[(agency, period, topic, reviewed[cid])] += 1
    ordered = sorted(counts.items(), key=lambda item: first[item[0][:3]])
    shown: Counter[tuple[str, int, str, str]] = Counter()
    for (agency, period, topic, status_id), count in ordered:
        if count:
            shown[(form(agency), period, form(topic) or OTHER_TOPIC, status_id)] += count
    return _summaries(shown, decided)


def refreshed(rows: Sequence[ReviewRow], fresh: Iterable[ReviewRow]) -> list[ReviewRow]:
    """``rows`` with the rows of ``fresh`` put in their place (document order kept)."""
    by_id = {row.id: row for row in fresh}
    return [replace(by_id[row.id], order=row.order) if row.id in by_id else row for row in rows]


def summarize(rows: Iterable[ReviewRow]) -> list[BlockSummary]:
    """One summary per (agency, period), by agency then period (counted in one pass)."""
    rows = list(rows)
    counts = Counter((r.agency, r.period, r.topic or OTHER_TOPIC, r.status) for r in rows)
    decided = Counter((r.agency, r.period) for r in rows if r.decided)
    return _summaries(counts, decided)


def _summaries(counts: Counter[tuple[str, int, str, str]], decided: Counter[BlockKey]) -> list[BlockSummary]:
    """Summaries of commitments counted by (agency, period, topic, status), topics in the order of
    ``counts``, blocks by agency then period."""
    blocks: dict[BlockKey, BlockSummary] = {}
    for (agency, period, topic, status), count in counts.items():
        block = blocks.get((agency, period))
        if block is None:
            block = blocks[(agency, period)] = BlockSummary(agency, period, decided=decided[(agency, period)])
        block.total += count
        block.by_status[status] += count
        block.by_topic.setdefault(topic, Counter())[status] += count
    return [blocks[key] for key in sorted(blocks)]


@dataclass
class Summaries:
    """Each agency-year's summary (``blocks``, by agency then period) and their sum (``total``), with a
    revision per block that moves whenever its counts do, so a screen redraws only the rows that did."""

    blocks: dict[BlockKey, BlockSummary]
    total: BlockSummary
    revisions: Counter[BlockKey] = field(default_factory=Counter)

    @classmethod
    def of(cls, blocks: Iterable[BlockSummary]) -> Summaries:
        """The summaries of ``blocks`` (as :func:`summarize` or :func:`block_summaries` make them)."""
        ordered = {(block.agency, block.period): block for block in blocks}
        total = BlockSummary("", 0)
        for block in ordered.values():
            total.total += block.total
            total.decided += block.decided
            total.by_status.update(block.by_status)
            for topic, counts in block.by_topic.items():
                total.by_topic.setdefault(topic, Counter()).update(counts)
        return cls(ordered, total)

    def ordered(self) -> list[BlockSummary]:
        return list(self.blocks.values())

    def move(self, old: ReviewRow, new: ReviewRow) -> None:
        """Count ``new`` instead of ``old`` (the same commitment, of the same agency-year). The new
        state is counted before the old one goes, so a topic never leaves its place in the order."""
        if (old.status, old.decided, old.topic) == (new.status, new.decided, new.topic):
            return
        key = (old.agency, old.period)
        for summary in (self.blocks[key], self.total):
            summary.count(new.topic or OTHER_TOPIC, new.status, new.decided)
            summary.count(old.topic or OTHER_TOPIC, old.status, old.decided, -1)
        self.revisions[key] += 1


def by_score(rows: Sequence[ReviewRow]) -> list[int]:
    """The positions of ``rows`` by best score, best first, in document order among equals (no score
    counts as 0)."""
    return sorted(range(len(rows)), key=lambda i: -(rows[i].best_score or 0.0))


class Worklist:
    """The rows of the review in document order, found by id and by agency-year, with the summaries of
    the overview kept up to date as decisions change rows."""

    def __init__(self, rows: list[ReviewRow]) -> None:
        self.rows = rows
        self.scores = 0  # raised when a row's best score changed (a list sorted by score sorts again)
        self._index()

    def _index(self) -> None:
        self._blocks: dict[BlockKey, list[ReviewRow]] = {}
        self._where: dict[str, tuple[int, int]] = {}  # id -> its index in rows and in its block's list
        for index, row in enumerate(self.rows):
            block = self._blocks.setdefault((row.agency, row.period), [])
            self._where[row.id] = (index, len(block))
            block.append(row)
        self.summaries = Summaries.of(summarize(self.rows))
        #: The rows' positions by best score, best first (document order among equals), sorted here in
        #: the worker that reads the rows rather than when the list of every commitment is sorted.
        self.by_score = by_score(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def get(self, commitment_id: str) -> ReviewRow | None:
        where = self._where.get(commitment_id)
        return self.rows[where[0]] if where is not None else None

    def block(self, agency: str, period: int) -> list[ReviewRow]:
        """The rows of one agency-year in document order (a list kept up to date in place)."""
        return self._blocks.get((agency, period), [])

    def replace(self, fresh: Iterable[ReviewRow]) -> list[ReviewRow]:
        """Put the rows of ``fresh`` in place of the rows of their commitments (their order kept, rows
        of commitments not listed left out) and recount their blocks. Returns the rows as they were
        before, of those whose status changed."""
        changed = []
        for new in fresh:
            where = self._where.get(new.id)
            if where is None:
                continue
            index, place = where
            old = self.rows[index]
            new = replace(new, order=old.order)
            self.rows[index] = new
            if (new.agency, new.period) == (old.agency, old.period):
                self._blocks[(old.agency, old.period)][place] = new
                self.summaries.move(old, new)
            else:  # not a decision's doing (the agency-year is part of the id): index the rows anew
                self._index()
            if new.status != old.status:
                changed.append(old)
            if new.best_score != old.best_score:  # the matcher ran meanwhile
                self.scores += 1
        return changed
