"""Atomic statements: a plan sentence becomes the commitments a reviewer can rate one by one, a
summary sentence the results it reports. Slogans and guiding-ideology clauses are dropped."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.ingest.agency import word_tags
from tracker.ingest.memo import per_document
from tracker.ingest.parsed import Statement
from tracker.ingest.quantities import quantities_in
from tracker.ingest.splitting import clauses, split_at
from tracker.ingest.tense import PAST, deadline_in, is_backward, is_forward, years_in
from tracker.ingest.topics import OTHER, is_testable, topic_of
from tracker.ingest.units import only_assigns_units

# Clauses that restate the political line or frame the text rather than commit to anything.
SLOGAN = re.compile(
    r"以习近平.*为指导|习近平.*(思想|精神|论述|讲话|指示)|(贯彻|落实|学习)[^,，]*(精神|讲话|指示)|党的二十|二十届"
    r"|稳中求进|以人民为中心|新发展理念|锚定|紧扣|聚焦.*(部署|目标|任务|中心工作)|以下(工作|[\d一二三四五六七八九十]+个方面|几个方面)"
    r"|如下|贡献(民政)?力量|作出.*贡献|高质量发展(取得|再上|迈出|新)|走在前列|走前列|当好示范|新征程|新台阶|新突破|新气象"
    r"|新步伐|守正创新|尽力而为|量力而行|统筹发展和安全|一件一件|一年接着一年|幸福梦|中国梦|坚强领导|决策部署"
    r"|(党中央|省委|市委|市政府|省政府)[^,，]*(部署|要求|举措|思路)|各项(目标|工作)?任务|奋勇争先|真抓实干|昂扬斗志"
    r"|奋发有为|锐意进取|攻坚克难|问题导向|总基调|职责定位|主责主业|现将.*(总结|报告)|民生福祉|共同富裕"
    r"|方面发力|全面深化[^,，]*改革、开放|示范高地|政治判断力|政治领悟力|政治执行力|总体国家安全观|底线思维"
    r"|新篇章|谱写"
)
# A shortcoming stated as a fact ("…依然紧张", "…问题有待解决", "仍存在短板", "与期待仍有差距", "…不够"):
# neither a result nor a commitment. A state inside a modifier ("解决床位依然紧张的问题") and a gap that
# an action works on ("补齐…短板", "缩小…差距") are the action's object, not a problem statement.
_LACK = "差距|短板|不足|弱项|薄弱|不平衡|不充分"
_PROBLEM_STATE = re.compile(
    rf"(依然|仍然|仍|还|尚)(存在|有[^,，]{{0,12}}({_LACK}|问题|困难|瓶颈|矛盾))"
    r"|(依然|仍然|仍|还|尚)(较(?!上年|去年|同期)|不(?!断|停|遗余力)|需|待|偏|面临|比较|相对)"
    r"|(依然|仍然|仍|较为|比较|相对|日益|十分)紧张|有待|亟待|亟需|不够"
)
_PROBLEM_NOUN = re.compile(_LACK)
_ACTS_ON = re.compile(r"^(补齐|补强|弥补|缩小|解决|破解|化解|克服|整改|消除|针对|聚焦|着力)")
# Clauses that only state the purpose or result of the clause before them.
_ATTACH_TO_PREVIOUS = re.compile(
    r"^(助力|从而|进而|以便|以此|以期|以确保|使|让|为(?!期)|满足|形成[^,，]*(格局|局面|氛围|合力|体系|模式)"
    r"|带动|其中|分别|占比?|同比|较上年|比上年|均(为|达|高于|低于)|惠及|涉及|受益|增幅)"
)
# Clauses that set the scene (means, occasion, speaker, time) for the clause after them; a frame
# ("在做好…的同时", "我市将在…基础上") holds no action of its own.
_ATTACH_TO_NEXT = re.compile(
    r"^(经|通过|按照|根据|依托|围绕|针对|结合|随着|对标|立足|为了|为进一步|在.{0,12}(下|中|上|方面|期间)$"
    r"|以.{1,20}(为|作为)(契机|抓手|切入口|载体|重点|引领|目标|导向|核心|主线|试点))"
    r"|^联合.{1,24}(部门|单位|机构)$"
    r"|^[^,，在]{0,10}在[^,，]{1,30}(同时|基础上|过程中|前提下|背景下|之际)$|^[^,，]{2,40}的(同时|基础上|过程中|前提下)$"
    r"|^(截[至止])?((?:19|20)\d{2}年)?(\d{1,2}月)?(\d{1,2}日)?(上旬|中旬|下旬|底|末|上午|下午|以来)?$"
)
# … and the words of a speaker ("…他说"), at the end (``$``: before a final newline too).
_SPEAKER_WORDS = ("说", "表示", "介绍", "透露", "指出", "强调")


def _frames(clause: str) -> bool:
    """Whether ``clause`` sets the scene for the clause after it (every pattern but the speaker's is
    tied to the clause's start, so it is tried there only)."""
    end = clause[:-1] if clause.endswith("\n") else clause
    return bool(_ATTACH_TO_NEXT.match(clause)) or end.endswith(_SPEAKER_WORDS)


_MIN_CLAUSE = 6
_MIN_STATEMENT = 6
_LEADING_FILLER = re.compile(
    r"^(同时|此外|另外|另一方面|一方面|再一方面|首先|其次|再次|最后|据悉|据了解|据介绍|目前|是)[,，:：]?\s*"
)


@dataclass
class Draft:
    """A statement cut from a sentence, before numbers, topic and ids are attached."""

    kind: str
    text: str


def _is_slogan(clause: str) -> bool:
    return bool(SLOGAN.search(clause))


def _is_problem(clause: str) -> bool:
    states = list(_PROBLEM_STATE.finditer(clause))
    gap = _PROBLEM_NOUN.search(clause) is not None
    if not states and not gap:
        return False  # most clauses: no dictionary lookup for the action
    acting = _acts(clause) or bool(_ACTS_ON.match(_without_adverbial(clause)))
    if any(not (acting and "的" in clause[m.end() :]) for m in states):
        return True
    return gap and not acting


def _merge(pieces: list[str]) -> list[str]:
    """Join framing and purpose clauses to the clause they belong to."""
    merged: list[str] = []
    carry = ""
    for piece in pieces:
        text = piece if not carry else f"{carry},{piece}"
        if len(piece) < _MIN_CLAUSE or _frames(piece) or _frames(_tidy(piece)):
            carry = text
            continue
        carry = ""
        if merged and _ATTACH_TO_PREVIOUS.match(piece):
            merged[-1] = f"{merged[-1]},{text}"
        else:
            merged.append(text)
    if carry:
        if merged:
            merged[-1] = f"{merged[-1]},{carry}"
        else:
            merged.append(carry)
    return merged


_SPEAKER = re.compile(r"^[^,，]{1,16}(介绍说|介绍|表示|透露|指出|强调|说)[,，:：]")
# A bare year left in front once the framing clause after it was dropped ("2024年,健全…").
_BARE_YEAR = re.compile(r"^(?:19|20)\d{2}\s*年[,，]")
# The speaking body in front of its action ("我市将进一步完善…"): the agency is stored apart.
_OWN_SUBJECT = re.compile(r"^(我市|本市|我局|市民政局|[^,，]{0,6}民政部门)(将|要)(?=[\u4e00-\u9fff])")


@per_document
def _tidy(text: str) -> str:
    text = _BARE_YEAR.sub("", _SPEAKER.sub("", text.strip(" ,，:：、")))
    text = _OWN_SUBJECT.sub("", _LEADING_FILLER.sub("", text.strip(" ,，:：、")))
    text = _LEADING_FILLER.sub("", text).strip(" ,，:：、")
    # The modal left in front of the action once its subject is gone ("此外,要进一步规范…").
    return text[1:] if text.startswith("要") and _acts(text[1:]) else text


# Verbs that open a new action: "开展…工作、推动…落实" is two commitments joined by 、.
_ACTION_START = re.compile(
    r"^(推动|推进|加强|开展|建立|完善|健全|提升|提高|打造|深化|实施|制定|落实|促进|强化|优化|创新|探索|组织|举办"
    r"|建设|培育|引导|支持|鼓励|加快|加大|做好|规范|构建|营造|拓展|扩大|推行|设立|完成|实现|开发|修订|出台|印发|发展)"
)

# Adverbials in front of a plan's verb ("进一步加强…", "持续深化…", "要积极推进…").
_ADVERBIAL = re.compile(
    r"^(要|将|进一步|持续|继续|全面|深入|大力|着力|切实|扎实|积极|不断|稳步|纵深|更好|更加|充分|努力|全力|率先"
    r"|主动|逐步|协同|重点|同步|加快)*"
)


def _without_adverbial(text: str) -> str:
    return _ADVERBIAL.sub("", text, count=1)


def _acts(text: str) -> bool:
    """Whether the text opens with an action, after any adverbials: a verb of :data:`_ACTION_START`
    or a word jieba's dictionary holds as a verb ("擦亮…", "激发…")."""
    bare = _without_adverbial(text)
    if _ACTION_START.match(text) or _ACTION_START.match(bare):
        return True
    tags = word_tags()
    first = next((bare[:n] for n in (4, 3, 2) if bare[:n] in tags), None)
    return first is not None and tags[first] == "v"


def _split_enumerated_actions(statement: str) -> list[str]:
    """Split a single-clause statement at 、 where both sides are whole actions of six characters or more."""
    if "," in statement or "，" in statement:
        return [statement]
    pieces = split_at(statement, "、")
    result: list[str] = []
    for piece in pieces:
        if (
            result
            and _ACTION_START.match(piece)
            and len(piece) >= _MIN_STATEMENT
            and len(result[-1]) >= _MIN_STATEMENT
        ):
            result.append(piece)
        elif result:
            result[-1] = f"{result[-1]}、{piece}"
        else:
            result.append(piece)
    return result


def commitments_from(sentence: str) -> list[str]:
    """The commitments of one plan sentence, in order."""
    kept = [
        c for c in clauses(sentence) if not _is_slogan(c) and not _is_problem(c) and not only_assigns_units(c)
    ]
    statements = [t for t in (_tidy(c) for c in _merge(kept)) if len(t) >= _MIN_STATEMENT]
    return [piece for statement in statements for piece in _split_enumerated_actions(statement)]


def title_commitments(title: str) -> list[str]:
    """The commitments of a paragraph's title sentence: one that names an action ("加快…体系建设。")
    commits to it; a topic ("社会救助方面") or a slogan ("在…上走前列", "奋力…新篇章") does not."""
    return commitments_from(title) if _acts(title) else []


def split_summary_sentence(sentence: str, period: int) -> list[Draft]:
    """Results reported in a summary sentence, plus any dated target it still announces.

    A clause looking ahead with a deadline inside the period ("预计7月底前达成…") starts a commitment
    that runs to the end of the sentence; one without a deadline stays with the result before it.
    """
    pieces = [c for c in clauses(sentence) if not _is_slogan(c) and not _is_problem(c)]
    drafts: list[Draft] = []
    results: list[str] = []
    for index, piece in enumerate(pieces):
        ahead = is_forward(piece) and not PAST.search(piece)
        in_period = all(year == period for year in years_in(piece))
        if ahead and in_period and deadline_in(piece) and not re.search(r"截[至止]|到", piece):
            drafts.extend(Draft("summary", t) for t in _finish(results))
            results = []
            target = _tidy(",".join(pieces[index:]))
            if len(target) >= _MIN_STATEMENT:
                drafts.append(Draft("plan", target))
            return drafts
        if ahead and results:
            results[-1] = f"{results[-1]},{piece}"
            continue
        results.append(piece)
    if results and all(is_forward(r) and not is_backward(r) for r in results):
        return drafts
    drafts.extend(Draft("summary", t) for t in _finish(results))
    return drafts


def _finish(pieces: list[str]) -> list[str]:
    return [t for t in (_tidy(c) for c in _merge(pieces)) if len(t) >= _MIN_STATEMENT]


def describe(
    text: str, *, section: str, context: str, normalized: str, deadline: str | None = None
) -> Statement:
    """A statement with what the matcher and the reports read of it: its numbers, its topic (its own,
    else its sentence's: "…,开展跨部门综合监管试点" names no field), its deadline (``deadline`` when
    a task table's column gives it, else the one the text states) and whether it can be checked."""
    quantities = quantities_in(text)
    deadline = deadline or deadline_in(text)
    topic = topic_of(text, section)
    return Statement(
        text=text,
        normalized=normalized,
        section=section,
        topic=topic if topic != OTHER else topic_of(context, section),
        quantities=quantities,
        deadline=deadline,
        testable=is_testable(text, bool(quantities), deadline),
    )
