"""Matching a whole database in memory: rank evidence, suggest links and set automatic statuses, block
by block.

A commitment of agency A for period Y is compared only with achievements of A for Y, so the cost grows
with the number of documents, not with its square. The reviewer's link decisions in force are given
to the run as data (a rejected link never counts for a status, a confirmed one always does, see
:mod:`tracker.match.resolve`); writing the result is :func:`tracker.review.matching.match_database`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence

import numpy as np
from sqlmodel import Session

from tracker.errors import UsageError
from tracker.match.context import ContextScorer, Item
from tracker.match.decide import TOP_K, decide_block
from tracker.match.history import compute_history
from tracker.match.learn import learned_model
from tracker.match.link import LINK_RULES, LinkRule, keep_key_term_links, suggested
from tracker.match.model import LinkModel, shipped_model
from tracker.match.resolve import PairKey, automatic_statuses, linked_achievements
from tracker.match.results import DEFAULT_SCORER, SCORER_NAMES, MatchRun, ScoredCandidate, StatusResult
from tracker.match.scorers import SCORERS, CorpusStats, Scorer
from tracker.match.terms import content_terms
from tracker.store.models import Achievement, Commitment
from tracker.store.queries import Row, has_report, read_rows, summary_documents

Progress = Callable[[int, int], None]


def make_scorer(name: str) -> Scorer:
    """The scorer ``--scorer NAME`` names (``weighted``, ours, or a baseline)."""
    if name == DEFAULT_SCORER:
        return ContextScorer()
    if name not in SCORER_NAMES:
        raise UsageError(f"unknown scorer '{name}'", "choose one of " + ", ".join(SCORER_NAMES))
    return SCORERS[name]()


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
    """Candidates, suggested links and automatic statuses, computed in memory (nothing is written).

    Args:
        decided: the reviewer's link decisions in force, (commitment, achievement) -> ``confirmed`` or
            ``rejected`` (:func:`tracker.store.decision_log.reviewer_links`); they count for the statuses.
        rule: decide links by this link rule instead of the scorer's own decision (for ``weighted``
            the learned model, else its calibrated rule); benchmarks/calibrate.py searches with it.
        learn: fit the learned decision again on the reviewer's decisions when there are enough
            (:data:`tracker.match.learn.MIN_REVIEWED`).
    """
    engine = make_scorer(scorer)
    model: LinkModel | None = shipped_model() if scorer == DEFAULT_SCORER and rule is None else None
    rule = rule or LINK_RULES[scorer]
    commitments = read_rows(session, Commitment, agency, period)
    achievements = read_rows(session, Achievement, agency, period)
    filtered = agency is not None or period is not None
    all_commitments = read_rows(session, Commitment, None, None) if filtered else commitments
    all_achievements = read_rows(session, Achievement, None, None) if filtered else achievements
    everything = all_commitments + all_achievements
    engine.fit(CorpusStats.from_terms([content_terms(row.normalized) for row in everything]))
    by_block: dict[tuple[str, int], list[Row]] = defaultdict(list)
    for achievement in achievements:
        by_block[(achievement.agency, achievement.period)].append(achievement)
    plans: dict[tuple[str, int], list[Row]] = defaultdict(list)
    for commitment in commitments:
        plans[(commitment.agency, commitment.period)].append(commitment)
    run = MatchRun(scorer=scorer, blocks=len(plans), complete=not filtered)

    def units() -> Iterator[tuple[list[Row], list[Row]]]:
        # A document does not report the outcome of its own targets: 002's mid-year article states
        # results so far and end-of-year targets; the evidence for those must come from a later report.
        # A task table's progress column does: it reports on the tasks beside it.
        for key, block_commitments in plans.items():
            for document, own in _by_document(block_commitments).items():
                evidence = [a for a in by_block.get(key, []) if a.document_id != document or a.from_table]
                if evidence:
                    yield own, evidence

    if model is not None and learn and isinstance(engine, ContextScorer):
        model, run.learned = learned_model(model, engine, units(), decided)
    done = 0
    for key, block_commitments in plans.items():
        for document, own in _by_document(block_commitments).items():
            evidence = [a for a in by_block.get(key, []) if a.document_id != document or a.from_table]
            if not evidence:
                continue
            if model is not None and isinstance(engine, ContextScorer):
                run.candidates.extend(_decide_block(engine, model, own, evidence))
            else:
                run.candidates.extend(_match_block(engine, rule, own, evidence))
        done += 1
        if progress:
            progress(done, len(plans))
    run.statuses = _statuses(session, commitments, achievements, run.candidates, decided)
    if model is not None and isinstance(engine, ContextScorer):
        run.history = compute_history(engine, model, commitments, all_commitments, all_achievements)
    return run


def _statuses(
    session: Session,
    commitments: Sequence[Row],
    achievements: Sequence[Row],
    candidates: Sequence[ScoredCandidate],
    decided: Mapping[PairKey, str],
) -> dict[str, StatusResult]:
    """The automatic status of every commitment of the run, with the reviewer's links applied."""
    achievement_by_id = {a.id: a for a in achievements}
    # A reviewer may link an achievement of another agency-year; a filtered run must still count it.
    elsewhere = {a for (_c, a), state in decided.items() if state == "confirmed"} - achievement_by_id.keys()
    if elsewhere:
        achievement_by_id.update(
            (row.id, row) for row in read_rows(session, Achievement, None, None, ids=sorted(elsewhere))
        )
    summaries = summary_documents(session)
    reported = {c.id: has_report(summaries, c.agency, c.period, c.document_id) for c in commitments}
    linked = linked_achievements(candidates, decided)
    return automatic_statuses(commitments, linked, achievement_by_id, reported)


def _by_document(commitments: Sequence[Row]) -> dict[str, list[Row]]:
    groups: dict[str, list[Row]] = defaultdict(list)
    for commitment in commitments:
        groups[commitment.document_id].append(commitment)
    return groups


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
