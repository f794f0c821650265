"""Interim reports and pace (序时进度): a summary part dated before its year ends, and a target beside
the figure such a report gives for it, against the share of the year gone at its date.

- **Interim**: a summary part of year Y dated from 1 January to 30 November of Y (:data:`INTERIM_UNTIL`):
  what it reports is work so far, not the year's outcome. A December report is the year's summary.
- **Pace**: for a target that counts a running total (:func:`tracker.match.status.running_totals`),
  the figure of the same thing (:func:`tracker.match.status.compare_targets`) an interim report gives:
  ratio = figure / target, elapsed = share of the year gone at the report's date; ``ahead`` (超序时) when
  the ratio is at least ``PACE_TOLERANCE`` above elapsed, ``behind`` (欠序时) when more than that below,
  else ``on`` (达序时).

Pure functions; which reports a commitment is paced against is :mod:`tracker.review.history`'s choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.ingest.tense import is_forward
from tracker.match.status import compare_targets, running_totals

#: A summary dated before this day of its year (month, day) reports work so far.
INTERIM_UNTIL = (12, 1)
#: How far the ratio may stray from the share of the year gone and still be on pace.
PACE_TOLERANCE = 0.05
VERDICTS = ("ahead", "on", "behind")
VERDICT_LABELS = {"ahead": "超序时", "on": "达序时", "behind": "欠序时"}


def is_interim(period: int, as_of: date | None) -> bool:
    """Whether a summary of ``period`` dated ``as_of`` is an interim report (None: not dated, so taken
    for the year's summary)."""
    return as_of is not None and date(period, 1, 1) <= as_of < date(period, *INTERIM_UNTIL)


def elapsed(as_of: date) -> float:
    """The share of ``as_of``'s year gone at the end of that day (30 June: 0.496)."""
    days = (date(as_of.year, 12, 31) - date(as_of.year, 1, 1)).days + 1
    return as_of.timetuple().tm_yday / days


def verdict(ratio: float, gone: float) -> str:
    if ratio >= gone + PACE_TOLERANCE:
        return "ahead"
    if ratio < gone - PACE_TOLERANCE:
        return "behind"
    return "on"


@dataclass(frozen=True)
class Report:
    """One statement of an interim report: its figures and text, the date it stands at, and whether it
    is in the same sentence as the commitment (a figure so far beside the target for the year)."""

    id: str
    quantities: Sequence[dict[str, Any]]
    text: str
    as_of: date
    beside: bool = False


def pace(targets: Sequence[dict[str, Any]], text: str, reports: Sequence[Report]) -> list[dict[str, Any]]:
    """The SPEC "History" ``pace`` rows of a commitment (``targets`` read in ``text``), by date: each
    running-total target beside the figure of the same thing an interim report gives. A figure in the
    commitment's own sentence counts the same thing as its unit allows (目前已完成80小时以上,预计7月底前达成
    一百小时); elsewhere the words around the two numbers must share a noun, as for the status. A
    statement that only looks forward gives no figure reached."""
    totals = running_totals(targets, text)
    if not totals:
        return []
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for report in sorted(reports, key=lambda r: (r.as_of, r.id)):
        if is_forward(report.text):  # "接下来将实现328个…": a target restated, not a figure reached
            continue
        found = compare_targets(totals, report.quantities, commitment_text=text, evidence_text=report.text)
        if not found and report.beside:
            found = compare_targets(totals, report.quantities)
        gone = elapsed(report.as_of)
        for compared in found:
            ratio = compared["ratio"]
            if ratio is None or "%" in str(compared["unit"]):
                continue
            key = (report.as_of.isoformat(), compared["target"], compared["actual"])
            rows.setdefault(
                key,
                {
                    "date": key[0],
                    "target": compared["target"],
                    "actual": compared["actual"],
                    "elapsed": round(gone, 2),
                    "ratio": round(ratio, 2),
                    "verdict": verdict(ratio, gone),
                    "id": report.id,
                },
            )
    return list(rows.values())
