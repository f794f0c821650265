"""A parsed document as the rows it is stored as, made where it was parsed.

Everything the database rows of a document need that does not depend on what is stored already is worked
out by :func:`prepare`: the stable ids, each part's row, each statement's row with its figures as JSON
text, a statement repeated within the document folded into its first row. An ingest of many files runs
it in the worker process that parsed the file (:func:`tracker.ingest.batch.parse_paths` takes it as
``finish``), so the saving process only writes, and what travels between them is plain tuples and
strings: unpickling a Statement object per row cost the saving process as much as storing it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from tracker.ingest.chapters import is_vocabulary_topic
from tracker.ingest.parsed import DocumentHeader, ParsedDocument
from tracker.store import ids
from tracker.store.bulk import json_text

#: The columns of a statement row (``FIGURES`` is ``targets`` for a commitment, ``quantities`` for an
#: achievement; a commitment's row ends with its lead unit).
_STATEMENT_COLUMNS = (
    "id",
    "document_id",
    "part_id",
    "agency",
    "period",
    "position",
    "section",
    "text",
    "normalized",
    "topic",
    "FIGURES",
    "deadline",
    "testable",
    "times_stated",
    "sentence",
)
COMMITMENT_COLUMNS = tuple(c.replace("FIGURES", "targets") for c in _STATEMENT_COLUMNS) + ("lead_unit",)
ACHIEVEMENT_COLUMNS = tuple(c.replace("FIGURES", "quantities") for c in _STATEMENT_COLUMNS)
_TIMES_STATED = _STATEMENT_COLUMNS.index("times_stated")


@dataclass
class PartSummary:
    """What one part of a saved document held, for the ingest printout."""

    kind: str
    period: int
    agency: str
    heading: str
    statements: int
    as_of: dt.date | None = None


@dataclass
class PreparedDocument:
    """The rows of one parsed document: ``parts`` are part rows (column -> value), ``commitments`` and
    ``achievements`` statement rows (a value per name of ``COMMITMENT_COLUMNS`` /
    ``ACHIEVEMENT_COLUMNS``, the id first); ``merged`` counts the statements folded into an earlier
    one; ``chapter_topics``: some statement has its chapter's topic, not the vocabulary's."""

    header: DocumentHeader
    document_id: str
    parts: list[dict[str, Any]]
    shown: list[PartSummary]
    commitments: list[list[Any]] = field(default_factory=list)
    achievements: list[list[Any]] = field(default_factory=list)
    merged: int = 0
    chapter_topics: bool = False

    def redate(self, when: dt.date) -> None:
        """Give the document and every part of it the date ``when`` (``tracker ingest --date``)."""
        self.header = replace(self.header, date=when, date_given=True)
        for part in self.parts:
            part["as_of"] = when
        for shown in self.shown:
            shown.as_of = when

    def link(self, source_url: str) -> None:
        """Give the document the address it was published at (``tracker ingest FILE --source-url``)."""
        self.header = replace(self.header, source_url=source_url)


def prepare(parsed: ParsedDocument) -> PreparedDocument:
    """The rows ``parsed`` is stored as."""
    doc_id = ids.document_id(parsed.path)
    prepared = PreparedDocument(
        parsed.header(),
        doc_id,
        [],
        [
            PartSummary(p.kind, p.period, p.agency, p.heading, len(p.statements), p.as_of)
            for p in parsed.parts
        ],
    )
    commitments: dict[str, list[Any]] = {}
    achievements: dict[str, list[Any]] = {}
    for index, ppart in enumerate(parsed.parts):
        agency = ppart.agency or parsed.agency
        part_id = ids.part_id(doc_id, index)
        prepared.parts.append(
            {
                "id": part_id,
                "document_id": doc_id,
                "kind": ppart.kind,
                "period": ppart.period,
                "agency": agency,
                "heading": ppart.heading,
                "position": ppart.position,
                "as_of": ppart.as_of,
                "from_table": ppart.from_table,
            }
        )
        plan = ppart.kind == "plan"
        rows = commitments if plan else achievements
        make_id = ids.commitment_id if plan else ids.achievement_id
        for s in ppart.statements:
            prepared.chapter_topics = prepared.chapter_topics or not is_vocabulary_topic(s.topic)
            key = make_id(agency, ppart.period, s.normalized)
            row = rows.get(key)
            if row is not None:
                row[_TIMES_STATED] += s.times_stated
                prepared.merged += 1
                continue
            figures = json_text([q.as_dict() for q in s.quantities])
            row = [key, doc_id, part_id, agency, ppart.period, s.position, s.section, s.text, s.normalized]
            row += [s.topic, figures, s.deadline, s.testable, s.times_stated, s.sentence]
            if plan:
                row.append(s.lead_unit)
            rows[key] = row
    prepared.commitments = list(commitments.values())
    prepared.achievements = list(achievements.values())
    return prepared
