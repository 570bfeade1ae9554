"""SQLAlchemy Core tables. `book_id` leads every primary key and index of book data.

Amounts are BigInteger minor units; never Numeric (SQLite would route it through float).
Every string column in a key or index is a `key_string` (compared byte by byte, collation "C"
on PostgreSQL); text for people (names, descriptions, addresses) is in none.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from folio.store.types import UtcDateTime, key_string

metadata = MetaData()

books = Table(
    "books",
    metadata,
    Column("book_id", key_string(32), nullable=False),
    Column("name", String(200), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("exponent", Integer, nullable=False),
    Column("entries_start", Date, nullable=False),
    Column("fiscal_year_start", String(5), nullable=False),
    Column("chart", String(32), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    # The journal head: the last number and hash, advanced under the book row's lock.
    Column("last_journal_number", BigInteger, nullable=False, server_default="0"),
    Column("last_hash", String(64), nullable=False),
    # The last day of the newest closed fiscal year: closes happen in order and reopen from the
    # newest, so the closed years are the ones through this day (verify checks it against the
    # closes). Posting on or before it is refused.
    Column("closed_through", Date),
    # DATEV's Beraternummer and Mandantennummer, written into every EXTF file's header.
    Column("datev_consultant_number", Integer),
    Column("datev_client_number", Integer),
    PrimaryKeyConstraint("book_id"),
)

ledgers = Table(
    "ledgers",
    metadata,
    Column("book_id", key_string(32), nullable=False),
    Column("ledger_id", key_string(32), nullable=False),
    Column("number", key_string(20)),
    Column("name", String(200), nullable=False),
    Column("type", key_string(16), nullable=False),
    Column("subtype", String(40), nullable=False),
    Column("normal_balance", String(6), nullable=False),
    Column("parent_id", String(32)),
    Column("role", key_string(40)),
    Column("archived", Boolean, nullable=False, server_default=false()),
    Column("description", String(512)),
    Column("debits_posted", BigInteger, nullable=False, server_default="0"),
    Column("credits_posted", BigInteger, nullable=False, server_default="0"),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("book_id", "ledger_id"),
    ForeignKeyConstraint(["book_id"], ["books.book_id"]),
    UniqueConstraint("book_id", "number", name="uq_ledgers_book_number"),
    UniqueConstraint("book_id", "role", name="uq_ledgers_book_role"),
    # Half of each page free, so that adding to a ledger's totals is a HOT update (0010).
    postgresql_with={"fillfactor": 50},
)
Index("ix_ledgers_book_type", ledgers.c.book_id, ledgers.c.type)

journal_entries = Table(
    "journal_entries",
    metadata,
    Column("book_id", key_string(32), nullable=False),
    Column("entry_id", key_string(32), nullable=False),
    Column("journal_number", BigInteger, nullable=False),
    Column("date", Date, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("description", String(512)),
    Column("kind", String(20), nullable=False),
    Column("is_opening_balance", Boolean, nullable=False),
    Column("intent_id", key_string(32), nullable=False),
    Column("reverses_id", String(32)),
    Column("external_reference", key_string(200)),
    Column("metadata", Text, nullable=False),
    Column("created_by", String(64)),
    Column("modified_by", String(200)),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    PrimaryKeyConstraint("book_id", "entry_id"),
    ForeignKeyConstraint(["book_id"], ["books.book_id"]),
    UniqueConstraint("book_id", "journal_number", name="uq_entries_book_number"),
)
Index("ix_entries_book_date", journal_entries.c.book_id, journal_entries.c.date)
Index("ix_entries_book_intent", journal_entries.c.book_id, journal_entries.c.intent_id)
# Partial: most entries carry no reference (migration 0009); reads name one, which implies it.
Index(
    "ix_entries_book_reference",
    journal_entries.c.book_id,
    journal_entries.c.external_reference,
    sqlite_where=journal_entries.c.external_reference.is_not(None),
    postgresql_where=journal_entries.c.external_reference.is_not(None),
)

journal_lines = Table(
    "journal_lines",
    metadata,
    Column("book_id", key_string(32), nullable=False),
    Column("line_id", key_string(32), nullable=False),
    Column("entry_id", key_string(32), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("ledger_id", key_string(32), nullable=False),
    Column("side", String(6), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("description", String(512)),
    Column("tags", Text, nullable=False),
    # Copied from the entry so per-ledger reads need no join.
    Column("date", Date, nullable=False),
    Column("journal_number", BigInteger, nullable=False),
    Column("is_opening_balance", Boolean, nullable=False),
    # The customer or supplier a line concerns, and the open item it opens or settles.
    Column("party_id", String(32)),
    Column("item_id", key_string(32)),
    PrimaryKeyConstraint("book_id", "line_id"),
    ForeignKeyConstraint(
        ["book_id", "entry_id"], ["journal_entries.book_id", "journal_entries.entry_id"]
    ),
    ForeignKeyConstraint(["book_id", "ledger_id"], ["ledgers.book_id", "ledgers.ledger_id"]),
)
Index("ix_lines_book_entry", journal_lines.c.book_id, journal_lines.c.entry_id)
Index(
    "ix_lines_book_ledger_date",
    journal_lines.c.book_id,
    journal_lines.c.ledger_id,
    journal_lines.c.date,
    journal_lines.c.journal_number,
)
Index("ix_lines_book_number", journal_lines.c.book_id, journal_lines.c.journal_number)
# Partial: most lines name no open item (migration 0009).
Index(
    "ix_lines_book_item",
    journal_lines.c.book_id,
    journal_lines.c.item_id,
    sqlite_where=journal_lines.c.item_id.is_not(None),
    postgresql_where=journal_lines.c.item_id.is_not(None),
)


def _totals_table(name: str, key: str) -> Table:
    """Per-ledger totals by day or by month, split into opening-balance and other postings."""
    return Table(
        name,
        metadata,
        Column("book_id", key_string(32), nullable=False),
        Column("ledger_id", key_string(32), nullable=False),
        Column(key, Date, nullable=False),
        Column("debits", BigInteger, nullable=False),
        Column("credits", BigInteger, nullable=False),
        Column("ob_debits", BigInteger, nullable=False),
        Column("ob_credits", BigInteger, nullable=False),
        PrimaryKeyConstraint("book_id", "ledger_id", key),
    )


ledger_daily_totals = _totals_table("ledger_daily_totals", "day")
ledger_monthly_totals = _totals_table("ledger_monthly_totals", "month")
# Book-wide reads as of a date (every ledger at once) range over the date, not the ledger.
Index("ix_daily_totals_book_day", ledger_daily_totals.c.book_id, ledger_daily_totals.c.day)
Index(
    "ix_monthly_totals_book_month", ledger_monthly_totals.c.book_id, ledger_monthly_totals.c.month
)

# Append-only link from an entry to its reversal; the primary key refuses a second reversal.
entry_reversals = Table(
    "entry_reversals",
    metadata,
    Column("book_id", key_string(32), nullable=False),
    Column("original_id", key_string(32), nullable=False),
    Column("reversal_id", key_string(32), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("book_id", "original_id"),
)
Index("ix_entry_reversals_reversal", entry_reversals.c.book_id, entry_reversals.c.reversal_id)

intent_reversals = Table(
    "intent_reversals",
    metadata,
    Column("book_id", key_string(32), nullable=False),
    Column("intent_id", key_string(32), nullable=False),
    Column("reversal_intent_id", String(32), nullable=False),
    Column("reason", String(512)),
    Column("created_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("book_id", "intent_id"),
)

# Who sets each ledger's opening balance (DESIGN §3.3): one row per opening-balance entry and
# the ledger it sets. A reversal of that entry releases the row; the partial unique index lets
# each ledger have at most one live owner, on both engines.
opening_balance_owners = Table(
    "opening_balance_owners",
    metadata,
    Column("book_id", key_string(32), nullable=False),
    Column("entry_id", key_string(32), nullable=False),
    Column("ledger_id", key_string(32), nullable=False),
    Column("intent_id", key_string(32), nullable=False),
    Column("source", String(12), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("released_by", String(32)),
    Column("released_at", UtcDateTime),
    PrimaryKeyConstraint("book_id", "entry_id", "ledger_id"),
    ForeignKeyConstraint(
        ["book_id", "entry_id"], ["journal_entries.book_id", "journal_entries.entry_id"]
    ),
    ForeignKeyConstraint(["book_id", "ledger_id"], ["ledgers.book_id", "ledgers.ledger_id"]),
    CheckConstraint("source IN ('ledger', 'set', 'open_items')", name="ck_ob_owner_source"),
    CheckConstraint("(released_by IS NULL) = (released_at IS NULL)", name="ck_ob_owner_released"),
)
Index(
    "uq_ob_owner_live",
    opening_balance_owners.c.book_id,
    opening_balance_owners.c.ledger_id,
    unique=True,
    sqlite_where=opening_balance_owners.c.released_by.is_(None),
    postgresql_where=opening_balance_owners.c.released_by.is_(None),
)
Index("ix_ob_owner_intent", opening_balance_owners.c.book_id, opening_balance_owners.c.intent_id)

# Year-end closes (DESIGN §3a): one row per close, its closing balances beside it. A close is
# hash-chained to the book's earlier closes and bound to the journal head it saw; a reopen
# marks the row (once), and the partial unique index allows one live close per year.
fiscal_year_closings = Table(
    "fiscal_year_closings",
    metadata,
    Column("book_id", key_string(32), nullable=False),
    Column("closing_id", key_string(32), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("year", Integer, nullable=False),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
    Column("final", Boolean, nullable=False),
    Column("result", BigInteger, nullable=False),
    Column("retained_earnings_id", String(32), nullable=False),
    Column("journal_number", BigInteger, nullable=False),
    Column("journal_hash", String(64), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("closed_at", UtcDateTime, nullable=False),
    Column("closed_by", String(64)),
    Column("reopened_at", UtcDateTime),
    Column("reopened_by", String(64)),
    PrimaryKeyConstraint("book_id", "closing_id"),
    ForeignKeyConstraint(["book_id"], ["books.book_id"]),
    UniqueConstraint("book_id", "seq", name="uq_closings_book_seq"),
)
Index(
    "uq_closings_live_year",
    fiscal_year_closings.c.book_id,
    fiscal_year_closings.c.year,
    unique=True,
    sqlite_where=fiscal_year_closings.c.reopened_at.is_(None),
    postgresql_where=fiscal_year_closings.c.reopened_at.is_(None),
)

fiscal_year_closing_balances = Table(
    "fiscal_year_closing_balances",
    metadata,
    Column("book_id", key_string(32), nullable=False),
    Column("closing_id", key_string(32), nullable=False),
    Column("ledger_id", key_string(32), nullable=False),
    # The ledger's balance at the year's end, debit − credit (revenue and expense: the year's).
    Column("balance", BigInteger, nullable=False),
    PrimaryKeyConstraint("book_id", "closing_id", "ledger_id"),
    ForeignKeyConstraint(
        ["book_id", "closing_id"],
        ["fiscal_year_closings.book_id", "fiscal_year_closings.closing_id"],
    ),
    ForeignKeyConstraint(["book_id", "ledger_id"], ["ledgers.book_id", "ledgers.ledger_id"]),
)

# Customers and suppliers (DATEV's Debitoren and Kreditoren), numbered uniquely in a book.
parties = Table(
    "parties",
    metadata,
    Column("book_id", key_string(32), nullable=False),
    Column("party_id", key_string(32), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("number", key_string(20), nullable=False),
    Column("name", String(200), nullable=False),
    Column("tax_id", String(30)),
    Column("address", String(500)),
    Column("payment_terms_days", Integer, nullable=False),
    Column("archived", Boolean, nullable=False, server_default=false()),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("book_id", "party_id"),
    ForeignKeyConstraint(["book_id"], ["books.book_id"]),
    UniqueConstraint("book_id", "number", name="uq_parties_book_number"),
    CheckConstraint("kind IN ('customer', 'supplier')", name="ck_parties_kind"),
    CheckConstraint("payment_terms_days BETWEEN 0 AND 365", name="ck_parties_payment_terms_days"),
)

# Open items: a party's unpaid invoice or bill on a control ledger. Its open amount is derived
# from the journal lines that name it (`journal_lines.item_id`), never stored.
open_items = Table(
    "open_items",
    metadata,
    Column("book_id", key_string(32), nullable=False),
    Column("item_id", key_string(32), nullable=False),
    Column("party_id", key_string(32), nullable=False),
    Column("ledger_id", key_string(32), nullable=False),
    Column("document_number", key_string(36), nullable=False),
    Column("document_date", Date, nullable=False),
    Column("due_date", Date, nullable=False),
    # Signed on the control ledger's normal side: an invoice or bill positive, a credit note
    # negative; what the item opened with.
    Column("amount", BigInteger, nullable=False),
    Column("description", String(512)),
    Column("created_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("book_id", "item_id"),
    ForeignKeyConstraint(["book_id", "party_id"], ["parties.book_id", "parties.party_id"]),
    ForeignKeyConstraint(["book_id", "ledger_id"], ["ledgers.book_id", "ledgers.ledger_id"]),
    UniqueConstraint("book_id", "party_id", "document_number", name="uq_open_items_document"),
    CheckConstraint("amount <> 0", name="ck_open_items_amount"),
    CheckConstraint("due_date >= document_date", name="ck_open_items_due"),
)

# A book's own number range for a kind of party; without a row, the default range applies.
party_number_ranges = Table(
    "party_number_ranges",
    metadata,
    Column("book_id", key_string(32), nullable=False),
    Column("kind", key_string(10), nullable=False),
    Column("first_number", BigInteger, nullable=False),
    Column("last_number", BigInteger, nullable=False),
    PrimaryKeyConstraint("book_id", "kind"),
    ForeignKeyConstraint(["book_id"], ["books.book_id"]),
    CheckConstraint("kind IN ('customer', 'supplier')", name="ck_party_ranges_kind"),
    CheckConstraint(
        "first_number > 0 AND first_number <= last_number", name="ck_party_ranges_order"
    ),
)

# One row per DATEV file imported into a book: its SHA-256, so the same file is not booked twice.
datev_imports = Table(
    "datev_imports",
    metadata,
    Column("book_id", key_string(32), nullable=False),
    Column("sha256", key_string(64), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("intent_id", String(32)),
    Column("rows", Integer, nullable=False),
    Column("imported_at", UtcDateTime, nullable=False),
    Column("imported_by", String(64)),
    ForeignKeyConstraint(["book_id"], ["books.book_id"]),
    PrimaryKeyConstraint("book_id", "sha256"),
)

periods = Table(
    "periods",
    metadata,
    Column("book_id", key_string(32), nullable=False),
    Column("period", key_string(7), nullable=False),
    Column("status", String(12), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("updated_by", String(64)),
    PrimaryKeyConstraint("book_id", "period"),
)

audit_events = Table(
    "audit_events",
    metadata,
    # "" for events that belong to no book (keys, clients, server start).
    Column("book_id", key_string(32), nullable=False),
    Column("event_id", key_string(32), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("actor", String(64)),
    Column("modified_by", String(200)),
    Column("action", String(64), nullable=False),
    Column("target_type", String(32)),
    Column("target_id", String(64)),
    Column("request_id", String(64)),
    Column("details", Text, nullable=False),
    PrimaryKeyConstraint("book_id", "event_id"),
)
Index("ix_audit_book_seq", audit_events.c.book_id, audit_events.c.seq)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("book_id", key_string(32), nullable=False),
    Column("principal_id", key_string(64), nullable=False),
    Column("key", key_string(200), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("response_body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("book_id", "principal_id", "key"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("key_id", key_string(32), nullable=False),
    Column("name", String(200)),
    Column("secret_hash", String(64), nullable=False),
    Column("scopes", Text, nullable=False),
    Column("book_id", String(32)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
    PrimaryKeyConstraint("key_id"),
)

oauth_clients = Table(
    "oauth_clients",
    metadata,
    Column("client_id", key_string(32), nullable=False),
    Column("name", String(200)),
    Column("secret_hash", String(64), nullable=False),
    Column("scopes", Text, nullable=False),
    Column("book_id", String(32)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
    PrimaryKeyConstraint("client_id"),
)

server_settings = Table(
    "server_settings",
    metadata,
    Column("name", key_string(64), nullable=False),
    Column("value", Text, nullable=False),
    PrimaryKeyConstraint("name"),
)
