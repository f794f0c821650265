"""What an evaluation reports: the additive counts of a gold set and their ratios, the pairs and gold
substrings behind them, per set and overall (see :mod:`tracker.evaluate.scoring` for what counts)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any

from tracker.statuses import status_rank

TOP_K = 5

Scope = tuple[str, int]


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
    return status_rank(gold), status_rank(predicted)


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
