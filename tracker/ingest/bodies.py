"""The names of issuing bodies: how documents write a bureau's field and a local government, and the
official full name each is normalised to (湖州市卫生健康委员会, 湖州市住房和城乡建设局, 吴兴区人民政府)."""

from __future__ import annotations

import re

# A field written several ways is read as one key: 住房和城乡建设局, 住房城乡建设局 and 住建局 are one
# bureau, so are 卫生健康委员会 and 卫健委. Longer forms first.
_FIELD_FORMS = (
    ("住房和城乡建设", "住建"),
    ("住房城乡建设", "住建"),
    ("人力资源和社会保障", "人社"),
    ("人力资源社会保障", "人社"),
    ("交通运输", "交通"),
    ("卫健", "卫生健康"),
)
# The key of a field -> how the official name writes it.
_OFFICIAL_FIELD = {"住建": "住房和城乡建设", "人社": "人力资源和社会保障", "交通": "交通运输"}
# Fields whose body is a commission (委员会) at city and province level and a bureau below.
_COMMISSIONS = {"卫生健康"}
_CITY_LEVELS = "省市州盟"

#: Levels a text can speak from (全市, 全区 …); a government of any but a city's can be an issuer.
SCOPES = ("市", "区", "县", "镇", "乡", "街道")
# "吴兴区人民政府", "吴兴区政府", "东湖街道办事处", "东湖街道办".
GOVERNMENT_NAME = re.compile(
    r"([\u4e00-\u9fff]{2,8}?)(区|县|镇|乡)(?:人民)?政府|([\u4e00-\u9fff]{2,8}?)(街道)办(?:事处)?"
)


def read_forms(text: str) -> str:
    """``text`` with every field written in its one key form (住房城乡建设局 -> 住建局, 卫健委 -> 卫生健康委)."""
    for written, key in _FIELD_FORMS:
        text = text.replace(written, key)
    return text


def bureau_name(place: str, level: str, field: str, suffix: str) -> str:
    """The official name of a bureau the text names (its field in key form): 委 is written 委员会."""
    suffix = "委员会" if suffix == "委" else suffix
    return f"{place}{level}{_OFFICIAL_FIELD.get(field, field)}{suffix}"


def default_bureau(place: str, level: str, field: str) -> str:
    """The bureau of ``field`` at ``place``, for a text that names the field but not the bureau:
    卫生健康委员会 in a city or province, 卫生健康局 below; another field's 局, or 厅 in a province."""
    if field == "民政" or field not in _COMMISSIONS:
        suffix = "厅" if level == "省" else "局"
    else:
        suffix = "委员会" if level in _CITY_LEVELS else "局"
    return bureau_name(place, level, field, suffix)


#: Characters that make a level character the start of another word: 区域, 区划, 市场, 县城, 镇街 …
NOT_A_LEVEL = {
    "区": "域划别间分",
    "市": "场值",
    "省": "份钱力",
    "县": "城域",
    "镇": "街级村域",
    "乡": "镇村土",
}


# Words that end in a level without naming a place: 特区, 社区, 园区, 开发区, 乡镇, 城镇 …
_AREA_WORDS = {"区": "特社园景辖湾街郊校小库矿牧厂营灾禁范验发护能行作", "镇": "乡城集重"}


def is_area_word(prefix: str, level: str) -> bool:
    """Whether ``prefix`` + ``level`` ends in a word such as 特区 or 乡镇 rather than a place's name."""
    return bool(prefix) and prefix[-1] in _AREA_WORDS.get(level, "")


def government_name(place: str, level: str) -> str:
    """The official name of a local government: 吴兴区人民政府, 东湖街道办事处."""
    return f"{place}街道办事处" if level == "街道" else f"{place}{level}人民政府"


def government_mentions(text: str, level: str) -> int:
    """How often the text speaks of a government of ``level`` as itself: 区政府 / 区人民政府, 街道办."""
    if level == "街道":
        return text.count("街道办")
    return text.count(f"{level}政府") + text.count(f"{level}人民政府")


def scope_mentions(text: str, level: str) -> int:
    """How often the text speaks from ``level``: 全区 / 我区 / 本区 and its government (区政府); 全市
    for a city. A bureau speaks from its place's level too (全区民政系统): see ``detect_agency``."""
    follows = NOT_A_LEVEL.get(level, "")
    own = re.compile(rf"(?:全|我|本){level}" + (rf"(?![{follows}])" if follows else ""))
    return len(own.findall(text)) + government_mentions(text, level)
