"""Fit the learned link decision on the development gold, leave-one-set-out, and write the shipped model.

The protocol is the one of ``benchmarks/loso.py``: fit on every set but one and report the left-out
set (the honest estimate), fit on all sets and report each; beside them the calibrated link rule under
the same protocol, so the two decisions are compared on equal terms. The model fitted on all sets is
written to ``tracker/match/link_model.json`` with ``--write``.

Examples are the pairs the decision looks at (each commitment's ``POOL`` best candidates of its unit):
a pair the evaluator counts as a true positive is 1, a false positive 0, one it ignores (optional gold)
is left out. Fitting takes, on the fitting sets: the weights (penalised logistic regression), then the
link threshold with the best link F1, then the status threshold (at most the link threshold) with the
best status accuracy. The candidates shown are ranked by probability.

    python benchmarks/link_model.py                 # the table (about 20 s)
    python benchmarks/link_model.py --write         # and the shipped model
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loso import (  # noqa: E402
    DEV_BENCHMARK,
    GRIDS,
    SETS,
    GoldSet,
    build_database,
    fit,
    fitted_scorer,
    prepare,
    reported,
)

from tracker.evaluate.gold import load_gold  # noqa: E402
from tracker.evaluate.scores import Scores  # noqa: E402
from tracker.match.context import ContextScorer, Item  # noqa: E402
from tracker.match.features import NAMES, POOL, BlockFeatures, candidate_pairs  # noqa: E402
from tracker.match.link import LINK_RULES  # noqa: E402
from tracker.match.model import SHIPPED, LinkModel, fit_logistic, standardised  # noqa: E402
from tracker.match.run import TOP_K  # noqa: E402
from tracker.store.engine import make_engine, read_session  # noqa: E402

#: The ridge penalties tried; the one with the best held-out log-likelihood in a 5-fold cross-validation
#: over the fitting sets' commitments (a commitment's pairs stay in one fold) is taken.
PENALTIES = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0)
FOLDS = 5
THRESHOLDS = tuple(np.round(np.arange(0.05, 0.951, 0.025), 3))


@dataclass
class Pool:
    """One unit's candidate pairs, their features and labels (1 gold, 0 wrong, -1 ignored)."""

    rows: np.ndarray
    columns: np.ndarray
    values: np.ndarray
    labels: np.ndarray
    shape: tuple[int, int]


def pools(engine: ContextScorer, gold_set: GoldSet) -> list[Pool]:
    commitment_by_id = {c.id: c for c in gold_set.commitments}
    achievement_by_id = {a.id: a for a in gold_set.achievements}
    result = []
    for unit in gold_set.units:
        left = [Item.of(commitment_by_id[i]) for i in unit.commitment_ids]
        right = [Item.of(achievement_by_id[i]) for i in unit.achievement_ids]
        block = BlockFeatures(engine, left, right)
        parts = block.parts
        rows, columns = candidate_pairs(parts.final, POOL)
        values = block.values(rows, columns)
        assert unit.gold is not None and unit.wrong is not None
        labels = np.where(unit.gold[rows, columns], 1, np.where(unit.wrong[rows, columns], 0, -1))
        result.append(Pool(rows, columns, values, labels, parts.final.shape))
    return result


def decide(
    model: LinkModel, gold_set: GoldSet, set_pools: list[Pool], link: float, status: float
) -> tuple[list[np.ndarray], list[np.ndarray], dict[str, list[str]]]:
    """Link and status-evidence matrices per unit, and the candidates ranked by probability."""
    links, evidence, ranked = [], [], {}
    for unit, pool in zip(gold_set.units, set_pools, strict=True):
        p = model.probabilities(pool.values) if len(pool.rows) else np.zeros(0)
        m, e = np.zeros(pool.shape, bool), np.zeros(pool.shape, bool)
        m[pool.rows[p >= link], pool.columns[p >= link]] = True
        e[pool.rows[p >= status], pool.columns[p >= status]] = True
        links.append(m)
        evidence.append(m | e)
        for row, cid in enumerate(unit.commitment_ids):
            mine = np.flatnonzero(pool.rows == row)
            order = mine[np.lexsort((pool.columns[mine], -p[mine]))][:TOP_K]
            ranked[cid] = [unit.achievement_ids[pool.columns[i]] for i in order]
    return links, evidence, ranked


def fit_model(sets: Sequence[GoldSet], all_pools: dict[str, list[Pool]], on: Sequence[str]) -> LinkModel:
    chosen = [s for s in sets if s.name in on]
    values = np.vstack([p.values for s in chosen for p in all_pools[s.name]])
    labels = np.concatenate([p.labels for s in chosen for p in all_pools[s.name]])
    groups = np.concatenate(
        [hash_rows(s.name, i, p.rows) for s in chosen for i, p in enumerate(all_pools[s.name])]
    )
    kept = labels >= 0
    values, labels, groups = values[kept], labels[kept], groups[kept]
    mean, scale = standardised(values)
    z = (values - mean) / scale
    penalty = min(PENALTIES, key=lambda pen: held_out_loss(z, labels, groups, pen))
    theta = fit_logistic(z, labels, penalty=penalty)
    model = LinkModel(
        names=NAMES,
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        weights=tuple(float(w) for w in theta[1:]),
        bias=float(theta[0]),
        link_threshold=0.5,
        status_threshold=0.5,
        penalty=penalty,
        fitted_on={"sets": list(on), "pairs": int(len(labels)), "links": int(labels.sum())},
    )

    def total(link: float, status: float) -> Scores:
        scores = Scores()
        for s in chosen:
            links, evidence, _ranked = decide(model, s, all_pools[s.name], link, status)
            scores.add(s.counts(links, evidence))
        return scores

    link = max(THRESHOLDS, key=lambda t: ((total(t, t).f1 or 0.0), -abs(t - 0.5)))
    status = max(
        (t for t in THRESHOLDS if t <= link),
        key=lambda t: ((total(link, t).status_accuracy or 0.0), t),
    )
    return LinkModel(**{**model.__dict__, "link_threshold": float(link), "status_threshold": float(status)})


def hash_rows(name: str, unit: int, rows: np.ndarray) -> np.ndarray:
    """A fold number per pair, the same for every pair of one commitment."""
    return np.array([zlib.crc32(f"{name}/{unit}/{row}".encode()) % FOLDS for row in rows.tolist()], dtype=int)


def held_out_loss(z: np.ndarray, labels: np.ndarray, groups: np.ndarray, penalty: float) -> float:
    """Mean log-loss of the folds, each predicted by a fit on the others."""
    loss = 0.0
    for fold in range(FOLDS):
        test = groups == fold
        theta = fit_logistic(z[~test], labels[~test], penalty=penalty)
        p = np.clip(1 / (1 + np.exp(-(theta[0] + z[test] @ theta[1:]))), 1e-9, 1 - 1e-9)
        loss -= float(np.sum(labels[test] * np.log(p) + (1 - labels[test]) * np.log(1 - p)))
    return loss / len(labels)


def figures(model: LinkModel, gold_set: GoldSet, set_pools: list[Pool]) -> Scores:
    links, evidence, ranked = decide(model, gold_set, set_pools, model.link_threshold, model.status_threshold)
    return gold_set.evaluate_links(links, evidence, ranked)


def recall_at(gold_set: GoldSet, set_pools: list[Pool], model: LinkModel, k: int) -> float:
    """Share of gold links among each commitment's first ``k`` candidates ranked by probability."""
    found = 0
    for unit, pool in zip(gold_set.units, set_pools, strict=True):
        assert unit.gold is not None
        p = model.probabilities(pool.values) if len(pool.rows) else np.zeros(0)
        for row in range(len(unit.commitment_ids)):
            mine = np.flatnonzero(pool.rows == row)
            top = mine[np.lexsort((pool.columns[mine], -p[mine]))][:k]
            found += int(unit.gold[row, pool.columns[top]].sum())
    return found / max(gold_set.gold_links, 1)


def row(name: str, scores: Scores, extra: str = "") -> str:
    def n(v: float | None) -> str:
        return "   -  " if v is None else f"{v:6.3f}"

    return (
        f"{name:<34}{n(scores.precision)}{n(scores.recall)}{n(scores.f1)}{n(scores.recall_at_k)}"
        f"{n(scores.status_accuracy)}{extra}"
    )


def prepared() -> tuple[list[GoldSet], dict[str, list[Pool]]]:
    """The development sets scored, and their candidate pools with features and labels."""
    gold = load_gold([DEV_BENCHMARK / f"{name}_gold.jsonl" for name in SETS])
    with tempfile.TemporaryDirectory() as folder:
        engine_url = build_database(Path(folder), DEV_BENCHMARK, SETS)
        engine = make_engine(engine_url)
        with read_session(engine) as session:
            sets = prepare(session, gold, "weighted", GRIDS["weighted"])
            all_pools = {}
            for gold_set in sets:
                scorer = fitted_scorer(session, "weighted", gold_set.commitments[0].agency)
                assert isinstance(scorer, ContextScorer)
                all_pools[gold_set.name] = pools(scorer, gold_set)
        engine.dispose()
    return sets, all_pools


def leave_one_set_out() -> dict[str, tuple[Scores, Scores]]:
    """Per set: the model's figures and the link rule's, each fitted on the other set(s)."""
    sets, all_pools = prepared()
    names = [s.name for s in sets]
    grid, today = GRIDS["weighted"], LINK_RULES["weighted"]
    table = [(rule, {s.name: s.quick(rule) for s in sets}) for rule in grid.rules()]
    result = {}
    for gold_set in sets:
        others = [n for n in names if n != gold_set.name]
        model = fit_model(sets, all_pools, others)
        rules = reported(sets, fit(grid, today, table, others), others).sets[gold_set.name]
        result[gold_set.name] = (figures(model, gold_set, all_pools[gold_set.name]), rules)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="write the model fitted on every set")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    started = time.perf_counter()
    sets, all_pools = prepared()
    names = [s.name for s in sets]
    grid, today = GRIDS["weighted"], LINK_RULES["weighted"]
    table = [(rule, {s.name: s.quick(rule) for s in sets}) for rule in grid.rules()]
    out: dict[str, dict[str, dict[str, float | None]]] = {}
    header = f"{'':<34}{'P':>6}{'R':>6}{'F1':>6}{'R@5':>6}{'status':>7}{'R@10':>7}"
    print(header)
    for name in names:
        others = [n for n in names if n != name]
        model = fit_model(sets, all_pools, others)
        gold_set = next(s for s in sets if s.name == name)
        scores = figures(model, gold_set, all_pools[name])
        r10 = recall_at(gold_set, all_pools[name], model, 10)
        rules = reported(sets, fit(grid, today, table, others), others).sets[name]
        print(row(f"{name} LOSO  model", scores, f"{r10:7.3f}"))
        print(row(f"{name} LOSO  rules", rules))
        print(
            f"   model fitted on {others}: penalty {model.penalty}, link ≥ {model.link_threshold}, "
            f"status ≥ {model.status_threshold}"
        )
        out[f"{name} loso model"] = {**scores.as_dict(), "recall_at_10": r10}
        out[f"{name} loso rules"] = rules.as_dict()
    both = fit_model(sets, all_pools, names)
    total = Scores()
    for gold_set in sets:
        scores = figures(both, gold_set, all_pools[gold_set.name])
        total.add(scores)
        r10 = recall_at(gold_set, all_pools[gold_set.name], both, 10)
        print(row(f"{gold_set.name} both  model", scores, f"{r10:7.3f}"))
        out[f"{gold_set.name} both model"] = {**scores.as_dict(), "recall_at_10": r10}
    print(row("micro both  model", total))
    rules_both = reported(sets, fit(grid, today, table, names), names)
    for name in names:
        print(row(f"{name} both  rules", rules_both.sets[name]))
    print(
        f"   model fitted on both: penalty {both.penalty}, link ≥ {both.link_threshold}, "
        f"status ≥ {both.status_threshold}"
    )
    print("   weights (log-odds per standard deviation):")
    for name, weight in sorted(zip(both.names, both.weights, strict=True), key=lambda p: -abs(p[1])):
        print(f"     {name:<20}{weight:+.2f}")
    if args.write:
        SHIPPED.write_text(both.to_json(), encoding="utf-8")
        print(f"wrote {SHIPPED.relative_to(Path(__file__).resolve().parents[1])}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
    print(f"wall time {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
