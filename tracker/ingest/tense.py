"""Whether a piece of text looks forward (a plan) or back (a result), and which year it speaks of."""

from __future__ import annotations

import re

from tracker.ingest.memo import per_document

YEAR = re.compile(r"(?<![\d-])((?:19|20)\d{2})\s*年")
_TITLE = re.compile(r"《[^》]*》")
_RANGE = re.compile(r"(?:19|20)\d{2}\s*[-—~至到]\s*(?:19|20)\d{2}\s*年")
_SINCE = re.compile(r"(?:19|20)\d{2}\s*年(以来|起|开始)")

# 将 marks the future only before a verb or adverb ("将继续…", "将在…"); before a noun it is the object
# marker ("将学习贯彻…与…相融互促", "将符合条件的…纳入…").
_WILL_BEFORE = (
    "继续 进一步 重点 全面 着力 实现 在 于 持续 加快 不断 大力 力争 推动 推进 开展 建成 完成 启动 坚持 围绕 聚焦 以 提高"
    " 提升 加强 深化 建立 出台 新建 打造 达到 达 突破 迎来 举办 全力 切实 积极 稳步 逐步 努力 深入 把 按照 结合 认真 主要"
    " 聚力 进行 陆续 正式 首次 率先 做好 有"
).split()
# 计划 looks ahead only as a verb ("计划2025年一季度投入运行"), not as a noun ("行动计划").
_PLAN_BEFORE = "于 在 将 到 年 今 明 完成 实现 建成 开工 投入 启动".split()
FUTURE = re.compile(
    rf"将(?={'|'.join(_WILL_BEFORE)})"
    r"|(?<![重主需只必纲摘概])要(?![求素点件事闻])"
    rf"|计划(?=\d|{'|'.join(_PLAN_BEFORE)})"
    r"|力争|预计|拟|争取|下一步|接下来|明年|今后|努力(实现|打造|建成)|年底前|年内(?!发放|共|累计|完成了)"
)
PAST = re.compile(
    r"已|完成了|建成了|实现了|截至|截止|累计|共有|共计|共(发放|办理|救助|开展|举办|帮扶|投入|完成|建成|销售|筹集)|"
    r"全年(共|累计|为|新|完成|发放|办理|开展|举办|销售|筹集|接待)|先后|成功(举办|召开|创建|获批)|获评|荣获|获得|入选|"
    r"(提高|提升|增|增长|增加|下降|降|达|达到|扩展|扩大)至|同比|较上年|比上年|超额完成|顺利完成|"
    r"正式(启动|揭牌|挂牌|运营|印发|出台)|了[,，。;；]|了$|去年|上年|以来|出台了|建立了|开展了|实施了"
)
_Y = r"(?:(?:19|20)\d{2}\s*年)"
DEADLINE = re.compile(
    rf"(?:{_Y}|今年|本年|年)(?:底|末)(?:前|之前)?"
    r"|(?:今|本)?年内"
    rf"|{_Y}?(?:\d{{1,2}}|[一二三四五六七八九十]{{1,3}})月(?:底|末)?(?:前|之前)"
    rf"|{_Y}?[上下]半年"
    rf"|{_Y}?第?[一二三四1-4]季度"
)


# Every deadline names one of these: a text without them is answered without trying DEADLINE at each
# of its characters (a third of the time of reading a document went there).
_DEADLINE_CHARS = re.compile("[底末内月半季]")


@per_document
def years_in(text: str) -> tuple[int, ...]:
    """Years the text is about: not those inside document titles, ranges, or 'since' phrases."""
    if "年" not in text:
        return ()
    plain = _SINCE.sub("", _RANGE.sub("", _TITLE.sub("", text)))
    return tuple(int(y) for y in YEAR.findall(plain))


@per_document
def is_forward(text: str) -> bool:
    plain = _TITLE.sub("", text)
    return bool(FUTURE.search(plain)) and not PAST.search(plain)


@per_document
def is_backward(text: str) -> bool:
    return bool(PAST.search(_TITLE.sub("", text)))


@per_document
def deadline_in(text: str) -> str | None:
    """The stated deadline ('2024年底', '年内', '7月底前'), or None."""
    if not _DEADLINE_CHARS.search(text):
        return None
    match = DEADLINE.search(_TITLE.sub("", text))
    return match.group(0) if match else None
