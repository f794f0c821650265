"""The status report as tables for a terminal: one table per document, then counts per agency and year.

Each document's rows are laid out as rich's ``Table`` lays them out (:mod:`tracker.report.text_table`)
and printed as soon as the document ends; the counts are kept as the rows pass, so the report streams
whatever its size.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable
from itertools import groupby
from typing import Any

from rich.console import Console
from rich.text import Text

from tracker.report import common
from tracker.report.stream import InMemoryReport, Report
from tracker.report.text_table import Cell, Column, TablePrinter
from tracker.statuses import LINKED_STATES, STATUS_STYLES, STATUSES, label

#: Characters of commitment text shown before the cell folds onto more lines.
TEXT_WIDTH = 60
#: Characters of the best evidence quoted in the table.
EVIDENCE_WIDTH = 30

#: The columns of a document's table.
COLUMNS = (
    Column("ID", no_wrap=True),
    Column("状态", no_wrap=True),
    Column("机构/年度", overflow="fold"),
    Column("承诺", overflow="fold", max_width=TEXT_WIDTH),
    Column("目标", overflow="fold"),
    Column("佐证", overflow="fold", max_width=EVIDENCE_WIDTH + 8),
)
NO_COMMITMENTS = "没有符合条件的承诺 (no commitments match)"


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


def _best_evidence(evidence: list[dict[str, Any]]) -> Cell:
    """The evidence a reader should look at first: the best linked result, quoted, with its score and
    how many more are linked ("43 《佛山市养老服务条例(草案)》于10月提请… +1"); unlinked candidates are dim."""
    if not evidence:
        return ("—", "dim")
    linked = [e for e in evidence if e["state"] in LINKED_STATES]
    best = linked[0] if linked else evidence[0]
    score = "" if best.get("score") is None else f"{best['score']:.0f} "
    quote = best["text"] if len(best["text"]) <= EVIDENCE_WIDTH else best["text"][: EVIDENCE_WIDTH - 1] + "…"
    more = f" +{len(linked) - 1}" if len(linked) > 1 else ""
    mark = "✓ " if best["state"] == "confirmed" else ""
    return (f"{mark}{score}{quote}{more}", None if linked else "dim")


def status_cell_text(c: dict[str, Any]) -> str:
    """The status label, and ``已裁定`` when an adjudication settled it or ``编码分歧，待裁定`` while its
    two coders differ with nothing settled (``部分兑现 已裁定``)."""
    coding = c.get("coding") or {}
    mark = (
        common.ADJUDICATED
        if c.get("status_adjudicated")
        else common.DISPUTED
        if coding.get("disputed")
        else ""
    )
    return label(c["status"]) + (f" {mark}" if mark else "")


def commitment_cells(c: dict[str, Any]) -> list[Cell]:
    """One commitment's row: id, status label (coloured, :func:`status_cell_text`), agency and year,
    text, targets, evidence."""
    return [
        (c["id"], None),
        (status_cell_text(c), STATUS_STYLES.get(c["status"]) or None),
        (f"{c['agency']} {c['period']}", None),
        (c["text"], None),
        (_targets(c["targets"], c.get("comparisons")), None),
        _best_evidence(c["evidence"]),
    ]


def summary_counts(report: dict[str, Any]) -> dict[tuple[str, int], Counter[str]]:
    """(agency, period) -> how many commitments have each status, sorted by agency then period."""
    return counted(report["commitments"])


def counted(commitments: Iterable[dict[str, Any]]) -> dict[tuple[str, int], Counter[str]]:
    counts: dict[tuple[str, int], Counter[str]] = {}
    for c in commitments:
        counts.setdefault((c["agency"], c["period"]), Counter())[c["status"]] += 1
    return dict(sorted(counts.items()))


def print_summary(printer: TablePrinter, counts: dict[tuple[str, int], Counter[str]]) -> None:
    """Counts per agency and period; one column per status that occurs, plus the total."""
    present = [s for s in STATUSES if any(counter[s] for counter in counts.values())]
    columns = [
        Column("机构"),
        Column("年度", justify="right"),
        *(
            Column(label(s), header_style=f"table.header {STATUS_STYLES.get(s, '')}".strip(), justify="right")
            for s in present
        ),
        Column("合计", justify="right"),
    ]
    rows = [
        [
            (agency, None),
            (str(period), None),
            *((str(counter[s]), None) for s in present),
            (str(sum(counter.values())), None),
        ]
        for (agency, period), counter in counts.items()
    ]
    printer.print("汇总 Summary", "table.title", columns, rows)


def write_table(report: Report, console: Console) -> None:
    """Print the report's tables on ``console``: one per document (in order of first appearance), a
    document at a time, then the summary."""
    printer = TablePrinter(console)
    counts: dict[tuple[str, int], Counter[str]] = {}
    empty = True
    for document, rows in groupby(report.commitments(), key=lambda c: c["document"]):
        empty = False
        cells = []
        for c in rows:
            counts.setdefault((c["agency"], c["period"]), Counter())[c["status"]] += 1
            cells.append(commitment_cells(c))
        printer.print(document, "table.title", COLUMNS, cells)
    if empty:
        console.print(Text(NO_COMMITMENTS, style="dim"))
        console.print()
    print_summary(printer, dict(sorted(counts.items())))


def render_table(report: dict[str, Any], console: Console) -> None:
    """Print the tables of a report dict on ``console``."""
    write_table(InMemoryReport(report), console)


def text_console(file: Any, *, width: int = 160) -> Console:
    """The console a table written to a file is printed on: plain text (no colour codes), ``width``."""
    return Console(file=file, width=width, color_system=None, force_terminal=False)


def render_table_text(report: dict[str, Any], *, width: int = 160) -> str:
    """The tables as plain text without colour codes, for ``-o FILE``."""
    buffer = io.StringIO()
    render_table(report, text_console(buffer, width=width))
    return buffer.getvalue()
