"""Ledgers leave half of each page free on PostgreSQL (fillfactor 50).

Every posting adds to its ledgers' totals (`debits_posted`, `credits_posted`), which no index
reads. On a full page PostgreSQL writes the new version on another page and adds it to each of
the table's four indexes; with room on the same page it is a heap-only (HOT) update and the
indexes are left alone. A trial-balance import updates every ledger of its set once: with full
pages (a chart inserted in one go fills them) none of 10,010 updates of a 10,000-row import was
HOT, and the import's totals statements took 0.32-0.40 s; with half of each page free every
update but the offset ledger's overflow is HOT, 0.20-0.21 s (PostgreSQL's CPU for the whole
import 1.07-1.10 s -> 0.92-0.96 s, interleaved runs). The ledgers table is small beside the
journal, so twice its pages cost little. Pages written before this migration keep their fill
until the table is rewritten; SQLite has no such setting.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE ledgers SET (fillfactor = 50)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE ledgers RESET (fillfactor)")
