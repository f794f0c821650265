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
from tracker.match.scorers import CharTfidf, Scorer, TermScorer

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
        units = tuple(dict.fromkeys(q.get("unit", "") for q in row.quantities if q.get("unit")))
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


def chapter(section: str) -> str:
    return section.split(" > ")[0] if section else ""


class ContextScorer(Scorer):
    """Ours: weighted terms and character bigrams, lifted by sentence, chapter and topic context."""

    name = "weighted"

    def __init__(self) -> None:
        self.terms = TermScorer()
        self.chars = CharTfidf()

    def fit(self, stats) -> None:  # type: ignore[no-untyped-def]
        self.terms.fit(stats)

    def score_block(self, commitments: Sequence[str], achievements: Sequence[str]) -> np.ndarray:
        terms = self.terms.score_block(commitments, achievements)
        chars = self.chars.score_block(commitments, achievements)
        return TERM_SHARE * terms + (1 - TERM_SHARE) * chars

    def explain(self, commitment: str, achievement: str) -> list[str]:
        return self.terms.explain(commitment, achievement)

    def score_items(self, commitments: Sequence[Item], achievements: Sequence[Item]) -> np.ndarray:
        return self.score_parts(commitments, achievements).final

    def score_parts(self, commitments: Sequence[Item], achievements: Sequence[Item]) -> ScoreParts:
        """The block's scores and the parts they are made of (the learned link decision reads them)."""
        left, right = [c.normalized for c in commitments], [a.normalized for a in achievements]
        terms, chars = self.terms.score_block(left, right), self.chars.score_block(left, right)
        own = TERM_SHARE * terms + (1 - TERM_SHARE) * chars
        across = _sentence_context(own, achievements)
        lifted = across
        if COMMITMENT_SENTENCE_SHARE:
            lifted = _sentence_context(across.T, commitments, COMMITMENT_SENTENCE_SHARE).T
        alignment = self._alignment(commitments, achievements)
        topic = _same_topic(commitments, achievements)
        final = np.clip(lifted + ALIGNMENT_BONUS * alignment + TOPIC_BONUS * topic, 0.0, 100.0)
        return ScoreParts(terms, chars, own, across, lifted, alignment, topic, final)

    def key_terms(self, text: str, count: int) -> list[str]:
        """The ``count`` most specific content terms of ``text`` (highest weight first)."""
        weights = self.terms.weights(text)
        return sorted(weights, key=lambda t: -weights[t])[:count]

    def _alignment(self, commitments: Sequence[Item], achievements: Sequence[Item]) -> np.ndarray:
        """For each pair, how alike their chapters are, 1.0 for the achievement chapter most like the
        commitment's (a chapter is its title and statements, scored from their cached term weights)."""
        left = sorted({chapter(c.section) for c in commitments})
        right = sorted({chapter(a.section) for a in achievements})
        if len(left) < 2 or len(right) < 2:  # one chapter on a side: every pair is in the chapter
            return np.ones((len(commitments), len(achievements)))
        similarity = self.terms.score_weights(
            [self._chapter_weights(k, commitments) for k in left],
            [self._chapter_weights(k, achievements) for k in right],
        )
        similarity = similarity / np.maximum(similarity.max(axis=1, keepdims=True), 1e-9)
        rows = np.array([left.index(chapter(c.section)) for c in commitments])
        cols = np.array([right.index(chapter(a.section)) for a in achievements])
        return similarity[np.ix_(rows, cols)]

    def _chapter_weights(self, title: str, items: Sequence[Item]) -> dict[str, float]:
        merged: dict[str, float] = dict(self.terms.weights(title))
        for item in items:
            if chapter(item.section) == title:
                for term, weight in self.terms.weights(item.normalized).items():
                    merged[term] = max(merged.get(term, 0.0), weight)
        return merged


def _sentence_context(own: np.ndarray, items: Sequence[Item], share: float = SENTENCE_SHARE) -> np.ndarray:
    """Each column (a statement of ``items``) scores at least ``share`` of its sentence's best column."""
    scores = own.copy()
    groups: dict[tuple[str, int], list[int]] = {}
    for index, item in enumerate(items):
        groups.setdefault((item.document, item.sentence), []).append(index)
    for members in groups.values():
        if len(members) > 1:
            best = own[:, members].max(axis=1, keepdims=True)
            scores[:, members] = np.maximum(own[:, members], share * best)
    return scores


def _same_topic(commitments: Sequence[Item], achievements: Sequence[Item]) -> np.ndarray:
    left = np.array([c.topic for c in commitments], dtype=object)
    right = np.array([a.topic for a in achievements], dtype=object)
    same = left[:, None] == right[None, :]
    return (same & (left[:, None] != OTHER)).astype(np.float64)
