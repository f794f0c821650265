"""The date a document is written at, and the date each summary part of it reports as of.

- **The document's date**: a publication line of a web page (发表时间:2024-02-22 11:22, 发布日期：2021年6月30日,
  日期:2021/06/30), else a line that is a date and nothing else (2021年6月30日, (2021年6月30日), 二〇二一年六月三十日,
  2021年6月30日 星期三): the dated heading of an article, the date under an official document's seal.
- **A summary part's as-of date**: the latest date its results say they stand at, in the year the part
  is about: 截至6月26日, 截至2023年11月30日, 到9月底, 截至年底 (31 December), 上半年 (30 June), 前三季度,
  一季度, 1-9月, 前10个月, and 全年共… (the whole year); its heading or the document's title naming a stretch
  of the year (2024年上半年工作总结), or the whole year (2024年工作总结). A clause that looks forward (预计今年底…,
  7月底前将…) says nothing about when the figures stand.

The two together (:func:`summary_as_of`): a report does not stand at a date after it was published, and a
summary published after its year ended looks back on the whole year, whatever dates its results cite.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterable
from datetime import date

from tracker.ingest.tense import FUTURE

_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_CN_DIGIT |= {"七": 7, "八": 8, "九": 9}
_N = r"(?:\d{1,2}|[一二两三四五六七八九十]{1,3})"  # a month or a day, in figures or in Chinese
_YEAR = r"(?:(?:19|20)\d{2}|[一二][〇○零一二三四五六七八九]{3})"
_SPELLED = rf"({_YEAR})\s*年\s*({_N})\s*月\s*({_N})\s*[日号]"
_NUMERIC = r"((?:19|20)\d{2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?!\d)"
_DATE = rf"(?:{_SPELLED}|{_NUMERIC})"
_CLOCK = r"(?:\s+\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"
_WEEKDAY = r"(?:\s*(?:星期|周|礼拜)[一二三四五六日天])?"

#: "发表时间:2024-02-22 11:22", "来源:某局 发布日期:2021年6月30日", "日期:2021/06/30", a table's
#: "填报时间：2024年9月30日".
_PUBLISHED = re.compile(
    rf"(?:(?:发表|发布|发文|印发|成文|刊发|公开|公布|填报|报送)(?:时间|日期)|^(?:时间|日期))\s*[:：]?\s*{_DATE}"
)
#: A line that is a date and nothing else, maybe in brackets, with the weekday or the time after it.
_DATED_LINE = re.compile(rf"^[(（\[【]?\s*{_DATE}{_CLOCK}\s*[)）\]】]?{_WEEKDAY}$")

_AS_OF = r"(?:截至|截止|(?<![达得受做收来看想感遇直])到)\s*(?:到|至)?\s*"
_OF_YEAR = rf"(?:({_YEAR})\s*年|今年|本年度?)?\s*"
#: 截至6月26日, 截至2023年11月30日, 到9月底, 截至5月中旬, 截止到6月份.
_AS_OF_DAY = re.compile(rf"{_AS_OF}{_OF_YEAR}({_N})\s*月\s*(?:({_N})\s*[日号]|(底|末|份|末期)|([上中下])旬)?")
#: 截至2023年底, 截至年末, 截至今年底.
_AS_OF_YEAR_END = re.compile(rf"{_AS_OF}(?:({_YEAR})\s*年|今年|本年度?|年)\s*(?:年)?(?:底|末)")
#: A stretch of the year: 上半年, 前三季度, 一季度, 第二季度, 1-9月, 一至九月, 前10个月.
_STRETCH = re.compile(
    rf"{_OF_YEAR}(?:(上半年)|前([二两三])(?:个)?季度|第?([一二三四1-4])季度"
    rf"|(?<![\d一二三四五六七八九十])[1一]\s*[-—–~～至到]\s*({_N})\s*月(?!\s*[\d一二三四五六七八九十]+\s*[日号])"
    rf"|前({_N})个月)"
)
#: Results of the whole year: 全年共…, 全年累计…, 全年完成… (the past-tense 全年 of the tense rules).
_WHOLE_YEAR = re.compile(r"全年(?:共|累计|为|新|完成|发放|办理|开展|举办|销售|筹集|接待|实现|服务)")
_CLAUSE = re.compile(r"[,，;；。:：!?！？]")
#: A heading of the whole year's results (2024年工作总结, 2023年主要工作情况), its year in group 1; one of
#: progress so far (2021年民生实事进展情况, …以来工作情况) is not.
_WHOLE_YEAR_HEADING = re.compile(
    rf"({_YEAR})\s*年度?[^,，、和及与;；]{{0,8}}?(?:总结|回顾|情况|成效|成绩|年报|报告)"
)
_SO_FAR_HEADING = re.compile(r"进展|进度|阶段|以来|截至|截止")


def cn_number(text: str) -> int | None:
    """An integer written in figures or in Chinese numerals up to 99 (六, 十二, 三十一) or digit by digit
    (二〇二一); None when it is neither."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN_DIGIT and c != "十" for c in text):
        return None
    if "十" not in text:
        return int("".join(str(_CN_DIGIT[c]) for c in text))
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1:
        return None
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[units] if units else 0)


def _valid(year: int | None, month: int | None, day: int | None) -> date | None:
    if year is None or month is None or day is None or not 1 <= month <= 12:
        return None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def _month_end(year: int, month: int) -> date | None:
    if not 1 <= month <= 12:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])


def _full_date(groups: tuple[str | None, ...]) -> date | None:
    """The date of a ``_DATE`` match: its six groups, spelled (year, month, day) or numeric."""
    year, month, day = groups[0:3] if groups[0] else groups[3:6]
    return _valid(*(cn_number(part) if part else None for part in (year, month, day)))


def document_date(text: str) -> date | None:
    """The date the document was published or signed: its first publication line, else the latest line
    that is a date alone. ``text`` is the whole file's text, page furniture included."""
    dated: list[date] = []
    for raw in text.splitlines():
        line = unicodedata.normalize("NFKC", raw).strip()
        if not line or len(line) > 200:
            continue
        published = _PUBLISHED.search(line)
        if published and (found := _full_date(published.groups())):
            return found
        alone = _DATED_LINE.match(line)
        if alone and (found := _full_date(alone.groups())):
            dated.append(found)
    return max(dated) if dated else None


def _year_of(group: str | None, year: int) -> int | None:
    return cn_number(group) if group else year


def as_of_dates(text: str, year: int) -> list[date]:
    """The dates a result stands at in ``text``, a sentence of the summary of ``year`` (a date without
    its year is in ``year``). Forward-looking clauses are skipped; a date of an earlier year is another
    year's figure, not this report's date."""
    found: list[date] = []
    for clause in _CLAUSE.split(text):
        if not clause or FUTURE.search(clause):
            continue
        for m in _AS_OF_DAY.finditer(clause):
            at, month = _year_of(m.group(1), year), cn_number(m.group(2))
            if at is None or month is None:
                continue
            if m.group(3):
                found += [d] if (d := _valid(at, month, cn_number(m.group(3)))) else []
            elif m.group(5) in ("上", "中"):
                found += [d] if (d := _valid(at, month, 10 if m.group(5) == "上" else 20)) else []
            else:
                found += [d] if (d := _month_end(at, month)) else []
        for m in _AS_OF_YEAR_END.finditer(clause):
            if (at := _year_of(m.group(1), year)) is not None:
                found.append(date(at, 12, 31))
        found += _stretches(clause, year)
        if _WHOLE_YEAR.search(clause):
            found.append(date(year, 12, 31))
    return [d for d in found if d.year >= year]


def _stretches(text: str, year: int) -> list[date]:
    """The ends of the stretches of the year ``text`` names (上半年 -> 30 June)."""
    found = []
    for m in _STRETCH.finditer(text):
        at = _year_of(m.group(1), year)
        half, quarters, quarter, through, months = m.groups()[1:]
        if at is None:
            continue
        if half:
            month: int | None = 6
        elif quarters or quarter:
            count = cn_number(quarters or quarter or "")
            month = 3 * count if count else None
        else:
            month = cn_number(through or months or "")
        if month and (end := _month_end(at, month)):
            found.append(end)
    return found


def heading_as_of(heading: str, year: int) -> date | None:
    """What a part's heading or a document's title says about the stretch of ``year`` it reports on: the
    end of the stretch it names (2024年上半年工作总结 -> 30 June), 31 December when it heads the year's
    results and names no stretch (2024年工作总结), else None."""
    stretches = [d for d in _stretches(heading, year) if d.year == year]
    if stretches:
        return max(stretches)
    for m in _WHOLE_YEAR_HEADING.finditer(heading):
        if cn_number(m.group(1)) == year and not _SO_FAR_HEADING.search(m.group(0)):
            return date(year, 12, 31)
    return None


def summary_as_of(
    sentences: Iterable[str], year: int, *, heading: str = "", published: date | None = None
) -> date | None:
    """The date a summary part of ``year`` reports as of (None: nothing says).

    Args:
        sentences: the part's sentences.
        heading: its heading, or the document's title when the part has none.
        published: the document's date (:func:`document_date`).
    """
    found = [d for sentence in sentences for d in as_of_dates(sentence, year)]
    if heading and (stated := heading_as_of(heading, year)):
        found.append(stated)
    latest = max(found) if found else None
    if published is None:
        return latest
    if published.year > year or latest is None:
        return published
    return min(latest, published)
