"""Which body issued a document, normalised to its full name (e.g. 中山市民政局), found from the text."""

from __future__ import annotations

import logging
import re
from collections import Counter
from functools import lru_cache

_LEVELS = "省市区县州盟旗"
_BUREAU_SUFFIX = "局|厅|委员会|委|办公室|办"
# "珠海市民政局", "禅城区民政局", "广东省民政厅": a place, its level, a bureau name.
_FULL_NAME = re.compile(rf"([\u4e00-\u9fff]{{2,8}}?)([{_LEVELS}])([\u4e00-\u9fff]{{2,6}}?)({_BUREAU_SUFFIX})")
# "市民政局" / "全市民政系统" / "我市民政部门": the bureau's field without its place.
_OWN_FIELD = re.compile(r"(?:全|我|本|该)?[省市区县]([\u4e00-\u9fff]{2,4}?)(局|厅|系统|部门|工作|事业)")
_PLACE = re.compile(rf"([\u4e00-\u9fff]{{2,4}})([{_LEVELS}])")
_NOT_PLACES = {
    # Words that stand before 省/市/区/县 in government prose without being places: 全市, 我市, 示范区,
    # 管理区(域), 大湾区, 慈善超市, 居家社区 …
    *[
        "全",
        "我",
        "本",
        "该",
        "各",
        "城",
        "超",
        "门",
        "都",
        "上",
        "下",
        "地",
        "辖",
        "县",
        "级",
        "新",
        "老",
        "片",
        "园",
        "街",
        "景",
        "湾",
        "社",
    ],
    *[
        "城乡",
        "全省",
        "全市",
        "港澳",
        "湾区",
        "两级",
        "四级",
        "省级",
        "市级",
        "区级",
        "社区",
        "街区",
        "园区",
        "新区",
        "示范区",
        "示范",
        "管理",
        "开发",
        "试验",
        "实验",
        "功能",
        "保护",
        "自贸",
        "大湾",
        "粤港澳大湾",
        "合作",
        "先行",
        "核心",
        "城乡社",
        "家社",
        "居家社",
        "慈善超",
        "建设",
        "集聚",
        "产业",
        "经济",
        "高新",
        "风景",
        "旅游",
        "度假",
        "生态",
        "行政",
        "特别行政",
        "城市",
        "县市",
        "省市",
        "市县",
        "区县",
        "镇街",
    ],
}
_FIELD_BUREAU = {"民政": "民政局"}
_NOT_FIELDS = {"委", "政府", "领导", "人民", "各项", "重点", "中心", "民政民", "发展改革", "住房城乡建设"}


def detect_agency(text: str) -> str | None:
    """The issuing body, or None when the text names no place and bureau.

    Prefers a full name that the document states ("佛山市民政局"); otherwise combines the place the
    document talks about most ("中山" in a text that says only "我市") with the field it is about.
    """
    place_counts = _place_counts(text)
    full_names: Counter[str] = Counter()
    for match in _FULL_NAME.finditer(text):
        place = _place_suffix(match.group(1), text)
        field = match.group(3)
        if place and field not in _NOT_FIELDS and _is_bureau_field(field):
            full_names[f"{place}{match.group(2)}{field}{match.group(4)}"] += 1
    field = _main_field(text)
    if field is not None:
        full_names = Counter({name: n for name, n in full_names.items() if field in name})
    if full_names:
        return full_names.most_common(1)[0][0]
    if not place_counts or field is None:
        return None
    place, level = max(place_counts, key=lambda key: (place_counts[key], len(key[0])))
    bureau = _FIELD_BUREAU.get(field, f"{field}局")
    if level == "省" and bureau.endswith("局"):
        bureau = bureau[:-1] + "厅"
    return f"{place}{level}{bureau}"


def _place_suffix(prefix: str, text: str) -> str | None:
    """The place name that ends ``prefix`` ("说珠海" -> 珠海, "石家庄" -> 石家庄, not 家庄): of its
    endings of two characters or more, the one the text names most often, the longer on a tie."""
    endings: list[str] = []
    for start in range(len(prefix) - 1):
        ending = prefix[start:]
        if ending in _NOT_PLACES:
            break  # "慈善超" before 市: no shorter ending ("善超") is a place either
        if not _FUNCTION_CHARS.match(ending):
            endings.append(ending)
    if not endings:
        return None
    return max(endings, key=lambda e: (text.count(e), len(e)))


def _place_counts(text: str) -> Counter[tuple[str, str]]:
    """Places the text names with a level ("珠海市"), weighted by how often it names them at all.

    Verbs before 市 ("加强市老龄办", "建设市、区…") are not places: the text writes them without a
    level almost every time, and a candidate written with its level fewer than twice and in under a
    quarter of its mentions is dropped. A word jieba tags as a place counts double, but the tag is not
    required (jieba tags 石家庄 as a person's name, 大连 as an adverb and 保定 as a verb).
    """
    tags = word_tags()
    levels: dict[str, Counter[str]] = {}
    for match in _PLACE.finditer(text):
        if text[match.end() : match.end() + 1] in _NOT_A_LEVEL.get(match.group(2), ""):
            continue  # 区域, 区划, 市场: the character starts another word
        name = _place_suffix(match.group(1), text)
        if name is None:
            continue
        levels.setdefault(name, Counter())[match.group(2)] += 1
    counts: Counter[tuple[str, str]] = Counter()
    for name, by_level in levels.items():
        mentions = text.count(name)
        with_level = sum(by_level.values())
        if mentions < 2 or (with_level < 2 and with_level / mentions < 0.25):
            continue
        weight = 2 if tags.get(name) == "ns" else 1
        counts[(name, by_level.most_common(1)[0][0])] = mentions * weight
    return counts


_NOT_A_LEVEL = {"区": "域划别间分", "市": "场值", "省": "份钱力", "县": "城域"}
_FUNCTION_CHARS = re.compile(r"[的和与及等在了对向从为以将把被]")


@lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """jieba's dictionary: word -> part-of-speech tag ("ns" a place, "v" a verb, …)."""
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.posseg.dt.tokenizer.check_initialized()
    return jieba.posseg.dt.word_tag_tab


def _is_bureau_field(field: str) -> bool:
    return not re.search(r"[的和与及等在了]", field)


def _main_field(text: str) -> str | None:
    fields: Counter[str] = Counter()
    for match in _OWN_FIELD.finditer(text):
        field = match.group(1)
        if _is_bureau_field(field) and field not in _NOT_FIELDS:
            fields[field] += 1
    return fields.most_common(1)[0][0] if fields else None
