"""The link rule (tracker.match.link): which scored candidates are suggested, one behaviour per test."""

from __future__ import annotations

import numpy as np
import pytest

from tracker.match.context import Item
from tracker.match.link import LinkRule, keep_key_term_links, suggested


def _links(scores: list[list[float]], rule: LinkRule) -> list[list[bool]]:
    return suggested(np.array(scores, dtype=np.float64), rule).tolist()


def test_score_at_or_above_absolute_is_suggested() -> None:
    rule = LinkRule(absolute=75.0, floor=90.0, share=1.0)  # near-best only for the best itself
    assert _links([[75.0, 100.0, 74.9]], rule) == [[True, True, False]]


def test_below_floor_nothing_is_suggested_even_the_best() -> None:
    rule = LinkRule(absolute=75.0, floor=10.0, share=0.8)
    assert _links([[9.9, 5.0], [10.0, 2.0]], rule) == [[False, False], [True, False]]


def test_above_floor_within_share_of_best_is_suggested_outside_is_not() -> None:
    rule = LinkRule(absolute=75.0, floor=10.0, share=0.8)
    # best 50: the bar is 40 for this commitment
    assert _links([[50.0, 40.0, 39.9, 20.0]], rule) == [[True, True, False, False]]


def test_achievement_share_drops_a_commitment_far_below_the_achievements_best() -> None:
    scores = [[60.0, 0.0], [30.0, 28.0]]  # achievement 0 answers commitment 0 far better
    rule = LinkRule(absolute=75.0, floor=10.0, share=0.8, achievement_share=0.8)
    assert _links(scores, rule) == [[True, False], [False, True]]
    without = LinkRule(absolute=75.0, floor=10.0, share=0.8)
    assert _links(scores, without) == [[True, False], [True, True]]


@pytest.mark.parametrize("shape", [(0, 0), (0, 3), (2, 0)])
def test_empty_matrix_gives_an_empty_result(shape: tuple[int, int]) -> None:
    links = suggested(np.zeros(shape), LinkRule(absolute=75.0, floor=10.0, share=0.8, achievement_share=0.8))
    assert links.shape == shape and links.dtype == bool and not links.any()


COMMITMENTS = [
    Item("c0", "深化婚俗改革", "持续优化基本社会服务供给", "婚姻登记", 1, "plan"),
    Item("c1", "推进社区居家养老服务", "构建完善养老服务体系", "养老服务", 2, "plan"),
    Item("c2", "完善综合监管机制", "推进基层治理实践创新", "社会组织", 3, "plan"),
]
ACHIEVEMENTS = [
    # one sentence of two statements: only the second names the key term
    Item(
        "a0",
        "联合妇联举办集体婚礼6场",
        "基本社会服务更加便民 > 婚姻登记服务提质增效",
        "婚姻登记",
        1,
        "summary",
    ),
    Item("a1", "推进婚俗改革", "基本社会服务更加便民 > 婚姻登记服务提质增效", "婚姻登记", 1, "summary"),
    # names nothing itself; its section title does
    Item(
        "a2",
        "新增长者饭堂25间",
        "养老服务体系更加健全 > 社区居家养老服务网络持续织密",
        "养老服务",
        2,
        "summary",
    ),
    # a word of the key term 综合监管 (监管)
    Item(
        "a3", "建立部门协同监管模式", "基层治理效能不断提升 > 社会组织管理更加规范", "社会组织", 3, "summary"
    ),
    # names none of them, and only its chapter (not its last title) names 居家养老
    Item("a4", "开展海葬树葬活动", "居家养老 > 殡葬服务管理持续规范", "殡葬", 4, "summary"),
]
KEY_TERMS = {
    "深化婚俗改革": ["婚俗改革"],
    "推进社区居家养老服务": ["居家养老"],
    "完善综合监管机制": ["综合监管"],
}


def _kept(links: list[list[bool]]) -> list[list[bool]]:
    return keep_key_term_links(np.array(links), COMMITMENTS, ACHIEVEMENTS, KEY_TERMS.__getitem__).tolist()


def _only(row: int, column: int) -> list[list[bool]]:
    return [[(r, c) == (row, column) for c in range(len(ACHIEVEMENTS))] for r in range(len(COMMITMENTS))]


def test_keeps_a_link_whose_sentence_mate_names_a_key_term() -> None:
    assert _kept(_only(0, 0)) == _only(0, 0)  # "…集体婚礼6场" + "推进婚俗改革"


def test_keeps_a_link_whose_section_title_names_a_key_term() -> None:
    assert _kept(_only(1, 2)) == _only(1, 2)


def test_keeps_a_link_that_names_a_compound_part_of_a_key_term() -> None:
    assert _kept(_only(2, 3)) == _only(2, 3)  # 监管 of 综合监管


def test_drops_a_link_that_names_no_key_term() -> None:
    nothing = [[False] * len(ACHIEVEMENTS) for _ in COMMITMENTS]
    assert _kept(_only(0, 4)) == nothing
    assert _kept(_only(0, 2)) == nothing  # another commitment's key term does not count
    assert _kept(_only(1, 4)) == nothing  # the chapter is not the achievement's own section title


def test_never_adds_a_link() -> None:
    every = [[True] * len(ACHIEVEMENTS) for _ in COMMITMENTS]
    allowed = np.array(_kept(every))
    for links in (_only(0, 0), _only(2, 3), [[False] * len(ACHIEVEMENTS) for _ in COMMITMENTS]):
        kept = np.array(_kept(links))
        assert not (kept & ~np.array(links)).any()
        assert (kept == (np.array(links) & allowed)).all()
