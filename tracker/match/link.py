"""The link decision: which ranked candidates the matcher suggests as evidence for a commitment.

A candidate is suggested when its score clears an absolute bar, or when it clears a lower floor and is
close to the commitment's best candidate: a short commitment ("深化婚俗改革") shares few words with any
evidence, so its best evidence scores low in absolute terms but stands out among its own candidates.
Our scorer also asks the evidence to mention one of the commitment's rarest terms (``key_terms``).
One achievement may support several commitments and one commitment may take several achievements.

The numbers are calibrated per scorer on the development benchmark by ``benchmarks/calibrate.py``
(maximum link F1 over a grid); they are not chosen by taste. Scores of different scorers live on
different scales, so each has its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from tracker.match.terms import compound_parts


@dataclass(frozen=True)
class LinkRule:
    absolute: float  # at or above: suggested
    floor: float  # at or above, and within ``share`` of the commitment's best: suggested
    share: float
    # and within this share of the achievement's best commitment (0: off): an achievement that answers
    # one commitment well is weak evidence for its neighbours
    achievement_share: float = 0.0
    # and (>0) the achievement's sentence or section title mentions one of the commitment's this many
    # most specific terms: evidence has to say something about what sets the commitment apart
    # ("打造佛山社会组织品牌" is not supported by results that share only 社会组织)
    key_terms: int = 0


# Calibrated by benchmarks/calibrate.py on ../shared/dev-benchmark (see README, "Matching"); the comments
# give the dev-set link F1 and status accuracy each rule reached.
LINK_RULES: dict[str, LinkRule] = {
    "weighted": LinkRule(
        absolute=75.0, floor=10.0, share=0.8, achievement_share=0.8, key_terms=3
    ),  # F1 0.862, status 0.812
    "partial_ratio": LinkRule(absolute=75.0, floor=50.0, share=0.9),  # F1 0.366, status 0.656
    "jieba_token_set": LinkRule(absolute=75.0, floor=15.0, share=1.0),  # F1 0.449, status 0.656
    "char_tfidf": LinkRule(
        absolute=15.0, floor=5.0, share=1.0, achievement_share=0.8
    ),  # F1 0.444, status 0.688
}


def suggested(scores: np.ndarray, rule: LinkRule) -> np.ndarray:
    """Boolean matrix (commitments x achievements) of the links the matcher suggests."""
    if scores.size == 0:
        return np.zeros(scores.shape, dtype=bool)
    best = scores.max(axis=1, keepdims=True)
    near_best = (scores >= rule.floor) & (scores >= rule.share * best)
    links = (scores >= rule.absolute) | near_best
    if rule.achievement_share:
        links &= scores >= rule.achievement_share * scores.max(axis=0, keepdims=True)
    return links


class Placed(Protocol):
    """What the key-term check reads of a statement (``tracker.match.context.Item`` has it)."""

    @property
    def normalized(self) -> str: ...
    @property
    def section(self) -> str: ...
    @property
    def sentence(self) -> int: ...
    @property
    def document(self) -> str: ...


class KeyTermCheck:
    """Whether an achievement mentions one of a commitment's most specific terms (or a word of one:
    "综合监管" by "…协同监管模式"), in its own clause, or in its sentence or section title."""

    def __init__(
        self,
        commitments: Sequence[Placed],
        achievements: Sequence[Placed],
        key_terms: Callable[[str], list[str]],
    ) -> None:
        self.commitments, self.achievements, self.key_terms = commitments, achievements, key_terms
        sentences: dict[tuple[str, int], str] = {}
        for a in achievements:
            key = (a.document, a.sentence)
            sentences[key] = sentences.get(key, "") + a.normalized
        self._sentences = sentences
        self._forms: dict[int, tuple[str, ...]] = {}
        self._contexts: dict[int, str] = {}

    def forms(self, row: int) -> tuple[str, ...]:
        """The commitment's key terms and the words they are made of, each once."""
        if row not in self._forms:
            terms = self.key_terms(self.commitments[row].normalized)
            self._forms[row] = tuple(
                dict.fromkeys(f for term in terms for f in (term, *compound_parts(term)))
            )
        return self._forms[row]

    def context(self, column: int) -> str:
        if column not in self._contexts:
            a = self.achievements[column]
            self._contexts[column] = (
                # a line break between them: no term is found across the sentence's end and the title
                self._sentences[(a.document, a.sentence)] + "\n" + a.section.rsplit(" > ", 1)[-1]
            )
        return self._contexts[column]

    def own(self, row: int, column: int) -> bool:
        return any(map(self.achievements[column].normalized.__contains__, self.forms(row)))

    def in_context(self, row: int, column: int) -> bool:
        return any(map(self.context(column).__contains__, self.forms(row)))


def keep_key_term_links(
    links: np.ndarray,
    commitments: Sequence[Placed],
    achievements: Sequence[Placed],
    key_terms: Callable[[str], list[str]],
) -> np.ndarray:
    """Keep a link only where the achievement's sentence or section title contains one of the
    commitment's most specific terms (``key_terms`` of its text), or a word of one ("综合监管" by
    "…协同监管模式"): evidence has to mention what sets the commitment apart. Checked on the links
    only, not on every pair."""
    check = KeyTermCheck(commitments, achievements, key_terms)
    kept = links.copy()
    for row, column in zip(*np.nonzero(links), strict=True):
        kept[row, column] = check.in_context(int(row), int(column))
    return kept
