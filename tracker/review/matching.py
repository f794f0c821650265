"""A matching run over the database with the reviewer's decisions in force: the matcher ranks and
suggests (:mod:`tracker.match.run`), the decisions count for the automatic statuses, and the result
replaces the previous automatic output. No decision is ever written or changed here.

A run goes agency by agency and never holds the database: it queues the agency-years of the documents
changed since the last run (:mod:`tracker.store.changes`), then reads one agency's statements, scores
them, writes the result and forgets it, in this process or in worker processes (``processes``), for
every agency or for those of one shard (``shard``). ``changed`` matches only the agencies queued since
they were last matched (an ingest's): an agency's result depends on its own documents alone, so that
ends where a full run would.

Scoring holds no lock: an agency is read in one snapshot, and results are written in short transactions
of about ``WRITE_CHUNK`` commitments, so reviewers keep deciding (and an ingest keeps saving) while a
large database is matched. A decision taken while the run scored is not lost: each write recomputes the
automatic status of every commitment whose link decisions differ from those the run read (on PostgreSQL
it first locks those commitments, so a decision taken during the write waits for it and then sees its
result). An agency whose documents were saved meanwhile is not written: the save queued it, and the run
matches it again before it ends (or, when documents keep changing, leaves it queued for the next run).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from tracker.match.learn import MIN_REVIEWED
from tracker.match.link import LinkRule
from tracker.match.pool import Shard, Workers, worker_count
from tracker.match.results import DEFAULT_SCORER, MatchRun
from tracker.match.run import (
    AgencyResult,
    DecisionIndex,
    Matcher,
    Progress,
    agency_stats,
    compute_matches,
    score_agency,
    units_of,
)
from tracker.match.scorers import CorpusStats
from tracker.review.status import refresh_statuses
from tracker.statuses import LINKED_STATES
from tracker.store import queue
from tracker.store.blocks import (
    Plans,
    agency_version,
    block_order,
    commitment_blocks,
    plan_blocks,
    read_agency,
)
from tracker.store.changes import matched_with, record_changes, record_matcher
from tracker.store.decision_log import reviewer_links
from tracker.store.engine import make_engine, read_session, write_session
from tracker.store.matches import save_history, save_matches
from tracker.store.models import Achievement, Commitment
from tracker.store.queries import read_rows, rows_by_id

#: Commitments written per transaction: a reviewer's decision waits for one such write at most.
WRITE_CHUNK = 2_000
#: Rounds a run makes at most when documents keep changing under it; what remains stays queued.
ROUNDS = 3


@dataclass
class MatchSummary:
    """What ``tracker match`` prints."""

    scorer: str
    blocks: int = 0
    commitments: int = 0
    candidates: int = 0
    suggested: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    learned: int = 0  # reviewed pairs the link decision was fitted again on
    processes: int = 1
    changed: bool = False  # only the agencies queued were matched
    waiting: int = 0  # agency-years still queued at the end (documents kept changing)
    agencies: set[str] = field(default_factory=set)  # those written

    def add(self, tally: Tally) -> None:
        self.agencies.add(tally.agency)
        self.blocks += tally.blocks
        self.commitments += tally.commitments
        self.candidates += tally.candidates
        self.suggested += tally.suggested
        counts = Counter(self.statuses)
        counts.update(tally.statuses)
        self.statuses = dict(counts)


@dataclass(frozen=True)
class Tally:
    """What one agency's written result adds to the summary."""

    agency: str
    blocks: int
    commitments: int
    candidates: int
    suggested: int
    statuses: Counter[str]

    @classmethod
    def of(cls, result: AgencyResult) -> Tally:
        return cls(
            result.agency,
            result.blocks,
            len(result.matched),
            len(result.candidates),
            result.suggested,
            Counter(status.status for status in result.statuses.values()),
        )


def compute_run(
    session: Session,
    *,
    scorer: str = DEFAULT_SCORER,
    agency: str | None = None,
    period: int | None = None,
    progress: Progress | None = None,
    rule: LinkRule | None = None,
    learn: bool = True,
) -> MatchRun:
    """The matcher's run in memory, with the stored link decisions counting for its statuses (and,
    with ``learn``, refitting the link decision on them once there are enough)."""
    return compute_matches(
        session,
        decided=reviewer_links(session),
        scorer=scorer,
        agency=agency,
        period=period,
        progress=progress,
        rule=rule,
        learn=learn,
    )


@dataclass(frozen=True)
class Task:
    """One agency to match: its candidates, statuses and history of ``periods`` (None: every year)."""

    agency: str
    commitments: int  # how many it has (the largest go first)
    periods: tuple[int, ...] | None = None
    queued: bool = True  # does what the agency's queue entries ask (else: a filtered run's part)
    wait: bool = False  # wait for another process matching it, instead of passing it over

    def again(self) -> Task:
        """This task for a later round, which waits for a process matching the agency."""
        return replace(self, wait=True)


def _merged(tasks: Iterable[Task]) -> list[Task]:
    """One task per agency: every year when one asks for every year, else the years all ask for."""
    by_agency: dict[str, Task] = {}
    for task in tasks:
        other = by_agency.get(task.agency)
        if other is None or task.periods is None:
            by_agency[task.agency] = task
        elif other.periods is not None:
            by_agency[task.agency] = replace(
                other, periods=tuple(sorted({*other.periods, *task.periods})), wait=True
            )
    return list(by_agency.values())


@dataclass
class Outcome:
    """What became of a task: ``written``, ``scored`` (for this process to write), ``stale`` (its
    documents changed before it was written) or ``busy`` (another process is matching the agency)."""

    task: Task
    state: str
    newest: int = 0  # the newest queue entry of the agency before it was read
    result: AgencyResult | None = None
    tally: Tally | None = None


def match_database(
    engine: Engine,
    *,
    scorer: str = DEFAULT_SCORER,
    agency: str | None = None,
    period: int | None = None,
    progress: Progress | None = None,
    learn: bool = True,
    processes: int | None = 1,
    shard: Shard | None = None,
    changed: bool = False,
) -> MatchSummary:
    """Recompute and store candidates, links, automatic statuses and history (see the module docstring).

    Args:
        processes: worker processes (None: every core when there is enough to match).
        shard: match only this shard's agencies (``--shard K/N``); the others' stay as they are.
        changed: match only the agencies queued since they were matched, not every one (unless the
            matcher is not the one every agency was last matched with).

    Raises:
        StoreError: the database failed.
    """
    _record_changes(engine)
    with read_session(engine) as session:
        decided = reviewer_links(session)
    matcher = Matcher.make(scorer)
    if learn and matcher.learns and len(decided) >= MIN_REVIEWED:
        matcher = matcher.learn(_reviewed_units(engine, decided), decided)
    summary = MatchSummary(scorer=scorer, learned=matcher.learned)
    with read_session(engine) as session:
        # another scorer or link decision (refitted on new decisions) changes every agency's result
        changed = summary.changed = changed and matched_with(session) == matcher.fingerprint
        plans = {} if changed else plan_blocks(session)

    def mine(name: str) -> bool:
        return (shard is None or shard.owns(name)) and (agency is None or name == agency)

    filtered = agency is not None or period is not None
    tasks = [] if filtered else _queued(engine, plans, mine)
    if not changed:
        wanted = [
            name for name, plan in plans.items() if mine(name) and (period is None or period in plan.periods)
        ]
        tasks += [
            Task(name, plans[name].commitments, None if period is None else (period,), queued=not filtered)
            for name in wanted
        ]
    total = sum(
        len(plans[t.agency].periods) if t.periods is None else len(t.periods)
        for t in tasks
        if t.agency in plans
    )
    for _round in range(ROUNDS):
        tasks = _merged(tasks)
        if not tasks:
            break
        count = worker_count(processes, sum(t.commitments for t in tasks), len(tasks))
        summary.processes = max(summary.processes, count)
        left = _run(engine, matcher, DecisionIndex(decided), tasks, summary, count, progress, total)
        tasks = [t.again() for t in left]
        if not filtered:
            _record_changes(engine)  # documents saved during the round are queued now
            tasks += _queued(engine, plans, mine, wait=True)
    if changed:
        _refresh_linked_to(engine, summary.agencies, decided)
    if not filtered and shard is None:
        # every agency is matched with this matcher now, or queued (left for the next run)
        with write_session(engine) as session:
            record_matcher(session, matcher.fingerprint)
    if not filtered:
        with read_session(engine) as session:
            summary.waiting = sum(len(p.periods) for name, p in queue.pending(session).items() if mine(name))
    return summary


def _refresh_linked_to(engine: Engine, agencies: set[str], decided: dict[tuple[str, str], str]) -> None:
    """Recompute the automatic status of the commitments of other agencies that a reviewer linked to
    evidence of ``agencies`` (matched again: their documents changed, the evidence may be gone)."""
    linked = [(c, a) for (c, a), state in decided.items() if state in LINKED_STATES]
    if not linked or not agencies:
        return
    with write_session(engine) as session:
        owners = commitment_blocks(session, [c for c, _a in linked])
        evidence = {
            a.id: a.agency for a in rows_by_id(session, Achievement, [a for _c, a in linked]).values()
        }
        stale = {
            c
            for c, a in linked
            if c in owners
            and owners[c][0] not in agencies
            and evidence.get(a, next(iter(agencies))) in agencies
        }
        if stale:
            refresh_statuses(session, sorted(stale))


def _record_changes(engine: Engine) -> None:
    """Queue the agency-years of the documents saved, redated or removed since the last run saw them."""
    with write_session(engine) as session:
        record_changes(session)


def _queued(
    engine: Engine, plans: dict[str, Plans], mine: Callable[[str], bool], *, wait: bool = False
) -> list[Task]:
    """Tasks for what is queued: every year of each agency with a queued year (a changed document moves
    the rarity of the agency's terms in all its years; ``plans``: those known already, the others' are
    read)."""
    with read_session(engine) as session:
        pending = {name: waiting for name, waiting in queue.pending(session).items() if mine(name)}
        plans.update(plan_blocks(session, sorted(pending.keys() - plans.keys())))
    return [
        Task(name, plans[name].commitments if name in plans else 0, None, wait=wait)
        for name in sorted(pending)
    ]


def _reviewed_units(
    engine: Engine, decided: dict[tuple[str, str], str]
) -> Iterator[tuple[CorpusStats, list[Any]]]:
    """The agencies holding a reviewed commitment, each with its statistics and the units of its
    reviewed years, in the order a run over the database meets them
    (:func:`tracker.match.run.database_units`)."""
    with read_session(engine) as session:
        blocks = block_order(
            session, sorted(set(commitment_blocks(session, [c for c, _a in decided]).values()))
        )
        years: dict[str, list[int]] = {}
        for agency, period in blocks:
            years.setdefault(agency, []).append(period)
        for agency, periods in years.items():
            plan = read_rows(session, Commitment, agency, None)
            pool = read_rows(session, Achievement, agency, None)
            units = [
                unit
                for period in periods
                for unit in units_of(
                    [c for c in plan if c.period == period], [a for a in pool if a.period == period]
                )
            ]
            yield agency_stats(plan, pool), units


def _run(
    engine: Engine,
    matcher: Matcher,
    index: DecisionIndex,
    tasks: list[Task],
    summary: MatchSummary,
    processes: int,
    progress: Progress | None,
    total: int,
) -> list[Task]:
    """Match ``tasks`` (the largest first) and write their results; the tasks left to do again."""
    ordered = sorted(tasks, key=lambda t: (-t.commitments, t.agency))
    postgres = engine.dialect.name == "postgresql"
    writes = postgres and processes > 1  # else this process is the one writer
    source: Engine | str = engine if processes == 1 else engine.url.render_as_string(hide_password=False)
    left: list[Task] = []
    buffer: list[Outcome] = []

    def flush() -> None:
        for outcome, written in zip(buffer, _write(engine, buffer, index, matcher.scorer), strict=True):
            if written:
                summary.add(Tally.of(outcome.result))  # type: ignore[arg-type]
            else:
                left.append(outcome.task)
            job = _job()
            if job is not None:  # this thread matched it: it holds the agency's lock
                job.locks.release(outcome.task.agency)
        buffer.clear()

    with Workers(processes, _setup, (source, matcher, index, writes)) as workers:
        try:
            for outcome in workers.map(_match_agency, ordered):
                if outcome.state == "scored":
                    buffer.append(outcome)
                    if sum(len(o.result.matched) for o in buffer if o.result) >= WRITE_CHUNK:  # type: ignore[union-attr]
                        flush()
                elif outcome.state == "written":
                    summary.add(outcome.tally)  # type: ignore[arg-type]
                else:
                    left.append(outcome.task)
                if progress and total:
                    progress(min(summary.blocks, total), total)
            flush()
        finally:
            if processes == 1:
                _teardown()
    return left


@dataclass
class _Job:
    """What a thread matching agencies works with (set once per thread by :func:`_setup`)."""

    engine: Engine
    matcher: Matcher
    index: DecisionIndex
    writes: bool  # writes each agency's result itself (worker processes on PostgreSQL)
    locks: queue.AgencyLocks


#: The job of each thread: a worker process has one; in this process each run (matching in the review
#: UI's background, or shards run side by side) has its own, never another's matcher or locks.
_LOCAL = threading.local()


def _job() -> _Job | None:
    return getattr(_LOCAL, "job", None)


def _setup(source: Engine | str, matcher: Matcher, index: DecisionIndex, writes: bool) -> None:
    engine = source if isinstance(source, Engine) else make_engine(source, create=False)
    _LOCAL.job = _Job(engine, matcher, index, writes, queue.AgencyLocks(engine))


def _teardown() -> None:
    job = _job()
    if job is not None:
        job.locks.close()
    _LOCAL.job = None


def _match_agency(task: Task) -> Outcome:
    """Read, score and (in a worker on PostgreSQL) write one agency."""
    job = _job()
    assert job is not None, "_setup was not called in this thread"
    if not job.locks.take(task.agency, wait=task.wait):
        return Outcome(task, "busy")
    try:
        with read_session(job.engine) as session:
            newest = queue.pending(session, task.agency).get(task.agency, queue.Pending()).newest
            statements = read_agency(session, task.agency, lambda rows: job.index.linked(job.index.of(rows)))
        result = score_agency(job.matcher, statements, job.index.of(statements.commitments), task.periods)
        job.matcher.forget()
        outcome = Outcome(task, "scored", newest, result)
        if not job.writes:
            return outcome
        (written,) = _write(job.engine, [outcome], job.index, job.matcher.scorer)
        return Outcome(task, "written" if written else "stale", newest, tally=Tally.of(result))
    finally:
        if job.writes:
            job.locks.release(task.agency)


def _write(engine: Engine, outcomes: Sequence[Outcome], index: DecisionIndex, scorer: str) -> list[bool]:
    """Write the results of ``outcomes`` in one transaction, each agency's under a savepoint: one whose
    documents changed since it was read is left out (False)."""
    written = []
    with write_session(engine) as session:
        for outcome in outcomes:
            result = outcome.result
            assert result is not None
            savepoint = session.begin_nested()
            try:
                fresh = agency_version(session, result.agency) == result.version
                if fresh:
                    _replace(session, result, index, scorer)
                    if outcome.task.queued:
                        queue.take_off(session, result.agency, outcome.newest, outcome.task.periods)
                savepoint.commit()
            except (IntegrityError, OperationalError):
                # a document of the agency was being replaced as this was written (PostgreSQL)
                savepoint.rollback()
                fresh = False
            written.append(fresh)
    return written


def _replace(session: Session, result: AgencyResult, index: DecisionIndex, scorer: str) -> None:
    """Put one agency's result in place of what is stored, with the decisions taken since it was read."""
    if session.get_bind().dialect.name == "postgresql" and result.historied:
        # a reviewer deciding about one of these now waits for this write, then sees its candidates
        for start in range(0, len(result.historied), 500):
            ids = sorted(result.historied[start : start + 500])
            session.exec(select(Commitment.id).where(col(Commitment.id).in_(ids)).with_for_update()).all()
    save_matches(
        session,
        result.candidates,
        list(result.statuses.values()),
        scorer=scorer,
        commitment_ids=result.matched,
    )
    save_history(session, result.history, result.historied)
    now = reviewer_links(session, result.matched) if result.matched else {}
    read = index.of(result.matched)
    changed = sorted({commitment for (commitment, _a), _state in now.items() ^ read.items()})
    if changed:
        refresh_statuses(session, changed)
