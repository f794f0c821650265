"""The unit responsible for a commitment, read from what the plan writes in or right after it; one rule
with the task tables' unit cells. The unit is no part of a commitment's id."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SEEDS

from tracker.ingest.pipeline import parse_file
from tracker.ingest.units import cell_lead, lead_unit_in, only_assigns_units
from tracker.store import ids


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        ("由市民政局牵头,会同市财政局健全社会救助体系", "市民政局"),
        ("年内新建长者饭堂不少于20家(牵头单位:市民政局;配合单位:市财政局)", "市民政局"),
        ("责任单位:市民政局(市财政局配合)", "市民政局"),
        ("推进婚俗改革(市民政局牵头,各区政府配合)", "市民政局"),
        ("责任单位:市卫生健康局、市民政局(牵头)", "市民政局"),
        ("由市民政局、市财政局负责", "市民政局"),
        # 牵头 as a verb, or a unit said to lead elsewhere, assigns nothing
        ("牵头制定贯彻《条例》的实施意见", None),
        ("作为牵头单位,市民政局坚持把民生微实事作为特色项目", None),
        ("市民政局去年下半年牵头系统梳理了全市社会救助政策", None),
    ],
)
def test_the_lead_unit_a_plan_writes(text, lead):
    assert lead_unit_in(text) == lead


@pytest.mark.parametrize(
    ("cell", "lead"),
    [
        ("市民政局", "市民政局"),
        ("市民政局、市财政局", "市民政局"),
        ("市卫生健康局\n市民政局（牵头）", "市民政局"),
        ("牵头：市民政局 配合：市财政局", "市民政局"),
        ("市民政局（市财政局配合）", "市民政局"),
        ("—", None),
        ("", None),
    ],
)
def test_a_unit_cell_is_read_by_the_same_rule(cell, lead):
    assert cell_lead(cell) == lead


@pytest.mark.parametrize(
    ("text", "only"),
    [
        ("责任单位:市民政局(市财政局配合)", True),
        ("由市民政局牵头", True),
        ("市财政局、市卫生健康局配合", True),
        ("牵头单位:市民政局;配合单位:市财政局", True),
        ("由市民政局牵头,会同市财政局健全社会救助体系", False),
        ("推进婚俗改革", False),
    ],
)
def test_a_sentence_that_only_assigns_units(text, only):
    assert only_assigns_units(text) is only


PLAN = (
    "佛山市民政局2024年工作计划\n一、养老服务\n"
    "年内新建长者饭堂不少于20家(牵头单位:市民政局;配合单位:市财政局)。推进居家适老化改造,完成改造500户。"
    "责任单位:市民政局(市卫生健康局配合)。\n"
    "由市民政局牵头,会同市财政局健全社会救助体系。\n"
    "推进婚俗改革。\n"
)


def test_a_plans_units_go_to_the_commitments_they_are_written_in_or_after(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    parsed = parse_file(path, display_path="plan.txt")
    assert [(s.text, s.lead_unit) for _p, s in parsed.commitments] == [
        ("年内新建长者饭堂不少于20家(牵头单位:市民政局;配合单位:市财政局)", "市民政局"),
        ("推进居家适老化改造", "市民政局"),  # 责任单位：… after the sentence; no commitment of its own
        ("完成改造500户", "市民政局"),
        ("会同市财政局健全社会救助体系", "市民政局"),  # 由…牵头 is no commitment either
        ("推进婚俗改革", None),
    ]


def test_a_unit_written_anew_leaves_the_commitments_ids_as_they_were(tmp_path):
    """A reviewer's decisions are kept by commitment id: naming another unit changes no id."""
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    before = parse_file(path, display_path="plan.txt")
    path.write_text(
        PLAN.replace("责任单位:市民政局(市卫生健康局配合)", "责任单位:市卫生健康局"), encoding="utf-8"
    )
    after = parse_file(path, display_path="plan.txt")

    def keyed(document):
        return {
            ids.commitment_id(p.agency, p.period, s.normalized): s.lead_unit for p, s in document.commitments
        }

    assert keyed(before).keys() == keyed(after).keys()
    assert sorted(v for v in keyed(after).values() if v) == [
        "市卫生健康局",
        "市卫生健康局",
        "市民政局",
        "市民政局",
    ]


def test_the_seeds_name_no_lead_unit():
    """None of the five real documents assigns units: their commitments stay as they were."""
    for path in sorted(Path(SEEDS).glob("*.txt")):
        parsed = parse_file(path, display_path=path.name)
        assert [s.text for _p, s in parsed.commitments if s.lead_unit] == []
