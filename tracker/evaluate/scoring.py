"""Scoring the database's links and statuses (or an in-memory match run) against gold files, without a UI.

What is compared, set by set (lines with the same ``"set"`` form one set, across files too); every
substring is compared in :func:`tracker.textnorm.normalize` form against ``normalized`` of the rows:

* **Resolving evidence.** An evidence substring resolves to every achievement whose normalised text
  contains it. The set's *scope* is the (agency, period) that most evidence lines resolve into (one
  vote per line and scope; when no evidence resolves, the commitment substrings vote instead); only
  achievements of the scope count for the set. Several in-scope achievements containing one
  substring are all used and reported as ambiguous.
* **Resolving commitments.** Commitment substrings (of evidence, status and non-commitment lines)
  are looked up among the scope's commitments only. A substring resolves to one commitment: when
  several contain it the shortest wins (document order breaks ties) and the ambiguity is reported.
* **Unresolved substrings** (an evidence substring in no achievement of the scope, a commitment
  substring in no commitment of it) are counted once per distinct substring and listed, so
  extraction problems are visible. A gold pair with an unresolved side cannot be predicted; it is
  counted as ``unresolved_gold_links`` and left out of precision and recall, which therefore score
  the matcher on what extraction produced.
* **Links.** Gold links are the (commitment, achievement) pairs of non-optional evidence lines,
  united over lines that resolve to the same achievement; such an achievement is *judged*.
  Predicted links are the pairs in state ``suggested`` plus the reviewer's confirmed/linked pairs,
  minus the reviewer's rejected/unlinked ones (the latest decision per pair wins, as in the report).
  A predicted link on a judged achievement is a true positive when it is a gold link, ignored when
  an optional line of that achievement lists the pair, and a false positive otherwise. A link on an
  achievement touched only by optional lines is ignored; a link on any other achievement of the
  scope (or to a commitment of the scope) is *unjudged*: counted and listed, not scored.
  Precision = TP / predicted, recall = TP / gold, F1 their harmonic mean.
* **recall@5** is the share of gold links whose achievement is among the first five ranked
  candidates of the commitment (the matcher's ranking: rank, then higher score; reviewer decisions
  do not re-rank).
* **Statuses.** Each status line whose commitment resolves is scored by exact match of the
  current status (reviewer decision, else the run's or stored automatic status, else ``pending`` /
  ``no_evidence`` as :func:`tracker.match.resolve.resolve_status` falls back) against the gold
  status; a confusion matrix counts gold rows by predicted columns in SPEC status ids.
* **Non-commitments**: how many non-commitment substrings occur inside some commitment of the scope.

Overall numbers are micro-averaged: counts are summed over sets, then the ratios are taken.
A ratio whose denominator is zero is ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlmodel import Session

from tracker.errors import TrackerError, UsageError
from tracker.evaluate.gold import GoldLine
from tracker.evaluate.scores import EvalReport, Scores
from tracker.evaluate.sets import Predictions, SetScorer
from tracker.match.resolve import linked_pairs, resolve_status
from tracker.match.results import MatchRun
from tracker.review.status import current_statuses
from tracker.store.decision_log import reviewer_links, reviewer_statuses
from tracker.store.models import Commitment
from tracker.store.queries import (
    has_report,
    list_achievements,
    list_candidates,
    list_commitments,
    summary_documents,
)

#: ``--scorer`` value that compares every scorer.
ALL_SCORERS = "all"


def evaluate(session: Session, gold_lines: Sequence[GoldLine], run: MatchRun | None = None) -> EvalReport:
    """Score the database as it is (``run`` None) or ``run`` with the stored reviewer decisions on top.

    See the module docstring for what counts.
    """
    commitments = list_commitments(session)
    achievements = list_achievements(session)
    if run is None:
        predictions = _from_database(session, commitments)
    else:
        predictions = _from_run(session, commitments, run)
    by_set: dict[str, list[GoldLine]] = {}
    for line in gold_lines:
        by_set.setdefault(line.set, []).append(line)
    results = [
        SetScorer(name, lines, commitments, achievements, predictions).score()
        for name, lines in by_set.items()
    ]
    overall = Scores()
    for result in results:
        overall.add(result.scores)
    return EvalReport("database" if run is None else run.scorer, results, overall)


def _ranked(rows: Iterable[tuple[str, str, int, float]]) -> dict[str, list[str]]:
    grouped: dict[str, list[tuple[int, float, str]]] = {}
    for cid, aid, rank, score in rows:
        grouped.setdefault(cid, []).append((rank, -score, aid))
    return {cid: [aid for *_, aid in sorted(items)] for cid, items in grouped.items()}


def _from_database(session: Session, commitments: list[Commitment]) -> Predictions:
    rows = list_candidates(session)
    suggested = ((c.commitment_id, c.achievement_id) for c in rows if c.state == "suggested")
    return Predictions(
        linked_pairs(suggested, reviewer_links(session)),
        _ranked((c.commitment_id, c.achievement_id, c.rank, c.score) for c in rows),
        {cid: view.status for cid, view in current_statuses(session, commitments).items()},
    )


def _from_run(session: Session, commitments: list[Commitment], run: MatchRun) -> Predictions:
    suggested = ((c.commitment_id, c.achievement_id) for c in run.candidates if c.state == "suggested")
    reviewed = reviewer_statuses(session)
    automatic = {cid: result.status for cid, result in run.statuses.items()}
    summaries = summary_documents(session)
    statuses = {
        c.id: resolve_status(
            c.id, has_report(summaries, c.agency, c.period, c.document_id), reviewed, automatic
        ).status
        for c in commitments
    }
    return Predictions(
        linked_pairs(suggested, reviewer_links(session)),
        _ranked((c.commitment_id, c.achievement_id, c.rank, c.score) for c in run.candidates),
        statuses,
    )


def evaluate_scorers(
    session: Session, gold_lines: Sequence[GoldLine], scorer: str | None
) -> tuple[list[EvalReport], EvalReport]:
    """The reports ``tracker eval`` prints and the one whose detail it shows.

    ``scorer`` None scores the database as it is; a scorer's name scores a fresh in-memory match
    run with it (nothing is written); ``"all"`` scores one run per scorer and details the default.

    Raises:
        UsageError: ``scorer`` is not a known scorer name.
        TrackerError: no matcher is installed.
    """
    if scorer is None:
        report = evaluate(session, gold_lines)
        return [report], report
    try:
        from tracker.match import run as matcher
    except ModuleNotFoundError as error:
        if error.name != "tracker.match.run":
            raise
        raise TrackerError(
            "no matcher is available in this version", "run 'tracker eval' without --scorer"
        ) from error
    names = list(matcher.SCORER_NAMES) if scorer == ALL_SCORERS else [scorer]
    if scorer != ALL_SCORERS and scorer not in matcher.SCORER_NAMES:
        raise UsageError(
            f"unknown scorer {scorer!r}", "use one of " + ", ".join([*matcher.SCORER_NAMES, ALL_SCORERS])
        )
    decided = reviewer_links(session)
    reports = [
        evaluate(session, gold_lines, matcher.compute_matches(session, decided=decided, scorer=name))
        for name in names
    ]
    detail_name = matcher.DEFAULT_SCORER if scorer == ALL_SCORERS else scorer
    return reports, reports[names.index(detail_name)] if detail_name in names else reports[0]
