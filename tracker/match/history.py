"""What came before a commitment: the work the year before reported, and what earlier plans promised.

Two relations, scored per agency with the matcher's own parts:
- **prior evidence**: each commitment of agency A's plan for year Y against the achievements A's
  summaries report for Y−1 (whatever the document: a plan often opens with last year's results). The
  learned link decision ranks them and its link threshold decides which are ``suggested``: the plan
  carries that work on (延续).
- **prior commitments**: each commitment against the commitments of A's plans for earlier years, by
  the plain text similarity of the two promises (no sentence context: a plan's sentence-mates are other
  tasks). ``suggested`` when the earlier plan promised the same (``REPEAT_SCORE``); a weaker likeness
  (``COUNTERPART_SCORE``) still counts as the earlier commitment's counterpart, so that a commitment
  carried on in other words is not listed as dropped.

What the relations mean for a commitment (new, continuing, repeated, chronic) and which earlier
commitments were dropped depend on statuses a reviewer may still change, so they are read, not stored
(:mod:`tracker.review.history`). Pure functions over rows; nothing here reads or writes the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from tracker.match.context import ContextScorer
from tracker.match.decide import STATES, ids_at, kept_prefix, rank_in_row
from tracker.match.features import BlockFeatures, candidate_pairs
from tracker.match.model import LinkModel
from tracker.match.status import compare_targets

PRIOR_EVIDENCE = "prior_evidence"
PRIOR_COMMITMENT = "prior_commitment"
#: Candidates kept per commitment and relation (and every suggested one).
HISTORY_TOP_K = 3
#: Best-scored achievements of the year before the link decision looks at per commitment (half the
#: matcher's pool: history costs a second pass over each agency's documents).
HISTORY_POOL = 5
#: Text similarity (0-100) from which an earlier commitment promised the same thing.
REPEAT_SCORE = 55.0
#: Text similarity from which an earlier commitment is this one's counterpart (not dropped).
COUNTERPART_SCORE = 30.0
#: Probability below which last year's achievement is not shown at all (5 of 100: said to be unrelated).
SHOWN_PROBABILITY = 0.05
#: Text similarity below which an earlier commitment is not shown at all (two promises of one agency
#: share its boilerplate: 推进, 工作, 我市).
SHOWN_SCORE = 15.0


class HistoryPair(NamedTuple):
    """One earlier statement ranked for a commitment: an achievement (``prior_evidence``) or a
    commitment (``prior_commitment``) of ``period`` (a named tuple, as
    :class:`tracker.match.results.ScoredCandidate`)."""

    commitment_id: str
    relation: str
    other_id: str
    period: int
    rank: int
    score: float  # 0-100
    state: str  # "suggested" or "candidate"


def compute_history(
    engine: ContextScorer,
    model: LinkModel,
    commitments: Sequence[Any],
    everything: Sequence[Any],
    earlier_achievements: Sequence[Any],
) -> list[HistoryPair]:
    """The history pairs of ``commitments`` (rows of one run), from the earlier statements of their
    agencies: ``earlier_achievements`` and the commitments among ``everything``.

    Args:
        engine: the run's scorer, fitted on the corpus.
        model: the run's link decision (its threshold decides prior evidence).
        commitments: the commitments whose history is wanted.
        everything: every commitment of the database (earlier plans are looked for among them).
        earlier_achievements: every achievement of the database.
    """
    by_plan: dict[tuple[str, int], list[Any]] = defaultdict(list)
    for commitment in commitments:
        by_plan[(commitment.agency, commitment.period)].append(commitment)
    reported: dict[tuple[str, int], list[Any]] = defaultdict(list)
    for achievement in earlier_achievements:
        reported[(achievement.agency, achievement.period)].append(achievement)
    promised: dict[str, list[Any]] = defaultdict(list)
    for earlier in everything:
        promised[earlier.agency].append(earlier)
    pairs: list[HistoryPair] = []
    for (agency, period), plan in sorted(by_plan.items()):
        evidence = reported.get((agency, period - 1), [])
        if evidence:
            pairs.extend(_prior_evidence(engine, model, plan, evidence))
        before = [c for c in promised.get(agency, []) if c.period < period]
        if before:
            pairs.extend(_prior_commitments(engine, plan, before))
    return pairs


def _prior_evidence(
    engine: ContextScorer, model: LinkModel, plan: Sequence[Any], evidence: Sequence[Any]
) -> list[HistoryPair]:
    block = BlockFeatures(engine, plan, evidence)
    rows, columns = candidate_pairs(block.parts.final, HISTORY_POOL)
    probability = model.probabilities(block.values(rows, columns)) if len(rows) else np.zeros(0)
    shown = probability >= SHOWN_PROBABILITY
    rows, columns, probability = rows[shown], columns[shown], probability[shown]
    return _ranked(
        PRIOR_EVIDENCE, plan, evidence, rows, columns, 100.0 * probability, 100.0 * model.link_threshold
    )


def _prior_commitments(
    engine: ContextScorer, plan: Sequence[Any], before: Sequence[Any]
) -> list[HistoryPair]:
    own = engine.score_block([c.normalized for c in plan], [c.normalized for c in before])
    rows, columns = candidate_pairs(np.where(own >= SHOWN_SCORE, own, 0.0))
    pairs = _ranked(PRIOR_COMMITMENT, plan, before, rows, columns, own[rows, columns], REPEAT_SCORE)
    # each earlier commitment's best counterpart is kept even beyond a row's first few, so that what
    # decides "dropped" is stored
    kept = {(p.commitment_id, p.other_id) for p in pairs}
    if own.size:
        best_rows = own.argmax(axis=0)
        best = own[best_rows, np.arange(own.shape[1])]
        for column in np.flatnonzero(best >= COUNTERPART_SCORE).tolist():
            row, score = int(best_rows[column]), float(best[column])
            if (plan[row].id, before[column].id) not in kept:
                pairs.append(
                    HistoryPair(
                        plan[row].id,
                        PRIOR_COMMITMENT,
                        before[column].id,
                        before[column].period,
                        HISTORY_TOP_K + 1,
                        round(score, 1),
                        "suggested" if score >= REPEAT_SCORE else "candidate",
                    )
                )
    return pairs


def _ranked(
    relation: str,
    plan: Sequence[Any],
    others: Sequence[Any],
    rows: np.ndarray,
    columns: np.ndarray,
    scores: np.ndarray,
    suggested_from: float,
) -> list[HistoryPair]:
    """Each commitment's first ``HISTORY_TOP_K`` pairs by score, and every one suggested (a score of
    ``suggested_from`` or more)."""
    order = np.lexsort((columns, -scores, rows))
    rows, columns, scores = rows[order], columns[order], scores[order]
    suggested = scores >= suggested_from
    kept = kept_prefix(rows, suggested, HISTORY_TOP_K)
    rows, columns, scores = rows[kept], columns[kept], scores[kept]
    periods = np.array([o.period for o in others], dtype=np.int64)[columns]
    return list(
        map(
            HistoryPair._make,
            zip(
                ids_at(plan, rows),
                [relation] * len(rows),
                ids_at(others, columns),
                periods.tolist(),
                (rank_in_row(rows) + 1).tolist(),
                [round(score, 1) for score in scores.tolist()],
                STATES[suggested[kept].astype(np.int64)].tolist(),
                strict=True,
            ),
        )
    )


def target_change(
    targets: Sequence[dict[str, Any]], text: str, earlier_targets: Sequence[dict[str, Any]], earlier_text: str
) -> dict[str, Any] | None:
    """A commitment's target (``targets`` read in ``text``) beside an earlier commitment's target for the
    same thing: from, to and the direction (``up``, ``down``, ``same``); None when they set no
    comparable target."""
    compared = compare_targets(
        targets, earlier_targets, commitment_text=text, evidence_text=earlier_text, in_order=True
    )
    if not compared:
        return None
    first = compared[0]
    now, before = first["target_quantity"], first["actual_quantity"]
    direction = "up" if now > before else "down" if now < before else "same"
    return {"from": first["actual"], "to": first["target"], "direction": direction}


def target_vs_last_actual(
    targets: Sequence[dict[str, Any]],
    text: str,
    reported: Sequence[tuple[Sequence[dict[str, Any]], str, int]],
) -> list[dict[str, Any]]:
    """Each target beside the figure the year before reported for the same thing (``reported``: each
    achievement's quantities, text and period; ``gap``: how far the target is above the figure, in the
    target's unit)."""
    result = []
    for quantities, evidence_text, period in reported:
        for compared in compare_targets(
            targets, quantities, commitment_text=text, evidence_text=evidence_text, in_order=True
        ):
            gap = compared["target_quantity"] - compared["actual_quantity"]
            result.append(
                {
                    "target": compared["target"],
                    "last_actual": compared["actual"],
                    "period": period,
                    "gap": int(gap) if gap == int(gap) else round(gap, 4),
                }
            )
    return result
