"""What a matching run produces, independent of how it is scored or stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

#: The scorer ``tracker match`` uses, and every scorer ``--scorer`` accepts (ours first).
DEFAULT_SCORER = "weighted"
SCORER_NAMES = (DEFAULT_SCORER, "partial_ratio", "jieba_token_set", "char_tfidf")


class ScoredCandidate(NamedTuple):
    """One achievement ranked as evidence for one commitment (a named tuple: a run makes hundreds of
    thousands, and a tuple is made in half the time of a frozen dataclass)."""

    commitment_id: str
    achievement_id: str
    rank: int
    score: float  # 0-100
    state: str  # "candidate" (ranked only) or "suggested" (linked by the matcher)
    shared_terms: tuple[str, ...] = ()
    weighs: bool = False  # a candidate that counts for the automatic status without being suggested
    why: str | None = None  # what made the score, JSON text (:meth:`tracker.match.model.LinkModel.whys`)


@dataclass
class StatusResult:
    """The automatic status of one commitment and why."""

    commitment_id: str
    status: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class MatchRun:
    """All candidates and automatic statuses of one run over a database (or a filtered part of it)."""

    scorer: str
    blocks: int = 0
    learned: int = 0  # reviewed pairs the link decision was fitted again on (0: the shipped model)
    complete: bool = False  # covers the whole database (not one agency or period)
    candidates: list[ScoredCandidate] = field(default_factory=list)
    statuses: dict[str, StatusResult] = field(default_factory=dict)
    # what came before each commitment (tracker.match.history.HistoryPair); the learned decision only
    history: list[Any] = field(default_factory=list)
