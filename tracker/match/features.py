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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tracker.match.context import ContextScorer, Item, ScoreParts
from tracker.match.terms import compound_parts

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


FEATURES: tuple[Feature, ...] = (
    Feature("score", "综合相似度", 1),
    Feature("own", "本句自身相似度", 1),
    Feature("terms", "共有词语", 1),
    Feature("chars", "字面重合", 1),
    Feature("inherited", "同句其他分句带入的分数", 1),
    Feature("row_share", "与该承诺最佳候选的差距", 1),
    Feature("row_rank", "在该承诺候选中的名次", -1),
    Feature("column_share", "与该成效最相关承诺的差距", 1),
    Feature("column_rank", "在该成效的各承诺中的名次", -1),
    Feature("key_own", "本句含承诺的关键词", 1),
    Feature("key_context", "同句或标题含承诺的关键词", 1),
    Feature("alignment", "章节对应", 1),
    Feature("topic", "同一领域", 1),
    Feature("commitment_length", "承诺长度"),
    Feature("achievement_length", "成效长度"),
    Feature("same_unit", "数字单位一致", 1),
    Feature("figures", "成效含数字"),
)
NAMES = tuple(f.name for f in FEATURES)
SIGNS = tuple(f.sign for f in FEATURES)


def candidate_pairs(scores: np.ndarray, count: int = POOL) -> tuple[np.ndarray, np.ndarray]:
    """Each row's best ``count`` columns with a score above zero, best first: (rows, columns)."""
    rows: list[int] = []
    columns: list[int] = []
    if scores.size == 0:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    take = min(count, scores.shape[1])
    top = np.argpartition(-scores, take - 1, axis=1)[:, :take] if take < scores.shape[1] else None
    for row in range(scores.shape[0]):
        pool = top[row] if top is not None else np.arange(scores.shape[1])
        ordered = pool[np.lexsort((pool, -scores[row, pool]))]
        kept = [int(c) for c in ordered if scores[row, c] > 0]
        rows.extend([row] * len(kept))
        columns.extend(kept)
    return np.array(rows, dtype=int), np.array(columns, dtype=int)


class KeyTermCheck:
    """Whether an achievement mentions one of a commitment's most specific terms (or a word of one:
    "综合监管" by "…协同监管模式"), in its own clause, or in its sentence or section title."""

    def __init__(
        self,
        commitments: Sequence[Item],
        achievements: Sequence[Item],
        key_terms: Callable[[str], list[str]],
    ) -> None:
        self.commitments, self.achievements, self.key_terms = commitments, achievements, key_terms
        sentences: dict[tuple[str, int], str] = {}
        for a in achievements:
            key = (a.document, a.sentence)
            sentences[key] = sentences.get(key, "") + a.normalized
        self._sentences = sentences
        self._forms: dict[int, list[str]] = {}

    def forms(self, row: int) -> list[str]:
        if row not in self._forms:
            terms = self.key_terms(self.commitments[row].normalized)
            self._forms[row] = [form for term in terms for form in (term, *compound_parts(term))]
        return self._forms[row]

    def context(self, column: int) -> str:
        a = self.achievements[column]
        return self._sentences[(a.document, a.sentence)] + a.section.rsplit(" > ", 1)[-1]

    def own(self, row: int, column: int) -> bool:
        text = self.achievements[column].normalized
        return any(form in text for form in self.forms(row))

    def in_context(self, row: int, column: int) -> bool:
        text = self.context(column)
        return any(form in text for form in self.forms(row))


class BlockFeatures:
    """A block scored once, from which the features of any of its pairs are read (rows: anything with
    what :meth:`tracker.match.context.Item.of` reads)."""

    def __init__(
        self, engine: ContextScorer, commitments: Sequence[Any], achievements: Sequence[Any]
    ) -> None:
        self.commitments = [Item.of(c) for c in commitments]
        self.achievements = [Item.of(a) for a in achievements]
        self.parts = engine.score_parts(self.commitments, self.achievements)
        self.keys = KeyTermCheck(
            self.commitments, self.achievements, lambda text: engine.key_terms(text, KEY_TERMS)
        )

    def values(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        return pair_features(self.parts, self.commitments, self.achievements, self.keys, rows, columns)


def pair_features(
    parts: ScoreParts,
    commitments: Sequence[Item],
    achievements: Sequence[Item],
    keys: KeyTermCheck,
    rows: np.ndarray,
    columns: np.ndarray,
) -> np.ndarray:
    """The features (pairs x :data:`FEATURES`) of the pairs (``rows[i]``, ``columns[i]``) of a block."""
    values = np.zeros((len(rows), len(FEATURES)), dtype=np.float64)
    if len(rows) == 0:
        return values
    final = parts.final
    score = final[rows, columns]
    row_best = np.maximum(final.max(axis=1), 1e-9)[rows]
    column_best = np.maximum(final.max(axis=0), 1e-9)[columns]
    pairs = list(zip(rows.tolist(), columns.tolist(), strict=True))
    column = {name: k for k, name in enumerate(NAMES)}
    values[:, column["score"]] = score / 100.0
    values[:, column["own"]] = parts.own[rows, columns] / 100.0
    values[:, column["terms"]] = parts.terms[rows, columns] / 100.0
    values[:, column["chars"]] = parts.chars[rows, columns] / 100.0
    values[:, column["inherited"]] = (parts.lifted[rows, columns] - parts.own[rows, columns]) / 100.0
    values[:, column["row_share"]] = score / row_best
    values[:, column["row_rank"]] = np.log2(1 + _rank_in_rows(final, rows, columns))
    values[:, column["column_share"]] = score / column_best
    values[:, column["column_rank"]] = np.log2(1 + _rank_in_rows(final.T, columns, rows))
    values[:, column["key_own"]] = [keys.own(r, c) for r, c in pairs]
    values[:, column["key_context"]] = [keys.in_context(r, c) for r, c in pairs]
    values[:, column["alignment"]] = parts.alignment[rows, columns]
    values[:, column["topic"]] = parts.topic[rows, columns]
    values[:, column["commitment_length"]] = [
        math.log(1 + len(commitments[r].normalized)) for r in rows.tolist()
    ]
    values[:, column["achievement_length"]] = [
        math.log(1 + len(achievements[c].normalized)) for c in columns.tolist()
    ]
    values[:, column["same_unit"]] = [
        bool(set(commitments[r].units) & set(achievements[c].units)) for r, c in pairs
    ]
    values[:, column["figures"]] = [bool(achievements[c].units) for c in columns.tolist()]
    return values


def _rank_in_rows(scores: np.ndarray, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Each pair's rank within its row of ``scores`` (0: the best; ties share the better rank)."""
    ranks = np.zeros(len(rows), dtype=np.float64)
    for row in np.unique(rows):
        where = np.flatnonzero(rows == row)
        ordered = np.sort(scores[row])[::-1]
        values = scores[row, columns[where]]
        ranks[where] = np.searchsorted(-ordered, -values, side="left")
    return ranks
