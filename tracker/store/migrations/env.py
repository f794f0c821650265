"""Alembic's environment for tracker: migrations run on the connection the caller hands over.

There is no alembic.ini and no URL here: :func:`tracker.store.migrations.runner.config` puts an open
connection, already inside the caller's transaction, into ``config.attributes["connection"]``.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

from tracker.store import models  # noqa: F401  (registers the tables on SQLModel.metadata)


def render_item(kind: str, obj: Any, _context: AutogenContext) -> str | Literal[False]:
    """Write SQLModel's column types as the plain SQLAlchemy types they stand for (``sa.String()``), so
    that revisions do not depend on SQLModel's internals."""
    if kind == "type" and isinstance(obj, TypeDecorator) and type(obj).__module__.startswith("sqlmodel"):
        return f"sa.{obj.impl_instance!r}"
    return False


connection = context.config.attributes.get("connection")
if context.is_offline_mode() or connection is None:
    raise RuntimeError("tracker's migrations run on a connection; use python -m tracker.store.migrations")
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
    render_item=render_item,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
