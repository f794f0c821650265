"""The candidates a block keeps: each commitment's best pairs by the learned decision, with what
explains them (the terms they share, each feature's part in the probability).

The candidate pool, the features, the probabilities, the ranks and the explanations are computed for
the whole block at once; Python only builds the candidates it keeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tracker.match.context import ContextScorer
from tracker.match.features import BlockFeatures, candidate_pairs
from tracker.match.model import LinkModel
from tracker.match.results import ScoredCandidate
from tracker.match.vectors import Entries, Join, position_in_run

TOP_K = 5  # SPEC: at least the top five; more only cost storage (a link picker reaches the rest)
#: Shared terms stored with a candidate (the heaviest first).
SHARED_TERMS = 8


def decide_block(
    engine: ContextScorer, model: LinkModel, commitments: Sequence[Any], achievements: Sequence[Any]
) -> list[ScoredCandidate]:
    """Candidates ranked by the learned decision's probability: the first ``TOP_K`` of each commitment
    and any beyond them that it suggests or that weigh for the status; score = 100 x probability."""
    block = BlockFeatures(engine, commitments, achievements)
    rows, columns = candidate_pairs(block.parts.final)
    values = block.values(rows, columns)
    probability = model.probabilities(values)
    # Each commitment's pairs, most probable first (ties: the earlier achievement).
    order = np.lexsort((columns, -probability, rows))
    rows, columns, probability = rows[order], columns[order], probability[order]
    kept = kept_prefix(rows, probability >= model.status_threshold, TOP_K)
    rank = rank_in_row(rows)[kept] + 1
    rows, columns, probability = rows[kept], columns[kept], probability[kept]
    whys = model.whys(values[order][kept])
    shared = shared_terms(
        block.left.terms, engine.terms.index.terms, block.parts.shared, rows, columns, SHARED_TERMS
    )
    link = probability >= model.link_threshold
    weighs = (probability >= model.status_threshold) & ~link
    return list(
        map(
            ScoredCandidate._make,
            zip(
                ids_at(commitments, rows),
                ids_at(achievements, columns),
                rank.tolist(),
                [round(score, 1) for score in (100 * probability).tolist()],
                STATES[link.astype(np.int64)].tolist(),
                shared,
                weighs.tolist(),
                whys,
                strict=True,
            ),
        )
    )


#: A pair's state by whether it is suggested.
STATES = np.array(["candidate", "suggested"], dtype=object)


def ids_at(statements: Sequence[Any], index: np.ndarray) -> list[str]:
    """The ids of ``statements[i]`` for each i of ``index``."""
    return np.array([s.id for s in statements], dtype=object)[index].tolist()


def rank_in_row(rows: np.ndarray) -> np.ndarray:
    """Each pair's position among the pairs of its row (``rows`` grouped: equal rows side by side)."""
    return position_in_run(rows)


def kept_prefix(rows: np.ndarray, wanted: np.ndarray, first: int) -> np.ndarray:
    """Which pairs a row keeps, its pairs in order: the first ``first`` and every ``wanted`` one, where
    the wanted pairs of a row come first (so what is kept is a prefix of the row)."""
    return (rank_in_row(rows) < first) | wanted


def shared_terms(
    terms: Entries, names: Sequence[str], shared: Join, rows: np.ndarray, columns: np.ndarray, count: int
) -> list[tuple[str, ...]]:
    """The content terms each pair (``rows[i]``, ``columns[i]``) shares, the commitment's heaviest first
    (equal weights by the term itself), at most ``count``; read from the block's term matches
    (``shared``, of the commitments' ``terms`` against the achievements'; ``names``: the terms by id)."""
    if len(rows) == 0:
        return []
    cells = rows * shared.shape[1] + columns
    order = np.argsort(cells)
    ordered = cells[order]
    where = np.minimum(np.searchsorted(ordered, shared.cell), len(ordered) - 1)
    held = ordered[where] == shared.cell
    pair, entry = order[where[held]], shared.left[held]
    key, weight = terms.key[entry], terms.value[entry]
    distinct = np.unique(key)
    by_name = np.empty(len(distinct), dtype=np.int64)
    by_name[sorted(range(len(distinct)), key=lambda i: names[int(distinct[i])])] = np.arange(len(distinct))
    first = np.lexsort((by_name[np.searchsorted(distinct, key)], -weight, pair))
    pair, key = pair[first], key[first]
    top = position_in_run(pair) < count
    pair, key = pair[top], key[top]
    words = [names[k] for k in key.tolist()]
    bounds = np.searchsorted(pair, np.arange(len(rows) + 1)).tolist()
    return [tuple(words[bounds[i] : bounds[i + 1]]) for i in range(len(rows))]
