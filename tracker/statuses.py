"""The status vocabulary in one place: stable identifiers, Chinese labels, meanings, who may set them.

Every layer (store constraints, reports, CLI choices, later the TUI) reads these names from here so
that a status can never be spelled two ways.
"""

from __future__ import annotations

from typing import Final, Literal

Status = Literal[
    "fulfilled", "partial", "in_progress", "no_evidence", "pending", "not_fulfilled", "unverifiable"
]

#: Identifier -> label shown beside it. Order is the order reports list statuses in.
STATUS_LABELS: Final[dict[str, str]] = {
    "fulfilled": "已兑现",
    "partial": "部分兑现",
    "in_progress": "推进中",
    "no_evidence": "未见佐证",
    "pending": "待核查",
    "not_fulfilled": "未兑现",
    "unverifiable": "无法核查",
}

STATUSES: Final[tuple[str, ...]] = tuple(STATUS_LABELS)

#: Label -> identifier, for reading a status typed in Chinese.
_BY_LABEL: Final[dict[str, str]] = {text: status for status, text in STATUS_LABELS.items()}

#: What each status means and who sets it (SPEC's status table), Chinese first: the one text the
#: README, ``tracker statuses``, the review UI's help and the HTML report's legend all show.
STATUS_MEANINGS: Final[dict[str, tuple[str, str]]] = {
    "fulfilled": (
        "总结报告的成效达到承诺：数量目标已达到，或所报工作已完成。自动判定或审核确认。",
        "the summary reports it done: its numeric targets reached, or the work reported complete. "
        "Automatic or reviewer.",
    ),
    "partial": (
        "只完成了一部分：数量目标未达到，或一组任务中部分完成。自动判定或审核确认。",
        "part of it done: a numeric target missed, or part of a list done. Automatic or reviewer.",
    ),
    "in_progress": (
        "报告了相关工作，但未报告完成（含年中等阶段性报告）。自动判定或审核确认。",
        "work on it is reported, its completion is not (also every interim report). Automatic or reviewer.",
    ),
    "no_evidence": (
        "该机构该年度的总结已收录，但其中没有支持这项承诺的内容。仅自动判定。",
        "the agency's summary for the year is in, and nothing in it supports the commitment. Automatic only.",
    ),
    "pending": (
        "该机构该年度的总结尚未收录，暂无法对照。仅自动判定。",
        "no summary of the agency for the year has been ingested yet. Automatic only.",
    ),
    "not_fulfilled": (
        "审核人员确认承诺没有兑现（例如总结明确说未完成，或有其他来源证实）。仅审核人员可设。",
        "a reviewer found it was not delivered (the summary says so, or another source shows it). "
        "Reviewer only.",
    ),
    "unverifiable": (
        "承诺没有可核查的内容（如原则性表述），或现有材料无法判断。由审核人员设定（匹配程序不会自动给出）。",
        "the commitment has nothing that can be checked (a statement of principle), or the material "
        "cannot tell. Set by a reviewer (the matcher never gives it).",
    ),
}

#: Who may set each status (SPEC's table): Chinese, then English; the column of ``tracker statuses``.
STATUS_SET_BY: Final[dict[str, tuple[str, str]]] = {
    "fulfilled": ("自动或审核", "automatic or reviewer"),
    "partial": ("自动或审核", "automatic or reviewer"),
    "in_progress": ("自动或审核", "automatic or reviewer"),
    "no_evidence": ("自动", "automatic"),
    "pending": ("自动", "automatic"),
    "not_fulfilled": ("仅审核", "reviewer only"),
    "unverifiable": ("审核", "reviewer"),
}

#: The three statuses a newcomer confuses, told apart in one sentence (Chinese, then English).
STATUS_DISTINCTION: Final[tuple[str, str]] = (
    "未见佐证是自动判定：总结里没有提到这项承诺，既没说做了也没说没做；"
    "未兑现是审核人员的结论：有材料表明承诺没有做到；"
    "无法核查：承诺本身没有可核查的内容，或现有材料无法判断。",
    "no_evidence is automatic: the summary says nothing about the commitment, neither done nor not done; "
    "not_fulfilled is a reviewer's finding that it was not delivered; unverifiable: the commitment has "
    "nothing checkable, or the material cannot tell.",
)

#: Rich style per status, shared by the table report and the UI so colours mean the same everywhere.
STATUS_STYLES: Final[dict[str, str]] = {
    "fulfilled": "green",
    "partial": "yellow",
    "in_progress": "cyan",
    "no_evidence": "red",
    "pending": "dim",
    "not_fulfilled": "bold red",
    "unverifiable": "magenta",
}

#: Colour per status for HTML reports (the same hues as STATUS_STYLES), with the text colour on it.
STATUS_COLOURS: Final[dict[str, tuple[str, str]]] = {
    "fulfilled": ("#2e7d32", "#ffffff"),
    "partial": ("#f2c230", "#2b2100"),
    "in_progress": ("#00838f", "#ffffff"),
    "no_evidence": ("#d84333", "#ffffff"),
    "pending": ("#b8bcc2", "#1f2328"),
    "not_fulfilled": ("#8e1b1b", "#ffffff"),
    "unverifiable": ("#8e44ad", "#ffffff"),
}

#: Statuses only a reviewer may set; the matcher never produces them.
REVIEWER_ONLY: Final[frozenset[str]] = frozenset({"not_fulfilled"})

#: Where a commitment's status came from.
STATUS_SOURCES: Final[tuple[str, ...]] = ("auto", "reviewer")

#: States of a commitment/achievement pair in the evidence list (SPEC "JSON report").
EVIDENCE_STATES: Final[tuple[str, ...]] = ("candidate", "suggested", "confirmed", "rejected")

#: How each evidence state reads in reports.
EVIDENCE_STATE_LABELS: Final[dict[str, str]] = {
    "confirmed": "已确认",
    "suggested": "建议",
    "candidate": "候选",
    "rejected": "已否决",
}

#: Evidence states that count as a link (for the automatic status and an achievement's ``supports``),
#: the reviewer's first: reports quote confirmed evidence before suggested.
LINKED_STATES: Final[tuple[str, ...]] = ("confirmed", "suggested")

#: Evidence states only a reviewer sets.
DECIDED_STATES: Final[frozenset[str]] = frozenset({"confirmed", "rejected"})

#: Review actions about a commitment's history: a continuation, a repetition or a drop confirmed or
#: rejected (``value`` names which: one of :data:`HISTORY_RELATIONS`; ``achievement_id`` the earlier
#: statement, an achievement or a commitment, none for a drop).
HISTORY_ACTIONS: Final[tuple[str, ...]] = ("history_confirm", "history_reject")

#: What a history decision is about: prior evidence (延续), a prior commitment (再次承诺), a drop (未再提及).
HISTORY_RELATIONS: Final[tuple[str, ...]] = ("prior_evidence", "prior_commitment", "dropped")

#: The state a history action leaves its relation in.
HISTORY_STATE: Final[dict[str, str]] = {"history_confirm": "confirmed", "history_reject": "rejected"}

#: Actions of the append-only review log.
DECISION_ACTIONS: Final[tuple[str, ...]] = (
    "confirm",
    "reject",
    "link",
    "unlink",
    "status",
    "note",
    *HISTORY_ACTIONS,
    "adjudicate",
)

#: Decisions that set a commitment's status: a reviewer's own, and a third reviewer's settlement of two
#: coders' disagreement (``adjudicate``), which stays in force over the coders' statuses.
STATUS_ACTIONS: Final[tuple[str, ...]] = ("status", "adjudicate")

#: Review actions about one (commitment, achievement) pair.
LINK_ACTIONS: Final[tuple[str, ...]] = ("confirm", "reject", "link", "unlink")

#: The evidence state a link action leaves its pair in.
LINK_STATE: Final[dict[str, str]] = {
    "confirm": "confirmed",
    "link": "confirmed",
    "reject": "rejected",
    "unlink": "rejected",
}

#: Decisions that settle a commitment (a note alone does not).
DECIDING_ACTIONS: Final[tuple[str, ...]] = (*LINK_ACTIONS, *STATUS_ACTIONS)

#: The years a period (the year a plan or summary is about) may be, wherever one is typed or read.
YEARS: Final[tuple[int, int]] = (1949, 2100)

#: How the kind of a document part reads.
PART_KIND_LABELS: Final[dict[str, str]] = {"plan": "计划", "summary": "总结"}


def parse_status(text: str) -> str | None:
    """The status identifier that ``text`` names, or None: an identifier (``not_fulfilled``, any case,
    ``-`` or a space for ``_``) or a Chinese label (``未兑现``), so that wherever a person types a status
    (``annotate status``, ``report --status``, a file of decisions) both are understood alike."""
    word = " ".join(text.split())
    if word in STATUS_LABELS:
        return word
    if word in _BY_LABEL:
        return _BY_LABEL[word]
    folded = word.lower().replace("-", "_").replace(" ", "_")
    return folded if folded in STATUS_LABELS else None


def status_choices() -> str:
    """Every status as a person may type it: ``fulfilled 已兑现, partial 部分兑现, …`` (for hints)."""
    return ", ".join(with_label(status) for status in STATUSES)


def label(status: str) -> str:
    """Return the Chinese label of a status identifier (the identifier itself when unknown)."""
    return STATUS_LABELS.get(status, status)


def status_rank(status: str) -> int:
    """Position of a status in SPEC order, unknown ones last (for sorting, tables and charts)."""
    return STATUSES.index(status) if status in STATUSES else len(STATUSES)


def with_label(status: str) -> str:
    """Format a status as ``"partial 部分兑现"`` for tables and messages."""
    return f"{status} {label(status)}"


#: The matcher's reasons (tracker.match.status) as the UI and the reports say them.
REASON_LABELS: Final[dict[str, str]] = {
    "no summary for this agency and period yet": "该机构该年度尚无总结",
    "the summary reports nothing linked to it": "总结中未见相关内容",
    "numeric targets": "数量目标对比",
    "evidence reports work under way": "佐证显示仍在推进",
    "part reported done, part under way": "部分完成、部分推进中",
    "evidence reports it done": "佐证显示已完成",
    "interim reports only": "仅见年内进展报告，年度尚未结束",
}
