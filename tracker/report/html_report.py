"""The status report as one self-contained HTML file: counts and the legend of the seven statuses, SVG
charts (statuses by topic, by agency and year, history counts), then a card per commitment with its
targets against the reported figures, its evidence (the shared terms marked in both texts) and who
decided its status, the documents quoted and the methodology.

Renders the rows of a :class:`tracker.report.stream.Report` as they come; ``public=True`` renders each
as :func:`tracker.report.public.public_commitment` copies it (no reviewer names, candidates, rejected
evidence or notes; sources by title), for a newsroom to publish. The page needs no script, font or
request from elsewhere (CSS inline, charts inline SVG), and every piece of document text goes through
:func:`html.escape`, since ingested web pages may hold markup.
"""

from __future__ import annotations

import html
import io
import itertools
import re
from collections import Counter
from functools import lru_cache
from typing import IO, Any

from tracker.report import common, method
from tracker.report.html_charts import ChartCounts, charts, colours
from tracker.report.html_style import CSS
from tracker.report.public import public_commitment
from tracker.report.stream import NUMBER, InMemoryReport, Report, Spools
from tracker.statuses import LINKED_STATES, label

#: What :func:`html.escape` changes; a text without any (nearly every one) is its own escaped form.
_SPECIAL = re.compile("[&<>\"']")


def escape(text: str) -> str:
    """:func:`html.escape`, without its five passes over a text that holds nothing to escape."""
    return html.escape(text) if _SPECIAL.search(text) else text


#: Candidates shown on a card besides the linked and the reviewer-decided evidence (not in public).
CANDIDATES_SHOWN = 2


def render_html(report: dict[str, Any], *, public: bool = False, title: str | None = None) -> str:
    """The report dict as a complete HTML document; see :func:`write_html`."""
    buffer = io.StringIO()
    write_html(InMemoryReport(report), buffer, public=public, title=title)
    return buffer.getvalue()


def write_html(report: Report, out: IO[str], *, public: bool = False, title: str | None = None) -> None:
    """Write the report as a complete HTML document (UTF-8, ``lang="zh-CN"``), a card at a time.

    The counts, the charts and the topics' contents come first but are known at the end: the cards
    are spooled per topic (:class:`tracker.report.stream.Spools`) while they are counted.

    Args:
        public: the report to publish (:mod:`tracker.report.public`).
        title: the report's title instead of 承诺兑现情况报告.
    """
    heading = common.title_text(title)
    counts = ChartCounts()
    cited = common.Citations()
    statuses: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    with Spools() as cards, Spools() as lists:
        for c in report.commitments():
            if public:
                c = public_commitment(c)
            statuses[c["status"]] += 1
            topics[c["topic"]] += 1
            counts.add(c)
            cited.add(c)
            if (c.get("history") or {}).get("kind") == "chronic":
                lists["chronic"].write(
                    f'<li><a href="#{escape(c["id"])}">{escape(c["text"])}</a> —— '
                    f"{escape(common.prior_commitments_text(c))}</li>"
                )
            cards[c["topic"]].write(_card(NUMBER, c, public) + "\n")
        for d in report.dropped():
            counts.add_dropped(d)
            lists["dropped"].write(
                f'<li>{escape(common.dropped_text(d))} <span class="id">{escape(d["id"])}</span></li>'
            )
        total = sum(statuses.values())
        out.write(
            '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(heading)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        )
        body = [
            '<div class="page">',
            _header(report, heading, total),
            _summary(statuses, total, public),
            charts(counts),
            _toc(list(topics.items())),
        ]
        if not total:
            body.append('<p class="none">没有符合条件的承诺 (no commitments match).</p>')
        _write(out, body)
        numbers = itertools.count(1)
        for index, (topic, spool) in enumerate(cards.by_key.items(), start=1):
            _write(
                out,
                [
                    f'<section class="topic" id="topic-{index}"><h2>{escape(topic or "未分类")} '
                    f"<small>{topics[topic]} 条</small></h2>"
                ],
            )
            spool.copy_to(out, numbers)
            _write(out, ["</section>"])
        _history(out, counts, lists)
    body = []
    orphans = [] if public else report.orphaned_decisions()
    if orphans:
        body.append(_orphans(orphans))
    body.append(_sources(cited.documents(), public))
    body.append(_method(report.agreement()))
    body.append(
        f"<footer>由 tracker 生成 · {escape(report.generated_at)} (UTC) · "
        f'各状态的含义见<a href="#legend">{method.LEGEND_TITLE}</a>，'
        f'判定方法见<a href="#method">{method.METHOD_TITLE}</a></footer></div>'
    )
    _write(out, body)
    out.write("</body>\n</html>\n")


def _write(out: IO[str], parts: list[str]) -> None:
    """The page's parts, each on a line of its own."""
    out.write("".join(part + "\n" for part in parts))


def _badge(status: str) -> str:
    background, ink = colours(status)
    return f'<span class="badge" style="background:{background};color:{ink}">{escape(label(status))}</span>'


def _header(report: Report, heading: str, total: int) -> str:
    filters = escape(common.filters_text(report.filters))
    return (
        f"<header><h1>{escape(heading)}</h1>"
        f'<p class="meta">筛选：{filters} · 生成时间 {escape(report.generated_at)} (UTC) · '
        f"承诺 {total} 条</p>"
        f'<p class="meta"><a href="#legend">{method.LEGEND_TITLE}</a> · '
        f'<a href="#sources">{common.SOURCES_TITLE}</a> · <a href="#method">{method.METHOD_TITLE}</a></p>'
        "</header>"
    )


def _summary(statuses: Counter[str], total: int, public: bool) -> str:
    """The counts by status, then the legend: every one of the seven statuses with its colour and
    meaning, whether or not it occurs."""
    items = [
        f'<li>{_badge(s)}<span class="id">{escape(s)}</span><b>{n}</b></li>'
        if not public
        else f"<li>{_badge(s)}<b>{n}</b></li>"
        for s, n in common.ordered_status_counts(statuses)
    ]
    items.append(f'<li class="total">合计<b>{total}</b></li>')
    legend = "".join(
        f"<tr><td>{_badge(s)}" + ("" if public else f' <span class="id">{escape(s)}</span>') + "</td>"
        f'<td>{escape(zh)}<span class="en" lang="en">{escape(en)}</span></td></tr>'
        for s, _label, zh, en in method.legend_rows()
    )
    return (
        f'<section class="panel"><h2>汇总</h2><ul class="counts">{"".join(items)}</ul>'
        f'<h3 id="legend">{method.LEGEND_TITLE}</h3>'
        f'<table class="statuses"><tbody>{legend}</tbody></table></section>'
    )


def _toc(topics: list[tuple[str, int]]) -> str:
    if len(topics) < 2:
        return ""
    links = "".join(
        f'<a href="#topic-{i}">{escape(topic or "未分类")} ({n})</a>'
        for i, (topic, n) in enumerate(topics, start=1)
    )
    return f'<nav class="topics">主题：{links}</nav>'


def _card(number: int | str, c: dict[str, Any], public: bool) -> str:
    shown = _shown_evidence(c, public)
    terms = sorted({t for e in shown for t in e.get("shared_terms", [])})
    reason = common.reason_text(c)
    judged = escape(common.provenance_text(c, public=public)) + (
        f"（依据：{escape(reason)}）" if reason else ""
    )
    facts = [
        ("机构/年度", f"{escape(c['agency'])} {c['period']}"),
        ("章节", escape(c["section"] or "—")),
        ("出处", _source(c, public)),
    ]
    if coding := common.coding_text(c, public=public):
        facts.append(("编码", escape(coding)))
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
    status_id = "" if public else f'<span class="id">{escape(c["status"])}</span>'
    parts = [
        f'<article class="card" id="{escape(c["id"])}" style="--status:{colours(c["status"])[0]}">',
        f'<div class="card-head"><span class="num">{number}.</span>{_badge(c["status"])}'
        f'{status_id}<span class="who">{judged}</span>'
        f'<span class="id cid">{escape(c["id"])}</span></div>',
        f'<p class="text">{highlight(c["text"], terms)}</p>',
        '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>",
        _comparisons(c.get("comparisons", [])),
        _evidence(c, shown, public),
    ]
    if c.get("notes"):
        notes = "".join(f"<li>{escape(common.note_text(n))}</li>" for n in c["notes"])
        parts.append(f'<div class="notes">备注<ul>{notes}</ul></div>')
    parts.append("</article>")
    return "".join(parts)


def _history(out: IO[str], counts: ChartCounts, lists: Spools) -> None:
    """The year-over-year section after the cards: counts by kind, the chronic promises, the drops."""
    kinds = common.ordered_history_counts(counts.kinds)
    dropped = counts.kinds_dropped
    if not dropped and all(kind == "new" for kind, _n in kinds):
        _write(out, [""])
        return
    items = "".join(f"<li>{common.HISTORY_LABELS[kind]} <b>{n}</b></li>" for kind, n in kinds)
    items += f"<li>{common.DROPPED_TITLE} <b>{dropped}</b></li>"
    out.write(
        f'<section class="panel" id="history"><h2>{common.HISTORY_TITLE}</h2><ul class="counts">{items}</ul>'
    )
    if counts.kinds["chronic"]:
        out.write(
            f"<h3>{common.HISTORY_LABELS['chronic']} <small>{counts.kinds['chronic']} 条</small></h3><ul>"
        )
        lists["chronic"].copy_to(out)
        out.write("</ul>")
    if dropped:
        out.write(
            f"<h3>{common.DROPPED_TITLE} <small>{dropped} 条</small></h3>"
            f'<p class="meta">{common.DROPPED_NOTE}</p><ul>'
        )
        lists["dropped"].copy_to(out)
        out.write("</ul>")
    out.write("</section>\n")


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


def _source(item: dict[str, Any], public: bool = False) -> str:
    """The document and part a statement comes from; a document with an address links to it."""
    text = escape(common.source_text(item, public=public))
    url = common.source_link(item)
    if url is None:
        return text
    document = escape(common.document_name(item, public=public))
    link = f'<a href="{escape(url)}" rel="noopener noreferrer">{document}</a>'
    return link + text[len(document) :] if text.startswith(document) else f"{link} {text}"


def _sources(cited: list[dict[str, Any]], public: bool) -> str:
    """Each document quoted, once: its title (or name), the parts quoted, and its address written out
    (a printed page keeps it), else the file's name."""
    items = []
    for d in cited:
        title = d["document_title"]
        name = escape(common.cited_name(d, public=public))
        parts = f' <span class="parts">（{escape("；".join(d["parts"]))}）</span>' if d["parts"] else ""
        url = common.source_link(d)
        if url is not None:
            where = f'<a href="{escape(url)}" rel="noopener noreferrer">{escape(d["source_url"])}</a>'
        elif title and title != d["document"]:
            where = f'<span class="file">文件 {escape(d["document"])}</span>'
        else:
            where = ""
        if where and not public and url is not None:
            where += f' <span class="file">文件 {escape(d["document"])}</span>'
        items.append(f"<li><b>{name}</b>{parts}" + (f"<br>{where}" if where else "") + "</li>")
    if not items:
        return ""
    return (
        f'<section class="panel" id="sources"><h2>{common.SOURCES_TITLE} <small>{len(items)} 份文件</small>'
        f'</h2><ul class="sources">{"".join(items)}</ul></section>'
    )


def _method(agreement: dict[str, Any] | None = None) -> str:
    """The methodology (方法说明), Chinese first, with the coders' ``agreement`` when there is one, then
    a paragraph in English."""
    sections = "".join(
        f"<h3>{escape(heading)}</h3>" + "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        for heading, paragraphs in method.method_sections(agreement)
    )
    return (
        f'<section class="panel" id="method"><h2>{method.METHOD_TITLE}</h2>{sections}'
        f'<p class="en" lang="en">{escape(method.METHOD_ENGLISH)}</p></section>'
    )


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


def _shown_evidence(c: dict[str, Any], public: bool) -> list[dict[str, Any]]:
    """Linked evidence (confirmed first), the best few candidates, then what the reviewer rejected; in
    public, the evidence that supports the status only (:func:`tracker.report.public.supporting_evidence`,
    applied by :func:`public_report` already)."""
    evidence = c["evidence"]
    if public:
        return common.linked_evidence(evidence)
    candidates = [e for e in evidence if e["state"] == "candidate"][:CANDIDATES_SHOWN]
    rejected = [e for e in evidence if e["state"] == "rejected"]
    return common.linked_evidence(evidence) + candidates + rejected


def _evidence(c: dict[str, Any], shown: list[dict[str, Any]], public: bool) -> str:
    if not shown:
        if public:
            reviewed = c.get("status_source") == "reviewer"
            return f'<p class="none">佐证：{"审核判定，未附审核确认的佐证" if reviewed else "无"}。</p>'
        return '<p class="none">佐证：无候选 (no evidence ranked)</p>'
    items = []
    for e in shown:
        terms = e.get("shared_terms", [])
        score = "" if public else f"<span>相似度 {escape(common.score_text(e))}</span>"
        items.append(
            f'<li class="{escape(e["state"])}"><div class="ev-head">'
            f'<span class="state state-{escape(e["state"])}">{escape(common.state_text(e, public=public))}</span>'
            f"{score}<span>{_source(e, public)}</span></div>"
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
