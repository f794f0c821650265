"""Inserting many rows of one table at the speed of the database driver, inside the session's transaction.

An ingest writes about 200 statement rows per document, 200,000 for a thousand documents. Through
SQLAlchemy every row costs a parameter dictionary, its type processing and a compiled-parameter pass,
three times what SQLite itself needs to store it; so the rows go to the driver as plain tuples in the
table's column order: ``executemany`` on SQLite, ``COPY … FROM STDIN`` on PostgreSQL with psycopg 3.
Any other driver gets the same rows through SQLAlchemy Core. The values are the ones SQLAlchemy would
bind (JSON columns as ``json.dumps`` text, booleans as ``bool``), so what is stored does not depend on
the path taken.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import JSON, Table, bindparam, insert, select
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

#: Ids per ``IN (…)`` list (tracker.store.queries.CHUNK; that module reads the rows this one writes).
_CHUNK = 500
#: The JSON text of an empty list, as SQLAlchemy's JSON type binds it (``json.dumps([])``).
EMPTY_JSON_LIST = json.dumps([])


def json_text(value: Any) -> str:
    """A JSON column's value as SQLAlchemy's JSON type writes it (the default ``json.dumps``)."""
    return EMPTY_JSON_LIST if value == [] else json.dumps(value)


def insert_new_rows(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> int:
    """Insert those of ``rows`` (each a value per name of ``columns``, the first the primary key ``id``)
    whose id ``table`` does not hold yet, in the session's current transaction; how many were inserted.

    SQLite skips a stored id itself (``ON CONFLICT (id) DO NOTHING``: no query before, and the count of
    inserted rows says whether any was skipped); PostgreSQL's ``COPY`` cannot skip, so the stored ids
    are looked up first.
    """
    if not rows:
        return 0
    connection = session.connection()
    names = ", ".join(columns)
    dialect = connection.dialect
    driver: Any = connection.connection.driver_connection
    error = dialect.loaded_dbapi.Error
    if dialect.name == "sqlite":
        marks = ", ".join("?" * len(columns))
        sql = f"INSERT INTO {table.name} ({names}) VALUES ({marks}) ON CONFLICT (id) DO NOTHING"
        with _as_sqlalchemy_error(sql, error):
            return int(driver.executemany(sql, rows).rowcount)
    stored = _stored_ids(session, table, [row[0] for row in rows])
    new = [row for row in rows if row[0] not in stored]
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        sql = f"COPY {table.name} ({names}) FROM STDIN"
        with _as_sqlalchemy_error(sql, error), driver.cursor() as cursor, cursor.copy(sql) as copy:
            for row in new:
                copy.write_row(row)
    elif new:
        # JSON columns hold text already: bind it as the column's own type would not (it would encode again).
        session.execute(insert(table), [_decoded(table, dict(zip(columns, row, strict=True))) for row in new])
    return len(new)


def _stored_ids(session: Session, table: Table, keys: list[str]) -> set[str]:
    query = select(table.c.id).where(table.c.id.in_(bindparam("keys", expanding=True)))
    stored: set[str] = set()
    for start in range(0, len(keys), _CHUNK):
        stored.update(session.connection().execute(query, {"keys": keys[start : start + _CHUNK]}).scalars())
    return stored


@contextmanager
def _as_sqlalchemy_error(sql: str, driver_error: type[Exception]) -> Iterator[None]:
    """The driver's own error as SQLAlchemy would raise it, so that callers catch and describe one kind."""
    try:
        yield
    except driver_error as error:
        raise DBAPIError.instance(sql, None, error, driver_error) from error


def _decoded(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    for name, value in row.items():
        if isinstance(table.columns[name].type, JSON) and isinstance(value, str):
            row[name] = json.loads(value)
    return row
