"""The charts panel of the html report: statuses by topic, statuses by agency and year, and the history
counts (新增 / 延续 / 再次承诺 / 多年未兑现 / 未再提及), each an SVG bar chart with its table of numbers.

Counts come from the report's rows alone (each commitment's ``status`` and ``history.kind``, and the
dropped commitments), counted as the rows pass (:class:`ChartCounts`), so the charts say what the cards
below them say.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from typing import Any, Final

from tracker.report import common
from tracker.report.svg_charts import Series, counts_table, stacked_bars
from tracker.statuses import STATUS_COLOURS, label

_FALLBACK_COLOURS: Final = ("#777777", "#ffffff")

#: Fill and text colour per history kind: new and continuing in calm hues, the two that call for a
#: look (多年未兑现, 未再提及) in red and grey.
HISTORY_COLOURS: Final[dict[str, tuple[str, str]]] = {
    "new": ("#4c78a8", "#ffffff"),
    "continuing": ("#54a24b", "#ffffff"),
    "repeated": ("#f2c230", "#2b2100"),
    "chronic": ("#b03a2e", "#ffffff"),
    "dropped": ("#9aa0a6", "#1f2328"),
}
#: The history kinds in the order the report names them, with 未再提及 last.
HISTORY_KINDS: Final[tuple[str, ...]] = (*common.HISTORY_LABELS, "dropped")


def colours(status: str) -> tuple[str, str]:
    return STATUS_COLOURS.get(status, _FALLBACK_COLOURS)


def history_label(kind: str) -> str:
    return common.HISTORY_LABELS.get(kind, common.DROPPED_TITLE if kind == "dropped" else kind)


class ChartCounts:
    """What the charts count, a commitment (and a dropped one) at a time: statuses per topic and per
    agency and year, history kinds per agency and year, in the order they first came."""

    def __init__(self) -> None:
        self.statuses: Counter[str] = Counter()
        self.topics: dict[str, Counter[str]] = {}
        self.blocks: dict[tuple[str, int], Counter[str]] = {}
        self.history: dict[tuple[str, int], Counter[str]] = {}
        self.kinds: Counter[str] = Counter()
        self.kinds_dropped = 0

    def add(self, c: dict[str, Any]) -> None:
        status = c["status"]
        self.statuses[status] += 1
        self.topics.setdefault(c["topic"] or "未分类", Counter())[status] += 1
        self.blocks.setdefault((c["agency"], c["period"]), Counter())[status] += 1
        if kind := (c.get("history") or {}).get("kind"):
            self.kinds[kind] += 1
            self.history.setdefault((c["agency"], c["period"]), Counter())[kind] += 1

    def add_dropped(self, d: dict[str, Any]) -> None:
        """A dropped commitment counts for the plan that no longer names it, the year after its own."""
        self.kinds_dropped += 1
        self.history.setdefault((d["agency"], d["period"] + 1), Counter())["dropped"] += 1


def charts(counts: ChartCounts) -> str:
    """The panel, or nothing when no commitment is reported."""
    if not counts.statuses:
        return ""
    present = [s for s, _n in common.ordered_status_counts(counts.statuses)]
    statuses = [Series(s, label(s), *colours(s)) for s in present]
    by_topic = sorted(counts.topics.items(), key=lambda item: -sum(item[1].values()))  # largest first, stable
    by_agency = [(f"{agency} {period}", n) for (agency, period), n in sorted(counts.blocks.items())]
    legend = "".join(
        f'<li><span class="swatch" style="background:{s.fill}"></span>{escape(s.label)}</li>'
        for s in statuses
    )
    figures = [
        _figure("按主题", "主题", by_topic, statuses),
        _figure("按机构和年度", "机构和年度", by_agency, statuses),
    ]
    if history := _history_figure(counts):
        figures.append(history)
    return (
        '<section class="panel" id="charts"><h2>状态分布</h2>'
        f'<ul class="legend">{legend}</ul>{"".join(figures)}</section>'
    )


def _figure(
    title: str, first: str, rows: list[tuple[str, Counter[str]]], series: list[Series], *, total: bool = True
) -> str:
    return (
        f'<figure class="chart"><figcaption>{escape(title)}</figcaption>'
        f"{stacked_bars(title, rows, series)}{counts_table(first, rows, series, total=total)}</figure>"
    )


def _history_figure(counts: ChartCounts) -> str:
    """A bar per history kind over the whole report, and its numbers by agency and year; nothing when
    every commitment is new and none was dropped (no earlier year to compare with)."""
    blocks = counts.history
    totals: Counter[str] = sum(blocks.values(), Counter())
    if not counts.kinds_dropped and set(totals) <= {"new"}:
        return ""
    series = [Series(kind, history_label(kind), *HISTORY_COLOURS[kind]) for kind in HISTORY_KINDS]
    bars = [(s.label, Counter({s.key: totals[s.key]})) for s in series]
    rows = [(f"{agency} {period}", n) for (agency, period), n in sorted(blocks.items())]
    return (
        f'<figure class="chart"><figcaption>{common.HISTORY_TITLE}</figcaption>'
        f"{stacked_bars(common.HISTORY_TITLE, bars, series)}"
        f"{counts_table('机构和年度', rows, series, total=False)}"
        f'<p class="meta">{common.DROPPED_TITLE}：上一年度计划中尚未兑现、本年度计划不再提及的承诺，'
        "计入本年度。</p></figure>"
    )
