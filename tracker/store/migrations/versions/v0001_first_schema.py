"""The first schema, as released before the review UI: documents and their parts, commitments,
achievements, match candidates, automatic statuses and the decision log.

Databases made before migrations existed and without the ``retraction`` table are stamped at this
revision. The value lists of the CHECK constraints are written out: a revision stays as it was released
even when ``tracker.statuses`` grows.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None

STATUSES = "'fulfilled', 'partial', 'in_progress', 'no_evidence', 'pending', 'not_fulfilled', 'unverifiable'"
ACTIONS = "'confirm', 'reject', 'link', 'unlink', 'status', 'note'"


def _statement_columns(payload: str) -> list[sa.schema.SchemaItem]:
    """The columns commitment and achievement share; ``payload`` is targets or quantities."""
    return [
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("document_id", sa.String(), sa.ForeignKey("document.id"), nullable=False),
        sa.Column("part_id", sa.String(), sa.ForeignKey("part.id"), nullable=False),
        sa.Column("agency", sa.String(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("normalized", sa.String(), nullable=False),
        sa.Column("topic", sa.String(), nullable=False),
        sa.Column(payload, sa.JSON(), nullable=False),
        sa.Column("deadline", sa.String(), nullable=True),
        sa.Column("testable", sa.Boolean(), nullable=False),
        sa.Column("times_stated", sa.Integer(), nullable=False),
        sa.Column("sentence", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    ]


def upgrade() -> None:
    op.create_table(
        "document",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("encoding", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("agency", sa.String(), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_lines", sa.Integer(), nullable=False),
        sa.Column("repeated_paragraphs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_document_agency", "document", ["agency"])
    op.create_index("ix_document_path", "document", ["path"], unique=True)

    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.String(), nullable=False),
        sa.Column("achievement_id", sa.String(), nullable=True),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=True),
        sa.Column("reviewer", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("commitment_text", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint(f"action IN ({ACTIONS})", name="ck_decision_action"),
    )
    op.create_index("ix_decision_commitment_id", "decision", ["commitment_id"])

    op.create_table(
        "part",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("document_id", sa.String(), sa.ForeignKey("document.id"), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(), nullable=False),
        sa.Column("heading", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("kind IN ('plan', 'summary')", name="ck_part_kind"),
    )
    op.create_index("ix_part_agency_period_kind", "part", ["agency", "period", "kind"])
    op.create_index("ix_part_document_id", "part", ["document_id"])

    for table, payload in (("commitment", "targets"), ("achievement", "quantities")):
        op.create_table(table, *_statement_columns(payload))
        op.create_index(f"ix_{table}_document_id", table, ["document_id"])
        op.create_index(f"ix_{table}_part_id", table, ["part_id"])
        op.create_index(f"ix_{table}_agency_period", table, ["agency", "period"])

    op.create_table(
        "candidate",
        sa.Column("commitment_id", sa.String(), sa.ForeignKey("commitment.id"), nullable=False),
        sa.Column("achievement_id", sa.String(), sa.ForeignKey("achievement.id"), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("shared_terms", sa.JSON(), nullable=False),
        sa.Column("scorer", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("commitment_id", "achievement_id"),
        sa.CheckConstraint("state IN ('candidate', 'suggested')", name="ck_candidate_state"),
    )
    op.create_index("ix_candidate_achievement_id", "candidate", ["achievement_id"])

    op.create_table(
        "commitmentstatus",
        sa.Column("commitment_id", sa.String(), sa.ForeignKey("commitment.id"), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("commitment_id"),
        sa.CheckConstraint(f"status IN ({STATUSES})", name="ck_status_status"),
        sa.CheckConstraint("source IN ('auto', 'reviewer')", name="ck_status_source"),
    )


def downgrade() -> None:
    for table in (
        "commitmentstatus",
        "candidate",
        "achievement",
        "commitment",
        "part",
        "decision",
        "document",
    ):
        op.drop_table(table)
