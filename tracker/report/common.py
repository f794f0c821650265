"""The wording the document formats share (Markdown, CSV, HTML): filters, counts, targets versus figures,
the evidence a reader should see first, and who decided a status.

Each helper reads a row of the report (:mod:`tracker.report.rows`) or counts made of them, so the formats
say the same thing in the same words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from tracker.match.pace import VERDICT_LABELS
from tracker.statuses import (
    EVIDENCE_STATE_LABELS,
    LINKED_STATES,
    PART_KIND_LABELS,
    REASON_LABELS,
    STATUS_ACTIONS,
    STATUSES,
    label,
)
from tracker.store.assignments import ADJUDICATOR_LABEL, ROLE_LABELS
from tracker.textnorm import shown

TITLE = "承诺兑现情况报告"
ALL = "全部"
AUTO = "自动判定"
REVIEWER = "审核人"
#: How a published report (``--public``) says who decided: a role and a day, never a name.
REVIEWED = "审核判定"
CONFIRMED = "审核确认"
#: A status a third reviewer settled two coders' disagreement with (the one in force).
ADJUDICATED = "已裁定"
#: Who adjudicated, before a name (裁定人).
ADJUDICATOR = ADJUDICATOR_LABEL.split(" ", 1)[0]
#: A status both coders of a double-coded commitment set, each on their own.
AGREED = "双重编码一致"
#: Two coders' statuses differ and no adjudication settled them yet.
DISPUTED = "编码分歧，待裁定"
MATCHED = "自动匹配"
SOURCES_TITLE = "资料来源"


def title_text(title: str | None) -> str:
    """The report's title: ``--title`` on one line, cleaned of control characters, else :data:`TITLE`."""
    return " ".join(shown(title or "").split()) or TITLE


def filters_text(filters: dict[str, Any]) -> str:
    """``机构 佛山市民政局 · 年度 2024 · 主题 全部 · 状态 已兑现 fulfilled``."""
    status = filters.get("status")
    values = [
        ("机构", filters.get("agency")),
        ("年度", filters.get("period")),
        ("主题", filters.get("topic")),
        ("状态", f"{label(status)} {status}" if status else None),
    ]
    return " · ".join(f"{name} {ALL if value is None else value}" for name, value in values)


def status_counts(commitments: Iterable[dict[str, Any]]) -> list[tuple[str, int]]:
    """(status, number of commitments) for each status that occurs, in the order of SPEC."""
    return ordered_status_counts(Counter(c["status"] for c in commitments))


def ordered_status_counts(counts: Counter[str]) -> list[tuple[str, int]]:
    """:func:`status_counts` of statuses already counted (in the order they first came)."""
    return [(s, counts[s]) for s in STATUSES if counts[s]] + [
        (s, n) for s, n in counts.items() if s not in STATUSES
    ]


def grouped(commitments: Iterable[dict[str, Any]], key: str) -> list[tuple[Any, list[dict[str, Any]]]]:
    """Commitments grouped by ``key`` (``topic``, ``agency`` …), groups in order of first appearance."""
    groups: dict[Any, list[dict[str, Any]]] = {}
    for c in commitments:
        groups.setdefault(c[key], []).append(c)
    return list(groups.items())


def targets_text(targets: list[dict[str, Any]]) -> str:
    """The targets as stated ("不少于2200张; 100个")."""
    return "; ".join(
        t.get("text") or f"{t.get('comparator', '')}{t.get('quantity', '')}{t.get('unit', '')}"
        for t in targets
    )


def ratio_text(comparison: dict[str, Any]) -> str:
    """``136%``, or empty when the target was zero."""
    ratio = comparison.get("ratio")
    return "" if ratio is None else f"{ratio:.0%}"


def met_text(comparison: dict[str, Any]) -> str:
    return "达标" if comparison.get("met") else "未达标"


def comparisons_text(comparisons: list[dict[str, Any]]) -> str:
    """Each target beside the figure reported ("不少于45个 → 61个 (136%, 达标)")."""
    items = []
    for c in comparisons:
        ratio = ratio_text(c)
        items.append(f"{c['target']} → {c['actual']} ({ratio + ', ' if ratio else ''}{met_text(c)})")
    return "; ".join(items)


def linked_evidence(evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The evidence that counts: confirmed first, then suggested, each in rank order."""
    return [e for state in LINKED_STATES for e in evidence if e["state"] == state]


def best_score(evidence: list[dict[str, Any]]) -> float | None:
    """The highest score among the ranked candidates (hand links have none)."""
    scores = [e["score"] for e in evidence if e.get("score") is not None]
    return max(scores) if scores else None


def date_of(iso: str | None) -> str:
    """The day of an ISO timestamp (``2026-11-22``)."""
    return (iso or "")[:10]


def provenance_text(c: dict[str, Any], *, public: bool = False) -> str:
    """Who decided the status, and the day (``public``: a role, never a name):

    - automatic: ``自动判定``;
    - adjudicated (a third reviewer settled two coders' disagreement): ``已裁定 · 裁定人 王五 · 2026-12-02``,
      in public ``已裁定 · 2026-12-02``;
    - set by its own assigned coder: ``审核人 张三 · 编码员1 · 2026-12-02``, in public ``编码员1 ·
      2026-12-02``; ``双重编码一致`` instead of the role when both coders set this status, and
      ``· 编码分歧，待裁定`` after the day while the two differ and nobody has adjudicated;
    - set by any other reviewer: ``审核人 li · 2026-11-22``, in public ``审核判定 · 2026-11-22``.
    """
    if c.get("status_source") != "reviewer":
        return AUTO
    day = date_of(c.get("status_decided_at"))
    name = f"{REVIEWER} {c.get('status_reviewer') or '-'}"
    coding = c.get("coding") or {}
    if c.get("status_adjudicated"):
        who = [ADJUDICATED] if public else [ADJUDICATED, f"{ADJUDICATOR} {c.get('status_reviewer') or '-'}"]
    elif (role := c.get("status_role")) is not None:
        basis = AGREED if coding.get("agreed") else role_text(role)
        who = [basis] if public else [name, basis]
    else:
        who = [REVIEWED if public else name]
    return " · ".join([*who, *([day] if day else []), *([DISPUTED] if coding.get("disputed") else [])])


def role_text(role: int) -> str:
    """``编码员1``: a coder's role on a commitment, as a report names it."""
    return ROLE_LABELS[role].split(" ", 1)[0]


def coding_text(c: dict[str, Any], *, public: bool = False) -> str:
    """What each coder of a double-coded commitment decided, and the adjudication:
    ``编码员1 张三：已兑现；编码员2 李四：部分兑现；裁定人 王五：部分兑现`` (``public``: roles only,
    ``编码员1：已兑现；编码员2：部分兑现；已裁定：部分兑现``); empty for a commitment coded once or by no one."""
    coding = c.get("coding") or {}
    if not coding.get("double_coded"):
        return ""
    items = [
        (role_text(coder["role"]), coder.get("reviewer"), coder.get("status"))
        for coder in coding.get("coders", [])
    ]
    if adjudicator := coding.get("adjudicator"):
        items.append(
            (ADJUDICATED if public else ADJUDICATOR, adjudicator.get("reviewer"), adjudicator.get("status"))
        )
    return "；".join(
        (who if public else f"{who} {name or '-'}") + "：" + (label(status) if status else "未判定")
        for who, name, status in items
    )


def reason_text(c: dict[str, Any]) -> str:
    """The matcher's reason in Chinese (empty for a reviewer's status)."""
    if c.get("status_source") == "reviewer":
        return ""
    reason = c.get("status_reason") or ""
    return REASON_LABELS.get(reason, reason)


def state_text(e: dict[str, Any], *, public: bool = False) -> str:
    """``已确认 · 审核人 li · 2026-11-22`` for a reviewer's decision, else the state's label (``public``:
    ``审核确认 · 2026-11-22`` or ``自动匹配``, never a name)."""
    if public:
        day = date_of(e.get("decided_at"))
        if e["state"] == "confirmed":
            return CONFIRMED + (f" · {day}" if day else "")
        return MATCHED if e["state"] == "suggested" else EVIDENCE_STATE_LABELS.get(e["state"], e["state"])
    state = EVIDENCE_STATE_LABELS.get(e["state"], e["state"])
    if e.get("decided_by") is None and e.get("decided_at") is None:
        return state
    day = date_of(e.get("decided_at"))
    return f"{state} · {REVIEWER} {e.get('decided_by') or '-'}" + (f" · {day}" if day else "")


def score_text(e: dict[str, Any]) -> str:
    """``87.5``, or ``手动关联`` for a link the reviewer made without a ranked candidate."""
    return "手动关联" if e.get("score") is None else f"{e['score']:.1f}"


def part_text(part: dict[str, Any] | None) -> str:
    """``计划 2024 · 2024年工作计划``."""
    if not part:
        return ""
    kind = PART_KIND_LABELS.get(part.get("kind", ""), part.get("kind", ""))
    heading = part.get("heading") or ""
    return f"{kind} {part.get('period', '')}" + (f" · {heading}" if heading else "")


def source_text(item: dict[str, Any], *, public: bool = False) -> str:
    """The document and the part a statement comes from (``public``: the document's title)."""
    name = document_name(item, public=public)
    part = item.get("part")
    if public and part and part.get("heading") == name:  # 总结 2024, not 总结 2024 · <the title again>
        part = {**part, "heading": ""}
    text = part_text(part)
    return name + (f" · {text}" if text else "")


def document_name(item: dict[str, Any], *, public: bool = False) -> str:
    """How a statement's document is named: its name as ingested (relative, or the address), or for a
    published report its title; a document without one is named by its issuer (a stored file's name
    says nothing to a reader), the name when that is not known either."""
    name = item.get("document", "")
    if not public:
        return name
    return item.get("document_title") or untitled(item.get("agency")) or name


#: How a published report names a document whose text gives no title.
UNTITLED = "{agency}文件（原文无标题）"


def cited_name(cited: dict[str, Any], *, public: bool = False) -> str:
    """How the sources list names a document of :func:`documents_cited`: as :func:`document_name` does."""
    return cited["document_title"] or (untitled(cited["agency"]) if public else "") or cited["document"]


def untitled(agency: str | None) -> str:
    """``珠海市民政局文件（原文无标题）``: a document without a title, named by its issuer ("" unknown)."""
    return UNTITLED.format(agency=agency) if agency else ""


def part_label(part: dict[str, Any] | None) -> str:
    """``计划 2024``, ``总结 2023``: the kind and year of a part, without its heading."""
    if not part:
        return ""
    return f"{PART_KIND_LABELS.get(part.get('kind', ''), part.get('kind', ''))} {part.get('period', '')}"


def documents_cited(commitments: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each document the commitments and their evidence come from, in order of first mention:
    ``document``, ``document_title``, ``source_url`` and ``parts`` (``计划 2024``, ``总结 2023`` …)."""
    cited = Citations()
    for c in commitments:
        cited.add(c)
    return cited.documents()


class Citations:
    """:func:`documents_cited`, a commitment at a time (a report streams its rows): what it keeps grows
    with the documents, not with the commitments."""

    def __init__(self) -> None:
        self._found: dict[str, dict[str, Any]] = {}

    def add(self, c: dict[str, Any]) -> None:
        for item in (c, *c.get("evidence", [])):
            name = item.get("document", "")
            entry = self._found.get(name)
            if entry is None:
                entry = self._found[name] = {
                    "document": name,
                    "document_title": item.get("document_title") or "",
                    "agency": item.get("agency") or c.get("agency") or "",
                    "source_url": item.get("source_url"),
                    "parts": [],
                }
            if (label_ := part_label(item.get("part"))) and label_ not in entry["parts"]:
                entry["parts"].append(label_)

    def documents(self) -> list[dict[str, Any]]:
        return list(self._found.values())


_LINK_SAFE = ":/?#@!$&*+,;=%~-._"


def source_link(item: dict[str, Any]) -> str | None:
    """The address a statement's web page was read from, ready to be a link target (percent-encoded:
    no space, bracket or quote can end it early), or None: a file, or an address that is not http(s)."""
    url = item.get("source_url")
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        return None
    return quote(url, safe=_LINK_SAFE)


def note_text(note: dict[str, Any]) -> str:
    """``li · 2026-11-22: 总结只提到试点``."""
    return f"{note.get('reviewer') or '-'} · {date_of(note.get('at'))}: {note.get('text', '')}"


ORPHANS_TITLE = "失去对象的审核决定"
ORPHANS_NOTE = (
    "这些决定所指的承诺或佐证已不在任何文件中（文件被修改或删除），不再起作用；"
    "它们仍在审核日志中，同样的文字再次导入时自动恢复。"
)
_ACTIONS = {
    "confirm": "确认佐证",
    "reject": "否决佐证",
    "link": "关联佐证",
    "unlink": "取消关联",
    "status": "设定状态",
    "adjudicate": "裁定状态",
    "note": "备注",
}
_MISSING = {"commitment": "承诺已不在", "achievement": "佐证已不在"}


def orphan_text(d: dict[str, Any]) -> str:
    """``设定状态 部分兑现 · li · 2026-11-22 · 承诺已不在: 推动长者饭堂提质增效`` for an orphaned decision."""
    action = _ACTIONS.get(d.get("action", ""), d.get("action", ""))
    value = d.get("value")
    if d.get("action") in STATUS_ACTIONS and value:
        action += f" {label(value)}"
    elif value:
        action += f" {value}"
    missing = "，".join(_MISSING.get(m, m) for m in d.get("missing", [])) or "已不在"
    text = d.get("commitment_text") or d.get("commitment_id", "")
    return f"{action} · {d.get('reviewer') or '-'} · {date_of(d.get('created_at'))} · {missing}: {text}"


HISTORY_TITLE = "历年对比"
HISTORY_LABELS = {"new": "新增", "continuing": "延续", "repeated": "再次承诺", "chronic": "多年未兑现"}
DROPPED_TITLE = "未再提及"
DROPPED_NOTE = (
    "上一年度计划中尚未兑现、本年度计划未再提及的承诺，供核查，并非结论：已并入其他表述的承诺也可能列出。"
)
_DIRECTIONS = {"up": "目标上调", "down": "目标下调", "same": "目标不变"}


def history_label(c: dict[str, Any]) -> str:
    history = c.get("history") or {}
    return HISTORY_LABELS.get(history.get("kind", ""), "")


def history_counts(commitments: Iterable[dict[str, Any]]) -> list[tuple[str, int]]:
    """(kind, count) in the order of :data:`HISTORY_LABELS`, kinds with none left out."""
    counts: Counter[str] = Counter()
    for c in commitments:
        if kind := history_kind(c):
            counts[kind] += 1
    return ordered_history_counts(counts)


def history_kind(c: dict[str, Any]) -> str | None:
    return (c.get("history") or {}).get("kind")


def ordered_history_counts(counts: Counter[str]) -> list[tuple[str, int]]:
    """:func:`history_counts` of kinds already counted."""
    return [(kind, counts[kind]) for kind in HISTORY_LABELS if kind in counts]


def prior_evidence_text(c: dict[str, Any]) -> str:
    """The work of the year before that the commitment carries on: "2023年：…；…"."""
    items = [
        p
        for p in (c.get("history") or {}).get("prior_evidence", [])
        if p["state"] in ("suggested", "confirmed")
    ]
    return "；".join(f"{p['period']}年：{' '.join(p['text'].split())}" for p in items)


def prior_commitments_text(c: dict[str, Any]) -> str:
    """The earlier promises of the same: "2023年计划：…（未见佐证；目标上调 不少于100个→不少于200个）"."""
    parts = []
    for p in (c.get("history") or {}).get("prior_commitments", []):
        if p["state"] not in ("suggested", "confirmed"):
            continue
        facts = [label(p["status"])] if p.get("status") else []
        if change := target_change_text(p.get("target_change")):
            facts.append(change)
        parts.append(
            f"{p['period']}年计划：{' '.join(p['text'].split())}"
            + (f"（{'；'.join(facts)}）" if facts else "")
        )
    return "；".join(parts)


def target_change_text(change: dict[str, Any] | None) -> str:
    if not change:
        return ""
    return f"{_DIRECTIONS.get(change['direction'], change['direction'])} {change['from']}→{change['to']}"


def last_actual_text(c: dict[str, Any]) -> str:
    """Each target beside last year's figure: "不少于500家 · 2023年 486家 · +14"."""
    items = (c.get("history") or {}).get("target_vs_last_actual", [])
    return "；".join(f"{k['target']} · {k['period']}年 {k['last_actual']} · {k['gap']:+g}" for k in items)


PACE_TITLE = "序时进度"


def pace_text(c: dict[str, Any]) -> str:
    """Each interim figure against its target and the year gone: "序时进度 2021-06-26 80小时以上/一百小时
    80%（序时48%，超序时）"."""
    items = (c.get("history") or {}).get("pace", [])
    shown = [
        f"{p['date']} {p['actual']}/{p['target']} {p['ratio']:.0%}"
        f"（序时{p['elapsed']:.0%}，{VERDICT_LABELS.get(p['verdict'], p['verdict'])}）"
        for p in items
    ]
    return f"{PACE_TITLE} " + "；".join(shown) if shown else ""


def dropped_text(d: dict[str, Any]) -> str:
    return f"{d['agency']} {d['period']}年计划：{' '.join(d['text'].split())}（{label(d['status'])}）"
