"""DATEV interchange: a book's Beraternummer and Mandantennummer, and the fingerprints of the
DATEV files imported into it (the same file twice is refused).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import folio.store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("books") as batch:
        batch.add_column(sa.Column("datev_consultant_number", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("datev_client_number", sa.Integer(), nullable=True))
    op.create_table(
        "datev_imports",
        sa.Column("book_id", sa.String(length=32), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("intent_id", sa.String(length=32), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("imported_at", folio.store.types.UtcDateTime(), nullable=False),
        sa.Column("imported_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["book_id"], ["books.book_id"]),
        sa.PrimaryKeyConstraint("book_id", "sha256"),
    )


def downgrade() -> None:
    op.drop_table("datev_imports")
    with op.batch_alter_table("books") as batch:
        batch.drop_column("datev_client_number")
        batch.drop_column("datev_consultant_number")
