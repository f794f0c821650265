"""The status report as a Markdown document a journalist can paste: counts and the legend of the seven
statuses, then every commitment by topic with its targets against the reported figures, the best
evidence quoted and who decided its status, the documents quoted and the methodology.

Renders the rows of a :class:`tracker.report.stream.Report` as they come; ``public=True`` renders each as
:func:`tracker.report.public.public_commitment` copies it (no reviewer names, candidates, rejected
evidence or notes; sources by title). Document text is escaped, so a ``|``, ``*`` or leading ``#`` in a plan cannot
break a table or turn a sentence into a heading.
"""

from __future__ import annotations

import io
import itertools
import re
from collections import Counter
from typing import IO, Any

from tracker.report import common, method
from tracker.report.public import public_commitment
from tracker.report.stream import NUMBER, InMemoryReport, Report, Spool, Spools
from tracker.statuses import label
from tracker.textnorm import md_escape as md_escape  # the one Markdown escape, also for tracker.review


def md_code(text: Any) -> str:
    """``text`` as an inline code span (paths, ids), fenced with more backticks than it holds."""
    flat = " ".join(str(text).split())
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def _source(item: dict[str, Any], public: bool = False) -> str:
    """The document as code (its path keeps its underscores; in public its title, as text), a link to
    its address when it has one, then the part."""
    name = common.document_name(item, public=public)
    part = common.source_text(item, public=public)[len(name) :]  # " · 计划 2024 · …", or nothing
    document = md_escape(name) if public and item.get("document_title") else md_code(name)
    if (url := common.source_link(item)) is not None:
        document = f"[{document}](<{url}>)"
    return document + (f" {md_escape(part)}" if part else "")


def render_markdown(report: dict[str, Any], *, public: bool = False, title: str | None = None) -> str:
    """The report dict as one Markdown document (GitHub-flavoured tables); see :func:`write_markdown`."""
    buffer = io.StringIO()
    write_markdown(InMemoryReport(report), buffer, public=public, title=title)
    return buffer.getvalue()


def write_markdown(report: Report, out: IO[str], *, public: bool = False, title: str | None = None) -> None:
    """Write the report as one Markdown document, a commitment at a time.

    The counts and the year-over-year section come first but are known at the end: the commitments
    are spooled per topic (:class:`tracker.report.stream.Spools`) while they are counted.

    Args:
        public: the report to publish (:mod:`tracker.report.public`).
        title: the report's title instead of 承诺兑现情况报告.
    """
    tally = _Tally()
    with Spools() as topics, Spools() as lists:
        for c in report.commitments():
            if public:
                c = public_commitment(c)
            tally.add(c, lists)
            topics[c["topic"]].write("\n" + "".join(line + "\n" for line in _commitment(NUMBER, c, public)))
        gone = Spool()
        dropped = 0
        for d in report.dropped():
            dropped += 1
            gone.write(f"- {md_escape(common.dropped_text(d))} {md_code(d['id'])}\n")
        lists.by_key["dropped"] = gone
        lines = [
            f"# {md_escape(common.title_text(title))}",
            "",
            f"- 筛选：{md_escape(common.filters_text(report.filters))}",
            f"- 生成时间：{report.generated_at} (UTC)",
            f"- 承诺：{tally.total} 条",
            "",
            "## 汇总",
            "",
            *_summary(tally),
            "",
            *_legend(),
        ]
        _write_lines(out, lines)
        _history(out, tally, dropped, lists)
        if not tally.total:
            _write_lines(out, ["", "没有符合条件的承诺。"])
        numbers = itertools.count(1)
        for topic, spool in topics.by_key.items():
            _write_lines(out, ["", f"## {md_escape(topic or '未分类')}（{tally.topics[topic]} 条）"])
            spool.copy_to(out, numbers)
    lines = [] if public else _orphans(report.orphaned_decisions())
    lines += _sources(tally.cited.documents(), public)
    lines += _method(report.agreement())
    _write_lines(out, lines)


def _write_lines(out: IO[str], lines: list[str]) -> None:
    out.write("".join(line + "\n" for line in lines))


class _Tally:
    """What the sections before the commitments say about them, counted as they pass: by status, by
    topic, by history kind, the documents cited; the chronic promises and the changed targets are
    spooled as their lines (:func:`_history`)."""

    def __init__(self) -> None:
        self.total = 0
        self.statuses: Counter[str] = Counter()
        self.topics: Counter[str] = Counter()
        self.kinds: Counter[str] = Counter()
        self.chronic = 0
        self.changed = 0
        self.cited = common.Citations()

    def add(self, c: dict[str, Any], lists: Spools) -> None:
        self.total += 1
        self.statuses[c["status"]] += 1
        self.topics[c["topic"]] += 1
        if kind := common.history_kind(c):
            self.kinds[kind] += 1
        self.cited.add(c)
        if kind == "chronic":
            self.chronic += 1
            lists["chronic"].write(
                f"- {md_escape(c['text'])} —— {md_escape(common.prior_commitments_text(c))}\n"
            )
        for p in (c.get("history") or {}).get("prior_commitments", []):
            if p["state"] in ("suggested", "confirmed") and p.get("target_change"):
                self.changed += 1
                change = md_escape(common.target_change_text(p["target_change"]))
                lists["changed"].write(f"- {md_escape(c['text'])}：{change}（{p['period']}年计划）\n")


def _legend() -> list[str]:
    """The seven statuses with their meaning, whether or not they occur (under a bold name, so that a
    ``###`` heading is always a commitment)."""
    lines = [f"**{method.LEGEND_TITLE}**", "", "| 状态 | 标识 | 含义 |", "|---|---|---|"]
    return lines + [f"| {name} | `{s}` | {md_escape(zh)} |" for s, name, zh, _en in method.legend_rows()]


def _sources(cited: list[dict[str, Any]], public: bool) -> list[str]:
    """Each document quoted, once: title (or name), the parts quoted, its address or file name."""
    if not cited:
        return []
    lines = ["", f"## {common.SOURCES_TITLE}", ""]
    for d in cited:
        title = d["document_title"]
        line = f"- {md_escape(common.cited_name(d, public=public))}"
        if d["parts"]:
            line += f"（{md_escape('；'.join(d['parts']))}）"
        if (url := common.source_link(d)) is not None:
            line += f"：<{url}>"
        if (url is None or not public) and title and title != d["document"]:
            line += f" · 文件 {md_code(d['document'])}"
        lines.append(line)
    return lines


def _method(agreement: dict[str, Any] | None = None) -> list[str]:
    """The methodology, with the coders' ``agreement`` when there is one; its parts under bold names, so
    that a ``###`` heading is always a commitment."""
    lines = ["", f"## {method.METHOD_TITLE}"]
    for heading, paragraphs in method.method_sections(agreement):
        lines += ["", f"**{heading}**"]
        for paragraph in paragraphs:
            lines += ["", md_escape(paragraph)]
    return lines + ["", f"*{md_escape(method.METHOD_ENGLISH)}*"]


def _history_line(c: dict[str, Any]) -> str:
    kind = common.history_label(c)
    facts = [
        common.prior_commitments_text(c),
        common.prior_evidence_text(c),
        common.last_actual_text(c),
        common.pace_text(c),
    ]
    shown_facts = [f for f in facts if f]
    return f"{kind}" + (f" · {' · '.join(shown_facts)}" if shown_facts else "") if kind else ""


def _history(out: IO[str], tally: _Tally, dropped: int, lists: Spools) -> None:
    """The year-over-year section: counts by kind, the chronic promises, target changes, the drops."""
    counts = common.ordered_history_counts(tally.kinds)
    if not dropped and all(kind == "new" for kind, _n in counts):
        return
    lines = ["", f"## {common.HISTORY_TITLE}", "", "| 类别 | 标识 | 数量 |", "|---|---|---:|"]
    lines += [f"| {common.HISTORY_LABELS[kind]} | `{kind}` | {n} |" for kind, n in counts]
    lines.append(f"| {common.DROPPED_TITLE} | `dropped` | {dropped} |")
    _write_lines(out, lines)
    if tally.chronic:
        _write_lines(out, ["", f"### {common.HISTORY_LABELS['chronic']}（{tally.chronic} 条）", ""])
        lists["chronic"].copy_to(out)
    if tally.changed:
        _write_lines(out, ["", f"### 目标变化（{tally.changed} 条）", ""])
        lists["changed"].copy_to(out)
    if dropped:
        _write_lines(out, ["", f"### {common.DROPPED_TITLE}（{dropped} 条）", "", common.DROPPED_NOTE, ""])
        lists["dropped"].copy_to(out)


def _orphans(orphans: list[dict[str, Any]]) -> list[str]:
    if not orphans:
        return []
    lines = ["", f"## {common.ORPHANS_TITLE}（{len(orphans)} 条）", "", common.ORPHANS_NOTE, ""]
    return lines + [f"- {md_escape(common.orphan_text(d))} {md_code(d['commitment_id'])}" for d in orphans]


def _summary(tally: _Tally) -> list[str]:
    rows = ["| 状态 | 标识 | 数量 |", "|---|---|---:|"]
    rows += [f"| {label(s)} | `{s}` | {n} |" for s, n in common.ordered_status_counts(tally.statuses)]
    rows.append(f"| **合计** | | **{tally.total}** |")
    return rows


def _commitment(number: int | str, c: dict[str, Any], public: bool) -> list[str]:
    judged = common.provenance_text(c, public=public)
    reason = common.reason_text(c)
    heading = f"### {number}. {label(c['status'])}" + ("" if public else f"（`{c['status']}`）")
    lines = [
        heading,
        "",
        f"> {md_escape(c['text'])}",
        "",
        f"- 机构/年度：{md_escape(c['agency'])} {c['period']}",
        f"- 章节：{md_escape(c['section'] or '—')}",
        f"- 出处：{_source(c, public)}",
        f"- 判定：{md_escape(judged)}" + (f"（依据：{md_escape(reason)}）" if reason else ""),
    ]
    if coding := common.coding_text(c, public=public):
        lines.append(f"- 编码：{md_escape(coding)}")
    if c.get("lead_unit"):
        lines.append(f"- 牵头单位：{md_escape(c['lead_unit'])}")
    if c["targets"] and not c.get("comparisons"):
        lines.append(f"- 目标：{md_escape(common.targets_text(c['targets']))}（总结中未见可比数字）")
    if history := _history_line(c):
        lines.append(f"- 历年：{md_escape(history)}")
    lines.append(f"- 编号：{md_code(c['id'])}")
    if c.get("comparisons"):
        lines += ["", "目标与实际：", "", "| 目标 | 报告数字 | 完成率 | 结果 |", "|---|---|---:|---|"]
        lines += [
            f"| {md_escape(k['target'])} | {md_escape(k['actual'])} | {common.ratio_text(k)} "
            f"| {common.met_text(k)} |"
            for k in c["comparisons"]
        ]
    lines += ["", *_evidence(c, public)]
    if c.get("notes"):
        lines += ["", "备注：", ""]
        lines += [f"- {md_escape(common.note_text(n))}" for n in c["notes"]]
    return lines


def _evidence(c: dict[str, Any], public: bool) -> list[str]:
    linked = common.linked_evidence(c["evidence"])
    if not linked:
        if public and c.get("status_source") == "reviewer":
            return ["佐证：审核判定，未附审核确认的佐证。"]
        return ["佐证：未见关联佐证。"]
    best = linked[0]
    state = common.state_text(best, public=public)
    lines = [
        f"佐证（{md_escape(state)}" + ("" if public else f" · 相似度 {common.score_text(best)}") + "）：",
        "",
        f"> {md_escape(best['text'])}",
        ">",
        f"> —— {_source(best, public)}",
    ]
    if len(linked) > 1:
        lines += ["", f"另有 {len(linked) - 1} 条{'支持这一状态的' if public else '关联'}佐证。"]
    return lines
