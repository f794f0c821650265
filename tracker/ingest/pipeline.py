"""One file in, one ParsedDocument out: read, clean, find parts, cut statements, describe them."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

from tracker.errors import InputFileError
from tracker.ingest.agency import detect_agency
from tracker.ingest.chapters import SECTION_SEPARATOR, chapter_topics, has_chapters, uses_vocabulary
from tracker.ingest.cleaning import clean_text
from tracker.ingest.dates import document_date, summary_as_of
from tracker.ingest.memo import forget
from tracker.ingest.parsed import KINDS, ParsedDocument, Part, Statement
from tracker.ingest.parts import PlacedSentence, place_sentences
from tracker.ingest.reading import SUPPORTED_SUFFIXES, RawText, read_file
from tracker.ingest.skipped import Skipped, converted, is_ignored, why_not_read
from tracker.ingest.statements import (
    Draft,
    commitments_from,
    describe,
    split_summary_sentence,
    title_commitments,
)
from tracker.ingest.structure import analyse
from tracker.ingest.task_parts import TableSources, table_parts
from tracker.ingest.task_tables import title_lines
from tracker.ingest.units import lead_unit_in, only_assigns_units
from tracker.ingest.web import DEFAULT_TIMEOUT, fetch, read_page
from tracker.textnorm import normalize, to_simplified

_CJK = re.compile(r"[\u4e00-\u9fff]")


def collect_files(paths: list[str]) -> tuple[list[Path], list[InputFileError], list[Skipped]]:
    """Expand folders into the files that are read (sorted) and those that are not, with the reason
    (``tracker.ingest.skipped``); a missing path, or a folder with nothing to read, is an error value.
    A file named on its own is always tried: the reader says why it cannot be read."""
    files: list[Path] = []
    errors: list[InputFileError] = []
    skipped: list[Skipped] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found, passed = _folder_files(path)
            if not found:
                readable = ", ".join(SUPPORTED_SUFFIXES)
                errors.append(InputFileError(raw, f"folder holds no file tracker reads ({readable})"))
            files.extend(found)
            skipped.extend(passed)
        elif path.exists():
            files.append(path)
        else:
            errors.append(InputFileError(raw, "no such file or folder"))
    return files, errors, skipped


def _folder_files(folder: Path) -> tuple[list[Path], list[Skipped]]:
    """The files under ``folder`` that are read, and those that are not; hidden folders are not entered."""
    entries: list[Path] = []
    for top, folders, names in os.walk(folder):
        here = Path(top)
        folders[:] = [name for name in folders if not is_ignored(here / name, folder)]
        entries.extend(here / name for name in names if not is_ignored(here / name, folder))
    read: list[Path] = []
    passed: list[Skipped] = []
    for entry in sorted(entries):
        why = why_not_read(entry)
        if why is None:
            read.append(entry)
        else:
            passed.append(why)
    present = set(read)
    return read, [why for why in passed if not converted(why, present)]


def parse_file(
    path: Path,
    *,
    display_path: str,
    agency: str | None = None,
    period: int | None = None,
    kind: str = "auto",
) -> ParsedDocument:
    """Extract parts, commitments and achievements from one file.

    Raises:
        InputFileError: the file cannot be read, or holds no part or agency that can be found.
    """
    if kind not in KINDS:
        raise InputFileError(display_path, f"unknown kind '{kind}'", "use plan, summary or auto")
    return parse_raw(
        read_file(path, display_path), display_path=display_path, agency=agency, period=period, kind=kind
    )


def parse_url(
    url: str,
    *,
    display_path: str,
    agency: str | None = None,
    period: int | None = None,
    kind: str = "auto",
    timeout: float = DEFAULT_TIMEOUT,
) -> ParsedDocument:
    """Extract parts, commitments and achievements from the web page at ``url``.

    The document's ``sha256`` is that of the text it was extracted from (its paragraphs and date), not of
    the page's bytes: a visit counter or a session token in the page does not make an unchanged page a
    changed document.

    Raises:
        InputFileError: the page cannot be fetched or read, or holds no part or agency that can be found.
    """
    if kind not in KINDS:
        raise InputFileError(display_path, f"unknown kind '{kind}'", "use plan, summary or auto")
    page = fetch(url, display_path=display_path, timeout=timeout)
    raw = read_page(page, display_path)
    document = parse_raw(
        raw, display_path=display_path, agency=agency, period=period, kind=kind, by_text=True
    )
    document.source_url = page.url
    return document


def parse_raw(
    raw: RawText,
    *,
    display_path: str,
    agency: str | None = None,
    period: int | None = None,
    kind: str = "auto",
    by_text: bool = False,
) -> ParsedDocument:
    """Extract parts, commitments and achievements from a document's text and task tables (``by_text``:
    its ``sha256`` is that of its paragraphs, tables and date instead of its bytes).

    Raises:
        InputFileError: the text holds no part or agency that can be found.
    """
    forget()  # the answers kept about the previous document's sentences (tracker.ingest.memo)
    if not raw.tables:
        return _parse_text(raw, display_path, agency=agency, period=period, kind=kind, by_text=by_text)
    document = _parse_with_tables(raw, display_path, agency=agency, period=period, kind=kind)
    if by_text:
        cells = ["\t".join(row) for table in raw.tables for row in table.rows]
        content = "\n".join([document.date.isoformat() if document.date else "", raw.text, *cells])
        document.sha256 = hashlib.sha256(content.encode("utf-8")).hexdigest()
    return document


def _parse_with_tables(
    raw: RawText, display_path: str, *, agency: str | None, period: int | None, kind: str
) -> ParsedDocument:
    """A file with task tables: its prose read as any text is (``--kind`` applies to it), the tables row
    by row (:mod:`tracker.ingest.task_parts`), their parts joined with the prose's of the same kind,
    year, agency and date."""
    simplified = to_simplified(raw.text)
    titled = next(
        (found for t in raw.tables if (found := detect_agency(to_simplified("\n".join(title_lines(t)))))),
        None,
    )
    document: ParsedDocument | None = None
    prose_error: InputFileError | None = None
    if _CJK.search(raw.text):
        try:
            document = _parse_text(
                raw, display_path, agency=agency or None, period=period, kind=kind, fallback=titled
            )
        except InputFileError as error:
            prose_error = error
    parts = list(document.parts) if document else []
    statements = [s for part in parts for s in part.statements]
    sources = TableSources(
        document_agency=document.agency if document else detect_agency(simplified),
        document_year=next((p.period for p in parts if p.kind == "plan"), parts[0].period if parts else None),
        file_name=to_simplified(Path(display_path).stem),
        published=document.date if document else document_date(simplified),
        agency=agency,
        period=period,
    )
    tabled = table_parts(
        raw.tables,
        sources,
        display_path,
        sentence=max((s.sentence for s in statements), default=-1) + 1,
        position=max((s.position for s in statements), default=-1) + 1,
    )
    if not tabled and document is None:
        raise prose_error or InputFileError(
            display_path, "no commitment or achievement found", "is this a work plan or summary?"
        )
    _join_parts(parts, tabled)
    first = tabled[0] if tabled else None
    return ParsedDocument(
        path=display_path,
        sha256=raw.sha256,
        encoding=raw.encoding,
        title=document.title if document and document.title else (first.heading if first else ""),
        agency=document.agency if document else (first.agency if first else ""),
        parts=parts,
        removed_lines=document.removed_lines if document else 0,
        repeated_paragraphs=document.repeated_paragraphs if document else 0,
        date=sources.published,
    )


def _join_parts(parts: list[Part], tabled: list[Part]) -> None:
    """Add the task tables' parts to the prose's: a plan part into the prose's of the same year, agency
    and date (a statement both state counts twice, and the table's unit fills the prose's), else after
    them; a progress part stays apart (it reports on the document's own tasks, its prose never does)."""
    for table_part in tabled:
        key = (table_part.kind, table_part.period, table_part.agency, table_part.as_of, table_part.from_table)
        same = next((p for p in parts if (p.kind, p.period, p.agency, p.as_of, p.from_table) == key), None)
        if same is None:
            table_part.position = len(parts)
            parts.append(table_part)
            continue
        stated = {s.normalized: s for s in same.statements}
        for statement in table_part.statements:
            if (earlier := stated.get(statement.normalized)) is not None:
                earlier.times_stated += statement.times_stated
                earlier.lead_unit = earlier.lead_unit or statement.lead_unit
            else:
                same.statements.append(statement)


def _parse_text(
    raw: RawText,
    display_path: str,
    *,
    agency: str | None,
    period: int | None,
    kind: str,
    fallback: str | None = None,
    by_text: bool = False,
) -> ParsedDocument:
    """The parts and statements of a document's text; ``fallback`` is the agency when the text names none
    (a task table's title named it); ``by_text``: the ``sha256`` is that of its paragraphs and date."""
    cleaned = clean_text(raw.text)
    # Every rule below is written in Simplified Chinese: a Traditional document is read in its Simplified
    # form, and its statements are shown as written (see ``_as_written``).
    originals = [p.text for p in cleaned.paragraphs]
    for paragraph in cleaned.paragraphs:
        paragraph.text = to_simplified(paragraph.text)
    body = "\n".join(p.text for p in cleaned.paragraphs)
    # Page furniture ("文章来源:佛山市民政局") is not content, but it does name the publisher.
    found_agency = agency or detect_agency(body) or detect_agency(to_simplified(raw.text)) or fallback
    if not found_agency:
        raise InputFileError(
            display_path, "cannot tell which body issued this document", "pass --agency NAME"
        )
    structure = analyse(cleaned.paragraphs)
    placed = place_sentences(
        structure, kind_override=None if kind == "auto" else kind, period_override=period
    )
    if not placed:
        raise InputFileError(
            display_path,
            "no plan or summary part found (no year or statement)",
            "pass --period YEAR and --kind",
        )
    parts = _build_parts(placed, found_agency, structure.part_headings, None if kind == "auto" else kind)
    _chapter_topics(parts, found_agency)
    # Publication lines are page furniture, gone from the paragraphs: the date is read in the whole file.
    published = document_date(to_simplified(raw.text))
    _date_parts(parts, placed, structure.title, published)
    _restore_as_written(parts, cleaned.paragraphs, originals)
    if not any(part.statements for part in parts):
        raise InputFileError(
            display_path, "no commitment or achievement found", "is this a work plan or summary?"
        )
    if by_text:
        content = "\n".join([published.isoformat() if published else "", *originals])
        raw = replace(raw, sha256=hashlib.sha256(content.encode("utf-8")).hexdigest())
    return ParsedDocument(
        path=display_path,
        sha256=raw.sha256,
        encoding=raw.encoding,
        title=structure.title,
        agency=found_agency,
        parts=[part for part in parts if part.statements],
        removed_lines=cleaned.removed_lines,
        repeated_paragraphs=cleaned.repeated_paragraphs,
        date=published,
    )


def _date_parts(parts: list[Part], placed: list[PlacedSentence], title: str, published: date | None) -> None:
    """Each summary part's as-of date, from its sentences, its heading (else the title) and the date the
    document was published; a plan part is dated when the document is."""
    sentences: dict[tuple[str, int], list[str]] = {}
    for item in placed:
        sentences.setdefault((item.kind, item.period), []).append(item.unit.text)
    for part in parts:
        if part.kind == "plan":
            part.as_of = published
            continue
        part.as_of = summary_as_of(
            sentences.get((part.kind, part.period), []),
            part.period,
            heading=part.heading or title,
            published=published,
        )


def _restore_as_written(parts: list[Part], simplified: list, originals: list[str]) -> None:
    """Show each statement in the characters its document used (Traditional stays Traditional).

    OpenCC converts character for character almost always, so a statement found in the Simplified
    paragraph sits at the same offset in the original one; where lengths differ it stays Simplified.
    """
    for part in parts:
        for statement in part.statements:
            index = statement.paragraph
            if index < 0 or simplified[index].text == originals[index]:
                continue
            source, original = simplified[index].text, originals[index]
            offset = source.find(statement.text)
            if offset >= 0 and len(source) == len(original):
                statement.text = original[offset : offset + len(statement.text)]


def _build_parts(
    placed: list[PlacedSentence], agency: str, headings: list, forced_kind: str | None
) -> list[Part]:
    parts: dict[tuple[str, int], Part] = {}
    seen: dict[tuple[str, int, str], Statement] = {}
    position = 0
    # The commitments of the last plan sentence, for a unit assigned right after it (责任单位：…。).
    last_sentence: tuple[int, list[Statement]] = (-1, [])
    for item in placed:
        if item.kind == "plan" and only_assigns_units(item.unit.text):
            lead = lead_unit_in(item.unit.text)
            for statement in last_sentence[1]:
                statement.lead_unit = statement.lead_unit or lead
            continue
        for draft in _drafts(item):
            if forced_kind:
                draft.kind = forced_kind
            key = (draft.kind, item.period)
            if key not in parts:
                heading = headings[item.unit.part_index].title if item.unit.part_index is not None else ""
                parts[key] = Part(
                    kind=draft.kind,  # type: ignore[arg-type]  # "plan" or "summary" by construction
                    period=item.period,
                    agency=agency,
                    heading=heading,
                    position=len(parts),
                )
            normalized = normalize(draft.text)
            duplicate = seen.get((draft.kind, item.period, normalized))
            if duplicate is not None:
                duplicate.times_stated += item.unit.count
                continue
            statement = _describe(draft, item, normalized, position)
            statement.sentence = item.unit.full_sentence
            if draft.kind == "plan":
                statement.lead_unit = lead_unit_in(draft.text) or lead_unit_in(item.unit.text)
                if last_sentence[0] != statement.sentence:
                    last_sentence = (statement.sentence, [])
                last_sentence[1].append(statement)
            position += 1
            seen[(draft.kind, item.period, normalized)] = statement
            parts[key].statements.append(statement)
    return list(parts.values())


def _drafts(item: PlacedSentence) -> list[Draft]:
    if item.kind == "plan":
        if item.preamble:
            return []
        if item.unit.lead_title:
            return [Draft("plan", text) for text in title_commitments(item.unit.text)]
        return [Draft("plan", text) for text in commitments_from(item.unit.text)]
    if item.unit.lead_title:
        return []  # a summary's paragraph title ("基层治理扎实推进。") sums up the results after it
    return split_summary_sentence(item.unit.text, item.period)


def _chapter_topics(parts: list[Part], agency: str) -> None:
    """Give every statement its chapter's topic where the civil-affairs vocabulary does not fit the
    document (:mod:`tracker.ingest.chapters`); the statements keep the vocabulary's topics otherwise."""
    if uses_vocabulary(agency, [s.topic for part in parts for s in part.statements]):
        return
    by_part = [chapter_topics([s.section for s in part.statements]) for part in parts]
    if not any(has_chapters(topics) for topics in by_part):
        return
    for part, topics in zip(parts, by_part, strict=True):
        for statement, topic in zip(part.statements, topics, strict=True):
            statement.topic = topic


def _describe(draft: Draft, item: PlacedSentence, normalized: str, position: int) -> Statement:
    statement = describe(
        draft.text,
        section=SECTION_SEPARATOR.join(item.unit.section),
        context=item.unit.text,
        normalized=normalized,
    )
    statement.times_stated = item.unit.count
    statement.position = position
    statement.paragraph = item.unit.paragraph
    return statement
