"""Numbers with units, comparators and deadlines, as a reviewer would read them."""

from __future__ import annotations

import pytest

from tracker.ingest.quantities import quantities_in
from tracker.ingest.tense import deadline_in


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024年底建成养老服务机构认知障碍照护床位不少于2200张", [(2200, "张", ">=")]),
        ("创建不少于45个高标准支部品牌", [(45, "个", ">=")]),
        ("实现节地生态安葬率达90%", [(90, "%", ">=")]),
        ("稳步提高孤儿生活保障金标准3.5%左右", [(3.5, "%", "~")]),
        ("年内发放各类救助资金约2.82亿元", [(282_000_000, "元", "~")]),
        ("为1.3万名特殊困难老年人提供服务", [(13_000, "名", "=")]),
        ("两项补贴标准提高至202元/人·月", [(202, "元/人·月", "=")]),
        ("开展“一百小时读党史”", [(100, "小时", "=")]),
        ("推动社会救助标准实现“十三连增”", [(13, "连增", "=")]),
        ("连续第12年提高低保标准", [(12, "年", "=")]),
        ("新增发现困难群众2500多人", [(2500, "人", ">")]),
        ("2024年我市低保标准", []),
        ("提高两项补贴标准", []),
    ],
)
def test_quantities(text: str, expected: list[tuple[float, str, str]]) -> None:
    assert [(q.quantity, q.unit, q.comparator) for q in quantities_in(text)] == expected


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("2024年底建成床位不少于2200张", "2024年底"),
        ("年内参与等级评估的社会组织不少于80家", "年内"),
        ("预计7月底前达成目标", "7月底前"),
        ("力争今年底基本形成", "今年底"),
        ("计划2025年一季度投入运行", "2025年一季度"),
        ("持续发展社区居家养老服务", None),
    ],
)
def test_deadlines(text: str, deadline: str | None) -> None:
    assert deadline_in(text) == deadline
