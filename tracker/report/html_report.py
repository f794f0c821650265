"""The status report as one self-contained HTML file: counts, stacked bars of statuses by topic and by
agency, then a card per commitment with its targets against the reported figures, its evidence (the
shared terms marked in both texts) and who decided its status.

Renders the dict from :func:`tracker.report.json_report.build_report`. The page needs no script, font or
request from elsewhere (CSS inline, bars drawn with CSS), and every piece of document text goes through
:func:`html.escape`, since ingested web pages may hold markup.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from html import escape
from typing import Any

from tracker.report import common
from tracker.statuses import LINKED_STATES, STATUS_COLOURS, label
from tracker.textnorm import each_string, shown

#: Candidates shown on a card besides the linked and the reviewer-decided evidence.
CANDIDATES_SHOWN = 2

_FALLBACK_COLOURS = ("#777777", "#ffffff")

_CSS = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d8dee4; --paper: #ffffff; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); line-height: 1.6;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB",
    "Microsoft YaHei", "WenQuanYi Zen Hei", "Noto Sans SC", system-ui, sans-serif; }
.page { max-width: 1100px; margin: 0 auto; padding: 24px 20px 48px; }
header h1 { margin: 0 0 4px; font-size: 1.7em; }
.meta { color: var(--muted); margin: 0; }
h2 { font-size: 1.25em; margin: 28px 0 10px; }
h2 small { color: var(--muted); font-weight: normal; font-size: 0.75em; }
section.panel { background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
  padding: 14px 18px; margin-top: 16px; }
section.panel h2 { margin-top: 4px; }
.counts { display: flex; flex-wrap: wrap; gap: 8px; margin: 0; padding: 0; list-style: none; }
.counts li { display: flex; align-items: center; gap: 6px; border: 1px solid var(--line);
  border-radius: 6px; padding: 4px 10px; background: var(--paper); }
.counts b { font-size: 1.2em; }
.counts .total { border-style: dashed; }
.id { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.85em;
  color: var(--muted); }
.badge { display: inline-block; border-radius: 4px; padding: 0 8px; font-weight: bold;
  white-space: nowrap; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 0 0 10px; padding: 0; list-style: none;
  font-size: 0.9em; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 4px;
  vertical-align: -1px; }
.charts { display: grid; grid-template-columns: 1fr; gap: 4px 24px; align-items: start; }
.chart { display: grid; grid-template-columns: minmax(7em, max-content) 1fr 3.5em; gap: 5px 10px;
  align-items: center; align-content: start; margin: 0 0 8px; }
.chart h3 { grid-column: 1 / -1; margin: 6px 0 2px; font-size: 1em; }
.chart .name { text-align: right; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  max-width: 16em; }
.chart .n { color: var(--muted); font-variant-numeric: tabular-nums; }
.bar { display: flex; height: 20px; border-radius: 3px; overflow: hidden; background: var(--bg); }
.bar span { display: block; height: 100%; overflow: hidden; white-space: nowrap; font-size: 12px;
  line-height: 20px; text-align: center; min-width: 2px; }
nav.topics { margin-top: 16px; font-size: 0.95em; }
nav.topics a { margin-right: 12px; color: #0b5cad; text-decoration: none; white-space: nowrap; }
.card { background: var(--paper); border: 1px solid var(--line); border-left: 6px solid var(--status);
  border-radius: 8px; padding: 12px 16px; margin: 12px 0; break-inside: avoid; }
.card-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 12px; }
.card-head .who { color: var(--muted); font-size: 0.9em; }
.card-head .cid { margin-left: auto; }
.card-head .num { color: var(--muted); font-weight: bold; }
.text { font-size: 1.08em; margin: 8px 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0;
  font-size: 0.92em; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table.targets { border-collapse: collapse; margin: 8px 0; font-size: 0.92em; }
table.targets th, table.targets td { border: 1px solid var(--line); padding: 3px 10px; text-align: left; }
table.targets th { background: var(--bg); font-weight: normal; color: var(--muted); }
table.targets td.num { text-align: right; font-variant-numeric: tabular-nums; }
.met { color: #2e7d32; font-weight: bold; }
.missed { color: #c62828; font-weight: bold; }
ol.evidence { margin: 8px 0 0; padding: 0; list-style: none; }
ol.evidence li { border-top: 1px dashed var(--line); padding: 6px 0 4px; }
.ev-head { display: flex; flex-wrap: wrap; gap: 4px 10px; font-size: 0.88em; color: var(--muted); }
.state { border-radius: 4px; padding: 0 6px; border: 1px solid currentColor; }
.state-confirmed { color: #2e7d32; }
.state-suggested { color: #00838f; }
.state-candidate { color: #6e7781; }
.state-rejected { color: #c62828; }
li.rejected p { text-decoration: line-through; color: var(--muted); }
ol.evidence p { margin: 2px 0; }
.none { color: var(--muted); font-style: italic; }
.notes { margin: 6px 0 0; font-size: 0.92em; color: var(--muted); }
.notes ul { margin: 0; padding-left: 1.2em; color: var(--ink); }
mark { background: #fff3a3; color: inherit; padding: 0 1px; border-radius: 2px; }
footer { margin-top: 32px; color: var(--muted); font-size: 0.85em; }
@media (min-width: 900px) { .charts { grid-template-columns: 1fr 1fr; } }
@media print { body { background: #fff; } .card, section.panel { border-color: #999; } nav.topics { display: none; } }
"""


def render_html(report: dict[str, Any]) -> str:
    """The report as a complete HTML document (UTF-8, ``lang="zh-CN"``)."""
    report = each_string(report, shown)
    commitments = report["commitments"]
    topics = common.grouped(commitments, "topic")
    body = [
        '<div class="page">',
        _header(report),
        _summary(commitments),
        _charts(commitments),
        _toc(topics),
    ]
    if not commitments:
        body.append('<p class="none">没有符合条件的承诺 (no commitments match).</p>')
    number = 0
    for index, (topic, rows) in enumerate(topics, start=1):
        body.append(
            f'<section class="topic" id="topic-{index}"><h2>{escape(topic or "未分类")} '
            f"<small>{len(rows)} 条</small></h2>"
        )
        for c in rows:
            number += 1
            body.append(_card(number, c))
        body.append("</section>")
    body.append(_history(commitments, report.get("dropped", [])))
    if report.get("orphaned_decisions"):
        body.append(_orphans(report["orphaned_decisions"]))
    body.append(
        f"<footer>由 tracker 生成 · {escape(report['generated_at'])} · 状态标识见 SPEC.md</footer></div>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{common.TITLE}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _colours(status: str) -> tuple[str, str]:
    return STATUS_COLOURS.get(status, _FALLBACK_COLOURS)


def _badge(status: str) -> str:
    background, ink = _colours(status)
    return f'<span class="badge" style="background:{background};color:{ink}">{escape(label(status))}</span>'


def _header(report: dict[str, Any]) -> str:
    filters = escape(common.filters_text(report.get("filters", {})))
    return (
        f"<header><h1>{common.TITLE}</h1>"
        f'<p class="meta">筛选：{filters} · 生成时间 {escape(report["generated_at"])} (UTC) · '
        f"承诺 {len(report['commitments'])} 条</p></header>"
    )


def _summary(commitments: list[dict[str, Any]]) -> str:
    items = [
        f'<li>{_badge(s)}<span class="id">{escape(s)}</span><b>{n}</b></li>'
        for s, n in common.status_counts(commitments)
    ]
    items.append(f'<li class="total">合计<b>{len(commitments)}</b></li>')
    return f'<section class="panel"><h2>汇总</h2><ul class="counts">{"".join(items)}</ul></section>'


def _charts(commitments: list[dict[str, Any]]) -> str:
    if not commitments:
        return ""
    by_topic = [(topic or "未分类", rows) for topic, rows in common.grouped(commitments, "topic")]
    blocks: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for c in commitments:
        blocks.setdefault((c["agency"], c["period"]), []).append(c)
    by_agency = [(f"{agency} {period}", rows) for (agency, period), rows in sorted(blocks.items())]
    present = [s for s, _n in common.status_counts(commitments)]
    legend = "".join(
        f'<li><span class="swatch" style="background:{_colours(s)[0]}"></span>{escape(label(s))} '
        f'<span class="id">{escape(s)}</span></li>'
        for s in present
    )
    return (
        '<section class="panel"><h2>状态分布</h2>'
        f'<ul class="legend">{legend}</ul><div class="charts">'
        + _chart("按主题", by_topic, present)
        + _chart("按机构和年度", by_agency, present)
        + "</div></section>"
    )


def _chart(title: str, groups: list[tuple[str, list[dict[str, Any]]]], statuses: list[str]) -> str:
    """One stacked bar per group; bar length is relative to the largest group, segments by status."""
    largest = max(len(rows) for _name, rows in groups)
    lines = [f'<div class="chart"><h3>{escape(title)}</h3>']
    for name, rows in groups:
        counts = Counter(c["status"] for c in rows)
        segments = []
        for status in statuses:
            if not counts[status]:
                continue
            background, ink = _colours(status)
            tip = f"{name}: {label(status)} {status} {counts[status]}"
            # A number is printed only where it fits (about 3% of the longest bar per digit).
            shown = counts[status] if counts[status] / largest >= 0.03 * len(str(counts[status])) else ""
            segments.append(
                f'<span style="flex:{counts[status]};background:{background};color:{ink}" '
                f'title="{escape(tip)}">{shown}</span>'
            )
        width = 100 * len(rows) / largest
        lines.append(
            f'<div class="name" title="{escape(name)}">{escape(name)}</div>'
            f'<div><div class="bar" style="width:{width:.1f}%">{"".join(segments)}</div></div>'
            f'<div class="n">{len(rows)}</div>'
        )
    lines.append("</div>")
    return "".join(lines)


def _toc(topics: list[tuple[str, list[dict[str, Any]]]]) -> str:
    if len(topics) < 2:
        return ""
    links = "".join(
        f'<a href="#topic-{i}">{escape(topic or "未分类")} ({len(rows)})</a>'
        for i, (topic, rows) in enumerate(topics, start=1)
    )
    return f'<nav class="topics">主题：{links}</nav>'


def _card(number: int, c: dict[str, Any]) -> str:
    shown = _shown_evidence(c["evidence"])
    terms = sorted({t for e in shown for t in e.get("shared_terms", [])})
    reason = common.reason_text(c)
    judged = escape(common.provenance_text(c)) + (f"（依据：{escape(reason)}）" if reason else "")
    facts = [
        ("机构/年度", f"{escape(c['agency'])} {c['period']}"),
        ("章节", escape(c["section"] or "—")),
        ("出处", _source(c)),
    ]
    if c.get("deadline"):
        facts.append(("期限", escape(c["deadline"])))
    if c.get("lead_unit"):
        facts.append(("牵头单位", escape(c["lead_unit"])))
    if c["targets"] and not c.get("comparisons"):
        facts.append(("目标", escape(common.targets_text(c["targets"])) + "（总结中未见可比数字）"))
    if kind := common.history_label(c):
        history = [
            common.prior_commitments_text(c),
            common.prior_evidence_text(c),
            common.last_actual_text(c),
            common.pace_text(c),
        ]
        facts.append(("历年", escape(" · ".join([kind, *[h for h in history if h]]))))
    parts = [
        f'<article class="card" id="{escape(c["id"])}" style="--status:{_colours(c["status"])[0]}">',
        f'<div class="card-head"><span class="num">{number}.</span>{_badge(c["status"])}'
        f'<span class="id">{escape(c["status"])}</span><span class="who">{judged}</span>'
        f'<span class="id cid">{escape(c["id"])}</span></div>',
        f'<p class="text">{highlight(c["text"], terms)}</p>',
        '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>",
        _comparisons(c.get("comparisons", [])),
        _evidence(shown),
    ]
    if c.get("notes"):
        notes = "".join(f"<li>{escape(common.note_text(n))}</li>" for n in c["notes"])
        parts.append(f'<div class="notes">备注<ul>{notes}</ul></div>')
    parts.append("</article>")
    return "".join(parts)


def _history(commitments: list[dict[str, Any]], dropped: list[dict[str, Any]]) -> str:
    """The year-over-year section after the cards: counts by kind, the chronic promises, the drops."""
    counts = common.history_counts(commitments)
    if not dropped and all(kind == "new" for kind, _n in counts):
        return ""
    items = "".join(f"<li>{common.HISTORY_LABELS[kind]} <b>{n}</b></li>" for kind, n in counts)
    items += f"<li>{common.DROPPED_TITLE} <b>{len(dropped)}</b></li>"
    parts = [
        f'<section class="panel" id="history"><h2>{common.HISTORY_TITLE}</h2><ul class="counts">{items}</ul>'
    ]
    chronic = [c for c in commitments if (c.get("history") or {}).get("kind") == "chronic"]
    if chronic:
        rows = "".join(
            f'<li><a href="#{escape(c["id"])}">{escape(c["text"])}</a> —— {escape(common.prior_commitments_text(c))}</li>'
            for c in chronic
        )
        parts.append(
            f"<h3>{common.HISTORY_LABELS['chronic']} <small>{len(chronic)} 条</small></h3><ul>{rows}</ul>"
        )
    if dropped:
        rows = "".join(
            f'<li>{escape(common.dropped_text(d))} <span class="id">{escape(d["id"])}</span></li>'
            for d in dropped
        )
        parts.append(
            f"<h3>{common.DROPPED_TITLE} <small>{len(dropped)} 条</small></h3>"
            f'<p class="meta">{common.DROPPED_NOTE}</p><ul>{rows}</ul>'
        )
    return "".join(parts) + "</section>"


def _orphans(orphans: list[dict[str, Any]]) -> str:
    """Decisions whose commitment or evidence is in no document any more, after the cards."""
    items = "".join(
        f'<li>{escape(common.orphan_text(d))} <span class="id">{escape(d["commitment_id"])}</span></li>'
        for d in orphans
    )
    return (
        f'<section class="panel" id="orphaned-decisions"><h2>{common.ORPHANS_TITLE} '
        f'<small>{len(orphans)} 条</small></h2><p class="meta">{common.ORPHANS_NOTE}</p><ul>{items}</ul></section>'
    )


def _source(item: dict[str, Any]) -> str:
    """The document and part a statement comes from; a web page's name links to its address."""
    text = escape(common.source_text(item))
    url = common.source_link(item)
    if url is None:
        return text
    document = escape(item.get("document", ""))
    link = f'<a href="{escape(url)}" rel="noopener noreferrer">{document}</a>'
    return link + text[len(document) :] if text.startswith(document) else f"{link} {text}"


def _comparisons(comparisons: list[dict[str, Any]]) -> str:
    if not comparisons:
        return ""
    rows = "".join(
        f"<tr><td>{escape(str(k['target']))}</td><td>{escape(str(k['actual']))}</td>"
        f'<td class="num">{common.ratio_text(k)}</td>'
        f'<td class="{"met" if k.get("met") else "missed"}">{common.met_text(k)}</td></tr>'
        for k in comparisons
    )
    return (
        '<table class="targets"><thead><tr><th>目标</th><th>报告数字</th><th>完成率</th><th>结果</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def _shown_evidence(evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Linked evidence (confirmed first), the best few candidates, then what the reviewer rejected."""
    candidates = [e for e in evidence if e["state"] == "candidate"][:CANDIDATES_SHOWN]
    rejected = [e for e in evidence if e["state"] == "rejected"]
    return common.linked_evidence(evidence) + candidates + rejected


def _evidence(shown: list[dict[str, Any]]) -> str:
    if not shown:
        return '<p class="none">佐证：无候选 (no evidence ranked)</p>'
    items = []
    for e in shown:
        terms = e.get("shared_terms", [])
        items.append(
            f'<li class="{escape(e["state"])}"><div class="ev-head">'
            f'<span class="state state-{escape(e["state"])}">{escape(common.state_text(e))}</span>'
            f"<span>相似度 {escape(common.score_text(e))}</span>"
            f"<span>{_source(e)}</span></div>"
            f"<p>{highlight(e['text'], terms)}</p></li>"
        )
    if not any(e["state"] in LINKED_STATES for e in shown):
        items.insert(0, '<li class="none">未见关联佐证；以下为候选。</li>')
    return f'<ol class="evidence">{"".join(items)}</ol>'


def highlight(text: str, terms: list[str]) -> str:
    """``text`` escaped, with each occurrence of a term wrapped in ``<mark>`` (longest term first)."""
    pattern = _pattern(tuple(sorted({t for t in terms if t}, key=lambda t: (-len(t), t))))
    if pattern is None:
        return escape(text)
    out, position = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[position : match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    out.append(escape(text[position:]))
    return "".join(out)


@lru_cache(maxsize=4096)
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    return re.compile("|".join(re.escape(t) for t in terms)) if terms else None
