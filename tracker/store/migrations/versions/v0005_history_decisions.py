"""Reviewers decide on history: a continuation, repetition or drop confirmed or rejected (two new
review actions in the decision log's list of actions).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_BEFORE = ("confirm", "reject", "link", "unlink", "status", "note")
_AFTER = (*_BEFORE, "history_confirm", "history_reject")


def _actions(actions: tuple[str, ...]) -> str:
    return "action IN (" + ", ".join(f"'{a}'" for a in actions) + ")"


def upgrade() -> None:
    with op.batch_alter_table("decision") as batch:  # SQLite copies the table; PostgreSQL alters it
        batch.drop_constraint("ck_decision_action", type_="check")
        batch.create_check_constraint("ck_decision_action", _actions(_AFTER))


def downgrade() -> None:
    # the log is never rewritten: a database holding history decisions cannot go back before them
    held = (
        op.get_bind().execute(sa.text("SELECT COUNT(*) FROM decision WHERE action LIKE 'history_%'")).scalar()
    )
    if held:
        raise RuntimeError(f"{held} history decisions are in the log; export them before going back")
    with op.batch_alter_table("decision") as batch:  # SQLite copies the table; PostgreSQL alters it
        batch.drop_constraint("ck_decision_action", type_="check")
        batch.create_check_constraint("ck_decision_action", _actions(_BEFORE))
