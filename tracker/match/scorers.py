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


def _tfidf_matrix(
    rows: list[tuple[tuple[str, int], ...]], vocab: dict[str, int], idf: np.ndarray
) -> np.ndarray:
    matrix = np.zeros((len(rows), len(vocab)), dtype=np.float32)
    for i, grams in enumerate(rows):
        columns = [vocab[gram] for gram, _count in grams]
        matrix[i, columns] = [count for _gram, count in grams]
    matrix *= idf
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


class CharTfidf(Scorer):
    name = "char_tfidf"

    def score_block(self, commitments: Sequence[str], achievements: Sequence[str]) -> np.ndarray:
        left = [_bigrams(t) for t in commitments]
        right = [_bigrams(t) for t in achievements]
        vocab: dict[str, int] = {}
        for grams in left + right:
            for gram, _count in grams:
                vocab.setdefault(gram, len(vocab))
        presence = np.zeros((len(left) + len(right), len(vocab)), dtype=np.float32)
        for i, grams in enumerate(left + right):
            presence[i, [vocab[gram] for gram, _count in grams]] = 1.0
        frequency = presence.sum(axis=0)
        idf = np.log((1 + len(left) + len(right)) / (1 + frequency)) + 1.0
        return 100.0 * _tfidf_matrix(left, vocab, idf) @ _tfidf_matrix(right, vocab, idf).T


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
        vocab: dict[str, int] = {}
        for weights in left + right:
            for term in weights:
                vocab.setdefault(term, len(vocab))
        c = _dense(left, vocab)
        a = _dense(right, vocab)
        shared = (c > 0).astype(np.float32) @ (a > 0).astype(np.float32).T  # count only, for masking
        coverage = (c @ (a > 0).astype(np.float32).T) / np.maximum(c.sum(axis=1, keepdims=True), 1e-9)
        cosine = _normalised(c) @ _normalised(a).T
        score = 100.0 * (COVERAGE_SHARE * coverage + (1 - COVERAGE_SHARE) * cosine)
        score[shared == 0] = 0.0
        return score

    def explain(self, commitment: str, achievement: str) -> list[str]:
        left, right = self.weights(commitment), self.weights(achievement)
        # Equal weights are ordered by the term itself: a set's order changes from run to run.
        return sorted(left.keys() & right.keys(), key=lambda t: (-left[t], t))


def _dense(rows: list[dict[str, float]], vocab: dict[str, int]) -> np.ndarray:
    matrix = np.zeros((len(rows), max(1, len(vocab))), dtype=np.float64)
    for i, weights in enumerate(rows):
        for term, weight in weights.items():
            matrix[i, vocab[term]] = weight
    return matrix


def _normalised(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


SCORERS: dict[str, type[Scorer]] = {
    cls.name: cls for cls in (TermScorer, PartialRatio, JiebaTokenSet, CharTfidf)
}
