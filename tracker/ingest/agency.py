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
_PLACE = re.compile(rf"([\u4e00-\u9fff]{{2,4}}?)([{_LEVELS}])")
_NOT_PLACES = {
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
    "城乡",
    "全省",
    "全市",
    "港澳",
    "湾区",
    "两级",
    "四级",
    "级",
    "省级",
    "市级",
    "区级",
    "社区",
    "街区",
    "园区",
    "新区",
    "示范区",
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
        place = _best_place_suffix(match.group(1), place_counts)
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
    place, level = place_counts.most_common(1)[0][0]
    bureau = _FIELD_BUREAU.get(field, f"{field}局")
    if level == "省" and bureau.endswith("局"):
        bureau = bureau[:-1] + "厅"
    return f"{place}{level}{bureau}"


def _place_counts(text: str) -> Counter[tuple[str, str]]:
    """Places the text names with a level ("珠海市"), counted with their bare mentions ("珠海").

    A candidate must be a word jieba's dictionary tags as a place (ns), or, failing any of those, a
    noun-like word: verbs before 市 ("加强市老龄办", "建设市、区…") are not places.
    """
    tags = _word_tags()
    levels: dict[str, Counter[str]] = {}
    for match in _PLACE.finditer(text):
        prefix = match.group(1)
        for start in range(len(prefix) - 1):
            name = prefix[start:]
            if name in _NOT_PLACES or re.search(r"[的和与及等在了全各该本我]", name):
                continue
            if tags.get(name, "x")[:1] in _NON_PLACE_TAGS:
                continue
            levels.setdefault(name, Counter())[match.group(2)] += 1
            break
    counts: Counter[tuple[str, str]] = Counter()
    named = {name for name in levels if tags.get(name) == "ns"}
    for name, by_level in levels.items():
        if named and name not in named:
            continue
        mentions = text.count(name)
        if mentions >= 2:
            counts[(name, by_level.most_common(1)[0][0])] = mentions
    return counts


_NON_PLACE_TAGS = set("vdpcuaemqrtfyoz")


@lru_cache(maxsize=1)
def _word_tags() -> dict[str, str]:
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.posseg.dt.tokenizer.check_initialized()
    return jieba.posseg.dt.word_tag_tab


def _best_place_suffix(prefix: str, place_counts: Counter[tuple[str, str]]) -> str | None:
    """The place at the end of ``prefix``: one the text keeps naming, or one jieba knows as a place."""
    names = {name for name, _level in place_counts}
    tags = _word_tags()
    for start in range(len(prefix) - 1):
        if prefix[start:] in names or tags.get(prefix[start:]) == "ns":
            return prefix[start:]
    return None


def _is_bureau_field(field: str) -> bool:
    return not re.search(r"[的和与及等在了]", field)


def _main_field(text: str) -> str | None:
    fields: Counter[str] = Counter()
    for match in _OWN_FIELD.finditer(text):
        field = match.group(1)
        if _is_bureau_field(field) and field not in _NOT_FIELDS:
            fields[field] += 1
    return fields.most_common(1)[0][0] if fields else None
