"""The learned link decision: a candidate may count for the status without being suggested (``weighs``),
and carries what made its score (``why``).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("candidate") as batch:
        batch.add_column(sa.Column("weighs", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("why", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("candidate") as batch:
        batch.drop_column("why")
        batch.drop_column("weighs")
