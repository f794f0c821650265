"""History across years: what came before a commitment (the summary of the year before, earlier plans).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "history_candidate",
        sa.Column("commitment_id", sa.String(), sa.ForeignKey("commitment.id"), nullable=False),
        sa.Column("relation", sa.String(), nullable=False),
        sa.Column("other_id", sa.String(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.CheckConstraint("state IN ('candidate', 'suggested')", name="ck_history_candidate_state"),
        sa.CheckConstraint(
            "relation IN ('prior_evidence', 'prior_commitment')", name="ck_history_candidate_relation"
        ),
        sa.PrimaryKeyConstraint("commitment_id", "relation", "other_id"),
    )
    op.create_index("ix_history_candidate_other_id", "history_candidate", ["other_id"])


def downgrade() -> None:
    op.drop_index("ix_history_candidate_other_id", table_name="history_candidate")
    op.drop_table("history_candidate")
