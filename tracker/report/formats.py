"""The report formats by name, and the rows each one reads: the JSON report's strings cleaned as stored
(:func:`tracker.textnorm.clean_field`) with each candidate's explanation, the other formats' as shown
(:func:`tracker.textnorm.shown`) without it, as none of them prints it."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

from sqlmodel import Session

from tracker.report.csv_report import write_csv
from tracker.report.html_report import write_html
from tracker.report.json_report import WhyFragments
from tracker.report.kinds import PUBLISHABLE
from tracker.report.markdown_report import write_markdown
from tracker.report.rows import StoredReport, no_explanation
from tracker.textnorm import shown

#: ``report --format`` -> the writer of a document format that writes text (json writes bytes, table
#: prints on a console).
TEXT_WRITERS: dict[str, Callable[..., None]] = {"md": write_markdown, "csv": write_csv, "html": write_html}


def stored_report(session: Session, fmt: str, **filters: Any) -> StoredReport:
    """The rows ``fmt`` renders, read from ``session`` as they are written (``filters``: agency,
    period, status, topic, now).

    Raises:
        UsageError: the status or topic is not one the report knows.
    """
    if fmt == "json":
        return StoredReport(session, explain=WhyFragments(), **filters)
    return StoredReport(session, form=shown, explain=no_explanation, **filters)


def write_text(
    report: StoredReport, fmt: str, out: IO[str], *, public: bool = False, title: str | None = None
) -> None:
    """Write ``report`` as ``fmt`` (md, csv or html) to ``out``."""
    options = {"public": public, "title": title} if fmt in PUBLISHABLE else {}
    TEXT_WRITERS[fmt](report, out, **options)
