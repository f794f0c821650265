"""Agency statistics: matching counts a term's rarity over each agency's own statements, so the corpus
term sums go; what is kept of each document is the version matching last saw, and of the matcher the
fingerprint every agency was matched with.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "match_document",
        sa.Column("document_id", sa.String(), nullable=False),
        sa.Column("fingerprint", sa.String(), nullable=False),
        sa.Column("blocks", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("document_id"),
    )
    op.create_table(
        "match_state",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    # The versions seen stay seen: what was matched after them needs no match again.
    op.execute(
        "INSERT INTO match_document (document_id, fingerprint, blocks) "
        "SELECT document_id, fingerprint, blocks FROM corpus_document"
    )
    op.drop_table("corpus_term")
    op.drop_table("corpus_document")


def downgrade() -> None:
    # Empty, as revision 0009 creates them: the first run of that version counts every document again.
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
    op.drop_table("match_state")
    op.drop_table("match_document")
