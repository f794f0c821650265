"""Calibrate each scorer's link rule on a gold file, so thresholds come from data, not taste.

For every scorer, a grid of (absolute, floor, share) rules is tried on the database's gold scope and the
rule with the best link F1 is printed (ties: the higher absolute bar, i.e. the more conservative rule).
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

from tracker.evaluate import evaluate
from tracker.gold import load_gold
from tracker.load import load_paths
from tracker.match.link import LinkRule
from tracker.match.run import SCORER_NAMES, compute_matches
from tracker.store.engine import make_engine, read_session

GRIDS = {
    # Scores of the context scorer and of edit-distance scorers spread over 0-100; TF-IDF cosines are low.
    "default": (range(20, 80, 5), range(10, 60, 5), (0.7, 0.8, 0.9, 1.0)),
    "char_tfidf": (range(10, 60, 5), range(5, 40, 5), (0.7, 0.8, 0.9, 1.0)),
}
ACROSS = (0.0, 0.6, 0.8)


def calibrate(db_url: str, gold_paths: list[str], scorers: list[str]) -> None:
    gold = load_gold(gold_paths)
    engine = make_engine(db_url)
    with read_session(engine) as session:
        scope_report = evaluate(session, gold, compute_matches(session))
        scopes = [result.scope for result in scope_report.sets if result.scope]
        print("scopes:", ", ".join(f"{s[0]} {s[1]}" for s in scopes))
        for scorer in scorers:
            absolutes, floors, shares = GRIDS.get(scorer, GRIDS["default"])
            best: tuple[float, float, LinkRule] | None = None
            for absolute, floor, share, across in itertools.product(absolutes, floors, shares, ACROSS):
                if floor > absolute:
                    continue
                rule = LinkRule(float(absolute), float(floor), share, across)
                f1 = 0.0
                for agency, period in scopes:
                    run = compute_matches(session, scorer=scorer, agency=agency, period=period, rule=rule)
                    f1 = evaluate(session, gold, run).overall.f1 or 0.0
                if best is None or (f1, absolute) > (best[0], best[1]):
                    best = (f1, absolute, rule)
            assert best is not None
            print(
                f'    "{scorer}": LinkRule(absolute={best[2].absolute}, floor={best[2].floor}, '
                f"share={best[2].share}, achievement_share={best[2].achievement_share}),  # F1 {best[0]:.3f}"
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
