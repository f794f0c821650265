"""Status rules on wording never seen: cue words as words, parts of a whole, steps before completion,
and numbers compared only when they count the same thing."""

from __future__ import annotations

import pytest

from tracker.ingest.quantities import quantities_in
from tracker.match.status import auto_status, compare_targets


def _q(text: str) -> list[dict]:
    return [q.as_dict() for q in quantities_in(text)]


def _status(*texts: str, target: str = "", commitment: str = "") -> str:
    evidence = [(text, _q(text)) for text in texts]
    return auto_status(
        "c", _q(target), evidence, has_summary=True, commitment_text=commitment or target
    ).status


# 1. A cue counts only as a word: not inside a name, a compound or a place name it starts.
@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("深入实施“青苗助学计划”,资助困难学生", "fulfilled"),  # a programme's name in quotes
        ("完成乡村人才振兴计划项目验收", "fulfilled"),  # 计划 followed by a noun
        ("按计划完成全部改造任务", "fulfilled"),  # 计划 as "the plan", not "plans to"
        ("推进中心城区长者饭堂提质扩面", "fulfilled"),  # 推进 + 中心…, not 推进中
        ("推进中小学校园社工服务", "fulfilled"),
        ("完成“护苗”计划2025年度招募", "fulfilled"),  # 计划 closing a quoted name is part of it
        ("举行“敬老月”系列活动启动仪式", "fulfilled"),  # the ceremony took place
        ("召开慈善信托项目启动会", "fulfilled"),
        ("接待来访群众520人次", "fulfilled"),  # 待 inside 接待
        ("《殡葬管理办法》经市政府常务会议审议通过", "fulfilled"),
        ("综合服务平台升级改造有序推进中", "in_progress"),  # 推进中 ending its clause
        ("护理院主体已封顶,计划下半年投入运营", "in_progress"),  # "plans to" before a time
        ("计划于2026年建成投用", "in_progress"),
        ("启动新一轮城乡社区规划编制", "in_progress"),
        ("形成《养老服务条例(草案)》", "in_progress"),  # a title's bracketed state counts
        ("长者饭堂改造未完成,延至下半年", "in_progress"),  # a progress table's "not done" is no result
        ("护理院项目未开工", "in_progress"),
        ("全年未发生重大安全责任事故", "fulfilled"),  # 未 + an event that did not happen is a result
        ("未成年人保护工作站实现全覆盖", "fulfilled"),
    ],
)
def test_cue_words_count_as_words_only(text: str, status: str) -> None:
    assert _status(text) == status


# 2. Part of a whole reported done is partial.
def test_part_of_a_whole_done_is_partial() -> None:
    assert _status("16项年度改革任务已完成11项") == "partial"
    assert _status("已建成8个,其余3个正在施工") == "partial"
    assert _status("已办结信访件42件,其余8件结转明年办理") == "partial"
    assert _status("已建成8个,其余均已投入使用") == "fulfilled"
    assert _status("全年任务完成率92%") == "partial"
    assert _status("全年任务完成率100%") == "fulfilled"


def test_the_whole_is_no_figure_achieved() -> None:
    result = auto_status(
        "c",
        _q("完成16项改革任务"),
        [("16项改革任务已完成11项", _q("16项改革任务已完成11项"))],
        has_summary=True,
    )
    assert result.status == "partial"
    assert [(c["actual"], c["met"]) for c in result.detail["comparisons"]] == [("11项", False)]


def test_a_coverage_rate_below_full_coverage_is_partial() -> None:
    promise = "实现村(社区)儿童之家全覆盖"
    assert _status("村(社区)儿童之家覆盖率达96%", commitment=promise) == "partial"
    assert _status("村(社区)儿童之家覆盖率达100%", commitment=promise) == "fulfilled"
    assert _status("智能终端覆盖率97%", target="自助服务终端覆盖率达到100%") == "partial"
    # 全面推行X promises X everywhere: held against the coverage rate of X, not against any rate
    assert _status("社区养老服务覆盖率达到98%", commitment="全面推行社区养老服务") == "partial"
    assert _status("养老机构入住率85%", commitment="全面推行养老机构等级评定") == "fulfilled"
    # a rate that is no coverage (a time cut by 40 %) is not held against it
    assert _status("儿童之家平均办理时限压缩40%", commitment=promise) == "fulfilled"


# 3. A step before the promised thing (review, consultation, submission) is progress, not completion.
@pytest.mark.parametrize(
    "text",
    [
        "《社区养老服务设施布局规划》通过专家评审",
        "实施细则正按程序报市政府审定",
        "管理办法已完成公开征求意见,拟于下半年印发",
        "地方标准已形成送审稿",
        "服务指引已形成初稿",
        "已完成施工招标,预计明年建成",
        "起草社区养老服务管理办法",  # a text being drafted (起草并印发 is issued)
        "养老综合体项目尚处于方案设计阶段",
        "护理院主体结构已封顶",
        "已完成可行性研究,明年开工",
    ],
)
def test_steps_before_completion_are_in_progress(text: str) -> None:
    assert _status(text) == "in_progress"


def test_a_means_is_no_step() -> None:
    assert _status("通过公开招标委托专业机构运营") == "fulfilled"
    assert _status("起草并印发社区养老服务管理办法") == "fulfilled"


def test_a_step_the_commitment_promises_is_done() -> None:
    # a commitment to start (启动) or consult (征求意见) is kept by starting or consulting
    assert _status("启动城乡社区规划编制", commitment="启动新一轮城乡社区规划编制") == "fulfilled"
    assert _status("就救助办法广泛征求意见", commitment="就救助办法修订广泛征求意见") == "fulfilled"
    assert _status("启动城乡社区规划编制", commitment="完成城乡社区规划编制") == "in_progress"


# 4. Numbers are compared only when they count the same thing.
def test_a_standard_per_person_is_no_total() -> None:
    target = "城乡低保标准提高至1150元/人·月"
    assert (
        compare_targets(_q(target), _q("全年发放低保金2.3亿元"), evidence_text="全年发放低保金2.3亿元") == []
    )
    assert _status("全年发放低保金2.3亿元", target=target) == "fulfilled"  # by wording, not by 2.3亿
    assert _status("低保标准调整为每人每月1120元", target=target) == "partial"
    assert _status("低保标准调整为每人每月1180元", target=target) == "fulfilled"


def test_a_count_of_places_is_no_count_of_organisations() -> None:
    # without the commitment's text: places (counted in 个) never meet a target in 家
    result = auto_status(
        "c",
        _q("培育社区社会组织不少于40家"),
        [("在全市12个镇街开展试点", _q("在全市12个镇街开展试点"))],
        has_summary=True,
    )
    assert result.detail.get("comparisons") is None and result.status == "fulfilled"
    for places in ("在16个街镇开展试点", "在210个村(居)开展试点"):  # other names of the same places
        result = auto_status("c", _q("培育社区社会组织不少于300家"), [(places, _q(places))], has_summary=True)
        assert result.detail.get("comparisons") is None
    # with it: a count of 镇街 is no count of 长者饭堂, while 镇街 meet 镇街
    assert _status("长者饭堂覆盖18个镇街", target="新建长者饭堂30个") == "fulfilled"
    assert _status("社工服务覆盖20个镇街", target="实现社工服务覆盖全市23个镇街") == "partial"
    assert _status("新增社会组织25家,覆盖15个镇街", target="新增社会组织不少于20家") == "fulfilled"


def test_different_nouns_after_the_number_are_not_compared() -> None:
    target = "建成5个认知障碍照护中心"
    assert (
        compare_targets(
            _q(target), _q("建成3个社区食堂"), commitment_text=target, evidence_text="建成3个社区食堂"
        )
        == []
    )
    [same] = compare_targets(
        _q(target),
        _q("建成认知障碍照护中心6个"),
        commitment_text=target,
        evidence_text="建成认知障碍照护中心6个",
    )
    assert same["met"] is True
