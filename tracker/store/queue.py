"""The agency-years waiting to be matched again, and which agencies a process is matching right now.

Recording a document's new version queues the (agency, period) blocks it holds statements for, before
and after the change (:func:`tracker.store.changes.record_changes`); the run that takes an agency's
entries matches every year of it, since the rarity of its terms moved. A run that matches an agency takes
its entries off in the transaction that writes the result, but only those up to the newest it saw
before it read the agency's statements: an entry queued later is for a change the run may not have
read, and stays for the next run. Ids only grow (``AUTOINCREMENT`` on SQLite), so nothing queued later
is ever taken off by mistake.

On PostgreSQL several processes (``--shard``, ``--processes``, concurrent ingests) share the queue: a
process holds an advisory lock on each agency it matches (:class:`AgencyLocks`), and the others pass
that agency over and come back to it, so no two match one agency at once. SQLite lets one writer in at
a time and takes none: two processes may then match one agency twice, with the same result.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from tracker.store.models import MatchQueue

#: First key of the PostgreSQL advisory locks on agencies (``"mq"``); the second is the agency's CRC-32.
LOCK_SPACE = 0x6D71


@dataclass
class Pending:
    """What is queued for one agency: the periods, and the newest entry's id."""

    newest: int = 0
    periods: set[int] = field(default_factory=set)


def enqueue(session: Session, blocks: Iterable[tuple[str, int]]) -> None:
    """Queue these agency-years (inside the caller's transaction)."""
    rows = [{"agency": agency, "period": period} for agency, period in sorted(set(blocks))]
    if rows:
        session.execute(MatchQueue.__table__.insert(), rows)  # type: ignore[attr-defined]


def pending(session: Session, agency: str | None = None) -> dict[str, Pending]:
    """Agency -> what is queued for it (of every agency, or of one)."""
    query = select(col(MatchQueue.id), MatchQueue.agency, MatchQueue.period)
    if agency is not None:
        query = query.where(MatchQueue.agency == agency)
    found: dict[str, Pending] = {}
    for entry, name, period in session.exec(query).all():
        waiting = found.setdefault(name, Pending())
        waiting.newest = max(waiting.newest, entry or 0)
        waiting.periods.add(period)
    return found


def take_off(session: Session, agency: str, up_to: int, periods: Iterable[int] | None = None) -> None:
    """Remove the agency's entries up to id ``up_to`` (of ``periods`` only, when given): the agency was
    matched after they were queued."""
    if not up_to:
        return
    query = delete(MatchQueue).where(col(MatchQueue.agency) == agency, col(MatchQueue.id) <= up_to)
    if periods is not None:
        query = query.where(col(MatchQueue.period).in_(sorted(set(periods))))
    session.exec(query)  # type: ignore[call-overload]


class AgencyLocks:
    """The agencies this process is matching (PostgreSQL session advisory locks, on a connection of
    their own: a process that dies releases them with its connection). Without PostgreSQL every lock is
    granted at once."""

    def __init__(self, engine: Engine) -> None:
        self._connection: Connection | None = None
        if engine.dialect.name == "postgresql":
            self._connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        self._held: set[str] = set()

    def take(self, agency: str, *, wait: bool) -> bool:
        """Lock the agency for this process; without ``wait``, False when another process holds it."""
        if self._connection is None or agency in self._held:
            self._held.add(agency)
            return True
        function = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
        got = self._connection.exec_driver_sql(f"SELECT {function}({LOCK_SPACE}, {_key(agency)})").scalar()
        if got is False:
            return False
        self._held.add(agency)
        return True

    def release(self, agency: str) -> None:
        if agency in self._held and self._connection is not None:
            self._connection.exec_driver_sql(f"SELECT pg_advisory_unlock({LOCK_SPACE}, {_key(agency)})")
        self._held.discard(agency)

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.exec_driver_sql("SELECT pg_advisory_unlock_all()")
            finally:
                self._connection.close()
                self._connection = None
        self._held.clear()


def _key(agency: str) -> int:
    """The agency's lock key, a signed 32-bit integer (two agencies sharing one only take turns)."""
    value = zlib.crc32(agency.encode("utf-8"))
    return value - (1 << 32) if value >= 1 << 31 else value
