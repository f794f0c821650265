"""Topic of a statement (the civil-affairs fields of SPEC) and whether it can be checked at all."""

from __future__ import annotations

import re
from functools import lru_cache

# Order matters only for ties: a more specific field before a broader one.
TOPIC_KEYWORDS: dict[str, list[str]] = {
    "养老服务": [
        "养老",
        "老年",
        "长者",
        "适老化",
        "敬老",
        "老龄",
        "颐康",
        "助餐",
        "配餐",
        "银发",
        "高龄",
        "失能",
        "认知障碍",
        "认知症",
        "护理员",
        "康养",
        "孝老",
        "银龄",
    ],
    "儿童福利": ["儿童", "孤儿", "未成年人", "收养", "留守", "困境儿童", "未保", "送养", "护苗"],
    "残疾人福利": ["残疾", "两项补贴", "精神障碍", "精康", "康复辅助"],
    "社会救助": [
        "救助",
        "低保",
        "特困",
        "低收入",
        "困难群众",
        "流浪",
        "乞讨",
        "兜底",
        "临时救助",
        "支出型",
        "困难家庭",
        "救急难",
    ],
    "慈善": ["慈善", "福利彩票", "福彩", "公益", "募集", "捐赠", "志愿"],
    "社会工作": ["社工", "社会工作", "双百"],
    "社会组织": ["社会组织", "行业协会", "商会", "社会团体", "基金会", "社会服务机构", "僵尸型", "等级评估"],
    "区划地名": ["地名", "区划", "界线", "界桩", "边界", "街路巷", "乡村著名", "命名"],
    "婚姻登记": ["婚姻", "婚俗", "结婚", "离婚", "颁证", "婚事", "彩礼", "婚恋"],
    "殡葬": ["殡葬", "殡仪", "火化", "骨灰", "安葬", "墓", "祭扫", "海葬", "树葬", "生态葬", "清明"],
    "基层治理": [
        "社区",
        "村(居)",
        "村居",
        "基层治理",
        "村规民约",
        "居民公约",
        "议事协商",
        "城乡社区",
        "自治",
        "网格",
        "民生微实事",
        "基层社会治理",
    ],
    "党建": ["党建", "党组织", "党员", "支部", "党史", "党组", "党纪", "党风", "廉政", "第一议题", "干部"],
}
OTHER = "其他"
_SECTION_WEIGHT = 0.5


def _hits(text: str) -> dict[str, int]:
    """Keyword occurrences per topic (a keyword inside a longer one counts too: 党组 in 党组织)."""
    if not text:
        return {}
    return {topic: sum(text.count(k) for k in keywords) for topic, keywords in TOPIC_KEYWORDS.items()}


@lru_cache(maxsize=20_000)
def _section_hits(section: str) -> dict[str, int]:
    """Sections repeat for every statement under them: count their keywords once."""
    return _hits(section)


def topic_of(text: str, section: str = "") -> str:
    """The field with the most keyword hits in the statement, the section path breaking ties.

    The statement's own words weigh twice its section's, so "提高残疾人两项补贴" under a social
    assistance heading is 残疾人福利.
    """
    own, context = _hits(text), _section_hits(section)
    best, best_score = OTHER, 0.0
    for topic in TOPIC_KEYWORDS:
        score = own.get(topic, 0) + _SECTION_WEIGHT * context.get(topic, 0)
        if score > best_score:
            best, best_score = topic, score
    return best


# Verbs that name a deliverable one can check, as opposed to a direction of effort.
_DELIVERABLE = re.compile(
    r"建成|出台|印发|制定|修订|完成|实现|开工|交付|举办|办好|创建|设立|编制|发布|建立|开通|上线|挂牌|评定|"
    r"实施《|组建|成立|启动|申报|纳入|覆盖|召开|开展.{0,12}(活动|行动|检查|试点)"
)


def is_testable(text: str, has_quantity: bool, deadline: str | None) -> bool:
    """True when a reviewer could say yes or no: a number, a deadline, a named document or a deliverable."""
    return has_quantity or deadline is not None or "《" in text or bool(_DELIVERABLE.search(text))
