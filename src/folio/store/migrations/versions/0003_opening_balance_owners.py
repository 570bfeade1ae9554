"""Who sets each ledger's opening balance, as data with a constraint (DESIGN §3.3).

Earlier versions read it from each entry's metadata. This fills the table from the journal: one
row per opening-balance entry and ledger (the carry-forward ledgers excluded), released when the
entry was reversed. Where a ledger had two live opening-balance entries (possible before, by
booking sets on several dates), the newer one owns it and the older one gets no row: `folio
verify` names it (`opening_owner_missing`) so that it can be reversed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

import folio.store.types
from folio.store.migrations.immutability import create_owner_triggers, drop_owner_triggers

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_SYSTEM_ROLES = (
    "opening_balances",
    "receivables_carry_forward",
    "payables_carry_forward",
    "current_year_earnings",
)


def upgrade() -> None:
    op.create_table(
        "opening_balance_owners",
        sa.Column("book_id", sa.String(length=32), nullable=False),
        sa.Column("entry_id", sa.String(length=32), nullable=False),
        sa.Column("ledger_id", sa.String(length=32), nullable=False),
        sa.Column("intent_id", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("created_at", folio.store.types.UtcDateTime(), nullable=False),
        sa.Column("released_by", sa.String(length=32), nullable=True),
        sa.Column("released_at", folio.store.types.UtcDateTime(), nullable=True),
        sa.CheckConstraint("source IN ('ledger', 'set', 'open_items')", name="ck_ob_owner_source"),
        sa.CheckConstraint(
            "(released_by IS NULL) = (released_at IS NULL)", name="ck_ob_owner_released"
        ),
        sa.ForeignKeyConstraint(
            ["book_id", "entry_id"], ["journal_entries.book_id", "journal_entries.entry_id"]
        ),
        sa.ForeignKeyConstraint(["book_id", "ledger_id"], ["ledgers.book_id", "ledgers.ledger_id"]),
        sa.PrimaryKeyConstraint("book_id", "entry_id", "ledger_id"),
    )
    op.create_index(
        "uq_ob_owner_live",
        "opening_balance_owners",
        ["book_id", "ledger_id"],
        unique=True,
        sqlite_where=sa.text("released_by IS NULL"),
        postgresql_where=sa.text("released_by IS NULL"),
    )
    op.create_index("ix_ob_owner_intent", "opening_balance_owners", ["book_id", "intent_id"])
    _backfill(op.get_bind())
    create_owner_triggers(op.get_bind())


def _backfill(conn: sa.engine.Connection) -> None:
    system = {
        (row.book_id, row.ledger_id)
        for row in conn.execute(
            sa.text(
                "SELECT book_id, ledger_id FROM ledgers WHERE subtype = 'opening_balance' "
                f"OR role IN ({', '.join(repr(role) for role in _SYSTEM_ROLES)})"
            )
        )
    }
    reversals = {
        (row.book_id, row.original_id): (row.reversal_id, row.created_at)
        for row in conn.execute(
            sa.text("SELECT book_id, original_id, reversal_id, created_at FROM entry_reversals")
        )
    }
    entries = conn.execute(
        sa.text(
            "SELECT e.book_id, e.entry_id, e.intent_id, e.metadata, e.created_at, l.ledger_id "
            "FROM journal_entries e JOIN journal_lines l "
            "ON l.book_id = e.book_id AND l.entry_id = e.entry_id "
            "WHERE e.kind = 'opening_balance' ORDER BY e.journal_number DESC, l.line_no"
        )
    ).all()
    owned: set[tuple[str, str]] = set()
    rows = []
    for entry in entries:
        key = (entry.book_id, entry.ledger_id)
        if key in system:
            continue
        released = reversals.get((entry.book_id, entry.entry_id))
        if released is None:
            if key in owned:
                continue  # an older live entry of a ledger already owned: verify names it
            owned.add(key)
        source = json.loads(entry.metadata).get("folio.opening_balance")
        rows.append(
            {
                "book_id": entry.book_id,
                "entry_id": entry.entry_id,
                "ledger_id": entry.ledger_id,
                "intent_id": entry.intent_id,
                "source": "ledger" if source == "ledger" else "set",
                "created_at": entry.created_at,
                "released_by": released[0] if released else None,
                "released_at": released[1] if released else None,
            }
        )
    if rows:
        table = sa.table(
            "opening_balance_owners",
            *(sa.column(name) for name in rows[0]),
        )
        conn.execute(table.insert(), rows)


def downgrade() -> None:
    drop_owner_triggers(op.get_bind())
    op.drop_index("ix_ob_owner_intent", "opening_balance_owners")
    op.drop_index("uq_ob_owner_live", "opening_balance_owners")
    op.drop_table("opening_balance_owners")
