"""Learning from the reviewers: the link decision fitted again on the pairs reviewed in this database.

Every pair a reviewer confirmed or linked is a positive example of this corpus, every pair rejected or
unlinked a negative one. With at least :data:`MIN_REVIEWED` of them, both kinds among them, the run
fits the shipped model's weights again on them (:meth:`tracker.match.model.LinkModel.refit`: pulled
towards the shipped weights with :data:`LEARN_PENALTY`, so a few decisions move it a little and many
move it more) and decides every other pair with it. The thresholds stay the shipped ones: reviewed pairs
are no fair sample to pick a threshold on (a reviewer confirms every true pair but rejects only the
wrong ones shown), and a threshold picked on them made the simulated review worse
(``benchmarks/simulate_review.py``). The reviewed pairs themselves keep the reviewer's decision whatever
the model says (:mod:`tracker.match.resolve`); learning only changes the automatic state of the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from tracker.match.context import ContextScorer
from tracker.match.features import BlockFeatures
from tracker.match.model import LinkModel

#: Reviewed pairs needed before the decision is fitted again (measured by benchmarks/simulate_review.py).
MIN_REVIEWED = 30
#: ... of which at least this many confirmed and this many rejected.
MIN_EACH = 3
#: How strongly the shipped weights hold against the reviewed pairs (the ridge penalty towards them);
#: measured by benchmarks/simulate_review.py: weaker let 39 pairs of one set lower its F1.
LEARN_PENALTY = 100.0


def reviewed_examples(
    engine: ContextScorer,
    units: Iterable[tuple[Sequence[Any], Sequence[Any]]],
    decided: Mapping[tuple[str, str], str],
) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels (1 confirmed, 0 rejected) of the reviewed pairs of these units."""
    by_commitment: dict[str, dict[str, str]] = {}
    for (commitment, achievement), state in decided.items():
        by_commitment.setdefault(commitment, {})[achievement] = state
    values: list[np.ndarray] = []
    labels: list[int] = []
    for commitments, achievements in units:
        if not any(c.id in by_commitment for c in commitments):
            continue
        column_of = {a.id: i for i, a in enumerate(achievements)}
        pairs = [
            (row, column_of[aid], state)
            for row, c in enumerate(commitments)
            for aid, state in by_commitment.get(c.id, {}).items()
            if aid in column_of
        ]
        if not pairs:
            continue
        block = BlockFeatures(engine, commitments, achievements)
        rows = np.array([p[0] for p in pairs], dtype=int)
        columns = np.array([p[1] for p in pairs], dtype=int)
        values.append(block.values(rows, columns))
        labels.extend(1 if state == "confirmed" else 0 for _r, _c, state in pairs)
    if not values:
        return np.zeros((0, 0)), np.zeros(0)
    return np.vstack(values), np.array(labels, dtype=np.float64)


def learned_model(
    model: LinkModel,
    engine: ContextScorer,
    units: Iterable[tuple[Sequence[Any], Sequence[Any]]],
    decided: Mapping[tuple[str, str], str],
) -> tuple[LinkModel, int]:
    """The model to decide with, and how many reviewed pairs it was fitted on (0: the shipped one)."""
    if len(decided) < MIN_REVIEWED:
        return model, 0
    values, labels = reviewed_examples(engine, units, decided)
    positives = int(labels.sum())
    if len(labels) < MIN_REVIEWED or positives < MIN_EACH or len(labels) - positives < MIN_EACH:
        return model, 0
    return model.refit(values, labels, penalty=LEARN_PENALTY), len(labels)
