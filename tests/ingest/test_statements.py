"""Cutting sentences into the statements a reviewer rates one by one."""

from __future__ import annotations

import pytest

from tracker.ingest.statements import commitments_from, split_summary_sentence


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "进一步推进《佛山市养老服务条例》立法工作,持续发展社区居家养老服务,促进社区居家养老专业化、规模化、市场化运作",
            [
                "进一步推进《佛山市养老服务条例》立法工作",
                "持续发展社区居家养老服务",
                "促进社区居家养老专业化、规模化、市场化运作",
            ],
        ),
        # A purpose clause stays with its action.
        ("深入推进“乡村著名行动”,助力乡村全面振兴", ["深入推进“乡村著名行动”,助力乡村全面振兴"]),
        # A framing clause (means, partners, a date) joins the action after it.
        (
            "联合检察、教育、妇联等部门,强化对家庭履行监护职责的引导及必要帮扶",
            ["联合检察、教育、妇联等部门,强化对家庭履行监护职责的引导及必要帮扶"],
        ),
        ("因地制宜,探索创新更多样的助餐配餐服务模式", ["因地制宜,探索创新更多样的助餐配餐服务模式"]),
        # Two whole actions joined by 、 are two commitments; a list of objects is not.
        (
            "加强部门联动、推动出台珠海市落实强制报告制度实施意见",
            ["加强部门联动", "推动出台珠海市落实强制报告制度实施意见"],
        ),
        ("做好低保、特困提标工作", ["做好低保、特困提标工作"]),
        # Slogans and the speaker's framing are dropped.
        (
            "聚焦省委“1310”具体部署、锚定市委“515”高质量发展目标任务,全面深入履行民政工作职责,重点做好以下工作",
            ["全面深入履行民政工作职责"],
        ),
        (
            "高宏伟介绍说,2024年,我市民政部门将继续坚持增进民生福祉、促进共同富裕,重点在3个方面发力,健全分层分类的社会救助体系",
            ["健全分层分类的社会救助体系"],
        ),
        # The modal left once the subject is gone goes too; 将 before a noun is the object marker and stays.
        ("此外,要进一步规范区划地名管理", ["进一步规范区划地名管理"]),
        ("将符合条件的困难群众纳入救助范围", ["将符合条件的困难群众纳入救助范围"]),
        # Commas inside quotes do not cut.
        (
            "打造广州市“双监测、多维度、强服务”的低收入动态监测服务体系",
            ["打造广州市“双监测、多维度、强服务”的低收入动态监测服务体系"],
        ),
    ],
)
def test_plan_sentence_to_commitments(sentence: str, expected: list[str]) -> None:
    assert commitments_from(sentence) == expected


def test_summary_keeps_results_and_lifts_a_dated_target() -> None:
    drafts = split_summary_sentence(
        "目前,全体党员已完成个人累计学习时长80小时以上,预计7月底前达成“一百小时读党史”的目标", 2021
    )
    assert [(d.kind, d.text) for d in drafts] == [
        ("summary", "全体党员已完成个人累计学习时长80小时以上"),
        ("plan", "预计7月底前达成“一百小时读党史”的目标"),
    ]


def test_summary_intent_for_next_year_stays_with_its_result() -> None:
    drafts = split_summary_sentence(
        "三水区综合救助服务中心已完成场地改造和功能布局,计划2025年一季度投入运行", 2024
    )
    assert [(d.kind, d.text) for d in drafts] == [
        ("summary", "三水区综合救助服务中心已完成场地改造和功能布局,计划2025年一季度投入运行")
    ]


def test_summary_drops_problems_and_slogans() -> None:
    drafts = split_summary_sentence(
        "同时也要看到,全市养老服务供需结构性矛盾依然存在,社会组织发展质量有待提升,基层民政服务能力与群众期待仍有差距",
        2024,
    )
    assert drafts == []


@pytest.mark.parametrize(
    "clause",
    [
        "中心城区养老床位依然紧张",
        "历史遗留问题有待解决",
        "农村养老服务仍存在短板",
        "基层服务能力与群众期待仍有差距",
        "部门协同配合不够",
        "专业社工人才亟待充实",
    ],
)
def test_a_problem_statement_is_neither_commitment_nor_achievement(clause: str) -> None:
    assert commitments_from(clause) == []
    assert split_summary_sentence(clause, 2024) == []


@pytest.mark.parametrize(
    "clause",
    ["补齐农村养老服务短板", "着力解决养老床位依然紧张的问题", "缩小城乡低保标准差距"],
)
def test_an_action_on_a_problem_is_still_a_commitment(clause: str) -> None:
    assert commitments_from(clause) == [clause]


@pytest.mark.parametrize(
    "sentence", ["两个镇的公益性殡葬设施仍处于前期选址阶段", "全区还不断完善救助审核机制"]
)
def test_a_state_of_progress_is_not_a_problem(sentence: str) -> None:
    assert [d.text for d in split_summary_sentence(sentence, 2024)] == [sentence]


@pytest.mark.parametrize(
    "sentence", ["为全市民政事业高质量发展作出新的更大贡献", "奋力谱写新时代民政事业新篇章"]
)
def test_a_closing_slogan_is_neither_commitment_nor_achievement(sentence: str) -> None:
    assert commitments_from(sentence) == []
    assert split_summary_sentence(sentence, 2024) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "市民政局将在做好救助审核服务的同时,持续推进救助服务改革",
            ["在做好救助审核服务的同时,持续推进救助服务改革"],
        ),
        ("在巩固试点成果的基础上,全面推广智慧养老服务", ["在巩固试点成果的基础上,全面推广智慧养老服务"]),
        ("巩固提升试点成果的同时,全面推广智慧养老服务", ["巩固提升试点成果的同时,全面推广智慧养老服务"]),
    ],
)
def test_a_frame_without_an_action_joins_the_action_it_frames(sentence: str, expected: list[str]) -> None:
    assert commitments_from(sentence) == expected
