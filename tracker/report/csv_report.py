"""The status report as CSV: one row per commitment, for spreadsheets.

The text starts with a byte-order mark (U+FEFF), so Excel opens the UTF-8 file with its Chinese intact;
the CLI writes it as bytes, to a file or to stdout. Text that a spreadsheet would take for a formula
(a cell starting with ``=``, ``+``, ``-`` or ``@``) gets a leading apostrophe. Renders the rows of a
:class:`tracker.report.stream.Report` as they come; the columns are documented in README.md.
"""

from __future__ import annotations

import csv
import io
from typing import IO, Any

from tracker.report import common
from tracker.report.stream import InMemoryReport, Report

BOM = "\ufeff"
#: A cell starting with one of these is a formula to Excel; such text gets a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: The columns, in order; README.md "CSV columns" says what each holds.
COLUMNS: tuple[str, ...] = (
    "id",
    "agency",
    "period",
    "topic",
    "section",
    "text",
    "status",
    "status_label",
    "status_source",
    "status_reviewer",
    "status_decided_at",
    "status_reason",
    "targets",
    "comparisons",
    "evidence_count",
    "linked_evidence",
    "evidence_decisions",
    "best_score",
    "document",
    "source_url",
    "part_kind",
    "part_period",
    "part_heading",
    "deadline",
    "lead_unit",
    "notes",
    "history_kind",
    "history_label",
    "prior_commitments",
    "prior_evidence",
    "target_vs_last_actual",
    "pace",
    "status_adjudicated",
    "coding",
)


def render_csv(report: dict[str, Any]) -> str:
    """The report dict as CSV text (with BOM and CRLF line ends, as Excel expects)."""
    buffer = io.StringIO()
    write_csv(InMemoryReport(report), buffer)
    return buffer.getvalue()


def write_csv(report: Report, out: IO[str]) -> None:
    """Write the report as CSV (with BOM and CRLF line ends, as Excel expects), a row at a time."""
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for c in report.commitments():
        writer.writerow(_row(c))


def _row(c: dict[str, Any]) -> list[Any]:
    linked = common.linked_evidence(c["evidence"])
    part = c.get("part") or {}
    score = common.best_score(c["evidence"])
    values = {
        "id": c["id"],
        "agency": c["agency"],
        "period": c["period"],
        "topic": c["topic"],
        "section": c["section"],
        "text": c["text"],
        "status": c["status"],
        "status_label": c.get("status_label", ""),
        "status_source": c["status_source"],
        "status_reviewer": c.get("status_reviewer") or "",
        "status_decided_at": c.get("status_decided_at") or "",
        "status_reason": common.reason_text(c),
        "targets": common.targets_text(c["targets"]),
        "comparisons": common.comparisons_text(c.get("comparisons", [])),
        "evidence_count": len(linked),
        "linked_evidence": " | ".join(" ".join(e["text"].split()) for e in linked),
        "evidence_decisions": "; ".join(
            f"{e['state']} {e.get('decided_by') or '-'} {e.get('decided_at') or ''} {e['id']}"
            for e in c["evidence"]
            if e.get("decided_at")
        ),
        "best_score": "" if score is None else f"{score:.1f}",
        "document": c["document"],
        "source_url": c.get("source_url") or "",
        "part_kind": part.get("kind", ""),
        "part_period": part.get("period", ""),
        "part_heading": part.get("heading", ""),
        "deadline": c.get("deadline") or "",
        "lead_unit": c.get("lead_unit") or "",
        "notes": " | ".join(common.note_text(n) for n in c.get("notes", [])),
        "history_kind": (c.get("history") or {}).get("kind", ""),
        "history_label": common.history_label(c),
        "prior_commitments": common.prior_commitments_text(c),
        "prior_evidence": common.prior_evidence_text(c),
        "target_vs_last_actual": common.last_actual_text(c),
        "pace": common.pace_text(c),
        "status_adjudicated": "true" if c.get("status_adjudicated") else "false",
        "coding": common.coding_text(c),
    }
    return [_cell(values[column]) for column in COLUMNS]


def _cell(value: Any) -> Any:
    """``value``, with text that a spreadsheet would run as a formula ("=HYPERLINK(…)") made inert."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
