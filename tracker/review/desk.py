"""The review as a UI drives it: each call opens its own session, a decision is one transaction, and
what comes back is plain data (rows, a detail, the achievements found), never a database object.

The review UI talks to the database only through a :class:`ReviewDesk`, from its worker threads. A
decision is a :class:`Step` (what the key asked for); :meth:`ReviewDesk.take` writes it, recomputes the
automatic status where a link changed, and reads the detail to show next in the same transaction.
Every text it hands over is in its shown form (:func:`tracker.textnorm.shown`): a note, an agency or a
document can never send an escape sequence to the reviewer's terminal or pose as other text.
"""

from __future__ import annotations

from collections import Counter
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker.errors import UsageError
from tracker.review import decisions, team
from tracker.review.detail import CommitmentDetail, find_achievements, load_detail
from tracker.review.history import (
    Baseline,
    History,
    Prior,
    baselines,
    count_histories,
    dropped,
    history_kinds,
    plan_rows,
)
from tracker.review.status import StatusBook
from tracker.review.worklist import BlockSummary, ReviewRow, block_summaries, load_rows
from tracker.statuses import HISTORY_ACTIONS
from tracker.store.assignments import worklist_ids
from tracker.store.decision_log import viewed_as
from tracker.store.engine import read_session, write_session
from tracker.store.models import Achievement, Commitment, Decision
from tracker.textnorm import each_string, shown

#: What a step may ask for.
STEP_KINDS = ("confirm", "reject", "link", "status", "adjudicate", "note", "undo", *HISTORY_ACTIONS)


@dataclass(frozen=True)
class Step:
    """One decision as a key asks for it: ``kind`` on ``commitment`` (and ``achievement`` for a pair),
    ``value`` a status id or a note's text. An undo names nothing: it takes back the reviewer's latest.
    A history decision (``history_confirm``, ``history_reject``) has the relation as ``value`` and the
    earlier statement as ``achievement`` (none for a drop)."""

    kind: str
    commitment: str = ""
    achievement: str = ""
    value: str = ""


@dataclass(frozen=True)
class Found:
    """An achievement offered by the link picker."""

    id: str
    period: int
    text: str


@dataclass(frozen=True)
class Retracted:
    """The decision an undo took back, as plain data: what it was (``action``, its ``value``: a status
    id, a note's text or a history relation) and on what, so the reviewer is told what was undone."""

    action: str
    commitment: str
    achievement: str | None = None
    value: str | None = None


@dataclass
class Taken:
    """What a step did: the commitment it touched (None: nothing to do, e.g. nothing left to undo), the
    detail to show next and the touched commitment's fresh worklist row; for an undo, the decision it
    took back; for a status decision on a double-coded commitment, whether its coders now disagree with
    nothing settled (``disputed``; None: not double-coded, or not a status decision)."""

    touched: str | None
    detail: CommitmentDetail | None = None
    rows: list[ReviewRow] = field(default_factory=list)
    undone: Retracted | None = None
    disputed: bool | None = None


@dataclass(frozen=True)
class TeamBoard:
    """What the team's review asks of this reviewer: ``mine``, the commitments assigned to them
    (worklist order), and ``disputes``, those whose two coders disagree with nothing settled."""

    mine: tuple[str, ...] = ()
    disputes: tuple[str, ...] = ()


@dataclass(frozen=True)
class HistoryBoard:
    """The history of the worklist (SPEC "History"), or of one agency's commitments (``agency``), keyed
    as the worklist's rows are (agency in its shown form):

    - ``kinds``: commitment id -> new, continuing, repeated or chronic;
    - ``dropped``: the ids of the commitments the agency's plan for the next year no longer names;
    - ``counts``: (agency, period) -> kind -> commitments of that plan, and ``dropped`` -> the
      commitments of the plan for the year before that this plan no longer names;
    - ``baselines``: (agency, period) -> what that plan's history was looked for in.
    """

    kinds: dict[str, str] = field(default_factory=dict)
    dropped: frozenset[str] = frozenset()
    counts: dict[tuple[str, int], Counter[str]] = field(default_factory=dict)
    baselines: dict[tuple[str, int], Baseline] = field(default_factory=dict)
    agency: str | None = None

    def merged(self, fresh: HistoryBoard) -> HistoryBoard:
        """This board with one agency's history read again (``fresh``, whose ``agency`` is set)."""
        if fresh.agency is None:
            return fresh
        mine = set(fresh.kinds)

        def others(mapping: dict[tuple[str, int], Baseline] | dict[tuple[str, int], Counter[str]]) -> dict:
            return {key: value for key, value in mapping.items() if key[0] != fresh.agency}

        return HistoryBoard(
            {**self.kinds, **fresh.kinds},
            frozenset(self.dropped - mine) | fresh.dropped,
            {**others(self.counts), **fresh.counts},
            {**others(self.baselines), **fresh.baselines},
            self.agency,
        )


class ReviewDesk:
    """One reviewer's access to the review of the database behind ``engine``."""

    def __init__(self, engine: Engine, reviewer: str) -> None:
        self.engine = engine
        self.reviewer = reviewer

    def _viewed(self, session: Session, *commitment_ids: str | None) -> AbstractContextManager[Session]:
        """Read ``session`` as this reviewer may see it: blind to the other coder of a double-coded
        commitment until both have set its status (:mod:`tracker.review.team`); of these commitments
        only, when named (a detail, a decision), else of all."""
        ids = [cid for cid in commitment_ids if cid] if commitment_ids else None
        return viewed_as(session, team.hidden_for(session, self.reviewer, ids))

    def team(self, mine: tuple[str, ...] | None = None) -> TeamBoard:
        """This reviewer's worklist and the adjudication queue, as ids in document order (``mine``: the
        worklist as read before, which no decision changes; only the queue is read again)."""
        with read_session(self.engine) as session:
            if mine is None:
                mine = tuple(worklist_ids(session, self.reviewer))
            return TeamBoard(mine, tuple(team.disputes(session)))

    def overview(self) -> list[BlockSummary]:
        """Each agency-year's commitments by status and topic, counted by the database (what the first
        screen shows before the rows are read), as this reviewer may see them."""
        with read_session(self.engine) as session, self._viewed(session):
            return block_summaries(session, _shown)

    def worklist(self) -> list[ReviewRow]:
        """Every commitment in document order with its current status."""
        with read_session(self.engine) as session, self._viewed(session):
            rows = load_rows(session)
        return [_shown_row(row) for row in rows]

    def detail(self, commitment_id: str) -> CommitmentDetail | None:
        """One commitment as the detail screen shows it (None when it is no longer stored)."""
        with read_session(self.engine) as session, self._viewed(session, commitment_id):
            detail = load_detail(session, commitment_id)
        return _shown_detail(detail)  # the session is closed: its rows are detached copies now

    def history(self, around: str | None = None) -> HistoryBoard:
        """The history of every commitment, or of every commitment of the agency of commitment
        ``around`` (after a decision there: its statuses decide chronic or repeated, and dropped)."""
        with read_session(self.engine) as session, self._viewed(session):
            agency: str | None = None
            if around is not None:
                commitment = session.get(Commitment, around)
                if commitment is None:
                    return HistoryBoard(agency="")
                agency = commitment.agency
            commitments = plan_rows(session, agency)
            book = StatusBook.read(session, [c.id for c in commitments] if agency is not None else None)
            kinds = history_kinds(session, commitments, book)
            gone = dropped(session, commitments, book)
            plans = baselines(session, agency)
        counts: dict[tuple[str, int], Counter[str]] = {}
        for (name, period, kind), count in count_histories(commitments, kinds, gone).items():
            counts.setdefault((shown(name), period), Counter())[kind] += count
        return HistoryBoard(
            kinds,
            frozenset(d.commitment.id for d in gone),
            counts,
            {(shown(name), period): baseline for (name, period), baseline in plans.items()},
            shown(agency) if agency is not None else None,
        )

    def find(self, agency: str, words: str) -> list[Found]:
        """Achievements of ``agency`` containing every word, for the link picker."""
        with read_session(self.engine) as session:
            return [Found(a.id, a.period, shown(a.text)) for a in find_achievements(session, agency, words)]

    def take(self, step: Step, show: str | None = None) -> Taken:
        """Write ``step`` in its own transaction and read what to show next: the detail of ``show`` when
        given (the next commitment), else of the commitment the step touched.

        Raises:
            TrackerError: the step names nothing stored, or the database refused it.
        """
        with write_session(self.engine) as session:
            decision = self._write(session, step)
            touched = decision.commitment_id if decision is not None else None
            undone = None
            if step.kind == "undo" and decision is not None:
                value = shown(decision.value) if decision.value is not None else None  # a note's text
                undone = Retracted(decision.action, decision.commitment_id, decision.achievement_id, value)
            disputed = None
            if touched is not None and step.kind in ("status", "adjudicate", "undo"):
                coding = team.codings(session, [touched]).get(touched)
                disputed = coding.open_dispute if coding is not None and coding.coders.double else None
            wanted = show or touched
            # after the write: a second coder's status may lift the blind
            with self._viewed(session, wanted, touched):
                detail = load_detail(session, wanted) if wanted else None
                if detail is not None and detail.row.id == touched:
                    rows = [detail.row]  # the detail read the touched row already
                else:
                    rows = load_rows(session, [touched]) if touched else []
        return Taken(touched, _shown_detail(detail), [_shown_row(row) for row in rows], undone, disputed)

    def _write(self, session: Session, step: Step) -> Decision | None:
        reviewer = self.reviewer
        if step.kind in ("confirm", "reject", "link"):
            return decisions.decide_pair(
                session, step.kind, step.commitment, step.achievement, reviewer=reviewer
            )
        if step.kind == "status":
            return decisions.set_status(session, step.commitment, step.value, reviewer=reviewer)
        if step.kind == "adjudicate":
            return team.adjudicate(session, step.commitment, step.value, reviewer=reviewer)
        if step.kind == "note":
            return decisions.add_note(session, step.commitment, step.value, reviewer=reviewer)
        if step.kind == "undo":
            return decisions.undo_last(session, reviewer=reviewer)
        if step.kind in HISTORY_ACTIONS:
            earlier = step.achievement or None
            return decisions.decide_history(
                session, step.kind, step.commitment, step.value, earlier, reviewer=reviewer
            )
        raise UsageError(f"unknown review step {step.kind!r}", "use one of " + ", ".join(STEP_KINDS))


def _shown(text: str) -> str:
    """:func:`shown` without its four regular expressions for printable text (no control, format or
    surrogate character: nothing it would change), which nearly every text is."""
    return text if text.isprintable() else shown(text)


def _shown_row(row: ReviewRow) -> ReviewRow:
    texts = (row.agency, row.section, row.topic, row.text)
    if all(text.isprintable() for text in texts):
        return row  # 100,000 rows are shown as read, not copied
    agency, section, topic, text = (shown(text) for text in texts)
    return replace(row, agency=agency, section=section, topic=topic, text=text)


def _shown_detail(detail: CommitmentDetail | None) -> CommitmentDetail | None:
    """The detail with every text in its shown form. Only called once its session is closed, so the
    rows it holds are detached and changing them changes nothing stored."""
    if detail is None:
        return None
    statements: list[Commitment | Achievement] = [detail.commitment]
    statements += [item.evidence.achievement for item in detail.evidence]
    for statement in statements:
        statement.text = shown(statement.text)
        statement.section = shown(statement.section)
        statement.agency = shown(statement.agency)
    detail.commitment.topic = shown(detail.commitment.topic)
    # a task table's cells may set both (完成时限, 牵头单位)
    for name in ("deadline", "lead_unit"):
        if (value := getattr(detail.commitment, name)) is not None:
            setattr(detail.commitment, name, shown(value))
    detail.row = _shown_row(detail.row)
    detail.source = replace(
        detail.source, path=shown(detail.source.path), heading=shown(detail.source.heading)
    )
    for item in detail.evidence:
        item.source = replace(item.source, path=shown(item.source.path), heading=shown(item.source.heading))
    detail.notes = [shown(note) for note in detail.notes]
    if detail.history is not None:
        detail.history = _shown_history(detail.history)
    return detail


def _shown_history(history: History) -> History:
    def prior(p: Prior) -> Prior:
        return replace(p, text=shown(p.text), target_change=each_string(p.target_change, shown))

    return replace(
        history,
        prior_evidence=[prior(p) for p in history.prior_evidence],
        prior_commitments=[prior(p) for p in history.prior_commitments],
        target_vs_last_actual=each_string(history.target_vs_last_actual, shown),
    )
