"""The databases the store, review and report tests run on: a SQLite file, or a PostgreSQL database of
its own per test on the server ``TRACKER_TEST_POSTGRES`` names (created in about 50 ms, cloned from a
template database where a test needs a prepared one).

A prepared database (the current schema, empty; the review tests' matched documents; the report tests'
reviewed seed …) is built once per backend and session, as a :class:`Template`, and every test gets a
copy of its own: on SQLite through the ``sqlite3`` backup API (a consistent copy even while the source
has a write-ahead log or an open connection), on PostgreSQL with ``CREATE DATABASE … TEMPLATE``. A test
never writes to a template, so what one test writes cannot reach another.

Importable as ``backends`` from every test (pytest puts ``tests/`` on sys.path).
"""

from __future__ import annotations

import copy
import itertools
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from tracker.store.engine import make_engine

T = TypeVar("T")

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


@dataclass(frozen=True)
class Template(Generic[T]):
    """A database built once per backend and session, and what its builder returned (ids …).

    Tests get copies (``databases.copy_of(template)``); only read-only session fixtures read the
    template itself."""

    url: str
    built: T

    @property
    def value(self) -> T:
        """What the builder returned, a copy of its own for each caller (a test may change it)."""
        return copy.deepcopy(self.built)


class _Templates:
    """The templates of one backend, by name, built on first use."""

    templates: dict[str, Template[Any]]
    folder: Path

    def new(self, folder: Path, name: str) -> str:
        raise NotImplementedError

    def _seal(self, url: str) -> None:
        """Leave the built template self-contained (nothing to do on PostgreSQL)."""

    def template(self, name: str, build: Callable[[str], T]) -> Template[T]:
        """The database ``build`` fills, given the URL of an empty one (it must dispose its engines).

        Built the first time a test asks for ``name`` on this backend, then kept until the session ends.
        A failing build is not kept: the next test asking for it builds it again (and fails the same
        way, on its own)."""
        found = self.templates.get(name)
        if found is None:
            url = self.new(self.folder, f"template_{name}")
            value = build(url)
            self._seal(url)
            found = self.templates[name] = Template(url, value)
        return found


def seal_sqlite(path: Path) -> None:
    """Fold a SQLite file's write-ahead log into it and empty the log, so that the file alone is the
    whole database and a plain file copy is complete (as on disk after a tracker command, whose last
    connection checkpoints the log as it closes). Nothing may be writing to it."""
    with closing(sqlite3.connect(path)) as connection:
        busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    assert busy == 0, f"{path}: a connection held the write-ahead log, it could not be folded in"
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0, f"{path}: the write-ahead log is not empty"


class SqliteBackend(_Templates):
    """SQLite files in the test's temporary folder; templates in ``folder``, kept for the session."""

    name = "sqlite"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.templates = {}

    def new(self, folder: Path, name: str) -> str:
        """The URL of a database that does not exist yet (``make_engine`` creates it)."""
        return f"sqlite:///{folder / name}.db"

    def copy(self, url: str, folder: Path, name: str) -> str:
        """A copy of the database at ``url``, through SQLite's backup API: consistent even while the
        source has a write-ahead log or another connection open (a file copy could miss the log)."""
        copied = self.new(folder, name)
        with (
            closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as source,
            closing(sqlite3.connect(copied.removeprefix("sqlite:///"))) as target,
        ):
            source.backup(target)
        return copied

    def _seal(self, url: str) -> None:
        seal_sqlite(Path(url.removeprefix("sqlite:///")))

    def drop(self, url: str) -> None:
        """Nothing to do: the temporary folder goes."""

    def close(self) -> None:
        """Nothing to do: the temporary folders go."""


class PostgresBackend(_Templates):
    """Databases on one PostgreSQL server, named after this process so that two runs do not collide.

    A copy is a clone of the given database (``CREATE DATABASE … TEMPLATE``). ``close`` drops whatever
    is left, templates included.
    """

    name = "postgresql"

    def __init__(self, url: str) -> None:
        self.templates = {}
        self.folder = Path(".")  # unused: a database here is no file
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

    def copy_of(self, template: Template[Any], name: str = "test") -> str:
        """The URL of the test's own copy of a template."""
        return self.copy(template.url, name)

    def close(self) -> None:
        for url in self.made:
            self.backend.drop(url)


def _create_schema(url: str) -> None:
    make_engine(url).dispose()


def empty_schema(backend: Backend) -> Template[None]:
    """The current schema with no rows: what ``make_engine`` makes of a new database (50 ms on SQLite,
    150 ms on PostgreSQL), copied in 1 ms or a clone's 50 ms."""
    return backend.template("schema", _create_schema)


def own_database(databases: Databases, request: pytest.FixtureRequest, name: str = "test") -> str:
    """The URL of a database of the test's own, for the ``db_url`` fixture.

    A test that opens it through the ``engine`` fixture (directly or through another fixture) gets a
    copy of :func:`empty_schema`: the same tables ``make_engine`` would create. Any other test gets one
    not made yet (SQLite) or without tables (PostgreSQL), so that it can watch ``make_engine`` or a
    command create or migrate it."""
    if "engine" in request.fixturenames:
        return databases.copy_of(empty_schema(databases.backend), name)
    return databases.new(name)


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
