"""Which documents changed since matching last saw them, and the agency-years that must be matched again.

An agency is matched from its own statements alone (the rarity of a term is counted over them,
:func:`tracker.match.run.agency_stats`), so its result goes stale exactly when a document with a part
for it is saved again, given other dates or removed. Each document's version as matching last saw it
is a row of ``MatchDocument`` (its :class:`Version`); :func:`record_changes` compares those with the
documents stored now, records the new versions and queues the agency-years of the old and the new ones
(:mod:`tracker.store.queue`), in the caller's transaction, so a version is never recorded without its
agency-years queued, however a run ends.

The result also depends on the matcher (its scorer and link decision, refitted on the reviewer's
decisions): the fingerprint every agency was last matched with is kept (:func:`matched_with`), and a
run that finds another one matches every agency.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from tracker.store import queue
from tracker.store.matches import encode_json, insert_rows
from tracker.store.models import Document, MatchDocument, MatchState, Part
from tracker.store.queries import in_chunks

#: PostgreSQL advisory lock key: one process at a time records changes (``"seen"``).
CHANGES_LOCK = 0x7365_656E

Block = tuple[str, int]


@dataclass(frozen=True)
class Version:
    """What matching read of a document and which agency-years it holds statements for.

    ``fingerprint`` changes when the document is saved again (its text, its ingest time) or its parts
    get other dates (``ingest --date``: an interim report counts differently for the statuses).
    """

    fingerprint: str
    blocks: tuple[Block, ...]


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


def seen_versions(session: Session) -> dict[str, Version]:
    """Document id -> its version as matching last saw it."""
    query = select(MatchDocument.document_id, MatchDocument.fingerprint, MatchDocument.blocks)  # type: ignore[call-overload]
    return {doc_id: Version(fp, _blocks(blocks)) for doc_id, fp, blocks in session.exec(query).all()}


def _blocks(stored: Iterable[Sequence[Any]]) -> tuple[Block, ...]:
    return tuple(sorted((str(agency), int(period)) for agency, period in stored))


@dataclass
class Recorded:
    """What :func:`record_changes` found and did."""

    changed: int = 0  # documents new, changed or removed since matching last saw them
    blocks: set[Block] = field(default_factory=set)  # the agency-years queued


def record_changes(session: Session) -> Recorded:
    """Record the version of every document new, changed or removed since matching last saw it, and
    queue the agency-years of its old and its new version. Run inside the caller's write transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().exec_driver_sql(f"SELECT pg_advisory_xact_lock({CHANGES_LOCK})")
    current = document_versions(session)
    seen = seen_versions(session)
    changed = sorted(doc_id for doc_id, version in current.items() if seen.get(doc_id) != version)
    gone = sorted(seen.keys() - current.keys())
    result = Recorded(changed=len(changed) + len(gone))
    for doc_id in [*changed, *gone]:
        if doc_id in seen:
            result.blocks.update(seen[doc_id].blocks)
        if doc_id in current:
            result.blocks.update(current[doc_id].blocks)
    for chunk in in_chunks([*changed, *gone]):
        session.exec(delete(MatchDocument).where(col(MatchDocument.document_id).in_(chunk)))  # type: ignore[call-overload]
    rows = [
        (doc_id, current[doc_id].fingerprint, encode_json([list(b) for b in current[doc_id].blocks]))
        for doc_id in changed
    ]
    insert_rows(session, MatchDocument.__table__, rows)  # type: ignore[attr-defined]
    queue.enqueue(session, result.blocks)
    return result


def matched_with(session: Session) -> str | None:
    """The fingerprint of the matcher every agency was last matched with (None: not known)."""
    state = session.get(MatchState, "matcher")
    return None if state is None else state.value


def record_matcher(session: Session, fingerprint: str) -> None:
    """Every agency is now matched with the matcher of ``fingerprint`` (inside the caller's transaction)."""
    state = session.get(MatchState, "matcher")
    if state is None:
        session.add(MatchState(name="matcher", value=fingerprint))
    else:
        state.value = fingerprint
