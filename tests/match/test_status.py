"""Automatic statuses a reviewer would agree with: numeric targets checked, wording read."""

from __future__ import annotations

from tracker.ingest.quantities import quantities_in
from tracker.match.status import auto_status, compare_targets


def _q(text: str) -> list[dict]:
    return [q.as_dict() for q in quantities_in(text)]


def test_target_met_reports_the_ratio() -> None:
    # seeds/003: "创建不少于45个高标准支部品牌"; a summary reporting 61 of them.
    [comparison] = compare_targets(_q("创建不少于45个高标准支部品牌"), _q("全年创建高标准支部品牌61个"))
    assert comparison["met"] is True
    assert comparison["ratio"] == 1.356
    assert (comparison["target"], comparison["actual"]) == ("不少于45个", "61个")


def test_missed_target_is_partial_with_the_shortfall() -> None:
    # seeds/001 reports "全年完成改造231户" (居家适老化改造); against a target of at least 300 户:
    result = auto_status(
        "c-1",
        _q("完成特殊困难老年人家庭适老化改造不少于300户"),
        [("全年完成改造231户", _q("全年完成改造231户"))],
        has_summary=True,
    )
    assert result.status == "partial"
    [comparison] = result.detail["comparisons"]
    assert comparison["met"] is False and comparison["ratio"] == 0.77


def test_count_units_of_one_family_compare() -> None:
    [comparison] = compare_targets(_q("打造100个长者饭堂示范点"), _q("评定长者饭堂示范点120家"))
    assert comparison["met"] is True


def test_pending_without_summary_and_no_evidence_with_one() -> None:
    assert auto_status("c-1", [], [], has_summary=False).status == "pending"
    assert auto_status("c-1", [], [], has_summary=True).status == "no_evidence"


def test_wording_decides_without_numbers() -> None:
    done = ("印发实施本市基本养老服务清单", [])
    drafting = ("《佛山市殡葬设施专项规划》修编已形成草案", [])
    consulting = ("分类调整方案正在征求意见", [])
    assert auto_status("c", [], [done], has_summary=True).status == "fulfilled"
    assert auto_status("c", [], [drafting, consulting], has_summary=True).status == "in_progress"
    assert auto_status("c", [], [done, drafting], has_summary=True).status == "partial"
