"""Leave-one-set-out evaluation of the matcher's link rule: the one protocol for its figures.

Each development set is one plan against one written outcome, so a rule tuned on a set learns that
text: its figures on that set say how well the rule fits, not how well it will do on the next bureau's
plan. So, per scorer, the link rule (:class:`tracker.match.link.LinkRule`) is fitted on every set but
one and the left-out set's figures are reported (LOSO, the honest estimate); it is also fitted on all
sets together (micro-averaged link F1, the rule to ship) and each set's figures under it are shown,
beside those of today's shipped rule. Never tune on one text.

Fitting maximises link F1 on the fitting set(s); ties go to the higher status accuracy, then to the
rule closest to today's (per parameter the difference over its grid's span, summed), then to the
earlier rule of the grid. One temporary SQLite database holds the five seeds and every set's outcome,
so every scope is present at once, as in a real database.

Why it is fast: a block is scored once per scorer, and the key-term check once per term count (both
are independent of the thresholds); each rule then only re-applies :func:`tracker.match.link.suggested`.
The evaluator judges every predicted pair and every status line on its own, so two probe evaluations
per set tell which pairs are right or wrong and which status each line wants; a rule's F1 and status
accuracy are then counted with numpy, and a commitment's status is computed once per set of links
it gets. The rules reported are evaluated in full by the evaluator (:mod:`tracker.evaluate.sets`) and
must agree with those counts; today's rule must also agree with
:func:`tracker.review.matching.compute_run` + :func:`tracker.evaluate.scoring.evaluate`. The script
stops when anything disagrees.

    python benchmarks/loso.py                     # our scorer, weighted (about 20 s on 2 cores)
    python benchmarks/loso.py --scorer all --json /tmp/loso.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from sqlmodel import Session

from tracker.evaluate.gold import GoldLine, load_gold
from tracker.evaluate.scores import Scope, Scores, SetResult
from tracker.evaluate.scoring import evaluate
from tracker.evaluate.sets import Predictions, SetScorer
from tracker.match.context import ContextScorer, Item
from tracker.match.link import LINK_RULES, LinkRule, keep_key_term_links, suggested
from tracker.match.resolve import PairKey, automatic_statuses
from tracker.match.results import SCORER_NAMES
from tracker.match.run import TOP_K, agency_stats, make_scorer
from tracker.match.scorers import Scorer
from tracker.review.matching import compute_run
from tracker.store.documents import load_paths
from tracker.store.engine import make_engine, read_session
from tracker.store.models import Achievement, Commitment
from tracker.store.queries import (
    Row,
    has_report,
    list_achievements,
    list_commitments,
    read_rows,
    summary_documents,
)

ROOT = Path(__file__).resolve().parents[1]
DEV_BENCHMARK = ROOT.parent / "shared" / "dev-benchmark"
SETS = ("fs2024", "zs2025")
ALL = "all"
PARAMETERS = ("absolute", "floor", "share", "achievement_share", "key_terms")


@dataclass(frozen=True)
class Grid:
    """The values tried per parameter of the link rule (every combination with floor <= absolute)."""

    absolute: tuple[float, ...]
    floor: tuple[float, ...]
    share: tuple[float, ...] = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
    achievement_share: tuple[float, ...] = (0.0, 0.6, 0.7, 0.8, 0.9, 1.0)
    key_terms: tuple[int, ...] = (0,)  # only the weighted scorer checks key terms

    def rules(self) -> list[LinkRule]:
        values = (getattr(self, name) for name in PARAMETERS)
        return [LinkRule(*combo) for combo in itertools.product(*values) if combo[1] <= combo[0]]

    def distance(self, rule: LinkRule, reference: LinkRule) -> float:
        """How far ``rule`` is from ``reference``: per parameter the difference over the grid's span."""
        total = 0.0
        for name in PARAMETERS:
            values = getattr(self, name)
            span = max(values) - min(values)
            if span:
                total += abs(getattr(rule, name) - getattr(reference, name)) / span
        return total


# Around today's LINK_RULES, wide enough that no fit of the dev sets lands on an edge of a range that
# could go further. Our scorer and the edit-distance scorers score 0-100 (absolute 100 all but switches
# the absolute bar off); character TF-IDF cosines are low.
ABSOLUTE_100 = (25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 100)
FLOOR_100 = (5, 10, 15, 20, 25, 30, 35, 40, 50, 60)
GRIDS = {
    "weighted": Grid(ABSOLUTE_100, FLOOR_100, key_terms=(0, 1, 2, 3, 4, 5, 6, 8)),
    "partial_ratio": Grid(ABSOLUTE_100, FLOOR_100),
    "jieba_token_set": Grid(ABSOLUTE_100, FLOOR_100),
    "char_tfidf": Grid((5, 7.5, 10, 15, 20, 25, 30, 35, 40, 50, 100), (2.5, 5, 7.5, 10, 15, 20, 25, 30)),
}


@dataclass
class Unit:
    """One plan document's commitments against the other documents' achievements of its block
    (a document never reports on its own targets), scored once; boolean matrices have its shape."""

    commitment_ids: list[str]
    achievement_ids: list[str]
    scores: np.ndarray
    key_term_masks: dict[int, np.ndarray]  # count -> pairs whose achievement mentions a key term
    gold: np.ndarray | None = None  # the pairs the evaluator counts as true positives
    wrong: np.ndarray | None = None  # ... and as false positives (see GoldSet.judge)

    def links(self, rule: LinkRule) -> np.ndarray:
        """The matcher's suggested links under ``rule``, as :func:`tracker.match.run.compute_matches`
        decides them."""
        links = suggested(self.scores, rule)
        if rule.key_terms and self.key_term_masks:
            links &= self.key_term_masks[rule.key_terms]
        return links

    def pairs(self, links: np.ndarray) -> list[PairKey]:
        return [
            (self.commitment_ids[r], self.achievement_ids[c]) for r, c in zip(*np.nonzero(links), strict=True)
        ]

    def mask(self, pairs: set[PairKey]) -> np.ndarray:
        rows, columns = self.commitment_ids, self.achievement_ids
        return np.array([[(cid, aid) in pairs for aid in columns] for cid in rows], dtype=bool).reshape(
            len(rows), len(columns)
        )

    def ranked(self) -> dict[str, list[str]]:
        """The first ``TOP_K`` candidates of each commitment (later ranks never count for recall@5)."""
        result = {}
        for row, cid in enumerate(self.commitment_ids):
            order = np.argsort(-self.scores[row], kind="stable")[:TOP_K]
            result[cid] = [self.achievement_ids[i] for i in order if self.scores[row, i] > 0]
        return result


#: A status no commitment has: under it every status line is an error that names its gold status.
PROBE = "(probe)"


@dataclass
class GoldSet:
    """One development set: its gold lines, its scope's statements and its scored units.

    The evaluator judges each predicted pair and each status line on its own (see
    :mod:`tracker.evaluate.scoring`), so :meth:`judge` learns from two probe evaluations which pairs are
    right, which are wrong and which status each status line wants; :meth:`quick` then counts a rule's
    true and false positives and correct statuses without the evaluator, and :meth:`evaluate` gives
    the evaluator's full figures for the rules that are reported.
    """

    name: str
    lines: list[GoldLine]
    commitments: list[Row]  # the scope's, in the evaluation's document order
    achievements: list[Row]
    reported: dict[str, bool]  # commitment id -> another document reports on its agency and period
    units: list[Unit]
    ranked: dict[str, list[str]] = field(default_factory=dict)
    gold_links: int = 0
    status_lines: list[tuple[str, str]] = field(default_factory=list)  # (commitment id, gold status)
    statuses_by_links: dict[bytes, int] = field(default_factory=dict)  # links -> correct statuses
    _status_cache: dict[tuple[str, frozenset[str]], str] = field(default_factory=dict)

    def judge(self) -> None:
        """Learn the gold pairs, the wrong pairs and the gold statuses from two probe evaluations."""
        nothing = self._score(Predictions(set(), self.ranked, {c.id: PROBE for c in self.commitments}))
        every_pair = {pair for unit in self.units for pair in unit.pairs(np.ones_like(unit.scores, bool))}
        everything = self._score(Predictions(every_pair, self.ranked, {}))
        gold = {(p.commitment_id, p.achievement_id) for p in nothing.false_negatives}
        wrong = {(p.commitment_id, p.achievement_id) for p in everything.false_positives}
        for unit in self.units:
            unit.gold, unit.wrong = unit.mask(gold), unit.mask(wrong)
        self.gold_links = nothing.scores.gold_links
        self.status_lines = [(error["commitment_id"], error["gold"]) for error in nothing.status_errors]

    def quick(self, rule: LinkRule) -> Scores:
        """The counts link F1 and status accuracy are taken from, under ``rule``."""
        return self.counts([unit.links(rule) for unit in self.units])

    def counts(self, links: list[np.ndarray], evidence: list[np.ndarray] | None = None) -> Scores:
        """The counts of given link matrices (one per unit); ``evidence``: the pairs that count for
        the statuses, when they are not the links."""
        tp = sum(int(np.count_nonzero(m & u.gold)) for m, u in zip(links, self.units, strict=True))
        fp = sum(int(np.count_nonzero(m & u.wrong)) for m, u in zip(links, self.units, strict=True))
        evidence = links if evidence is None else evidence
        key = b"".join(np.packbits(m).tobytes() for m in evidence)
        if key not in self.statuses_by_links:
            linked = self._linked(evidence)
            self.statuses_by_links[key] = sum(
                self._status(cid, frozenset(linked.get(cid, ()))) == gold for cid, gold in self.status_lines
            )
        return Scores(
            gold_links=self.gold_links,
            predicted_links=tp + fp,
            true_positives=tp,
            status_correct=self.statuses_by_links[key],
            status_total=len(self.status_lines),
        )

    def evaluate(self, rule: LinkRule) -> Scores:
        """The evaluator's figures under ``rule`` (:func:`tracker.evaluate.scoring.evaluate` on a run)."""
        return self.evaluate_links([unit.links(rule) for unit in self.units])

    def evaluate_links(
        self,
        links: list[np.ndarray],
        evidence: list[np.ndarray] | None = None,
        ranked: dict[str, list[str]] | None = None,
    ) -> Scores:
        """The evaluator's figures of given link matrices (and status evidence, and ranking)."""
        pairs = {pair for unit, m in zip(self.units, links, strict=True) for pair in unit.pairs(m)}
        linked = self._linked(links if evidence is None else evidence)
        automatic = automatic_statuses(self.commitments, linked, self._by_id, self.reported)
        statuses = {cid: result.status for cid, result in automatic.items()}
        return self._score(Predictions(pairs, ranked or self.ranked, statuses)).scores

    def _linked(self, links: list[np.ndarray]) -> dict[str, set[str]]:
        linked: dict[str, set[str]] = {}
        for unit, m in zip(self.units, links, strict=True):
            for cid, aid in unit.pairs(m):
                linked.setdefault(cid, set()).add(aid)
        return linked

    def _status(self, cid: str, linked: frozenset[str]) -> str:
        """One commitment's automatic status from its links (a commitment's status depends on its own
        links only, so each (commitment, links) is computed once)."""
        if (cid, linked) not in self._status_cache:
            commitment = [self._commitment_by_id[cid]]
            result = automatic_statuses(commitment, {cid: set(linked)}, self._by_id, self.reported)
            self._status_cache[(cid, linked)] = result[cid].status
        return self._status_cache[(cid, linked)]

    @cached_property
    def _by_id(self) -> dict[str, Row]:
        return {a.id: a for a in self.achievements}

    @cached_property
    def _commitment_by_id(self) -> dict[str, Row]:
        return {c.id: c for c in self.commitments}

    def _score(self, predictions: Predictions) -> SetResult:
        # Row has every attribute SetScorer reads of a Commitment or Achievement, and reads far faster.
        rows = self.commitments, self.achievements
        return SetScorer(self.name, self.lines, *rows, predictions).score()  # type: ignore[arg-type]


def build_database(folder: Path, dev: Path, sets: Sequence[str]) -> str:
    """A SQLite file in ``folder`` with the seeds and every set's outcome; its URL."""
    url = f"sqlite:///{folder / 'loso.db'}"
    paths = [str(ROOT / "seeds"), *(str(dev / f"{name}_outcome.txt") for name in sets)]
    result = load_paths(make_engine(url), paths)
    if result.errors:
        raise SystemExit("; ".join(str(error) for error in result.errors))
    return url


def fitted_scorer(session: Session, name: str, agency: str) -> Scorer:
    """The scorer fitted on ``agency``'s statements, as :func:`tracker.match.run.score_agency` fits it."""
    engine = make_scorer(name)
    commitments = read_rows(session, Commitment, agency, None)
    engine.fit(agency_stats(commitments, read_rows(session, Achievement, agency, None)))
    return engine


def score_unit(engine: Scorer, commitments: list[Row], evidence: list[Row], counts: Sequence[int]) -> Unit:
    """Score a unit the way the matcher does, and the key-term check for each of ``counts``."""
    masks: dict[int, np.ndarray] = {}
    if isinstance(engine, ContextScorer):
        left, right = [Item.of(r) for r in commitments], [Item.of(r) for r in evidence]
        scores = engine.score_items(left, right)
        everything = np.ones(scores.shape, dtype=bool)
        for count in counts:
            key_terms = lambda text, count=count: engine.key_terms(text, count)  # noqa: E731
            masks[count] = keep_key_term_links(everything, left, right, key_terms)
    else:
        scores = engine.score_block([r.normalized for r in commitments], [r.normalized for r in evidence])
    return Unit([r.id for r in commitments], [r.id for r in evidence], scores, masks)


def gold_set(
    session: Session, engine: Scorer, name: str, lines: list[GoldLine], scope: Scope, counts: Sequence[int]
) -> GoldSet:
    """Read a set's scope and score its units."""
    agency, period = scope
    commitments = read_rows(session, Commitment, agency, period)
    achievements = read_rows(session, Achievement, agency, period)
    units = []
    for document in dict.fromkeys(c.document_id for c in commitments):
        own = [c for c in commitments if c.document_id == document]
        evidence = [a for a in achievements if a.document_id != document]
        if evidence:
            units.append(score_unit(engine, own, evidence, counts))
    summaries = summary_documents(session)
    commitment_by_id = {c.id: c for c in commitments}
    achievement_by_id = {a.id: a for a in achievements}
    result = GoldSet(
        name,
        lines,
        [commitment_by_id[c.id] for c in list_commitments(session, agency=agency, period=period)],
        [achievement_by_id[a.id] for a in list_achievements(session, agency=agency, period=period)],
        {c.id: has_report(summaries, agency, period, c.document_id) for c in commitments},
        units,
    )
    for unit in units:
        result.ranked.update(unit.ranked())
    return result


def prepare(session: Session, gold: list[GoldLine], scorer: str, grid: Grid) -> list[GoldSet]:
    """The sets, ready to score rules; checked against the real matcher and evaluation on today's rule."""
    today = LINK_RULES[scorer]
    report = evaluate(session, gold, compute_run(session, scorer=scorer, rule=today))
    counts = sorted({*grid.key_terms, today.key_terms} - {0})
    sets = []
    for result in report.sets:
        if result.scope is None:
            raise SystemExit(f"set {result.name}: no gold substring resolves in the database")
        lines = [line for line in gold if line.set == result.name]
        engine = fitted_scorer(session, scorer, result.scope[0])
        sets.append(gold_set(session, engine, result.name, lines, result.scope, counts))
        sets[-1].judge()
        if sets[-1].evaluate(today).as_dict() != result.scores.as_dict():
            raise SystemExit(f"{scorer}, set {result.name}: the fast path disagrees with compute_run")
    return sets


@dataclass
class Fit:
    """A rule chosen on some sets (``fitted_on``), its figures there, and every set's figures under it."""

    fitted_on: list[str]
    rule: LinkRule
    fitting: Scores
    sets: dict[str, Scores]


#: The counts the search reads; the evaluator's must agree with them.
SEARCHED = ("gold_links", "predicted_links", "true_positives", "status_correct", "status_total")

Table = list[tuple[LinkRule, dict[str, Scores]]]


def combined(per_set: dict[str, Scores], names: Sequence[str]) -> Scores:
    """Micro-average of ``names``' figures (counts summed, then the ratios taken)."""
    total = Scores()
    for name in names:
        total.add(per_set[name])
    return total


def fit(grid: Grid, today: LinkRule, table: Table, on: list[str]) -> tuple[LinkRule, dict[str, Scores]]:
    """The row of ``table`` with the best link F1 on the sets ``on`` (see the module docstring)."""

    def objective(index: int) -> tuple[float, float, float, int]:
        rule, per_set = table[index]
        scores = combined(per_set, on)
        return (scores.f1 or 0.0, scores.status_accuracy or 0.0, -grid.distance(rule, today), -index)

    return table[max(range(len(table)), key=objective)]


def reported(sets: list[GoldSet], row: tuple[LinkRule, dict[str, Scores]], on: list[str]) -> Fit:
    """The evaluator's figures of every set under the row's rule, checked against the search's counts."""
    rule, searched = row
    per_set = {s.name: s.evaluate(rule) for s in sets}
    for name, scores in per_set.items():
        if [getattr(scores, f) for f in SEARCHED] != [getattr(searched[name], f) for f in SEARCHED]:
            raise SystemExit(
                f"set {name}, {rule_text(rule)}: the search's counts disagree with the evaluator"
            )
    return Fit(on, rule, combined(per_set, on), per_set)


def protocol(session: Session, gold: list[GoldLine], scorer: str) -> dict[str, Any]:
    """Every figure of one scorer: the LOSO fits, the fit on all sets, today's rule."""
    started = time.perf_counter()
    grid, today = GRIDS[scorer], LINK_RULES[scorer]
    sets = prepare(session, gold, scorer, grid)
    names = [s.name for s in sets]
    table = [(rule, {s.name: s.quick(rule) for s in sets}) for rule in grid.rules()]
    loso = {}
    for name in names:
        others = [n for n in names if n != name]
        loso[name] = reported(sets, fit(grid, today, table, others), others)
    return {
        "scorer": scorer,
        "sets": names,
        "grid": asdict(grid),
        "rules_tried": len(table),
        "link_sets": {s.name: len(s.statuses_by_links) for s in sets},
        "loso": loso,
        "both": reported(sets, fit(grid, today, table, names), names),
        "today": reported(sets, (today, {s.name: s.quick(today) for s in sets}), names),
        "seconds": time.perf_counter() - started,
    }


COLUMNS = ("P", "R", "F1", "R@5", "status", "non-c")
BLOCKS = ("fitted on the other set (LOSO)", "fitted on both", "today's rule")
SHORT_BLOCKS = ("LOSO", "fitted on both", "today's rule")


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def cells(scores: Scores) -> list[str]:
    """A row's figures: link P, R, F1, recall@5, status accuracy, non-commitments found / listed."""
    ratios = (scores.precision, scores.recall, scores.f1, scores.recall_at_k, scores.status_accuracy)
    return [*map(_number, ratios), f"{scores.non_commitments_found}/{scores.non_commitments_total}"]


def rule_text(rule: LinkRule) -> str:
    return " ".join(f"{name}={getattr(rule, name):g}" for name in PARAMETERS)


def columns(result: dict[str, Any]) -> list[dict[str, Scores]]:
    """Per block of the table, each set's figures and their micro-average (``micro``)."""
    names = result["sets"]
    blocks = [
        {name: result["loso"][name].sets[name] for name in names},
        dict(result["both"].sets),
        dict(result["today"].sets),
    ]
    for block in blocks:
        block["micro"] = combined(block, names)
    return blocks


def print_table(result: dict[str, Any]) -> None:
    blocks = columns(result)
    width = 7 * len(COLUMNS)
    gold = ", ".join(f"{name} {scores.gold_links}" for name, scores in result["today"].sets.items())
    distinct = ", ".join(f"{name} {n}" for name, n in result["link_sets"].items())
    print(
        f"\n{result['scorer']}: {result['rules_tried']} link rules tried in {result['seconds']:.1f} s; "
        f"gold links {gold}; distinct link sets {distinct}"
    )
    print(" " * 8 + " | ".join(f"{title:<{width}}" for title in BLOCKS))
    print(f"{'set':<8}" + " | ".join("".join(f"{c:>7}" for c in COLUMNS) for _ in blocks))
    for name in [*result["sets"], "micro"]:
        row = [" ".join(f"{c:>6}" for c in cells(block[name])) for block in blocks]
        print(f"{name:<8}" + " | ".join(f" {r}" for r in row))
    print("chosen rules, with F1 and status accuracy on the sets they were fitted on (today's: on all):")
    for name, chosen in result["loso"].items():
        print(f"  {'fitted on ' + '+'.join(chosen.fitted_on) + ', for ' + name:<30} {_fit_text(chosen)}")
    print(f"  {'fitted on ' + '+'.join(result['both'].fitted_on):<30} {_fit_text(result['both'])}")
    print(f"  {'today (LINK_RULES)':<30} {_fit_text(result['today'])}")


def _fit_text(chosen: Fit) -> str:
    scores = chosen.fitting
    return f"{rule_text(chosen.rule)}  F1 {_number(scores.f1)}, status {_number(scores.status_accuracy)}"


def print_side_by_side(results: list[dict[str, Any]]) -> None:
    """Every scorer's link F1 per set: LOSO, fitted on both, today's rule."""
    names = [*results[0]["sets"], "micro"]
    width = 7 * len(names)
    print("\nlink F1 per scorer")
    print(" " * 16 + " | ".join(f"{title:<{width}}" for title in SHORT_BLOCKS))
    print(f"{'scorer':<16}" + " | ".join("".join(f"{n:>7}" for n in names) for _ in BLOCKS))
    for result in results:
        blocks = columns(result)
        row = [" ".join(f"{_number(block[n].f1):>6}" for n in names) for block in blocks]
        print(f"{result['scorer']:<16}" + " | ".join(f" {r}" for r in row))


def as_json(result: dict[str, Any]) -> dict[str, Any]:
    def fitted(chosen: Fit) -> dict[str, Any]:
        return {
            "fitted_on": chosen.fitted_on,
            "rule": asdict(chosen.rule),
            "fitting": chosen.fitting.as_dict(),
            "sets": {name: scores.as_dict() for name, scores in chosen.sets.items()},
        }

    return {
        **result,
        "loso": {name: fitted(chosen) for name, chosen in result["loso"].items()},
        "both": fitted(result["both"]),
        "today": fitted(result["today"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scorer", default=SCORER_NAMES[0], choices=[*SCORER_NAMES, ALL])
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--dev-benchmark", type=Path, default=DEV_BENCHMARK, help="folder of the sets")
    parser.add_argument(
        "--sets", nargs="+", default=list(SETS), help="set names: NAME_outcome.txt, NAME_gold.jsonl"
    )
    args = parser.parse_args()
    if len(args.sets) < 2:
        parser.error("leave-one-set-out needs two sets or more")
    started = time.perf_counter()
    scorers = list(SCORER_NAMES) if args.scorer == ALL else [args.scorer]
    gold = load_gold([args.dev_benchmark / f"{name}_gold.jsonl" for name in args.sets])
    with tempfile.TemporaryDirectory() as folder:
        url = build_database(Path(folder), args.dev_benchmark, args.sets)
        with read_session(make_engine(url)) as session:
            results = []
            for scorer in scorers:
                results.append(protocol(session, gold, scorer))
                print_table(results[-1])
    if len(results) > 1:
        print_side_by_side(results)
    seconds = time.perf_counter() - started
    print(f"\nwall time {seconds:.1f} s (database built from the seeds and {len(args.sets)} outcomes)")
    if args.json:
        document = {"seconds": seconds, "scorers": [as_json(result) for result in results]}
        args.json.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
