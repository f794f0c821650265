"""The status report as rich tables for a terminal: one table per document, then counts per agency/year.

Renders the dict from :func:`tracker.report.json_report.build_report`, so the table and the JSON
never disagree.
"""

from __future__ import annotations

import io
from collections import Counter
from itertools import groupby
from typing import Any

from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from tracker.statuses import LINKED_STATES, STATUS_STYLES, STATUSES, label
from tracker.textnorm import each_string, shown

#: Characters of commitment text shown before the cell folds onto more lines.
TEXT_WIDTH = 60
#: Characters of the best evidence quoted in the table.
EVIDENCE_WIDTH = 30


def status_text(status: str) -> Text:
    """``部分兑现`` coloured by status, as shown beside an id."""
    return Text(label(status), style=STATUS_STYLES.get(status, ""))


def _targets(targets: list[dict[str, Any]], comparisons: list[dict[str, Any]] | None = None) -> str:
    """Targets, or each target beside the figure reported ("不少于45个 → 61个 136%") once matched."""
    if comparisons:
        return "; ".join(
            f"{c['target']} → {c['actual']}" + (f" {c['ratio']:.0%}" if c.get("ratio") is not None else "")
            for c in comparisons
        )
    return "; ".join(f"{t.get('comparator', '')}{t.get('quantity', '')}{t.get('unit', '')}" for t in targets)


def _best_evidence(evidence: list[dict[str, Any]]) -> Text:
    """The evidence a reader should look at first: the best linked result, quoted, with its score and
    how many more are linked ("43 《佛山市养老服务条例(草案)》于10月提请… +1"); unlinked candidates are dim."""
    if not evidence:
        return Text("—", style="dim")
    linked = [e for e in evidence if e["state"] in LINKED_STATES]
    best = linked[0] if linked else evidence[0]
    score = "" if best.get("score") is None else f"{best['score']:.0f} "
    quote = best["text"] if len(best["text"]) <= EVIDENCE_WIDTH else best["text"][: EVIDENCE_WIDTH - 1] + "…"
    more = f" +{len(linked) - 1}" if len(linked) > 1 else ""
    mark = "✓ " if best["state"] == "confirmed" else ""
    return Text(f"{mark}{score}{quote}{more}", style="" if linked else "dim")


def commitments_table(document: str, commitments: list[dict[str, Any]]) -> Table:
    """One document's commitments in document order, status label beside each id."""
    # Every cell from a document is a Text: a plain string would be read as rich markup, and a path or
    # agency holding "[/]" would stop the report with a MarkupError.
    table = Table(
        title=Text(document, style="table.title"), title_justify="left", show_lines=False, expand=False
    )
    table.add_column("ID", no_wrap=True)
    table.add_column("状态", no_wrap=True)
    table.add_column("机构/年度", overflow="fold")
    table.add_column("承诺", overflow="fold", max_width=TEXT_WIDTH)
    table.add_column("目标", overflow="fold")
    table.add_column("佐证", overflow="fold", max_width=EVIDENCE_WIDTH + 8)
    for c in commitments:
        table.add_row(
            c["id"],
            status_text(c["status"]),
            Text(f"{c['agency']} {c['period']}"),
            Text(c["text"]),
            Text(_targets(c["targets"], c.get("comparisons"))),
            _best_evidence(c["evidence"]),
        )
    return table


def summary_counts(report: dict[str, Any]) -> dict[tuple[str, int], Counter[str]]:
    """(agency, period) -> how many commitments have each status, sorted by agency then period."""
    counts: dict[tuple[str, int], Counter[str]] = {}
    for c in report["commitments"]:
        counts.setdefault((c["agency"], c["period"]), Counter())[c["status"]] += 1
    return dict(sorted(counts.items()))


def summary_table(report: dict[str, Any]) -> Table:
    """Counts per agency and period; one column per status that occurs, plus the total."""
    counts = summary_counts(report)
    present = [s for s in STATUSES if any(counter[s] for counter in counts.values())]
    table = Table(title="汇总 Summary", title_justify="left")
    table.add_column("机构")
    table.add_column("年度", justify="right")
    for status in present:
        table.add_column(Text(label(status), style=STATUS_STYLES.get(status, "")), justify="right")
    table.add_column("合计", justify="right")
    for (agency, period), counter in counts.items():
        table.add_row(
            Text(agency), str(period), *(str(counter[s]) for s in present), str(sum(counter.values()))
        )
    return table


def report_renderables(report: dict[str, Any]) -> list[RenderableType]:
    """The tables of the report: one per document (in order of first appearance), then the summary."""
    if not report["commitments"]:
        return [Text("没有符合条件的承诺 (no commitments match)", style="dim"), summary_table(report)]
    blocks: list[RenderableType] = [
        commitments_table(document, list(rows))
        for document, rows in groupby(report["commitments"], key=lambda c: c["document"])
    ]
    blocks.append(summary_table(report))
    return blocks


def render_table(report: dict[str, Any], console: Console) -> None:
    """Print the report's tables on ``console``."""
    report = each_string(report, shown)
    for block in report_renderables(report):
        console.print(block)
        console.print()


def render_table_text(report: dict[str, Any], *, width: int = 160) -> str:
    """The tables as plain text without colour codes, for ``-o FILE``."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False)
    render_table(report, console)
    return buffer.getvalue()
