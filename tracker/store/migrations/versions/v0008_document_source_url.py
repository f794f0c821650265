"""Web pages: the address each document was read from.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # every document stored before is a file: no address
    op.add_column("document", sa.Column("source_url", sa.String(), nullable=True))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN (SQLite from 3.35): no rebuild of a table the statements point at
    op.drop_column("document", "source_url")
