"""Scorers: the batch computation agrees with the one-pair reference, and content beats boilerplate."""

from __future__ import annotations

import numpy as np
import pytest

from tracker.match.scorers import SCORERS, CorpusStats, TermScorer, terms_score
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
