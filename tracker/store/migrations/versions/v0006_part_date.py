"""Interim reports: the date each document part reports as of.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("part", sa.Column("as_of", sa.Date(), nullable=True))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN (SQLite from 3.35): no rebuild of a table the statements point at
    op.drop_column("part", "as_of")
