"""Matching a whole database: rank evidence, suggest links and set automatic statuses, block by block.

A commitment of agency A for period Y is compared only with achievements of A for Y, so the cost grows
with the number of documents, not with its square. Reviewer decisions live in their own table and are
only read here: a rejected link never counts for a status, a confirmed one always does.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete

from tracker.match.api import DEFAULT_SCORER, SCORER_NAMES, MatchRun, ScoredCandidate
from tracker.match.block import ContextScorer, Item
from tracker.match.evidence_status import Row, read_rows, statuses_from_links
from tracker.match.link import LINK_RULES, LinkRule, suggested
from tracker.match.scorers import SCORERS, CorpusStats, Scorer
from tracker.match.terms import content_terms
from tracker.store.engine import write_session
from tracker.store.models import Achievement, Candidate, Commitment, CommitmentStatus
from tracker.store.repository import has_report, reviewer_links, summary_documents

TOP_K = 5  # SPEC: at least the top five; more only cost storage (a link picker reaches the rest)

Progress = Callable[[int, int], None]


@dataclass
class MatchSummary:
    scorer: str
    blocks: int = 0
    commitments: int = 0
    candidates: int = 0
    suggested: int = 0
    statuses: dict[str, int] = field(default_factory=dict)


def make_scorer(name: str) -> Scorer:
    if name == DEFAULT_SCORER:
        return ContextScorer()
    if name not in SCORERS:
        from tracker.errors import UsageError

        raise UsageError(f"unknown scorer '{name}'", "choose one of " + ", ".join(SCORER_NAMES))
    return SCORERS[name]()


def _item(row: Row) -> Item:
    return Item(row.id, row.normalized, row.section, row.topic, row.sentence, row.document_id)


def compute_matches(
    session: Session,
    *,
    scorer: str = DEFAULT_SCORER,
    agency: str | None = None,
    period: int | None = None,
    progress: Progress | None = None,
    rule: LinkRule | None = None,
) -> MatchRun:
    """Candidates, suggested links and automatic statuses, computed in memory (nothing is written).

    ``rule`` replaces the scorer's calibrated link rule (benchmarks/calibrate.py searches with it).
    """
    engine = make_scorer(scorer)
    rule = rule or LINK_RULES[scorer]
    commitments = read_rows(session, Commitment, agency, period)
    achievements = read_rows(session, Achievement, agency, period)
    filtered = agency is not None or period is not None
    everything = (
        (read_rows(session, Commitment, None, None) + read_rows(session, Achievement, None, None))
        if filtered
        else commitments + achievements
    )
    engine.fit(CorpusStats.from_terms([content_terms(row.normalized) for row in everything]))
    summaries = summary_documents(session)
    decided = reviewer_links(session)
    by_block: dict[tuple[str, int], list[Row]] = defaultdict(list)
    for achievement in achievements:
        by_block[(achievement.agency, achievement.period)].append(achievement)
    plans: dict[tuple[str, int], list[Row]] = defaultdict(list)
    for commitment in commitments:
        plans[(commitment.agency, commitment.period)].append(commitment)
    achievement_by_id = {a.id: a for a in achievements}
    # A reviewer may link an achievement of another agency-year; a filtered run must still count it.
    elsewhere = {a for (_c, a), state in decided.items() if state == "confirmed"} - achievement_by_id.keys()
    if elsewhere:
        achievement_by_id.update(
            (row.id, row) for row in read_rows(session, Achievement, None, None, ids=sorted(elsewhere))
        )
    run = MatchRun(scorer=scorer, blocks=len(plans), complete=not filtered)
    for done, (key, block_commitments) in enumerate(plans.items(), start=1):
        # A document does not report the outcome of its own targets: 002's mid-year article states
        # results so far and end-of-year targets; the evidence for those must come from a later report.
        for document, own in _by_document(block_commitments).items():
            evidence = [a for a in by_block.get(key, []) if a.document_id != document]
            block = _match_block(engine, rule, own, evidence) if evidence else []
            run.candidates.extend(block)
            reported = has_report(summaries, key[0], key[1], document)
            run.statuses.update(
                statuses_from_links(own, block, decided, achievement_by_id, has_summary=reported)
            )
        if progress:
            progress(done, len(plans))
    return run


def _by_document(commitments: Sequence[Row]) -> dict[str, list[Row]]:
    groups: dict[str, list[Row]] = defaultdict(list)
    for commitment in commitments:
        groups[commitment.document_id].append(commitment)
    return groups


def _match_block(
    engine: Scorer, rule: LinkRule, commitments: Sequence[Row], achievements: Sequence[Row]
) -> list[ScoredCandidate]:
    if isinstance(engine, ContextScorer):
        left, right = [_item(c) for c in commitments], [_item(a) for a in achievements]
        scores = engine.score_items(left, right)
        links = suggested(scores, rule)
        if rule.key_terms:
            links = engine.keep_key_term_links(links, left, right, rule.key_terms)
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


def save_matches(session: Session, run: MatchRun) -> None:
    """Replace the automatic candidates and statuses of the run's commitments (Decision rows untouched)."""
    if run.complete:
        session.exec(delete(Candidate))  # type: ignore[call-overload]
        session.exec(delete(CommitmentStatus))  # type: ignore[call-overload]
    else:
        ids = list(run.statuses)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            session.exec(delete(Candidate).where(col(Candidate.commitment_id).in_(chunk)))  # type: ignore[call-overload]
            session.exec(delete(CommitmentStatus).where(col(CommitmentStatus.commitment_id).in_(chunk)))  # type: ignore[call-overload]
    candidates = [
        (
            c.commitment_id,
            c.achievement_id,
            c.rank,
            c.score,
            c.state,
            json.dumps(list(c.shared_terms), ensure_ascii=False),
            run.scorer,
        )
        for c in run.candidates
    ]
    statuses = [
        (s.commitment_id, s.status, "auto", json.dumps(s.detail, ensure_ascii=False))
        for s in run.statuses.values()
    ]
    # Rows go to the driver as plain tuples: SQLAlchemy's per-row parameter handling cost more than the
    # insert itself for the ~500,000 candidates of a thousand documents. The statement is compiled by
    # SQLAlchemy for whichever database this is; JSON columns get their text directly.
    connection = session.connection()
    for table, rows in ((Candidate.__table__, candidates), (CommitmentStatus.__table__, statuses)):  # type: ignore[attr-defined]
        if not rows:
            continue
        columns = [column.name for column in table.columns]
        statement = insert(table).compile(dialect=connection.dialect, column_keys=columns)
        params = rows if statement.positional else [dict(zip(columns, row, strict=True)) for row in rows]
        cursor = connection.connection.cursor()
        try:
            cursor.executemany(str(statement), params)
        finally:
            cursor.close()


def match_database(
    engine: Engine,
    *,
    scorer: str = DEFAULT_SCORER,
    agency: str | None = None,
    period: int | None = None,
    progress: Progress | None = None,
) -> MatchSummary:
    """Recompute and store candidates, links and automatic statuses, in one transaction."""
    with write_session(engine) as session:
        run = compute_matches(session, scorer=scorer, agency=agency, period=period, progress=progress)
        save_matches(session, run)
    return MatchSummary(
        scorer=scorer,
        blocks=run.blocks,
        commitments=len(run.statuses),
        candidates=len(run.candidates),
        suggested=sum(1 for c in run.candidates if c.state == "suggested"),
        statuses=dict(Counter(status.status for status in run.statuses.values())),
    )
