"""Reference implementation of the default scorer (``weighted``) and its link rule, in plain Python.

The optimised code (:class:`tracker.match.context.ContextScorer`, :func:`tracker.match.link.suggested`,
:func:`tracker.match.link.keep_key_term_links`) scores a block with matrix products and masks, which is
fast but hides the rule behind array shapes. This module states the same rule one pair at a time, with
loops and dicts, so that it can be read against the module docstrings, and so that the optimised code
can be tested against it (tests/match/test_reference.py), as RapidFuzz tests ``process.cdist`` against
its one-pair scorers. It is never used to match: it is slow on purpose.

For a commitment ``c`` and an achievement ``a`` of one block, the score is, clipped to 0-100:
    own(c, a)   = TERM_SHARE x terms(c, a) + (1 - TERM_SHARE) x chars(c, a)
    lifted      = max(own(c, a), SENTENCE_SHARE x best own(c, a') over a's sentence-mates a')
    context     = max(lifted(c, a), COMMITMENT_SENTENCE_SHARE x best lifted(c', a) over c's sentence-mates)
    score       = context + ALIGNMENT_BONUS x alignment(c, a) + TOPIC_BONUS x [same topic, not OTHER]
A link is suggested when the score clears ``absolute``, or clears ``floor`` and is within ``share`` of the
commitment's best score; with ``achievement_share``, it must also be within that share of the
achievement's best score; with ``key_terms``, the achievement's sentence or last section title must then
name one of the commitment's most specific terms or a word of one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from tracker.ingest.topics import OTHER
from tracker.match.context import (
    ALIGNMENT_BONUS,
    COMMITMENT_SENTENCE_SHARE,
    SENTENCE_SHARE,
    TERM_SHARE,
    TOPIC_BONUS,
    Item,
    chapter,
)
from tracker.match.link import LinkRule
from tracker.match.scorers import COVERAGE_SHARE, NAMED_BOOST, CorpusStats
from tracker.match.terms import compound_parts, content_terms, named_items

Matrix = list[list[float]]


def term_weights(text: str, stats: CorpusStats) -> dict[str, float]:
    """Each content term of ``text`` once: its corpus rarity (IDF), doubled for a quoted or titled name."""
    named = set(named_items(text))
    weights: dict[str, float] = {}
    for term in content_terms(text):
        weights[term] = stats.idf(term) * (NAMED_BOOST if term in named else 1.0)
    return weights


def weights_score(left: dict[str, float], right: dict[str, float]) -> float:
    """The ``terms`` score of two term-weight maps: 0 unless they share a term, else the mix of how much
    of the left (commitment) weight is shared and the cosine of the two."""
    shared = [term for term in left if term in right]
    if not shared:
        return 0.0
    coverage = sum(left[t] for t in shared) / sum(left.values())
    dot = sum(left[t] * right[t] for t in shared)
    norm_left = math.sqrt(sum(w * w for w in left.values()))
    norm_right = math.sqrt(sum(w * w for w in right.values()))
    cosine = dot / (norm_left * norm_right)
    return 100.0 * (COVERAGE_SHARE * coverage + (1 - COVERAGE_SHARE) * cosine)


def key_terms(text: str, stats: CorpusStats, count: int) -> list[str]:
    """The ``count`` heaviest terms of ``text``; of equal weights, the one the text names first."""
    weights = term_weights(text, stats)
    order = {term: index for index, term in enumerate(weights)}
    return sorted(weights, key=lambda t: (-weights[t], order[t]))[:count]


def bigram_counts(text: str) -> dict[str, int]:
    """Character bigrams with their counts; a text shorter than two characters is its own one gram."""
    grams = [text[i : i + 2] for i in range(len(text) - 1)] or [text]
    counts: dict[str, int] = {}
    for gram in grams:
        counts[gram] = counts.get(gram, 0) + 1
    return counts


def bigram_idf(texts: Sequence[str]) -> dict[str, float]:
    """IDF of every bigram over the block's statements (commitments and achievements together)."""
    frequency: dict[str, int] = {}
    for text in texts:
        for gram in bigram_counts(text):
            frequency[gram] = frequency.get(gram, 0) + 1
    return {gram: math.log((1 + len(texts)) / (1 + df)) + 1.0 for gram, df in frequency.items()}


def char_score(commitment: str, achievement: str, idf: dict[str, float]) -> float:
    """100 x cosine of the bigram count x IDF vectors of the two texts (0 if either is empty)."""
    left = {gram: count * idf[gram] for gram, count in bigram_counts(commitment).items()}
    right = {gram: count * idf[gram] for gram, count in bigram_counts(achievement).items()}
    norm_left = math.sqrt(sum(w * w for w in left.values()))
    norm_right = math.sqrt(sum(w * w for w in right.values()))
    if norm_left == 0 or norm_right == 0:
        return 0.0
    dot = sum(w * right[gram] for gram, w in left.items() if gram in right)
    return 100.0 * dot / (norm_left * norm_right)


def text_scores(commitments: Sequence[str], achievements: Sequence[str], stats: CorpusStats) -> Matrix:
    """``ContextScorer.score_block``: terms and character bigrams of the texts alone."""
    idf = bigram_idf([*commitments, *achievements])
    return [
        [
            TERM_SHARE * weights_score(term_weights(c, stats), term_weights(a, stats))
            + (1 - TERM_SHARE) * char_score(c, a, idf)
            for a in achievements
        ]
        for c in commitments
    ]


def sentence_context(own: Matrix, items: Sequence[Item], share: float) -> Matrix:
    """Each column (a statement of ``items``) at least ``share`` of the best column of its sentence, row
    by row; a sentence is the statements of one document with one ``sentence`` number."""
    mates: dict[tuple[str, int], list[int]] = {}
    for index, item in enumerate(items):
        mates.setdefault((item.document, item.sentence), []).append(index)
    lifted: Matrix = []
    for row in own:
        new_row = []
        for index, item in enumerate(items):
            best = max(row[j] for j in mates[(item.document, item.sentence)])
            new_row.append(max(row[index], share * best))
        lifted.append(new_row)
    return lifted


def transposed(matrix: Matrix, columns: int) -> Matrix:
    return [[row[j] for row in matrix] for j in range(columns)]


def chapter_weights(title: str, items: Sequence[Item], stats: CorpusStats) -> dict[str, float]:
    """A chapter as one text: the terms of its title and of its statements, each at its highest weight."""
    merged = dict(term_weights(title, stats))
    for item in items:
        if chapter(item.section) == title:
            for term, weight in term_weights(item.normalized, stats).items():
                merged[term] = max(merged.get(term, 0.0), weight)
    return merged


def alignment(commitments: Sequence[Item], achievements: Sequence[Item], stats: CorpusStats) -> Matrix:
    """How alike the pair's chapters are, as a share of the best achievement chapter for the commitment's
    chapter (so 1.0 for that one); all zero unless both sides have at least two chapters."""
    left = sorted({chapter(c.section) for c in commitments})
    right = sorted({chapter(a.section) for a in achievements})
    if len(left) < 2 or len(right) < 2:
        return [[0.0 for _a in achievements] for _c in commitments]
    left_weights = {k: chapter_weights(k, commitments, stats) for k in left}
    right_weights = {k: chapter_weights(k, achievements, stats) for k in right}
    similarity: dict[str, dict[str, float]] = {}
    for k in left:
        row = {j: weights_score(left_weights[k], right_weights[j]) for j in right}
        best = max(max(row.values()), 1e-9)
        similarity[k] = {j: value / best for j, value in row.items()}
    return [[similarity[chapter(c.section)][chapter(a.section)] for a in achievements] for c in commitments]


def same_topic(commitment: Item, achievement: Item) -> bool:
    return commitment.topic == achievement.topic and commitment.topic != OTHER


def score_items(commitments: Sequence[Item], achievements: Sequence[Item], stats: CorpusStats) -> Matrix:
    """``ContextScorer.score_items`` (fitted on ``stats``) for one block, commitments x achievements."""
    own = text_scores([c.normalized for c in commitments], [a.normalized for a in achievements], stats)
    scores = sentence_context(own, achievements, SENTENCE_SHARE)
    if COMMITMENT_SENTENCE_SHARE:
        flipped = transposed(scores, len(achievements))
        scores = transposed(
            sentence_context(flipped, commitments, COMMITMENT_SENTENCE_SHARE), len(commitments)
        )
    aligned = alignment(commitments, achievements, stats)
    result: Matrix = []
    for i, c in enumerate(commitments):
        row = []
        for j, a in enumerate(achievements):
            value = scores[i][j] + ALIGNMENT_BONUS * aligned[i][j]
            value += TOPIC_BONUS if same_topic(c, a) else 0.0
            row.append(min(max(value, 0.0), 100.0))
        result.append(row)
    return result


def suggested(scores: Matrix, rule: LinkRule) -> list[list[bool]]:
    """``tracker.match.link.suggested``: the links (commitments x achievements) the rule suggests."""
    columns = len(scores[0]) if scores else 0
    column_best = [max(row[j] for row in scores) for j in range(columns)]
    links: list[list[bool]] = []
    for row in scores:
        row_best = max(row, default=0.0)
        new_row = []
        for j, score in enumerate(row):
            near_best = score >= rule.floor and score >= rule.share * row_best
            link = score >= rule.absolute or near_best
            if rule.achievement_share and score < rule.achievement_share * column_best[j]:
                link = False
            new_row.append(link)
        links.append(new_row)
    return links


def keep_key_term_links(
    links: list[list[bool]],
    commitments: Sequence[Item],
    achievements: Sequence[Item],
    key_terms: Callable[[str], list[str]],
) -> list[list[bool]]:
    """``tracker.match.link.keep_key_term_links``: a link stays only if the achievement's sentence (its
    sentence-mates' texts joined, in order) or its last section title contains a key term of the
    commitment or a compound part of one; no link is added."""
    kept: list[list[bool]] = []
    for i, commitment in enumerate(commitments):
        forms: list[str] = []
        for term in key_terms(commitment.normalized):
            forms += [term, *compound_parts(term)]
        row = []
        for j, achievement in enumerate(achievements):
            if not links[i][j]:
                row.append(False)
                continue
            sentence = "".join(
                a.normalized
                for a in achievements
                if (a.document, a.sentence) == (achievement.document, achievement.sentence)
            )
            title = achievement.section.split(" > ")[-1]
            row.append(any(form in sentence or form in title for form in forms))
        kept.append(row)
    return kept
