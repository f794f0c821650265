"""What reading and extraction produce for one document, before anything is stored."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

PartKind = Literal["plan", "summary"]
#: What ``--kind`` accepts: a part kind, or ``auto`` to detect the parts.
KINDS = ("plan", "summary", "auto")
Comparator = Literal[">=", "<=", "=", "~", ">"]


@dataclass(frozen=True)
class Quantity:
    """A number with its unit as stated in a sentence (a target in a plan, a figure in a summary)."""

    quantity: float
    unit: str
    comparator: Comparator
    text: str

    def as_dict(self) -> dict[str, object]:
        value: float | int = int(self.quantity) if float(self.quantity).is_integer() else self.quantity
        return {"quantity": value, "unit": self.unit, "comparator": self.comparator, "text": self.text}


@dataclass
class Statement:
    """One atomic commitment (in a plan part) or achievement (in a summary part)."""

    text: str
    normalized: str
    section: str
    topic: str
    quantities: list[Quantity] = field(default_factory=list)
    deadline: str | None = None
    testable: bool = False
    times_stated: int = 1
    position: int = 0
    sentence: int = 0  # statements cut from one sentence share it: their context for matching
    paragraph: int = -1  # index of the cleaned paragraph it was cut from (-1: unknown)
    #: The unit responsible for a commitment (牵头单位): a task table's unit column, or what the plan
    #: writes in or right after the sentence (由市民政局牵头, 责任单位：…); see :mod:`tracker.ingest.units`.
    lead_unit: str | None = None


@dataclass
class Part:
    """A stretch of a document with one kind (plan or summary), period and agency."""

    kind: PartKind
    period: int
    agency: str
    heading: str
    position: int
    statements: list[Statement] = field(default_factory=list)
    #: The date it reports as of (a summary) or was written at (a plan), when the text says
    #: (:mod:`tracker.ingest.dates`); ``--date`` sets it for every part of a file.
    as_of: dt.date | None = None
    #: Read from a task table's progress column (:mod:`tracker.ingest.task_parts`): a report on the
    #: tasks of its own document, unlike the document's prose (which never reports on its own targets).
    from_table: bool = False


@dataclass
class ParsedDocument:
    """Everything extracted from one file."""

    path: str
    sha256: str
    encoding: str
    title: str
    agency: str
    parts: list[Part]
    removed_lines: int = 0
    repeated_paragraphs: int = 0
    date: dt.date | None = None  # published or signed, when a line of the file says
    date_given: bool = False  # the date was given (``--date``), not read from the text
    source_url: str | None = None  # the address a web page was read from (after redirects)

    def header(self) -> DocumentHeader:
        """What is said of the document besides its parts."""
        return DocumentHeader(
            self.path,
            self.sha256,
            self.encoding,
            self.title,
            self.agency,
            self.removed_lines,
            self.repeated_paragraphs,
            self.date,
            self.date_given,
            self.source_url,
        )

    def redate(self, when: dt.date) -> None:
        """Give the document and every part of it the date ``when`` (``tracker ingest --date``)."""
        self.date, self.date_given = when, True
        for part in self.parts:
            part.as_of = when

    @property
    def commitments(self) -> list[tuple[Part, Statement]]:
        return [(p, s) for p in self.parts if p.kind == "plan" for s in p.statements]

    @property
    def achievements(self) -> list[tuple[Part, Statement]]:
        return [(p, s) for p in self.parts if p.kind == "summary" for s in p.statements]


@dataclass(frozen=True)
class DocumentHeader:
    """A :class:`ParsedDocument` without its parts: what an ingest keeps of a file once it is saved (the
    printout names the file, its encoding and agency), so that its memory does not grow with the files."""

    path: str
    sha256: str
    encoding: str
    title: str
    agency: str
    removed_lines: int = 0
    repeated_paragraphs: int = 0
    date: dt.date | None = None
    date_given: bool = False
    source_url: str | None = None
