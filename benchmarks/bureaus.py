"""Other issuing bodies for the synthetic corpus: a civil-affairs document rewritten as another bureau's
or a local government's, to measure agency detection beyond 民政局 (``corpus.py --bureau``).

The text stays a civil-affairs text; what changes is every name the document gives its issuer and
itself, in the forms such documents use:

- a bureau (教育局, 卫生健康委员会, 住房和城乡建设局, 人力资源和社会保障局, 交通运输局): its full name where
  the source names ``<city>市民政局`` first, its short form after (市卫健委, 市住建局, 市人社局, 市交通局),
  全市卫生健康系统 for 全市民政系统, 卫生健康部门 for 民政部门, the ministry and province renamed;
- a government (区 / 县 / 镇 人民政府, 街道办事处): ``<city>市<name>区人民政府`` at the first mention,
  ``<name>区人民政府`` after, 区政府 for 市民政局, 全区 / 我区 / 区委 for 全市 / 我市 / 市委, the city's name
  replaced by the district's elsewhere, and 民政 left only in 民政部 and 民政厅 (民生工作 for 民政工作).

The expected agency is the full name: ``<city>市卫生健康委员会``, ``<name>区人民政府`` (without the
city), ``<name>街道办事处``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

CIVIL_AFFAIRS = "civil_affairs"


@dataclass(frozen=True)
class Bureau:
    """A city bureau: ``field`` replaces 民政 in the text."""

    key: str
    field: str
    full: str  # the name after the city: 卫生健康委员会
    short: str  # after the first mention: 卫健委
    province: str  # replaces 民政厅
    ministry: str  # replaces 民政部

    def expected(self, city: str) -> str:
        return f"{city}市{self.full}"


@dataclass(frozen=True)
class Government:
    """A government below the city: ``level`` is 区, 县, 镇 or 街道."""

    key: str
    level: str
    full: str  # 人民政府 / 办事处
    short: str  # 区政府 / 街道办
    party: str  # replaces 市委
    names: tuple[str, ...]

    def name(self, place: str) -> str:
        return f"{place}{self.level}{self.full}"


BUREAUS = {
    b.key: b
    for b in (
        Bureau("education", "教育", "教育局", "教育局", "教育厅", "教育部"),
        Bureau("health", "卫生健康", "卫生健康委员会", "卫健委", "卫生健康委员会", "国家卫生健康委"),
        Bureau(
            "housing", "住房和城乡建设", "住房和城乡建设局", "住建局", "住房和城乡建设厅", "住房和城乡建设部"
        ),
        Bureau(
            "human_resources",
            "人力资源和社会保障",
            "人力资源和社会保障局",
            "人社局",
            "人力资源和社会保障厅",
            "人力资源和社会保障部",
        ),
        Bureau("transport", "交通运输", "交通运输局", "交通局", "交通运输厅", "交通运输部"),
    )
}
GOVERNMENTS = {
    g.key: g
    for g in (
        Government(
            "district", "区", "人民政府", "区政府", "区委", ("青山", "长宁", "安平", "永和", "清河", "石门")
        ),
        Government(
            "county", "县", "人民政府", "县政府", "县委", ("丰宁", "临泽", "宁远", "平乐", "泰和", "兴国")
        ),
        Government(
            "town", "镇", "人民政府", "镇政府", "镇党委", ("石桥", "沙溪", "横山", "桃源", "龙潭", "清溪")
        ),
        Government(
            "subdistrict",
            "街道",
            "办事处",
            "街道办",
            "街道党工委",
            ("东湖", "南苑", "北塘", "望江", "文昌", "翠竹"),
        ),
    )
}
#: Every kind ``--bureau`` accepts, the default first.
KINDS = (CIVIL_AFFAIRS, *BUREAUS, *GOVERNMENTS)

_FIELD = re.compile(r"民政(?!策)")  # not the 民政 of 惠民政策


def place_for(kind: str, rng: random.Random) -> str:
    """The name of the government a bundle of ``kind`` is about ("" for a bureau)."""
    return rng.choice(GOVERNMENTS[kind].names) if kind in GOVERNMENTS else ""


def rewrite(text: str, kind: str, city: str, place: str = "") -> tuple[str, str]:
    """``text`` (about ``city``'s 民政局) as a document of ``kind``, and the agency it should get;
    ``place`` names the government (:func:`place_for`)."""
    if kind == CIVIL_AFFAIRS:
        return text, f"{city}市民政局"
    if kind in BUREAUS:
        return _as_bureau(text, BUREAUS[kind], city), BUREAUS[kind].expected(city)
    government = GOVERNMENTS[kind]
    return _as_government(text, government, city, place), government.name(place)


def _as_bureau(text: str, bureau: Bureau, city: str) -> str:
    own = f"{city}市民政局"
    first = text.find(own)
    if first >= 0:
        text = text[:first] + "\0" + text[first + len(own) :]
    text = text.replace(own, f"{city}市{bureau.short}").replace("市民政局", f"市{bureau.short}")
    text = text.replace("民政厅", bureau.province).replace("民政部门", f"{bureau.field}部门")
    text = text.replace("民政部", bureau.ministry)
    text = _FIELD.sub(bureau.field, text)
    return text.replace("\0", f"{city}市{bureau.full}")


def _as_government(text: str, government: Government, city: str, place: str) -> str:
    own = f"{city}市民政局"
    name = government.name(place)
    first = text.find(own)
    if first >= 0:
        text = text[:first] + "\0" + text[first + len(own) :]
    text = text.replace(own, "\1").replace("市民政局", government.short)
    text = text.replace("民政部门", "有关部门").replace("民政系统", "各部门")
    text = re.sub(r"民政(?!策|部|厅)", "民生", text)
    scope = government.level
    for word in ("全", "我", "本"):
        text = text.replace(f"{word}市", f"{word}{scope}")
    text = text.replace("市委", government.party).replace("市政府", government.short)
    text = text.replace(f"{city}市", f"{place}{scope}").replace(city, place)
    return text.replace("\0", f"{city}市{name}").replace("\1", name)
