"""Calibrate each scorer's link rule on a gold file, so thresholds come from data, not taste.

For every scorer, a grid of link rules is tried on the database's gold scopes and the rule with the best
mean of link F1 and status accuracy is printed (statuses are what users read; links are how they get
there). Ties go to the higher absolute bar, i.e. the more conservative rule.
Copy the printed rules into ``tracker/match/link.py``. With one development set the numbers are fitted
to it: expect lower F1 on unseen documents, and recalibrate when more gold sets exist.

    python benchmarks/calibrate.py ../shared/dev-benchmark/fs2024_gold.jsonl \
        --documents seeds ../shared/dev-benchmark/fs2024_outcome.txt
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
from pathlib import Path

from tracker.evaluate.gold import load_gold
from tracker.evaluate.scores import Scores
from tracker.evaluate.scoring import evaluate
from tracker.match.link import LinkRule
from tracker.match.results import SCORER_NAMES, MatchRun
from tracker.review.matching import compute_run
from tracker.store.documents import load_paths
from tracker.store.engine import make_engine, read_session

GRIDS = {
    # Scores of the context scorer and of edit-distance scorers spread over 0-100; TF-IDF cosines are low.
    "default": ((40, 50, 60, 75), range(15, 60, 5), (0.7, 0.8, 0.9, 1.0)),
    "weighted": ((75,), range(10, 45, 5), (0.7, 0.8, 0.9, 1.0)),
    "char_tfidf": ((15, 25, 35, 50), range(5, 40, 5), (0.7, 0.8, 0.9, 1.0)),
}
ACROSS = (0.0, 0.6, 0.8)
KEY_TERMS = {"weighted": (0, 2, 3, 4)}  # only our scorer knows terms


def calibrate(db_url: str, gold_paths: list[str], scorers: list[str]) -> None:
    gold = load_gold(gold_paths)
    engine = make_engine(db_url)
    with read_session(engine) as session:
        scope_report = evaluate(session, gold, compute_run(session))
        scopes = [result.scope for result in scope_report.sets if result.scope]
        print("scopes:", ", ".join(f"{s[0]} {s[1]}" for s in scopes))
        for scorer in scorers:
            absolutes, floors, shares = GRIDS.get(scorer, GRIDS["default"])
            best: tuple[float, float, LinkRule, Scores] | None = None
            grid = itertools.product(absolutes, floors, shares, ACROSS, KEY_TERMS.get(scorer, (0,)))
            for absolute, floor, share, across, key_terms in grid:
                if floor > absolute:
                    continue
                rule = LinkRule(float(absolute), float(floor), share, across, key_terms)
                merged = MatchRun(scorer=scorer)
                for agency, period in scopes:
                    run = compute_run(session, scorer=scorer, agency=agency, period=period, rule=rule)
                    merged.candidates.extend(run.candidates)
                    merged.statuses.update(run.statuses)
                scores = evaluate(session, gold, merged).overall
                objective = ((scores.f1 or 0.0) + (scores.status_accuracy or 0.0)) / 2
                if best is None or (objective, absolute) > (best[0], best[1]):
                    best = (objective, absolute, rule, scores)
            assert best is not None
            rule, scores = best[2], best[3]
            print(
                f'    "{scorer}": LinkRule(absolute={rule.absolute}, floor={rule.floor}, share={rule.share}, '
                f"achievement_share={rule.achievement_share}, key_terms={rule.key_terms}),  # F1 {scores.f1:.3f}, "
                f"status {scores.status_accuracy:.3f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("gold", nargs="+", help="gold JSON Lines files")
    parser.add_argument("--db", help="an existing database (default: build one from --documents)")
    parser.add_argument("--documents", nargs="*", default=[], help="files or folders to ingest first")
    parser.add_argument("--scorers", nargs="*", default=list(SCORER_NAMES), choices=SCORER_NAMES)
    args = parser.parse_args()
    if args.db:
        calibrate(args.db, args.gold, args.scorers)
        return
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'calibrate.db'}"
        result = load_paths(make_engine(url), args.documents)
        if result.errors:
            raise SystemExit("; ".join(str(e) for e in result.errors))
        calibrate(url, args.gold, args.scorers)


if __name__ == "__main__":
    main()
