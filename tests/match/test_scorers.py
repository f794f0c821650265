"""Scorers: the batch computation agrees with the one-pair reference, and content beats boilerplate."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from tracker.match.scorers import SCORERS, CorpusStats, TermScorer, general_share, terms_score
from tracker.match.terms import content_terms
from tracker.textnorm import normalize

COMMITMENTS = [
    normalize(t)
    for t in ["制定实施《佛山市基本养老服务清单》", "深化婚俗改革", "加大“僵尸型”社会组织清理力度"]
]
ACHIEVEMENTS = [
    normalize(t)
    for t in [
        "经市政府同意,印发实施本市基本养老服务清单",
        "集中清理长期不开展活动、不参加年报的“空壳”社会组织",
        "持续推进各项工作,全面加强服务体系建设",
        "联合妇联举办集体婚礼6场,推进婚俗改革",
    ]
]


@pytest.fixture
def stats() -> CorpusStats:
    return CorpusStats.from_terms([content_terms(t) for t in COMMITMENTS + ACHIEVEMENTS])


def test_batch_matches_reference(stats: CorpusStats) -> None:
    scorer = TermScorer()
    scorer.fit(stats)
    batch = scorer.score_block(COMMITMENTS, ACHIEVEMENTS)
    reference = np.array([[terms_score(c, a, stats) for a in ACHIEVEMENTS] for c in COMMITMENTS])
    np.testing.assert_allclose(batch, reference, atol=1e-6)


def test_boilerplate_alone_scores_nothing(stats: CorpusStats) -> None:
    scorer = TermScorer()
    scorer.fit(stats)
    scores = scorer.score_block(COMMITMENTS, ACHIEVEMENTS)
    assert scores[:, 2].max() == 0.0  # "持续推进各项工作,全面加强服务体系建设" says nothing
    assert list(scores.argmax(axis=1)) == [0, 3, 1]


@pytest.mark.parametrize("name", sorted(SCORERS))
def test_every_scorer_is_on_a_0_to_100_scale(name: str, stats: CorpusStats) -> None:
    scorer = SCORERS[name]()
    scorer.fit(stats)
    scores = scorer.score_block(COMMITMENTS, ACHIEVEMENTS)
    assert scores.shape == (3, 4)
    assert scores.min() >= 0.0 and scores.max() <= 100.0 + 1e-6


def test_explanation_names_shared_content_terms(stats: CorpusStats) -> None:
    scorer = TermScorer()
    scorer.fit(stats)
    shared = scorer.explain(COMMITMENTS[0], ACHIEVEMENTS[0])
    assert "清单" in shared and "服务" not in shared


def test_rust_and_python_jieba_segment_alike(seed_docs) -> None:
    from tracker.match.terms import DOMAIN_WORDS, Segmenter

    fast, reference = Segmenter(DOMAIN_WORDS), Segmenter(DOMAIN_WORDS, rust=False)
    texts = [s.normalized for doc in seed_docs.values() for _p, s in doc.commitments + doc.achievements]
    assert len(texts) > 1000
    assert [fast.lcut(t) for t in texts] == [reference.lcut(t) for t in texts]


def test_in_a_small_agency_a_word_common_in_general_chinese_weighs_less_than_a_rare_one() -> None:
    """Three words each held by one statement of twenty: the more often general Chinese uses one (社区
    more than 民政), the more its weight is drawn down; a word jieba's dictionary counts fewer than 1,000
    times (殡葬) has no prior at all."""
    small = CorpusStats(documents=20, frequency=Counter({"社区": 1, "民政": 1, "殡葬": 1}))
    assert general_share("社区") > general_share("民政") > 0
    assert general_share("殡葬") == 0.0
    assert small.idf("社区") < small.idf("民政") < small.idf("殡葬")


def test_a_large_agency_keeps_its_own_counts() -> None:
    """With thousands of statements the prior of ten moves a weight by well under 1 %."""
    large = CorpusStats(documents=5000, frequency=Counter({"社区": 400, "殡葬": 40}))
    for word, held in (("社区", 400), ("殡葬", 40)):
        plain = math.log((1 + 5000) / (1 + held)) + 1.0
        assert large.idf(word) == pytest.approx(plain, rel=0.01)
