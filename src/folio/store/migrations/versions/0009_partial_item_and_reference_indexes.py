"""Lines by open item and entries by external reference indexed only where they have one.

Most lines name no open item and most entries carry no external reference (an opening-balance
import writes NULL in both for every row), yet the full indexes took an entry per line and per
entry: about 11 MB of the 260 MB a 100,000-row import writes on SQLite, kept current by every
insert. Both are read only by a value (`item_id = ...`, `external_reference = ...`), which
implies NOT NULL, so SQLite and PostgreSQL plan those reads on the partial indexes as before.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_INDEXES = (
    ("ix_lines_book_item", "journal_lines", "item_id"),
    ("ix_entries_book_reference", "journal_entries", "external_reference"),
)


def upgrade() -> None:
    for name, table, column in _INDEXES:
        op.drop_index(name, table_name=table)
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(
            name, table, ["book_id", column], sqlite_where=where, postgresql_where=where
        )


def downgrade() -> None:
    for name, table, column in _INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, ["book_id", column])
