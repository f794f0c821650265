"""The issuing body, also for cities jieba's dictionary does not tag as places."""

from __future__ import annotations

import pytest
from conftest import SEED_NAMES, SEEDS

from tracker.ingest.agency import detect_agency


# jieba tags 石家庄 as a person's name, 大连 as an adverb, 保定 and 包头 as verbs; 呼和浩特 holds 和.
@pytest.mark.parametrize("city", ["石家庄", "大连", "保定", "包头", "呼和浩特", "齐齐哈尔", "东莞"])
@pytest.mark.parametrize(
    ("seed", "own_city"), [("001", "中山"), ("003", "广州"), ("004", "佛山"), ("000", "珠海")]
)
def test_agency_of_any_city(seed: str, own_city: str, city: str) -> None:
    text = (SEEDS / SEED_NAMES[seed]).read_text(encoding="utf-8").replace(own_city, city)
    assert detect_agency(text) == f"{city}市民政局"


def test_verbs_before_shi_are_not_places() -> None:
    text = (
        "加强市老龄办对老龄工作的统筹协调。" * 3
        + "建设市、区、镇街、村居四级示范站点。全市民政系统。中山市民政局。"
    )
    assert detect_agency(text) == "中山市民政局"
