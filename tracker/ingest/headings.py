"""A chapter heading as a topic: the short noun phrase a reader would file the chapter under.

A heading is written as a slogan with an action in it ("一、坚持立德树人,全面提高教育质量",
"（二）养老服务体系更加健全"); a topic list wants the field it names (立德树人, 养老服务). The rule, in
order:

1. the numbering ("一、", "（二）", "第三部分") and quotation marks go;
2. a labelled heading ("党建引领：…") is its label; otherwise the heading is cut into its clauses (at
   commas, semicolons and spaces) and each clause is reduced to its noun phrase: a frame ("在…上走前列",
   "以…为引领") gives its inside, effort words in front (坚持, 全面, 提高, 加强 …) and state words behind
   (更加健全, 稳步提升, 成效显著, 取得新成效 …) go, and so do generic heads (体系, 工作, 建设, 水平 …)
   while three characters or more remain ("慈善事业" keeps 事业, "卫生健康事业" does not); of
   "A的B" B is kept when it has four characters or more ("分层分类的社会救助" → 社会救助);
3. the last clause whose phrase keeps three characters or more is the topic: the first clause of a
   heading states its means or principle, the last its field ("强化保障,健全分层分类的社会救助体系" →
   社会救助, not 保障; "坚持立德树人,全面提高教育质量" → 教育质量); an effect ("激发教育发展活力")
   shrinks to two characters, so the clause before it wins ("加强教师队伍建设,…" → 教师队伍);
4. a phrase longer than :data:`MAX_TOPIC` characters is cut at its first 和/与/及/、, then at a word
   boundary; a phrase of fewer than two characters falls back to the clause it came from.

The rule is the same for a plan and a summary, so "全面提高教育质量" and "教育质量稳步提升" both give
教育质量; where the two are worded apart, :mod:`tracker.ingest.chapters` aligns them by content.
"""

from __future__ import annotations

import re

from tracker.ingest.agency import word_tags

MAX_TOPIC = 12
_MIN_TOPIC = 2
_STRONG = 3
_KEEP_AFTER_GENERIC = 3
_KEEP_AFTER_OF = 4

_NUMBERING = re.compile(
    r"^\s*(第[一二三四五六七八九十]+(部分|章|节)|[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]"
    r"|\d{1,2}[、.．])[、.．:：\s]*"
)
_QUOTES = re.compile(r"[“”‘’\"'「」『』《》〈〉]")
_LABEL = re.compile(r"^([^,，;；:：]{2,12})[:：]")
_CLAUSE_BREAK = re.compile(r"[,，;；!！]\s*|\s+")
# "在兜住兜牢底线民生安全上走前列", "以党建为引领": the field is inside the frame.
_FRAMES = (
    re.compile(r"^在(.{2,}?)(上|中|方面)(走前列|作表率|当先锋|勇争先|下功夫|求突破|见实效|显担当|出实招|)$"),
    re.compile(r"^以(.{2,}?)为(引领|抓手|重点|核心|主线|牵引|统领|载体|目标|导向)$"),
)
# Effort words that open a heading's clause ("全面提高…", "持续深化…", "聚焦…").
_LEADING = re.compile(
    r"^(进一步|全方位|高质量|要|充分|探索|发展|高水平|高标准|高品质|高效能|高要求|高水准|"
    r"坚持|坚定|全面|深入|持续|着力|加快|加速|推进|推动|提高|提升|加强|深化|强化|优化|完善|健全|促进|落实"
    r"|实施|扎实|不断|大力|聚焦|聚力|围绕|突出|抓好|抓实|做好|做优|做强|做实|做细|办好|筑牢|守牢|守住|夯实"
    r"|构建|打造|扩大|激发|巩固|拓展|统筹|坚决|切实|积极|稳步|努力|全力|更加|更好|着眼|注重|创新|规范|加大"
    r"|推行|建立|建设|开展|实现|兜好|兜牢|兜住|织密|擦亮|树立|弘扬|营造|培育|引导|支持|鼓励|增进|改善|保持"
    r"|维护|防范|化解|确保|纵深|用心|用情|用力|精心|全力以赴|大抓|紧盯|瞄准|补齐|补强|发挥|释放|增强|提速)"
)
# State and result words that close a summary's heading ("…更加健全", "…成效显著", "…再上新台阶").
_TRAILING = re.compile(
    r"(再上新台阶|再上新水平|取得新成效|取得新进展|取得新突破|取得新成绩|取得实效|取得成效|迈出新步伐|开创新局面"
    r"|成效显著|成效明显|成效突出|提质增效|提质扩面|提档升级|见行见效|稳中有升|规范有序|有力有效|精准到位"
    r"|有力到位|加快定型|持续织密|全面铺开|落地见效|走深走实|走在前列|走前列|新路径|新模式|新格局|新局面|新高地"
    r"|新水平|新成效|新进展|新突破|新台阶|新篇章|高质量"
    r"|更加|持续|不断|稳步|逐步|显著|明显|全面|进一步|日趋|日益|加快|有效|有力|扎实|纵深|大幅|深入|逐年"
    r"|提升|提高|增强|加强|健全|完善|优化|规范|便捷|便民|温馨|有序|落实|推进|深化|形成|见效|扩面|提质|增效"
    r"|释放|到位|改进|向好|扩充|多元|精准|汇聚|牢固|扩容|下沉|巩固|拓展|扩大|改善|彰显|凸显|夯实|织密|升级|突破|发展|激活|激发|见实效|有为)$"
)
# Generic heads of a noun phrase: "养老服务体系" files under 养老服务.
_GENERIC = re.compile(r"(体系|(?<!社会)工作|建设|事业|水平|能力|效能|机制|格局|质效|网底|防线|屏障)$")
# "激发教育发展活力" names an effect, not a field: it shrinks to 教育 and the clause before it wins.
_EFFECT = re.compile(r"(发展)?(活力|动力)$")
_CONJUNCTION = re.compile(r"[和与及、]")


def heading_topic(heading: str) -> str:
    """The topic a chapter heading names (see the module docstring for the rule)."""
    text = _QUOTES.sub("", _NUMBERING.sub("", heading.strip())).strip().rstrip("。.")
    label = _LABEL.match(text)
    if label:
        return _shorten(label.group(1))
    clauses = [c for c in _CLAUSE_BREAK.split(text) if c]
    if not clauses:
        return heading.strip()
    phrases = [_noun_phrase(clause) for clause in clauses]
    # The last clause names the field ("强化保障,健全…社会救助体系"), the first the means or principle.
    strong = [phrase for phrase in phrases if len(phrase) >= _STRONG]
    return _shorten(strong[-1] if strong else max(phrases, key=len))


def _noun_phrase(clause: str) -> str:
    text = clause
    for frame in _FRAMES:
        match = frame.match(text)
        if match:
            text = match.group(1)
            break
    text = _strip(text, _LEADING, leading=True)
    previous = None
    while previous != text:
        previous = text
        text = _strip(text, _TRAILING, leading=False)
        generic = _GENERIC.search(text)
        if generic and generic.start() >= _KEEP_AFTER_GENERIC:
            text = text[: generic.start()]
        effect = _EFFECT.search(text)
        if effect and effect.start() >= _MIN_TOPIC:
            text = text[: effect.start()]
    if "的" in text:
        after = text.rsplit("的", 1)[1]
        if len(after) >= _KEEP_AFTER_OF:
            text = after
    return text if len(text) >= _MIN_TOPIC else clause


def _strip(text: str, pattern: re.Pattern[str], *, leading: bool) -> str:
    """Take words of ``pattern`` off one end while at least two characters remain."""
    while True:
        match = pattern.search(text)
        if not match:
            return text
        rest = text[match.end() :] if leading else text[: match.start()]
        if len(rest) < _MIN_TOPIC or (leading and rest[0] in "和与及的"):
            return text
        text = rest


def _shorten(phrase: str) -> str:
    if len(phrase) <= MAX_TOPIC:
        return phrase
    first = _noun_phrase(_CONJUNCTION.split(phrase, maxsplit=1)[0])
    if _MIN_TOPIC <= len(first) <= MAX_TOPIC:
        return first
    return _word_prefix(phrase)


def _word_prefix(phrase: str) -> str:
    """The longest run of whole words from the start that fits in :data:`MAX_TOPIC` characters (words by
    longest match in jieba's dictionary)."""
    dictionary = word_tags()
    end = 0
    while end < len(phrase):
        step = next((n for n in (4, 3, 2) if phrase[end : end + n] in dictionary), 1)
        if end + step > MAX_TOPIC:
            break
        end += step
    return phrase[:end]
