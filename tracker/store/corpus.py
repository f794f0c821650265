"""The corpus statistics the term scorer weights by, stored document by document, so that an ingest
updates them instead of counting every statement of the database again.

The scorer weights a content term by its rarity among all statements (``CorpusStats``: how many
statements there are and how many hold each term). Each document's share is a row of ``CorpusDocument``,
as of the version of the document it counted (its :class:`Version`); ``CorpusTerm`` holds the sum of the
shares. Counting a document's terms is the matcher's (:mod:`tracker.match.corpus`); here: which versions
were counted, which documents changed since, and recording a new count as a difference from the old one,
in a transaction that also queues the agency-years the change touches (:mod:`tracker.store.queue`).

Counts are recorded compare-and-set: a count whose document changed again after it was read, or that
another process recorded first, is left out, so concurrent runs never count a document twice.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from tracker.store import queue
from tracker.store.matches import encode_json, insert_rows
from tracker.store.models import Achievement, Commitment, CorpusDocument, CorpusTerm, Document, Part
from tracker.store.queries import in_chunks

#: PostgreSQL advisory lock key: one process at a time records counts (``"corpus"``).
CORPUS_LOCK = 0x636F_7270_7573

Block = tuple[str, int]


@dataclass(frozen=True)
class Version:
    """What the statistics of a document depend on and which agency-years it holds statements for.

    ``fingerprint`` changes when the document is saved again (its text, its ingest time) or its parts
    get other dates (``ingest --date``: an interim report counts differently for the statuses).
    """

    fingerprint: str
    blocks: tuple[Block, ...]


@dataclass
class Count:
    """One document's share of the statistics, counted from its stored statements."""

    document_id: str
    version: Version
    statements: int = 0
    terms: dict[str, int] = field(default_factory=dict)


def document_versions(session: Session, ids: Sequence[str] | None = None) -> dict[str, Version]:
    """Document id -> its current version (of every document, or of ``ids`` that exist)."""
    documents = select(Document.id, Document.sha256, Document.ingested_at)  # type: ignore[call-overload]
    parts = select(  # type: ignore[call-overload]
        Part.document_id, Part.id, Part.kind, Part.agency, Part.period, Part.as_of, Part.from_table
    )
    found: dict[str, list[Any]] = {}
    for chunk in [None] if ids is None else in_chunks(sorted(set(ids))):
        doc_query, part_query = documents, parts
        if chunk is not None:
            doc_query = doc_query.where(col(Document.id).in_(chunk))
            part_query = part_query.where(col(Part.document_id).in_(chunk))
        for doc_id, sha256, ingested_at in session.exec(doc_query).all():
            found[doc_id] = [sha256, _instant(ingested_at), []]
        for doc_id, *part in session.exec(part_query).all():
            if doc_id in found:
                found[doc_id][2].append(tuple(str(value) for value in part))
    return {doc_id: _version(*state) for doc_id, state in found.items()}


def _instant(when: datetime | None) -> str:
    """An ingest time in one form whatever the connection's time zone (SQLite gives it back naive)."""
    if when is None:
        return ""
    return repr((when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp())


def _version(sha256: str, ingested: str, parts: list[tuple[str, ...]]) -> Version:
    parts.sort()
    digest = hashlib.sha1(repr((sha256, ingested, parts)).encode("utf-8")).hexdigest()
    # part: (id, kind, agency, period, as_of, from_table), all as text
    blocks = tuple(sorted({(agency, int(period)) for _id, _kind, agency, period, _as_of, _table in parts}))
    return Version(digest, blocks)


def counted_versions(session: Session) -> dict[str, Version]:
    """Document id -> the version its recorded share was counted from."""
    query = select(CorpusDocument.document_id, CorpusDocument.fingerprint, CorpusDocument.blocks)  # type: ignore[call-overload]
    return {doc_id: Version(fp, _blocks(blocks)) for doc_id, fp, blocks in session.exec(query).all()}


def _blocks(stored: Iterable[Sequence[Any]]) -> tuple[Block, ...]:
    return tuple(sorted((str(agency), int(period)) for agency, period in stored))


def statement_texts(session: Session, ids: Sequence[str]) -> dict[str, list[str]]:
    """Document id -> the normalised text of each statement it owns (commitments, then achievements)."""
    texts: dict[str, list[str]] = {doc_id: [] for doc_id in ids}
    for model in (Commitment, Achievement):
        for chunk in in_chunks(sorted(set(ids))):
            query = select(model.document_id, model.normalized).where(col(model.document_id).in_(chunk))
            for doc_id, text in session.exec(query).all():
                texts[doc_id].append(text)
    return texts


def statistics(session: Session) -> tuple[int, dict[str, int]]:
    """The number of statements counted and how many of them hold each term."""
    documents = session.exec(select(func.coalesce(func.sum(CorpusDocument.statements), 0))).one()
    frequency = dict(session.exec(select(CorpusTerm.term, CorpusTerm.frequency)).all())  # type: ignore[call-overload]
    return int(documents), frequency


@dataclass
class Recorded:
    """What :func:`record_counts` did."""

    changed: int = 0  # documents whose share or version was recorded anew (or taken off)
    stale: int = 0  # counts left out: their document changed again after it was read
    blocks: set[Block] = field(default_factory=set)  # the agency-years queued


def record_counts(session: Session, counts: Sequence[Count], gone: Iterable[str] = ()) -> Recorded:
    """Record these counts, and take off the shares of the documents ``gone`` (ids no longer stored),
    as differences applied to the sums; queue the agency-years whose documents changed.

    A count is left out when its document is no longer at the counted version (it changed again while
    it was counted: a later run counts it), and changes nothing when its share is recorded already; a
    share in ``gone`` is kept when the document is stored again. Run inside the caller's write
    transaction.
    """
    _lock(session)
    ids = sorted({c.document_id for c in counts} | set(gone))
    current = document_versions(session, ids)
    stored = _stored(session, ids)
    difference: Counter[str] = Counter()
    touched: set[Block] = set()
    rows: list[tuple[Any, ...]] = []
    result = Recorded()
    for count in counts:
        before = stored.get(count.document_id)
        if current.get(count.document_id) != count.version:
            result.stale += 1  # changed again since it was read
            continue
        if before is not None and before.terms == count.terms and before.statements == count.statements:
            if (
                before.fingerprint != count.version.fingerprint
                or _blocks(before.blocks) != count.version.blocks
            ):
                rows.append(_row(count))  # same statements, another version (--date): the statuses change
                touched.update(_blocks(before.blocks), count.version.blocks)
            continue
        difference.update(count.terms)
        if before is not None:
            difference.subtract(before.terms)
            touched.update(_blocks(before.blocks))
        touched.update(count.version.blocks)
        rows.append(_row(count))
    removed = [doc_id for doc_id in gone if doc_id in stored and doc_id not in current]
    for doc_id in removed:
        difference.subtract(stored[doc_id].terms)
        touched.update(_blocks(stored[doc_id].blocks))
    for chunk in in_chunks(sorted({row[0] for row in rows} | set(removed))):
        session.exec(delete(CorpusDocument).where(col(CorpusDocument.document_id).in_(chunk)))  # type: ignore[call-overload]
    insert_rows(session, CorpusDocument.__table__, rows)  # type: ignore[attr-defined]
    _add_to_sums(session, {term: n for term, n in difference.items() if n})
    queue.enqueue(session, touched)
    result.changed, result.blocks = len(rows) + len(removed), touched
    return result


def replace_sums(session: Session, frequency: Mapping[str, int], versions: Mapping[str, Version]) -> bool:
    """Make the stored sums ``frequency``, counted again from the statements of the documents at
    ``versions``, unless the recorded shares are no longer of exactly those versions (a document
    changed meanwhile: its own update corrects the sums then). Whether they were replaced; run inside
    the caller's write transaction."""
    _lock(session)
    if counted_versions(session) != dict(versions):
        return False
    stored = dict(session.exec(select(CorpusTerm.term, CorpusTerm.frequency)).all())  # type: ignore[call-overload]
    difference = {t: n - stored.get(t, 0) for t, n in frequency.items() if n != stored.get(t, 0)}
    difference.update({t: -n for t, n in stored.items() if t not in frequency})
    _add_to_sums(session, difference)
    return True


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.connection().exec_driver_sql(f"SELECT pg_advisory_xact_lock({CORPUS_LOCK})")


def _stored(session: Session, ids: Sequence[str]) -> dict[str, CorpusDocument]:
    found: dict[str, CorpusDocument] = {}
    for chunk in in_chunks(ids):
        query = select(CorpusDocument).where(col(CorpusDocument.document_id).in_(chunk))
        found.update((row.document_id, row) for row in session.exec(query).all())
    return found


def _row(count: Count) -> tuple[Any, ...]:
    """The CorpusDocument row of a count, its JSON as text (terms in order, so equal counts read alike)."""
    terms = dict(sorted(count.terms.items()))
    blocks = [list(block) for block in count.version.blocks]
    return (
        count.document_id,
        count.version.fingerprint,
        count.statements,
        encode_json(terms),
        encode_json(blocks),
    )


def _add_to_sums(session: Session, difference: Mapping[str, int]) -> None:
    """Add ``difference`` to the stored sums (a new term gets a row, a term no statement holds loses it)."""
    if not difference:
        return
    table = CorpusTerm.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    upsert = insert.on_conflict_do_update(
        index_elements=["term"], set_={"frequency": table.c.frequency + insert.excluded.frequency}
    )
    session.execute(upsert, [{"term": t, "frequency": n} for t, n in sorted(difference.items())])
    fewer = sorted(t for t, n in difference.items() if n < 0)
    for chunk in in_chunks(fewer):
        session.exec(
            delete(CorpusTerm).where(col(CorpusTerm.term).in_(chunk), col(CorpusTerm.frequency) <= 0)
        )  # type: ignore[call-overload]
