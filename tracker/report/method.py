"""What the html and md reports say about themselves: the legend of the seven statuses and the
methodology (方法说明), Chinese first, in one place so that both formats explain the same method (and,
where commitments were coded twice, the coders' agreement).

The statuses' meanings are :data:`tracker.statuses.STATUS_MEANINGS`, the one text the README, the CLI
and the review UI show too; the methodology describes what ``tracker/match/`` does (README "Matching and
status", "History across years", "Interim reports and pace"), in words for a reader of the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from tracker.statuses import STATUS_MEANINGS, STATUSES, label

LEGEND_TITLE: Final = "状态说明"
METHOD_TITLE: Final = "方法说明"

#: (heading, paragraphs) of the methodology, in reading order.
METHOD: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    (
        "资料与对照",
        (
            "本报告把各机构的年度工作计划与其后发布的工作总结逐条对照：计划拆成一条条承诺，总结拆成一条条成效陈述。"
            "一份文件可能同时含有上一年度的总结和下一年度的计划，出处因此注明所在部分（如“计划 2024”“总结 2023”）。"
            "每项承诺只与同一机构、同一年度、来自另一份文件的总结对照：一份计划不能为自己的目标作证。",
        ),
    ),
    (
        "状态如何判定",
        (
            "自动判定分两步。第一步是匹配：对每项承诺，按文本相似度（关键词与字符片段的重合）给总结中的成效排序，"
            "并考虑上下文（所在句子、章节是否对应、主题是否相同）；再由一个从人工标注的对照集学习得到的关联模型"
            "（逻辑回归，依据相似度、排名、关键词、章节对应、计量单位等特征）判断哪些成效足以作为这项承诺的佐证。",
            "第二步是判定：该机构该年度的总结尚未收录，为“待核查”；总结已收录但没有佐证，为“未见佐证”；"
            "承诺有数量目标、佐证报告了同一事项的数字，则比较目标与实际（见下文）；否则依据佐证的措辞："
            "报告已完成为“已兑现”，只报告仍在推进（草案、征求意见、调研、选址等）为“推进中”，部分完成、部分推进为“部分兑现”。"
            "“未兑现”只能由审核人员认定；“无法核查”（原则性表述、无从判断）目前也由审核人员认定。",
            "标注“自动判定”的状态未经人工核对，并附判定依据（如“佐证显示已完成”）；自动匹配可能漏掉用不同说法报告的成效，"
            "也可能把相近但无关的表述当作佐证。标注“审核判定”及日期的状态由审核人员确认或改定。"
            "审核人员也逐条确认或否决佐证：确认的佐证总会计入，否决的从不计入。",
        ),
    ),
    (
        "七种状态",
        (
            "每种状态的含义、颜色以及由谁判定，见上文“状态说明”。同一机构同一年度的承诺，只有在其总结收录之后，"
            "才可能得到“待核查”以外的自动状态。",
        ),
    ),
    (
        "数量目标如何核对",
        (
            "承诺中的数量目标（如“不少于2200张”）只与佐证中同一事项、同一类计量单位（个/家/处、人/名、场/次……）的数字比较。"
            "每项目标都达到，为“达标”，状态为“已兑现”；任何一项未达到，为“未达”，状态为“部分兑现”，并给出完成率（报告数字 ÷ 目标）。"
            "目标为“全覆盖”“全面推行”而报告的覆盖率或完成率低于100%，也算未达。“目标与实际”表逐项列出目标、报告数字、完成率和结果。",
            "年中等阶段性报告（日期在该年12月之前的总结）：只有阶段性报告作佐证的承诺为“推进中”，除非数量目标已经提前达到。"
            "阶段性报告给出的数字与全年目标之比，同当年已过去的时间比例相比，即“序时进度”："
            "高出5个百分点以上为“超序时”，低于5个百分点以上为“欠序时”，其余为“达序时”。",
        ),
    ),
    (
        "历年对比",
        (
            "对每项承诺，还查看同一机构上一年度的总结和以往年度的计划。"
            "“新增”：此前未见相关内容；“延续”：上一年度的总结报告过相关工作，本年度计划继续推进；"
            "“再次承诺”：以往的计划承诺过同一件事，且已兑现；“多年未兑现”：以往的计划承诺过同一件事，但没有兑现或未能核查；"
            "“未再提及”：上一年度计划中尚未兑现的承诺，本年度计划不再提及。“未再提及”只是核查线索，并非结论：它也可能已并入其他表述。",
            "目标与以往计划中同一事项的目标相比（目标上调、下调或不变），并与上一年度总结报告的数字对照。",
        ),
    ),
    (
        "局限",
        (
            "总结没有提到，不等于没有做；总结说做了，也不等于核实过。本报告依据的只是所列文件的文字，"
            "发表前请对照原文，并就“未见佐证”“未兑现”等结论向有关机构核实。",
        ),
    ),
)

#: The heading of the coders' agreement, shown when some commitments were coded twice.
AGREEMENT_TITLE: Final = "编码一致性"
#: How the team review works, before the agreement figures.
AGREEMENT_PROCEDURE: Final = (
    "承诺按文件顺序分配给各审核人员（编码员1）逐条判定，其中一部分另由第二名审核人员（编码员2）独立判定，"
    "即双重编码：两人都作出判定之前，看不到对方的判定。两人判定一致，标注“双重编码一致”；"
    "两人判定不一致，由未参与这项承诺编码的第三名审核人员裁定，裁定结果为最终状态，标注“已裁定”，"
    "两名编码员原来的判定仍保留在审核日志中。"
    "下列一致性指标依据双重编码、两人都已判定的承诺计算（Cohen's κ、Krippendorff's α 与一致率，1 为完全一致）。"
)

#: The same, briefly, for a reader without Chinese.
METHOD_ENGLISH: Final = (
    "Method, in brief: each commitment of a work plan is matched with the statements of the same agency's "
    "summary for the same year (from another document) by text similarity and context, and a learned "
    "link model decides which statements are evidence. The status follows: no summary yet (待核查), no "
    "evidence (未见佐证), numeric targets compared with the figures reported for the same thing (all met: "
    "已兑现; any missed: 部分兑现), else the wording of the evidence (done, under way, partly done). Interim "
    "reports give 推进中 and the pace against the share of the year gone (序时进度). 自动判定 marks an "
    "automatic status, 审核判定 one a reviewer decided; reviewers set 未兑现 and 无法核查."
)


def legend_rows() -> list[tuple[str, str, str, str]]:
    """(status id, label, meaning in Chinese, meaning in English) for each of the seven statuses."""
    return [(s, label(s), *STATUS_MEANINGS[s]) for s in STATUSES]


def method_sections(agreement: dict[str, Any] | None = None) -> Sequence[tuple[str, tuple[str, ...]]]:
    """:data:`METHOD`, with the coders' agreement (:data:`AGREEMENT_TITLE`: the procedure, then the
    figures' line, ``agreement["summary"]``: :func:`tracker.review.agreement.summary_line`) before the
    limits when the report has one (:meth:`tracker.report.rows.StoredReport.agreement`); without
    double coding there is nothing to say about it."""
    if not agreement or not agreement.get("summary"):
        return METHOD
    section = (AGREEMENT_TITLE, (AGREEMENT_PROCEDURE, str(agreement["summary"])))
    return (*METHOD[:-1], section, METHOD[-1])
