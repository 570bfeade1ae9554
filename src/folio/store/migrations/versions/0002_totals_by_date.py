"""Index the period totals by book and date for book-wide reads as of a date.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_daily_totals_book_day", "ledger_daily_totals", ["book_id", "day"])
    op.create_index("ix_monthly_totals_book_month", "ledger_monthly_totals", ["book_id", "month"])


def downgrade() -> None:
    op.drop_index("ix_monthly_totals_book_month", "ledger_monthly_totals")
    op.drop_index("ix_daily_totals_book_day", "ledger_daily_totals")
