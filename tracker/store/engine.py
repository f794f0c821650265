"""Opening the database: any SQLAlchemy URL, with SQLite tuned for one writer and a reading UI, and its
schema brought to this version's (created or migrated, see :mod:`tracker.store.migrations`).

SQLite connections get foreign keys on, WAL journaling (readers do not block the writer) and a busy
timeout, and SQLAlchemy emits BEGIN itself so that a session transaction really is one SQLite
transaction (the sqlite3 module's legacy mode starts transactions late and never for SELECT).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlmodel import Session, create_engine

from tracker.errors import StoreError
from tracker.store import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from tracker.store.migrations import HEAD

DEFAULT_URL = "sqlite:///commitments.db"
ENV_VAR = "TRACKER_DB"
BUSY_TIMEOUT_MS = 5000

#: Execution option read by the BEGIN hook: "IMMEDIATE" takes SQLite's write lock at BEGIN, so a
#: read-then-write transaction cannot fail half way with "database is locked".
BEGIN_OPTION = "tracker_sqlite_begin"

#: Key of the PostgreSQL advisory lock that lets one process at a time create or migrate the schema.
SCHEMA_LOCK = 0x7472_6163_6B65_72  # "tracker"


def database_url(url: str | None = None) -> str:
    """The URL to use: the explicit one, else ``$TRACKER_DB``, else ``sqlite:///commitments.db``.

    A value without ``://`` is a path to a SQLite file (``--db review.db``).
    """
    chosen = url or os.environ.get(ENV_VAR) or DEFAULT_URL
    if "://" not in chosen:
        return f"sqlite:///{chosen}"
    return chosen


_PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*@")


def shown_url(url: str) -> str:
    """``url`` as it may be printed: its password masked (``postgresql://li:***@host/db``)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError, TypeError):
        return _PASSWORD.sub(r"\1***@", url)


def database_label(url: str, cwd: Path | None = None) -> str:
    """The database as a title names it: a SQLite file by its path (relative to ``cwd`` when inside
    it), another server as ``postgresql localhost:5432/tracker``: never a user name or password."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError, TypeError):
        return shown_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            return "内存 in-memory"
        path = Path(parsed.database)
        if path.is_absolute():
            try:
                return path.relative_to((cwd or Path.cwd()).resolve()).as_posix()
            except ValueError:
                return path.as_posix()
        return path.as_posix()
    port = f":{parsed.port}" if parsed.port else ""
    return f"{backend} {parsed.host or 'localhost'}{port}/{parsed.database or ''}"


def _masked(text: str, url: str) -> str:
    """``text`` (a driver's message) with the URL's password, if it repeats it, masked."""
    try:
        password = make_url(url).password
    except (ArgumentError, ValueError, TypeError):
        password = None
    masked = _PASSWORD.sub(r"\1***@", text)
    return masked.replace(str(password), "***") if password else masked


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


#: SQLite page cache per connection, in KiB.
CACHE_KIB = 65536


def _tune_sqlite(engine: Engine, *, read_only: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if not read_only:  # switching to WAL writes the file; a read-only one keeps its journal mode
            cursor.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL syncs at checkpoints, not at every commit: a crash of the program never
            # loses a committed transaction, a power cut may lose the last ones but never corrupts the
            # file (https://www.sqlite.org/pragma.html#pragma_synchronous). FULL cost 11-58 ms a commit.
            cursor.execute("PRAGMA synchronous=NORMAL")
        # Inserts land on random pages of text primary keys; 64 MB of cache keeps them in memory.
        cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        mode = conn.get_execution_options().get(BEGIN_OPTION, "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())


def _read_only_url(url: str) -> str | None:
    """The read-only form of a SQLite URL whose file exists but cannot be written here (a read-only
    file system or file), so that reports and the UI still read it; None for every other URL.

    SQLite in WAL mode writes a ``-shm`` file beside the database even to read; ``immutable=1`` tells it
    that nobody can change the file, which is what a read-only file system guarantees.
    """
    path = sqlite_path(url)
    if path is None or not path.exists():
        return None
    if os.access(path, os.W_OK) and os.access(path.parent, os.W_OK):
        return None
    return f"sqlite:///file:{quote(str(path.resolve()))}?mode=ro&immutable=1&uri=true"


def make_engine(url: str | None = None, *, create: bool = True) -> Engine:
    """Open the database at ``url`` (see :func:`database_url`) and bring its schema up to date.

    With ``create`` a new database gets the tables, one made by an older tracker is migrated, and an
    up-to-date one costs a single SELECT of its revision.

    Raises:
        StoreError: the URL is malformed, its driver is not installed, the database cannot be opened
            or written, or a newer tracker made it.
    """
    url = database_url(url)
    read_only = _read_only_url(url)
    try:
        # A review UI left open against a team server must survive the server dropping an idle
        # connection: check each pooled connection before use (SQLite files have nothing to drop).
        engine = create_engine(read_only or url, pool_pre_ping=not url.startswith("sqlite"))
    except (ArgumentError, NoSuchModuleError, ModuleNotFoundError, ValueError) as exc:
        raise StoreError(
            f"cannot use database URL {shown_url(url)!r}: {_masked(str(exc), url)}",
            "check --db or TRACKER_DB",
        ) from exc
    if engine.dialect.name == "sqlite":
        _tune_sqlite(engine, read_only=read_only is not None)
        path = sqlite_path(url)
        if path is not None and not path.parent.exists():
            raise StoreError(f"cannot create database {path}: folder {path.parent} does not exist")
    if create:
        try:
            if stored_revision(engine) != HEAD:
                _migrate(engine)
        except SQLAlchemyError as exc:
            text = _masked(describe(exc), url)
            raise StoreError(f"cannot open database {shown_url(url)}: {text}", hint_for(text)) from exc
    return engine


def stored_revision(engine: Engine) -> str | None:
    """The schema revision the database records, or None when it records none (new, or pre-migration)."""
    try:
        with engine.connect() as connection:
            revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except DBAPIError:
        return None
    return None if revision is None else str(revision)


def _migrate(engine: Engine) -> None:
    from tracker.store.migrations.runner import migrate  # imports Alembic: only when there is work

    with _schema_transaction(engine) as connection:
        migrate(connection)


@contextmanager
def _schema_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the schema for itself: concurrent openers wait and then find it done.

    SQLite takes its write lock at BEGIN and runs with foreign keys off, as a table rebuild (Alembic's
    batch mode) needs; the keys are checked before commit. PostgreSQL takes an advisory lock.
    """
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
            _sqlite_pragma(connection, "foreign_keys=OFF")
        try:
            with connection.begin():
                if engine.dialect.name == "postgresql":
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
                yield connection
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise StoreError("migrating the database broke a foreign key; nothing was changed")
        finally:
            if sqlite:
                _sqlite_pragma(connection, "foreign_keys=ON")


def _sqlite_pragma(connection: Connection, pragma: str) -> None:
    """Run a PRAGMA outside any transaction (inside one, SQLite ignores ``foreign_keys``)."""
    connection.connection.driver_connection.execute(f"PRAGMA {pragma}")  # type: ignore[union-attr]


def describe(exc: SQLAlchemyError) -> str:
    """One line about a database error: the driver's message, without SQLAlchemy's SQL dump."""
    orig = getattr(exc, "orig", None)
    text = str(orig) if orig is not None else str(exc)
    return text.splitlines()[0] if text else exc.__class__.__name__


#: Words of a driver's message -> what the user can do about it.
_HINTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("database is locked", "could not obtain lock", "lock timeout", "deadlock detected"),
        "another process holds the database (a running 'tracker match' or ingest?); retry in a moment",
    ),
    (
        ("connection refused", "could not connect", "connection failed", "server closed the connection",
         "terminating connection", "no such host", "could not translate host name", "timeout expired",
         "connection is bad", "connection is closed", "the connection is lost", "consuming input failed"),
        "the database server cannot be reached; check that it is running and --db / TRACKER_DB",
    ),
    (("unable to open database file",), "the database file cannot be opened; check its path and permissions"),
    (("readonly database", "read-only"), "the database cannot be written here; check its permissions"),
    (("database or disk is full", "no space left", "disk full"), "the disk is full; free space and retry"),
)  # fmt: skip


def hint_for(message: str) -> str | None:
    """What the user can do about a database error, when its message says (None otherwise)."""
    lowered = message.lower()
    for words, hint in _HINTS:
        if any(word in lowered for word in words):
            return hint
    return None


def database_error(exc: SQLAlchemyError, doing: str = "database error") -> StoreError:
    """A library error from the database as one line with the fix, never a traceback."""
    text = describe(exc)
    return StoreError(f"{doing}: {text}", hint_for(text))


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session whose work is one transaction, committed on success and rolled back on any error.

    On SQLite the transaction starts with BEGIN IMMEDIATE so concurrent writers wait (up to the busy
    timeout) instead of failing after they have read.

    Raises:
        StoreError: the database refused the work (locked past the busy timeout, unreachable, full …);
            nothing of it was written, and the message says what to do.
    """
    bound = (
        engine.execution_options(**{BEGIN_OPTION: "IMMEDIATE"}) if engine.dialect.name == "sqlite" else engine
    )
    try:
        with Session(bound, expire_on_commit=False) as session, session.begin():
            yield session
    except SQLAlchemyError as exc:
        raise database_error(exc, "not saved") from exc


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for queries; nothing is committed.

    Raises:
        StoreError: the database could not be read (locked, unreachable …), with what to do.
    """
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session
    except SQLAlchemyError as exc:
        raise database_error(exc, "cannot read the database") from exc
