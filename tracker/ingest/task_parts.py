"""From the rows of task tables to document parts: each task a row's commitments, with its lead unit and
deadline, and its progress cell the achievements of a summary part for the same agency and year.

- **Commitments**: the task cell is cut as a plan sentence is (:func:`tracker.ingest.statements.commitments_from`),
  line by line and sentence by sentence; a cell that yields nothing (a short or slogan-like task) is
  still the row's task, and is kept whole. The deadline is the row's 完成时限 (else what the task says);
  the lead unit the row's 牵头单位 or 责任单位 (else what the task cell says, 由…牵头).
- **Achievements**: the progress cell is cut as a summary sentence is. A bare verdict (已完成, 正在推进)
  is no statement on its own; it becomes ``task：verdict``, with the figures of the verdict only, so
  it stands beside its own task and does not report the task's target as done.
- A row's commitments and achievements share a section (its groups) and a sentence number: the pace
  rules read a progress figure in the commitment's own sentence with the unit alone.
- **Agency and year**: ``--agency`` / ``--period`` when given; else the first of the title above the
  table, the document, the file name and the sheet title that names them.
- **Date**: the progress part reports as of the date the title or the header states (截至2024年6月:
  30 June, an interim report), else the dates its cells state, capped by the document's date
  (:func:`tracker.ingest.dates.summary_as_of`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tracker.errors import InputFileError
from tracker.ingest.agency import detect_agency
from tracker.ingest.chapters import SECTION_SEPARATOR
from tracker.ingest.dates import as_of_dates, document_date, summary_as_of
from tracker.ingest.parsed import Part, Statement
from tracker.ingest.splitting import sentences
from tracker.ingest.statements import commitments_from, describe, split_summary_sentence
from tracker.ingest.task_tables import FoundTable, TaskRow, header_texts, task_rows, title_lines
from tracker.ingest.tense import years_in
from tracker.ingest.units import lead_unit_in
from tracker.textnorm import normalize, to_simplified

_ITEM_MARK = re.compile(
    r"^\s*(?:\d{1,2}[、.．)）]|[(（]\d{1,2}[)）]|[①-⑳]|[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）])\s*"
)
_FILE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ATTACHMENT = re.compile(r"^(?:附件|附表)\s*\d*[:：]?$")
_DATED = re.compile(r"\d")
_LABELLED = re.compile(r"^[\u4e00-\u9fff]{2,6}\s*[:：]")


@dataclass(frozen=True)
class TableSources:
    """Where a task table's agency and year may be read, besides its title: in this order."""

    document_agency: str | None = None  # the body the file's other text names
    document_year: int | None = None  # the year its prose parts are about
    file_name: str = ""
    published: date | None = None  # the file's date (:func:`tracker.ingest.dates.document_date`)
    agency: str | None = None  # --agency
    period: int | None = None  # --period


def table_parts(
    tables: Sequence[FoundTable], sources: TableSources, display_path: str, *, sentence: int, position: int
) -> list[Part]:
    """The plan and summary parts of a file's task tables; ``sentence`` and ``position`` are the first
    numbers free after the file's prose statements.

    Raises:
        InputFileError: a task table with tasks whose agency or year nothing names.
    """
    parts: dict[tuple[str, int, str], Part] = {}
    seen: dict[tuple[str, int, str, str], Statement] = {}
    for table in tables:
        rows = task_rows(table)
        if not rows:
            continue
        titles = [to_simplified(line) for line in title_lines(table)]
        agency = _agency(titles, table, sources, display_path)
        year = _year(titles, table, sources, display_path)
        heading = _heading(titles, table)
        # a table's own 填报时间 under its title dates it when the file does not
        dated = sources.published or document_date("\n".join(titles))
        as_of = _as_of(titles, table, rows, year, dated)
        for row in rows:
            made = _row_statements(row, year)
            for kind, statements in made.items():
                key = (kind, year, agency)
                if key not in parts:
                    parts[key] = Part(kind, year, agency, heading, 0)  # type: ignore[arg-type]
                    parts[key].as_of = dated if kind == "plan" else as_of
                    parts[key].from_table = kind == "summary"
                for statement in statements:
                    duplicate = seen.get((*key, statement.normalized))
                    if duplicate is not None:
                        duplicate.times_stated += 1
                        continue
                    statement.sentence, statement.position = sentence, position
                    position += 1
                    seen[(*key, statement.normalized)] = statement
                    parts[key].statements.append(statement)
            sentence += 1
    return [part for part in parts.values() if part.statements]


def _agency(titles: list[str], table: FoundTable, sources: TableSources, display_path: str) -> str:
    if sources.agency:
        return sources.agency
    found = detect_agency("\n".join(titles)) or sources.document_agency
    for text in (sources.file_name, to_simplified(table.sheet)):
        found = found or (detect_agency(text) if text else None)
    if found:
        return found
    raise InputFileError(
        display_path,
        f"cannot tell which body issued the task table {_name(titles, table)}",
        "pass --agency NAME",
    )


def _year(titles: list[str], table: FoundTable, sources: TableSources, display_path: str) -> int:
    if sources.period:
        return sources.period
    if years := [y for line in titles for y in years_in(line)]:
        return max(years)
    if sources.document_year:
        return sources.document_year
    for name in (sources.file_name, table.sheet):
        if years := [*years_in(name)] or [int(y) for y in _FILE_YEAR.findall(name)]:
            return max(years)
    raise InputFileError(
        display_path,
        f"cannot tell which year the task table {_name(titles, table)} is for",
        "pass --period YEAR",
    )


def _name(titles: list[str], table: FoundTable) -> str:
    heading = _heading(titles, table)
    return f"'{heading}'" if heading else "(no title)"


def _heading(titles: list[str], table: FoundTable) -> str:
    """The table's title: the nearest line above it that is more than 附件1 or a label's value
    (填报单位：…, 填报时间：…), else the nearest that is more than 附件1, else its sheet's title."""
    titled = [line for line in titles if len(_CJK.findall(line)) >= 4 and not _ATTACHMENT.match(line)]
    plain = [line for line in titled if not _LABELLED.match(line)]
    if plain or titled:
        return (plain or titled)[-1]
    return table.sheet if _CJK.search(table.sheet) else ""


def _as_of(
    titles: list[str], table: FoundTable, rows: list[TaskRow], year: int, published: date | None
) -> date | None:
    stated = [*titles, *(to_simplified(cell) for cell in header_texts(table))]
    if any(as_of_dates(line, year) for line in stated):
        return summary_as_of(stated, year, published=published)
    progress = [to_simplified(text) for row in rows for text in [row.progress, *row.more_progress] if text]
    return summary_as_of(progress, year, heading=_heading(titles, table), published=published)


def _pieces(cell: str) -> list[tuple[str, str]]:
    """The sentences of a cell, each (as written, Simplified), its item numbers (1. / （1） / ①) gone."""
    found = []
    for line in cell.splitlines():
        line = _ITEM_MARK.sub("", line)
        for sentence in sentences(line):
            found.append((sentence, to_simplified(sentence)))
    return found


def _as_written(text: str, simplified: str, original: str) -> str:
    """A statement cut from the Simplified form of a cell, in the characters the cell used."""
    offset = simplified.find(text)
    if offset < 0 or len(simplified) != len(original) or simplified == original:
        return text
    return original[offset : offset + len(text)]


def _row_statements(row: TaskRow, year: int) -> dict[str, list[Statement]]:
    section = SECTION_SEPARATOR.join(row.section)
    task_sentences = _pieces(row.task)
    context = to_simplified(" ".join(row.task.split()))
    lead = row.lead_unit or lead_unit_in(context)
    deadline = row.deadline or None
    commitments: list[Statement] = []
    for original, simplified in task_sentences:
        for text in commitments_from(simplified):
            commitments.append(
                _statement(_as_written(text, simplified, original), section, context, deadline)
            )
    if not commitments and _CJK.search(context):
        whole = " ".join(original for original, _simplified in task_sentences).strip(" ,，。;；")
        commitments.append(_statement(whole, section, context, deadline))
    for statement in commitments:
        statement.lead_unit = lead
    achievements: list[Statement] = []
    for progress in [row.progress, *row.more_progress]:
        achievements += _progress_statements(progress, row, section, year)
    return {"plan": commitments, "summary": achievements}


def _statement(text: str, section: str, context: str, deadline: str | None) -> Statement:
    statement = describe(text, section=section, context=context, normalized=normalize(text))
    if deadline:
        statement.deadline = deadline
        statement.testable = statement.testable or bool(_DATED.search(deadline) or "年" in deadline)
    return statement


def _progress_statements(progress: str, row: TaskRow, section: str, year: int) -> list[Statement]:
    if not progress:
        return []
    found = []
    context = to_simplified(" ".join(progress.split()))
    for original, simplified in _pieces(progress):
        for draft in split_summary_sentence(simplified, year):
            if draft.kind == "summary":
                text = _as_written(draft.text, simplified, original)
                found.append(describe(text, section=section, context=context, normalized=normalize(text)))
    if found or not _CJK.search(progress):
        return found
    task = " ".join(row.task.split()).strip(" ,，。;；")
    verdict = " ".join(progress.split()).strip(" ,，。;；")
    text = f"{task}：{verdict}"
    statement = describe(text, section=section, context=context, normalized=normalize(text))
    statement.quantities = describe(verdict, section=section, context="", normalized="").quantities
    return [statement]
