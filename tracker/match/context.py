"""The default scorer (``weighted``): term and character similarity, then the context a reader uses.

A summary reports one result over several clauses ("…印发实施基本养老服务清单,涵盖…22个服务项目,逐项明确
服务对象"): the later clauses say nothing of their subject, yet support the same commitment. And a summary
is usually laid out like the plan it answers: its chapter on 社会救助 answers the plan's chapter on 社会救助.
Our scorer therefore adds to the plain text similarity (terms and characters):
- sentence context: a clause scores at least ``SENTENCE_SHARE`` of the best clause of its sentence;
  likewise, more weakly (``COMMITMENT_SENTENCE_SHARE``), a commitment clause and its sentence-mates
  ("探索实施“源头工程”,引导新建市级社会组织同步组建党组织": the second clause says what the first means);
- chapter alignment: up to ``ALIGNMENT_BONUS`` points when the achievement's chapter is the one most like
  the commitment's chapter;
- topic agreement: ``TOPIC_BONUS`` points when both fall in the same civil-affairs field.
The baselines get none of this: they show what the plain similarity is worth.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tracker.ingest.topics import OTHER
from tracker.match.scorers import CharTfidf, Scorer, TermScorer, char_scores, term_scores
from tracker.match.sides import Side, chapter, figure_units
from tracker.match.vectors import Join

__all__ = ["ContextScorer", "Item", "ScoreParts", "chapter"]

TERM_SHARE = 0.5
SENTENCE_SHARE = 0.8
COMMITMENT_SENTENCE_SHARE = 0.5
ALIGNMENT_BONUS = 10.0
TOPIC_BONUS = 5.0


@dataclass(frozen=True)
class Item:
    """What block scoring needs of a statement."""

    id: str
    normalized: str
    section: str
    topic: str
    sentence: int  # statements of one sentence share the number (within their document)
    document: str
    units: tuple[str, ...] = ()  # the units of its figures (a commitment's targets)

    @classmethod
    def of(cls, row: Any) -> Item:
        """The item of a statement row (:class:`tracker.store.queries.Row` or anything like it)."""
        units = figure_units(row.quantities)
        return cls(row.id, row.normalized, row.section, row.topic, row.sentence, row.document_id, units)


@dataclass(frozen=True)
class ScoreParts:
    """Matrices (commitments x achievements) of one block: the text similarity of each pair's own
    statements (``terms``, ``chars`` and their mix ``own``), lifted by the achievement's sentence
    (``across``) and then by the commitment's sentence too (``lifted``),
    chapter alignment (0-1), same topic (0 or 1), and the score they make (``final``, 0-100)."""

    terms: np.ndarray
    chars: np.ndarray
    own: np.ndarray
    across: np.ndarray
    lifted: np.ndarray
    alignment: np.ndarray
    topic: np.ndarray
    final: np.ndarray
    shared: Join  # the term matches of every pair: what it shares (the explanations read them)


class ContextScorer(Scorer):
    """Ours: weighted terms and character bigrams, lifted by sentence, chapter and topic context."""

    name = "weighted"

    def __init__(self) -> None:
        self.terms = TermScorer()
        self.chars = CharTfidf()
        self.topic_codes: dict[str, int] = {OTHER: 0}
        self._key_terms: dict[tuple[str, int], list[str]] = {}

    def fit(self, stats) -> None:  # type: ignore[no-untyped-def]
        self.terms.fit(stats)
        self._key_terms = {}

    def score_block(self, commitments: Sequence[str], achievements: Sequence[str]) -> np.ndarray:
        terms = self.terms.score_block(commitments, achievements)
        chars = self.chars.score_block(commitments, achievements)
        return TERM_SHARE * terms + (1 - TERM_SHARE) * chars

    def explain(self, commitment: str, achievement: str) -> list[str]:
        return self.terms.explain(commitment, achievement)

    def side(self, statements: Sequence[Any]) -> Side:
        """One side of a block (items or rows), read once (:class:`tracker.match.sides.Side`)."""
        return Side.of(statements, self.terms.index, self.topic_codes)

    def score_items(self, commitments: Sequence[Item], achievements: Sequence[Item]) -> np.ndarray:
        return self.score_parts(commitments, achievements).final

    def score_parts(self, commitments: Sequence[Any], achievements: Sequence[Any]) -> ScoreParts:
        """The block's scores and the parts they are made of (the learned link decision reads them)."""
        return self.score_sides(self.side(commitments), self.side(achievements))

    def score_sides(self, left: Side, right: Side) -> ScoreParts:
        """:meth:`score_parts` of a block whose sides are read already."""
        shared = Join.of(left.terms, right.terms, right.term_postings)
        terms = term_scores(left.terms, right.terms, shared)
        chars = char_scores(left.bigrams, right.bigrams)
        own = TERM_SHARE * terms + (1 - TERM_SHARE) * chars
        across = _sentence_context(own, right.sentence, right.sentences, SENTENCE_SHARE, axis=1)
        lifted = across
        if COMMITMENT_SENTENCE_SHARE:
            lifted = _sentence_context(
                across, left.sentence, left.sentences, COMMITMENT_SENTENCE_SHARE, axis=0
            )
        alignment = self._alignment(left, right)
        topic = _same_topic(left, right)
        final = np.clip(lifted + ALIGNMENT_BONUS * alignment + TOPIC_BONUS * topic, 0.0, 100.0)
        return ScoreParts(terms, chars, own, across, lifted, alignment, topic, final, shared)

    def key_terms(self, text: str, count: int) -> list[str]:
        """The ``count`` most specific content terms of ``text`` (highest weight first)."""
        found = self._key_terms.get((text, count))
        if found is None:
            weights = self.terms.weights(text)
            found = self._key_terms[(text, count)] = sorted(weights, key=lambda t: -weights[t])[:count]
        return found

    def _alignment(self, left: Side, right: Side) -> np.ndarray:
        """For each pair, how alike their chapters are, 1.0 for the achievement chapter most like the
        commitment's (a chapter is its title and statements, scored from their term weights)."""
        if len(left.chapter_titles) < 2 or len(right.chapter_titles) < 2:
            return np.ones((left.size, right.size))  # one chapter on a side: every pair is in the chapter
        similarity = term_scores(left.chapter_terms(), right.chapter_terms())
        similarity = similarity / np.maximum(similarity.max(axis=1, keepdims=True), 1e-9)
        return similarity[np.ix_(left.chapter, right.chapter)]


def _sentence_context(
    own: np.ndarray, groups: np.ndarray, count: int, share: float, *, axis: int
) -> np.ndarray:
    """Each statement along ``axis`` (its sentence: ``groups``, ``count`` of them) scores at least
    ``share`` of its sentence's best statement."""
    if own.size == 0 or count == len(groups):  # no statement has a sentence-mate
        return own.copy()
    order = np.argsort(groups, kind="stable")
    starts = np.searchsorted(groups[order], np.arange(count))
    best = np.maximum.reduceat(np.take(own, order, axis=axis), starts, axis=axis)
    return np.maximum(own, share * np.take(best, groups, axis=axis))


def _same_topic(left: Side, right: Side) -> np.ndarray:
    same = left.topic[:, None] == right.topic[None, :]
    return (same & (left.topic != 0)[:, None]).astype(np.float64)  # code 0 is OTHER
