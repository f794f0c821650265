"""A summary's chapter topics renamed after its bureau's plan chapters when either is saved, whichever
comes first; civil-affairs documents untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from tracker.store.documents import load_paths
from tracker.store.engine import read_session
from tracker.store.models import Achievement, Commitment

BUREAUS = Path(__file__).resolve().parents[1] / "data" / "bureaus"
PLAN, SUMMARY = "health_plan_2024.txt", "health_summary_2024.txt"


def _topics(engine, model) -> dict[str, str]:
    with read_session(engine) as session:
        return {row.text: row.topic for row in session.exec(select(model).where(model.period == 2024)).all()}


def _summary_topic(topics: dict[str, str], fragment: str) -> str:
    return next(topic for text, topic in topics.items() if fragment in text)


@pytest.mark.parametrize("order", [(PLAN, SUMMARY), (SUMMARY, PLAN)], ids=["plan first", "summary first"])
def test_summary_chapters_take_the_plan_chapters(engine, order: tuple[str, str]) -> None:
    for name in order:
        assert not load_paths(engine, [str(BUREAUS / name)]).errors
    plan_topics = set(_topics(engine, Commitment).values())
    assert plan_topics == {"优质医疗资源", "疾病防控", "基层服务"}
    achievements = _topics(engine, Achievement)
    assert set(achievements.values()) <= plan_topics | {"其他"}
    assert _summary_topic(achievements, "县域医共体建设实现全覆盖") == "优质医疗资源"
    assert _summary_topic(achievements, "疾控中心实验室楼") == "疾病防控"
    assert _summary_topic(achievements, "培训乡村医生650人次") == "基层服务"


def test_a_civil_affairs_summary_keeps_its_vocabulary_topics(engine, tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text(
        "湖州市教育局2024年工作计划\n一、学前教育\n新建幼儿园5所。\n二、义务教育\n新建中小学校3所。\n",
        "utf-8",
    )
    summary = tmp_path / "summary.txt"
    summary.write_text("湖州市民政局2024年工作总结\n一、养老服务\n全年新建长者饭堂12家。\n", "utf-8")
    assert not load_paths(engine, [str(plan), str(summary)]).errors
    assert set(_topics(engine, Commitment).values()) == {"学前教育", "义务教育"}
    assert set(_topics(engine, Achievement).values()) == {"养老服务"}
