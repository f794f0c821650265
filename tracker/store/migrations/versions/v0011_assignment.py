"""Review as a team: assignments of commitments to reviewers (with double coding), and the adjudication
of two coders' disagreement as a review action of its own.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_BEFORE = ("confirm", "reject", "link", "unlink", "status", "note", "history_confirm", "history_reject")
_AFTER = (*_BEFORE, "adjudicate")


def _actions(actions: tuple[str, ...]) -> str:
    return "action IN (" + ", ".join(f"'{a}'" for a in actions) + ")"


def upgrade() -> None:
    op.create_table(
        "assignment",
        sa.Column("commitment_id", sa.String(), nullable=False),
        sa.Column("role", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("commitment_text", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("commitment_id", "role"),
        sa.CheckConstraint("role IN (1, 2)", name="ck_assignment_role"),
    )
    op.create_index("ix_assignment_reviewer_position", "assignment", ["reviewer", "position"])
    with op.batch_alter_table("decision") as batch:  # SQLite copies the table; PostgreSQL alters it
        batch.drop_constraint("ck_decision_action", type_="check")
        batch.create_check_constraint("ck_decision_action", _actions(_AFTER))


def downgrade() -> None:
    # the log is never rewritten: a database holding adjudications cannot go back before them
    held = (
        op.get_bind().execute(sa.text("SELECT COUNT(*) FROM decision WHERE action = 'adjudicate'")).scalar()
    )
    if held:
        raise RuntimeError(f"{held} adjudications are in the log; export them before going back")
    with op.batch_alter_table("decision") as batch:
        batch.drop_constraint("ck_decision_action", type_="check")
        batch.create_check_constraint("ck_decision_action", _actions(_BEFORE))
    op.drop_index("ix_assignment_reviewer_position", table_name="assignment")
    op.drop_table("assignment")
