"""The optimised default scorer and link rule agree with the plain-Python reference (tracker.match.reference).

As RapidFuzz's tests/test_process.py checks ``process.cdist`` against its one-pair scorers: a hand-made
block that exercises every part of the rule (several chapters, topics, multi-clause sentences on both
sides, a clipped score), and a real block (佛山 2024 plan part against its 2024 summary).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tracker.ingest.pipeline import parse_file
from tracker.match import reference
from tracker.match.context import ContextScorer, Item
from tracker.match.link import LINK_RULES, keep_key_term_links, suggested
from tracker.match.scorers import CorpusStats
from tracker.match.terms import content_terms
from tracker.textnorm import normalize

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "seeds" / "004_ff62929cf9cd0f9d.txt"
OUTCOME = ROOT.parent / "shared" / "dev-benchmark" / "fs2024_outcome.txt"
RULE = LINK_RULES["weighted"]

PLAN_DOC, SUMMARY_DOC = "plan.txt", "summary.txt"

# (text, section, topic, sentence)
HAND_COMMITMENTS = [
    ("制定实施《佛山市基本养老服务清单》", "构建完善养老服务体系", "养老服务", 1),
    ("推进社区居家养老服务网络建设", "构建完善养老服务体系", "养老服务", 2),
    ("新建长者饭堂20间", "构建完善养老服务体系", "养老服务", 2),
    ("深化婚俗改革", "持续优化基本社会服务供给", "婚姻登记", 3),
    ("推进节地生态安葬", "持续优化基本社会服务供给", "殡葬", 4),
    ("加大“僵尸型”社会组织清理力度", "推进基层治理实践创新", "社会组织", 5),
    ("探索实施“源头工程”", "推进基层治理实践创新", "党建", 6),
    ("引导新建市级社会组织同步组建党组织", "推进基层治理实践创新", "党建", 6),
    ("全面加强自身建设", "", "其他", 7),
]
HAND_ACHIEVEMENTS = [
    ("印发实施基本养老服务清单", "养老服务体系更加健全 > 基本养老服务制度加快定型", "养老服务", 1),
    ("涵盖22个服务项目", "养老服务体系更加健全 > 基本养老服务制度加快定型", "养老服务", 1),
    ("逐项明确服务对象", "养老服务体系更加健全 > 基本养老服务制度加快定型", "养老服务", 1),
    ("制定实施《佛山市基本养老服务清单》", "养老服务体系更加健全 > 基本养老服务制度加快定型", "养老服务", 2),
    ("新增长者饭堂25间", "养老服务体系更加健全 > 社区居家养老服务网络持续织密", "养老服务", 3),
    ("联合妇联举办集体婚礼6场", "基本社会服务更加便民 > 婚姻登记服务提质增效", "婚姻登记", 4),
    ("推进婚俗改革", "基本社会服务更加便民 > 婚姻登记服务提质增效", "婚姻登记", 4),
    ("开展海葬树葬活动", "基本社会服务更加便民 > 殡葬服务管理持续规范", "殡葬", 5),
    ("集中清理“空壳”社会组织", "基层治理效能不断提升 > 社会组织管理更加规范", "社会组织", 6),
    ("新成立社会组织党组织15个", "基层治理效能不断提升 > 社会组织管理更加规范", "党建", 7),
    ("持续推进各项工作", "自身建设全面加强", "其他", 8),
]


def _items(rows: list[tuple[str, str, str, int]], document: str, prefix: str) -> list[Item]:
    return [
        Item(f"{prefix}{i}", normalize(text), section, topic, sentence, document)
        for i, (text, section, topic, sentence) in enumerate(rows)
    ]


def _fitted(stats: CorpusStats) -> ContextScorer:
    scorer = ContextScorer()
    scorer.fit(stats)
    return scorer


def _assert_agree(commitments: list[Item], achievements: list[Item], stats: CorpusStats) -> np.ndarray:
    """Scores (to 1e-6) and link decisions (exactly) agree; returns the optimised scores."""
    scorer = _fitted(stats)
    scores = scorer.score_items(commitments, achievements)
    expected = reference.score_items(commitments, achievements, stats)
    # CharTfidf computes in float32, so scores differ by up to ~3e-6: within atol plus the default
    # rtol of assert_allclose (1e-7 x |score|, stated here); the term and context parts are exact.
    np.testing.assert_allclose(scores, np.array(expected), rtol=1e-7, atol=1e-6)

    def key_terms(text: str) -> list[str]:
        return reference.key_terms(text, stats, RULE.key_terms)

    # The rule on one and the same score matrix, then each implementation end to end.
    links = keep_key_term_links(suggested(scores, RULE), commitments, achievements, key_terms)
    reference_links = reference.keep_key_term_links(
        reference.suggested(scores.tolist(), RULE), commitments, achievements, key_terms
    )
    assert links.tolist() == reference_links
    optimised = keep_key_term_links(
        suggested(scores, RULE), commitments, achievements, lambda t: scorer.key_terms(t, RULE.key_terms)
    )
    from_reference = reference.keep_key_term_links(
        reference.suggested(expected, RULE), commitments, achievements, key_terms
    )
    assert optimised.tolist() == from_reference
    return scores


@pytest.fixture(scope="module")
def hand_block() -> tuple[list[Item], list[Item], CorpusStats]:
    commitments = _items(HAND_COMMITMENTS, PLAN_DOC, "c")
    achievements = _items(HAND_ACHIEVEMENTS, SUMMARY_DOC, "a")
    stats = CorpusStats.from_terms([content_terms(i.normalized) for i in commitments + achievements])
    return commitments, achievements, stats


def test_hand_made_block_agrees_with_reference(hand_block) -> None:
    commitments, achievements, stats = hand_block
    scores = _assert_agree(commitments, achievements, stats)
    assert scores.max() == 100.0  # the identical statement, same chapter and topic: clipped
    assert RULE.key_terms and RULE.achievement_share  # the rule checked is the full one


def test_hand_made_block_uses_every_context(hand_block) -> None:
    """The block is not trivial: each bonus the reference states changes some score."""
    commitments, achievements, stats = hand_block
    own = np.array(
        reference.text_scores(
            [c.normalized for c in commitments], [a.normalized for a in achievements], stats
        )
    )
    lifted = np.array(reference.sentence_context(own.tolist(), achievements, reference.SENTENCE_SHARE))
    assert (lifted > own).any()
    assert np.array(reference.alignment(commitments, achievements, stats)).any()
    assert any(reference.same_topic(c, a) for c in commitments for a in achievements)


def test_key_terms_agree_with_reference(hand_block) -> None:
    commitments, achievements, stats = hand_block
    scorer = _fitted(stats)
    for item in commitments + achievements:
        assert scorer.key_terms(item.normalized, 3) == reference.key_terms(item.normalized, stats, 3)


def test_real_block_agrees_with_reference() -> None:
    if not OUTCOME.exists():
        pytest.skip("../shared/dev-benchmark is not beside this checkout")
    plan = parse_file(PLAN, display_path="seeds/004_ff62929cf9cd0f9d.txt")
    summary = parse_file(OUTCOME, display_path="../shared/dev-benchmark/fs2024_outcome.txt")
    commitments = [
        Item(f"c{i}", s.normalized, s.section, s.topic, s.sentence, plan.path)
        for i, (part, s) in enumerate(plan.commitments)
        if part.period == 2024
    ]
    achievements = [
        Item(f"a{i}", s.normalized, s.section, s.topic, s.sentence, summary.path)
        for i, (part, s) in enumerate(summary.achievements)
        if part.period == 2024
    ]
    assert len(commitments) > 20 and len(achievements) > 80
    statements = [s for doc in (plan, summary) for p in doc.parts for s in p.statements]
    stats = CorpusStats.from_terms([content_terms(s.normalized) for s in statements])
    scores = _assert_agree(commitments, achievements, stats)
    assert suggested(scores, RULE).any()


def test_key_term_is_not_found_across_sentence_and_title() -> None:
    commitments = [Item("c", "同步组建党组织", "推进基层治理实践创新", "党建", 1, PLAN_DOC)]
    achievements = [Item("a", "全面加强党", "自身建设 > 组织建设", "党建", 1, SUMMARY_DOC)]

    def key_terms(_text: str) -> list[str]:
        return ["党组织"]  # three characters: no compound parts

    kept = keep_key_term_links(np.array([[True]]), commitments, achievements, key_terms)
    assert kept.tolist() == reference.keep_key_term_links([[True]], commitments, achievements, key_terms)
