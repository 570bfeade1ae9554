"""Customers and suppliers, their number ranges and open items; a line's party and item; the
receivables and payables control ledgers named by role.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import folio.store.types
from folio.store.migrations.immutability import create_triggers, drop_triggers

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# The control ledgers of the chart templates, given their roles in books made before them.
_CONTROL = {
    "skr04": {"1200": "receivables", "3300": "payables"},
    "skr03": {"1400": "receivables", "1600": "payables"},
    "us_small_business": {"1100": "receivables", "2000": "payables"},
}


def upgrade() -> None:
    op.create_table(
        "parties",
        sa.Column("book_id", sa.String(length=32), nullable=False),
        sa.Column("party_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("tax_id", sa.String(length=30), nullable=True),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("payment_terms_days", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", folio.store.types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", folio.store.types.UtcDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('customer', 'supplier')", name="ck_parties_kind"),
        sa.CheckConstraint(
            "payment_terms_days BETWEEN 0 AND 365", name="ck_parties_payment_terms_days"
        ),
        sa.ForeignKeyConstraint(["book_id"], ["books.book_id"]),
        sa.PrimaryKeyConstraint("book_id", "party_id"),
        sa.UniqueConstraint("book_id", "number", name="uq_parties_book_number"),
    )
    op.create_table(
        "party_number_ranges",
        sa.Column("book_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("first_number", sa.BigInteger(), nullable=False),
        sa.Column("last_number", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("kind IN ('customer', 'supplier')", name="ck_party_ranges_kind"),
        sa.CheckConstraint(
            "first_number > 0 AND first_number <= last_number", name="ck_party_ranges_order"
        ),
        sa.ForeignKeyConstraint(["book_id"], ["books.book_id"]),
        sa.PrimaryKeyConstraint("book_id", "kind"),
    )
    op.create_table(
        "open_items",
        sa.Column("book_id", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.String(length=32), nullable=False),
        sa.Column("party_id", sa.String(length=32), nullable=False),
        sa.Column("ledger_id", sa.String(length=32), nullable=False),
        sa.Column("document_number", sa.String(length=36), nullable=False),
        sa.Column("document_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.String(length=512), nullable=True),
        sa.Column("created_at", folio.store.types.UtcDateTime(), nullable=False),
        sa.CheckConstraint("amount <> 0", name="ck_open_items_amount"),
        sa.CheckConstraint("due_date >= document_date", name="ck_open_items_due"),
        sa.ForeignKeyConstraint(["book_id", "ledger_id"], ["ledgers.book_id", "ledgers.ledger_id"]),
        sa.ForeignKeyConstraint(["book_id", "party_id"], ["parties.book_id", "parties.party_id"]),
        sa.PrimaryKeyConstraint("book_id", "item_id"),
        sa.UniqueConstraint(
            "book_id", "party_id", "document_number", name="uq_open_items_document"
        ),
    )
    # Plain nullable columns: adding them touches no row, so the append-only triggers stay.
    op.add_column("journal_lines", sa.Column("party_id", sa.String(length=32), nullable=True))
    op.add_column("journal_lines", sa.Column("item_id", sa.String(length=32), nullable=True))
    op.create_index("ix_lines_book_item", "journal_lines", ["book_id", "item_id"])
    conn = op.get_bind()
    for chart, numbers in _CONTROL.items():
        for number, role in numbers.items():
            conn.execute(
                sa.text(
                    "UPDATE ledgers SET role = :role WHERE number = :number AND role IS NULL "
                    "AND book_id IN (SELECT book_id FROM books WHERE chart = :chart) "
                    "AND book_id NOT IN (SELECT book_id FROM ledgers WHERE role = :role)"
                ),
                {"role": role, "number": number, "chart": chart},
            )


def downgrade() -> None:
    conn = op.get_bind()
    conn.execute(
        sa.text("UPDATE ledgers SET role = NULL WHERE role IN ('receivables', 'payables')")
    )
    op.drop_index("ix_lines_book_item", "journal_lines")
    # SQLite drops a column by copying the table, which takes its triggers with it.
    drop_triggers(conn, ("journal_lines",))
    with op.batch_alter_table("journal_lines") as batch:
        batch.drop_column("item_id")
        batch.drop_column("party_id")
    create_triggers(conn, ("journal_lines",))
    op.drop_table("open_items")
    op.drop_table("party_number_ranges")
    op.drop_table("parties")
