"""Small renderables shared by the screens: status badges, scores, highlighted text, stacked bars."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rich.text import Text

from tracker.review.desk import Retracted
from tracker.review.detail import CommitmentDetail
from tracker.review.history import DROPPED, DROPPED_LABEL, KIND_LABELS, PRIOR_COMMITMENT, Baseline
from tracker.review.team import Coding
from tracker.statuses import EVIDENCE_STATE_LABELS, REASON_LABELS, STATUS_STYLES, STATUSES, label

#: How each evidence state looks on screen (its words are EVIDENCE_STATE_LABELS).
STATE_STYLES = {
    "suggested": "bold cyan",
    "confirmed": "bold green",
    "rejected": "strike red",
    "candidate": "dim",
}
HIGHLIGHT = "bold reverse"

#: History kinds and ``dropped`` in the order the screens list them, with a two-character badge for
#: the list and a colour (SPEC "History").
HISTORY_KINDS = ("new", "continuing", "repeated", "chronic", "dropped")
HISTORY_SHORT = {
    "new": "新增",
    "continuing": "延续",
    "repeated": "再次",
    "chronic": "多年",
    "dropped": "未再",
}
HISTORY_STYLES = {
    "new": "",
    "continuing": "cyan",
    "repeated": "yellow",
    "chronic": "bold red",
    "dropped": "magenta",
}


def status_badge(status: str, source: str = "auto", blind: bool = False) -> Text:
    """``● 已兑现`` in the status colour; a reviewer's status is marked with ✎. In blind mode the
    matcher's status is not shown (it would anchor the reviewer), only a reviewer's."""
    if blind and source == "auto":
        return Text("○ 盲审", style="dim")
    badge = Text("● " + label(status), style=STATUS_STYLES.get(status, ""))
    if source == "reviewer":
        badge.append(" ✎", style="bold")
    return badge


def state_badge(state: str) -> Text:
    return Text(EVIDENCE_STATE_LABELS.get(state, state), style=STATE_STYLES.get(state, ""))


def score_text(score: float | None, blind: bool) -> Text:
    if blind:
        return Text("··", style="dim")
    if score is None:
        return Text("手动", style="italic")
    style = "bold" if score >= 60 else "" if score >= 30 else "dim"
    return Text(f"{score:.0f}", style=style, justify="right")


def highlighted(text: str, terms: Iterable[str]) -> Text:
    """``text`` with every occurrence of the shared terms shown in reverse video (longest first)."""
    result = Text(text)
    for term in sorted({t for t in terms if t}, key=len, reverse=True):
        result.highlight_words([term], style=HIGHLIGHT)
    return result


def stacked_bar(counts: Counter[str], scale: float) -> Text:
    """One bar: a run of █ per status in SPEC order, ``scale`` cells per commitment."""
    bar = Text()
    for status in STATUSES:
        cells = round(counts.get(status, 0) * scale)
        if counts.get(status, 0) and cells == 0:
            cells = 1
        bar.append("█" * cells, style=STATUS_STYLES.get(status, ""))
    return bar


def legend() -> Text:
    text = Text()
    for status in STATUSES:
        text.append("█ ", style=STATUS_STYLES[status])
        text.append(label(status) + "  ")
    return text


def reason_label(reason: str) -> str:
    """The matcher's reason in Chinese, with the English kept after it."""
    chinese = REASON_LABELS.get(reason)
    return f"{chinese} ({reason})" if chinese else reason


def history_label(kind: str) -> str:
    """新增, 延续, 再次承诺, 多年未兑现 or 未再提及."""
    return DROPPED_LABEL if kind == "dropped" else KIND_LABELS.get(kind, kind)


def history_badge(kind: str | None, dropped: bool = False) -> Text:
    """The list's badge: ``延续``, ``再次``, ``多年``; ``未再`` for a commitment the next plan no longer
    names; ``新增`` dimmed; nothing when nothing earlier could be compared (``kind`` None)."""
    shown = "dropped" if dropped else kind
    if shown is None:
        return Text("")
    return Text(HISTORY_SHORT.get(shown, shown), style=HISTORY_STYLES.get(shown) or "dim")


def baseline_text(baseline: Baseline) -> str:
    """What a plan's history was looked for in, e.g. ``对照 2023年总结 · 2021年计划``."""
    if not baseline.compared:
        return "无上年总结或往年计划可对照 nothing earlier to compare"
    parts = []
    if baseline.summary is not None:
        parts.append(f"{baseline.summary}年总结")
    if baseline.plans:
        parts.append("、".join(str(p) for p in baseline.plans) + "年计划")
    return "对照 " + " · ".join(parts)


#: What each kind of decision reads as once taken back (``已撤销 确认 佐证 #2``).
UNDONE_ACTIONS = {
    "confirm": "确认",
    "reject": "否决",
    "link": "关联",
    "unlink": "取消关联",
    "history_confirm": "确认",
    "history_reject": "否决",
}
#: The history relation a history decision was about, as the history pane names it.
UNDONE_RELATIONS = {DROPPED: DROPPED_LABEL, PRIOR_COMMITMENT: "再次承诺 往年承诺"}
UNDONE_TEXT = 14  # characters of the commitment (or note) quoted


def undone_text(undone: Retracted, detail: CommitmentDetail | None) -> str:
    """``已撤销 undone: 状态设为 已兑现 · 加快推进养老服务…``: what an undo took back and on which
    commitment (``detail``, read after the undo, gives its text and the evidence's number as shown)."""
    where = undone.commitment
    if detail is not None and detail.commitment.id == undone.commitment:
        where = _quoted(detail.commitment.text)
    return f"已撤销 undone: {undone_what(undone, detail)} · {where}"


def undone_what(undone: Retracted, detail: CommitmentDetail | None) -> str:
    """``状态设为 已兑现``, ``确认 佐证 #2``, ``备注「…」``, ``否决 历年 未再提及``: the decision taken back."""
    action = undone.action
    if action == "status":
        what = f"状态设为 {label(undone.value or '')}"
    elif action == "note":
        what = f"备注「{_quoted(undone.value or '')}」"
    elif action.startswith("history_"):
        relation = UNDONE_RELATIONS.get(undone.value or "", "延续 上年成效")
        what = f"{UNDONE_ACTIONS[action]} 历年 {relation}"
    else:
        what = f"{UNDONE_ACTIONS.get(action, action)} 佐证"
        ids = [item.id for item in detail.evidence] if detail is not None else []
        if undone.achievement in ids:
            what += f" #{ids.index(undone.achievement) + 1}"
    return what


def _quoted(text: str) -> str:
    return text if len(text) <= UNDONE_TEXT else text[: UNDONE_TEXT - 1] + "…"


def coding_line(coding: Coding, viewer: str, blinded: bool = False) -> Text:
    """``编码 编码员1 张三 已兑现 · 编码员2 李四 部分兑现 · 分歧待裁定``: who codes the commitment and what
    each set; the other coder's status reads 盲审中 while ``blinded`` (until both have set one)."""
    text = Text.assemble(("编码 coding ", "bold"))
    for index, name in enumerate(coding.coders.names):
        role = coding.coders.role(name) or 1
        text.append(" · " if index else "")
        text.append(f"编码员{role} {name}{'（你）' if name == viewer else ''} ")
        if name in coding.statuses:
            status = coding.statuses[name]
            text.append(label(status), style=STATUS_STYLES.get(status, ""))
        elif blinded and name != viewer:
            text.append("盲审中 hidden until you both decide", style="dim")
        else:
            text.append("未定 not yet", style="dim")
    if coding.adjudication is not None:
        who, status = coding.adjudication
        text.append(" · 已裁定 adjudicated ", style="bold")
        text.append(f"{who} ")
        text.append(label(status), style=STATUS_STYLES.get(status, ""))
    elif coding.disputed:
        text.append(" · 分歧待裁定 disputed", style="bold red")
        if coding.coders.role(viewer) is None:
            text.append("（1–7 裁定 adjudicate）", style="dim")
    elif coding.both_decided:
        text.append(" · 一致 agreed", style="green")
    return text
