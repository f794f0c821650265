"""Which body issued a document, normalised to its full name, found from the text: a bureau
(中山市民政局, 湖州市卫生健康委员会, 湖州市住房和城乡建设局) or a local government (吴兴区人民政府,
东湖街道办事处)."""

from __future__ import annotations

import logging
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from tracker.ingest.bodies import (
    GOVERNMENT_NAME,
    NOT_A_LEVEL,
    SCOPES,
    bureau_name,
    default_bureau,
    government_mentions,
    government_name,
    is_area_word,
    read_forms,
    scope_mentions,
)

_LEVELS = "省市区县州盟旗"
_BUREAU_SUFFIX = "局|厅|委员会|委|办公室|办"
# "珠海市民政局", "禅城区民政局", "广东省民政厅": a place, its level, a bureau name.
_FULL_NAME = re.compile(rf"([\u4e00-\u9fff]{{2,8}}?)([{_LEVELS}])([\u4e00-\u9fff]{{2,6}}?)({_BUREAU_SUFFIX})")
# "市民政局" / "全市民政系统" / "我市民政部门": the bureau's field without its place.
_OWN_FIELD = re.compile(
    r"(?:全|我|本|该)?(省(?![份钱力])|市(?![场值])|区(?![域划别间分])|县(?![城域]))([\u4e00-\u9fff]{2,4}?)"
    r"(局|厅|委|系统|部门|工作|事业)"
)
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
_NOT_FIELDS = {"委", "政府", "领导", "人民", "各项", "重点", "中心", "民政民", "发展改革", "民生", "有关"}
_MAX_TITLE = 60
_MIN_GOVERNMENT_MENTIONS = 2
_LEVEL_PLACE_SHARE = 0.1


def detect_agency(text: str) -> str | None:
    """The issuing body, or None when the text names no place and bureau.

    A body the title names ("湖州市卫生健康委员会2024年工作要点") issued the document. Otherwise a local
    government, when the text speaks from a district's, county's, town's or subdistrict's level (全区,
    我镇, 区政府, 街道办) and not as a bureau of it (:func:`_government`); else a bureau, preferring a
    full name that the document states ("佛山市民政局") and otherwise combining the place the document
    talks about most ("中山" in a text that says only "我市") with the field it is about. Short and old
    forms are normalised to the official name (市住建局 -> 住房和城乡建设局, 卫健委 -> 卫生健康委员会;
    :mod:`tracker.ingest.bodies`).
    """
    text = read_forms(text)
    field, _mentions = _main_field(text)
    titled = _named_in_title(text, field)
    if titled is not None:
        return titled
    government = _government(text)
    if government is not None:
        return government
    if field is None:
        return None
    full_names = Counter({name: n for name, n in _bureau_names(text).items() if field in read_forms(name)})
    if full_names:
        return full_names.most_common(1)[0][0]
    place_counts = _place_counts(text)
    if not place_counts:
        return None
    place, level = max(place_counts, key=lambda key: (place_counts[key], len(key[0])))
    return default_bureau(place, level, field)


def _bureau_names(text: str) -> Counter[str]:
    """The bureaus the text names in full ("佛山市民政局", "湖州市卫生健康委"), as official names."""
    return Counter(name for _start, name, _field in _named_bureaus(text, text))


def _named_bureaus(scanned: str, text: str, *, title: bool = False) -> list[tuple[int, str, str]]:
    """(position, official name, field) of each bureau ``scanned`` (the text or its title) names in
    full. Outside the title its place must be named more than once in ``text``, or be one in jieba's
    dictionary: not the "现将" of "现将市卫健委…"."""
    tags = word_tags()
    found = []
    for match in _FULL_NAME.finditer(scanned):
        place = _place_suffix(match.group(1), text)
        field = match.group(3)
        if place is None or field in _NOT_FIELDS or not _is_bureau_field(field):
            continue
        if title or text.count(place) >= _MIN_GOVERNMENT_MENTIONS or tags.get(place) == "ns":
            found.append((match.start(), bureau_name(place, match.group(2), field, match.group(4)), field))
    return found


def _government_names(text: str) -> Counter[tuple[str, str]]:
    """(place, level) of the local governments the text names ("吴兴区人民政府", "东湖街道办"), by how
    often; a place the text names only once ("推动各区政府") is a verb's object, not a place."""
    names: Counter[tuple[str, str]] = Counter()
    for match in GOVERNMENT_NAME.finditer(text):
        prefix, level = (
            (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        )
        place = None if is_area_word(prefix, level) else _government_place(prefix, text)
        if place and text.count(place) >= _MIN_GOVERNMENT_MENTIONS:
            names[(place, level)] += 1
    return names


def _government_place(prefix: str, text: str) -> str | None:
    """The place of a government's name without the places above it: "湖州市吴兴" -> 吴兴."""
    place = _place_suffix(prefix, text)
    if place is None:
        return None
    own = re.split(r"[省市州盟区县]", place)[-1]
    return own if len(own) >= 2 else place


def _named_in_title(text: str, field: str | None) -> str | None:
    """The body the document's title names, if its first line is a title: the first government, or
    bureau of the document's main field, it names."""
    title = text.split("\n", 1)[0].strip()
    if len(title) > _MAX_TITLE or any(stop in title for stop in "。！？"):
        return None
    found: list[tuple[int, str]] = []
    for match in GOVERNMENT_NAME.finditer(title):
        prefix, level = (
            (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        )
        place = _government_place(prefix, text)
        if place:
            found.append((match.start(), government_name(place, level)))
    found.extend(
        (start, name)
        for start, name, name_field in _named_bureaus(title, text, title=True)
        if field is None or field in name_field
    )
    return min(found)[1] if found else None


def _government(text: str) -> str | None:
    """The local government that issued the text, if a government did.

    The text speaks from one level most (全区, 我区, 区政府 …). From a city's it is a bureau's (the city
    government is not told apart from its bureaus); from a town's or a subdistrict's a government's
    (they have no bureaus); from a district's or a county's a bureau's when it writes one field with
    that level (区民政局, 全区民政系统) at least twice, at least as often as it names the government
    (区政府) and more often than all other fields together, else the government's: a government's
    plan names the bureaus it tasks (区教育局, 区卫健局, 区住建局 …), none of them most of the time.
    """
    scopes = {level: scope_mentions(text, level) for level in SCOPES}
    level = max(SCOPES, key=lambda lv: scopes[lv])
    if level == "市" or scopes[level] < _MIN_GOVERNMENT_MENTIONS:
        return None
    if level in "区县":
        fields = _field_counts(text, level)
        own = max(fields.values(), default=0)
        speaks = own >= max(_MIN_GOVERNMENT_MENTIONS, government_mentions(text, level))
        if speaks and own * 2 > sum(fields.values()):
            return None
    names = Counter({key: n for key, n in _government_names(text).items() if key[1] == level})
    if names:
        place, _ = max(names, key=lambda key: (names[key], len(key[0])))
        return government_name(place, level)
    places = _level_places(text, level)
    if not places:
        return None
    return government_name(max(places, key=lambda p: (places[p], len(p))), level)


def _level_places(text: str, level: str) -> Counter[str]:
    """Places written with ``level`` ("沙溪镇", "东湖街道") at least twice and in a tenth of their
    mentions, by how often they are so written ("推动" of "推动镇街…" is a verb, named far more often
    without 镇 than with it)."""
    written: Counter[str] = Counter()
    for match in re.finditer(rf"([\u4e00-\u9fff]{{2,4}}?)(?={level})", text):
        following = text[match.end() + len(level) : match.end() + len(level) + 1]
        if (following and following in NOT_A_LEVEL.get(level, "")) or is_area_word(match.group(1), level):
            continue
        name = _place_suffix(match.group(1), text)
        if name is not None:
            written[name] += 1
    return Counter(
        {
            name: with_level
            for name, with_level in written.items()
            if with_level >= _MIN_GOVERNMENT_MENTIONS and with_level / text.count(name) >= _LEVEL_PLACE_SHARE
        }
    )


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
        if text[match.end() : match.end() + 1] in NOT_A_LEVEL.get(match.group(2), ""):
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


_FUNCTION_CHARS = re.compile(r"[的和与及等在了对向从为以将把被]")


@lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """jieba's dictionary: word -> part-of-speech tag ("ns" a place, "v" a verb, …).

    Read from jieba's ``dict.txt`` (``word count tag`` per line) in one split: 0.18 s, against 0.54 s
    for ``jieba.posseg``'s line-by-line reading of the same table in every parsing process. A file in
    another shape is left to ``jieba.posseg``. jieba's segmenter, whose prefix dictionary takes another
    1.7 s to load, is not needed for it and is not loaded.
    """
    import jieba

    path = Path(jieba.__file__).with_name("dict.txt")
    try:
        fields = path.read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError):
        fields = []
    if fields and len(fields) % 3 == 0 and all(count.isdigit() for count in fields[1::3]):
        return dict(zip(fields[0::3], fields[2::3], strict=True))
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg.dt.word_tag_tab


def _is_bureau_field(field: str) -> bool:
    return not re.search(r"[的和与及等在了]", field)


def _main_field(text: str) -> tuple[str | None, int]:
    """The field the text speaks of as its own most often ("全市民政系统", "市卫健委"), and how often."""
    fields = _field_counts(text)
    if not fields:
        return None, 0
    field, count = fields.most_common(1)[0]
    return field, count


def _field_counts(text: str, level: str | None = None) -> Counter[str]:
    """How often the text writes each field as a body's or a system's ("市民政局", "全市民政系统");
    with ``level``, only as written with that level ("区民政局", not "省民政厅")."""
    fields: Counter[str] = Counter()
    for match in _OWN_FIELD.finditer(text):
        field = match.group(2)
        if level is not None and match.group(1) != level:
            continue
        if _is_bureau_field(field) and field not in _NOT_FIELDS:
            fields[field] += 1
    return fields
