"""Entries found by their external reference (an invoice number, a Belegfeld 1) through an
index instead of a scan of the book's journal.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_entries_book_reference", "journal_entries", ["book_id", "external_reference"]
    )


def downgrade() -> None:
    op.drop_index("ix_entries_book_reference", table_name="journal_entries")
