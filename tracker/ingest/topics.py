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


def _prefix_hits() -> dict[str, dict[str, tuple[tuple[str, int], ...]]]:
    """First character -> each keyword starting with it (longest first) -> the hits per topic that one
    occurrence of it makes: its own and those of every keyword it begins with (党组织 is also a 党组)."""
    keywords = sorted({k for ks in TOPIC_KEYWORDS.values() for k in ks}, key=len, reverse=True)
    table: dict[str, dict[str, tuple[tuple[str, int], ...]]] = {}
    for longest in keywords:
        counts = ((topic, sum(longest.startswith(k) for k in ks)) for topic, ks in TOPIC_KEYWORDS.items())
        table.setdefault(longest[0], {})[longest] = tuple((topic, n) for topic, n in counts if n)
    return table


_PREFIX_HITS = _prefix_hits()
_FIRST_CHARS = re.compile("[" + re.escape("".join(_PREFIX_HITS)) + "]")
_TOPIC_ORDER = {topic: index for index, topic in enumerate(TOPIC_KEYWORDS)}


def _hits(text: str) -> dict[str, int]:
    """Keyword occurrences per topic, for the topics that have any (a keyword inside a longer one
    counts too: 党组 in 党组织).

    One pass over the text: at each character that begins some keyword, the longest keyword found
    there stands for all those it begins with (every keyword found at one place is a beginning of the
    longest). No keyword overlaps itself (checked by the tests), so this counts what ``str.count`` of
    each keyword would.
    """
    hits: dict[str, int] = {}
    for match in _FIRST_CHARS.finditer(text):
        start = match.start()
        for keyword, counts in _PREFIX_HITS[text[start]].items():
            if text.startswith(keyword, start):
                for topic, n in counts:
                    hits[topic] = hits.get(topic, 0) + n
                break
    return hits


@lru_cache(maxsize=20_000)
def _section_hits(section: str) -> dict[str, int]:
    """Sections repeat for every statement under them: count their keywords once."""
    return _hits(section)


def topic_of(text: str, section: str = "") -> str:
    """The field with the most keyword hits in the statement, the section path breaking ties (the
    earlier field of TOPIC_KEYWORDS after that).

    The statement's own words weigh twice its section's, so "提高残疾人两项补贴" under a social
    assistance heading is 残疾人福利.
    """
    own, context = _hits(text), _section_hits(section)
    if not own and not context:
        return OTHER
    scores = {topic: own.get(topic, 0) + _SECTION_WEIGHT * context.get(topic, 0) for topic in own | context}
    return max(scores, key=lambda topic: (scores[topic], -_TOPIC_ORDER[topic]))


# Verbs that name a deliverable one can check, as opposed to a direction of effort.
_DELIVERABLE = re.compile(
    r"建成|出台|印发|制定|修订|完成|实现|开工|交付|举办|办好|创建|设立|编制|发布|建立|开通|上线|挂牌|评定|"
    r"实施《|组建|成立|启动|申报|纳入|覆盖|召开|开展.{0,12}(活动|行动|检查|试点)"
)


def is_testable(text: str, has_quantity: bool, deadline: str | None) -> bool:
    """True when a reviewer could say yes or no: a number, a deadline, a named document or a deliverable."""
    return has_quantity or deadline is not None or "《" in text or bool(_DELIVERABLE.search(text))
