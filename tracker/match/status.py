"""The automatic status of a commitment from the evidence linked to it.

- ``pending``: no summary of the commitment's agency and period has been ingested yet.
- ``no_evidence``: a summary exists and nothing in it is linked.
- Numeric targets are checked against reported figures of the same thing: every target met is
  ``fulfilled``, any missed is ``partial`` (target >=300 户 vs 231 户: 77 %). A figure counts the same
  thing as a target when its unit is of the same family, it is counted per the same (a standard in
  元/人·月 or 每人每月 is no total in 万元), it counts places (镇街, 村(社区)) only if the target does,
  and the words around the two numbers share a noun (:func:`compare_targets`). A commitment promising
  full coverage (X全覆盖, 全面推行X) has a target of 100 % for the coverage rates of X reported.
- A statement reporting part of a whole done (20项任务已完成18项, 完成率86%, 其余正在推进) is ``partial``.
- Otherwise the wording of the evidence decides: results that are still on the way (草案, 起草,
  征求意见, 专家评审, 审议, 调研, 启动, 招标, 封顶, 尚处于…阶段, 计划明年…, 拟于…, 明年开工) are
  ``in_progress``; some done and some on the way is ``partial``; done is ``fulfilled`` (a process
  commitment such as 深化婚俗改革 is fulfilled by the activity reported). A cue counts as a word only:
  not inside a quoted name (“银龄计划”, “护苗”计划), a compound (计划项目, 启动仪式, 审议通过, 接待) or a
  name it starts (推进中山市…); and a step the commitment itself names (启动…, 征求意见) is what it
  promised, not a step before it.
- Evidence from interim reports only (summaries dated before their year ends, :mod:`tracker.match.pace`)
  is work so far: ``in_progress``, unless every numeric target is met already (``fulfilled``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tracker.match.results import StatusResult

#: Wording of work still on the way. Each cue is a word: 计划 only as "plans to" before a time,
#: 推进中 only at the end of a clause, 启动 not as an event (启动仪式), 待 not inside 接待/期待/待遇.
UNFINISHED = re.compile(
    r"正在|正(?:结合|按|抓紧|加快|加紧|积极|有序|陆续|着手|进行)|草案|初稿|送审|报审|提请|征求意见"
    r"|审议(?!通过)|初审|专家评审|论证|调研(?!报告|成果)|启动(?!仪式|大会|会|典礼|式)"
    r"|(?<![按照度作动习])计划(?=[于在将到]|[今明后本]年|下[半一步]|年[内底]|近期|\d|[一二三四五六七八九十两]+[个月年季])"
    r"|(?<![模虚])拟|筹备|筹建|修订稿|试运行|推进中(?![\u4e00-\u9fff])|尚未|即将|将于|预计"
    r"|(?<!是否)未(?:完成|完工|竣工|建成|开工|启动|落实|达到|达标|实现|出台|印发|办结|验收)"
    r"|(?<!通过)(?<!通过公开)(?<!经)(?<!经公开)招标"
    r"|(?<![接招款优善对看期虐])待(?!遇)"
    r"|起草(?![并和、]|出台|印发)|[仍尚](?:处于|在)|处于[\u4e00-\u9fff]{0,6}阶段|封顶|可行性研究|可研|选址"
    r"|(?:明年|下一?年度?)(?:[上下]半年|[年]?初|[年]?底)?(?:[将要]|全面)?"
    r"(?:开工|建成|投用|投入|印发|出台|实施|完成|开业|运营|启用|铺开|推开|交付)"
)
#: A quoted name is a name, not a report ("实施“银龄计划”"); a title keeps only its bracketed state
#: (《…办法(草案)》 is a draft).
_QUOTED = re.compile(r"(?:《[^《》]*》|“[^“”]*”|\"[^\"]*\"|‘[^‘’]*’|'[^']*'|「[^「」]*」)(?:计划|行动|工程)?")
_BRACKETED = re.compile(r"[(（][^()（）]*[)）]")
#: The rest of a whole still on the way ("其余正在跟进办理", "尚有2个未完工", "其余结转明年"): some of it
#: is done ("其余均已完成" is all of it).
_REST = re.compile(r"其余|剩余|余下|尚有")
_NOT_YET = re.compile(r"未|结转|顺延|转入|明年|下一年|下年度")
#: A completion rate below 100 ("任务完成率86%").
_COMPLETION_RATE = re.compile(r"完成(?:率|比例|进度)(?:达到|达|为)?(\d+(?:\.\d+)?)%")
#: "N项…已完成M项": what lies between a whole and the part of it done.
_DONE_OF_WHOLE = re.compile(r"[^。；;]{0,12}(?:完成|办结|解决|落实|建成|完工|验收)了?$")
#: A commitment to cover everything: its coverage rates are held against 100 %.
_FULL_COVERAGE = re.compile(r"全覆盖|全面覆盖|全部覆盖|全域覆盖|全面(?:推开|铺开)")
_RATE = re.compile(r"覆盖|(?<!增长)(?<!增)率|比例|占")
#: "全面推行X": X everywhere, held against the rates at which X covers (覆盖率, 普及率), not any rate.
_FULL_REACH = re.compile(r"全面(?:实施|推行|实行|落实|建立|建成|开展|普及)")
_COVERAGE_RATE = re.compile(r"覆盖|普及")

# Count words that name the same kind of thing: a target in 个 is met by a figure in 家 or 处.
_UNIT_FAMILIES = [{"个", "家", "处", "所", "座"}, {"人", "名"}, {"场", "场次", "次"}]
_CLAUSE = re.compile(r"[，,；;。：:！？!?\n]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
#: Per whom or what a figure is counted: 每人每月, 每名儿童, 人均, 户均 (and a unit such as 元/人·月).
_PER = re.compile(r"每[万千百十]?([人户名位月年日天周季])|([人户])均")
_PER_WORD = str.maketrans("名位天", "人人日")
#: A count of places: 8个镇街, 156个村(社区) … followed by the end of the clause or by what is done there
#: (not 10个社区食堂, where the place names the kind of a facility).
_PLACE_WORDS = r"镇街|街镇|镇[(（]街道?[)）]|村[(（](?:社区|居)[)）]|村居|街道|乡镇|行政村|社区"
_PLACE = re.compile(
    rf"^(?:{_PLACE_WORDS}|镇|村|区|县)"
    r"(?:$|[和及、与]|全|均|都|已|将|中|内|实现|开展|建成|设立|推开|铺开|落地|覆盖|试点|推广|完成|参与|纳入)"
)
_PLACE_BEFORE = re.compile(rf"(?:{_PLACE_WORDS})$")


def _without_names(text: str) -> str:
    return _QUOTED.sub(lambda m: "".join(_BRACKETED.findall(m.group(0))) or "某", text)


def is_unfinished(text: str, promised: str = "") -> bool:
    """Whether a statement reports work still on the way (a cue word outside quoted names). A step the
    commitment ``promised`` itself (启动…, 开展调研) is what was promised, so it is no cue there."""
    named = _without_names(promised)
    return any(cue.group(0) not in named for cue in UNFINISHED.finditer(_without_names(text)))


@dataclass(frozen=True)
class _Figure:
    """A quantity and what it counts, read in the clause its number stands in (``span`` None: the
    statement is not known, nothing but the unit is)."""

    quantity: dict[str, Any]
    unit: str  # without a per-suffix: 元/人·月 -> 元
    per: frozenset[str] | None  # what it is counted per (人, 月); frozenset(): a total (万元); None: unknown
    noun: str = ""  # the words right after the number in its clause, else those before it
    place: bool | None = None  # a count of places (8个镇街)
    before: str = ""  # the clause before the number
    span: tuple[int, int] | None = None
    coverage: re.Pattern[str] | None = None  # a promise of full coverage: the rates its 100 % is held against


def _figure(quantity: dict[str, Any], statement: str = "", span: tuple[int, int] | None = None) -> _Figure:
    unit, _, suffix = str(quantity["unit"]).partition("/")
    before = _CLAUSE.split(statement[: span[0]])[-1] if span else ""
    after = _CLAUSE.split(statement[span[1] :])[0] if span else ""
    per = set(_CJK.findall(suffix.translate(_PER_WORD)))
    per.update(next(c for c in m.groups() if c).translate(_PER_WORD) for m in _PER.finditer(before))
    scale = re.search(r"\d\s*(?:多|余)?[万亿]", str(quantity["text"])) is not None
    basis = frozenset(per) if per else (frozenset() if scale else None)
    if span is None:
        return _Figure(quantity, unit.lstrip("万亿"), basis)
    after = re.split(r"\d", after, maxsplit=1)[0].lstrip("和及、与")
    noun = after[:12] if _CJK.search(after) else re.sub(r"[\d.%]", "", before)[-16:]
    place = bool(_PLACE.match(after)) if _CJK.search(after) else bool(_PLACE_BEFORE.search(before))
    return _Figure(quantity, unit.lstrip("万亿"), basis, noun, place, before, span)


def _figures(statement: str, quantities: Sequence[dict[str, Any]]) -> list[_Figure]:
    """The quantities of one statement, each read in its clause (quantities are in document order)."""
    figures, cursor = [], 0
    for quantity in quantities:
        text = str(quantity["text"])
        at = statement.find(text, cursor) if statement and text else -1
        if at < 0:
            figures.append(_figure(quantity))
            continue
        cursor = at + len(text)
        figures.append(_figure(quantity, statement, (at, cursor)))
    return figures


def _same_unit(a: str, b: str) -> bool:
    if a == b:
        return True
    return any(a in family and b in family for family in _UNIT_FAMILIES)


def _same_basis(a: frozenset[str] | None, b: frozenset[str] | None) -> bool:
    """Totals with totals, and figures per person or month with those per the same (人月 and 人·月)."""
    if a is None or b is None or a == b:
        return True
    return bool(a) and bool(b) and (a <= b or b <= a)


def _same_thing(a: _Figure, b: _Figure) -> bool:
    """Whether two figures of one unit family count the same: same basis, places with places (counted
    in 个), and a noun in common when both nouns are known."""
    if not a.unit or not _same_unit(a.unit, b.unit):
        return False
    if not _same_basis(a.per, b.per):
        return False
    if a.place is not None and b.place is not None and a.place != b.place:
        return False
    if (a.place and b.unit != "个") or (b.place and a.unit != "个"):
        return False
    if a.noun and b.noun:
        mine, theirs = set(_CJK.findall(a.noun)), set(_CJK.findall(b.noun))
        return len(mine & theirs) >= min(2, len(mine), len(theirs))
    return True


def _value(figure: _Figure) -> float:
    return float(figure.quantity["quantity"])


def _comparison(target: _Figure, figures: Sequence[_Figure]) -> dict[str, Any] | None:
    """The target beside the best figure of the same thing (None: no such figure)."""
    same = [f for f in figures if _same_thing(target, f)]
    if not same:
        return None
    wanted = float(target.quantity["quantity"])
    if target.quantity["comparator"] == "<=":
        source = min(same, key=_value)
        met = _value(source) <= wanted
    else:
        source = max(same, key=_value)
        met = _value(source) >= wanted * (0.95 if target.quantity["comparator"] == "~" else 1.0)
    actual = _value(source)
    return {
        "target": target.quantity["text"],
        "actual": source.quantity["text"],
        "target_quantity": wanted,
        "actual_quantity": actual,
        "unit": target.quantity["unit"],
        "ratio": round(actual / wanted, 3) if wanted else None,
        "met": met,
    }


def _targets(targets: Sequence[dict[str, Any]], commitment_text: str) -> list[_Figure]:
    """The targets read in the commitment's text, and 100 % of coverage when it promises 全覆盖."""
    figures = _figures(commitment_text, targets)
    if any(f.unit == "%" for f in figures):
        return figures
    if full := _FULL_COVERAGE.search(commitment_text):  # X全覆盖: X before it
        noun, rates = _CLAUSE.split(commitment_text[: full.start()])[-1][-16:], _RATE
    elif full := _FULL_REACH.search(commitment_text):  # 全面推行X: X after it
        noun, rates = _CLAUSE.split(commitment_text[full.end() :])[0][:12], _COVERAGE_RATE
    else:
        return figures
    promise = {"quantity": 100, "unit": "%", "comparator": ">=", "text": full.group(0)}
    return [*figures, _Figure(promise, "%", None, noun, coverage=rates)]


def compare_targets(
    targets: Sequence[dict[str, Any]],
    evidence_quantities: Sequence[dict[str, Any]],
    *,
    commitment_text: str = "",
    evidence_text: str = "",
    in_order: bool = False,
) -> list[dict]:
    """Each target beside the best reported figure of the same thing (none found: not compared).

    ``commitment_text`` and ``evidence_text`` are the statements the quantities were read from, when
    known: they tell what is counted (the words after the number, 每人每月, a count of 镇街).
    ``in_order``: two statements of the same shape are compared figure by figure (a plan's 养老床位209张、
    护理型床位280张 against last year's 200张、270张: 209 with 200, 280 with 270), when the targets and the
    figures of the same things are as many and pair up in order; else each target takes the best figure.
    """
    wanted, figures = _targets(targets, commitment_text), _figures(evidence_text, evidence_quantities)
    if in_order:
        alike = [f for f in figures if any(_same_thing(t, f) for t in wanted)]
        if len(alike) == len(wanted) > 1 and all(map(_same_thing, wanted, alike)):
            return [c for t, f in zip(wanted, alike, strict=True) if (c := _comparison(t, [f])) is not None]
    return _compare(wanted, figures)


def running_totals(targets: Sequence[dict[str, Any]], commitment_text: str = "") -> list[dict[str, Any]]:
    """The targets that count a total reached over the year (建成100个, 服务10万人次): not a rate (%), not
    a level counted per person or month (1200元/人·月, 每人每月…), not a ceiling (不超过…)."""
    return [
        f.quantity
        for f in _figures(commitment_text, targets)
        if f.unit != "%" and not f.per and f.quantity["comparator"] != "<="
    ]


def _compare(targets: Sequence[_Figure], figures: Sequence[_Figure]) -> list[dict]:
    comparisons = []
    for target in targets:
        candidates = figures
        if target.coverage:  # full coverage is held against the coverage rates reported
            candidates = [f for f in figures if f.unit == "%" and target.coverage.search(f.before)]
        comparison = _comparison(target, candidates)
        if comparison is not None:
            comparisons.append(comparison)
    return comparisons


def _wholes(text: str, figures: Sequence[_Figure]) -> set[int]:
    """The figures that are a whole of which a later one is the part done ("20项任务已完成18项"): a
    whole planned is not a figure achieved."""
    wholes: set[int] = set()
    for i, whole in enumerate(figures):
        for part in figures[i + 1 :]:
            if whole.span is None or part.span is None or not whole.unit:
                continue
            if not _same_unit(whole.unit, part.unit) or whole.place != part.place:
                continue
            if _value(part) < _value(whole) and _DONE_OF_WHOLE.search(text[whole.span[1] : part.span[0]]):
                wholes.add(i)
    return wholes


def _partly_done(text: str, wholes: set[int]) -> bool:
    """Whether a statement reports part of a whole done: M of N, a completion rate below 100, or the
    rest still on the way."""
    rate = _COMPLETION_RATE.search(text)
    rest = _REST.search(text) is not None and (is_unfinished(text) or _NOT_YET.search(text) is not None)
    return bool(wholes) or (rate is not None and float(rate.group(1)) < 100) or rest


def auto_status(
    commitment_id: str,
    targets: Sequence[dict[str, Any]],
    evidence: Sequence[tuple[str, Sequence[dict[str, Any]]]],
    *,
    has_summary: bool,
    commitment_text: str = "",
    interim: bool = False,
) -> StatusResult:
    """Status of one commitment.

    Args:
        evidence: (text, quantities) of every achievement linked to it.
        has_summary: whether a summary of the commitment's agency and period exists.
        commitment_text: the commitment's text, when known: what its targets count and whether it
            promises full coverage.
        interim: every piece of evidence comes from an interim report (a summary dated before its year
            ends, :func:`tracker.match.pace.is_interim`): the work is ``in_progress`` unless its numeric
            targets are all met already (``fulfilled``).
    """
    result = _from_evidence(commitment_id, targets, evidence, has_summary, commitment_text)
    if not interim or not evidence:
        return result
    if result.status == "fulfilled" and result.detail.get("comparisons"):
        return StatusResult(commitment_id, "fulfilled", {**result.detail, "interim": True})
    comparisons = result.detail.get("comparisons")
    detail: dict[str, Any] = {"reason": INTERIM_REASON, "interim": True}
    return StatusResult(
        commitment_id, "in_progress", detail | ({"comparisons": comparisons} if comparisons else {})
    )


#: The reason of a commitment whose only evidence is interim reports.
INTERIM_REASON = "interim reports only"


def _from_evidence(
    commitment_id: str,
    targets: Sequence[dict[str, Any]],
    evidence: Sequence[tuple[str, Sequence[dict[str, Any]]]],
    has_summary: bool,
    commitment_text: str,
) -> StatusResult:
    if not has_summary:
        return StatusResult(commitment_id, "pending", {"reason": "no summary for this agency and period yet"})
    if not evidence:
        return StatusResult(
            commitment_id, "no_evidence", {"reason": "the summary reports nothing linked to it"}
        )
    figures: list[_Figure] = []
    partly: list[str] = []
    for text, quantities in evidence:
        found = _figures(text, quantities)
        wholes = _wholes(text, found)
        partly += [text] if _partly_done(text, wholes) else []
        figures += [f for i, f in enumerate(found) if i not in wholes]
    comparisons = _compare(_targets(targets, commitment_text), figures)
    if comparisons:
        missed = [c for c in comparisons if not c["met"]]
        status = "partial" if missed else "fulfilled"
        return StatusResult(commitment_id, status, {"reason": "numeric targets", "comparisons": comparisons})
    if partly:
        return StatusResult(
            commitment_id, "partial", {"reason": "part of it reported done", "partly": partly}
        )
    return _by_wording(commitment_id, [text for text, _q in evidence], commitment_text)


def _by_wording(commitment_id: str, texts: Sequence[str], promised: str) -> StatusResult:
    unfinished = [text for text in texts if is_unfinished(text, promised)]
    if len(unfinished) == len(texts):
        return StatusResult(commitment_id, "in_progress", {"reason": "evidence reports work under way"})
    if unfinished:
        return StatusResult(
            commitment_id,
            "partial",
            {"reason": "part reported done, part under way", "under_way": unfinished},
        )
    return StatusResult(commitment_id, "fulfilled", {"reason": "evidence reports it done"})
