"""Numbers with units in a statement: targets in plans ("不少于2200张"), figures in summaries ("61个")."""

from __future__ import annotations

import re

import cn2an

from tracker.ingest.parsed import Comparator, Quantity

_UNITS = (
    "万人次|人次|户次|万元|亿元|元|万人|万名|万户|万张|万份|万对|万场|万小时|平方米|公里|小时|"
    "个|家|人|户|张|名|场次|场|次|项|所|处|幅|块|宗|对|件|份|条|期|篇|座|支|批|类|倍|床|间|辆|台|套|本|"
    "连增|连涨|年"
)
_UNIT_SUFFIX = r"(?:/[人户月年日天次]+(?:[·/][人户月年日天次]+)*)?"
_NUMBER = r"\d+(?:\.\d+)?"
_CN_NUMBER = r"[零一二两三四五六七八九十百千]+"
_ARABIC = re.compile(
    rf"(?P<before>不少于|不低于|至少|不超过|不高于|超过|超|达到|达|突破|提高至|提高到|增至|增加到|约|近|以上)?"
    rf"(?P<number>{_NUMBER})\s*(?P<approx>多|余)?(?P<scale>[万亿])?(?P<unit>%|‰|(?:{_UNITS}){_UNIT_SUFFIX})?"
    rf"(?P<after>以上|以下|以内|左右|之多|多|余)?"
)
_CHINESE = re.compile(
    rf"(?P<before>不少于|至少|超过|达到|达)?(?P<number>{_CN_NUMBER})(?P<unit>连增|小时|个|家|名|场|项|次|篇|件)"
)
_BEFORE: dict[str, Comparator] = {
    "不少于": ">=",
    "不低于": ">=",
    "至少": ">=",
    "达到": ">=",
    "达": ">=",
    "突破": ">",
    "超过": ">",
    "超": ">",
    "不超过": "<=",
    "不高于": "<=",
    "约": "~",
    "近": "~",
    "提高至": "=",
    "提高到": "=",
    "增至": "=",
}
_AFTER: dict[str, Comparator] = {
    "以上": ">=",
    "以下": "<=",
    "以内": "<=",
    "左右": "~",
    "多": ">",
    "余": ">",
    "之多": ">",
}
# What both patterns need at least one of: a digit (``\\d``, as _ARABIC reads it) or a Chinese numeral.
_ANY_NUMBER = re.compile(rf"\d|{_CN_NUMBER}")
_TARGET_WORDS = re.compile(r"力争|争取|确保|不少于|不低于|至少")


def quantities_in(text: str) -> list[Quantity]:
    """All quantities in document order. Years, dates and ordinals (第12年) are not quantities."""
    found: list[tuple[int, Quantity]] = []
    if not _ANY_NUMBER.search(text):
        return []  # most statements: no need to try both patterns at every character
    for match in _ARABIC.finditer(text):
        unit = match.group("unit") or ""
        if not unit and not match.group("scale"):
            continue
        number = float(match.group("number"))
        if unit == "年" and not text[max(0, match.start() - 3) : match.start()].endswith(("连续第", "第")):
            continue
        following = text[match.end() : match.end() + 1]
        if unit in ("个", "类") and following and following in "月季":  # 3个月, 一个季度: durations
            continue
        if match.group("scale") == "万":
            number *= 10_000
        elif match.group("scale") == "亿":
            number *= 100_000_000
        after = match.group("after") or match.group("approx")
        comparator = _comparator(match.group("before"), after, text[: match.start()])
        found.append((match.start(), Quantity(number, unit, comparator, match.group(0))))
    for match in _CHINESE.finditer(text):
        try:
            number = float(cn2an.cn2an(match.group("number"), "smart"))
        except (ValueError, KeyError):
            continue
        if number < 10:
            continue
        comparator = _comparator(match.group("before"), None, text[: match.start()])
        found.append((match.start(), Quantity(number, match.group("unit"), comparator, match.group(0))))
    return [quantity for _, quantity in sorted(found, key=lambda item: item[0])]


def _comparator(before: str | None, after: str | None, preceding: str) -> Comparator:
    if after in _AFTER:
        return _AFTER[after]
    if before in _BEFORE:
        return _BEFORE[before]
    if _TARGET_WORDS.search(preceding[-12:]):
        return ">="
    return "="
