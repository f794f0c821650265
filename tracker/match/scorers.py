"""Similarity scorers, 0-100, between commitments and achievements of one (agency, period) block.

Four are kept side by side so `tracker eval --scorer all` can show what each idea is worth:
- ``partial_ratio``: rapidfuzz's best-substring edit similarity on the raw text (the naive baseline).
- ``jieba_token_set``: jieba words joined by spaces, then rapidfuzz ``token_set_ratio``.
- ``char_tfidf``: cosine of character-bigram TF-IDF vectors.
- ``terms``: content terms (boilerplate removed, named programmes kept whole) weighted by how rare they
  are in the whole corpus; the score mixes how much of the commitment the evidence covers with the
  cosine of the two, so a long achievement cannot win by being long. It is the term half of the default
  scorer, ``weighted`` (:class:`tracker.match.context.ContextScorer`), which adds context.

Every scorer scores a block in one batch (rapidfuzz ``process.cdist`` or one matrix product), never a
Python loop over pairs; ``terms_score`` is the one-pair reference the batch version is tested against.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from tracker.match.terms import content_terms, named_items, plain_words

NAMED_BOOST = 2.0
COVERAGE_SHARE = 0.5


@dataclass
class CorpusStats:
    """Document frequencies of terms over every statement in the database."""

    documents: int = 0
    frequency: Counter[str] = field(default_factory=Counter)

    @classmethod
    def from_terms(cls, term_lists: Sequence[Sequence[str]]) -> CorpusStats:
        stats = cls(documents=len(term_lists))
        for terms in term_lists:
            stats.frequency.update(set(terms))
        return stats

    def idf(self, term: str) -> float:
        return math.log((1 + self.documents) / (1 + self.frequency.get(term, 0))) + 1.0


class Scorer:
    """Base: scores a block; ``explain`` names the shared terms behind a score."""

    name = "base"

    def fit(self, stats: CorpusStats) -> None:
        """Take corpus-wide statistics (only scorers that weight terms need them)."""

    def score_block(self, commitments: Sequence[str], achievements: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    def explain(self, commitment: str, achievement: str) -> list[str]:
        shared = set(content_terms(commitment)) & set(content_terms(achievement))
        return sorted(shared, key=lambda t: (-len(t), t))


class PartialRatio(Scorer):
    name = "partial_ratio"

    def score_block(self, commitments: Sequence[str], achievements: Sequence[str]) -> np.ndarray:
        return process.cdist(commitments, achievements, scorer=fuzz.partial_ratio, dtype=np.float32)


class JiebaTokenSet(Scorer):
    name = "jieba_token_set"

    def score_block(self, commitments: Sequence[str], achievements: Sequence[str]) -> np.ndarray:
        left = [" ".join(plain_words(t)) for t in commitments]
        right = [" ".join(plain_words(t)) for t in achievements]
        return process.cdist(left, right, scorer=fuzz.token_set_ratio, dtype=np.float32)


@lru_cache(maxsize=500_000)
def _bigrams(text: str) -> tuple[tuple[str, int], ...]:
    """Character bigrams of a text with their counts (cached: a statement is scored in many blocks)."""
    grams = [text[i : i + 2] for i in range(len(text) - 1)] or [text]
    return tuple(Counter(grams).items())


class _Entries:
    """The non-zero entries of a block's texts (rows: the commitments, then the achievements) over a
    vocabulary: row, column and value arrays, so a block is weighted and normed without dense matrices
    over the whole vocabulary (most columns occur on one side only and never meet)."""

    def __init__(self, rows: Sequence[Sequence[tuple[str, float]]]) -> None:
        vocab: dict[str, int] = {}
        columns: list[int] = []
        values: list[float] = []
        lengths: list[int] = []
        for entries in rows:
            lengths.append(len(entries))
            for key, value in entries:
                columns.append(vocab.setdefault(key, len(vocab)))
                values.append(value)
        self.size = len(vocab)
        self.row = np.repeat(np.arange(len(rows)), lengths)
        self.column = np.array(columns, dtype=np.int64)
        self.value = np.array(values, dtype=np.float64)

    def shared(self, left: int) -> tuple[np.ndarray, np.ndarray, int]:
        """For each entry, its column among those present in both the first ``left`` rows and the
        rest (-1 when on one side only), and the number of such columns."""
        on_left = np.zeros(self.size, dtype=bool)
        on_right = np.zeros(self.size, dtype=bool)
        first = self.row < left
        on_left[self.column[first]] = True
        on_right[self.column[~first]] = True
        both = on_left & on_right
        compact = np.full(self.size, -1, dtype=np.int64)
        compact[both] = np.arange(int(both.sum()))
        return first, compact[self.column], int(both.sum())

    def dense(
        self, values: np.ndarray, rows: np.ndarray, columns: np.ndarray, shape: tuple[int, int]
    ) -> np.ndarray:
        matrix = np.zeros((shape[0], max(1, shape[1])), dtype=np.float64)
        keep = columns >= 0
        matrix[rows[keep], columns[keep]] = values[keep]
        return matrix


class CharTfidf(Scorer):
    name = "char_tfidf"

    def score_block(self, commitments: Sequence[str], achievements: Sequence[str]) -> np.ndarray:
        texts = [_bigrams(t) for t in commitments] + [_bigrams(t) for t in achievements]
        left = len(commitments)
        entries = _Entries(texts)
        # each bigram is counted once per text (Counter items), so its column count is its document count
        frequency = np.bincount(entries.column, minlength=entries.size)
        idf = np.log((1 + len(texts)) / (1 + frequency)) + 1.0
        weighted = entries.value * idf[entries.column]
        norms = np.sqrt(np.bincount(entries.row, weights=weighted**2, minlength=len(texts)))
        norms[norms == 0] = 1.0
        unit = weighted / norms[entries.row]
        first, shared, count = entries.shared(left)
        c = entries.dense(unit[first], entries.row[first], shared[first], (left, count))
        a = entries.dense(
            unit[~first], entries.row[~first] - left, shared[~first], (len(achievements), count)
        )
        return 100.0 * c @ a.T


def _weights(text: str, stats: CorpusStats) -> dict[str, float]:
    """Each content term's weight: its rarity, doubled for a name the text quotes or titles."""
    named = set(named_items(text))
    return {t: stats.idf(t) * (NAMED_BOOST if t in named else 1.0) for t in content_terms(text)}


def terms_score(commitment: str, achievement: str, stats: CorpusStats) -> float:
    """Reference (one pair, plain Python) for the ``terms`` scorer."""
    left, right = _weights(commitment, stats), _weights(achievement, stats)
    if not left or not right:
        return 0.0
    shared = set(left) & set(right)
    coverage = sum(left[t] for t in shared) / sum(left.values())
    dot = sum(left[t] * right[t] for t in shared)
    cosine = dot / (
        math.sqrt(sum(w * w for w in left.values())) * math.sqrt(sum(w * w for w in right.values()))
    )
    return 100.0 * (COVERAGE_SHARE * coverage + (1 - COVERAGE_SHARE) * cosine)


class TermScorer(Scorer):
    """Rare content terms shared, as coverage of the commitment and as cosine."""

    name = "terms"

    def __init__(self) -> None:
        self.stats = CorpusStats()
        self._weights: dict[str, dict[str, float]] = {}

    def fit(self, stats: CorpusStats) -> None:
        self.stats = stats
        self._weights = {}

    def weights(self, text: str) -> dict[str, float]:
        """Term weights of a text, computed once per fitted corpus."""
        cached = self._weights.get(text)
        if cached is None:
            cached = self._weights[text] = _weights(text, self.stats)
        return cached

    def score_block(self, commitments: Sequence[str], achievements: Sequence[str]) -> np.ndarray:
        return self.score_weights(
            [self.weights(t) for t in commitments], [self.weights(t) for t in achievements]
        )

    def score_weights(self, left: list[dict[str, float]], right: list[dict[str, float]]) -> np.ndarray:
        """Scores between texts given as term-weight maps (lets callers score merged texts without
        segmenting them again)."""
        entries = _Entries([list(w.items()) for w in left + right])
        totals = np.bincount(entries.row, weights=entries.value, minlength=len(left) + len(right))
        norms = np.sqrt(np.bincount(entries.row, weights=entries.value**2, minlength=len(left) + len(right)))
        norms[norms == 0] = 1.0
        first, shared, count = entries.shared(len(left))
        rows = entries.row
        c = entries.dense(entries.value[first], rows[first], shared[first], (len(left), count))
        a_present = entries.dense(
            np.ones(int((~first).sum())), rows[~first] - len(left), shared[~first], (len(right), count)
        )
        a = entries.dense(
            entries.value[~first], rows[~first] - len(left), shared[~first], (len(right), count)
        )
        shared_count = (c > 0).astype(np.float64) @ a_present.T  # count only, for masking
        coverage = (c @ a_present.T) / np.maximum(totals[: len(left), None], 1e-9)
        cosine = (c / norms[: len(left), None]) @ (a / norms[len(left) :, None]).T
        score = 100.0 * (COVERAGE_SHARE * coverage + (1 - COVERAGE_SHARE) * cosine)
        score[shared_count == 0] = 0.0
        return score

    def explain(self, commitment: str, achievement: str) -> list[str]:
        left, right = self.weights(commitment), self.weights(achievement)
        # Equal weights are ordered by the term itself: a set's order changes from run to run.
        return sorted(left.keys() & right.keys(), key=lambda t: (-left[t], t))


SCORERS: dict[str, type[Scorer]] = {
    cls.name: cls for cls in (TermScorer, PartialRatio, JiebaTokenSet, CharTfidf)
}
