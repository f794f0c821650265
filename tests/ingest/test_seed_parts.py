"""Parts, agencies and periods found on the five real seed documents, and their atomic statements."""

from __future__ import annotations

import json

import pytest
from conftest import DEV_BENCHMARK

from tracker.ingest.parsed import ParsedDocument
from tracker.textnorm import normalize

EXPECTED_PARTS = {
    "004": ("佛山市民政局", [("summary", 2023), ("plan", 2024)]),
    "001": ("中山市民政局", [("summary", 2024), ("plan", 2025)]),
    "003": ("广州市民政局", [("plan", 2024)]),
    "000": ("珠海市民政局", [("summary", 2023), ("plan", 2024)]),
    "002": ("珠海市民政局", [("summary", 2021), ("plan", 2021)]),
}


@pytest.mark.parametrize("key", sorted(EXPECTED_PARTS))
def test_parts_agency_and_period(seed_docs: dict[str, ParsedDocument], key: str) -> None:
    agency, parts = EXPECTED_PARTS[key]
    doc = seed_docs[key]
    assert doc.agency == agency
    assert sorted((p.kind, p.period) for p in doc.parts) == sorted(parts)
    assert all(p.agency == agency for p in doc.parts)


def _commitment(doc: ParsedDocument, fragment: str):
    matches = [s for p, s in doc.commitments if fragment in s.text]
    assert len(matches) == 1, f"{fragment!r} found in {len(matches)} commitments"
    return matches[0]


def test_seed_003_examples(seed_docs: dict[str, ParsedDocument]) -> None:
    doc = seed_docs["003"]
    beds = _commitment(doc, "认知障碍照护床位不少于2200张")
    assert beds.text == "2024年底建成养老服务机构认知障碍照护床位不少于2200张"
    assert [(q.quantity, q.unit, q.comparator) for q in beds.quantities] == [(2200, "张", ">=")]
    assert beds.deadline == "2024年底"
    assert beds.testable
    assert beds.topic == "养老服务"
    brands = _commitment(doc, "高标准支部品牌")
    assert [(q.quantity, q.unit, q.comparator) for q in brands.quantities] == [(45, "个", ">=")]
    assert brands.topic == "党建"
    burial = _commitment(doc, "节地生态安葬率达90%")
    assert [(q.quantity, q.unit) for q in burial.quantities] == [(90, "%")]
    assert burial.topic == "殡葬"
    canteen = _commitment(doc, "长者饭堂提质增效")
    assert canteen.section == "在持续巩固全国养老服务先行示范上走前列 > 擦亮长者饭堂招牌"


def test_guiding_ideology_is_not_a_commitment(seed_docs: dict[str, ParsedDocument]) -> None:
    for doc in seed_docs.values():
        for _part, statement in doc.commitments:
            assert "为指导" not in statement.text
            assert "稳中求进工作总基调" not in statement.text
            assert "以下工作" not in statement.text


def test_seed_000_repeated_article_stored_once(seed_docs: dict[str, ParsedDocument]) -> None:
    doc = seed_docs["000"]
    assert doc.repeated_paragraphs > 40
    texts = [normalize(s.text) for _p, s in doc.commitments + doc.achievements]
    assert len(texts) == len(set(texts))
    relief = _commitment(doc, "健全低收入人口分类精准救助帮扶机制")
    assert relief.times_stated == 2
    # Stated in the body and again in the "施工图" list, each twice: four times in all.
    consult = _commitment(doc, "深入开展基层议事协商活动")
    assert consult.times_stated == 4
    # "一方面,加快分层分类社会救助体系建设。健全…": the paragraph's title is its first commitment.
    title = _commitment(doc, "加快分层分类社会救助体系建设")
    assert title.text == "加快分层分类社会救助体系建设"


def test_seed_002_end_of_year_targets_are_2021_commitments(seed_docs: dict[str, ParsedDocument]) -> None:
    doc = seed_docs["002"]
    texts = [s.text for _p, s in doc.commitments]
    assert any(t.startswith("预计7月底前达成“一百小时读党史”") for t in texts)
    assert any(t.startswith("预计今年底,全市将实现328个村(社区)社会工作服务站全覆盖") for t in texts)
    assert any(t.startswith("力争今年底,基本形成") for t in texts)
    assert len(texts) == 3
    hours = _commitment(doc, "一百小时读党史")
    assert hours.deadline == "7月底前"
    assert (100, "小时") in [(q.quantity, q.unit) for q in hours.quantities]
    achievements = [s.text for _p, s in doc.achievements]
    assert any("全体党员已完成个人累计学习时长80小时以上" in t for t in achievements)


def test_seed_002_page_furniture_and_broken_lines(seed_docs: dict[str, ParsedDocument]) -> None:
    doc = seed_docs["002"]
    everything = " ".join(s.text for _p, s in doc.achievements + doc.commitments)
    assert "本报记者" not in everything
    assert "The 100th" not in everything
    assert "定期为长者配送营养午餐" in everything  # a line broken by the page layout, re-joined
    assert "市区两级智慧养老服务平台" in everything


def _gold_lines() -> list[dict]:
    path = DEV_BENCHMARK / "fs2024_gold.jsonl"
    if not path.exists():
        pytest.skip("../shared/dev-benchmark is not beside this checkout")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_seed_004_plan_matches_the_32_gold_commitments(seed_docs: dict[str, ParsedDocument]) -> None:
    doc = seed_docs["004"]
    plan = [s for p, s in doc.commitments if p.period == 2024]
    assert len(plan) == 32
    gold = [line["commitment"] for line in _gold_lines() if "commitment" in line]
    for fragment in gold:
        hits = [s for s in plan if normalize(fragment) in s.normalized]
        assert len(hits) == 1, fragment


def test_no_gold_non_commitment_is_extracted(seed_docs: dict[str, ParsedDocument]) -> None:
    doc = seed_docs["004"]
    for line in _gold_lines():
        if "non_commitment" in line:
            fragment = normalize(line["non_commitment"])
            assert not [s for _p, s in doc.commitments if fragment in s.normalized]
