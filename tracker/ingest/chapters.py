"""Which topics a document's statements get: the civil-affairs vocabulary, or the document's own chapters.

The vocabulary of :mod:`tracker.ingest.topics` knows the fields of a 民政 bureau; an education or health
bureau's plan would land almost entirely under 其他. Such a plan is grouped as its authors grouped it:
each statement's topic is its chapter heading, named by :func:`tracker.ingest.headings.heading_topic`.

The rule (:func:`uses_vocabulary`): the vocabulary stays when the issuing body has 民政 in its name, or
when it places at least :data:`VOCABULARY_SHARE` of the document's statements outside 其他 (a 民政
document under another name: a district's 社会事务局, or an ``--agency`` given by hand). Measured on the
seeds and the development outcomes, all 民政, the vocabulary places 93–100 % of statements; on an
education and a health bureau's plan written for the tests, 0–20 %. Otherwise the chapters give the
topics, when the document has chapters at all (two headings or more in one part); without, the
vocabulary stays too.

A part's chapters are the shallowest level of its section paths at which its statements fall under
two headings or more: a plan whose 一、二、三 stand under one 2024年工作计划 heading is grouped by them, and
so is one under a part heading that :mod:`tracker.ingest.parts` has already taken off the paths.

A summary is worded apart from the plan it answers ("扩大优质资源,…" against "教育资源持续扩充"), so a
summary chapter is given the topic of the plan chapter of the same bureau and year it is most alike
(:func:`align_chapters`, character bigrams of the chapter's title and statements); the store applies it
whenever a plan or summary with chapter topics is saved (:mod:`tracker.store.chapter_topics`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence

from tracker.ingest.headings import heading_topic
from tracker.ingest.topics import OTHER, TOPIC_KEYWORDS

#: How a statement's section path is written: its headings, outermost first.
SECTION_SEPARATOR = " > "
#: Share of statements the vocabulary must place outside 其他 to keep it for a body without 民政 in its name.
VOCABULARY_SHARE = 0.5
#: Cosine of character bigrams a summary chapter needs with a plan chapter to take its topic.
ALIGN_FLOOR = 0.1
#: How much a chapter's title counts against all of its statements together.
TITLE_WEIGHT = 1
_CIVIL_AFFAIRS = re.compile(r"民政(?!府)")  # 民政局, not the 民政 of 人民政府
_HAN = re.compile(r"[\u4e00-\u9fff]+")


def uses_vocabulary(agency: str, vocabulary_topics: Sequence[str]) -> bool:
    """Whether a document keeps the civil-affairs vocabulary (see the module docstring)."""
    if _CIVIL_AFFAIRS.search(agency):
        return True
    if not vocabulary_topics:
        return True
    placed = sum(1 for topic in vocabulary_topics if topic != OTHER)
    return placed / len(vocabulary_topics) >= VOCABULARY_SHARE


def is_vocabulary_topic(topic: str) -> bool:
    """A topic of the civil-affairs vocabulary (or 其他), as opposed to one named after a chapter."""
    return topic == OTHER or topic in TOPIC_KEYWORDS


def chapter_topics(sections: Sequence[str]) -> list[str]:
    """The topic of each statement of one part, from the section paths of all of them: its chapter's
    heading as a topic, or 其他 for a statement outside any chapter."""
    paths = [section.split(SECTION_SEPARATOR) if section else [] for section in sections]
    depth = _chapter_depth(paths)
    return [heading_topic(path[min(depth, len(path) - 1)]) if path else OTHER for path in paths]


def has_chapters(topics: Sequence[str]) -> bool:
    """Whether one part's chapter topics name two chapters or more."""
    return len({topic for topic in topics if topic != OTHER}) >= 2


def _chapter_depth(paths: Sequence[Sequence[str]]) -> int:
    """The shallowest level at which the paths hold two headings or more (0 when none does)."""
    deepest = max((len(path) for path in paths), default=0)
    for depth in range(deepest):
        if len({path[depth] for path in paths if len(path) > depth}) >= 2:
            return depth
    return 0


def align_chapters(summary: Mapping[str, Sequence[str]], plan: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """For each summary chapter (topic -> its statements), the topic it takes: its own when a plan
    chapter has the same topic, else the plan chapter most alike when their cosine reaches
    :data:`ALIGN_FLOOR`, else its own. Several summary chapters may take one plan chapter's topic."""
    if not any(topic != OTHER for topic in plan):
        return {topic: topic for topic in summary}
    profiles = {("s", t): _bigrams(t, texts) for t, texts in summary.items() if t != OTHER}
    profiles.update({("p", t): _bigrams(t, texts) for t, texts in plan.items() if t != OTHER})
    weights = _tf_idf(profiles)
    result: dict[str, str] = {}
    for topic in summary:
        if topic in plan or topic == OTHER:
            result[topic] = topic
            continue
        own = weights[("s", topic)]
        scored = [(_cosine(own, weights[("p", other)]), other) for other in plan if other != OTHER]
        best_score, best = max(scored, key=lambda pair: pair[0])
        result[topic] = best if best_score >= ALIGN_FLOOR else topic
    return result


def _bigrams(title: str, texts: Sequence[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(_pairs(text))
    title_counts = _pairs(title)
    scale = TITLE_WEIGHT * max(1, len(texts))
    for pair, n in Counter(title_counts).items():
        counts[pair] += n * scale
    return counts


def _pairs(text: str) -> list[str]:
    return [run[i : i + 2] for run in _HAN.findall(text) for i in range(len(run) - 1)]


def _tf_idf(profiles: Mapping[tuple[str, str], Counter[str]]) -> dict[tuple[str, str], dict[str, float]]:
    frequency: Counter[str] = Counter()
    for counts in profiles.values():
        frequency.update(counts.keys())
    total = len(profiles)
    return {
        key: {pair: (1 + math.log(n)) * math.log(1 + total / frequency[pair]) for pair, n in counts.items()}
        for key, counts in profiles.items()
    }


def _cosine(left: Mapping[str, float], right: Mapping[str, float]) -> float:
    dot = sum(weight * right.get(pair, 0.0) for pair, weight in left.items())
    norm = math.sqrt(sum(w * w for w in left.values())) * math.sqrt(sum(w * w for w in right.values()))
    return dot / norm if norm else 0.0
