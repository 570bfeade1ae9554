"""Triggers that refuse UPDATE and DELETE of the append-only tables, on both engines."""

from __future__ import annotations

from sqlalchemy.engine import Connection

APPEND_ONLY = ("journal_entries", "journal_lines", "entry_reversals", "intent_reversals")


def create_triggers(conn: Connection, tables: tuple[str, ...] = APPEND_ONLY) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            """
            CREATE OR REPLACE FUNCTION folio_refuse_change() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'folio: %% is append-only; %% refused', TG_TABLE_NAME, TG_OP
                    USING ERRCODE = 'restrict_violation';
            END
            $$ LANGUAGE plpgsql
            """
        )
        for table in tables:
            conn.exec_driver_sql(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION folio_refuse_change()"
            )
            conn.exec_driver_sql(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION folio_refuse_change()"
            )
        return
    for table in tables:
        for operation in ("UPDATE", "DELETE"):
            conn.exec_driver_sql(
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'folio: {table} is append-only; "
                f"{operation} refused'); END"
            )


def drop_triggers(conn: Connection, tables: tuple[str, ...] = APPEND_ONLY) -> None:
    if conn.dialect.name == "postgresql":
        for table in tables:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        if tables == APPEND_ONLY:  # the first migration owns the function the others share
            conn.exec_driver_sql("DROP FUNCTION IF EXISTS folio_refuse_change() CASCADE")
        return
    for table in tables:
        for operation in ("update", "delete"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")


# Tables whose rows keep their history: never deleted, and changed only once, by setting a
# marker column that was NULL (an owner's release, a close's reopening); the other columns
# never change.
OWNERS = "opening_balance_owners"
_OWNER_KEPT = ("book_id", "entry_id", "ledger_id", "intent_id", "source", "created_at")
CLOSINGS = "fiscal_year_closings"
_CLOSING_KEPT = (
    "book_id", "closing_id", "seq", "year", "first_day", "last_day", "final", "result",
    "retained_earnings_id", "journal_number", "journal_hash", "prev_hash", "hash", "closed_at",
    "closed_by",
)  # fmt: skip
CLOSING_BALANCES = "fiscal_year_closing_balances"


def create_owner_triggers(conn: Connection) -> None:
    _create_marked_once(conn, OWNERS, "released_by", _OWNER_KEPT)


def drop_owner_triggers(conn: Connection) -> None:
    _drop_marked_once(conn, OWNERS)


def create_closing_triggers(conn: Connection) -> None:
    _create_marked_once(conn, CLOSINGS, "reopened_at", _CLOSING_KEPT)
    create_triggers(conn, (CLOSING_BALANCES,))


def drop_closing_triggers(conn: Connection) -> None:
    _drop_marked_once(conn, CLOSINGS)
    drop_triggers(conn, (CLOSING_BALANCES,))


def _create_marked_once(conn: Connection, table: str, marker: str, kept: tuple[str, ...]) -> None:
    if conn.dialect.name == "postgresql":
        changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in kept)
        conn.exec_driver_sql(
            f"""
            CREATE OR REPLACE FUNCTION folio_{table}_marked_once() RETURNS trigger AS $$
            BEGIN
                IF TG_OP <> 'UPDATE' OR OLD.{marker} IS NOT NULL OR {changed} THEN
                    RAISE EXCEPTION 'folio: %% rows change once, by their {marker}; %% refused',
                        TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
                END IF;
                RETURN NEW;
            END
            $$ LANGUAGE plpgsql
            """
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER {table}_marked_once BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION folio_{table}_marked_once()"
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION folio_{table}_marked_once()"
        )
        return
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in kept)
    conn.exec_driver_sql(
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} BEGIN SELECT "
        f"RAISE(ABORT, 'folio: {table} rows change once, by their {marker}; DELETE refused'); END"
    )
    conn.exec_driver_sql(
        f"CREATE TRIGGER {table}_marked_once BEFORE UPDATE ON {table} "
        f"WHEN OLD.{marker} IS NOT NULL OR {changed} BEGIN SELECT "
        f"RAISE(ABORT, 'folio: {table} rows change once, by their {marker}; UPDATE refused'); END"
    )


def _drop_marked_once(conn: Connection, table: str) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_marked_once ON {table}")
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS folio_{table}_marked_once()")
        return
    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_marked_once")


def drop_every_trigger(conn: Connection) -> None:
    """Every protection gone (tests that tamper with the tables as a database user could)."""
    drop_closing_triggers(conn)
    drop_owner_triggers(conn)
    drop_triggers(conn)
