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

from tracker.ingest.memo import per_agency
from tracker.match.sides import Side, last_title
from tracker.match.terms import compound_parts
from tracker.match.vectors import group_codes


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


@per_agency
def term_forms(terms: tuple[str, ...]) -> tuple[str, ...]:
    """Terms and the words they are made of, each once, in order."""
    return tuple(dict.fromkeys(f for term in terms for f in (term, *compound_parts(term))))


class KeyTermCheck:
    """Whether an achievement mentions one of a commitment's most specific terms (or a word of one:
    "综合监管" by "…协同监管模式"), in its own clause, or in its sentence or section title."""

    def __init__(
        self,
        commitments: Sequence[Placed],
        achievements: Sequence[Placed],
        key_terms: Callable[[str], list[str]],
    ) -> None:
        self._set(
            [c.normalized for c in commitments],
            [a.normalized for a in achievements],
            group_codes((a.document, a.sentence) for a in achievements),
            [a.section for a in achievements],
            key_terms,
        )

    @classmethod
    def of_sides(cls, left: Side, right: Side, key_terms: Callable[[str], list[str]]) -> KeyTermCheck:
        """The check for a block whose sides are read already (commitments ``left``)."""
        check = cls.__new__(cls)
        check._set(left.texts, right.texts, right.sentence, right.sections, key_terms)
        return check

    def _set(
        self,
        commitments: Sequence[str],
        achievements: Sequence[str],
        sentence: np.ndarray,
        sections: Sequence[str],
        key_terms: Callable[[str], list[str]],
    ) -> None:
        self.commitments, self.achievements, self.key_terms = commitments, achievements, key_terms
        self._sentence, self._sections = sentence.tolist(), sections
        self._sentences: list[str] | None = None
        self._forms: dict[int, tuple[str, ...]] = {}
        self._contexts: dict[int, str] = {}

    def forms(self, row: int) -> tuple[str, ...]:
        """The commitment's key terms and the words they are made of, each once."""
        found = self._forms.get(row)
        if found is None:
            found = self._forms[row] = term_forms(tuple(self.key_terms(self.commitments[row])))
        return found

    def context(self, column: int) -> str:
        if column not in self._contexts:
            if self._sentences is None:
                self._sentences = [""] * (max(self._sentence, default=-1) + 1)
                for code, text in zip(self._sentence, self.achievements, strict=True):
                    self._sentences[code] += text
            # a line break between them: no term is found across the sentence's end and the title
            sentence = self._sentences[self._sentence[column]]
            self._contexts[column] = sentence + "\n" + last_title(self._sections[column])
        return self._contexts[column]

    def own(self, row: int, column: int) -> bool:
        return any(map(self.achievements[column].__contains__, self.forms(row)))

    def in_context(self, row: int, column: int) -> bool:
        return any(map(self.context(column).__contains__, self.forms(row)))

    def flags(self, rows: np.ndarray, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`own` and :meth:`in_context` of each pair (``rows[i]``, ``columns[i]``), each
        commitment's forms and each achievement's context made once."""
        pairs = list(zip(rows.tolist(), columns.tolist(), strict=True))
        forms = {r: self.forms(r) for r in set(rows.tolist())}
        contexts = {c: self.context(c) for c in set(columns.tolist())}
        texts = self.achievements
        in_context = [any(map(contexts[c].__contains__, forms[r])) for r, c in pairs]
        # a form the clause holds is one its sentence holds
        own = [
            found and any(map(texts[c].__contains__, forms[r]))
            for (r, c), found in zip(pairs, in_context, strict=True)
        ]
        return np.array(own, dtype=bool), np.array(in_context, dtype=bool)


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
