"""Year-end closes and their closing balances (DESIGN §3a).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import folio.store.types
from folio.store.migrations.immutability import create_closing_triggers, drop_closing_triggers

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("books") as batch:
        batch.add_column(sa.Column("closed_through", sa.Date(), nullable=True))
    op.create_table(
        "fiscal_year_closings",
        sa.Column("book_id", sa.String(length=32), nullable=False),
        sa.Column("closing_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("result", sa.BigInteger(), nullable=False),
        sa.Column("retained_earnings_id", sa.String(length=32), nullable=False),
        sa.Column("journal_number", sa.BigInteger(), nullable=False),
        sa.Column("journal_hash", sa.String(length=64), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("closed_at", folio.store.types.UtcDateTime(), nullable=False),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("reopened_at", folio.store.types.UtcDateTime(), nullable=True),
        sa.Column("reopened_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["book_id"], ["books.book_id"]),
        sa.PrimaryKeyConstraint("book_id", "closing_id"),
        sa.UniqueConstraint("book_id", "seq", name="uq_closings_book_seq"),
    )
    op.create_index(
        "uq_closings_live_year",
        "fiscal_year_closings",
        ["book_id", "year"],
        unique=True,
        sqlite_where=sa.text("reopened_at IS NULL"),
        postgresql_where=sa.text("reopened_at IS NULL"),
    )
    op.create_table(
        "fiscal_year_closing_balances",
        sa.Column("book_id", sa.String(length=32), nullable=False),
        sa.Column("closing_id", sa.String(length=32), nullable=False),
        sa.Column("ledger_id", sa.String(length=32), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["book_id", "closing_id"],
            ["fiscal_year_closings.book_id", "fiscal_year_closings.closing_id"],
        ),
        sa.ForeignKeyConstraint(["book_id", "ledger_id"], ["ledgers.book_id", "ledgers.ledger_id"]),
        sa.PrimaryKeyConstraint("book_id", "closing_id", "ledger_id"),
    )
    create_closing_triggers(op.get_bind())


def downgrade() -> None:
    drop_closing_triggers(op.get_bind())
    op.drop_table("fiscal_year_closing_balances")
    op.drop_index("uq_closings_live_year", "fiscal_year_closings")
    op.drop_table("fiscal_year_closings")
    with op.batch_alter_table("books") as batch:
        batch.drop_column("closed_through")
