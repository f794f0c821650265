"""The databases the store, review and report tests run on: a SQLite file, or a PostgreSQL database of
its own per test on the server ``TRACKER_TEST_POSTGRES`` names (created in about 50 ms, cloned from a
template database where a test needs a prepared one).

Importable as ``backends`` from every test (pytest puts ``tests/`` on sys.path).
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

#: A SQLAlchemy URL of a PostgreSQL database the tests may use to create and drop databases.
POSTGRES_ENV = "TRACKER_TEST_POSTGRES"
#: Set (to anything but 0) by .ci/run: then a missing or unreachable server fails instead of skipping.
REQUIRE_ENV = "TRACKER_REQUIRE_POSTGRES"
#: Set to ``true`` by CI services; it requires PostgreSQL too.
CI_ENV = "CI"

SKIP_REASON = (
    f"PostgreSQL variant: {POSTGRES_ENV} is not set; set it to a server's URL "
    "(postgresql+psycopg://user@host/db, the user may create databases) or run the tests through "
    ".ci/with-postgres, which starts a throwaway server"
)


def postgres_required() -> bool:
    """Whether this run must test PostgreSQL (CI), so that a skipped backend cannot pass unnoticed."""
    required = os.environ.get(REQUIRE_ENV, "") not in ("", "0")
    return required or os.environ.get(CI_ENV, "").lower() in ("true", "1", "yes")


def postgres_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


class SqliteBackend:
    """SQLite files in the test's temporary folder."""

    name = "sqlite"

    def new(self, folder: Path, name: str) -> str:
        """The URL of a database that does not exist yet (``make_engine`` creates it)."""
        return f"sqlite:///{folder / name}.db"

    def copy(self, url: str, folder: Path, name: str) -> str:
        """A copy of the database at ``url`` (every engine on it must be disposed)."""
        copied = self.new(folder, name)
        shutil.copy(url.removeprefix("sqlite:///"), copied.removeprefix("sqlite:///"))
        return copied

    def drop(self, url: str) -> None:
        """Nothing to do: the temporary folder goes."""

    def close(self) -> None:
        """Nothing to do."""


class PostgresBackend:
    """Databases on one PostgreSQL server, named after this process so that two runs do not collide.

    A copy is a clone of the given database (``CREATE DATABASE … TEMPLATE``). ``close`` drops whatever
    is left.
    """

    name = "postgresql"

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.prefix = f"tracker_test_{os.getpid()}_"
        self.numbers = itertools.count()
        self.made: list[str] = []

    def check(self) -> str:
        """The server's version; raises SQLAlchemyError when it cannot be reached."""
        with self.admin.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar())

    def url_of(self, database: str) -> str:
        return self.url.set(database=database).render_as_string(hide_password=False)

    def _create(self, label: str, template: str | None) -> str:
        database = f"{self.prefix}{next(self.numbers)}_{label}"[:63]
        with self.admin.connect() as connection:
            if template is not None:
                # A clone needs the template to itself: end what a failed test left connected.
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": template},
                )
            clause = f' TEMPLATE "{template}"' if template is not None else ""
            connection.execute(text(f'CREATE DATABASE "{database}"{clause}'))
        self.made.append(database)
        return database

    def new(self, folder: Path, name: str) -> str:
        """A new, empty database, as a SQLite file that does not exist yet (``make_engine`` makes the
        schema)."""
        return self.url_of(self._create(_label(name), None))

    def copy(self, url: str, folder: Path, name: str) -> str:
        """A clone of the database at ``url``."""
        source = make_url(url).database
        assert source is not None
        return self.url_of(self._create(_label(name), source))

    def drop(self, url: str) -> None:
        database = make_url(url).database
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        if database in self.made:
            self.made.remove(database)

    def close(self) -> None:
        for database in reversed(list(self.made)):
            self.drop(self.url_of(database))
        self.admin.dispose()


def _label(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name.lower())[:20]


Backend = SqliteBackend | PostgresBackend


@dataclass
class Databases:
    """Databases for one test on one backend; the PostgreSQL ones are dropped when the test ends."""

    backend: Backend
    folder: Path
    made: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.backend.name

    def new(self, name: str = "test") -> str:
        """The URL of a fresh, empty database."""
        url = self.backend.new(self.folder, name)
        self.made.append(url)
        return url

    def copy(self, url: str, name: str = "copy") -> str:
        """The URL of a copy of the database at ``url``, which the test may change."""
        copied = self.backend.copy(url, self.folder, name)
        self.made.append(copied)
        return copied

    def close(self) -> None:
        for url in self.made:
            self.backend.drop(url)


#: ``rows("SELECT … WHERE id = ?", value)``: a query's rows as tuples.
Rows = Callable[..., list[tuple]]


@contextmanager
def raw_rows(url: str) -> Iterator[Rows]:
    """Raw SQL on the database at ``url``, with ``?`` for parameters: through ``sqlite3`` for a SQLite
    file, through SQLAlchemy (its driver's own connection, no ORM) for PostgreSQL. Nothing is written;
    what a PostgreSQL connection began is rolled back."""
    if url.startswith("sqlite:///"):
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn:
            yield lambda query, *args: conn.execute(query, args).fetchall()
        return
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:

            def rows(query: str, *args: object) -> list[tuple]:
                result = connection.exec_driver_sql(query.replace("?", "%s"), args)
                return [tuple(row) for row in result.fetchall()]

            yield rows
    finally:
        engine.dispose()


def open_postgres() -> PostgresBackend:
    """The backend on ``TRACKER_TEST_POSTGRES``.

    Raises:
        LookupError: the variable is not set.
        SQLAlchemyError: the server cannot be reached.
    """
    url = postgres_url()
    if url is None:
        raise LookupError(SKIP_REASON)
    backend = PostgresBackend(url)
    try:
        backend.check()
    except SQLAlchemyError:
        backend.admin.dispose()
        raise
    return backend
