"""Topics from a document's own chapters where the civil-affairs vocabulary does not fit it: an education
or health bureau's plan is grouped as its authors grouped it, its summary takes the plan's chapter
topics, and the 民政 seeds keep exactly the vocabulary's topics."""

from __future__ import annotations

import pytest
from conftest import DEV_BENCHMARK, SEED_NAMES, SEEDS, TESTS

from tracker.ingest import pipeline
from tracker.ingest.chapters import VOCABULARY_SHARE, align_chapters, chapter_topics, uses_vocabulary
from tracker.ingest.headings import MAX_TOPIC, heading_topic
from tracker.ingest.parsed import ParsedDocument
from tracker.ingest.pipeline import parse_file
from tracker.ingest.topics import OTHER

BUREAUS = TESTS / "data" / "bureaus"


def parse(name: str) -> ParsedDocument:
    return parse_file(BUREAUS / name, display_path=name)


def chapters(doc: ParsedDocument, kind: str) -> dict[str, list[str]]:
    """Topic -> the normalised statements of that topic, over the parts of one kind."""
    grouped: dict[str, list[str]] = {}
    for part in doc.parts:
        if part.kind == kind:
            for statement in part.statements:
                grouped.setdefault(statement.topic, []).append(statement.normalized)
    return grouped


def topic_of_statement(doc: ParsedDocument, fragment: str) -> str:
    found = [s.topic for part in doc.parts for s in part.statements if fragment in s.text]
    assert len(found) == 1, f"{fragment!r} in {len(found)} statements"
    return found[0]


def test_education_plan_is_grouped_by_its_three_chapters() -> None:
    plan = parse("education_plan_2024.txt")
    assert plan.agency == "湖州市教育局"
    assert len(plan.commitments) >= 10
    assert list(dict.fromkeys(s.topic for _part, s in plan.commitments)) == [
        "教育质量",
        "教育均衡",
        "教师队伍",
    ]
    assert topic_of_statement(plan, "劳动教育实践基地5个") == "教育质量"
    assert topic_of_statement(plan, "新增公办学位6000个") == "教育均衡"
    assert topic_of_statement(plan, "培养市级骨干教师300名") == "教师队伍"


def test_health_summary_takes_the_chapter_topics_of_its_plan() -> None:
    plan, summary = parse("health_plan_2024.txt"), parse("health_summary_2024.txt")
    assert (
        summary.agency == plan.agency == "湖州市卫生健康委员会"
    )  # the summary says only 市卫健委 and 湖州市
    own = chapters(summary, "summary")
    assert set(own) == {"医改重点任务", "公共卫生", "基层卫生服务", OTHER}  # its own headings, worded apart
    taken = align_chapters(own, chapters(plan, "plan"))
    assert taken == {
        "医改重点任务": "优质医疗资源",
        "公共卫生": "疾病防控",
        "基层卫生服务": "基层服务",
        OTHER: OTHER,
    }


def test_a_summary_chapter_the_plan_does_not_have_keeps_its_own_topic() -> None:
    plan = chapters(parse("education_plan_2024.txt"), "plan")
    summary = chapters(parse("education_summary_2024.txt"), "summary")
    summary["校园安全"] = ["开展校园安全隐患排查整治", "完成校园消防设施改造"]
    taken = align_chapters(summary, plan)
    assert taken["立德树人"] == "教育质量"
    assert taken["教育资源"] == "教育均衡"
    assert taken["教师队伍素质"] == "教师队伍"
    assert taken["校园安全"] == "校园安全"


def test_the_rule_measured_vocabulary_fits_the_seeds_not_other_bureaus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shares: dict[str, float] = {}

    def recording(agency: str, found: list[str]) -> bool:
        shares[agency] = sum(topic != OTHER for topic in found) / len(found)
        return uses_vocabulary(agency, found)

    monkeypatch.setattr(pipeline, "uses_vocabulary", recording)
    for name in SEED_NAMES.values():
        parse_file(SEEDS / name, display_path=name)
        assert shares.pop(next(iter(shares))) >= 0.9, name  # 0.93-1.00: the vocabulary fits 民政 documents
    for name in ("education_plan_2024.txt", "health_plan_2024.txt", "health_summary_2024.txt"):
        parse(name)
        assert shares.pop(next(iter(shares))) < VOCABULARY_SHARE, name  # 0-0.2 elsewhere
    assert uses_vocabulary("中山市民政局", [OTHER])  # 民政 in the name: always the vocabulary
    assert not uses_vocabulary("吴兴区人民政府", [OTHER, OTHER, "养老服务"])  # 人民政府 is no 民政
    assert uses_vocabulary("南山区社会事务局", ["养老服务", "社会救助", OTHER])  # a 民政 text by another name


def _outcomes() -> list:
    return sorted(DEV_BENCHMARK.glob("*_outcome.txt")) if DEV_BENCHMARK.is_dir() else []


def test_seeds_keep_exactly_their_vocabulary_topics(seed_docs, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parsed with the chapter rule switched off, every seed (and dev outcome) statement has the same
    topic; switched to chapters, they would not: the rule is what keeps them."""
    paths = {key: SEEDS / name for key, name in SEED_NAMES.items()}
    today = {key: seed_docs[key] for key in paths}
    today.update({path.name: parse_file(path, display_path=path.name) for path in _outcomes()})
    paths.update({path.name: path for path in _outcomes()})

    def topics(doc: ParsedDocument) -> list[tuple[str, str]]:
        return [(s.text, s.topic) for part in doc.parts for s in part.statements]

    monkeypatch.setattr(pipeline, "uses_vocabulary", lambda agency, found: True)
    for key, path in paths.items():
        assert topics(parse_file(path, display_path=today[key].path)) == topics(today[key]), key
    monkeypatch.setattr(pipeline, "uses_vocabulary", lambda agency, found: False)
    assert topics(parse_file(paths["004"], display_path=today["004"].path)) != topics(today["004"])


def test_a_document_without_chapters_keeps_the_vocabulary(tmp_path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(
        "湖州市教育局2024年工作计划\n新建改扩建中小学校8所。\n新增公办学位6000个。\n", encoding="utf-8"
    )
    doc = parse_file(path, display_path="plan.txt")
    assert len(doc.commitments) == 2
    assert {s.topic for _part, s in doc.commitments} == {OTHER}


@pytest.mark.parametrize(
    ("heading", "topic"),
    [
        ("一、坚持立德树人，全面提高教育质量", "教育质量"),  # the last clause names the field
        ("三、加强教师队伍建设，激发教育发展活力", "教师队伍"),  # ... unless it names an effect
        ("强化保障,健全分层分类的社会救助体系", "社会救助"),  # not 保障; B of "A的B"
        ("（二）养老服务体系更加健全", "养老服务"),  # a summary's state words go
        ("第三部分 慈善事业发展活力持续释放", "慈善事业"),  # 事业 stays: 慈善 alone is too short
        ("一、推动卫生健康事业高质量发展", "卫生健康"),
        ("在持续巩固全国养老服务先行示范上走前列", "全国养老服务先行示范"),  # the inside of the frame
        ("党建引领：筑牢基层战斗堡垒", "党建引领"),  # a label
        ("持续深化县域医共体建设和公立医院综合改革", "县域医共体"),  # too long: cut at 和
        ("（一）立德树人成效显著", "立德树人"),
    ],
)
def test_heading_topic_is_short_and_readable(heading: str, topic: str) -> None:
    assert heading_topic(heading) == topic


def test_every_seed_heading_gives_a_short_topic(seed_docs) -> None:
    headings = {
        h for doc in seed_docs.values() for _p, s in doc.commitments for h in s.section.split(" > ") if h
    }
    assert headings
    for heading in headings:
        assert 2 <= len(heading_topic(heading)) <= MAX_TOPIC, heading


def test_chapters_are_the_first_level_that_splits_the_part() -> None:
    # One 工作计划 heading above everything: the chapters are the level below it.
    sections = [
        "工作计划 > 一、学前教育 > 扩大普惠",
        "工作计划 > 一、学前教育",
        "工作计划 > 二、义务教育",
        "",
    ]
    assert chapter_topics(sections) == ["学前教育", "学前教育", "义务教育", OTHER]
