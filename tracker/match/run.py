"""Matching one agency at a time: rank evidence, suggest links, set automatic statuses and find what
came before.

A commitment of agency A for period Y is compared only with achievements of A for Y, so the cost grows
with the number of documents, not with its square; what came before a commitment (its history) reads
only A's earlier years. An agency is therefore the unit of work: :func:`score_agency` scores the
agency-years of one agency's statements (:class:`tracker.store.blocks.AgencyStatements`), and whoever
runs it (:mod:`tracker.review.matching`: one agency after the other, in worker processes, or a shard
of the agencies) writes the result and forgets it, so a run holds one agency at a time, never the
database. How rare a term is, which weights it in a block, is counted over the agency's own statements
(:func:`agency_stats`), so an agency's result depends on its documents and the reviewer's decisions
alone: matching after an ingest re-matches only the agencies it touched and ends where a full run
would. The reviewer's link decisions in force are given as data (a rejected link never counts for a
status, a confirmed one always does, see :mod:`tracker.match.resolve`).

:func:`compute_matches` is the same run over a whole database in memory, nothing written (``tracker
eval --scorer``, the benchmarks).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from sqlmodel import Session

from tracker.errors import UsageError
from tracker.ingest.memo import forget_agency
from tracker.match.context import ContextScorer, Item
from tracker.match.decide import TOP_K, decide_block
from tracker.match.history import HistoryPair, compute_history
from tracker.match.learn import learned_model
from tracker.match.link import LINK_RULES, LinkRule, keep_key_term_links, suggested
from tracker.match.model import LinkModel, shipped_model
from tracker.match.resolve import PairKey, automatic_statuses, linked_achievements
from tracker.match.results import DEFAULT_SCORER, SCORER_NAMES, MatchRun, ScoredCandidate, StatusResult
from tracker.match.scorers import SCORERS, CorpusStats, Scorer
from tracker.match.terms import content_terms
from tracker.statuses import LINKED_STATES
from tracker.store.blocks import AgencyStatements
from tracker.store.models import Achievement, Commitment
from tracker.store.queries import Row, documents_by_block, has_report, read_rows, summary_parts

__all__ = ["DEFAULT_SCORER", "SCORER_NAMES", "TOP_K", "compute_matches", "make_scorer", "score_agency"]

Progress = Callable[[int, int], None]
#: Commitments of one document and agency-year, with the achievements they are scored against.
Unit = tuple[list[Row], list[Row]]


def make_scorer(name: str) -> Scorer:
    """The scorer ``--scorer NAME`` names (``weighted``, ours, or a baseline)."""
    if name == DEFAULT_SCORER:
        return ContextScorer()
    if name not in SCORER_NAMES:
        raise UsageError(f"unknown scorer '{name}'", "choose one of " + ", ".join(SCORER_NAMES))
    return SCORERS[name]()


@dataclass(frozen=True)
class Matcher:
    """What a run scores with: the scorer (fitted on each agency's statistics in turn), and how it
    decides links (the learned model for ``weighted``, else the scorer's calibrated rule). Plain data, so
    that worker processes get the very matcher the run made."""

    scorer: str
    model: LinkModel | None
    rule: LinkRule
    learned: int = 0  # reviewed pairs the model was fitted again on (0: the shipped one)
    _engines: dict[str, Scorer] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def make(cls, scorer: str, rule: LinkRule | None = None) -> Matcher:
        """The matcher of ``scorer``; ``rule`` decides links instead of the scorer's own decision
        (benchmarks/calibrate.py searches with it)."""
        make_scorer(scorer)  # an unknown name fails here, not in a worker
        model = shipped_model() if scorer == DEFAULT_SCORER and rule is None else None
        return cls(scorer, model, rule or LINK_RULES[scorer])

    @property
    def engine(self) -> Scorer:
        """The scorer (made once per process), fitted on the agency it last scored."""
        engine = self._engines.get("fitted")
        if engine is None:
            engine = self._engines["fitted"] = make_scorer(self.scorer)
        return engine

    def forget(self) -> None:
        """Drop what the scorer remembers of the texts it scored: an agency's texts are scored within
        the agency only, and the memory would otherwise grow with the database."""
        self.engine.fit(CorpusStats())
        forget_agency()

    @property
    def fingerprint(self) -> str:
        """What a result depends on besides the statements and the decisions counting for statuses:
        the scorer, the link decision and its rule."""
        return hashlib.sha1(repr((self.scorer, self.model, self.rule)).encode("utf-8")).hexdigest()

    @property
    def learns(self) -> bool:
        return self.model is not None and isinstance(self.engine, ContextScorer)

    def learn(
        self, agencies: Iterable[tuple[CorpusStats, Iterable[Unit]]], decided: Mapping[PairKey, str]
    ) -> Matcher:
        """This matcher with its link decision fitted again on the reviewed pairs of the units of
        ``agencies`` (each agency's statistics and units, in the order a run over the database meets
        them), when there are enough; each agency's units are scored as its run scores them."""
        engine = self.engine
        if self.model is None or not isinstance(engine, ContextScorer):
            return self

        def units() -> Iterator[Unit]:
            for stats, own in agencies:
                engine.fit(stats)
                yield from own

        model, learned = learned_model(self.model, engine, units(), decided)
        self.forget()
        return replace(self, model=model, learned=learned, _engines=self._engines)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_engines"] = {}  # a worker fits its own
        return state


@dataclass
class AgencyResult:
    """What :func:`score_agency` found for one agency, to be written in place of what is stored."""

    agency: str
    version: str  # of the statements scored (tracker.store.blocks.agency_version)
    blocks: int = 0  # agency-years whose candidates and statuses were computed
    matched: list[str] = field(default_factory=list)  # their commitments
    candidates: list[ScoredCandidate] = field(default_factory=list)
    statuses: dict[str, StatusResult] = field(default_factory=dict)
    historied: list[str] = field(default_factory=list)  # commitments whose history was computed
    history: list[HistoryPair] = field(default_factory=list)

    @property
    def suggested(self) -> int:
        return sum(1 for c in self.candidates if c.state == "suggested")


def score_agency(
    matcher: Matcher,
    statements: AgencyStatements,
    decided: Mapping[PairKey, str],
    periods: Iterable[int] | None = None,
) -> AgencyResult:
    """Candidates, statuses and history of one agency's commitments of ``periods`` (None: every year).
    ``decided``: the reviewer's link decisions in force about these commitments
    (:meth:`DecisionIndex.of`)."""
    by_period: dict[int, list[Row]] = defaultdict(list)
    for commitment in statements.commitments:
        by_period[commitment.period].append(commitment)
    pool: dict[int, list[Row]] = defaultdict(list)
    for achievement in statements.achievements:
        pool[achievement.period].append(achievement)
    full = sorted(by_period) if periods is None else sorted(set(periods) & by_period.keys())
    result = AgencyResult(statements.agency, statements.version, blocks=len(full))
    achievements = {a.id: a for a in statements.achievements} | statements.elsewhere
    engine = matcher.engine
    engine.fit(agency_stats(statements.commitments, statements.achievements))
    for period in full:
        plan = by_period[period]
        found: list[ScoredCandidate] = []
        for own, evidence in units_of(plan, pool.get(period, [])):
            if matcher.learns:
                found.extend(_decide_block(engine, matcher.model, own, evidence))  # type: ignore[arg-type]
            else:
                found.extend(_match_block(engine, matcher.rule, own, evidence))
        reported = {c.id: has_report(statements.summaries, c.agency, c.period, c.document_id) for c in plan}
        linked = linked_achievements(found, decided)
        result.statuses.update(automatic_statuses(plan, linked, achievements, reported))
        result.candidates.extend(found)
        result.matched.extend(c.id for c in plan)
    historied = [c for period in full for c in by_period[period]]
    result.historied = [c.id for c in historied]
    if matcher.learns and historied:
        result.history = compute_history(
            engine,  # type: ignore[arg-type]  # a ContextScorer: matcher.learns
            matcher.model,  # type: ignore[arg-type]
            historied,
            statements.commitments,
            statements.achievements,
        )
    return result


def agency_stats(commitments: Iterable[Row], achievements: Iterable[Row]) -> CorpusStats:
    """How many of an agency's statements (commitments and achievements, every year) hold each content
    term: the rarity a term is weighted by in that agency's blocks."""
    return CorpusStats.from_terms([content_terms(row.normalized) for row in [*commitments, *achievements]])


def units_of(plan: Sequence[Row], pool: Sequence[Row]) -> Iterator[Unit]:
    """The commitments of one agency-year, a document at a time, each with the evidence it is scored
    against: the year's achievements of the other documents.

    A document does not report the outcome of its own targets: 002's mid-year article states results so
    far and end-of-year targets; the evidence for those must come from a later report. A task table's
    progress column does: it reports on the tasks beside it.
    """
    for document, own in _by_document(plan).items():
        evidence = [a for a in pool if a.document_id != document or a.from_table]
        if evidence:
            yield own, evidence


def compute_matches(
    session: Session,
    *,
    decided: Mapping[PairKey, str],
    scorer: str = DEFAULT_SCORER,
    agency: str | None = None,
    period: int | None = None,
    progress: Progress | None = None,
    rule: LinkRule | None = None,
    learn: bool = True,
) -> MatchRun:
    """Candidates, suggested links and automatic statuses of the whole database (or one agency or year
    of it), computed in memory: nothing is written.

    Args:
        decided: the reviewer's link decisions in force, (commitment, achievement) -> ``confirmed`` or
            ``rejected`` (:func:`tracker.store.decision_log.reviewer_links`); they count for the statuses.
        rule: decide links by this link rule instead of the scorer's own decision (for ``weighted``
            the learned model, else its calibrated rule); benchmarks/calibrate.py searches with it.
        learn: fit the learned decision again on the reviewer's decisions when there are enough
            (:data:`tracker.match.learn.MIN_REVIEWED`).
    """
    commitments = read_rows(session, Commitment, None, None)
    achievements = read_rows(session, Achievement, None, None)
    matcher = Matcher.make(scorer, rule)
    if learn:
        matcher = matcher.learn(database_units(commitments, achievements), decided)
    summaries = documents_by_block(summary_parts(session))
    by_agency: dict[str, AgencyStatements] = {}
    for row in commitments:
        if row.agency not in by_agency:
            by_agency[row.agency] = AgencyStatements(row.agency, "", [], [], summaries)
        by_agency[row.agency].commitments.append(row)
    for row in achievements:
        if row.agency in by_agency:
            by_agency[row.agency].achievements.append(row)
    everything = {row.id: row for row in achievements}
    index = DecisionIndex(decided)
    plans = {(c.agency, c.period) for c in commitments}
    wanted = sorted(
        {a for a, p in plans if (agency is None or a == agency) and (period is None or p == period)}
    )
    total = sum(1 for a, p in plans if a in wanted and (period is None or p == period))
    run = MatchRun(scorer=scorer, learned=matcher.learned, complete=agency is None and period is None)
    for name in wanted:
        statements = by_agency[name]
        mine = index.of(statements.commitments)
        statements.elsewhere = {a: everything[a] for a in index.linked(mine) if a in everything}
        result = score_agency(matcher, statements, mine, None if period is None else [period])
        run.blocks += result.blocks
        run.candidates.extend(result.candidates)
        run.statuses.update(result.statuses)
        run.history.extend(result.history)
        if progress:
            progress(run.blocks, total)
    return run


class DecisionIndex:
    """The reviewer's link decisions in force, by commitment, so that an agency finds its own at once."""

    def __init__(self, decided: Mapping[PairKey, str]) -> None:
        self.decided = decided
        self._by_commitment: dict[str, dict[PairKey, str]] = defaultdict(dict)
        for pair, state in decided.items():
            self._by_commitment[pair[0]][pair] = state

    def of(self, commitments: Iterable[Any]) -> dict[PairKey, str]:
        """The decisions about these commitments (rows or ids)."""
        found: dict[PairKey, str] = {}
        for commitment in commitments:
            found.update(self._by_commitment.get(getattr(commitment, "id", commitment), {}))
        return found

    @staticmethod
    def linked(decided: Mapping[PairKey, str]) -> set[str]:
        """The achievements that these decisions confirm or link."""
        return {achievement for (_c, achievement), state in decided.items() if state in LINKED_STATES}


def database_units(
    commitments: Sequence[Row], achievements: Sequence[Row]
) -> Iterator[tuple[CorpusStats, Iterator[Unit]]]:
    """Every agency of a database's rows (in document order) with its statistics and its units, in the
    order a run meets them: agencies by their first commitment, their years likewise, then document by
    document."""
    plans: dict[str, dict[int, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for commitment in commitments:
        plans[commitment.agency][commitment.period].append(commitment)
    pool: dict[str, dict[int, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for achievement in achievements:
        pool[achievement.agency][achievement.period].append(achievement)
    for agency, years in plans.items():
        own = pool.get(agency, {})
        stats = agency_stats(
            [c for plan in years.values() for c in plan], [a for p in own.values() for a in p]
        )
        yield stats, (unit for period, plan in years.items() for unit in units_of(plan, own.get(period, [])))


def _by_document(commitments: Sequence[Row]) -> dict[str, list[Row]]:
    groups: dict[str, list[Row]] = defaultdict(list)
    for commitment in commitments:
        groups[commitment.document_id].append(commitment)
    return groups


def counts_of(result: AgencyResult) -> Counter[str]:
    """How many of the agency's commitments got each automatic status."""
    return Counter(status.status for status in result.statuses.values())


def _decide_block(
    engine: ContextScorer, model: LinkModel, commitments: Sequence[Row], achievements: Sequence[Row]
) -> list[ScoredCandidate]:
    """Candidates ranked by the learned decision (:func:`tracker.match.decide.decide_block`)."""
    return decide_block(engine, model, commitments, achievements)


def _match_block(
    engine: Scorer, rule: LinkRule, commitments: Sequence[Row], achievements: Sequence[Row]
) -> list[ScoredCandidate]:
    if isinstance(engine, ContextScorer):
        left, right = [Item.of(c) for c in commitments], [Item.of(a) for a in achievements]
        scores = engine.score_items(left, right)
        links = suggested(scores, rule)
        if rule.key_terms:
            count = rule.key_terms
            links = keep_key_term_links(links, left, right, lambda text: engine.key_terms(text, count))
    else:
        scores = engine.score_block([c.normalized for c in commitments], [a.normalized for a in achievements])
        links = suggested(scores, rule)
    result: list[ScoredCandidate] = []
    for row, commitment in enumerate(commitments):
        order = np.argsort(-scores[row], kind="stable")
        keep = [int(i) for i in order[:TOP_K] if scores[row, i] > 0]
        keep += [int(i) for i in np.flatnonzero(links[row]) if int(i) not in keep]
        for rank, column in enumerate(keep, start=1):
            achievement = achievements[column]
            result.append(
                ScoredCandidate(
                    commitment_id=commitment.id,
                    achievement_id=achievement.id,
                    rank=rank,
                    score=round(float(scores[row, column]), 1),
                    state="suggested" if links[row, column] else "candidate",
                    shared_terms=tuple(engine.explain(commitment.normalized, achievement.normalized)[:8]),
                )
            )
    return result
