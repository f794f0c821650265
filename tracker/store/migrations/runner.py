"""Bringing a database to the schema of this version: create it, place a pre-migration one, upgrade.

Alembic is driven programmatically: :func:`config` points it at this package and hands it an open
connection, so no alembic.ini or URL is needed at run time.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from tracker.errors import StoreError
from tracker.store import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from tracker.store.migrations import BASELINES

FOLDER = Path(__file__).resolve().parent


def config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for the revisions in this package, running on ``connection``."""
    cfg = Config(attributes={"connection": connection})
    cfg.set_main_option("script_location", str(FOLDER))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("file_template", "v%%(rev)s_%%(slug)s")
    return cfg


@cache
def script_directory() -> ScriptDirectory:
    """The revisions in ``versions/``, read once per process."""
    return ScriptDirectory.from_config(config())


def migrate(connection: Connection) -> None:
    """Bring the database behind ``connection`` to the head revision, inside the caller's transaction.

    A database without tables gets the current tables and is stamped at head; one made before
    migrations existed is stamped at the revision its tables show (:data:`BASELINES`) and upgraded.

    Raises:
        StoreError: the database carries a revision this version does not know (a newer tracker made
            it), or Alembic cannot run a migration.
    """
    context = MigrationContext.configure(connection)
    scripts = script_directory()
    current = context.get_current_revision()
    try:
        if current is None:
            tables = set(inspect(connection).get_table_names())
            baseline = next((revision for table, revision in BASELINES if table in tables), None)
            if baseline is None:
                SQLModel.metadata.create_all(connection)
                context.stamp(scripts, "head")
                return
            context.stamp(scripts, baseline)
        elif current not in {script.revision for script in scripts.walk_revisions()}:
            raise StoreError(f"database was made by a newer tracker (revision {current}); upgrade tracker")
        elif current == scripts.get_current_head():
            return  # another process migrated it while this one waited for the lock
        command.upgrade(config(connection), "head")
    except CommandError as exc:
        problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise StoreError(f"cannot migrate the database from revision {current}: {problem}") from exc
