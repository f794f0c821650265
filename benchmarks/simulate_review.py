"""A simulated reviewer: decide the first 0, 10, 25 and 50 % of a set's commitments from its gold, let the
link decision learn from those decisions, and score the commitments not reviewed.

Honest by construction: for each development set the starting model is the one fitted on the *other*
set (leave-one-set-out, as in ``benchmarks/link_model.py``), so everything it knows of this set comes
from the simulated reviewer. The reviewer works through the commitments in document order; for each it
confirms every gold link and rejects every wrong candidate among the first five shown (what a
reviewer sees on the detail screen). The decisions are refitted on exactly as ``tracker match`` does
(:func:`tracker.match.learn.learned_model`: at least ``MIN_REVIEWED`` pairs, both kinds; the weights,
held towards the starting ones by ``LEARN_PENALTY``; the thresholds stay) and the
remaining commitments' links and statuses are scored, beside the same commitments decided by the
starting model ("as is": the rest of a set is not the whole set, so only this comparison is fair).

    python benchmarks/simulate_review.py            # about 20 s
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from link_model import Pool, decide, fit_model, prepared  # noqa: E402
from loso import GoldSet  # noqa: E402

from tracker.match.learn import LEARN_PENALTY, MIN_EACH, MIN_REVIEWED  # noqa: E402
from tracker.match.model import LinkModel  # noqa: E402
from tracker.match.run import TOP_K  # noqa: E402

FRACTIONS = (0.0, 0.10, 0.25, 0.50)


def _rest(
    gold_set: GoldSet, set_pools: list[Pool], model: LinkModel, reviewed: set[str]
) -> tuple[float, float, float, float]:
    """Link P, R, F1 and status accuracy of the commitments not reviewed, decided by ``model``."""
    links, evidence, _ranked = decide(
        model, gold_set, set_pools, model.link_threshold, model.status_threshold
    )
    tp = fp = gold_links = 0
    for unit, m in zip(gold_set.units, links, strict=True):
        assert unit.gold is not None and unit.wrong is not None
        rest = np.array([cid not in reviewed for cid in unit.commitment_ids])[:, None]
        tp += int(np.count_nonzero(m & unit.gold & rest))
        fp += int(np.count_nonzero(m & unit.wrong & rest))
        gold_links += int(np.count_nonzero(unit.gold & rest))
    linked = gold_set._linked(evidence)
    lines = [(cid, g) for cid, g in gold_set.status_lines if cid not in reviewed]
    correct = sum(gold_set._status(cid, frozenset(linked.get(cid, ()))) == g for cid, g in lines)
    return (
        tp / max(tp + fp, 1),
        tp / max(gold_links, 1),
        2 * tp / max(gold_links + tp + fp, 1),
        correct / max(len(lines), 1),
    )


def main() -> None:
    started = time.perf_counter()
    sets, all_pools = prepared()
    print(
        f"{'set':<8}{'reviewed':>9}{'pairs':>7}{'refit':>7}{'P':>7}{'R':>7}{'F1':>7}{'status':>8}{'F1 as is':>11}{'status':>8}"
    )
    for gold_set in sets:
        others = [s.name for s in sets if s.name != gold_set.name]
        start = fit_model(sets, all_pools, others)
        set_pools = all_pools[gold_set.name]
        order = [c.id for c in gold_set.commitments]
        for fraction in FRACTIONS:
            reviewed = set(order[: round(fraction * len(order))])
            values, labels = [], []
            first_p = [start.probabilities(p.values) if len(p.rows) else np.zeros(0) for p in set_pools]
            for unit, pool, p in zip(gold_set.units, set_pools, first_p, strict=True):
                assert unit.gold is not None and unit.wrong is not None
                for row, cid in enumerate(unit.commitment_ids):
                    if cid not in reviewed:
                        continue
                    mine = np.flatnonzero(pool.rows == row)
                    shown = set(mine[np.lexsort((pool.columns[mine], -p[mine]))][:TOP_K].tolist())
                    for index in mine.tolist():
                        if pool.labels[index] == 1 or (pool.labels[index] == 0 and index in shown):
                            values.append(pool.values[index])
                            labels.append(pool.labels[index])
            y = np.array(labels, dtype=np.float64)
            enough = len(y) >= MIN_REVIEWED and y.sum() >= MIN_EACH and len(y) - y.sum() >= MIN_EACH
            model = start.refit(np.array(values), y, penalty=LEARN_PENALTY) if enough else start
            (_p, _r, f1_as_is, status_as_is) = _rest(gold_set, set_pools, start, reviewed)
            precision, recall, f1, status = _rest(gold_set, set_pools, model, reviewed)
            print(
                f"{gold_set.name:<8}{fraction:>8.0%} {len(y):>6}{'yes' if enough else 'no':>7}"
                f"{precision:7.3f}{recall:7.3f}{f1:7.3f}{status:8.3f}{f1_as_is:11.3f}{status_as_is:8.3f}"
            )
    print(f"wall time {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
