"""What the link decision reads of a (commitment, achievement) pair: explicit, named features.

Each feature is a number a reviewer can read back in words (:data:`FEATURES` gives both), computed for
the pairs the decision looks at: each commitment's best-scored candidates of its block
(:func:`candidate_pairs`) and any pair a reviewer decided. They come from the block's score parts
(:class:`tracker.match.context.ScoreParts`), from where the pair stands among its neighbours (a clause
that is the best evidence of one commitment is weak evidence for its siblings), from the commitment's
most specific terms, and from the figures and units of both statements.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tracker.match.context import ContextScorer, ScoreParts
from tracker.match.link import KeyTermCheck
from tracker.match.sides import Side

#: The commitment's most specific terms a key-term feature looks for (``ContextScorer.key_terms``).
KEY_TERMS = 3
#: Candidates per commitment the decision looks at (recall@10 is reported beside recall@5).
POOL = 10


@dataclass(frozen=True)
class Feature:
    name: str
    label: str  # what a reviewer reads in "why this link"
    # the direction its weight must take (+1: more of it is evidence for a link, -1: against, 0: free);
    # similar features overlap, and without this one could carry a negative weight that only corrects
    # another, which a reviewer could not read
    sign: int = 0
    # how its value is read back: "score" (0-1 of 100 points), "share" (0-1), "rank" (log2(1 + rank)),
    # "flag" (0/1), "length" (log(1 + characters)), "count" (log(1 + how many))
    kind: str = "score"

    def shown(self, value: float) -> str:
        """The pair's value in the words of the explanation: 42分, 80%, 第2, 是/否, 16字, 3个."""
        if self.kind == "share":
            return f"{100 * value:.0f}%"
        if self.kind == "rank":
            return f"第{round(2**value):d}"  # rank 0 is the first
        if self.kind == "flag":
            return "是" if value >= 0.5 else "否"
        if self.kind == "length":
            return f"{round(math.expm1(value)):d}字"
        if self.kind == "count":
            return f"{round(math.expm1(value)):d}个"
        return f"{100 * value:.0f}分"


FEATURES: tuple[Feature, ...] = (
    Feature("score", "综合相似度", 1),
    Feature("own", "本句自身相似度", 1),
    Feature("terms", "共有词语", 1),
    Feature("chars", "字面重合", 1),
    Feature("inherited", "同句其他分句带入的分数", 1),
    Feature("sibling", "承诺同句其他任务带入的分数", 1),
    Feature("row_share", "相当于该承诺最佳候选", 1, "share"),
    Feature("row_rank", "在该承诺候选中排", -1, "rank"),
    Feature("column_share", "相当于该成效最相关的承诺", 1, "share"),
    Feature("column_rank", "在该成效的各承诺中排", -1, "rank"),
    Feature("key_own", "本句含承诺的关键词", 1, "flag"),
    Feature("key_context", "同句或标题含承诺的关键词", 1, "flag"),
    Feature("alignment", "章节对应", 1, "share"),
    Feature("topic", "同一领域", 1, "flag"),
    Feature("commitment_length", "承诺长度", 0, "length"),
    Feature("achievement_length", "成效长度", 0, "length"),
    Feature("same_unit", "数字单位一致", 1, "flag"),
    Feature("figures", "成效含数字", 0, "flag"),
    Feature("sentence_clauses", "成效所在句的其他分句", 0, "count"),
)
NAMES = tuple(f.name for f in FEATURES)
FEATURE_BY_NAME = {f.name: f for f in FEATURES}
SIGNS = tuple(f.sign for f in FEATURES)


def candidate_pairs(scores: np.ndarray, count: int = POOL) -> tuple[np.ndarray, np.ndarray]:
    """Each row's best ``count`` columns with a score above zero, and any tied with the last of them,
    best first (ties: the earlier column first): (rows, columns). A tie at the pool's edge is kept rather
    than broken: which of equals a partition leaves out differs from one CPU to another."""
    if scores.size == 0:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    take = min(count, scores.shape[1])
    last = -np.partition(-scores, take - 1, axis=1)[:, take - 1 : take]
    rows, columns = np.nonzero((scores >= last) & (scores > 0))
    order = np.lexsort((columns, -scores[rows, columns], rows))
    return rows[order], columns[order]


class BlockFeatures:
    """A block scored once, from which the features of any of its pairs are read (statements: rows or
    :class:`tracker.match.context.Item`, anything :meth:`tracker.match.sides.Side.of` reads)."""

    def __init__(
        self, engine: ContextScorer, commitments: Sequence[Any], achievements: Sequence[Any]
    ) -> None:
        self.left, self.right = engine.side(commitments), engine.side(achievements)
        self.parts = engine.score_sides(self.left, self.right)
        self.keys = KeyTermCheck.of_sides(
            self.left, self.right, lambda text: engine.key_terms(text, KEY_TERMS)
        )

    def values(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        return pair_features(self.parts, self.left, self.right, self.keys, rows, columns)


def pair_features(
    parts: ScoreParts,
    left: Side,
    right: Side,
    keys: KeyTermCheck,
    rows: np.ndarray,
    columns: np.ndarray,
) -> np.ndarray:
    """The features (pairs x :data:`FEATURES`) of the pairs (``rows[i]``, ``columns[i]``) of a block
    (commitments ``left``, achievements ``right``)."""
    values = np.zeros((len(rows), len(FEATURES)), dtype=np.float64)
    if len(rows) == 0:
        return values
    final = parts.final
    score = final[rows, columns]
    # shares of the text score (without the chapter and topic bonus): among candidates that share no
    # text with the commitment, the best is no better than the rest
    text = parts.lifted[rows, columns]
    row_best = np.maximum(parts.lifted.max(axis=1), 1e-9)[rows]
    column_best = np.maximum(parts.lifted.max(axis=0), 1e-9)[columns]
    column = {name: k for k, name in enumerate(NAMES)}
    values[:, column["score"]] = score / 100.0
    values[:, column["own"]] = parts.own[rows, columns] / 100.0
    values[:, column["terms"]] = parts.terms[rows, columns] / 100.0
    values[:, column["chars"]] = parts.chars[rows, columns] / 100.0
    values[:, column["inherited"]] = (parts.across[rows, columns] - parts.own[rows, columns]) / 100.0
    values[:, column["sibling"]] = (parts.lifted[rows, columns] - parts.across[rows, columns]) / 100.0
    values[:, column["row_share"]] = text / row_best
    values[:, column["row_rank"]] = np.log2(1 + _rank_in_rows(parts.lifted, rows, columns))
    values[:, column["column_share"]] = text / column_best
    values[:, column["column_rank"]] = np.log2(1 + _rank_in_rows(parts.lifted.T, columns, rows))
    values[:, column["key_own"]], values[:, column["key_context"]] = keys.flags(rows, columns)
    values[:, column["alignment"]] = parts.alignment[rows, columns]
    values[:, column["topic"]] = parts.topic[rows, columns]
    values[:, column["commitment_length"]] = np.log1p(left.lengths)[rows]
    values[:, column["achievement_length"]] = np.log1p(right.lengths)[columns]
    values[:, column["sentence_clauses"]] = np.log1p(right.sentence_sizes - 1)[columns]
    values[:, column["same_unit"]] = _same_unit(left, right, rows, columns)
    values[:, column["figures"]] = right.with_units[columns]
    return values


def _same_unit(left: Side, right: Side, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Whether the pair's figures share a unit (looked at only where both statements have figures)."""
    same = np.zeros(len(rows), dtype=bool)
    for i in np.flatnonzero(left.with_units[rows] & right.with_units[columns]).tolist():
        same[i] = not set(right.units[columns[i]]).isdisjoint(left.units[rows[i]])
    return same


def _rank_in_rows(scores: np.ndarray, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Each pair's rank within its row of ``scores`` (0: the best; ties share the better rank): how
    many of its row score more, by a binary search of each row sorted once, highest first."""
    width = scores.shape[1]
    ordered = -np.sort(-scores, axis=1)
    values = scores[rows, columns]
    low = np.zeros(len(rows), dtype=np.int64)  # ordered[row, :low] > value
    high = np.full(len(rows), width, dtype=np.int64)  # ordered[row, high:] <= value
    for _step in range(width.bit_length()):
        searching = low < high
        middle = (low + high) // 2
        greater = ordered[rows, np.minimum(middle, width - 1)] > values
        low = np.where(searching & greater, middle + 1, low)
        high = np.where(searching & ~greater, middle, high)
    return low.astype(np.float64)
