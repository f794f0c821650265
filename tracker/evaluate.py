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
  ``no_evidence`` as :func:`tracker.store.repository.current_statuses` falls back) against the gold
  status; a confusion matrix counts gold rows by predicted columns in SPEC status ids.
* **Non-commitments**: how many non-commitment substrings occur inside some commitment of the scope.

Overall numbers are micro-averaged: counts are summed over sets, then the ratios are taken.
A ratio whose denominator is zero is ``None``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from sqlmodel import Session

from tracker.errors import TrackerError, UsageError
from tracker.gold import GoldLine
from tracker.match.api import MatchRun
from tracker.statuses import STATUSES
from tracker.store.models import Achievement, Commitment
from tracker.store.repository import (
    current_statuses,
    has_report,
    list_achievements,
    list_candidates,
    list_commitments,
    resolve_status,
    reviewer_links,
    reviewer_statuses,
    summary_documents,
)
from tracker.textnorm import normalize

TOP_K = 5
#: ``--scorer`` value that compares every scorer.
ALL_SCORERS = "all"
LINKED_BY_REVIEWER = "confirmed"
#: Prefix of a placeholder id standing for an unresolved substring (stable ids start c-/a-).
_UNRESOLVED = "?"

Scope = tuple[str, int]
PairKey = tuple[str, str]  # (commitment id, achievement id)
RowT = TypeVar("RowT", Commitment, Achievement)


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


@dataclass
class Scores:
    """The additive counts of one set (or of all sets) and the ratios taken from them."""

    gold_links: int = 0
    predicted_links: int = 0
    true_positives: int = 0
    unjudged_links: int = 0
    ignored_links: int = 0
    unresolved_gold_links: int = 0
    top_k_hits: int = 0
    status_correct: int = 0
    status_total: int = 0
    non_commitments_found: int = 0
    non_commitments_total: int = 0
    unresolved: int = 0
    ambiguous: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def false_positives(self) -> int:
        return self.predicted_links - self.true_positives

    @property
    def false_negatives(self) -> int:
        return self.gold_links - self.true_positives

    @property
    def precision(self) -> float | None:
        return _ratio(self.true_positives, self.predicted_links)

    @property
    def recall(self) -> float | None:
        return _ratio(self.true_positives, self.gold_links)

    @property
    def f1(self) -> float | None:
        return _ratio(2 * self.true_positives, self.gold_links + self.predicted_links)

    @property
    def recall_at_k(self) -> float | None:
        return _ratio(self.top_k_hits, self.gold_links)

    @property
    def status_accuracy(self) -> float | None:
        return _ratio(self.status_correct, self.status_total)

    def add(self, other: Scores) -> None:
        """Add ``other``'s counts to these (micro-averaging)."""
        for f in fields(self):
            if f.name != "confusion":
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        self.confusion.update(other.confusion)

    def as_dict(self) -> dict[str, Any]:
        counts = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "confusion"}
        matrix: dict[str, dict[str, int]] = {}
        for (gold, predicted), n in sorted(self.confusion.items(), key=lambda kv: _status_order(kv[0])):
            matrix.setdefault(gold, {})[predicted] = n
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            f"recall_at_{TOP_K}": self.recall_at_k,
            "status_accuracy": self.status_accuracy,
            **counts,
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
            "confusion": matrix,
        }


def _status_order(pair: tuple[str, str]) -> tuple[int, int]:
    gold, predicted = pair
    return _status_index(gold), _status_index(predicted)


def _status_index(status: str) -> int:
    return STATUSES.index(status) if status in STATUSES else len(STATUSES)


@dataclass(frozen=True)
class Pair:
    """A (commitment, achievement) link with both texts, for listings."""

    commitment_id: str
    achievement_id: str
    commitment: str
    achievement: str

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class Problem:
    """A gold substring that resolved to nothing (``matches`` 0) or to several rows.

    ``lost_links`` counts the gold links an unresolved substring keeps from being scored (0 for
    boilerplate that supports nothing and was rightly not extracted).
    """

    where: str
    kind: str  # "evidence" or "commitment"
    text: str
    matches: int
    reason: str = ""
    lost_links: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class SetResult:
    """The scores of one gold set and the pairs and substrings behind them."""

    name: str
    scope: Scope | None
    scores: Scores = field(default_factory=Scores)
    false_positives: list[Pair] = field(default_factory=list)
    false_negatives: list[Pair] = field(default_factory=list)
    unjudged: list[Pair] = field(default_factory=list)
    missed_top_k: list[Pair] = field(default_factory=list)
    status_errors: list[dict[str, Any]] = field(default_factory=list)
    non_commitments_found: list[dict[str, Any]] = field(default_factory=list)
    unresolved: list[Problem] = field(default_factory=list)
    ambiguous: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        scope = None if self.scope is None else {"agency": self.scope[0], "period": self.scope[1]}
        return {
            "set": self.name,
            "scope": scope,
            "scores": self.scores.as_dict(),
            "false_positives": [p.as_dict() for p in self.false_positives],
            "false_negatives": [p.as_dict() for p in self.false_negatives],
            "unjudged": [p.as_dict() for p in self.unjudged],
            f"missed_top_{TOP_K}": [p.as_dict() for p in self.missed_top_k],
            "status_errors": self.status_errors,
            "non_commitments_found": self.non_commitments_found,
            "unresolved": [p.as_dict() for p in self.unresolved],
            "ambiguous": [p.as_dict() for p in self.ambiguous],
        }


@dataclass
class EvalReport:
    """Scores of one prediction source (``database`` or a scorer's name) per set and overall."""

    source: str
    sets: list[SetResult]
    overall: Scores

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "overall": self.overall.as_dict(),
            "sets": [s.as_dict() for s in self.sets],
        }


@dataclass
class _Predictions:
    links: set[PairKey]
    ranked: dict[str, list[str]]  # commitment id -> achievement ids, best first
    statuses: dict[str, str]


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
        _SetScorer(name, lines, commitments, achievements, predictions).score()
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


def _with_reviewer_links(session: Session, links: set[PairKey]) -> set[PairKey]:
    for pair, state in reviewer_links(session).items():
        if state == LINKED_BY_REVIEWER:
            links.add(pair)
        else:
            links.discard(pair)
    return links


def _from_database(session: Session, commitments: list[Commitment]) -> _Predictions:
    rows = list_candidates(session)
    links = {(c.commitment_id, c.achievement_id) for c in rows if c.state == "suggested"}
    return _Predictions(
        _with_reviewer_links(session, links),
        _ranked((c.commitment_id, c.achievement_id, c.rank, c.score) for c in rows),
        {cid: view.status for cid, view in current_statuses(session, commitments).items()},
    )


def _from_run(session: Session, commitments: list[Commitment], run: MatchRun) -> _Predictions:
    links = {(c.commitment_id, c.achievement_id) for c in run.candidates if c.state == "suggested"}
    reviewed = reviewer_statuses(session)
    automatic = {cid: result.status for cid, result in run.statuses.items()}
    summaries = summary_documents(session)
    statuses = {
        c.id: resolve_status(
            c.id, has_report(summaries, c.agency, c.period, c.document_id), reviewed, automatic
        ).status
        for c in commitments
    }
    return _Predictions(
        _with_reviewer_links(session, links),
        _ranked((c.commitment_id, c.achievement_id, c.rank, c.score) for c in run.candidates),
        statuses,
    )


class _SetScorer:
    """Resolves one set's substrings and compares its gold with the predictions."""

    def __init__(
        self,
        name: str,
        lines: list[GoldLine],
        commitments: list[Commitment],
        achievements: list[Achievement],
        predictions: _Predictions,
    ) -> None:
        self.lines = lines
        self.predictions = predictions
        self.commitment_order = {c.id: i for i, c in enumerate(commitments)}
        self.achievement_order = {a.id: i for i, a in enumerate(achievements)}
        self.commitment_rows = {c.id: c for c in commitments}
        self.achievement_rows = {a.id: a for a in achievements}
        self.evidence_hits = {
            i: _containing(achievements, line.text) for i, line in enumerate(lines) if line.kind == "evidence"
        }
        scope = _vote(self.evidence_hits.values()) or _vote(
            _containing(commitments, text) for text in self._commitment_texts()
        )
        self.scope_commitments = [c for c in commitments if (c.agency, c.period) == scope]
        self.result = SetResult(name, scope)
        self._problems: dict[tuple[str, str], Problem] = {}
        self._resolved: dict[str, Commitment | None] = {}

    def _commitment_texts(self) -> list[str]:
        texts: list[str] = []
        for line in self.lines:
            texts.extend(line.commitments if line.kind == "evidence" else [line.text])
        return texts

    def score(self) -> SetResult:
        self._links()
        self._statuses()
        self._non_commitments()
        self.result.scores.unresolved = len(self.result.unresolved)
        self.result.scores.ambiguous = len(self.result.ambiguous)
        return self.result

    def _problem(self, line: GoldLine, kind: str, text: str, matches: int, reason: str = "") -> None:
        if (kind, text) in self._problems:
            return
        problem = self._problems[(kind, text)] = Problem(line.where, kind, text, matches, reason)
        (self.result.unresolved if matches == 0 else self.result.ambiguous).append(problem)

    def _commitment(self, line: GoldLine, text: str) -> Commitment | None:
        if text not in self._resolved:
            matches = _containing(self.scope_commitments, text)
            self._resolved[text] = min(matches, key=lambda c: len(c.normalized)) if matches else None
            if len(matches) != 1:
                self._problem(line, "commitment", text, len(matches), "" if matches else "in no commitment")
        return self._resolved[text]

    def _achievements(self, index: int, line: GoldLine) -> list[Achievement]:
        hits = self.evidence_hits[index]
        found = [a for a in hits if (a.agency, a.period) == self.result.scope]
        if not found:
            reason = "only outside the set's agency and period" if hits else "in no achievement"
            self._problem(line, "evidence", line.text, 0, reason)
        elif len(found) > 1:
            self._problem(line, "evidence", line.text, len(found))
        return found

    def _pair(self, key: PairKey) -> Pair:
        cid, aid = key
        commitment = self.commitment_rows.get(cid)
        achievement = self.achievement_rows.get(aid)
        return Pair(cid, aid, commitment.text if commitment else "", achievement.text if achievement else "")

    def _pairs(self, keys: Iterable[PairKey]) -> list[Pair]:
        def order(key: PairKey) -> tuple[int, int, str, str]:
            big = len(self.commitment_order) + len(self.achievement_order)
            return (self.commitment_order.get(key[0], big), self.achievement_order.get(key[1], big), *key)

        return [self._pair(key) for key in sorted(keys, key=order)]

    def _links(self) -> None:
        gold: set[PairKey] = set()
        optional: set[PairKey] = set()
        lost: set[tuple[str, str]] = set()
        judged: set[str] = set()
        touched: set[str] = set()
        for index, line in enumerate(self.lines):
            if line.kind != "evidence":
                continue
            found = [a.id for a in self._achievements(index, line)]
            (touched if line.optional else judged).update(found)
            a_keys = found or [_UNRESOLVED + line.text]
            for text in line.commitments:
                commitment = self._commitment(line, text)
                for aid in a_keys:
                    if commitment is None or aid.startswith(_UNRESOLVED):
                        if not line.optional:
                            lost.add((commitment.id if commitment else _UNRESOLVED + text, aid))
                    else:
                        (optional if line.optional else gold).add((commitment.id, aid))

        for ckey, akey in lost:
            for kind, key in (("commitment", ckey), ("evidence", akey)):
                if key.startswith(_UNRESOLVED):
                    self._problems[(kind, key[1:])].lost_links += 1

        scope_achievements = {
            a.id for a in self.achievement_rows.values() if (a.agency, a.period) == self.result.scope
        }
        scope_commitments = {c.id for c in self.scope_commitments}
        true_pos: set[PairKey] = set()
        false_pos: set[PairKey] = set()
        unjudged: set[PairKey] = set()
        ignored = 0
        for pair in self.predictions.links:
            cid, aid = pair
            if aid in judged:
                if pair in gold:
                    true_pos.add(pair)
                elif pair in optional:
                    ignored += 1
                else:
                    false_pos.add(pair)
            elif aid in touched:
                ignored += 1
            elif aid in scope_achievements or cid in scope_commitments:
                unjudged.add(pair)

        ranked = self.predictions.ranked
        missed = {(cid, aid) for cid, aid in gold if aid not in ranked.get(cid, [])[:TOP_K]}
        scores = self.result.scores
        scores.gold_links = len(gold)
        scores.predicted_links = len(true_pos) + len(false_pos)
        scores.true_positives = len(true_pos)
        scores.unjudged_links = len(unjudged)
        scores.ignored_links = ignored
        scores.unresolved_gold_links = len(lost)
        scores.top_k_hits = len(gold) - len(missed)
        self.result.false_positives = self._pairs(false_pos)
        self.result.false_negatives = self._pairs(gold - true_pos)
        self.result.unjudged = self._pairs(unjudged)
        self.result.missed_top_k = self._pairs(missed)

    def _statuses(self) -> None:
        scores = self.result.scores
        for line in self.lines:
            if line.kind != "status" or line.status is None:
                continue
            commitment = self._commitment(line, line.text)
            if commitment is None:
                continue
            predicted = self.predictions.statuses.get(commitment.id, "pending")
            scores.status_total += 1
            scores.confusion[(line.status, predicted)] += 1
            if predicted == line.status:
                scores.status_correct += 1
            else:
                self.result.status_errors.append(
                    {
                        "where": line.where,
                        "commitment_id": commitment.id,
                        "commitment": commitment.text,
                        "gold": line.status,
                        "predicted": predicted,
                    }
                )

    def _non_commitments(self) -> None:
        scores = self.result.scores
        for line in self.lines:
            if line.kind != "non_commitment":
                continue
            scores.non_commitments_total += 1
            needle = normalize(line.text)
            inside = next((c for c in self.scope_commitments if needle in c.normalized), None)
            if inside is not None:
                scores.non_commitments_found += 1
                self.result.non_commitments_found.append(
                    {
                        "where": line.where,
                        "text": line.text,
                        "commitment_id": inside.id,
                        "commitment": inside.text,
                    }
                )


def _containing(rows: Sequence[RowT], text: str) -> list[RowT]:
    """The rows whose normalised text contains ``text`` in normal form."""
    needle = normalize(text)
    return [row for row in rows if needle in row.normalized]


def _vote(groups: Iterable[Sequence[Achievement] | Sequence[Commitment]]) -> Scope | None:
    """The (agency, period) most groups have a row in (the first seen wins a tie); None when none has."""
    votes: Counter[Scope] = Counter()
    for rows in groups:
        for scope in dict.fromkeys((row.agency, row.period) for row in rows):
            votes[scope] += 1
    return votes.most_common(1)[0][0] if votes else None


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
    reports = [evaluate(session, gold_lines, matcher.compute_matches(session, scorer=name)) for name in names]
    detail_name = matcher.DEFAULT_SCORER if scorer == ALL_SCORERS else scorer
    return reports, reports[names.index(detail_name)] if detail_name in names else reports[0]
