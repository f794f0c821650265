"""Similarity scorers, 0-100, between commitments and achievements of one (agency, period) block.

Four are kept side by side so `tracker eval --scorer all` can show what each idea is worth:
- ``partial_ratio``: rapidfuzz's best-substring edit similarity on the raw text (the naive baseline).
- ``jieba_token_set``: jieba words joined by spaces, then rapidfuzz ``token_set_ratio``.
- ``char_tfidf``: cosine of character-bigram TF-IDF vectors.
- ``terms``: content terms (boilerplate removed, named programmes kept whole) weighted by how rare they
  are in the whole corpus; the score mixes how much of the commitment the evidence covers with the
  cosine of the two, so a long achievement cannot win by being long. It is the term half of the default
  scorer, ``weighted`` (:class:`tracker.match.context.ContextScorer`), which adds context.

Every scorer scores a block in one batch (rapidfuzz ``process.cdist``, or the sums over shared terms
and bigrams of :mod:`tracker.match.vectors`), never a Python loop over pairs; ``terms_score`` is the
one-pair reference the batch version is tested against.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
from rapidfuzz import fuzz, process

from tracker.match.terms import content_terms, named_items, plain_words
from tracker.match.vectors import NAMED_BOOST, Entries, Join, Postings, TermIndex, bigram_entries

COVERAGE_SHARE = 0.5

#: How many statements the prior of :meth:`CorpusStats.idf` weighs: the rarity of a term in a handful of
#: documents is drawn towards its rarity in general Chinese, and that of a large corpus hardly at all.
PRIOR_STATEMENTS = 10
#: Words per statement, turning a word's share of general text into the share of statements holding it.
STATEMENT_WORDS = 25


@dataclass
class CorpusStats:
    """Document frequencies of terms over the statements a block is weighted by (its agency's)."""

    documents: int = 0
    frequency: Counter[str] = field(default_factory=Counter)

    @classmethod
    def from_terms(cls, term_lists: Sequence[Sequence[str]]) -> CorpusStats:
        stats = cls(documents=len(term_lists))
        for terms in term_lists:
            stats.frequency.update(set(terms))
        return stats

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency, with :data:`PRIOR_STATEMENTS` statements more in which the
        term occurs as often as in general text (:func:`general_share`)."""
        prior = PRIOR_STATEMENTS * general_share(term)
        held = 1 + self.frequency.get(term, 0) + prior
        return math.log((1 + self.documents + PRIOR_STATEMENTS) / held) + 1.0


@lru_cache(maxsize=1)
def _general_counts() -> tuple[int, dict[str, int]]:
    """jieba's dictionary counts of the common words (``background.txt``) and its total."""
    text = resources.files("tracker.match").joinpath("background.txt").read_text(encoding="utf-8")
    counts: dict[str, int] = {}
    total = 0
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        word, count = line.split(" ")
        if word == "total" and not total:
            total = int(count)
        else:
            counts[word] = int(count)
    return total, counts


def general_share(term: str) -> float:
    """The share of statements that would hold ``term`` in general Chinese text, from how often jieba's
    dictionary counts it; 0 for a word it counts fewer than 1000 times (its prior would not show)."""
    total, counts = _general_counts()
    return min(1.0, STATEMENT_WORDS * counts.get(term, 0) / total)


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


class CharTfidf(Scorer):
    name = "char_tfidf"

    def score_block(self, commitments: Sequence[str], achievements: Sequence[str]) -> np.ndarray:
        return char_scores(bigram_entries(commitments), bigram_entries(achievements))


def char_scores(left: Entries, right: Entries) -> np.ndarray:
    """100 x the cosine of each pair's bigram count x IDF vectors, the IDF taken over the block's
    statements (both sides): a bigram every statement of the block shares says little about a pair."""
    unique, ids = np.unique(np.concatenate([left.key, right.key]), return_inverse=True)
    # each bigram is an entry once per text, so its entry count is its document count
    frequency = np.bincount(ids, minlength=len(unique))
    idf = np.log((1 + left.rows + right.rows) / (1 + frequency)) + 1.0
    mine, theirs = ids[: len(left.key)], ids[len(left.key) :]
    left = Entries(left.rows, left.row, mine, left.value * idf[mine])
    right = Entries(right.rows, right.row, theirs, right.value * idf[theirs])
    join = Join.of(left, right, Postings.of_ids(theirs, len(unique)))
    unit_left = left.value[join.left] / left.norms()[left.row[join.left]]
    unit_right = right.value[join.right] / right.norms()[right.row[join.right]]
    return 100.0 * join.sum(unit_left * unit_right)


def term_scores(left: Entries, right: Entries, join: Join | None = None) -> np.ndarray:
    """The ``terms`` score of each pair of term vectors: how much of the left (commitment) weight the
    right one shares, mixed with their cosine; 0 for a pair that shares no term (``join``: the two
    sides' term matches, if made already)."""
    join = Join.of(left, right) if join is None else join
    mine, theirs = left.value[join.left], right.value[join.right]
    coverage = join.sum(mine) / np.maximum(left.sums(), 1e-9)[:, None]
    unit_left = mine / left.norms()[left.row[join.left]]
    unit_right = theirs / right.norms()[right.row[join.right]]
    cosine = join.sum(unit_left * unit_right)
    return 100.0 * (COVERAGE_SHARE * coverage + (1 - COVERAGE_SHARE) * cosine)


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
        self.index = TermIndex(self.stats.idf)

    def fit(self, stats: CorpusStats) -> None:
        self.stats = stats
        self.index = TermIndex(stats.idf)

    def weights(self, text: str) -> dict[str, float]:
        """Term weights of a text, computed once per fitted corpus."""
        return self.index.weights(text)

    def score_block(self, commitments: Sequence[str], achievements: Sequence[str]) -> np.ndarray:
        return term_scores(self.index.entries(commitments), self.index.entries(achievements))

    def explain(self, commitment: str, achievement: str) -> list[str]:
        left, right = self.weights(commitment), self.weights(achievement)
        # Equal weights are ordered by the term itself: a set's order changes from run to run.
        return sorted(left.keys() & right.keys(), key=lambda t: (-left[t], t))


SCORERS: dict[str, type[Scorer]] = {
    cls.name: cls for cls in (TermScorer, PartialRatio, JiebaTokenSet, CharTfidf)
}
