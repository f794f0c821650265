"""Task tables: the unit responsible for a commitment, and summary parts read from a task table's
progress column (a report on its own document's tasks).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("commitment", sa.Column("lead_unit", sa.String(), nullable=True))
    op.add_column("part", sa.Column("from_table", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN (SQLite from 3.35): no rebuild of a table the statements point at
    op.drop_column("part", "from_table")
    op.drop_column("commitment", "lead_unit")
