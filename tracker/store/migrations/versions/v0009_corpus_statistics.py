"""Incremental matching: each document's share of the term statistics, their sum, and the queue of the
agency-years that changed since they were matched.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Empty: the first run after the upgrade counts every document and matches every agency-year.
    op.create_table(
        "corpus_document",
        sa.Column("document_id", sa.String(), nullable=False),
        sa.Column("fingerprint", sa.String(), nullable=False),
        sa.Column("statements", sa.Integer(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("blocks", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("document_id"),
    )
    op.create_table(
        "corpus_term",
        sa.Column("term", sa.String(), nullable=False),
        sa.Column("frequency", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term"),
    )
    op.create_table(
        "match_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,  # ids only grow (tracker.store.queue)
    )
    op.create_index("ix_match_queue_agency", "match_queue", ["agency"])


def downgrade() -> None:
    op.drop_index("ix_match_queue_agency", table_name="match_queue")
    op.drop_table("match_queue")
    op.drop_table("corpus_term")
    op.drop_table("corpus_document")
