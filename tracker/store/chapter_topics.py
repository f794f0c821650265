"""A summary's chapters take the topics of the plan chapters they answer, within one agency and year.

A document outside the civil-affairs vocabulary has its chapters as topics
(:mod:`tracker.ingest.chapters`), and a summary words its chapters apart from the plan it answers
(扩大优质资源 in the plan, 教育资源持续扩充 in the summary). Reports, the review UI and the matcher's
same-topic context compare topics by name, so each summary chapter is renamed after the plan chapter
of the same (agency, period) it is most alike (:func:`tracker.ingest.chapters.align_chapters`). It
runs whenever a document with chapter topics is saved, whichever of plan and summary comes first: the
summary's own chapters are read again from its stored section paths each time, so a plan saved later
(or replaced) renames them afresh. Documents that keep the vocabulary are never touched, and only the
``topic`` column changes: ids, and so reviewer decisions, do not depend on it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import update
from sqlmodel import Session, col, select

from tracker.ingest.chapters import align_chapters, chapter_topics, is_vocabulary_topic
from tracker.store.models import Achievement, Commitment


def align_summary_topics(session: Session, blocks: Iterable[tuple[str, int]]) -> set[tuple[str, int]]:
    """Rename the chapter topics of the summaries of each (agency, period) after its plans' chapters;
    the blocks where a topic changed (their automatic statuses are stale until the next match)."""
    changed: set[tuple[str, int]] = set()
    for agency, period in sorted(set(blocks)):
        if _align_block(session, agency, period):
            changed.add((agency, period))
    return changed


def _align_block(session: Session, agency: str, period: int) -> bool:
    plan: dict[str, list[str]] = {}
    for document_rows in _by_document(session, Commitment, agency, period).values():
        if _has_chapter_topics(document_rows):
            for _id, _part, _section, topic, text in document_rows:
                plan.setdefault(topic, []).append(text)
    updates: dict[str, str] = {}
    for document_rows in _by_document(session, Achievement, agency, period).values():
        if not _has_chapter_topics(document_rows):
            continue
        by_part: dict[str, list[tuple[str, str, str, str, str]]] = defaultdict(list)
        for row in document_rows:
            by_part[row[1]].append(row)
        for rows in by_part.values():
            own = chapter_topics([section for _id, _part, section, _topic, _text in rows])
            chapters: dict[str, list[str]] = {}
            for topic, row in zip(own, rows, strict=True):
                chapters.setdefault(topic, []).append(row[4])
            taken = align_chapters(chapters, plan)
            for topic, (row_id, _part, _section, stored, _text) in zip(own, rows, strict=True):
                if taken[topic] != stored:
                    updates[row_id] = taken[topic]
    if updates:  # one executemany: an UPDATE by primary key per row
        session.execute(update(Achievement), [{"id": key, "topic": topic} for key, topic in updates.items()])
    return bool(updates)


def _by_document(
    session: Session, model: type[Commitment] | type[Achievement], agency: str, period: int
) -> dict[str, list[tuple[str, str, str, str, str]]]:
    """(id, part, section, topic, normalised text) of the statements of one block, by document."""
    query = (
        select(  # type: ignore[call-overload]  # six columns: more than sqlmodel's typed overloads
            model.document_id, model.id, model.part_id, model.section, model.topic, model.normalized
        )
        .where(model.agency == agency, model.period == period)
        .order_by(col(model.document_id), col(model.position))
    )
    rows: dict[str, list[tuple[str, str, str, str, str]]] = defaultdict(list)
    for document, row_id, part, section, topic, text in session.exec(query).all():
        rows[document].append((row_id, part, section, topic, text))
    return rows


def _has_chapter_topics(rows: list[tuple[str, str, str, str, str]]) -> bool:
    """Whether a document's statements carry chapter topics (not the civil-affairs vocabulary)."""
    return any(not is_vocabulary_topic(topic) for _id, _part, _section, topic, _text in rows)
