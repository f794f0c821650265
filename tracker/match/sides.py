"""One side of a block (its commitments, or its achievements) as arrays the scorer reads at once.

Scoring a block used to walk its statements in Python for every part of the score (term rows, the
sentence a clause belongs to, its chapter, its topic). A :class:`Side` reads each statement once:
its term vector (from the run's :class:`tracker.match.vectors.TermIndex`), the bigrams of the side in
one pass, and small integer codes for its sentence, chapter and topic, so every later step is array
work whatever the size of the block.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from tracker.ingest.chapters import SECTION_SEPARATOR
from tracker.match.vectors import Entries, Postings, TermIndex, bigram_entries, group_codes, run_starts


@lru_cache(maxsize=100_000)
def chapter(section: str) -> str:
    """The first level of a section path: the chapter a statement is in ("" for none)."""
    return section.split(SECTION_SEPARATOR)[0] if section else ""


@lru_cache(maxsize=100_000)
def last_title(section: str) -> str:
    """The last level of a section path: the title right above a statement."""
    return section.rsplit(SECTION_SEPARATOR, 1)[-1]


def figure_units(quantities: Sequence[dict[str, Any]]) -> tuple[str, ...]:
    """The units of a statement's figures, each once, in order."""
    return tuple(dict.fromkeys(q["unit"] for q in quantities if q.get("unit")))


class Side:
    """The statements of one side of a block, as arrays (rows in the order given).

    Args:
        texts, sections, topics: each statement's normal form, section path and topic.
        sentences: what makes two statements sentence-mates (their document and sentence number).
        units: the units of each statement's figures.
        index: the run's term vocabulary and weights.
        topic_codes: the run's topic -> code mapping (shared, so codes of two sides compare).
    """

    def __init__(
        self,
        texts: list[str],
        sections: list[str],
        topics: list[str],
        sentences: list[tuple[str, int]],
        units: list[tuple[str, ...]],
        index: TermIndex,
        topic_codes: dict[str, int],
    ) -> None:
        self.texts, self.sections, self.units, self.index = texts, sections, units, index
        self.size = len(texts)
        self.sentence = group_codes(sentences)
        self.sentences = int(self.sentence.max()) + 1 if self.size else 0
        chapter_of = {section: chapter(section) for section in dict.fromkeys(sections)}
        self.chapter_titles = sorted(set(chapter_of.values()))
        position = {title: k for k, title in enumerate(self.chapter_titles)}
        code = {section: position[title] for section, title in chapter_of.items()}
        self.chapter = np.fromiter(map(code.__getitem__, sections), dtype=np.int64, count=self.size)
        for topic in dict.fromkeys(topics):
            topic_codes.setdefault(topic, len(topic_codes))
        self.topic = np.fromiter(map(topic_codes.__getitem__, topics), dtype=np.int64, count=self.size)
        self.terms = index.entries(texts)

    @classmethod
    def of(cls, statements: Sequence[Any], index: TermIndex, topic_codes: dict[str, int]) -> Side:
        """The side of statements given as :class:`tracker.match.context.Item` or as rows
        (:class:`tracker.store.queries.Row`: ``document_id`` and ``quantities``)."""
        texts = [s.normalized for s in statements]
        sections = [s.section for s in statements]
        topics = [s.topic for s in statements]
        if statements and hasattr(statements[0], "document_id"):
            sentences = [(s.document_id, s.sentence) for s in statements]
            units = [figure_units(s.quantities) if s.quantities else () for s in statements]
        else:
            sentences = [(s.document, s.sentence) for s in statements]
            units = [s.units for s in statements]
        return cls(texts, sections, topics, sentences, units, index, topic_codes)

    @cached_property
    def bigrams(self) -> Entries:
        return bigram_entries(self.texts)

    @cached_property
    def term_postings(self) -> Postings:
        return Postings.of(self.terms)

    @cached_property
    def lengths(self) -> np.ndarray:
        return np.array([len(t) for t in self.texts], dtype=np.float64)

    @cached_property
    def sentence_sizes(self) -> np.ndarray:
        """How many statements each statement's sentence has (itself included)."""
        return np.bincount(self.sentence, minlength=self.sentences)[self.sentence]

    @cached_property
    def with_units(self) -> np.ndarray:
        return np.array([bool(u) for u in self.units], dtype=bool)

    def chapter_terms(self) -> Entries:
        """Each chapter as one text: the terms of its title and of its statements, each at its highest
        weight, in the order the chapter first uses them (rows: ``chapter_titles``)."""
        titles = self.index.entries(self.chapter_titles)
        chapter_of = np.concatenate([titles.row, self.chapter[self.terms.row]])
        key = np.concatenate([titles.key, self.terms.key])
        value = np.concatenate([titles.value, self.terms.value])
        order = np.lexsort((np.arange(len(key)), key, chapter_of))
        chapter_of, key, value = chapter_of[order], key[order], value[order]
        if not len(key):
            return Entries(len(self.chapter_titles), chapter_of, key, value)
        first = run_starts(chapter_of, key)
        best = np.maximum.reduceat(value, first)
        keep = np.lexsort((order[first], chapter_of[first]))
        return Entries(len(self.chapter_titles), chapter_of[first][keep], key[first][keep], best[keep])

    def sentence_texts(self) -> list[str]:
        """Each sentence's statements joined in order (indexed by sentence code)."""
        joined = [""] * self.sentences
        for code, text in zip(self.sentence.tolist(), self.texts, strict=True):
            joined[code] += text
        return joined
